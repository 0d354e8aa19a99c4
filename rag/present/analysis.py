"""Views over search results: position over time, how the answer changed,
who asked.

All of them work on the grouped hits :meth:`Retriever.search` returns, whose
``citations`` list every occasion a reply was given; so a set phrase repeated
on forty dates counts forty times in a timeline, not once, yet takes one
result slot. "Matching replies" (:func:`matching`) are the top ``limit``
results of the question that score at least ``relative`` times the best
one: a fixed depth keeps the views predictable and cheap, and the relative
floor keeps the tail of a narrow topic (an INF Treaty reply under "New
START") out of its timeline and out of "earliest vs latest".

Pure functions of hits, so the chat can call them on hits it already has.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from ..results import Citation

if TYPE_CHECKING:  # pragma: no cover
    from ..results import Hit


RELATIVE = 0.8


def matching(hits: Sequence["Hit"], relative: float = RELATIVE) -> list["Hit"]:
    """The hits scoring at least ``relative`` x the best score (all if 0)."""
    if not hits or relative <= 0 or hits[0].score <= 0:
        return list(hits)
    floor = relative * max(h.score for h in hits)
    return [h for h in hits if h.score >= floor]


def occasions(hit: "Hit") -> tuple[Citation, ...]:
    """A hit's citations; a hit built without them stands for itself."""
    if hit.citations:
        return hit.citations
    return (Citation(passage_id=hit.passage_id, date=hit.date, questioner=hit.questioner,
                     spokesperson=hit.spokesperson, question=hit.question, text=hit.text,
                     citation=hit.citation, kind=hit.kind, source=hit.source, url=hit.url,
                     title=hit.title),)


@dataclass(frozen=True)
class MonthCount:
    """Replies matching a question given in one calendar month."""

    month: str                        # "2019-07"
    replies: int                      # occasions that month (a repeated reply counts each time)
    results: int                      # distinct results (groups of repeats) among them
    passage_ids: tuple[int, ...] = ()  # the occasions, oldest first, to open them

    def to_dict(self) -> dict[str, Any]:
        return {"month": self.month, "replies": self.replies, "results": self.results,
                "passage_ids": list(self.passage_ids)}


def _month(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _months_between(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def timeline(hits: Sequence["Hit"], fill: bool = True) -> list[MonthCount]:
    """Occasions per month, oldest month first; with ``fill`` the months with
    none in between are present with zero, so a plot's x axis is true time."""
    by_month: dict[str, list[tuple[dt.date, int, int]]] = {}
    for rank, hit in enumerate(hits):
        for c in occasions(hit):
            by_month.setdefault(_month(c.date), []).append((c.date, c.passage_id, rank))
    if not by_month:
        return []
    months = _months_between(min(by_month), max(by_month)) if fill else sorted(by_month)
    out = []
    for m in months:
        items = sorted(by_month.get(m, []))
        out.append(MonthCount(m, len(items), len({r for _, _, r in items}),
                              tuple(pid for _, pid, _ in items)))
    return out


@dataclass(frozen=True)
class AnswerChange:
    """The earliest and the latest matching replies, verbatim, to read side by side."""

    earliest: tuple[Citation, ...]    # oldest first, one per result
    latest: tuple[Citation, ...]      # newest first, one per result
    same_reply: bool                  # the earliest and latest are one (repeated) reply
    # how many matching results they were chosen among: "latest" is the latest
    # of those, not of every reply the index holds on the topic
    compared: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"earliest": [c.to_dict() for c in self.earliest],
                "latest": [c.to_dict() for c in self.latest], "same_reply": self.same_reply,
                "compared": self.compared}


def answer_change(hits: Sequence["Hit"], n: int = 1) -> AnswerChange:
    """The ``n`` earliest and ``n`` latest occasions among the hits, one per
    result (two dates of one set phrase would show the same words twice)."""
    firsts = sorted(((occasions(h)[0], i) for i, h in enumerate(hits)),
                    key=lambda t: (t[0].date, t[1]))
    lasts = sorted(((occasions(h)[-1], i) for i, h in enumerate(hits)),
                   key=lambda t: (-t[0].date.toordinal(), t[1]))
    same = bool(firsts) and firsts[0][1] == lasts[0][1]
    return AnswerChange(tuple(c for c, _ in firsts[:n]), tuple(c for c, _ in lasts[:n]), same,
                        len(hits))


def questioner_counts(hits: Sequence["Hit"]) -> list[tuple[str | None, int]]:
    """Outlets that asked the matching questions and how often, most first;
    None counts the questions whose asker the transcript does not name.
    Opening statements answer nobody and are left out."""
    counts = Counter(c.questioner for h in hits for c in occasions(h) if c.kind != "statement")
    return sorted(counts.items(), key=lambda t: (-t[1], t[0] is None, t[0] or ""))
