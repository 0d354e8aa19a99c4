"""Candidate passages for a question, with a dense and a lexical score each.

The question is encoded once (:class:`Query`), however often a search asks
for deeper candidate lists. For the fused rankings every candidate gets both
scores, whichever side found it, so fusion compares like with like.
"""
from __future__ import annotations

from functools import cached_property
from typing import Sequence

import numpy as np

from embeddings.base import Encoder
from embeddings.faiss_index import EXACT_FILTER_MAX

from ..index.dense import DenseIndex
from ..index.lexical import LexicalIndex
from ..store import Store

__all__ = ["Query", "Candidates", "DENSE_CANDIDATES", "LEXICAL_CANDIDATES"]

DENSE_CANDIDATES = 100    # chunks fetched from FAISS before grouping by passage
LEXICAL_CANDIDATES = 50


class Query:
    """A question's ranking text, its embedding and its BM25 scores, each
    computed on first use and then reused."""

    def __init__(self, text: str, encoder: Encoder, lexical: LexicalIndex,
                 lexical_text: str | None = None):
        self.text = text
        self.lexical_text = lexical_text or text   # what BM25 scores, when it differs
        self._encoder = encoder
        self._lexical = lexical

    @cached_property
    def vector(self) -> np.ndarray:
        return self._encoder.encode_query(self.text)

    @cached_property
    def bm25(self) -> np.ndarray:
        return self._lexical.scores(self.lexical_text)


class Candidates:
    """Dense (best-chunk cosine) and lexical (BM25) scores by passage id."""

    def __init__(self, store: Store, dense: DenseIndex, encoder: Encoder):
        self.store = store
        self.dense = dense
        self.encoder = encoder

    def query(self, text: str, lexical: LexicalIndex, lexical_text: str | None = None) -> Query:
        return Query(text, self.encoder, lexical, lexical_text)

    def scores(self, query: Query, lex: LexicalIndex, k: int, ranking: str,
               mask: np.ndarray | None, include: Sequence[int] = ()
               ) -> tuple[dict[int, float], dict[int, float]]:
        """``include``: passages to score whether or not either side found
        them (the replies holding a pasted phrase), if they pass the filters."""
        dense: dict[int, float] = {}
        lexical: dict[int, float] = {}
        if ranking != "lexical":
            dense = self._dense(query.vector, max(DENSE_CANDIDATES, 10 * k), lex, mask)
        if ranking != "dense":
            lexical = dict(lex.top(query.bm25, max(LEXICAL_CANDIDATES, 5 * k), mask))
        if ranking in ("hybrid", "rrf"):
            dense.update(self._dense_scores(query.vector, [p for p in lexical if p not in dense]))
            lexical.update(lex.of(query.bm25, [p for p in dense if p not in lexical]))
        if include:
            extra = [p for p in include if p not in dense and p not in lexical]
            if mask is not None:
                extra = list(lex.allowed(mask, extra))
            if ranking != "lexical":
                dense.update(self._dense_scores(query.vector, extra))
            if ranking != "dense":
                lexical.update(lex.of(query.bm25, extra))
        return dense, lexical

    def _dense(self, qv: np.ndarray, n: int, lex: LexicalIndex,
               mask: np.ndarray | None) -> dict[int, float]:
        """Best-chunk cosine by passage id of the n nearest chunks passing the filters.

        A narrow filter hands FAISS the allowed chunk ids (the passages come
        from the filter columns in memory, their chunks from SQLite); a wide one
        would make that list the cost of the query (0.5 s for 460k ids), so it
        searches more widely without it and drops what fails the filter.
        """
        allowed, keep = None, None
        if mask is not None:
            share = mask.sum() / max(1, len(lex))
            if share * len(self.dense) <= EXACT_FILTER_MAX:
                allowed = self.store.chunk_ids_of(lex.columns.ids[mask])
            else:
                keep = mask
                n = min(len(self.dense), int(2 * n / share) + 1)
        scores, ids = self.dense.search(qv, n, allowed)
        owner = self.store.chunk_passages(ids)
        if keep is not None:
            passing = lex.allowed(keep, list(set(owner.values())))
            owner = {c: p for c, p in owner.items() if p in passing}
        dense: dict[int, float] = {}
        for s, cid in zip(scores, ids):
            pid = owner.get(int(cid))
            if pid is not None and s > dense.get(pid, -1.0):
                dense[pid] = float(s)
        return dense

    def _dense_scores(self, qv: np.ndarray, passage_ids: list[int]) -> dict[int, float]:
        """Best-chunk cosine of passages the lexical side found."""
        out: dict[int, float] = {}
        for pid, vector in self.store.passage_vectors(self.encoder.model_id, passage_ids):
            s = float(vector @ qv)
            if s > out.get(pid, -1.0):
                out[pid] = s
        return out
