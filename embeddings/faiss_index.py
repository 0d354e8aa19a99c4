"""An ID-mapped FAISS index: add and remove vectors by int64 chunk id.

Two layouts, chosen by size (``VectorIndex.kind`` says which, the manifest
records it):

- ``flat``: ``IndexIDMap2(IndexFlatIP)``, exact. Below ``HNSW_THRESHOLD``
  vectors an exact scan is fast enough (a few ms) and needs no tuning.
- ``hnsw``: ``IndexIDMap2(IndexHNSWFlat(d, M, METRIC_INNER_PRODUCT))``,
  approximate. Recall@10 against exact with the 100 dev questions
  (benchmarks/bench_search.py, M=32, efConstruction=80, efSearch=512): 0.999
  on the real corpus's 6.4k MiniLM chunk vectors, 1.000 on 45k and 0.956 on
  466k synthetic ones (replicated real vectors + noise; there every miss is
  a near-tie within 0.01 cosine of the exact 10th score). An index grows
  from flat into HNSW by itself when an ``add`` takes it past the threshold,
  and shrinks back when compaction leaves it well below.

HNSW cannot delete, so ``remove`` marks the entries as tombstones: their slot
in the id map is rewritten to ``-id - 1`` (chunk ids are positive), which no
search selector admits. The graph keeps them as waypoints; once tombstones
pass ``COMPACT_FRACTION`` of the graph it is rebuilt from the live vectors.
Tombstones live in the id map, so they are saved in the same single FAISS
file: there is no side file to get out of step.

A filtered search with at most ``EXACT_FILTER_MAX`` allowed ids scores them
exactly on the vectors HNSW already stores (no second copy): a graph walk
with a narrow selector can miss, an exact scan of the allowed set cannot.

The index is derived data (SQLite holds every vector), so it is saved with a
plain write-to-temp + fsync + os.replace and rebuilt whenever it is missing
or stale. No pickle: ``faiss.write_index``/``read_index`` only.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable

import faiss
import numpy as np

from .atomic import new_temp_file


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


# Chosen by measurement (benchmarks/bench_search.py, 2 cores): see the README.
HNSW_THRESHOLD = _env_int("PRESSCON_HNSW_THRESHOLD", 100_000)  # vectors (chunks)
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 512          # raised to k when a search asks for more
EXACT_FILTER_MAX = 20_000     # allowed sets up to this size are scored exactly;
EF_FILTER_MAX = 2048          # larger ones walk the graph with ef / share, capped
COMPACT_FRACTION = 0.25       # rebuild the graph when tombstones pass this share
_ALL_LIVE = (0, 2 ** 63 - 1)  # IDSelectorRange admitting every id >= 0
# One query is searched on one OpenMP thread: on a shared 2-core machine two
# spinning threads made a single flat search 4x slower, and HNSW search is
# sequential anyway. The setting is per calling thread (an OpenMP ICV), so
# it does not slow a bulk add running elsewhere. 0 leaves FAISS's default.
SEARCH_THREADS = _env_int("PRESSCON_FAISS_SEARCH_THREADS", 1)

KINDS = ("flat", "hnsw")


@contextmanager
def _omp_threads(n: int):
    if n <= 0:
        yield
        return
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(n)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def _flat(dim: int) -> "faiss.Index":
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))


def _hnsw(dim: int, m: int = HNSW_M, ef_construction: int = HNSW_EF_CONSTRUCTION,
          ef_search: int = HNSW_EF_SEARCH) -> "faiss.Index":
    inner = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_INNER_PRODUCT)
    inner.hnsw.efConstruction = ef_construction
    inner.hnsw.efSearch = ef_search
    return faiss.IndexIDMap2(inner)


class VectorIndex:
    """Vectors by chunk id; ``len`` counts live vectors only."""

    def __init__(self, dim: int, index: "faiss.Index | None" = None, *,
                 kind: str = "flat", hnsw_threshold: int | None = None,
                 ef_search: int | None = None):
        if index is None:
            if kind not in KINDS:
                raise ValueError(f"unknown index kind {kind!r}; choose from {', '.join(KINDS)}")
            index = _flat(dim) if kind == "flat" else _hnsw(dim)
        if not isinstance(index, faiss.IndexIDMap2):
            raise ValueError(f"expected an IndexIDMap2, got {type(index).__name__}")
        self.dim = dim
        self.index = index
        self.hnsw_threshold = HNSW_THRESHOLD if hnsw_threshold is None else int(hnsw_threshold)
        self._inner = faiss.downcast_index(index.index)
        if self.kind == "hnsw" and ef_search is not None:
            self._inner.hnsw.efSearch = int(ef_search)
        self._tombstones = int((self._id_view() < 0).sum()) if self.kind == "hnsw" else 0

    # -- construction -----------------------------------------------------------
    @classmethod
    def for_size(cls, n: int, dim: int, *, hnsw_threshold: int | None = None) -> "VectorIndex":
        """An empty index of the kind ``n`` vectors call for."""
        threshold = HNSW_THRESHOLD if hnsw_threshold is None else int(hnsw_threshold)
        return cls(dim, kind="hnsw" if n > threshold else "flat", hnsw_threshold=threshold)

    @classmethod
    def build(cls, ids: np.ndarray, vectors: np.ndarray, *,
              hnsw_threshold: int | None = None) -> "VectorIndex":
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        index = cls.for_size(len(ids), vectors.shape[1], hnsw_threshold=hnsw_threshold)
        index.add(ids, vectors)
        return index

    # -- facts ------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self._inner, faiss.IndexHNSW) else "flat"

    @property
    def tombstones(self) -> int:
        return self._tombstones

    def __len__(self) -> int:
        return int(self.index.ntotal) - self._tombstones

    def _id_view(self) -> np.ndarray:
        """The id map (position -> id) as a writable numpy view, no copy."""
        n = int(self.index.ntotal)
        if n == 0:
            return np.zeros(0, np.int64)
        return faiss.rev_swig_ptr(self.index.id_map.data(), n)

    def _storage_view(self) -> np.ndarray:
        """The stored vectors (position order) as a read-only numpy view, no copy."""
        n = int(self.index.ntotal)
        if n == 0:
            return np.zeros((0, self.dim), np.float32)
        flat = self._inner if self.kind == "flat" else faiss.downcast_index(self._inner.storage)
        # get_xb on the flat index: float32 codes, n * dim
        view = faiss.rev_swig_ptr(flat.get_xb(), n * self.dim).reshape(n, self.dim)
        view.flags.writeable = False
        return view

    def live(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of every live entry, copied."""
        ids = self._id_view()
        keep = ids >= 0
        return ids[keep].copy(), np.ascontiguousarray(self._storage_view()[keep])

    # -- writing ----------------------------------------------------------------
    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if self.kind == "flat" and len(self) + len(ids) > self.hnsw_threshold:
            old_ids, old_vecs = self.live()
            self._replace(_hnsw(self.dim))
            if len(old_ids):
                self.index.add_with_ids(old_vecs, old_ids)
        self.index.add_with_ids(vectors, ids)

    def remove(self, ids: Iterable[int]) -> int:
        arr = np.fromiter(ids, dtype=np.int64)
        if arr.size == 0 or self.index.ntotal == 0:
            return 0
        if self.kind == "flat":
            return int(self.index.remove_ids(faiss.IDSelectorBatch(arr)))
        view = self._id_view()
        hit = np.flatnonzero(np.isin(view, arr[arr >= 0]))
        if hit.size == 0:
            return 0
        view[hit] = -view[hit] - 1          # tombstone: no selector admits it
        self._tombstones += int(hit.size)
        self.index.construct_rev_map()      # reconstruct(id) must not find it either
        if self._tombstones > COMPACT_FRACTION * self.index.ntotal:
            self.compact()
        return int(hit.size)

    def compact(self) -> None:
        """Rebuild from the live vectors: drops tombstones; back to flat if small."""
        ids, vecs = self.live()
        kind = "hnsw" if len(ids) > self.hnsw_threshold // 2 else "flat"
        self._replace(_flat(self.dim) if kind == "flat"
                      else _hnsw(self.dim, ef_search=self.ef_search or HNSW_EF_SEARCH))
        if len(ids):
            self.index.add_with_ids(vecs, ids)

    def _replace(self, index: "faiss.Index") -> None:
        self.index = index
        self._inner = faiss.downcast_index(index.index)
        self._tombstones = 0

    @property
    def ef_search(self) -> int:
        return int(self._inner.hnsw.efSearch) if self.kind == "hnsw" else 0

    @ef_search.setter
    def ef_search(self, value: int) -> None:
        if self.kind == "hnsw":
            self._inner.hnsw.efSearch = int(value)

    # -- reading ----------------------------------------------------------------
    def search(self, query: np.ndarray, k: int,
               allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids) for one query; ``allowed`` restricts to those ids.

        Filtering inside FAISS (IDSelector) rather than after the search keeps
        a narrow filter (one outlet, one month) from returning nothing.
        """
        if len(self) == 0 or k <= 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dim)
        if allowed is not None:
            allowed = np.ascontiguousarray(allowed, dtype=np.int64)
            if allowed.size == 0:
                return np.zeros(0, np.float32), np.zeros(0, np.int64)
        k = min(k, len(self))
        with _omp_threads(SEARCH_THREADS):
            if self.kind == "flat":
                params = None
                if allowed is not None:
                    sel = faiss.IDSelectorBatch(allowed)
                    params = faiss.SearchParameters(sel=sel)
                scores, ids = self.index.search(q, k, params=params)
            elif allowed is not None and allowed.size <= EXACT_FILTER_MAX:
                return self._exact(q, k, allowed)
            else:
                ef = max(self.ef_search, k)
                if allowed is not None:
                    sel = faiss.IDSelectorBatch(allowed)
                    # the walk keeps ~ef * share allowed candidates: widen it
                    share = min(1.0, allowed.size / len(self))
                    ef = max(ef, min(EF_FILTER_MAX, int(ef / share)))
                elif self._tombstones:
                    sel = faiss.IDSelectorRange(*_ALL_LIVE)
                else:
                    sel = None
                params = faiss.SearchParametersHNSW(sel=sel, efSearch=ef)
                scores, ids = self.index.search(q, k, params=params)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def _exact(self, q: np.ndarray, k: int, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Exact top-k among ``allowed``, on the vectors the graph stores.

        The id map's hash (IDMap2's rev_map) finds them; an id it does not
        hold (removed, or committed to SQLite a moment before the index) is
        skipped by the slower scan of the id map.
        """
        allowed = np.unique(allowed)
        try:
            vecs = self.index.reconstruct_batch(allowed)
            found = allowed
        except RuntimeError:
            view = self._id_view()
            pos = np.flatnonzero(np.isin(view, allowed))   # tombstones are negative: never in
            found, vecs = view[pos].copy(), self._storage_view()[pos]
        if found.size == 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        # FAISS's own single-query kernel, not numpy's matvec: OpenBLAS wakes
        # its threads for it and, on a busy 2-core box, 3k rows took 12 ms
        # instead of 0.08 ms.
        scores, pos = faiss.knn(q, np.ascontiguousarray(vecs, dtype=np.float32),
                                min(k, found.size), metric=faiss.METRIC_INNER_PRODUCT)
        keep = pos[0] >= 0
        return scores[0][keep], found[pos[0][keep]]

    # -- files ------------------------------------------------------------------
    def save(self, path: str | os.PathLike, *,
             before_replace: Callable[[], None] | None = None) -> None:
        """Write to a temp file, fsync, rename into place; ``before_replace``
        runs between the write and the rename (the crash tests' hook)."""
        path = Path(path)
        fd, tmp = new_temp_file(path)     # a name only presscon makes (embeddings/atomic.py)
        os.close(fd)
        try:
            faiss.write_index(self.index, tmp)
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            if before_replace is not None:
                before_replace()
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    @classmethod
    def load(cls, path: str | os.PathLike, *, hnsw_threshold: int | None = None) -> "VectorIndex":
        index = faiss.read_index(str(path))
        if not isinstance(index, faiss.IndexIDMap2):
            raise RuntimeError(f"{path} is not an id-mapped index")
        ef = HNSW_EF_SEARCH if isinstance(faiss.downcast_index(index.index), faiss.IndexHNSW) else None
        return cls(index.d, index, hnsw_threshold=hnsw_threshold, ef_search=ef)
