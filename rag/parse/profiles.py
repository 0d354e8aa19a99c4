"""Briefing formats ("profiles"): how turns are labelled and how labels normalize.

Everything that knows what a transcript *looks like* lives here, so that a new
kind of briefing (another ministry, the US State Department with "QUESTION:"
and "MR PRICE:") is one more :class:`Profile` instance, and the paragraph
walker in :mod:`rag.parse`, the store and the ranking stay untouched.

A profile answers three questions:

* Is this paragraph the title, and what date/spokesperson does it name?
* Is this paragraph a turn label, and which kind (question, answer, ...)?
* What is the canonical form of a questioner or spokesperson label?

The label heuristics were measured on the 386-page MFA development corpus
(see tests/parse/test_corpus.py): every prefix accepted as an outlet there is a real
outlet; answer sentences such as "Let me stress this once again: ..." are
rejected because they contain lower-case words or start with a pronoun.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Pattern, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from .records import Conference

__all__ = ["BriefingProfile", "Turn", "TitleInfo", "Profile", "title_case_name", "WS_RE",
           "collapse_whitespace"]

#: Whitespace runs (no-break, en, ideographic spaces included) -> one space.
WS_RE = re.compile(r"\s+")
# zero-width characters a page may carry before a label ("\u200bZhao Lijian:"):
# no text, and they hide the label
ZERO_WIDTH_RE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")


def collapse_whitespace(text: str) -> str:
    """Whitespace runs (no-break spaces too) -> one space, ends trimmed.

    This is the one normalization replies go through; quoting stays verbatim
    otherwise.
    """
    return WS_RE.sub(" ", ZERO_WIDTH_RE.sub("", text)).strip()


def valid_text(text: str) -> str:
    """``text`` with what is no Unicode text replaced by U+FFFD: a question
    typed in a terminal that is not UTF-8 ($'vaccine \\xff'), or a file name
    in another encoding, reaches Python as lone surrogates, which no
    tokenizer, SQLite or terminal accepts."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raw = text.encode("utf-8", "replace")
        return raw.decode("utf-8", "replace")


# Turn kinds a profile can assign to a paragraph.
QUESTION = "question"          # a reporter's question (label names outlet or not)
FOLLOW_UP = "follow_up"        # a question by the previous questioner
INTERJECTION = "interjection"  # "Journalist: ..." - a reporter's short reply/continuation
ANSWER = "answer"              # the spokesperson speaks ("A:", "Zhao Lijian:")
SEPARATOR = "separator"        # "***", "---": ends the current exchange
HEADING = "heading"            # a label with nothing after it ("The following questions were raised ...:")
BOILERPLATE = "boilerplate"    # site furniture ("Suggest to a friend")
TEXT = "text"                  # anything else: reply or statement text


class BriefingProfile(Protocol):
    """What the readers and the registry need of a publisher's profile (a
    plug-in: one module per publisher, listed in rag/parse/registry.py)."""

    name: str                       # "mfa", "whitehouse": recorded per conference
    publisher: str                  # "Ministry of Foreign Affairs of China"
    event_name: str                 # "press conference": how citations name an event
    statement_name: str             # "opening statement": how they name a statement
    unnamed_questioner: str         # "an unnamed questioner", "a reporter"
    self_names: tuple[str, ...]     # how questions name the publisher ("Beijing", "the White House")
    outlet_aliases: dict[str, str]  # outlet spellings -> canonical (lower-case keys)
    html_title_selectors: tuple[str, ...]   # () when the publisher has no HTML pages
    html_body_selector: str

    def parse_title(self, line: str) -> object | None:
        """Something true when ``line`` is this publisher's title line."""

    def event_of(self, title: str) -> str:
        """How citations name the event titled ``title`` ("press conference";
        the White House's "press briefing", "background press call")."""

    def conference(self, title: str, paras: list[str], source: str, sha256: str,
                   url: str | None, notes: list[str], first_index: int) -> "Conference":
        """Title + body paragraphs -> Conference, or ParseError."""


#: An outlet label with words around it: a follow-up's ("AFP Follow-up",
#: "Bloomberg (follow-up)") or a reporter's ("Reporter from Phoenix TV",
#: "MASTV reporter").
_OUTLET_AROUND_RE = re.compile(
    r"(?i:(?:an?\s+)?(?:reporter|journalist|correspondent)s?\s+(?:from|of|with)\s+(?:the\s+)?)(?P<after>.+)"
    r"|(?P<before>.+?)\s*(?:\(\s*)?(?i:follow[\s-]?up(?:\s+question)?|reporter|journalist|"
    r"correspondent)(?:\s*\))?")


