"""One SQLite database: connections, transactions, the meta table, migrations.

SQLite is the source of truth; everything else on disk (the FAISS file, its
manifest, the BM25 snapshot) is derived from it and can be rebuilt without
encoding anything again. The tables each have one owner beside this module:
``conferences.py`` (conferences, passages), ``vectors.py`` (chunks, vectors)
and ``groups.py`` (repeated-reply groups); :class:`rag.store.Store` joins them.
"""
from __future__ import annotations

import shutil
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from ..errors import (DatabaseDamagedError, DiskError, DiskFullError, NotAnIndexError,
                      ReadOnlyIndexError, StoreError)
from .schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["Database", "StoreError", "translate_error"]

# SQLite caps the number of ``?`` in one statement; IN lists go in slices.
IN_BATCH = 500

# SQLite's primary result codes (the low byte of an extended code).
SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_NOTADB = 8, 10, 11, 13, 26
# extended codes of a failed read
SQLITE_IOERR_READ, SQLITE_IOERR_SHORT_READ = SQLITE_IOERR | 1 << 8, SQLITE_IOERR | 2 << 8

#: A write that fails this close to the file size limit (or to no free
#: space) hit it: SQLite writes a page or a WAL frame (4 KB + 24 B) at a time.
LIMIT_SLACK = 1 << 20


def damaged_error(path: Path, reason: str) -> DatabaseDamagedError:
    """The database at ``path`` is damaged (``reason``): what to do about it."""
    return DatabaseDamagedError(
        f"{path} is damaged ({reason}); presscon will not serve from it. Restore "
        f"it from a backup, or start the index again: move {path.name} and manifest.json "
        f"out of {path.parent} and run `presscon ingest PATH... --index {path.parent}`")


def translate_error(path: Path, error: sqlite3.DatabaseError) -> StoreError | None:
    """The user's view of an SQLite error about the database file itself
    (damaged, disk full, read-only, an I/O error), or None for any other error."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(error)
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in text \
            or "not a database" in text:
        return damaged_error(path, f"SQLite: {text}")
    if primary == SQLITE_FULL or "disk is full" in text:
        return _full_disk(path, text)
    if primary == SQLITE_READONLY or "readonly database" in text:
        return ReadOnlyIndexError(
            f"{path} is read-only (SQLite: {text}); searching works, but this command "
            "writes: run it as a user who may write to that folder")
    if primary == SQLITE_IOERR or "disk I/O error" in text:
        return _io_error(path, text, code)
    return None


#: What was being written when a write failed: SQLite rolled it back.
_KEPT = ("what was being written was rolled back, what was stored before is kept and still "
         "searchable")


def _full_disk(path: Path, text: str) -> DiskFullError:
    what = f"the disk holding {path} is full"
    return DiskFullError(f"{what} (SQLite: {text}); {_KEPT}: free some space and run the "
                         "same command again", what)


def _io_error(path: Path, text: str, code: int | None) -> DiskError:
    """An I/O error is not damage: SQLite says no more than "disk I/O error"
    (errno is not passed on), so the likely causes are looked at here, the
    file size limit first (``ulimit -f``: write() fails with EFBIG, which
    SQLite reports as an I/O error, and Python ignores the SIGXFSZ signal)."""
    if code == SQLITE_IOERR_READ or code == SQLITE_IOERR_SHORT_READ:
        what = f"an I/O error reading {path}"
        return DiskError(f"{what} (SQLite: {text}); check the disk (e.g. `dmesg`), then retry",
                         what)
    limit = _file_size_limit()
    if limit is not None and _largest_file(path) + LIMIT_SLACK >= limit:
        what = (f"writing {path} reached this process's file size limit ({limit:,} bytes, "
                "`ulimit -f`)")
        return DiskError(f"{what} (SQLite: {text}); {_KEPT}: raise the limit (`ulimit -f "
                         "unlimited`) and run the same command again", what)
    try:
        full = shutil.disk_usage(path.parent).free < LIMIT_SLACK
    except OSError:
        full = False
    if full:   # a quota, or a file system that does not say ENOSPC
        return _full_disk(path, text)
    what = f"an I/O error writing {path}"
    return DiskError(f"{what} (SQLite: {text}); {_KEPT}: check the disk (e.g. `dmesg`), "
                     "then run the same command again", what)


def _file_size_limit() -> int | None:
    """This process's file size limit in bytes (RLIMIT_FSIZE), None if unlimited."""
    try:
        import resource
    except ImportError:   # not on POSIX
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def _largest_file(path: Path) -> int:
    """Size of the largest of the database's files (itself, its WAL, its journal)."""
    sizes = [0]
    for name in (path.name, path.name + "-wal", path.name + "-journal"):
        try:
            sizes.append((path.parent / name).stat().st_size)
        except OSError:
            pass
    return max(sizes)


