"""The chat's filter controls in the reader's words: dates typed as the
question would say them, errors naming the field as the page labels it, and
a warning when a filter can only see a small share of the index.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any, Mapping

from ..errors import PressconError

__all__ = ["parse_user_date", "check_dates", "coverage_warnings", "month_range", "FEW"]

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_FORMS = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), "ymd"),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "ym"),
    (re.compile(r"^(\d{4})$"), "y"),
    (re.compile(rf"^(\d{{1,2}})\s+{_MONTH},?\s+(\d{{4}})$", re.I), "dmy"),
    (re.compile(rf"^{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})$", re.I), "mdy"),
    (re.compile(rf"^{_MONTH},?\s+(\d{{4}})$", re.I), "my"),
]
# A filter that leaves fewer passages than this share of the index gets a warning.
FEW = 0.05


def month_range(month: str) -> tuple[str, str]:
    """'2020-05' -> ('2020-05-01', '2020-05-31')."""
    y, m = (int(x) for x in month.split("-")[:2])
    return (dt.date(y, m, 1).isoformat(),
            dt.date(y, m, calendar.monthrange(y, m)[1]).isoformat())


def parse_user_date(text: Any, *, end: bool, label: str) -> str | None:
    """A date as typed into the "From"/"To" box, as ISO (None when blank):
    2020-05-06, 2020-05, 2020, May 2020, 6 May 2020, May 6, 2020. A month or a
    year means its first day in "From" and its last day in "To" (``end``).
    Anything else is a :class:`PressconError` naming ``label`` and what was typed."""
    s = re.sub(r"\s+", " ", str(text or "")).strip()
    if not s:
        return None
    try:
        for pattern, form in _FORMS:
            m = pattern.match(s)
            if not m:
                continue
            g = m.groups()
            if form == "ymd":
                return dt.date(int(g[0]), int(g[1]), int(g[2])).isoformat()
            if form == "dmy":
                return dt.date(int(g[2]), _MONTHS[g[1].lower()], int(g[0])).isoformat()
            if form == "mdy":
                return dt.date(int(g[2]), _MONTHS[g[0].lower()], int(g[1])).isoformat()
            if form == "y":
                return f"{g[0]}-12-31" if end else f"{g[0]}-01-01"
            year, month = ((int(g[0]), int(g[1])) if form == "ym"
                           else (int(g[1]), _MONTHS[g[0].lower()]))
            first, last = month_range(f"{year:04d}-{month:02d}")
            return last if end else first
    except ValueError:
        raise PressconError(f"{label} “{s}” is not a day of the calendar") from None
    raise PressconError(f"{label} “{s}” is not a date: type it as 2020-05-06, May 2020 or "
                        f"2020")


def check_dates(date_from: Any, date_to: Any) -> tuple[str | None, str | None]:
    """The From/To boxes as ISO dates, checked against each other."""
    d_from = parse_user_date(date_from, end=False, label="From date")
    d_to = parse_user_date(date_to, end=True, label="To date")
    if d_from and d_to and d_from > d_to:
        raise PressconError(f"From date ({d_from}) is after To date ({d_to}); swap them or "
                            f"clear one")
    return d_from, d_to


def coverage_warnings(filters: Mapping[str, Any], total: int,
                      questioners: Mapping[str, int], spokespersons: Mapping[str, int]
                      ) -> list[str]:
    """Warnings for a questioner or spokesperson filter that covers few passages
    (under ``FEW`` of ``total``); the questioner's says how many passages name
    no questioner at all, since those can never match it."""
    out = []
    if total <= 0:
        return out
    name = filters.get("questioner")
    if name:
        n = questioners.get(name, 0)
        if n < FEW * total:
            unnamed = max(0, total - sum(questioners.values()))
            out.append(f"Only {n:,} of the {total:,} passages name {name} as the questioner "
                       f"({n / total:.1%}); {unnamed / total:.0%} name no questioner at all, "
                       f"so replies to {name} whose transcript does not name the outlet are "
                       f"left out.")
    name = filters.get("spokesperson")
    if name:
        n = spokespersons.get(name, 0)
        if n < FEW * total:
            out.append(f"Only {n:,} of the {total:,} passages are replies by {name} "
                       f"({n / total:.1%}).")
    return out