@dataclass(frozen=True)
class Turn:
    """How one paragraph was classified.

    ``body`` is the paragraph with its label removed (verbatim otherwise);
    ``label`` is the label as printed, ``questioner``/``spokesperson`` the
    normalized names it implies.
    """

    kind: str
    body: str
    label: str | None = None
    questioner: str | None = None
    spokesperson: str | None = None


@dataclass(frozen=True)
class TitleInfo:
    spokesperson: str
    month: int
    day: int
    year: int | None          # None when the title omits it ("on September 10")


#: Month names and abbreviations (lower case) -> number, for every profile's titles.
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9

_DATE_RE = re.compile(
    r"(?P<month>[A-Za-z]{3,9})\.?\s*(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:\s*,?\s*(?P<year>\d{4}))?\s*$")


def title_case_name(name: str) -> str:
    """"hua chunying" / "HUA CHUNYING" -> "Hua Chunying" (hyphen parts too).

    Labels are typed by hand on the ministry's site, so case varies
    ("Hua chunying:"); citations and filters need one spelling.
    """
    words = WS_RE.sub(" ", name).strip().split(" ")
    return " ".join("-".join(p[:1].upper() + p[1:].lower() for p in w.split("-"))
                    for w in words if w)


@dataclass(frozen=True)
class Profile:
    """Label detection and normalization tables for one briefing format."""

    name: str
    #: Who publishes the transcripts: recorded per conference, shown in citations.
    publisher: str
    #: Title line: must define groups ``name`` (spokesperson) and ``date``.
    title_res: tuple[Pattern[str], ...]
    #: Known spokespersons (any case); the conference's own is added per page.
    spokespersons: frozenset[str]
    #: Bare labels that mean "a reporter asks" with unknown outlet (lower case).
    question_labels: frozenset[str]
    #: Bare labels that mean "the spokesperson answers" (lower case).
    answer_labels: frozenset[str]
    follow_up_labels: frozenset[str]
    #: Reporter interjections ("Journalist adds") - questioner unknown.
    interjection_re: Pattern[str]
    #: Labels introducing a question asked outside the session.
    question_intro_re: Pattern[str]
    #: Outlet spelling variants -> canonical (keys lower case).
    outlet_aliases: dict[str, str]
    #: Paragraphs that are site furniture, compared lower-cased.
    boilerplate: frozenset[str]
    separator_re: Pattern[str]
    #: Spokesperson label variants -> canonical name (keys lower case), e.g.
    #: {"mr price": "Ned Price"}; other labels are title-cased.
    spokesperson_aliases: dict[str, str] = field(default_factory=dict)
    #: Unknown outlet labels: first words that show a sentence, not a name.
    sentence_starters: frozenset[str] = field(default_factory=frozenset)
    #: Lower-case words allowed inside an outlet name ("Press Trust of India").
    name_connectors: frozenset[str] = field(default_factory=frozenset)
    #: HTML pages: where the title and the article body are (CSS selectors,
    #: first match wins). Everything else on a page is navigation.
    html_title_selectors: tuple[str, ...] = ("h2.title", "title")
    html_body_selector: str = "div.content"
    #: How citations name an event and a questioner the transcript does not name.
    event_name: str = "press conference"
    statement_name: str = "opening statement"
    unnamed_questioner: str = "an unnamed questioner"
    #: How questions refer to the publisher: with several in one index, a
    #: question naming only one of them prefers its replies.
    self_names: tuple[str, ...] = ()
    max_label_chars: int = 60
    max_label_words: int = 6
    #: Labels longer than this are never considered (speed; intros are ~80).
    label_scan_chars: int = 100
    #: An unlabeled paragraph that reports a question and names who asked it
    #: ("After the press conference, Zhao made further response to the question
    #: raised by South China Morning Post."): group ``outlet``.
    reported_question_re: Pattern[str] | None = None

    # ----------------------------------------------------------------- title
    def event_of(self, title: str) -> str:
        """Every conference of such a publisher is one kind of event."""
        return self.event_name

    def parse_title(self, line: str) -> TitleInfo | None:
        """Spokesperson and (month, day, year?) from a title line, or None."""
        for rx in self.title_res:
            m = rx.search(line)
            if not m:
                continue
            d = _DATE_RE.search(m.group("date"))
            if not d:
                continue
            month = MONTHS.get(d.group("month").lower())
            if month is None:
                continue
            year = int(d.group("year")) if d.group("year") else None
            return TitleInfo(self.normalize_spokesperson(m.group("name")), month,
                             int(d.group("day")), year)
        return None

    # ---------------------------------------------------------- normalizing
    def normalize_spokesperson(self, name: str) -> str:
        clean = WS_RE.sub(" ", name).strip()
        return self.spokesperson_aliases.get(clean.lower()) or title_case_name(clean)

    def normalize_questioner(self, label: str | None) -> str | None:
        """Canonical outlet for a question label; None when it names nobody."""
        if label is None:
            return None
        clean = WS_RE.sub(" ", label).strip().strip(":：").strip()
        low = clean.lower()
        if not clean or low in self.question_labels or low in self.follow_up_labels \
                or self.interjection_re.fullmatch(clean) or self.question_intro_re.search(clean):
            return None
        return self.outlet_aliases.get(low, clean)

    # ------------------------------------------------------------- turns
    def is_outlet_like(self, label: str) -> bool:
        """Heuristic for an outlet name not in the alias table.

        A name, not a sentence: few words, each capitalized (or a connector
        such as "of"), no quotes/commas/sentence punctuation, and not starting
        with a word that starts sentences ("I", "Let", "Here's", "China's").
        """
        if len(label) > self.max_label_chars:
            return False
        words = label.split(" ")
        if not words or len(words) > self.max_label_words:
            return False
        if words[0] in self.sentence_starters or not words[0][:1].isupper():
            return False
        if re.search(r"[\"“”‘,;!?()\[\]]", label) or re.search(r"['’]s\b", label):
            return False
        for w in words:
            if w.lower() in self.name_connectors and w != words[0]:
                continue
            if not (w[:1].isupper() or w[:1].isdigit()):
                return False
            if not re.fullmatch(r"[\w&.\-'’]+", w):
                return False
        return True

    def classify(self, para: str, spokespersons: frozenset[str] = frozenset()) -> Turn:  # noqa: C901
        """Classify one paragraph (already whitespace-collapsed and trimmed).

        ``spokespersons`` adds names (lower case) known for this page - the one
        in the title - to the profile's own list.
        """
        if self.separator_re.fullmatch(para):
            return Turn(SEPARATOR, "")
        if para.lower() in self.boilerplate:
            return Turn(BOILERPLATE, "")
        head = para[: self.label_scan_chars]
        pos = min((i for i in (head.find(":"), head.find("：")) if i >= 0), default=-1)
        if pos <= 0:
            m = self.reported_question_re and self.reported_question_re.search(para)
            if m:  # the paragraph stands as the question, verbatim
                return Turn(QUESTION, para, questioner=self.normalize_questioner(m["outlet"]))
            return Turn(TEXT, para)
        label = para[:pos].strip()
        after = para[pos + 1:]
        # a full-width colon takes no space after it ("MASTV：The ..."); after an
        # ASCII one a missing space is a typo when a capital or a quote follows
        spaced = not after or after[:1].isspace() or para[pos] == "：" \
            or bool(re.match(r"[A-Z“\"‘']", after))
        body = after.strip()
        low = label.lower()
        known = self.spokespersons | spokespersons | set(self.spokesperson_aliases)
        titled = re.sub(r"^(?:spokes(?:person|man|woman)|foreign\s+ministry\s+spokesperson)\s+",
                        "", low)
        if low in known or titled in known:   # "Spokesperson Zhao Lijian:" too
            return Turn(ANSWER, body, label, spokesperson=self.normalize_spokesperson(
                label if low in known else label[len(label) - len(titled):]))
        if low in self.answer_labels:
            return Turn(ANSWER, body, label)
        if low in self.question_labels:
            return Turn(QUESTION, body, label)
        if low in self.follow_up_labels:
            return Turn(FOLLOW_UP, body, label)
        if self.interjection_re.fullmatch(label):
            return Turn(INTERJECTION, body, label)
        if self.question_intro_re.search(label):
            return Turn(QUESTION if body else HEADING, body, label)
        # Unknown labels: only a name followed by ": " and some text.
        if not body or not spaced:
            return Turn(TEXT, para)
        # the outlet with more words around it: "AFP Follow-up", "Bloomberg
        # (follow-up)", "Reporter from Phoenix TV", "MASTV reporter"
        m = _OUTLET_AROUND_RE.fullmatch(label)
        outlet = m and (m["before"] or m["after"])
        if outlet and (outlet.lower() in self.outlet_aliases or self.is_outlet_like(outlet)):
            return Turn(QUESTION, body, label, questioner=self.normalize_questioner(outlet))
        if low in self.outlet_aliases or self.is_outlet_like(label):
            return Turn(QUESTION, body, label, questioner=self.normalize_questioner(label))
        return Turn(TEXT, para)
