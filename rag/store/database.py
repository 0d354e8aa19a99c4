"""One SQLite database: connections, transactions, the meta table, migrations.

SQLite is the source of truth; everything else on disk (the FAISS file, its
manifest, the BM25 snapshot) is derived from it and can be rebuilt without
encoding anything again. The tables each have one owner beside this module:
``conferences.py`` (conferences, passages), ``vectors.py`` (chunks, vectors)
and ``groups.py`` (repeated-reply groups); :class:`rag.store.Store` joins them.
"""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from .schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["Database", "StoreError"]

# SQLite caps the number of ``?`` in one statement; IN lists go in slices.
IN_BATCH = 500


class StoreError(RuntimeError):
    pass


class Database:
    """A connection per thread, writes serialized, migrated on open."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._local = threading.local()
        self._write_lock = threading.RLock()
        # Only a store that needs migrating is written to on open, and without
        # moving the generation: a migration changes no chunk or vector, so the
        # FAISS file stays valid (rebuilding it takes minutes at 300k passages).
        if self._stored_version() != SCHEMA_VERSION:
            with self.write(bump=False) as db:
                self._migrate(db)

    def _stored_version(self) -> int | None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except sqlite3.OperationalError:  # a new database: no meta table yet
            return None
        return int(row[0]) if row else None

    # -- connections -------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                             check_same_thread=False)
        # WAL: a chat keeps reading a consistent snapshot while an ingest writes.
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        return db

    @property
    def db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    @contextmanager
    def write(self, *, bump: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction; the generation counter moves with every commit
        (``bump=False`` only for migrations, which change no searched data).
        Store methods called inside it, on this thread, are part of it."""
        with self._write_lock:
            db = self.db
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                if bump:
                    db.execute(
                        "INSERT INTO meta(key, value) VALUES('generation', '1') "
                        "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _migrate(self, db: sqlite3.Connection) -> None:
        has_meta = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        version = 0
        if has_meta:
            row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} has schema version {version}, newer than this "
                             f"presscon understands ({SCHEMA_VERSION}); upgrade presscon")
        for step in MIGRATIONS[version:]:
            step(db)
        self._put_meta("schema_version", str(SCHEMA_VERSION))

    def _in_batches(self, sql: str, ids: Sequence, *before: object) -> Iterator[tuple]:
        """Rows of ``sql`` (with ``{marks}`` where the IN list goes) for all
        ``ids``, a slice of IN_BATCH at a time; ``before`` are the parameters
        that precede the list."""
        ids = list(ids)
        for i in range(0, len(ids), IN_BATCH):
            part = ids[i:i + IN_BATCH]
            yield from self.db.execute(sql.format(marks=",".join("?" * len(part))),
                                       (*before, *part))

    # -- meta ---------------------------------------------------------------
    def _put_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO meta(key, value) VALUES(?, ?) "
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        """Set one meta value: in the caller's transaction if one is open on
        this thread, else in a transaction of its own."""
        if self.db.in_transaction:
            self._put_meta(key, value)
            return
        with self.write():
            self._put_meta(key, value)

    def generation(self) -> int:
        return int(self.get_meta("generation", "0") or 0)
