"""Transcript files -> :class:`Conference`: bytes to text, text to paragraphs.

Why this shape:

* Every format is first reduced to the same thing - a title line and a list
  of paragraphs, each whitespace-collapsed and trimmed - and the walker
  (rag/parse/walker.py) turns paragraphs into exchanges. The corpus txt files
  were rendered from the HTML exactly that way, so parsing a page and its txt
  gives identical exchanges (tests/parse/test_corpus.py checks all 386 pairs).
* Which publisher's layout a file follows is detected per file from its title
  (rag/parse/registry.py); nothing here names a publisher.
* Replies are quoted to users verbatim, so no text is rewritten: a reply is
  its paragraphs joined by a blank line, the leading answer label removed from
  the first. Every paragraph of ``text``/``question`` is a substring of the
  collapsed source.
* Every way a file can be unusable raises :class:`ParseError` naming the file
  and the reason; ingest reports it and carries on with the other files.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import replace
from pathlib import Path

from .markdown import read_markdown
from .profiles import BriefingProfile, collapse_whitespace
from .records import Conference, ParseError
from .registry import PROFILES, profile_by_title

__all__ = ["parse_file", "decode_bytes", "parse_text", "parse_html", "parse_markdown",
           "SUPPORTED_SUFFIXES", "MAX_FILE_BYTES", "PARSER_VERSION", "split_text_paragraphs",
           "html_paragraphs", "collapse_whitespace"]

#: Suffixes ingest hands to :func:`parse_file` (compared lower-cased).
SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".shtml")

#: Larger files are refused: the biggest real page is ~100 kB, so 20 MB is
#: something else (a dump, a binary) and would only waste memory.
MAX_FILE_BYTES = 20 * 1024 * 1024
# Bump when a change to parsing (here, in the walker or in a profile) can read
# an unchanged file differently: ingest then re-parses every stored file once
# and rewrites only those whose passages come out different.
# 2: passage ids include the file's resolved path (two files of one name in
#    two folders collided), so every stored file is rewritten once, with its
#    vectors reused.
# 3: White House asides: a reporter's few words into a reply ("Q Yeah.") that
#    the same official carries on stay inside that reply; quips during
#    remarks are not questions.
# 4: a White House lead-in the official nods to ("Q I have a question on X." /
#    "Sure." / "Q ...?") is one question with what follows.
# 5: thanks for that nod ("Q Thank you.") do not end the exchange; floor
#    hand-overs ("why don't you kick us off?") are no statements.
# 6: a phone briefing's operator ("OPERATOR: Ken, you're open.") and an aide
#    keeping time ("We have time for a couple more.") are floor management,
#    not a statement or part of a reply; a reply an official only hands over
#    ("Dr. Fauci.") is the next official's; an official greeting the room
#    after small talk ("Okay, good afternoon, everybody.") opens remarks.
# 7: an official who never answers a reporter and says a few words a turn
#    (an aide keeping time, in any words) manages the floor, and ends the
#    exchange as staff do.
# 8: remarks open with any greeting of the room ("Happy Tuesday, everybody.");
#    sign-offs ("See you tomorrow.") are pleasantries; an aide the briefing
#    never names is one even when speaking first after a reporter.
# 9: calling on the next reporter ("With that, go ahead, Aamer.", "Who have
#    I not called on?") is floor management, no statement, and a reply's
#    closing "Go ahead, Owen." is not part of the reply.
# 10: a few words before five times as many by another official ("I'm just
#     trying to keep him on time." before Dr. Fauci's answer) make the reply
#     the other's.
# 11: one official's remarks are a statement a topic, not a paragraph
#     (rag/parse/segments.py); remarks closing on "With that, Aamer." drop it.
# 12: handing the floor on in more words is floor management too ("With that,
#     I will turn it over to Dr. Fauci.", "And I'm happy to take any
#     questions.", "The podium is yours."; remarks' closing "Go ahead, Owen.
#     I haven't called on you in a while."): no statement, not in a reply;
#     remarks cut only where the official turns to another topic; an official
#     announcing what they have "at the top" opens remarks, past a quip.
# 13-24: White House remarks after a quip, greetings, farewells, cross-talk,
#     nods between two parts of one question (see rag/parse/whitehouse.py).
# 25: an official asking back what was meant ("How much?") is part of the
#     question; leave to ask ("Can I ask about Iran?" / "Sure.") joins the
#     question that follows; a question passed over ("Go ahead, April.") gets
#     no reply; a question begun inside a reply starts the next; a middle
#     name from the title ("Keisha Lance Bottoms").
# 26: an official breaking off at once ("So -") leaves the question open.
# 27: a reply's closing call on the next reporter in a few more words ("Go
#     ahead, Patsy. I promised to get back to you.") is not part of it.
# 28: an official asking to hear the question again ("Say that one more
#     time.") is part of the question, as asking back is.
# 29: an official breaking off counts words, not the dashes between them
#     ("The President — well, I —" is four: the question goes on).
# 30: label typos an unseen transcript may have are read as labels: the
#     ministry's "Shenzhen TV:According to ..." (no space; 2020-04-23 had its
#     question glued into the reply before), "MASTV：text", "Spokesperson Zhao
#     Lijian:", "AFP Follow-up:", "Reporter from Dragon TV:"; the White
#     House's "Q.", "MR. KIRBY;", "Mr. Kirby:", a label on a line of its own,
#     a closing "END"; a ministry "Name: ..." paragraph inside a reply that
#     no reply follows stays in it; zero-width characters dropped; GBK's punctuation and a
#     page's declared charset read as such (not as cp1252's "¡¯").
# 31: the White House's other podiums are read too ("Press Briefing by White
#     House COVID-19 Response Team ...", "On-the-Record Press Gaggle by ...
#     John Kirby", "Background Press Call on ...": 1,143 of the scraper's 1,154
#     press-briefing pages, 705 before); an unnamed official ("SENIOR
#     ADMINISTRATION OFFICIAL:") is one; a call's moderator between a question
#     and its reply keeps the question open; text after the closing time line
#     and a pointer to slides are not the last reply; a title with only a year
#     ("Fiscal Year 2022") takes the front matter's date; "I'm Bob Fenton" is
#     Bob Fenton; ACTING, ASSISTANT, COACH ... make a label an official's; a
#     time line in any zone ("7:25 P.M. BST") is skipped; the crew and a
#     moderator's typos are staff; an unnamed label keeps its label on each
#     turn after the first. A title without a date takes the file name's.
#     "Q–" (a dash glued on) is a reporter's turn; "Next question." is floor
#     talk; a reply handed over in a few words is the other's unless the
#     first speaker then says more than floor talk.
# 32: a reply's last paragraph that only nods ("Yeah.", "Yes.", "Okay.") after
#     the official's own words calls on the next reporter: not in the reply
#     (596 replies of the scraper's 1,143 pages, 20 files of corpus-wh); a
#     reply opening "(Calling on another reporter.) Yes." answers nothing.
PARSER_VERSION = 32

#: How many leading paragraphs may precede the title (language bar, site name).
_MAX_PARAS_BEFORE_TITLE = 5

_HTML_SNIFF_RE = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                            rb"<(?:!doctype\s+html|html|head|body|meta|title|div|p)\b", re.I | re.S)

# Elements that end a paragraph when rendering HTML (as the corpus txt did).
_BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "table", "tr",
    "td", "th", "tbody", "thead", "blockquote", "section", "article", "center", "pre",
    "hr", "dl", "dt", "dd", "header", "footer", "main", "aside", "figure", "figcaption",
    "form", "address", "nav"})
_SKIP_TAGS = frozenset({"script", "style", "-comment", "noscript", "template", "head", "title"})


# ------------------------------------------------------------------ helpers
def split_text_paragraphs(text: str) -> list[str]:
    """Paragraphs of the txt format: blocks separated by blank lines.

    A file without any blank line is taken as one paragraph per line (a
    common hand-made variant); lines inside a block are joined by the
    whitespace collapse.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    blocks = re.split(r"\n[^\S\n]*\n", text)
    if len([b for b in blocks if b.strip()]) <= 1:
        blocks = text.split("\n")
    return [p for p in (collapse_whitespace(b) for b in blocks) if p]


