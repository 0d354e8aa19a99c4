"""Holidays named with their year ("just after Christmas 2019", "over
Thanksgiving 2021", "the 2020 Spring Festival"): the day each fell on, for
rag/rank/periods.py to read as a period a week either side of it.

People date events by holidays where a reporter would give the day, and a
question written in other words does so all the more (a blind set's "an
airliner went down ... just after Christmas 2019" was read as the whole
year). The days that move each year come from the `holidays` package's
calendars (the lunar ones cannot be computed with the standard library),
imported only when a question names one; Easter from dateutil.

Left out on purpose: names that stand for different days by country
("Independence Day", "National Day", "Labor Day", which is 1 May in China),
and holidays without a year ("at Christmas": which one is a guess).
"""
from __future__ import annotations

import datetime as dt
import functools
import re

__all__ = ["HOLIDAY_NAMES", "HOLIDAY_RE", "WINDOW_DAYS", "holiday_day", "holiday_window",
           "name_span", "named_day"]

#: days either side of the holiday: a briefing on it is rare (the ministry
#: holds none over the Spring Festival), the nearest ones answer for it
WINDOW_DAYS = 7

_FIXED = {
    "christmas eve": (12, 24), "christmas day": (12, 25), "christmas": (12, 25),
    "new year's eve": (12, 31), "new year's day": (1, 1), "new year's": (1, 1),
    "new year": (1, 1), "halloween": (10, 31), "valentine's day": (2, 14),
    "fourth of july": (7, 4), "juneteenth": (6, 19),
    "veterans day": (11, 11), "veterans' day": (11, 11),
}
# spoken name -> (country, the name in the `holidays` package's English calendar)
_MOVING = {
    "thanksgiving": ("US", "Thanksgiving Day"),
    "thanksgiving day": ("US", "Thanksgiving Day"),
    "memorial day": ("US", "Memorial Day"),
    "martin luther king day": ("US", "Martin Luther King Jr. Day"),
    "martin luther king jr. day": ("US", "Martin Luther King Jr. Day"),
    "mlk day": ("US", "Martin Luther King Jr. Day"),
    "presidents' day": ("US", "Washington's Birthday"),
    "presidents day": ("US", "Washington's Birthday"),
    "lunar new year": ("CN", "Chinese New Year (Spring Festival)"),
    "chinese new year": ("CN", "Chinese New Year (Spring Festival)"),
    "spring festival": ("CN", "Chinese New Year (Spring Festival)"),
    "mid-autumn festival": ("CN", "Mid-Autumn Festival"),
    "dragon boat festival": ("CN", "Dragon Boat Festival"),
    "tomb-sweeping day": ("CN", "Tomb-Sweeping Day"),
    "qingming festival": ("CN", "Tomb-Sweeping Day"),
}
_EASTER = ("easter", "easter sunday")
_NAMES = sorted([*_FIXED, *_MOVING, *_EASTER], key=len, reverse=True)   # longest first


def _pattern(name: str) -> str:
    """A name as typed: any run of spaces between its words, a hyphen or a
    space ("Mid Autumn"), either apostrophe."""
    words = [re.escape(w).replace("'", "['’]") for w in re.split(r"[\s-]+", name)]
    return r"[\s-]+".join(words) if "-" in name else r"\s+".join(words)


_ALT = "|".join(_pattern(n) for n in _NAMES)
#: every holiday name read, in lower case
HOLIDAY_NAMES: tuple[str, ...] = tuple(_NAMES)
_YEAR = r"(?:19|20)\d\d"
_AFTER = r"(?:\s+(?:holidays?|weekend|break|season|period))?"
#: "Christmas 2019", "the Spring Festival of 2020", "the 2020 Lunar New Year holiday"
# (not "Christmas Island" nor "Easter Island": places)
HOLIDAY_RE = re.compile(
    rf"\b(?:(?:on|at|over|around|during)\s+)?(?:the\s+)?"
    rf"(?:(?P<n1>(?P<h1>{_ALT}){_AFTER})\s*,?\s+(?:of\s+|in\s+)?(?P<y1>{_YEAR})"
    rf"|(?P<y2>{_YEAR})\s+(?P<n2>(?P<h2>{_ALT}){_AFTER}))\b(?!\s+islands?\b)", re.I)


@functools.lru_cache(maxsize=64)
def _calendar(country: str, year: int) -> dict[str, dt.date]:
    import holidays   # ~0.2 s, only for a question naming such a holiday
    days: dict[str, dt.date] = {}
    for day, names in sorted(holidays.country_holidays(country, years=year,
                                                       language="en_US").items()):
        # two holidays on one day are one entry ("Mid-Autumn Festival; National
        # Day", 1 October 2020); a holiday of several days: its first
        for name in names.split("; "):
            days.setdefault(name, day)
    return days


def _key(name: str) -> str:
    key = re.sub(r"\s+", " ", name.lower().replace("’", "'")).strip()
    # "Mid Autumn Festival" is the table's "mid-autumn festival"
    return next((n for n in _NAMES if n.replace("-", " ") == key.replace("-", " ")), key)


def holiday_day(name: str, year: int) -> dt.date | None:
    """The day the holiday ``name`` (as typed, any case) fell on in ``year``;
    None for a name this module does not know, or a year its calendar lacks
    (the `holidays` package has the lunar festivals from 2008)."""
    key = _key(name)
    if key in _FIXED:
        return dt.date(year, *_FIXED[key])
    if key in _EASTER:
        from dateutil.easter import easter
        return easter(year)
    if key in _MOVING:
        country, official = _MOVING[key]
        return _calendar(country, year).get(official)
    return None


def named_day(m: re.Match[str]) -> dt.date | None:
    """The day a :data:`HOLIDAY_RE` match names; None also for a bare "new
    year" in lower case ("the new year 2021 budget" names no holiday)."""
    name, year = (m["h1"], m["y1"]) if m["h1"] else (m["h2"], m["y2"])
    if _key(name) == "new year" and not re.match(r"New\s+Year", name):
        return None
    return holiday_day(name, int(year))


def name_span(m: re.Match[str]) -> tuple[int, int]:
    """Where in the question a :data:`HOLIDAY_RE` match names the holiday
    ("Fourth of July weekend")."""
    return m.span("n1") if m["n1"] else m.span("n2")


def holiday_window(m: re.Match[str]) -> tuple[dt.date, dt.date] | None:
    """The period a :data:`HOLIDAY_RE` match names on its own: WINDOW_DAYS
    either side of the day."""
    day = named_day(m)
    if day is None:
        return None
    slack = dt.timedelta(days=WINDOW_DAYS)
    return day - slack, day + slack
