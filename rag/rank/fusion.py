"""How dense and lexical evidence combine into one passage score.

Every candidate gets its exact dense score (cosine of its best chunk), so
fusion never has to guess a missing dense value. BM25 is added only in
proportion to how strong it is for this query: lexical scores are divided by
the best lexical score of the query, so a query whose words match nothing
specific cannot drown the dense signal (the failure of plain RRF on
paraphrased questions).
"""
from __future__ import annotations

import datetime as dt
from typing import Mapping

METHODS = ("hybrid", "dense", "lexical", "rrf")
LEXICAL_WEIGHT = 0.3   # measured with benchmarks/ablate_fusion.py: see README "Ranking"
RRF_K = 60
CONFIDENT_FROM = 14.0  # BM25 (FTS5 scale) below which words add nothing
CONFIDENT_AT = 22.0    # and from which they count fully
#: A question of at most this many content words is a keyword search
#: ("premature", "Huawei 5G"): its best BM25 score stays low however exact the
#: match (one rare word scores 5-10, a question naming a person 20 and more)
#: and a word or two has no meaning for the encoder to go on (cosines 0.1-0.3
#: for every reply), so the replies holding the words come first, by BM25,
#: and meaning orders the rest. No question of the dev files or of the
#: corpus folds is this short: their figures are unmoved.
KEYWORD_TERMS = 2
KEYWORD_WEIGHT = 1.0


def keyword_search(content_words: int) -> bool:
    """Is a question of that many content words a keyword search?"""
    return 0 < content_words <= KEYWORD_TERMS


def fusion_for(content_words: int) -> dict[str, float]:
    """:func:`fuse`'s settings for a question of that many content words."""
    if keyword_search(content_words):
        return {"weight": KEYWORD_WEIGHT, "lo": 0.0, "hi": 0.0}
    return {}


def lexical_confidence(top_bm25: float, lo: float | None = None, hi: float | None = None) -> float:
    """0..1: how much the best BM25 match of this query can be trusted.

    A paraphrased question shares only common words with any reply, so its
    best BM25 score stays low; a question naming people, places or numbers
    scores high on the reply that names them."""
    lo = CONFIDENT_FROM if lo is None else lo
    hi = CONFIDENT_AT if hi is None else hi
    if hi <= lo:
        return 1.0 if top_bm25 >= lo else 0.0
    return min(1.0, max(0.0, (top_bm25 - lo) / (hi - lo)))


def fuse(dense: Mapping[int, float], lexical: Mapping[int, float], method: str = "hybrid",
         weight: float = LEXICAL_WEIGHT, lo: float | None = None, hi: float | None = None
         ) -> dict[int, float]:
    if method == "dense":
        return dict(dense)
    if method == "lexical":
        return dict(lexical)
    if method == "rrf":
        out: dict[int, float] = {}
        for scores in (dense, lexical):
            ranked = sorted(scores, key=scores.__getitem__, reverse=True)
            for rank, pid in enumerate(ranked):
                out[pid] = out.get(pid, 0.0) + 1.0 / (RRF_K + rank + 1)
        return out
    if method != "hybrid":
        raise ValueError(f"unknown ranking {method!r}; choose from {', '.join(METHODS)}")
    top = max(lexical.values(), default=0.0)
    weight = weight * lexical_confidence(top, lo, hi)
    out = {}
    for pid in set(dense) | set(lexical):
        lex = lexical.get(pid, 0.0) / top if top > 0 else 0.0
        out[pid] = dense.get(pid, 0.0) + weight * lex
    return out


PERIOD_BOOST = 0.05   # measured with benchmarks/ablate_fusion.py (period preference)
#: A month or a day named (a window of at most MONTH_WINDOW_DAYS, the month and
#: the 31 days after it) is precise evidence: on the dev files every reply asked
#: about that way fell in its window, while a year named often dates an event
#: the reply came long after ("a 2019 sporting event", answered in 2020). On
#: the White House folds (benchmarks/cv_period.py, the month of each held-out
#: question named) hybrid MRR@10 is 0.238 / 0.294 / 0.389 / 0.406 at 0 / 0.05
#: / 0.2 / 0.5: 0.2 keeps most of that and still lets a reply that matches far
#: better from another month come first.
MONTH_BOOST = 0.2
MONTH_WINDOW_DAYS = 100


def prefer_period(scores: Mapping[int, float], dates: Mapping[int, "dt.date"],
                  start: "dt.date", end: "dt.date", boost: float | None = None) -> dict[int, float]:
    """Raise passages dated within [start, end] by a fixed amount: a period
    the question names softly (the time of an event) orders, never excludes.
    A month or a day raises them more than a year or a season."""
    if boost is None:
        boost = MONTH_BOOST if (end - start).days <= MONTH_WINDOW_DAYS else PERIOD_BOOST
    return {pid: s + (boost if pid in dates and start <= dates[pid] <= end else 0.0)
            for pid, s in scores.items()}


#: A reply this short ("No.", "He was informed today.", "Much. Too much.
#: Yeah.") is embedded almost as its reporter's question alone, so it matches
#: a user's question as well as the reply that answers it: it ranks just below
#: replies scoring the same. Measured (benchmarks/cv_short.py): 0.02 below
#: 80 characters lifts wh_dev hybrid MRR@10 0.693 -> 0.700 and two new users'
#: question sets 0.787 -> 0.804 and 0.742 -> 0.758, leaves the ministry's dev
#: files as they were (dev_hard 0.549 -> 0.550) and the date folds too
#: (White House 0.239 -> 0.240, ministry 0.435 -> 0.435); larger penalties
#: change nothing more, and 40 characters gets part of it.
SHORT_REPLY_CHARS = 80
SHORT_REPLY_PENALTY = 0.02


def demote_short(scores: Mapping[int, float], short: set[int],
                 penalty: float | None = None) -> dict[int, float]:
    """Lower the ``short`` replies by ``penalty`` (default SHORT_REPLY_PENALTY):
    below equals, never out."""
    penalty = SHORT_REPLY_PENALTY if penalty is None else penalty
    return {pid: s - (penalty if pid in short else 0.0) for pid, s in scores.items()}


def prefer_passages(scores: Mapping[int, float], preferred: set[int],
                    boost: float | None = None) -> dict[int, float]:
    """Raise the preferred passages (a publisher the question names) by the
    same fixed amount as a preferred period: it orders, never excludes."""
    boost = PERIOD_BOOST if boost is None else boost
    return {pid: s + (boost if pid in preferred else 0.0) for pid, s in scores.items()}