def html_paragraphs(node) -> list[str]:
    """Render a selectolax node to paragraphs the way the corpus txt was made.

    Block elements and ``<br>`` end a paragraph; inline elements do not;
    scripts, styles and comments are dropped; image-only paragraphs vanish
    because they have no text.
    """
    out: list[str] = []
    cur: list[str] = []

    def flush() -> None:
        if cur:
            s = collapse_whitespace("".join(cur))
            if s:
                out.append(s)
            cur.clear()

    def walk(n) -> None:
        for ch in n.iter(include_text=True):
            tag = ch.tag
            if tag == "-text":
                cur.append(ch.text_content or "")
            elif tag == "br":
                flush()
            elif tag in _SKIP_TAGS:
                continue
            elif tag in _BLOCK_TAGS:
                flush()
                walk(ch)
                flush()
            else:
                walk(ch)

    walk(node)
    flush()
    return out


# ---------------------------------------------------------------- formats
def parse_text(text: str, source: str, sha256: str = "",
               profile: BriefingProfile | None = None) -> Conference:
    """Parse the paragraph text format (the seed and the corpus ``txt/``).

    The title is the first paragraph a profile recognizes among the first
    few (``profile``, or each registered one); what precedes it (the site's
    language bar) is noted and skipped.
    """
    paras = split_text_paragraphs(text)
    if not paras:
        raise ParseError(source, "empty file (no text)")
    candidates = (profile,) if profile is not None else PROFILES
    notes: list[str] = []
    for ti, p in enumerate(paras[:_MAX_PARAS_BEFORE_TITLE]):
        found = profile_by_title(p, candidates)
        if found is not None:
            break
    else:
        raise ParseError(source, "no title line naming a press conference, briefing or "
                                 "gaggle and its date (as \"Spokesperson Zhao Lijian's Regular "
                                 "Press Conference on April 15, 2020\" or \"Press Briefing by "
                                 "Press Secretary Jen Psaki, January 21, 2021\") in the first "
                                 f"{_MAX_PARAS_BEFORE_TITLE} paragraphs (not a transcript?)")
    for j in range(ti):
        notes.append(f"paragraph {j}: before the title {paras[j][:60]!r}")
    return found.conference(paras[ti], paras[ti + 1:], source, sha256, None, notes, ti + 1)


