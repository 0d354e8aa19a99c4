"""An ID-mapped FAISS index: add and remove vectors by int64 chunk id.

The index is derived data (SQLite holds every vector), so it is saved with a
plain write-to-temp + os.replace and rebuilt whenever it is missing or stale.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

import faiss
import numpy as np


class VectorIndex:
    def __init__(self, dim: int, index: "faiss.Index | None" = None):
        self.dim = dim
        self.index = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        self.index.add_with_ids(vectors, np.ascontiguousarray(ids, dtype=np.int64))

    def remove(self, ids: Iterable[int]) -> int:
        arr = np.fromiter(ids, dtype=np.int64)
        if arr.size == 0:
            return 0
        return int(self.index.remove_ids(faiss.IDSelectorBatch(arr)))

    def search(self, query: np.ndarray, k: int,
               allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids) for one query; ``allowed`` restricts to those ids.

        Filtering inside FAISS (IDSelector) rather than after the search keeps
        a narrow filter (one outlet, one month) from returning nothing.
        """
        if len(self) == 0 or k <= 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dim)
        params = None
        if allowed is not None:
            if allowed.size == 0:
                return np.zeros(0, np.float32), np.zeros(0, np.int64)
            params = faiss.SearchParameters(
                sel=faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64)))
        k = min(k, len(self))
        scores, ids = self.index.search(q, k, params=params)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def save(self, path: str | os.PathLike) -> None:
        path = Path(path)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        os.close(fd)
        try:
            faiss.write_index(self.index, tmp)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "VectorIndex":
        index = faiss.read_index(str(path))
        return cls(index.d, index)
