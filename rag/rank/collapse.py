"""One hit per group of repeated replies, citing every occasion it was given.

The hit is ranked by its best-scoring member and shows that member (date,
questioner, question and text of that one occasion, so the text stays a
verbatim transcript reply cited to the question it answered; within a period
the question prefers, if one was given then), and cites every member that
passes the filters, oldest first. The same words given to different
questions ("I'm not going to negotiate in public.", once on hostages, once
on the border) must not be shown under the question that did not match.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Callable

import numpy as np

from ..index.lexical import LexicalIndex
from ..results import Hit, citation_from_row, hit_from_row
from ..store import PassageRow, Store

__all__ = ["collapse_repeats", "plain_hits"]

#: Deeper candidate lists tried, as multiples of k, when copies crowd the pool.
DEPTHS = (1, 4, 16)


def plain_hits(store: Store, scores: dict[int, float], k: int) -> list[Hit]:
    """The k best passages as hits, repeats and all."""
    best = sorted(scores, key=lambda p: (-scores[p], p))[:k]
    rows = store.passages(best)
    return [hit_from_row(rows[p], scores[p]) for p in best if p in rows]


def collapse_repeats(store: Store, lex: LexicalIndex, scores: dict[int, float], k: int,
                     rescore: Callable[[int], dict[int, float]], mask: np.ndarray | None,
                     prefer: tuple[dt.date, dt.date] | None = None) -> list[Hit]:
    """The k best distinct groups, each as one hit. ``rescore(depth)`` gives
    the fused scores of about ``depth`` candidates (the same scoring that
    produced ``scores``): called when copies crowd the candidate pool."""
    best: dict[int, int] = {}
    for depth in (d * k for d in DEPTHS):
        if depth > k:
            if len(best) >= k:
                break
            wider = rescore(depth)
            if len(wider) <= len(scores):
                break
            scores = wider
        ranked = sorted(scores, key=lambda p: (-scores[p], p))
        group = store.group_of(ranked)
        best = {}
        for p in ranked:
            best.setdefault(group[p], p)
            if len(best) == k:
                break
    members = _passing(store.group_members(list(best)), lex, mask)
    loose = store.passages([p for g, p in best.items() if g not in members])
    hits = []
    for g, p in best.items():
        rows = members.get(g) or ([loose[p]] if p in loose else [])
        if not rows:
            continue
        within = [m for m in rows if prefer and prefer[0] <= m.date <= prefer[1]]
        # the occasion that matched: its question is the one the user's
        # matched ("I'm not going to negotiate in public." said of hostages
        # and of the border); of occasions never scored, the most recent
        shown = max(within or rows,
                    key=lambda m: (scores.get(m.id, float("-inf")), m.date, -m.id))
        hits.append(replace(hit_from_row(shown, scores[p]),
                            citations=tuple(citation_from_row(m) for m in rows)))
    return hits


def _passing(members: dict[int, list[PassageRow]], lex: LexicalIndex,
             mask: np.ndarray | None) -> dict[int, list[PassageRow]]:
    """Group members that pass the filters (the lexical index's mask: the one
    definition of what a filter admits)."""
    if mask is None:
        return members
    ok = lex.allowed(mask, [m.id for rows in members.values() for m in rows])
    kept = {g: [m for m in rows if m.id in ok] for g, rows in members.items()}
    return {g: rows for g, rows in kept.items() if rows}
