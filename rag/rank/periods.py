"""Periods named in a question: a day, a month, a season, a quarter, a year,
"last year", and ranges of them ("between March and May 2021", "from
2021-03-01 to 2021-05-31", "since June 2020"), each read as (first day, last
day) with the words it was read from, so the caller can show and undo it.

Kept apart from the rest of query understanding because dates are the one
cue with a grammar of their own; dateutil's fuzzy parser was tried for this
and reads "May" the verb and a bare "20" as dates, which a search filter
must never do.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Callable, NamedTuple

from dateutil.relativedelta import relativedelta

from .holiday_dates import HOLIDAY_RE, holiday_window, name_span, named_day

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
MONTHS.pop("may", None)  # handled with care below: "may" is also a verb
_MONTH_NAMES = "|".join(sorted((m for m in MONTHS), key=len, reverse=True)) + "|may"
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11),
           "winter": (12, 2)}

# AP style abbreviates with a full stop ("Jan. 6, 2022", "Sept. 2021"): read as a
# space, which keeps every offset of the question
_ABBR_DOT = re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.")
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
_RE_YEAR = re.compile(r"\b(?:in\s+|during\s+)?(?:(?:at\s+)?(?:the\s+)?(?P<part>early|mid|late|end of|beginning of|"
                      r"start of|year-end|year['’]s end)(?:(?<=end),)?[\s-]*)?(?P<y>(?:19|20)\d\d)\b", re.I)
_RE_LAST = re.compile(r"\b(?P<w>last)\s+(?P<unit>year|month)\b", re.I)
_YEAR = r"(?:19|20)\d\d"
_RE_QUARTER = re.compile(
    rf"\b(?:in\s+|during\s+)?(?:Q(?P<q1>[1-4])\s*(?P<y1>{_YEAR})|(?P<y2>{_YEAR})\s*Q(?P<q2>[1-4])"
    rf"|(?:the\s+)?(?P<o>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\s+(?:of\s+)?(?P<y3>{_YEAR}))\b",
    re.I)
_RE_HALF = re.compile(
    rf"\b(?:in\s+|during\s+)?(?:H(?P<h1>[12])\s*(?P<y1>{_YEAR})"
    rf"|(?:the\s+)?(?P<o>first|second|1st|2nd)\s+half\s+(?:of\s+)?(?P<y2>{_YEAR}))\b", re.I)
# "the week of 20 April 2020": the Monday-to-Sunday week holding that day,
# whichever day of it the asker named
_RE_WEEK_OF = re.compile(r"\b(?:in\s+|during\s+)?(?:the\s+)?week\s+(?P<from>of|beginning|starting)\s*$",
                         re.I)
# "the first week of March 2023" (days 1-7), "the last week of 2022" (its last 7 days)
_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_RE_NTH_WEEK = re.compile(
    rf"\b(?:in\s+|during\s+)?(?:the\s+)?(?P<n>{'|'.join(_ORDINAL)}|last|final)\s+week\s+of\s+"
    rf"(?:(?P<m>{_MONTH_NAMES})\.?\s*,?\s+)?(?P<y>{_YEAR})\b", re.I)
# a month named without its year, as the first end of a range ("from May to
# July 2020"); "May" only with its capital, as the verb is "may"
_BARE_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_RE_BARE_MONTH = re.compile(rf"\b(?i:{_PART})?(?P<m>(?i:{_BARE_NAMES})|May)\b")
_RE_BARE_DAY = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{_MONTH_NAMES})|(?P<m2>{_MONTH_NAMES})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)\b",
    re.I)
# what joins the two ends of a range
_TO = r"\s*(?:-|–|—|to|until|till|through|thru|and)\s*"
_CONNECT = re.compile(_TO, re.I)
_OPEN = re.compile(r"\b(?:between|from)\s*$", re.I)
_SINCE = re.compile(r"\b(?:ever\s+)?since\s*$", re.I)
# one end left open: "before March 2022" is up to 28 February, "through
# September 2021" up to its 30th, "after June 2024" from 1 July
_BEFORE = re.compile(r"\b(?:before|prior\s+to|earlier\s+than)\s*$", re.I)
_UNTIL = re.compile(r"\b(?:until|till|up\s+(?:un)?till?|up\s+to|through|thru)\s*$", re.I)
_AFTER = re.compile(r"\b(?:after|later\s+than)\s*$", re.I)
# a span of years with the second abbreviated: "2021-22", "2019/20" (22 is no month)
_RE_YEARS = re.compile(rf"\b(?:(?:between|from|in|during)\s+)?(?P<y>{_YEAR})\s*[-/–]\s*(?P<y2>\d\d)\b(?![-/]\d)",
                       re.I)
# days of one month: "1-5 May 2020", "between 1 and 5 May 2020", "May 1 to 5, 2020"
_RE_DAYS = re.compile(
    rf"\b(?:(?:between|from)\s+)?(?:(?P<a1>\d{{1,2}}){_TO}(?P<b1>\d{{1,2}})\s+(?P<m1>{_MONTH_NAMES})"
    rf"|(?P<m2>{_MONTH_NAMES})\s+(?P<a2>\d{{1,2}})(?:st|nd|rd|th)?{_TO}(?P<b2>\d{{1,2}})(?:st|nd|rd|th)?)"
    rf",?\s+(?P<y>{_YEAR})\b", re.I)
# the open end of a range: "from June 2020 to now"
_RE_NOW = re.compile(r"\b(?:now|today|the\s+present|present|date)\b", re.I)


class Period(NamedTuple):
    """A period read from a question: its first and last day, where in the
    question it was read (``span``) and the words it was read from."""

    start: dt.date | None     # None: from the first conference ("before March 2022")
    end: dt.date
    span: tuple[int, int]
    said: str
    # read from "since" or "to now": the replies' own dates, wherever the
    # question puts them ("How has ... changed since 2022?")
    bounds_replies: bool = False
    # read from "before", "after", "until", "through": the replies' dates where
    # the question says so ("What did they say before March 2022?"), else an
    # event's ("imposed before July 1997"), which the caller reads again
    # without it (``find_period(..., open_ends=False)``)
    open_end: bool = False
    # what "last year", "last spring" counted back from (the newest briefing)
    counted_from: dt.date | None = None
    # parts of ``span`` that stay in the searched text: a holiday's name is a
    # topic as well as a date ("travel over Thanksgiving 2021")
    kept: tuple[tuple[int, int], ...] = ()

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
    start = start - relativedelta(months=1)
    after = end + relativedelta(days=1)            # the first of the month after
    end = after + relativedelta(months=1) - relativedelta(days=1)
    part = (part or "").lower()
    if part == "early":
        end = start + relativedelta(months=3)
    elif part == "late":
        start = end - relativedelta(months=3)
    return start, end


def _year_range(year: int, part: str | None) -> tuple[dt.date, dt.date]:
    part = (part or "").lower()
    if part in ("early", "beginning of", "start of"):
        return dt.date(year, 1, 1), dt.date(year, 5, 31)
    if part == "mid":
        return dt.date(year, 4, 1), dt.date(year, 9, 30)
    if part in ("late", "end of"):
        return dt.date(year, 8, 1), dt.date(year, 12, 31)
    if part in ("year-end", "year's end", "year’s end"):    # its last weeks, as a reporter says it
        return dt.date(year, 12, 1), dt.date(year, 12, 31)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _month(name: str) -> int:
    name = name.lower()
    return 5 if name == "may" else MONTHS[name]


def _month_day(first: int, second: int) -> tuple[int, int]:
    """(month, day) of a date typed with slashes: the US order (5/14/2020),
    unless the first cannot be a month (23/04/2022: day first)."""
    return (second, first) if first > 12 >= second else (first, second)


def _day(year: int, month: int, day: int) -> tuple[dt.date, dt.date]:
    d = dt.date(year, month, day)
    return d, d


def _last_season_year(season: str, reference: dt.date, last: bool) -> int:
    """The year of the season a question names without one ("last spring"),
    counted back from ``reference``."""
    first = SEASONS[season.lower()][0]
    year = reference.year if reference.month > first + 2 else reference.year - 1
    if last and year == reference.year and reference.month <= first + 3:
        year -= 1
    return year


class _Atom(NamedTuple):
    """One end of a range, or a period on its own. ``dates`` gives its first
    and last day in a year; it ignores the year when ``year`` was said."""

    span: tuple[int, int]
    dates: Callable[[int], tuple[dt.date, dt.date]]
    year: int | None          # None: the question left it to the other end


def _atoms(q: str, reference: dt.date | None) -> list[_Atom]:
    """Every period-like phrase in ``q``, the longest where two overlap
    ("May 2021" over its "May" and its "2021"), in the order they stand."""
    found: list[_Atom] = []

    def add(m: re.Match, dates, year: int | None) -> None:
        try:
            dates(year if year is not None else 2000)   # 30 February: not a date
        except ValueError:
            return
        found.append(_Atom(m.span(), dates, year))

    for m in _RE_ISO.finditer(q):
        y, mo, d = int(m["y"]), int(m["m"]), m["d"]
        add(m, (lambda _, y=y, mo=mo: _month_range(y, mo, None)) if d is None
            else (lambda _, y=y, mo=mo, d=int(d): _day(y, mo, d)), y)
    for m in _RE_US_DAY.finditer(q):
        mo, d = _month_day(int(m["m"]), int(m["d"]))
        add(m, lambda _, y=int(m["y"]), mo=mo, d=d: _day(y, mo, d), int(m["y"]))
    for m in _RE_DAY.finditer(q):
        add(m, lambda _, y=int(m["y"]), mo=_month(m["m1"] or m["m2"]), d=int(m["d1"] or m["d2"]):
            _day(y, mo, d), int(m["y"]))
    for m in _RE_MONTH.finditer(q):
        add(m, lambda _, y=int(m["y"]), mo=_month(m["m"]), p=m["part"]: _month_range(y, mo, p), int(m["y"]))
    for m in HOLIDAY_RE.finditer(q):
        # as the end of a range, or after "before"/"since", the holiday is its
        # day; only named before its year ("between 2019 and 2020 Christmas
        # markets" is the two years)
        if m["h1"] and (day := named_day(m)) is not None:
            add(m, lambda _, d=day: (d, d), day.year)
    for m in _RE_QUARTER.finditer(q):
        add(m, lambda _, m=m: _quarter_of(m), _quarter_of(m)[0].year)
    for m in _RE_HALF.finditer(q):
        add(m, lambda _, m=m: _half_of(m), _half_of(m)[0].year)
    for m in _RE_SEASON.finditer(q):
        if m["y"]:
            add(m, lambda _, y=int(m["y"]), s=m["s"], p=m["part"]: _season_range(y, s, p), int(m["y"]))
        elif m["last"] and reference:
            y = _last_season_year(m["s"], reference, True)
            add(m, lambda _, y=y, s=m["s"], p=m["part"]: _season_range(y, s, p), y)
    for m in _RE_YEAR.finditer(q):
        add(m, lambda _, y=int(m["y"]), p=m["part"]: _year_range(y, p), int(m["y"]))
    for m in _RE_BARE_DAY.finditer(q):
        add(m, lambda y, mo=_month(m["m1"] or m["m2"]), d=int(m["d1"] or m["d2"]): _day(y, mo, d), None)
    for m in _RE_BARE_MONTH.finditer(q):
        add(m, lambda y, mo=_month(m["m"]), p=m["part"]: _month_range(y, mo, p), None)
    kept: list[_Atom] = []
    for atom in sorted(found, key=lambda a: a.span[0] - a.span[1]):   # longest first
        if all(atom.span[1] <= k.span[0] or atom.span[0] >= k.span[1] for k in kept):
            kept.append(atom)
    return sorted(kept, key=lambda a: a.span[0])


def _quarter_range(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = 3 * quarter - 2
    return dt.date(year, first, 1), dt.date(year, first + 2, calendar.monthrange(year, first + 2)[1])


def _quarter_of(m: re.Match) -> tuple[dt.date, dt.date]:
    """The days of a quarter _RE_QUARTER matched ("Q1 2023", "the third quarter of 2021")."""
    return _quarter_range(int(m["y1"] or m["y2"] or m["y3"]),
                          int(m["q1"] or m["q2"] or _ORDINAL[m["o"].lower()]))


def _half_of(m: re.Match) -> tuple[dt.date, dt.date]:
    """The days of a half _RE_HALF matched ("H1 2022", "the second half of 2020")."""
    return _half_range(int(m["y1"] or m["y2"]), int(m["h1"] or _ORDINAL[m["o"].lower()]))


def _half_range(year: int, half: int) -> tuple[dt.date, dt.date]:
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else \
        (dt.date(year, 7, 1), dt.date(year, 12, 31))


def _find_range(q: str, reference: dt.date | None, open_ends: bool = True) -> Period | None:
    """Two periods joined as a range ("between March and May 2021", "from
    2021-03-01 to 2021-05-31", "2019-2020"), or one with an open end ("since
    June 2020", "from June 2020 to now"): from the first day of one to the
    last of the other. An end without its year takes the other's ("from
    November to February 2021" starts in November 2020)."""
    today = reference or dt.date.today()
    m = _RE_YEARS.search(q)
    if m and int(m["y2"]) > max(12, int(m["y"]) % 100):
        first = int(m["y"])
        return Period(dt.date(first, 1, 1), dt.date(first - first % 100 + int(m["y2"]), 12, 31),
                      m.span(), m.group(0).strip())
    m = _RE_DAYS.search(q)
    if m:
        month, year = _month(m["m1"] or m["m2"]), int(m["y"])
        try:
            start = dt.date(year, month, int(m["a1"] or m["a2"]))
            end = dt.date(year, month, int(m["b1"] or m["b2"]))
        except ValueError:
            start = end = None
        # "on 1 and 5 May 2020" names two days; "between 1 and 5 May 2020" those between
        joined = bool(re.search(r"\d(?:st|nd|rd|th)?\s+and\s+\d", m.group(0), re.I))
        if start and start <= end and (not joined or m.group(0).lower().startswith("between")):
            return Period(start, end, m.span(), m.group(0).strip())
    atoms = _atoms(q, reference)
    for a, b in zip(atoms, atoms[1:]):
        between = q[a.span[1]:b.span[0]]
        opener = _OPEN.search(q[:a.span[0]])
        if not _CONNECT.fullmatch(between) or a.year is None and b.year is None:
            continue
        joined = between.strip().lower() == "and" and not (
            opener and opener[0].lower().startswith("between"))
        if a.year is None:
            year = b.year if a.dates(b.year)[0] <= b.dates(b.year)[1] else b.year - 1
            start, end = a.dates(year)[0], b.dates(b.year)[1]
        elif b.year is None:
            year = a.year if b.dates(a.year)[1] >= a.dates(a.year)[0] else a.year + 1
            start, end = a.dates(a.year)[0], b.dates(year)[1]
        else:
            start, end = a.dates(a.year)[0], b.dates(b.year)[1]
        if start > end:
            continue
        # "in March 2020 and May 2021" names two months, not the months between;
        # "August and September 2021" the two together
        if joined and (a.year is not None or
                       (a.dates(end.year)[1] + dt.timedelta(days=1)) != b.dates(end.year)[0]):
            continue
        first = opener.start() if opener else a.span[0]
        return Period(start, end, (first, b.span[1]), q[first:b.span[1]].strip())
    for a in atoms:
        # "since last spring" is said of the asker's day, not of the newest briefing
        if a.year is None or not open_ends or re.search(r"\blast\b", q[a.span[0]:a.span[1]], re.I):
            continue
        since = _SINCE.search(q[:a.span[0]])
        until = re.match(r"\s*(?:to|until|till|through)\s+(?:the\s+)?", q[a.span[1]:], re.I)
        now = until and _RE_NOW.match(q, a.span[1] + until.end())
        opener = _OPEN.search(q[:a.span[0]])
        start, last = a.dates(a.year)
        before = q[:a.span[0]]
        for cue, period in ((_BEFORE, (None, start - dt.timedelta(days=1))), (_UNTIL, (None, last)),
                            (_AFTER, (last + dt.timedelta(days=1), today))):
            if (m := cue.search(before)) and (period[0] is None or period[0] <= today):
                return Period(*period, (m.start(), a.span[1]), q[m.start():a.span[1]].strip(),
                              open_end=True)
        if since and start <= today:
            return Period(start, today, (since.start(), a.span[1]), q[since.start():a.span[1]].strip(),
                          True)
        if now and start <= today:
            first = opener.start() if opener else a.span[0]
            return Period(start, today, (first, now.end()), q[first:now.end()].strip(), True)
    return None


def _week_of(q: str, period: Period) -> Period:
    """The Monday-to-Sunday week around a day named as "the week of ..."."""
    m = _RE_WEEK_OF.search(q[:period.span[0]])
    if not m or period.start != period.end:
        return period
    # "the week beginning 18 April": from that day; "the week of": its Monday
    monday = period.start if m["from"].lower() != "of" else \
        period.start - dt.timedelta(days=period.start.weekday())
    return Period(monday, monday + dt.timedelta(days=6), (m.start(), period.span[1]),
                  q[m.start():period.span[1]].strip())


def find_period(q: str, reference: dt.date | None = None, open_ends: bool = True
                ) -> Period | None:
    """The period ``q`` names, read in this order: a range (or one with an
    open end: "since", "before", "through"), a day, a holiday with its year
    (unless a month is named elsewhere), a month, a quarter or half, a
    season, a year, "last year"/"last month". ``reference`` anchors
    what counts back ("last spring"): the newest conference the index holds.

    "This year" and "in the past two weeks" are not read: a reporter's
    question says them of its own day ("now that Moscow chairs the BRICS
    group this year"), which the newest briefing is not."""
    found = _find(_ABBR_DOT.sub(lambda m: m[1] + " ", q), reference, open_ends)
    # read on the question with AP's full stops as spaces: said as typed
    return found._replace(said=q[found.span[0]:found.span[1]].strip()) if found else None


def _find(q: str, reference: dt.date | None, open_ends: bool) -> Period | None:
    m = _RE_NTH_WEEK.search(q)
    if m:
        year = int(m["y"])
        first, last = _month_range(year, _month(m["m"]), None) if m["m"] else _year_range(year, None)
        n = m["n"].lower()
        start = last - dt.timedelta(days=6) if n in ("last", "final") else \
            first + dt.timedelta(days=7 * (_ORDINAL[n] - 1))
        return Period(start, min(start + dt.timedelta(days=6), last), m.span(), m.group(0).strip())
    found = _find_range(q, reference, open_ends)
    if found:
        return found
    for m in (_RE_ISO.search(q), _RE_US_DAY.search(q)):
        if m is None:
            continue
        try:
            year, month = int(m.group("y")), int(m.group("m"))
            if m.re is _RE_US_DAY:
                month, day = _month_day(month, int(m.group("d")))
                d = dt.date(year, month, day)
                return _week_of(q, Period(d, d, m.span(), m.group(0).strip()))
            if m.group("d") is None:
                s, e = _month_range(year, month, None)
                return Period(s, e, m.span(), m.group(0).strip())
            d = dt.date(year, month, int(m.group("d")))
            return _week_of(q, Period(d, d, m.span(), m.group(0).strip()))
        except ValueError:
            pass   # "2020-13-45": no date; the year alone is read below
    m = _RE_DAY.search(q)
    if m:
        day = int(m.group("d1") or m.group("d2"))
        try:
            d = dt.date(int(m.group("y")), _month(m.group("m1") or m.group("m2")), day)
            return _week_of(q, Period(d, d, m.span(), m.group(0).strip()))
        except ValueError:
            pass
    month = _RE_MONTH.search(q)
    m = HOLIDAY_RE.search(q)
    # a month named elsewhere wins ("In May 2020, what about the Easter 2019
    # bombings?" asks May 2020's replies); one inside the holiday's words is
    # the holiday's ("the Fourth of July 2023")
    if m and (month is None or m.start() <= month.start() and month.end() <= m.end()) \
            and (window := holiday_window(m)):
        return Period(*window, m.span(), m.group(0).strip(), kept=(name_span(m),))
    m = month
    if m:
        s, e = _month_range(int(m.group("y")), _month(m.group("m")), m.group("part"))
        return Period(s, e, m.span(), m.group(0).strip())
    for regex, dates in ((_RE_QUARTER, _quarter_of), (_RE_HALF, _half_of)):
        m = regex.search(q)
        if m:
            return Period(*dates(m), m.span(), m.group(0).strip())
    m = _RE_SEASON.search(q)
    if m and (m.group("y") or (m.group("last") and reference)):
        year = int(m.group("y")) if m.group("y") else _last_season_year(m.group("s"), reference, True)
        s, e = _season_range(year, m.group("s"), m.group("part"))
        return Period(s, e, m.span(), m.group(0).strip(),
                      counted_from=None if m.group("y") else reference)
    m = _RE_YEAR.search(q)
    if m:
        s, e = _year_range(int(m.group("y")), m.group("part"))
        return Period(s, e, m.span(), m.group(0).strip())
    m = _RE_LAST.search(q)
    if m and reference:
        if m.group("unit").lower() == "year":
            year = reference.year - 1
            s, e = dt.date(year, 1, 1), dt.date(year, 12, 31)
        else:
            ref = reference - relativedelta(months=1)
            s, e = _month_range(ref.year, ref.month, None)
        return Period(s, e, m.span(), m.group(0).strip(), counted_from=reference)
    return None


def period_of(text: str) -> tuple[dt.date, dt.date] | None:
    """The period ``text`` names when it names nothing else ("May 2020",
    "late 2019", "Q1 2023", "March to May 2021"): what `presscon search
    --from/--to` accept besides ISO dates; None when other words are left over."""
    text = text.strip()
    found = find_period(text, None)
    if not found:
        return None
    a, b = found.span
    return (found.start, found.end) if not (text[:a] + text[b:]).strip(" ,.") else None


_WEEKDAYS = [d.lower() for d in calendar.day_name]
_RE_WEEKDAY_BEFORE = re.compile(r"\b(?P<w>" + "|".join(_WEEKDAYS) + r")\s*,?\s*(?:the\s+)?(?:on\s+)?$",
                                re.I)


def impossible_day(q: str) -> tuple[tuple[int, int], str] | None:
    """A day typed that the calendar lacks ("March 32 2019", "2021-02-30",
    "31 April 2020"): (its span, why), or None. Read as what is left of it
    (the year), it would quietly search a whole year; the caller says so and
    reads no date from it."""
    q = _ABBR_DOT.sub(lambda m: m[1] + " ", q)
    for regex in (_RE_ISO, _RE_US_DAY, _RE_DAY):
        for m in regex.finditer(q):
            if regex is _RE_DAY:
                year, month, day = int(m["y"]), _month(m["m1"] or m["m2"]), int(m["d1"] or m["d2"])
            elif regex is _RE_ISO:
                if m["d"] is None:
                    if 1 <= int(m["m"]) <= 12:
                        continue
                    return m.span(), f"there is no month {int(m['m'])}"
                year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
            else:
                year, (month, day) = int(m["y"]), _month_day(int(m["m"]), int(m["d"]))
            if not 1 <= month <= 12:
                return m.span(), f"there is no month {month}"
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                return m.span(), f"{calendar.month_name[month]} {year} has {last} days"
    return None


def weekday_mismatch(q: str, period: Period) -> str | None:
    """The weekday typed before a single day when it is not that day's
    ("Friday 2019-03-13" was a Wednesday), said as a note; None otherwise."""
    if period.start is None or period.start != period.end:
        return None
    m = _RE_WEEKDAY_BEFORE.search(q[:period.span[0]])
    if not m:
        return None
    typed, real = m["w"].capitalize(), calendar.day_name[period.start.weekday()]
    return None if typed == real else \
        f"{period.start.isoformat()} was a {real}, not a {typed}: the date was searched"
