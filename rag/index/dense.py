"""The FAISS file beside the database, with the manifest that vouches for it.

Derived data: loaded when the manifest says it matches the database (same
model, generation and chunking, as many vectors as chunks, the file's size and
SHA-256 as written), else rebuilt from the vectors SQLite holds. Files are named by generation and the manifest is
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

from ..errors import DiskError, ReadOnlyIndexError
from ..faults import crash_point
from ..store import SCHEMA_VERSION, Store
from .chunking import STRATEGY
from .embed import encode_unvectored_chunks
from .manifest import (claim, clear_stale_temp_files, file_record, fresh_name, matches, owned,
                       read_manifest, record_owned, release_others, update_manifest)

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
        #: the FAISS file the index was read from (None: rebuilt from SQLite)
        self.loaded_from: Path | None = None

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
        """The saved FAISS file if the manifest vouches for it (model,
        generation, chunking, count, and the size and SHA-256 it was written
        with), else a rebuild in memory from the vectors SQLite holds for this
        model: nothing is encoded or written (``repair`` does that, under the
        writer lock). ``loaded_from`` says which it was."""
        with self._lock:
            m = read_manifest(self.index_dir)
            if (m and m.get("model_id") == self.encoder.model_id
                    and m.get("generation") == generation and m.get("chunking") == STRATEGY
                    and isinstance(m.get("faiss_file"), str)
                    and m["faiss_file"] in owned(m)):
                path = self.index_dir / m["faiss_file"]
                # A file damaged since it was written (bytes overwritten) loads
                # without complaint and answers with garbage scores: verify first.
                if matches(path, m.get("faiss_record")):
                    try:
                        index = VectorIndex.load(path)
                        if (len(index) == self.store.count("chunks")
                                and index.dim == self.encoder.dim):
                            self._index = index
                            self.loaded_from = path
                            return
                    except (RuntimeError, OSError, KeyError, ValueError):
                        pass  # unreadable: rebuild below
            self.rebuild()

    def rebuild(self) -> None:
        """The index in memory from SQLite's vectors of this model."""
        index = VectorIndex(self.encoder.dim)
        for ids, vecs in self.store.iter_chunk_vectors(self.encoder.model_id):
            index.add(ids, vecs)
        with self._lock:
            self._index = index
            self.loaded_from = None

    def repair(self, generation: int) -> int:
        """Under the writer lock, after a load that had to rebuild: encode the
        chunks a crash left without a vector (then rebuild with them) and save
        the FAISS file. Returns the generation the index is now at."""
        try:
            if encode_unvectored_chunks(self.store, self.encoder):
                generation = self.store.generation()   # that was a commit
                self.rebuild()
        except (DiskError, ReadOnlyIndexError):
            pass  # serve what is stored; the next ingest encodes the rest
        self.save(generation)
        return generation

    def save(self, generation: int) -> bool:
        """Write ``vectors.<generation>.faiss``, then the manifest naming it,
        unless the database moved on meanwhile (the next open rebuilds). Only
        under the writer lock. False when it could not be written (a read-only
        folder, a full disk): the index is served from memory meanwhile, and
        the files already there are kept."""
        with self._lock:
            if self.store.generation() != generation:
                return False
            clear_stale_temp_files(self.index_dir)
            try:
                name = fresh_name(self.index_dir, f"vectors.{generation}", ".faiss", self.store)
                claim(self.index_dir, name, self.store)
                path = self.index_dir / name
                self._index.save(path, before_replace=lambda: crash_point("faiss.write"))
                crash_point("faiss.before_manifest")
                record = file_record(path)
                update_manifest(self.index_dir, **self._manifest(generation, name),
                                faiss_record=record)
                release_others(self.index_dir, "vectors.", {name})
                record_owned(self.index_dir, self.store)
            except (OSError, RuntimeError):
                # faiss reports a failed write (ENOSPC) as RuntimeError
                return False
            return True

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