def parse_html(html: str | bytes, source: str, sha256: str = "",
               profile: BriefingProfile | None = None) -> Conference:
    """Parse an article page: the title and body elements of the profile
    whose title the page carries (MFA: ``h2.title``, falling back to
    ``<title>``, and ``div.content``).

    Navigation, scripts and footers are outside those two elements, so they
    never reach a reply. A page without an article body (a list or
    navigation page) is refused.
    """
    from selectolax.lexbor import LexborHTMLParser  # local: keep import cheap

    if isinstance(html, bytes):
        try:
            html = html.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise ParseError(source, f"not UTF-8 text (invalid byte at offset {e.start})") from None
    if not html.strip():
        raise ParseError(source, "empty file (no text)")
    tree = LexborHTMLParser(html)
    candidates = (profile,) if profile is not None else PROFILES
    title, found, body = "", None, None
    for candidate in candidates:
        if not candidate.html_title_selectors:
            continue   # a publisher without HTML pages
        for sel in candidate.html_title_selectors:
            node = tree.css_first(sel)
            title = collapse_whitespace(node.text(deep=True)) if node is not None else ""
            if title:
                break
        body = tree.css_first(candidate.html_body_selector)
        if body is not None and candidate.parse_title(title) is not None:
            found = candidate
            break
    if body is None:
        selectors = ", ".join(sorted({c.html_body_selector for c in candidates
                                      if c.html_title_selectors and c.html_body_selector}))
        raise ParseError(source, f"HTML page has no article body ({selectors}): "
                                 "not a transcript page (navigation or list page?)")
    if found is None:
        raise ParseError(source, f"HTML page title {title[:100]!r} is not a press-conference "
                                 "title with a recognizable date (not a transcript page?)")
    url = None
    for sel, attr in (('link[rel="canonical"]', "href"), ('meta[property="og:url"]', "content")):
        n = tree.css_first(sel)
        if n is not None and (n.attributes.get(attr) or "").strip():
            url = n.attributes[attr].strip()
            break
    return found.conference(title, html_paragraphs(body), source, sha256, url, [], 1)


