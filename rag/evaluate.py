"""Recall@k and MRR@10 over questions with verbatim gold snippets.

The question file format is ../shared/eval's: one JSON object a line with
``question``, ``gold`` (snippets; a hit is correct when its text contains
one, whitespace collapsed) and optional ``filters``.
"""
from __future__ import annotations

import json
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from .errors import PressconError
from .results import Hit
from .retriever import Retriever

KS = (1, 5, 10)
_WS = re.compile(r"\s+")


def collapse(text: str) -> str:
    return _WS.sub(" ", text).strip()


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    gold: tuple[str, ...]
    kind: str = ""
    filters: dict[str, Any] = field(default_factory=dict)


def load_questions(path: str | Path) -> list[Question]:
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            out.append(Question(str(d.get("id", n)), d["question"],
                                tuple(collapse(g) for g in d["gold"]),
                                d.get("kind", ""), dict(d.get("filters") or {})))
        except (ValueError, KeyError, TypeError) as e:
            raise PressconError(f"{path}: line {n} is not a question record ({e})") from None
    if not out:
        raise PressconError(f"{path}: no questions")
    return out


def first_correct(hits: Sequence[Hit], gold: Iterable[str]) -> int | None:
    """1-based rank of the first hit containing a gold snippet, else None."""
    gold = list(gold)
    for rank, h in enumerate(hits, 1):
        # a grouped hit answers with every wording it cites, not only the newest
        texts = [h.text, *(c.text for c in getattr(h, "citations", ()))]
        if any(g in collapse(t) for t in texts for g in gold):
            return rank
    return None


@dataclass
class Result:
    ranking: str
    ranks: list[int | None]
    questions: list[Question]
    hits: list[list[Hit]]
    latencies_ms: list[float]

    def recall(self, k: int) -> float:
        return sum(1 for r in self.ranks if r is not None and r <= k) / len(self.ranks)

    @property
    def mrr10(self) -> float:
        return sum(1.0 / r for r in self.ranks if r is not None and r <= 10) / len(self.ranks)

    def row(self) -> dict[str, float]:
        lat = sorted(self.latencies_ms)
        return {**{f"R@{k}": round(self.recall(k), 3) for k in KS},
                "MRR@10": round(self.mrr10, 3),
                "median_ms": round(statistics.median(lat), 1),
                "p95_ms": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 1)}


def evaluate(retriever: Retriever, questions: Sequence[Question], ranking: str = "hybrid",
             k: int = 10, use_filters: bool = True, understand: bool = True) -> Result:
    """Search each question; ``use_filters`` applies the filters its record
    names (what a user would set in the chat), ``understand`` lets search
    infer filters from the question's own words."""
    ranks, hits_all, lat = [], [], []
    for q in questions:
        t0 = time.perf_counter()
        hits = retriever.search(q.question, k=k, ranking=ranking, understand=understand,
                                **(q.filters if use_filters else {}))
        lat.append((time.perf_counter() - t0) * 1000)
        ranks.append(first_correct(hits, q.gold))
        hits_all.append(hits)
    return Result(ranking, ranks, list(questions), hits_all, lat)


def format_table(results: Sequence[Result]) -> str:
    cols = ["ranking", "R@1", "R@5", "R@10", "MRR@10", "median_ms", "p95_ms"]
    rows = [[r.ranking, *map(str, r.row().values())] for r in results]
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(cols)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    return "\n".join([line(cols), line(["-" * w for w in widths]), *map(line, rows)])


def format_misses(result: Result, limit: int = 3) -> str:
    out = []
    for q, rank, hits in zip(result.questions, result.ranks, result.hits):
        if rank == 1:
            continue
        where = f"rank {rank}" if rank else "not in top 10"
        out.append(f"- {q.id} ({q.kind}, {where}): {q.question}")
        out.append(f"    gold: {q.gold[0][:100]}")
        for i, h in enumerate(hits[:limit], 1):
            out.append(f"    {i}. {h.date} {h.questioner or '-'}: {collapse(h.text)[:100]}")
    return "\n".join(out)
