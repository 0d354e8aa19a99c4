"""The index a process serves: dense and lexical halves kept in step with SQLite.

Other processes write to the same database (an ingest beside a running
chat); every commit moves the store's generation, and ``refresh`` reloads
the derived halves when it moved. One writer per index folder at a time,
by a file lock that a second writer is refused at once, not queued.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from embeddings.base import Encoder

from ..errors import IngestBusyError
from ..store import Store
from .dense import DenseIndex
from .lexical import LexicalIndex

__all__ = ["LiveIndex", "writer_lock", "LOCK_FILE"]

LOCK_FILE = "ingest.lock"


@contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """One writer per index: a second ingest is refused at once, not queued."""
    from filelock import FileLock, Timeout
    lock = FileLock(str(index_dir / LOCK_FILE))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise IngestBusyError(f"another ingest or reindex is writing to {index_dir}; "
                              "wait for it to finish") from None
    try:
        yield
    finally:
        lock.release()


class LiveIndex:
    """Dense (FAISS) and lexical (BM25) indexes over one store, as of a generation."""

    def __init__(self, index_dir: Path, store: Store, encoder: Encoder):
        self.index_dir = index_dir
        self.store = store
        self.dense = DenseIndex(index_dir, store, encoder)
        self._lexical: LexicalIndex | None = None
        self._lock = threading.RLock()
        self._writing = False
        self.generation = -1
        self.load()

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 index as of the last load (immutable: safe to keep using)."""
        assert self._lexical is not None
        return self._lexical

    def load(self) -> None:
        with self._lock:
            generation = self.store.generation()
            self._sync_lexical()
            self.dense.load(generation)
            self.generation = generation

    def refresh(self) -> None:
        """Pick up what another process committed (not while this one writes)."""
        if not self._writing and self.store.generation() != self.generation:
            self.load()

    def _sync_lexical(self, rebuild_if_stale: bool = False) -> None:
        """Catch the BM25 index up with SQLite: the newest snapshot on disk (or
        a new one if there is none, or, after an ingest, if the passages added
        and removed since outgrew it), plus the passages added since."""
        ids = self.store.passage_ids()
        lex = self._lexical
        newest = LexicalIndex.load(self.index_dir) if (
            lex is None or lex.path != LexicalIndex.newest(self.index_dir)) else lex
        if newest is not None:
            newest = newest.synced(ids, self.store.lexical_rows, self.store.lexical_rows_since)
        if newest is None or (rebuild_if_stale and newest.stale):
            generation = self.store.generation()
            newest = LexicalIndex.build(self.store.lexical_rows(), writer=rebuild_if_stale)
            try:
                newest.save(self.index_dir, generation)
            except OSError:
                pass  # read-only index folder: serve from memory
        self._lexical = newest

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the writer lock; afterwards save the FAISS file and catch BM25 up."""
        with writer_lock(self.index_dir):
            self.refresh()
            self._writing = True
            try:
                yield
            finally:
                self.generation = self.store.generation()
                self._writing = False
                self.dense.save(self.generation)
                with self._lock:
                    self._sync_lexical(rebuild_if_stale=True)