class Database:
    """A connection per thread, writes serialized, migrated on open.

    ``read_only``: opened with SQLite's read-only mode (or as immutable when
    even that needs a write, a WAL database in a folder without write rights),
    never migrated, and any write raises :class:`ReadOnlyIndexError`.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self._local = threading.local()
        self._write_lock = threading.RLock()
        # WAL mode is set only once the file is known to be presscon's (or
        # new): switching another program's database to WAL rewrites its header.
        self._ours = False
        try:
            version = self._stored_version()
            if read_only:
                if version is None:
                    raise NotAnIndexError(f"{self.path} holds no presscon index")
                if version != SCHEMA_VERSION:
                    raise ReadOnlyIndexError(
                        f"{self.path} has schema version {version}, this presscon reads "
                        f"{SCHEMA_VERSION}; open it once with write access to upgrade it")
                return
            if version is None:
                self._refuse_foreign()
            self._ours = True
            self._set_pragmas(self.db)
            # Only a store that needs migrating is written to on open, and without
            # moving the generation: a migration changes no chunk or vector, so the
            # FAISS file stays valid (rebuilding it takes minutes at 300k passages).
            if version != SCHEMA_VERSION:
                with self.write(bump=False) as db:
                    self._migrate(db)
        except sqlite3.DatabaseError as e:
            self.close()
            raise translate_error(self.path, e) or e
        except BaseException:
            self.close()
            raise

    def _stored_version(self) -> int | None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except sqlite3.OperationalError as e:  # a new database: no meta table yet
            if "no such table" not in str(e):
                raise
            return None
        return int(row[0]) if row else None

    def _refuse_foreign(self) -> None:
        """A database without presscon's schema version is new (no tables) or
        another program's: that one is left as it is, not added to."""
        tables = [r[0] for r in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        if tables:
            shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
            raise NotAnIndexError(
                f"{self.path} is not a presscon index: it holds tables of another program "
                f"({shown}) and no presscon schema version. presscon leaves it as it is; "
                f"pass another --index folder")

    # -- connections -------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            return self._connect_read_only()
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                             check_same_thread=False)
        if self._ours:
            self._set_pragmas(db)
        return db

    @staticmethod
    def _set_pragmas(db: sqlite3.Connection) -> None:
        # WAL: a chat keeps reading a consistent snapshot while an ingest writes.
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")

    def _connect_read_only(self) -> sqlite3.Connection:
        uri = self.path.resolve().as_uri()
        if not self.path.exists():
            raise DatabaseDamagedError(f"{self.path} does not exist")
        db = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=30, isolation_level=None,
                             check_same_thread=False)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.OperationalError:
            # A WAL database needs its -shm file, which a folder without write
            # rights cannot get: read it as immutable (no locks, no WAL). Its
            # writers, if any, are elsewhere; this process reads what is there.
            db.close()
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None,
                               check_same_thread=False)

    @property
    def db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    @contextmanager
    def write(self, *, bump: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction; the generation counter moves with every commit
        (``bump=False`` only for writes that change no searched data: a
        migration, presscon's record of its own derived files).
        Store methods called inside it, on this thread, are part of it. A
        full disk, a damaged or a read-only file raise presscon's errors
        saying so, after the rollback."""
        if self.read_only:
            raise ReadOnlyIndexError.for_index(self.path.parent)
        with self._write_lock, self.reporting_errors():
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
                if db.in_transaction:  # SQLite may have rolled back already (disk full)
                    db.execute("ROLLBACK")
                raise

    @contextmanager
    def reporting_errors(self) -> Iterator[None]:
        """Turn SQLite's errors about the file itself (damaged, full, read-only)
        met anywhere inside into presscon's, which say what to do."""
        try:
            yield
        except sqlite3.DatabaseError as e:
            translated = translate_error(self.path, e)
            if translated is None:
                raise
            raise translated from e

    def verify(self) -> None:
        """Raise DatabaseDamagedError if SQLite's ``PRAGMA quick_check`` finds a
        damaged page (it reads every page of the file: 0.14 s warm, 0.7 s cold
        at 10.7k passages, 164 MB). Reading only what a query needs, a write
        can go through beside a damaged page and add to a file no search can
        read whole; this is what a writer runs first."""
        try:
            with self.reporting_errors():
                found = [str(r[0]) for r in self.db.execute("PRAGMA quick_check(3)")]
        except DatabaseDamagedError as e:   # a page it could not even read
            raise damaged_error(self.path, f"SQLite's quick_check: {e.__cause__}") from e
        problems = [p for p in found if p != "ok" and not p.startswith("*** in database")]
        if problems or not found:
            raise damaged_error(self.path, "SQLite's quick_check: " + "; ".join(problems or found))

    def checkpoint(self) -> None:
        """Copy what the WAL holds into the database file, as far as readers
        allow (PASSIVE: never waits for them), so that the file is left as it
        will stay until the next write."""
        with self.reporting_errors():
            self.db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()

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

    def set_meta_quietly(self, key: str, value: str) -> None:
        """Set a meta value that no search reads (presscon's record of the
        derived files it wrote, rag/index/manifest.py), in a transaction of its
        own that leaves the generation where it is: the FAISS file and the BM25
        snapshot of this generation stay current."""
        with self.write(bump=False):
            self._put_meta(key, value)

    def generation(self) -> int:
        return int(self.get_meta("generation", "0") or 0)
