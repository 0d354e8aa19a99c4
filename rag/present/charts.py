"""The analysis's month chart as plain HTML: one bar per calendar month from the
first matching reply to the last (empty months shown, so time is to scale),
each bar a link (``#month-YYYY-MM``) the page turns into a filter on that month.
"""
from __future__ import annotations

import calendar
from typing import Sequence

from .analysis import MonthCount

__all__ = ["format_timeline", "months_between"]


def months_between(first: str, last: str) -> list[str]:
    """Every "YYYY-MM" from ``first`` to ``last``, both included."""
    y, m = (int(x) for x in first.split("-"))
    ly, lm = (int(x) for x in last.split("-"))
    out = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _label(month: str) -> str:
    y, m = month.split("-")
    return f"{calendar.month_abbr[int(m)]} {y}"


def format_timeline(months: Sequence[MonthCount], question: str = "") -> str:
    """Bars of matching replies per month; clicking one (``a.pc-month``, its
    ``href`` ``#month-YYYY-MM``) asks the question again within that month."""
    from .chat import escape_text
    if not months:
        return '<div class="pc-empty">No matching reply to chart.</div>'
    counts = {m.month: m.replies for m in months if m.replies}
    if not counts:
        return '<div class="pc-empty">No matching reply to chart.</div>'
    span = months_between(min(counts), max(counts))
    top = max(counts.values())
    bars = []
    for i, month in enumerate(span):
        n = counts.get(month, 0)
        label = _label(month)
        title = f"{label}: {n} matching {'reply' if n == 1 else 'replies'}"
        height = 0 if not n else max(4, round(100 * n / top))
        tick = (f'<span class="pc-tick">{escape_text(label)}</span>'
                if i == 0 or i == len(span) - 1 or month.endswith("-01") else "")
        if n:
            bars.append(f'<a class="pc-month" href="#month-{month}" '
                        f'title="{escape_text(title)}; click to ask within it" '
                        f'aria-label="{escape_text(title)}">'
                        f'<span class="pc-bar" style="height:{height}%"></span>'
                        f'<span class="pc-count">{n}</span>{tick}</a>')
        else:
            bars.append(f'<span class="pc-month pc-none" title="{escape_text(title)}">'
                        f'<span class="pc-bar" style="height:0"></span>{tick}</span>')
    total = sum(counts.values())
    about = f" for <q>{escape_text(question)}</q>" if question else ""
    return (f'<div class="pc-timeline"><div class="pc-note">Matching replies by month{about}: '
            f'{total} in {len(counts)} month{"s" if len(counts) != 1 else ""}. Click a bar '
            f'to ask within that month.</div><div class="pc-bars">{"".join(bars)}</div></div>')
