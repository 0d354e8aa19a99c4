"""How dense and lexical evidence combine into one passage score.

Every candidate gets its exact dense score (cosine of its best chunk), so
fusion never has to guess a missing dense value. BM25 is added only in
proportion to how strong it is for this query: lexical scores are divided by
the best lexical score of the query, so a query whose words match nothing
specific cannot drown the dense signal (the failure of plain RRF on
paraphrased questions).
"""
from __future__ import annotations

from typing import Mapping

METHODS = ("hybrid", "dense", "lexical", "rrf")
LEXICAL_WEIGHT = 0.3   # measured: see README "Ranking"
RRF_K = 60


def fuse(dense: Mapping[int, float], lexical: Mapping[int, float], method: str = "hybrid",
         weight: float = LEXICAL_WEIGHT) -> dict[int, float]:
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
    out = {}
    for pid in set(dense) | set(lexical):
        lex = lexical.get(pid, 0.0) / top if top > 0 else 0.0
        out[pid] = dense.get(pid, 0.0) + weight * lex
    return out