def parse_markdown(text: str, source: str, sha256: str = "",
                   profile: BriefingProfile | None = None) -> Conference:
    """Parse a scraped Markdown page (front matter + pandoc Markdown): the
    title from the front matter, the ``source_url`` as the conference's URL."""
    title, paras, meta = read_markdown(text, source)
    found = profile if profile is not None else profile_by_title(title)
    if found is None or found.parse_title(title) is None:
        raise ParseError(source, f"title {title[:100]!r} is not a press-conference or briefing "
                                 "title with a recognizable date (not a transcript?)")
    url = meta.get("source_url")
    url = str(url).strip() if url else None
    return found.conference(title, paras, source, sha256, url, [], 1)


#: Code pages charset-normalizer cannot tell apart on English text: an English
#: transcript in cp1252 scores the same as cp1250 and cp1257, and its first
#: pick, cp1250, turned "Très" into "Trčs". Among equally good matches that
#: decode differently, the Windows Western code page wins: what an English
#: transcript saved on Windows is in (and latin-1's printable characters too).
_PREFERRED_ON_TIE = ("cp1252",)
#: A decoding messier than this (charset-normalizer's 0..1 "chaos") is a guess.
_MAX_CHAOS = 0.1
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _mostly_ascii(raw: bytes, share: float = 0.95) -> bool:
    """At least ``share`` of the bytes are ASCII (an English text, whatever its code page)."""
    return sum(1 for b in raw if b < 0x80) >= share * len(raw)


#: UTF-8's multi-byte characters (a lead byte and its continuation bytes).
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]"
                             rb"|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
                             rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
                             rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")


def _mostly_utf8(raw: bytes) -> bool:
    """Does ``raw`` hold UTF-8 characters (two or more, and at least as many
    as the bytes outside them that are not ASCII)? A file in a code page
    almost never does: its accented letters and quotes are single bytes."""
    valid = _UTF8_MULTIBYTE.findall(raw)
    if len(valid) < 2:
        return False
    other = sum(1 for b in _UTF8_MULTIBYTE.sub(b"", raw) if b >= 0x80)
    return len(valid) >= other


