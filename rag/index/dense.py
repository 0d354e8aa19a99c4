"""The FAISS file beside the database, with the manifest that vouches for it.

Derived data: loaded when the manifest says it matches the database (same
model, generation and chunking, as many vectors as chunks), else rebuilt from
the vectors SQLite holds. Files are named by generation and the manifest is
written after its FAISS file, so a reader never pairs a manifest with a FAISS
file of another state.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from embeddings.base import Encoder
from embeddings.faiss_index import VectorIndex

from ..faults import crash_point
from ..store import SCHEMA_VERSION, Store
from .chunking import STRATEGY
from .embed import encode_unvectored_chunks
from .manifest import read_manifest, write_manifest

__all__ = ["DenseIndex"]


class DenseIndex:
    """The live FAISS index of one index folder; add, remove and search are
    serialized by one lock, so a search never sees half an update."""

    def __init__(self, index_dir: Path, store: Store, encoder: Encoder):
        self.index_dir = index_dir
        self.store = store
        self.encoder = encoder
        self._lock = threading.RLock()
        self._index = VectorIndex(encoder.dim)

    # -- the index in memory ----------------------------------------------------
    def __len__(self) -> int:
        return len(self._index)

    @property
    def kind(self) -> str:
        """"flat" or "hnsw" (embeddings/faiss_index.py)."""
        return self._index.kind

    @property
    def vectors(self) -> VectorIndex:
        """The FAISS wrapper itself, for benchmarks that compare layouts on it."""
        return self._index

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        with self._lock:
            self._index.add(ids, vectors)

    def remove(self, ids: Iterable[int]) -> int:
        with self._lock:
            return self._index.remove(ids)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """(scores, chunk ids) of the k nearest chunks (among ``allowed`` ids)."""
        with self._lock:
            return self._index.search(query, k, allowed)

    # -- the files ---------------------------------------------------------------
    def load(self, generation: int) -> None:
        """The saved FAISS file if the manifest vouches for it, else a rebuild
        from SQLite (encoding only chunks that have no vector)."""
        with self._lock:
            m = read_manifest(self.index_dir)
            if (m and m.get("model_id") == self.encoder.model_id
                    and m.get("generation") == generation and m.get("chunking") == STRATEGY):
                try:
                    index = VectorIndex.load(self.index_dir / m["faiss_file"])
                    if len(index) == self.store.count("chunks") and index.dim == self.encoder.dim:
                        self._index = index
                        return
                except (RuntimeError, OSError, KeyError):
                    pass  # unreadable or missing: rebuild below
            self.rebuild(generation)

    def rebuild(self, generation: int) -> None:
        encode_unvectored_chunks(self.store, self.encoder)
        index = VectorIndex(self.encoder.dim)
        for ids, vecs in self.store.iter_chunk_vectors(self.encoder.model_id):
            index.add(ids, vecs)
        with self._lock:
            self._index = index
        self.save(generation)

    def save(self, generation: int) -> None:
        """Write ``vectors.<generation>.faiss``, then the manifest naming it,
        unless the database moved on meanwhile (the next open rebuilds)."""
        with self._lock:
            if self.store.generation() != generation:
                return
            name = f"vectors.{generation}.faiss"
            try:
                self._index.save(self.index_dir / name,
                                 before_replace=lambda: crash_point("faiss.write"))
                crash_point("faiss.before_manifest")
                write_manifest(self.index_dir, self._manifest(generation, name))
            except OSError:
                return  # read-only index folder: serve from memory
            for old in self.index_dir.glob("vectors.*.faiss"):
                if old.name != name:
                    try:
                        old.unlink()
                    except OSError:
                        pass

    def _manifest(self, generation: int, faiss_file: str) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "model_id": self.encoder.model_id,
            "dim": self.encoder.dim,
            "normalized": True,
            "metric": "inner_product",
            "chunking": STRATEGY,
            "generation": generation,
            "faiss_file": faiss_file,
            "index_type": self._index.kind,
            "vectors_in_index": len(self._index),
            **self.store.counts(),
        }
