"""Transcript files (seed text format, ministry HTML pages) -> :class:`Conference`.

Why this shape:

* Both formats are first reduced to the same thing - a title line and a list
  of paragraphs, each whitespace-collapsed and trimmed - and one walker turns
  paragraphs into exchanges. The corpus txt files were rendered from the HTML
  exactly that way, so parsing a page and its txt gives identical exchanges
  (tests/test_corpus.py checks all 386 pairs).
* What a turn label looks like is a :class:`rag.profiles.Profile`; this module
  only knows the order of turns (question, reply, statement, separator).
* Replies are quoted to users verbatim, so no text is rewritten: a reply is
  its paragraphs joined by a blank line, the leading answer label removed from
  the first. Every paragraph of ``text``/``question`` is a substring of the
  collapsed source.
* Every way a file can be unusable raises :class:`ParseError` naming the file
  and the reason; ingest reports it and carries on with the other files.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .models import Conference, Exchange, ParseError
from .profiles import (ANSWER, BOILERPLATE, FOLLOW_UP, HEADING, INTERJECTION, MFA_PROFILE,
                       QUESTION, SEPARATOR, WS_RE, Profile)

__all__ = ["parse_file", "parse_text", "parse_html", "normalize_questioner",
           "normalize_spokesperson", "SUPPORTED_SUFFIXES", "MAX_FILE_BYTES",
           "split_text_paragraphs", "html_paragraphs", "collapse"]

#: Suffixes ingest hands to :func:`parse_file` (compared lower-cased).
SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".html", ".htm")

#: Larger files are refused: the biggest real page is ~100 kB, so 20 MB is
#: something else (a dump, a binary) and would only waste memory.
MAX_FILE_BYTES = 20 * 1024 * 1024
# Bump when a change to parsing (here or in rag/profiles.py) can read an
# unchanged file differently: ingest then re-parses every stored file once and
# rewrites only those whose passages come out different.
PARSER_VERSION = 1

#: How many leading paragraphs may precede the title (language bar, site name).
_MAX_PARAS_BEFORE_TITLE = 5

_STEM_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?!\d)")
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
def collapse(text: str) -> str:
    """Whitespace runs (no-break spaces too) -> one space, ends trimmed.

    This is the one normalization replies go through; quoting stays verbatim
    otherwise.
    """
    return WS_RE.sub(" ", text).strip()


def normalize_questioner(label: str | None) -> str | None:
    """Canonical outlet for a question label ("Bloomberg News" -> "Bloomberg").

    Labels that name nobody ("Q", "Journalist", "Question", "Follow-up")
    give None, so filters and citations never show a fake outlet.
    """
    return MFA_PROFILE.normalize_questioner(label)


def normalize_spokesperson(name: str) -> str:
    """Title-case a spokesperson's name ("Hua chunying" -> "Hua Chunying")."""
    return MFA_PROFILE.normalize_spokesperson(name)


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
    return [p for p in (collapse(b) for b in blocks) if p]


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
            s = collapse("".join(cur))
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


def _stem_date(source: str) -> dt.date | None:
    m = _STEM_DATE_RE.match(Path(source).name)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


# ----------------------------------------------------------------- walker
@dataclass
class _Pending:
    kind: str                              # "answer" | "statement"
    question: list[str] = field(default_factory=list)
    reply: list[str] = field(default_factory=list)
    questioner: str | None = None
    label: str | None = None
    spokesperson: str | None = None
    answered: bool = False                 # an answer label (or unlabeled reply) began


def _conference(profile: Profile, title: str, paras: list[str], source: str, sha256: str,
                url: str | None, notes: list[str], first_index: int) -> Conference:
    """Title + body paragraphs -> Conference (shared by txt and HTML)."""
    info = profile.parse_title(title)
    if info is None:
        raise ParseError(source, "no title line with a recognizable date and "
                                 "'Press Conference'/'Briefing' (not a transcript?)")
    stem = _stem_date(source)
    year = info.year
    if year is None:
        if stem is None:
            raise ParseError(source, f"title {title!r} has no year and the file name "
                                     "does not start with a YYYY-MM-DD date")
        year = stem.year
    try:
        date = dt.date(year, info.month, info.day)
    except ValueError:
        raise ParseError(source, f"title {title!r} names an impossible date") from None
    if stem is not None and stem != date:
        notes.append(f"title date {date.isoformat()} differs from file name date "
                     f"{stem.isoformat()}; using the title's")
    exchanges = _exchanges(profile, paras, info.spokesperson, notes, first_index)
    if not exchanges:
        raise ParseError(source, "no exchanges or statements after the title "
                                 "(truncated or not a transcript)")
    return Conference(date=date, spokesperson=info.spokesperson, title=title,
                      source=source, sha256=sha256, exchanges=tuple(exchanges),
                      url=url, skipped=tuple(notes))