#: A page's own word on its encoding: <meta charset="gbk">, or http-equiv's content.
_META_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_\-]{2,20})""", re.I)
#: Code pages a declared name stands for (GB18030 reads GB2312 and GBK alike).
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
                    "iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
                    "us-ascii": "cp1252", "ascii": "cp1252"}


def _declared(raw: bytes) -> tuple[str, str] | None:
    """(``raw`` decoded as the encoding its HTML declares, that encoding),
    strictly and without control characters, or None: a page knows its code
    page better than any guess ("gb2312" for a ministry page whose curly
    quotes are GBK's)."""
    m = _META_CHARSET_RE.search(raw[:8192])
    if not m:
        return None
    name = m.group(1).decode("ascii").lower()
    codec = _CHARSET_ALIASES.get(name, name)
    try:
        text = raw.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return None
    return None if _CONTROL_RE.search(text) else (text.lstrip("\ufeff"), codec)


#: GBK's typographic marks, the only non-ASCII of an English page saved as
#: GBK: ’ ‘ “ ” — … and the full-width colon, space and comma. As cp1252
#: they read "¡¯", "¡°" ...; no Western text has those pairs.
_GBK_MARKS_RE = re.compile(rb"\xa1[\xa1-\xfe]|\xa3[\xa1-\xfe]")


def _decode_gbk_marks(raw: bytes) -> str | None:
    """``raw`` as GB18030 when every non-ASCII byte of it is one of GBK's
    two-byte characters and most are its punctuation marks; else None."""
    runs = re.findall(rb"[\x80-\xff]+", raw)
    if not runs or any(len(r) % 2 for r in runs):
        return None
    pairs = [r[i:i + 2] for r in runs for i in range(0, len(r), 2)]
    if sum(1 for p in pairs if _GBK_MARKS_RE.fullmatch(p)) < 0.8 * len(pairs):
        return None
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return None if _CONTROL_RE.search(text) else text


def _decode_western(raw: bytes) -> str | None:
    """``raw`` as cp1252 (strict: its five undefined bytes fail), or None."""
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return None if _CONTROL_RE.search(text) else text


def decode_bytes(raw: bytes, source: str) -> tuple[str, str]:
    """Bytes -> (text, encoding), or the precise reason why they are not text.

    UTF-8 (with or without a byte-order mark) is the fast path. Anything else
    is handed to charset-normalizer and accepted only when it is sure: a
    byte-order mark (UTF-16/32), or one decoding clearly best (ties between
    code pages broken as :data:`_PREFERRED_ON_TIE` says). Binary files are
    refused. The encoding is returned so the ingest report can say it.
    """
    if not raw.strip():
        raise ParseError(source, "empty file")
    bad = "NUL bytes"   # valid UTF-8, but no text file has them: UTF-16/32 or binary
    if b"\x00" not in raw:
        try:
            return raw.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError as e:
            bad = f"invalid UTF-8 byte 0x{raw[e.start]:02x} at offset {e.start}"
            if _mostly_utf8(raw):
                # UTF-8 throughout but for a stray byte or two (a damaged copy,
                # text pasted from elsewhere): no single code page reads it
                # right, and a guess would store mojibake ("couldn‚Äôt") as
                # the officials' words
                raise ParseError(source, f"not valid UTF-8 ({bad}) though the rest of the file "
                                         "is: damaged, or two encodings mixed; save it as UTF-8")
    if b"\x00" not in raw and (declared := _declared(raw)) is not None:
        return declared
    if b"\x00" not in raw and (gbk := _decode_gbk_marks(raw)) is not None:
        return gbk, "gb18030"     # English with GBK's quotes and dashes: not cp1252's "¡¯"
    if b"\x00" not in raw and _mostly_ascii(raw):
        # English with a few smart quotes and dashes saved on Windows: the
        # detector guesses from those few bytes (big5 for one em dash, cp1250
        # for curly quotes), while cp1252 is what such a file is in
        western = _decode_western(raw)
        if western is not None:
            return western, "cp1252"      # (a BOM is UTF-8's, and UTF-8 failed)
    from charset_normalizer import from_bytes  # local: only non-UTF-8 files pay for it
    matches = from_bytes(raw)
    best = matches.best()
    if best is None or best.chaos > _MAX_CHAOS:
        if b"\x00" in raw:
            raise ParseError(source, "binary file (contains NUL bytes), not a text transcript")
        raise ParseError(source, f"not UTF-8 text ({bad}) and no other encoding fits with "
                                 "confidence; save it as UTF-8")
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    if len({str(m) for m in tied}) > 1:
        best = next((m for m in tied if m.encoding in _PREFERRED_ON_TIE), None)
        if best is None:
            # the detector may list only look-alikes (cp1250, cp1257; or CJK code
            # pages for a few smart quotes): cp1252 still wins when it reads the
            # bytes at all (every byte defined) and gives no control characters
            western = _decode_western(raw)
            if western is not None:
                return western, "cp1252"
            names = ", ".join(m.encoding for m in tied)
            raise ParseError(source, f"not UTF-8 text ({bad}); its encoding is ambiguous "
                                     f"({names}); save it as UTF-8")
    text = str(best)
    if _CONTROL_RE.search(text):
        raise ParseError(source, f"binary file (control characters when read as "
                                 f"{best.encoding}), not a text transcript")
    return text.lstrip("\ufeff"), best.encoding.replace("_", "-")


#: A briefing's closing time line ("2:13 P.M. EST", "9:12 A.M. EEST", "END 12:59 P.M. EST").
_CLOSING_TIME_RE = re.compile(r"\d{1,2}:\d{2}\s*(?:[AaPp]\.?\s?[Mm]\.?)?\s*(?:[A-Z]{2,5})?$")


def _refuse_truncated(conf: Conference, source: str, text: str = "") -> None:
    """A transcript whose last words break off mid-sentence ("... refused to
    incorpor", "... MS") was cut short, or is still being written: stored, its
    last reply would be served as all the official said. Every transcript of
    the corpora (1,481 files) ends in punctuation or a closing time line
    (``text``'s last line, when the profile skipped it as no one's words)."""
    if not conf.exchanges:
        return
    tail = text.rstrip().rsplit("\n", 1)[-1].strip()
    if len(tail) <= 24 and _CLOSING_TIME_RE.search(tail):
        return
    last = conf.exchanges[-1].text.rstrip()
    end = last[-1:]
    if (end.isalnum() or end in ",;") and not _CLOSING_TIME_RE.search(last):
        raise ParseError(source, f"ends mid-sentence (\"...{' '.join(last[-40:].split())}\"): "
                                 "cut short, or still being written; ingest it again once whole")


def parse_file(path: str | os.PathLike, profile: BriefingProfile | None = None, *,
               raw: bytes | None = None) -> Conference:
    """Read one transcript file (.txt or .html/.htm) into a Conference, with
    the registered profile its title matches (or ``profile``).

    The suffix picks the format, but content wins: an HTML page saved as
    .txt is parsed as HTML. ``sha256`` is of the raw bytes, so ingest can
    tell an unchanged file without parsing it. Only :class:`ParseError`
    escapes - an unexpected parser failure is reported as one, naming the
    file, so one bad file never stops an ingest. ``raw``: the file's bytes,
    already read (ingest hashes them first: parsing a second read could
    parse other bytes than those hashed).
    """
    source = os.fspath(path)
    p = Path(source)
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ParseError(source, f"unsupported file type {suffix or '(none)'!r}; "
                                 f"expected one of {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        size = p.stat().st_size if raw is None else len(raw)
        if not p.is_file():
            raise ParseError(source, "not a regular file")
        if size > MAX_FILE_BYTES:
            raise ParseError(source, f"file too large ({size / 1e6:.1f} MB > "
                                     f"{MAX_FILE_BYTES / 1e6:.0f} MB limit): not a transcript")
        if raw is None:
            raw = p.read_bytes()
    except OSError as e:
        raise ParseError(source, f"cannot read: {e.strerror or e}") from None
    if len(raw) > MAX_FILE_BYTES:      # grew between stat and read
        raise ParseError(source, "file too large: not a transcript")
    sha = hashlib.sha256(raw).hexdigest()
    try:
        text, encoding = decode_bytes(raw, source)
        # sniffed on the text: a UTF-16 page's bytes do not start with "<html"
        head = text[:4096].lstrip("\ufeff").encode("utf-8", "replace")
        looks_html = _HTML_SNIFF_RE.match(head) is not None
        if suffix == ".md" and not looks_html:
            conf = parse_markdown(text, source, sha, profile)
        elif looks_html or (suffix in (".html", ".htm", ".shtml") and b"<" in head):
            conf = parse_html(text, source, sha, profile)
        else:
            conf = parse_text(text, source, sha, profile)
        _refuse_truncated(conf, source, text)
        return replace(conf, encoding=encoding)
    except ParseError:
        raise
    except Exception as e:  # pragma: no cover - a bug, reported not raised
        raise ParseError(source, f"parser failure ({type(e).__name__}: {e})") from e
