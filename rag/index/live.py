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

from ..errors import IngestBusyError, ModelMismatchError, ReadOnlyIndexError, StoreError
from ..store import Store
from .chunking import STRATEGY
from .dense import DenseIndex
from .lexical import LexicalIndex
from .manifest import read_manifest, stamps, update_manifest

__all__ = ["LiveIndex", "writer_lock", "LOCK_FILE"]

LOCK_FILE = "ingest.lock"
#: The manifest's record of the database file as the last writer left it
#: after checking it (see LiveIndex._refuse_damaged_database).
DATABASE_KEY = "database"


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
    """Dense (FAISS) and lexical (BM25) indexes over one store, as of a generation.

    Only a process holding the writer lock writes anything: an ingest, a
    reindex, or an open that got the lock at once (it then repairs what it
    finds stale or damaged: encodes chunks a crash left without a vector and
    saves the derived files). Otherwise, and always on ``refresh``, the
    derived halves are rebuilt in memory from what SQLite holds for this
    process's model, with nothing encoded or written: a chat must not race
    an ingest or a reindex for the database or the manifest.
    """

    def __init__(self, index_dir: Path, store: Store, encoder: Encoder, *,
                 read_only: bool = False):
        self.index_dir = index_dir
        self.store = store
        self.read_only = read_only
        self.encoder = encoder
        self.dense = DenseIndex(index_dir, store, encoder)
        self._lexical: LexicalIndex | None = None
        self._lock = threading.RLock()
        self._writing = False
        self.generation = -1
        self.load(repair=not read_only)

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 index as of the last load (immutable: safe to keep using)."""
        assert self._lexical is not None
        return self._lexical

    def load(self, *, repair: bool = False) -> None:
        """(Re)load both halves from their files, or rebuild them in memory.
        ``repair``: if something had to be rebuilt and the writer lock is free
        at once, take it and write the rebuilt files back (a writer that
        starts meanwhile is refused, so only when there is something to do)."""
        with self._lock:
            self._check_model()
            self._load(save=self._writing)
            if repair and not self._writing and (self.dense.loaded_from is None
                                                 or self.lexical.path is None):
                try:
                    with writer_lock(self.index_dir):
                        self._repair()
                except (IngestBusyError, OSError):
                    pass  # another writer, or a folder we may not write: read only

    def _load(self, *, save: bool) -> None:
        generation = self.store.generation()
        self._sync_lexical(save=save)
        self.dense.load(generation)
        if save and self.dense.loaded_from is None:
            generation = self.dense.repair(generation)
        self.generation = generation

    def _repair(self) -> None:
        """Under the writer lock: save what ``_load`` rebuilt in memory."""
        if self.store.generation() != self.generation:   # a commit came between
            self._load(save=True)
            return
        if self.lexical.path is None:
            # built again under the lock: a reader's build dates itself 5 s
            # early (see LexicalIndex.build), which would re-read recent files
            lexical = LexicalIndex.build(self.store.lexical_rows(), writer=True)
            try:
                lexical.save(self.index_dir, self.generation, self.store)
            except OSError:
                pass  # a full disk: serve from memory
            self._lexical = lexical
        if self.dense.loaded_from is None:
            self.generation = self.dense.repair(self.generation)

    def _check_model(self) -> None:
        """A reindex in another process switched model or chunking: this
        process's encoder cannot search the new vectors, and must not mix
        them with the old ones. It says so; serving the new model takes a
        restart (loading a model inside a user's request would stall it)."""
        stored = self.store.get_meta("model_id")
        if stored is not None and stored != self.encoder.model_id:
            raise ModelMismatchError(
                f"the index in {self.index_dir} was re-encoded with model {stored!r} while "
                f"this process was serving {self.encoder.model_id!r}; restart it (e.g. "
                f"`presscon serve --index {self.index_dir}`) to serve the new model")
        chunking = self.store.get_meta("chunking")
        if chunking is not None and chunking != STRATEGY:
            raise ModelMismatchError(
                f"the index in {self.index_dir} was re-chunked as {chunking!r} while this "
                f"process was serving {STRATEGY!r}; restart it with a presscon that "
                f"chunks as {chunking!r}")

    def refresh(self) -> None:
        """Pick up what another process committed (not while this one writes);
        never writes."""
        if not self._writing and self.store.generation() != self.generation:
            self.load()

    def _sync_lexical(self, rebuild_if_stale: bool = False, save: bool = False) -> None:
        """Catch the BM25 index up with SQLite: the snapshot the manifest names
        (or a new one if there is none or it is damaged, or, after an ingest,
        if the passages added and removed since outgrew it), plus the passages
        added since. ``save``: the caller holds the writer lock, so a new
        snapshot is written too."""
        ids = self.store.passage_ids()
        lex = self._lexical
        newest = LexicalIndex.load(self.index_dir) if (
            lex is None or lex.path != LexicalIndex.newest(self.index_dir)) else lex
        if newest is not None:
            newest = newest.synced(ids, self.store.lexical_rows, self.store.lexical_rows_since)
        if newest is None or (rebuild_if_stale and newest.stale):
            generation = self.store.generation()
            newest = LexicalIndex.build(self.store.lexical_rows(), writer=save)
            if save:
                try:
                    newest.save(self.index_dir, generation, self.store)
                except OSError:
                    pass  # read-only folder or a full disk: serve from memory
        self._lexical = newest

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the writer lock; afterwards save the FAISS file and catch BM25 up."""
        if self.read_only:
            raise ReadOnlyIndexError.for_index(self.index_dir)
        with writer_lock(self.index_dir):
            self._refuse_damaged_database()
            self._writing = True
            finished = False
            try:
                with self._lock:
                    self._check_model()
                    if self.store.generation() != self.generation:
                        self._load(save=True)
                yield
                finished = True
            finally:
                try:
                    self.generation = self.store.generation()
                    self.dense.save(self.generation)
                    with self._lock:
                        self._sync_lexical(rebuild_if_stale=True, save=True)
                    if finished:
                        self._record_checked_database()
                finally:
                    self._writing = False

    def _refuse_damaged_database(self) -> None:
        """Before writing: refuse a database with a damaged page. A write reads
        only the pages it needs, so it could go through beside one (an ingest
        of unchanged files even says all is well) and add to a file no search
        can read whole. SQLite's quick_check reads every page, 0.14 s warm and
        0.7 s cold at 10.7k passages (about what adding a file takes, and
        growing with the index): it is skipped when the file's stamps are
        those recorded after the last check and presscon's own writes (the
        manifest's ``database``), for then nothing else has written to it
        since, as for the derived files' checksums."""
        recorded = (read_manifest(self.index_dir) or {}).get(DATABASE_KEY)
        current = stamps(self.store.path)
        if current is None or current != recorded:
            self.store.verify()

    def _record_checked_database(self) -> None:
        """After a checked write: the database file's stamps, once the WAL is
        copied into it (else a later checkpoint would move them for nothing)."""
        try:
            self.store.checkpoint()
            update_manifest(self.index_dir, **{DATABASE_KEY: stamps(self.store.path)})
        except (StoreError, OSError):
            pass   # not recorded: the next writer checks the whole file again