def _exchanges(profile: Profile, paras: list[str], spokesperson: str, notes: list[str],
               first_index: int) -> list[Exchange]:
    """Walk classified paragraphs and group them into exchanges.

    Rules (see module docs): a question turn opens an exchange; answer-labelled
    and unlabeled paragraphs after it are the reply; unlabeled paragraphs
    before the first question, or after a separator, are statements (one per
    paragraph); a "Journalist:" interjection before any reply continues the
    question, after a reply it opens a new question by an unknown asker.
    """
    own = frozenset({spokesperson.lower()})
    turns = [profile.classify(p, own) for p in paras]
    out: list[Exchange] = []
    cur: _Pending | None = None
    last_questioner: str | None = None

    def close() -> None:
        nonlocal cur
        if cur is None:
            return
        if cur.kind == "answer" and not cur.reply:
            if cur.question:
                notes.append("question without a reply: " + " ".join(cur.question)[:80])
        elif cur.reply:
            out.append(Exchange(
                ordinal=len(out), kind=cur.kind, text="\n\n".join(cur.reply),
                question="\n\n".join(cur.question) if cur.kind == "answer" else None,
                questioner=cur.questioner, questioner_label=cur.label,
                spokesperson=cur.spokesperson or spokesperson))
        cur = None

    def open_question(t, questioner: str | None) -> None:
        nonlocal cur
        close()
        cur = _Pending("answer", [t.body] if t.body else [], questioner=questioner,
                       label=t.label)

    for i, t in enumerate(turns):
        where = f"paragraph {i + first_index}"
        if t.kind == SEPARATOR:
            close()
            notes.append(f"{where}: separator {paras[i][:20]!r}")
        elif t.kind == BOILERPLATE:
            notes.append(f"{where}: site text {paras[i]!r}")
        elif t.kind == HEADING:
            # "The following questions were raised after the press conference:"
            # - the question itself (labelled or not) comes next.
            notes.append(f"{where}: heading {paras[i][:80]!r}")
            open_question(t, None)
        elif t.kind == QUESTION:
            open_question(t, t.questioner)
            last_questioner = t.questioner
        elif t.kind == FOLLOW_UP:
            open_question(t, last_questioner)
        elif t.kind == INTERJECTION:
            if cur is not None and cur.kind == "answer" and not cur.answered:
                if t.body:
                    cur.question.append(t.body)
            else:
                open_question(t, None)
        elif t.kind == ANSWER:
            if cur is not None and cur.kind == "answer":
                if not cur.answered:
                    cur.answered = True
                    cur.spokesperson = t.spokesperson
                if t.body:
                    cur.reply.append(t.body)
            else:
                # The spokesperson speaks before any question: an announcement.
                close()
                if t.body:
                    cur = _Pending("statement", reply=[t.body], spokesperson=t.spokesperson,
                                   answered=True)
                    if not t.body.endswith((":", "：")):
                        close()
        else:  # TEXT
            if cur is not None and cur.kind == "answer":
                if not cur.answered and not cur.question:
                    cur.question.append(t.body)          # "Q:" alone, question below
                elif not cur.answered and _question_continues(turns, i):
                    cur.question.append(t.body)          # multi-paragraph question
                else:
                    cur.answered = True                  # reply without "A:"
                    cur.reply.append(t.body)
            elif cur is not None and cur.kind == "statement":
                cur.reply.append(t.body)                 # after "... as follows:"
                close()
            else:
                # One statement per paragraph: announcements on different topics
                # are separate paragraphs. A lead-in ending with a colon ("I have
                # two announcements to make today:") keeps the next one with it.
                close()
                cur = _Pending("statement", reply=[t.body], answered=True)
                if not t.body.endswith((":", "：")):
                    close()
    close()
    return out


def _question_continues(turns, i: int) -> bool:
    """Is unlabeled paragraph ``i`` (after an unanswered question) still the question?

    Yes when an answer label follows before any other question or separator:
    then the reporter spoke for several paragraphs. Otherwise the reply simply
    lacks its "A:" label.
    """
    for t in turns[i + 1:]:
        if t.kind == ANSWER:
            return True
        if t.kind in (QUESTION, FOLLOW_UP, INTERJECTION, SEPARATOR, HEADING):
            return False
    return False


