"""A saved bm25s index read and scored with numpy alone.

Searching only needs bm25s's precomputed sparse matrix (three .npy files in
CSC layout: per token, the rows it occurs in and their BM25 weights) and its
vocabulary; importing bm25s to read them also imports scipy.sparse and tqdm,
~0.26 s of a fresh ``presscon search``'s ~1.3 s. Building and saving a
snapshot still use bm25s (rag/index/lexical.py).

The scores are bm25s's own, bit for bit: the same float32 additions in the
same order (bm25s's ``np.add.at`` per query token; a token's rows are unique
within its column, so a fancy-indexed ``+=`` adds the same values).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np

__all__ = ["SnapshotBM25"]

# methods whose saved index is complete without bm25s's non-occurrence array
_PLAIN_METHODS = {"robertson", "lucene", "atire"}


class SnapshotBM25:
    """The reading half of ``bm25s.BM25`` for a folder ``BM25.save`` wrote:
    ``vocab_dict``, ``scores`` (data, indices, indptr, num_docs),
    ``get_tokens_ids`` and ``get_scores_from_ids``, as bm25s names them."""

    def __init__(self, vocab_dict: dict[str, int], data: np.ndarray, indices: np.ndarray,
                 indptr: np.ndarray, num_docs: int, dtype: str = "float32") -> None:
        self.vocab_dict = vocab_dict
        self.scores = {"data": data, "indices": indices, "indptr": indptr,
                       "num_docs": num_docs}
        self.dtype = np.dtype(dtype)

    @classmethod
    def load(cls, folder: str | Path, *, mmap: bool = True) -> "SnapshotBM25":
        """Read ``folder`` (bm25s's file names); ValueError if it is not an
        index this reader scores as bm25s would."""
        folder = Path(folder)
        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        if params.get("method") not in _PLAIN_METHODS:
            raise ValueError(f"{folder}: BM25 method {params.get('method')!r} needs bm25s")
        vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        if not isinstance(vocab, dict):
            raise ValueError(f"{folder}: vocab.index.json is not a mapping")
        mode = "r" if mmap else None
        arrays = [np.load(folder / f"{name}.csc.index.npy", mmap_mode=mode, allow_pickle=False)
                  for name in ("data", "indices", "indptr")]
        num_docs = params.get("num_docs")
        if not isinstance(num_docs, int):
            raise ValueError(f"{folder}: params.index.json has no num_docs")
        return cls(vocab, *arrays, num_docs=num_docs, dtype=params.get("dtype", "float32"))

    def get_tokens_ids(self, query_tokens: Sequence[str]) -> list[int]:
        """Ids of the tokens in the vocabulary (others left out), in order."""
        return [self.vocab_dict[t] for t in query_tokens if t in self.vocab_dict]

    def get_scores_from_ids(self, query_tokens_ids: Sequence[int]) -> np.ndarray:
        """BM25 of every document: the sum of each query token's weights."""
        data, indices, indptr = (self.scores[k] for k in ("data", "indices", "indptr"))
        ids = np.asarray(query_tokens_ids, dtype=np.int64)
        if len(ids) and (ids.min() < 0 or ids.max() >= len(indptr) - 1):
            raise ValueError("a token id is outside the index's vocabulary")
        out = np.zeros(self.scores["num_docs"], dtype=self.dtype)
        for t in ids:
            start, end = int(indptr[t]), int(indptr[t + 1])
            out[indices[start:end]] += data[start:end]
        return out
