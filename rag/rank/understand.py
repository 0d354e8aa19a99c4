"""Query understanding without a language model: a period, an outlet or a
spokesperson named in the question become filters the user can see and undo.

"What did the spokesperson tell AFP in May 2020 about ..." searches May 2020
replies to AFP. Only explicit cues are taken: an outlet counts when a verb of
asking or telling stands before it ("tell AFP", "answering the BBC", "asked by
Reuters"), so "What did China say about Reuters journalists?" is not limited
to Reuters' questions.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from dateutil.relativedelta import relativedelta

from .roles import OfficeBook
from .speakers import SAY, near_spokesperson

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS.pop("may", None)  # handled with care below: "may" is also a verb
_MONTH_NAMES = "|".join(sorted((m for m in MONTHS), key=len, reverse=True)) + "|may"
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11),
           "winter": (12, 2)}

_PART = r"(?P<part>early|beginning of|start of|mid|middle of|late|end of)[\s-]*"
_RE_DAY = re.compile(
    rf"\b(?:on\s+)?(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{_MONTH_NAMES})|(?P<m2>{_MONTH_NAMES})\s+(?P<d2>\d{{1,2}})"
    rf"(?:st|nd|rd|th)?,?)\s+(?P<y>(?:19|20)\d\d)\b", re.I)
# typed as digits: ISO (2020-05-14, 2020/05/14, 2020-05) and the US month first (5/14/2020)
_RE_ISO = re.compile(r"\b(?:on\s+|in\s+)?(?P<y>(?:19|20)\d\d)([-/])(?P<m>\d{1,2})(?:\2(?P<d>\d{1,2}))?\b(?![-/]\d)",
                     re.I)
_RE_US_DAY = re.compile(r"\b(?:on\s+)?(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>(?:19|20)\d\d)\b", re.I)
_RE_MONTH = re.compile(rf"\b(?:in\s+|during\s+)?(?:{_PART})?(?P<m>{_MONTH_NAMES})\s*,?\s+(?P<y>(?:19|20)\d\d)\b", re.I)
_RE_SEASON = re.compile(
    r"\b(?:in\s+|during\s+)?(?:(?P<last>last)\s+)?(?:(?P<part>early|mid|late)[\s-]*)?"
    r"(?P<s>spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?(?P<y>(?:19|20)\d\d))?\b", re.I)
_RE_YEAR = re.compile(r"\b(?:in\s+|during\s+)?(?:(?P<part>early|mid|late|end of)[\s-]*)?(?P<y>(?:19|20)\d\d)\b", re.I)
_RE_LAST = re.compile(r"\b(?P<w>last)\s+(?P<unit>year|month)\b", re.I)

_ASK_CUE = r"(?:tell|tells|told|telling|answer|answers|answered|answering|repl(?:y|ied|ying)\s+to|asked\s+by|question\s+from|to|from|by)"


@dataclass(frozen=True)
class QueryPlan:
    """What was recognized in a question. ``text`` is the question with the
    recognized phrases taken out, for ranking; ``notes`` say what was applied."""

    question: str
    text: str
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    questioner: str | None = None
    spokesperson: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    # A period that may date the event rather than the reply ("a study of
    # summer 2019", "crashed in June 2018"): replies in it rank higher, but
    # nothing outside it is excluded.
    prefer_from: dt.date | None = None
    prefer_to: dt.date | None = None
    # A publisher the question refers to by its own names ("Beijing", "the
    # White House"): its replies rank higher when the index holds several.
    prefer_publisher: str | None = None

    @property
    def filters(self) -> dict:
        return {k: v for k, v in (("date_from", self.date_from), ("date_to", self.date_to),
                                  ("questioner", self.questioner),
                                  ("spokesperson", self.spokesperson)) if v is not None}


def _month_range(year: int, month: int, part: str | None) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(year, month)[1]
    part = (part or "").lower()
    if part in ("early", "beginning of", "start of"):
        return dt.date(year, month, 1), dt.date(year, month, 10)
    if part in ("mid", "middle of"):
        return dt.date(year, month, 10), dt.date(year, month, 20)
    if part in ("late", "end of"):
        return dt.date(year, month, 20), dt.date(year, month, last)
    return dt.date(year, month, 1), dt.date(year, month, last)


def _season_range(year: int, season: str, part: str | None) -> tuple[dt.date, dt.date]:
    first, lastm = SEASONS[season.lower()]
    start = dt.date(year, first, 1)
    end_year = year + 1 if lastm < first else year
    end = dt.date(end_year, lastm, calendar.monthrange(end_year, lastm)[1])
    # Seasons are vague; a month of slack either side keeps the answer in range.
    start, end = start - relativedelta(months=1), end + relativedelta(months=1)
    part = (part or "").lower()
    if part == "early":
        end = start + relativedelta(months=3)
    elif part == "late":
        start = end - relativedelta(months=3)
    return start, end


def _year_range(year: int, part: str | None) -> tuple[dt.date, dt.date]:
    part = (part or "").lower()
    if part == "early":
        return dt.date(year, 1, 1), dt.date(year, 5, 31)
    if part == "mid":
        return dt.date(year, 4, 1), dt.date(year, 9, 30)
    if part in ("late", "end of"):
        return dt.date(year, 8, 1), dt.date(year, 12, 31)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _month(name: str) -> int:
    name = name.lower()
    return 5 if name == "may" else MONTHS[name]


def _find_period(q: str, reference: dt.date | None):
    """(start, end, matched span, description) of the first period named."""
    for m in (_RE_ISO.search(q), _RE_US_DAY.search(q)):
        if m is None:
            continue
        try:
            year, month = int(m.group("y")), int(m.group("m"))
            if m.group("d") is None:
                s, e = _month_range(year, month, None)
                return s, e, m.span(), m.group(0).strip()
            d = dt.date(year, month, int(m.group("d")))
            return d, d, m.span(), m.group(0).strip()
        except ValueError:
            pass   # "2020-13-45": no date; the year alone is read below
    m = _RE_DAY.search(q)
    if m:
        day = int(m.group("d1") or m.group("d2"))
        try:
            d = dt.date(int(m.group("y")), _month(m.group("m1") or m.group("m2")), day)
            return d, d, m.span(), m.group(0).strip()
        except ValueError:
            pass
    m = _RE_MONTH.search(q)
    if m:
        s, e = _month_range(int(m.group("y")), _month(m.group("m")), m.group("part"))
        return s, e, m.span(), m.group(0).strip()
    m = _RE_SEASON.search(q)
    if m and (m.group("y") or (m.group("last") and reference)):
        if m.group("y"):
            year = int(m.group("y"))
        else:
            first = SEASONS[m.group("s").lower()][0]
            year = reference.year if reference.month > first + 2 else reference.year - 1
            if m.group("last") and year == reference.year and reference.month <= first + 3:
                year -= 1
        s, e = _season_range(year, m.group("s"), m.group("part"))
        return s, e, m.span(), m.group(0).strip()
    m = _RE_YEAR.search(q)
    if m:
        s, e = _year_range(int(m.group("y")), m.group("part"))
        return s, e, m.span(), m.group(0).strip()
    m = _RE_LAST.search(q)
    if m and reference:
        if m.group("unit").lower() == "year":
            year = reference.year - 1
            s, e = dt.date(year, 1, 1), dt.date(year, 12, 31)
        else:
            ref = reference - relativedelta(months=1)
            s, e = _month_range(ref.year, ref.month, None)
        return s, e, m.span(), m.group(0).strip()
    return None


def _find_name(q: str, names: Iterable[str], cue: bool) -> tuple[str, tuple[int, int]] | None:
    folded = q.casefold()
    for name in sorted(set(names), key=len, reverse=True):
        # a name not in the question at all needs no pattern: compiling one
        # for each of the index's hundreds of names cost a fresh process 0.1-0.8 s
        if len(name) < 2 or name.casefold() not in folded:
            continue
        pattern = re.escape(name)
        if cue:
            m = re.search(rf"\b{_ASK_CUE}\s+(?:the\s+)?({pattern})\b(?!['’]s)", q, re.I) \
                or re.search(rf"\b({pattern})['’]s\s+question\b|\b({pattern})\s+asked\b", q, re.I)
        else:
            m = re.search(rf"\b({pattern})\b", q, re.I)
        if m:
            g = next(i for i in range(1, (m.lastindex or 1) + 1) if m.group(i))
            return name, m.span(g)
    return None


_HONORIFIC = r"(?:(?:Mr|Ms|Mrs|Dr)\.?|Secretary|Ambassador|Administrator|Director|Admiral|Chair|Mayor)"


def _find_surname(q: str, names: Sequence[str]) -> tuple[str, tuple[int, int]] | None:
    """A spokesperson named by surname alone ("what did Kirby say", "Dr.
    Fauci's answer"): only with an honorific before it or a verb of saying
    right after it, and only a surname one person in the index has, so a
    common word is not read as a name."""
    by_surname: dict[str, list[str]] = {}
    for name in names:
        parts = name.split()
        if len(parts) > 1 and len(parts[-1]) >= 3:
            by_surname.setdefault(parts[-1].lower(), []).append(name)
    # a name is capitalized: "young people saying" is nobody, unless the
    # whole question is typed in lower case ("what did kirby say")
    cased = q != q.lower()
    for surname, owners in sorted(by_surname.items(), key=lambda kv: -len(kv[0])):
        if len(owners) != 1:
            continue
        pattern = re.escape(surname)
        m = re.search(rf"\b{_HONORIFIC}\s+{pattern}\b", q, re.I)
        if m:   # "Dr. Jha": a title makes even a short surname a name
            return owners[0], m.span()
        for m in re.finditer(rf"\b({pattern})(?:['’]s)?\s+(?:\w+\s+){{0,2}}?{SAY.pattern}",
                             q, re.I):
            # a short surname ("Jha") only as typed with its capital
            if m.group(1)[0].isupper() or (not cased and len(surname) >= 4):
                return owners[0], m.span(1)
    return None


PREFER_AFTER_DAYS = 31


def _dates_the_reply(question: str, span: tuple[int, int]) -> bool:
    """A period opening the question ("In May 2020, what ...") or following a
    verb of saying within a few words ("tell Kyodo News in March 2020") dates
    the reply, unless it is an event's name ("say about the 2019 Boao
    Forum"); anywhere else it may date the event asked about."""
    before = question[:span[0]]
    if len(before.split()) <= 2:
        return True
    # "the 2019 Boao Forum", "the 2022 Winter Olympics": the year names the event
    if re.search(r"\bthe\s*$", before, re.I) and question[span[1]:].lstrip()[:1].isupper():
        return False
    verbs = list(SAY.finditer(before))
    return bool(verbs) and len(before[verbs[-1].end():].split()) <= 4


def _office_holder(offices: "OfficeBook", question: str, plan: dict, period
                   ) -> tuple[str, tuple[int, int], str] | None:
    """The person an office in the question stands for, in the period it
    names: a filter's, or a preferred period's ("the press secretary say
    about the Inflation Reduction Act in October 2024" is October 2024's);
    one preferred that no briefing falls in (the period of an event before
    the index: "the 2015 deal") leaves the index's whole span to decide."""
    if "date_from" in plan or not period:
        return offices.find(question, plan.get("date_from"), plan.get("date_to"))
    return offices.find(question, period[0], period[1]) or \
        (None if offices.has_briefings(period[0], period[1]) else offices.find(question))


def understand(question: str, *, questioners: Iterable[str] = (),
               spokespersons: Iterable[str] = (), aliases: dict[str, str] | None = None,
               reference: dt.date | None = None,
               publishers: Mapping[str, Sequence[str]] | None = None,
               offices: "OfficeBook | None" = None) -> QueryPlan:
    """Recognize a period, an outlet, a spokesperson and a publisher in ``question``.

    ``questioners``/``spokespersons`` are the names the index knows;
    ``aliases`` maps other spellings to them ("Kyodo News" -> "Kyodo");
    ``reference`` anchors "last year" (the newest conference in the index);
    ``publishers`` maps each publisher the index holds to the names questions
    call it by (given only when there are several to choose from);
    ``offices`` who held which office ("the Energy Secretary say"), read
    when no spokesperson is named.
    """
    notes: list[str] = []
    spans: list[tuple[int, int]] = []
    plan: dict = {}
    period = _find_period(question, reference)
    if period and re.search(r"\bby(?:\s+the)?\s*$", question[:period[2][0]], re.I):
        # "Will the rule be final by May 2023?": a deadline, asked about
        # before it; neither the reply's date nor the event's
        period = None
    if period:
        s, e, span, said = period
        if _dates_the_reply(question, span):
            plan["date_from"], plan["date_to"] = s, e
            notes.append(f"dates {s.isoformat()} to {e.isoformat()} (from \"{said}\")")
        else:
            # replies come after the events they answer: prefer a little past it
            plan["prefer_from"], plan["prefer_to"] = s, e + dt.timedelta(days=PREFER_AFTER_DAYS)
            notes.append(f"preferring {s.isoformat()} to {e.isoformat()} (from \"{said}\")")
        spans.append(span)
    names = dict((n, n) for n in questioners)
    for alias, canonical in (aliases or {}).items():
        if canonical in names:
            names.setdefault(alias, canonical)
    found = _find_name(question, names, cue=True)
    if found:
        name, span = found
        plan["questioner"] = names[name]
        spans.append(span)
        notes.append(f"questioner {names[name]} (from \"{question[span[0]:span[1]]}\")")
    # A title standing for a person ("The President") is a phrase every
    # question may use ("meet the president"): only personal names are read.
    spokespersons = [n for n in spokespersons if not n.lower().startswith("the ")]
    found = _find_name(question, spokespersons, cue=False) or _find_surname(question, spokespersons)
    if found:
        name, span = found
        plan["spokesperson"] = name
        spans.append(span)
        notes.append(f"spokesperson {name}")
    elif near := near_spokesperson(question, spokespersons):
        name, span, typed = near
        plan["spokesperson"] = name
        spans.append(span)
        notes.append(f"spokesperson {name} (from \"{typed}\")")
    elif offices and (held := _office_holder(offices, question, plan, period)):
        name, span, typed = held
        plan["spokesperson"] = name
        spans.append(span)
        notes.append(f"spokesperson {name} (from \"the {typed}\")")
    named = {pub: m for pub, words in (publishers or {}).items()
             if (m := re.search(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", question,
                                re.I))} if publishers else {}
    if len(named) == 1:   # both named ("Beijing's reply to the White House"): no preference
        (pub, m), = named.items()
        plan["prefer_publisher"] = pub
        notes.append(f"publisher {pub} preferred (from \"{m.group(0)}\")")
    text = question
    for a, b in sorted(spans, reverse=True):
        text = text[:a] + " " + text[b:]
    text = re.sub(r"\s+", " ", text).strip() or question
    return QueryPlan(question=question, text=text, notes=tuple(notes), **plan)


def applied_notes(notes: Sequence[str], given: Mapping[str, Any]) -> list[str]:
    """The notes of a QueryPlan for what a search took from the question: a
    filter the caller set wins over one read from the question."""
    dates_set = bool(given.get("date_from") or given.get("date_to"))
    out = []
    for note in notes:
        kind = note.split(" ", 1)[0]
        if (kind in ("questioner", "spokesperson", "publisher") and given.get(kind)) or \
                (kind in ("dates", "preferring") and dates_set):
            continue
        out.append(note)
    return out


def overridden_notes(plan: QueryPlan, given: Mapping[str, Any]) -> list[str]:
    """A person the question names that a filter the caller set overrode
    with another ("spokesperson John Kirby named in the question, not
    applied: the spokesperson filter is Jen Psaki"): said, so a search kept
    to someone else is never silently not what was asked."""
    out = []
    for kind, read in (("questioner", plan.questioner), ("spokesperson", plan.spokesperson)):
        want = given.get(kind)
        if read and want and str(read).casefold() != str(want).casefold():
            out.append(f"{kind} {read} named in the question, not applied: "
                       f"the {kind} filter is {want}")
    return out


#: The filter keys each group of notes sets ("dates ..." sets two).
FILTER_KEYS = {"questioner": ("questioner",), "spokesperson": ("spokesperson",),
               "dates": ("date_from", "date_to")}


def note_group(note: str) -> str:
    """Which filter a note of query understanding is about ("dates 2019-01-01 to
    ...", "questioner Bloomberg (from ...)")."""
    return note.split(" ", 1)[0]


def period_of(text: str) -> tuple[dt.date, dt.date] | None:
    """The period ``text`` names when it names nothing else ("May 2020",
    "late 2019", "14 May 2020"): what `presscon search --from/--to` accept
    besides ISO dates; None when other words are left over."""
    found = _find_period(text.strip(), None)
    if not found:
        return None
    start, end, (a, b), _ = found
    return (start, end) if not (text.strip()[:a] + text.strip()[b:]).strip(" ,.") else None