# ---------------------------------------------------------------- formats
def parse_text(text: str, source: str, sha256: str = "",
               profile: Profile = MFA_PROFILE) -> Conference:
    """Parse the paragraph text format (the seed and the corpus ``txt/``).

    The title is the first paragraph the profile recognizes among the first
    few; what precedes it (the site's language bar) is noted and skipped.
    """
    paras = split_text_paragraphs(text)
    if not paras:
        raise ParseError(source, "empty file (no text)")
    notes: list[str] = []
    for ti, p in enumerate(paras[:_MAX_PARAS_BEFORE_TITLE]):
        if profile.parse_title(p) is not None:
            break
    else:
        raise ParseError(source, "no title line with a recognizable date and "
                                 "'Press Conference'/'Briefing' in the first "
                                 f"{_MAX_PARAS_BEFORE_TITLE} paragraphs (not a transcript?)")
    for j in range(ti):
        notes.append(f"paragraph {j}: before the title {paras[j][:60]!r}")
    return _conference(profile, paras[ti], paras[ti + 1:], source, sha256, None, notes, ti + 1)


def parse_html(html: str | bytes, source: str, sha256: str = "",
               profile: Profile = MFA_PROFILE) -> Conference:
    """Parse an article page: the profile's title and body elements only
    (MFA: ``h2.title``, falling back to ``<title>``, and ``div.content``).

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
    title = ""
    for sel in profile.html_title_selectors:
        node = tree.css_first(sel)
        title = collapse(node.text(deep=True)) if node is not None else ""
        if title:
            break
    body = tree.css_first(profile.html_body_selector)
    if body is None:
        raise ParseError(source, f"HTML page has no article body ({profile.html_body_selector}): "
                                 "not a transcript page (navigation or list page?)")
    if profile.parse_title(title) is None:
        raise ParseError(source, f"HTML page title {title[:100]!r} is not a press-conference "
                                 "title with a recognizable date (not a transcript page?)")
    url = None
    for sel, attr in (('link[rel="canonical"]', "href"), ('meta[property="og:url"]', "content")):
        n = tree.css_first(sel)
        if n is not None and (n.attributes.get(attr) or "").strip():
            url = n.attributes[attr].strip()
            break
    return _conference(profile, title, html_paragraphs(body), source, sha256, url, [], 1)


def _decode(raw: bytes, source: str) -> str:
    """Bytes -> str, or the precise reason why these bytes are not UTF-8 text."""
    if not raw.strip():
        raise ParseError(source, "empty file")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError(source, "not UTF-8 text (UTF-16 byte-order mark); save it as UTF-8")
    if b"\x00" in raw:
        head = raw[:4096]
        if head.count(b"\x00") * 3 >= len(head) and (head[1::2].count(0) > len(head) // 3
                                                      or head[0::2].count(0) > len(head) // 3):
            raise ParseError(source, "not UTF-8 text (looks like UTF-16); save it as UTF-8")
        raise ParseError(source, "binary file (contains NUL bytes), not a text transcript")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ParseError(source, f"not UTF-8 text (invalid byte 0x{raw[e.start]:02x} at offset "
                                 f"{e.start}; latin-1/cp1252 file?)") from None


def parse_file(path: str | os.PathLike, profile: Profile = MFA_PROFILE) -> Conference:
    """Read one transcript file (.txt or .html/.htm) into a Conference.

    The suffix picks the format, but content wins: an HTML page saved as
    .txt is parsed as HTML. ``sha256`` is of the raw bytes, so ingest can
    tell an unchanged file without parsing it. Only :class:`ParseError`
    escapes - an unexpected parser failure is reported as one, naming the
    file, so one bad file never stops an ingest.
    """
    source = os.fspath(path)
    p = Path(source)
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ParseError(source, f"unsupported file type {suffix or '(none)'!r}; "
                                 f"expected one of {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        size = p.stat().st_size
        if not p.is_file():
            raise ParseError(source, "not a regular file")
        if size > MAX_FILE_BYTES:
            raise ParseError(source, f"file too large ({size / 1e6:.1f} MB > "
                                     f"{MAX_FILE_BYTES / 1e6:.0f} MB limit): not a transcript")
        raw = p.read_bytes()
    except OSError as e:
        raise ParseError(source, f"cannot read: {e.strerror or e}") from None
    if len(raw) > MAX_FILE_BYTES:      # grew between stat and read
        raise ParseError(source, "file too large: not a transcript")
    sha = hashlib.sha256(raw).hexdigest()
    try:
        text = _decode(raw, source)
        head = raw[:4096].lstrip(b"\xef\xbb\xbf")
        looks_html = _HTML_SNIFF_RE.match(head) is not None
        if looks_html or (suffix in (".html", ".htm") and b"<" in head):
            return parse_html(text, source, sha, profile)
        return parse_text(text, source, sha, profile)
    except ParseError:
        raise
    except Exception as e:  # pragma: no cover - a bug, reported not raised
        raise ParseError(source, f"parser failure ({type(e).__name__}: {e})") from e
