"""SQLite, the source of truth: conferences, passages, chunks, vectors and FTS5.

Everything else on disk (the FAISS file, its manifest, the BM25 snapshot) is
derived from this database and can be rebuilt from it without encoding
anything again. FTS5 stays in step by triggers for anyone querying the file
with SQL, and is the reference the in-memory BM25 (rag/bm25_index.py) is
tested against; search does not use it (it scores every OR match: too slow
past ~30k passages).
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from .ids import stable_id, text_hash  # noqa: F401  (re-exported)

SCHEMA_VERSION = 3

# Each entry upgrades the schema from version i to i+1; the list index is the
# version it starts from. New databases run them all in order.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE conferences(
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL UNIQUE,      -- resolved path of the file
        sha256 TEXT NOT NULL,             -- of the file's bytes: unchanged files are skipped
        fingerprint TEXT NOT NULL,        -- of the parsed exchanges: the same conference under another name
        duplicate_of INTEGER,             -- set when an identical conference is already stored
        date TEXT NOT NULL,
        spokesperson TEXT NOT NULL,
        title TEXT NOT NULL,
        url TEXT,
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX conferences_fingerprint ON conferences(fingerprint);
    CREATE TABLE passages(
        id INTEGER PRIMARY KEY,
        conference_id INTEGER NOT NULL REFERENCES conferences(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        kind TEXT NOT NULL,
        date TEXT NOT NULL,               -- copied from the conference for cheap filtering
        spokesperson TEXT,
        questioner TEXT,
        questioner_label TEXT,
        question TEXT,
        text TEXT NOT NULL
    );
    CREATE INDEX passages_conference ON passages(conference_id);
    CREATE INDEX passages_date ON passages(date);
    CREATE INDEX passages_questioner ON passages(questioner);
    CREATE TABLE chunks(
        id INTEGER PRIMARY KEY,
        passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        text_hash TEXT NOT NULL
    );
    CREATE INDEX chunks_passage ON chunks(passage_id);
    CREATE INDEX chunks_hash ON chunks(text_hash);
    CREATE TABLE vectors(
        model_id TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        vector BLOB NOT NULL,             -- float32, normalized
        PRIMARY KEY(model_id, text_hash)
    ) WITHOUT ROWID;
    CREATE VIRTUAL TABLE passages_fts USING fts5(
        question, text, content='passages', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    );
    -- The database keeps the lexical index in step with passages, inside the
    -- same transaction, so it can never disagree with them after a crash.
    CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
        INSERT INTO passages_fts(rowid, question, text) VALUES (new.id, new.question, new.text);
    END;
    CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
        INSERT INTO passages_fts(passages_fts, rowid, question, text)
        VALUES ('delete', old.id, old.question, old.text);
    END;
    CREATE TRIGGER passages_au AFTER UPDATE ON passages BEGIN
        INSERT INTO passages_fts(passages_fts, rowid, question, text)
        VALUES ('delete', old.id, old.question, old.text);
        INSERT INTO passages_fts(rowid, question, text) VALUES (new.id, new.question, new.text);
    END;
    """,
    # 1 -> 2: groups of repeated replies (rag/groups.py). The triggers queue
    # work inside the transaction that writes the passages, so the groups
    # catch up after any crash; existing passages are queued once here.
    """
    CREATE TABLE passage_groups(
        passage_id INTEGER PRIMARY KEY,   -- a passage (row removed with it, by trigger)
        group_id INTEGER NOT NULL,        -- smallest passage id of its group
        norm_hash TEXT NOT NULL,          -- of the normalized reply: identical copies in one lookup
        len INTEGER NOT NULL              -- of the normalized reply: short ones are compared by length range
    );
    CREATE INDEX passage_groups_group ON passage_groups(group_id);
    CREATE INDEX passage_groups_norm ON passage_groups(norm_hash);
    CREATE INDEX passage_groups_len ON passage_groups(len);
    -- a few word-shingle hashes per long reply: look-alike candidates in O(1)
    CREATE TABLE group_keys(key INTEGER NOT NULL, len INTEGER NOT NULL, passage_id INTEGER NOT NULL);
    CREATE INDEX group_keys_key ON group_keys(key, len);
    CREATE INDEX group_keys_passage ON group_keys(passage_id);
    CREATE TABLE groups_pending(passage_id INTEGER PRIMARY KEY);
    CREATE TABLE groups_dirty(group_id INTEGER PRIMARY KEY);
    CREATE TRIGGER passages_groups_ai AFTER INSERT ON passages BEGIN
        INSERT OR IGNORE INTO groups_pending(passage_id) VALUES (new.id);
    END;
    CREATE TRIGGER passages_groups_ad AFTER DELETE ON passages BEGIN
        INSERT OR IGNORE INTO groups_dirty(group_id)
            SELECT group_id FROM passage_groups WHERE passage_id = old.id;
        DELETE FROM passage_groups WHERE passage_id = old.id;
        DELETE FROM group_keys WHERE passage_id = old.id;
        DELETE FROM groups_pending WHERE passage_id = old.id;
    END;
    CREATE TRIGGER passages_groups_au AFTER UPDATE OF text ON passages BEGIN
        INSERT OR IGNORE INTO groups_dirty(group_id)
            SELECT group_id FROM passage_groups WHERE passage_id = old.id;
        DELETE FROM passage_groups WHERE passage_id = old.id;
        DELETE FROM group_keys WHERE passage_id = old.id;
        INSERT OR IGNORE INTO groups_pending(passage_id) VALUES (new.id);
    END;
    INSERT OR IGNORE INTO groups_pending(passage_id) SELECT id FROM passages;
    """,
    # 2 -> 3: which parser made a conference's passages (rag.parse.PARSER_VERSION),
    # so a parser that reads a file differently re-parses it once (0: before this).
    """
    ALTER TABLE conferences ADD COLUMN parser_version INTEGER NOT NULL DEFAULT 0;
    -- the BM25 index asks for the conferences stored since its snapshot
    CREATE INDEX conferences_ingested ON conferences(ingested_at);
    """,
]


@dataclass(frozen=True)
class PassageRow:
    id: int
    conference_id: int
    ordinal: int
    kind: str
    date: dt.date
    spokesperson: str | None
    questioner: str | None
    questioner_label: str | None
    question: str | None
    text: str
    source: str
    title: str
    url: str | None


_PASSAGE_COLUMNS = """p.id, p.conference_id, p.ordinal, p.kind, p.date, p.spokesperson,
    p.questioner, p.questioner_label, p.question, p.text, c.source, c.title, c.url"""


def _row_to_passage(row: Sequence) -> PassageRow:
    return PassageRow(row[0], row[1], row[2], row[3], dt.date.fromisoformat(row[4]),
                      *row[5:])


class StoreError(RuntimeError):
    pass


class Store:
    """One SQLite database; a connection per thread, writes serialized."""

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
        (``bump=False`` only for migrations, which change no searched data)."""
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
            for statement in _split_sql(step):
                db.execute(statement)
        self._set_meta(db, "schema_version", str(SCHEMA_VERSION))

    # -- meta ---------------------------------------------------------------
    @staticmethod
    def _set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
        db.execute("INSERT INTO meta(key, value) VALUES(?, ?) "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    @staticmethod
    def put_vectors(db: sqlite3.Connection, model_id: str,
                    items: Iterable[tuple[str, np.ndarray]]) -> None:
        """Store (text hash, vector) pairs for a model inside the caller's
        transaction; a vector already stored for that hash is kept."""
        db.executemany(
            "INSERT OR IGNORE INTO vectors(model_id, text_hash, vector) VALUES (?,?,?)",
            [(model_id, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items])

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as db:
            self._set_meta(db, key, value)

    def generation(self) -> int:
        return int(self.get_meta("generation", "0") or 0)

    # -- reads --------------------------------------------------------------
    def conference_by_source(self, source: str) -> tuple[int, str, int | None, int] | None:
        """(id, sha256, duplicate_of, parser_version) of the conference stored for a file."""
        return self.db.execute(
            "SELECT id, sha256, duplicate_of, parser_version FROM conferences WHERE source = ?",
            (source,)).fetchone()

    def passage_fields(self, conference_id: int) -> list[tuple]:
        """(id, ordinal, kind, spokesperson, questioner, questioner_label) of a
        conference's passages in order: what a re-parse is compared with."""
        return self.db.execute(
            "SELECT id, ordinal, kind, spokesperson, questioner, questioner_label FROM passages "
            "WHERE conference_id = ? ORDER BY ordinal", (conference_id,)).fetchall()

    def original_by_fingerprint(self, fingerprint: str, exclude_source: str) -> tuple[int, str] | None:
        return self.db.execute(
            "SELECT id, source FROM conferences WHERE fingerprint = ? AND duplicate_of IS NULL "
            "AND source != ? LIMIT 1", (fingerprint, exclude_source)).fetchone()

    def sources(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT source FROM conferences ORDER BY source")]

    def chunk_ids_of_conference(self, conference_id: int) -> list[int]:
        return [r[0] for r in self.db.execute(
            "SELECT ch.id FROM chunks ch JOIN passages p ON p.id = ch.passage_id "
            "WHERE p.conference_id = ?", (conference_id,))]

    def missing_hashes(self, model_id: str, hashes: Iterable[str]) -> set[str]:
        """The text hashes that have no stored vector for this model yet."""
        wanted = set(hashes)
        if not wanted:
            return set()
        have: set[str] = set()
        items = list(wanted)
        for i in range(0, len(items), 500):
            part = items[i:i + 500]
            q = ",".join("?" * len(part))
            have.update(r[0] for r in self.db.execute(
                f"SELECT text_hash FROM vectors WHERE model_id = ? AND text_hash IN ({q})",
                (model_id, *part)))
        return wanted - have

    def vectors(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by text hash, for the hashes this model has encoded."""
        out: dict[str, np.ndarray] = {}
        hashes = list(dict.fromkeys(hashes))
        for i in range(0, len(hashes), 500):
            part = hashes[i:i + 500]
            q = ",".join("?" * len(part))
            for h, blob in self.db.execute(
                    f"SELECT text_hash, vector FROM vectors WHERE model_id = ? AND text_hash IN ({q})",
                    (model_id, *part)):
                out[h] = np.frombuffer(blob, dtype=np.float32)
        return out

    def iter_chunk_vectors(self, model_id: str, batch: int = 20000
                           ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(chunk ids, vectors) of every stored chunk, in batches, for a rebuild."""
        cur = self.db.execute(
            "SELECT ch.id, v.vector FROM chunks ch JOIN vectors v "
            "ON v.text_hash = ch.text_hash AND v.model_id = ? ORDER BY ch.id", (model_id,))
        while True:
            rows = cur.fetchmany(batch)
            if not rows:
                return
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            vecs = np.stack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
            yield ids, vecs

    def chunks_without_vector(self, model_id: str) -> list[tuple[int, str]]:
        """(passage id, text hash) of chunks the model has not encoded yet."""
        return self.db.execute(
            "SELECT ch.passage_id, ch.text_hash FROM chunks ch LEFT JOIN vectors v "
            "ON v.text_hash = ch.text_hash AND v.model_id = ? WHERE v.text_hash IS NULL",
            (model_id,)).fetchall()

    def passages(self, ids: Sequence[int]) -> dict[int, PassageRow]:
        out: dict[int, PassageRow] = {}
        ids = list(ids)
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            q = ",".join("?" * len(part))
            for row in self.db.execute(
                    f"SELECT {_PASSAGE_COLUMNS} FROM passages p "
                    f"JOIN conferences c ON c.id = p.conference_id WHERE p.id IN ({q})", part):
                out[row[0]] = _row_to_passage(row)
        return out

    def all_passages(self) -> Iterator[PassageRow]:
        for row in self.db.execute(
                f"SELECT {_PASSAGE_COLUMNS} FROM passages p "
                "JOIN conferences c ON c.id = p.conference_id ORDER BY p.date, p.conference_id, p.ordinal"):
            yield _row_to_passage(row)

    def passage_ids(self) -> np.ndarray:
        """Every passage id, ascending (what the lexical index diffs itself against)."""
        # A small index holds every id too: reading it, not the table with all
        # the text, took 0.17 s instead of 0.56 s (3.4 s cold) at 300k passages.
        rows = self.db.execute(
            "SELECT id FROM passages INDEXED BY passages_conference").fetchall()
        return np.sort(np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)))

    _LEXICAL_COLUMNS = "id, date, questioner, spokesperson, question, text"

    def lexical_rows(self, ids: Sequence[int] | None = None) -> Iterator[tuple]:
        """(id, date, questioner, spokesperson, question, text) of the given
        passages, or of all of them: what rag/bm25_index.py indexes."""
        if ids is None:
            yield from self.db.execute(f"SELECT {self._LEXICAL_COLUMNS} FROM passages ORDER BY id")
            return
        ids = list(ids)
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            yield from self.db.execute(
                f"SELECT {self._LEXICAL_COLUMNS} FROM passages WHERE id IN "
                f"({','.join('?' * len(part))})", part)

    def lexical_rows_since(self, iso_time: str) -> list[tuple]:
        """lexical_rows of the passages of conferences stored at or after a UTC time."""
        # IN (subquery), not a join: the planner then walks the ingested_at
        # index (a join scanned all passages: 9 s at 300k, cold)
        return self.db.execute(
            f"SELECT {self._LEXICAL_COLUMNS} FROM passages WHERE conference_id IN "
            "(SELECT id FROM conferences WHERE ingested_at >= ?) ORDER BY id",
            (iso_time,)).fetchall()

    def count(self, table: str) -> int:
        if table not in ("conferences", "passages", "chunks", "vectors"):
            raise ValueError(table)
        return int(self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def counts(self) -> dict[str, int]:
        one = lambda sql: int(self.db.execute(sql).fetchone()[0])  # noqa: E731
        return {
            "conferences": one("SELECT count(*) FROM conferences WHERE duplicate_of IS NULL"),
            "duplicates": one("SELECT count(*) FROM conferences WHERE duplicate_of IS NOT NULL"),
            **{table: self.count(table) for table in ("passages", "chunks", "vectors")},
        }

    def date_range(self) -> tuple[str | None, str | None]:
        return tuple(self.db.execute("SELECT min(date), max(date) FROM conferences").fetchone())

    # -- groups of repeated replies (rag/groups.py) -----------------------------
    def group_of(self, passage_ids: Sequence[int]) -> dict[int, int]:
        """Group id by passage id; a passage not grouped yet is its own group."""
        ids = [int(i) for i in passage_ids]
        out = {i: i for i in ids}
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            q = ",".join("?" * len(part))
            out.update(self.db.execute(
                f"SELECT passage_id, group_id FROM passage_groups WHERE passage_id IN ({q})",
                part).fetchall())
        return out

    def group_members(self, group_ids: Sequence[int], where: str = "1", args: Sequence = ()
                      ) -> dict[int, list[PassageRow]]:
        """Members of each group that pass a :meth:`filter_sql` clause, oldest first."""
        out: dict[int, list[PassageRow]] = {}
        ids = [int(g) for g in group_ids]
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            q = ",".join("?" * len(part))
            for row in self.db.execute(
                    f"SELECT g.group_id, {_PASSAGE_COLUMNS} FROM passage_groups g "
                    "JOIN passages p ON p.id = g.passage_id "
                    f"JOIN conferences c ON c.id = p.conference_id "
                    f"WHERE g.group_id IN ({q}) AND {where} "
                    "ORDER BY p.date, c.source, p.ordinal", (*part, *args)):
                out.setdefault(row[0], []).append(_row_to_passage(row[1:]))
        return out

    def facet(self, column: str) -> list[tuple[str, int]]:
        """Distinct values of questioner or spokesperson with passage counts, most first."""
        if column not in ("questioner", "spokesperson"):
            raise ValueError(column)
        return [(r[0], r[1]) for r in self.db.execute(
            f"SELECT {column}, count(*) n FROM passages WHERE {column} IS NOT NULL "
            f"GROUP BY {column} ORDER BY n DESC, {column}")]

    def filter_sql(self, questioner: str | None, spokesperson: str | None,
                   date_from: dt.date | None, date_to: dt.date | None) -> tuple[str, list]:
        """A WHERE clause over passages ``p`` for the search filters."""
        clauses, args = [], []
        if questioner:
            # "Kyodo News" finds what the parser stored as "Kyodo"
            from .parse import normalize_questioner
            clauses.append("p.questioner = ? COLLATE NOCASE")
            args.append(normalize_questioner(questioner) or questioner)
        if spokesperson:
            clauses.append("p.spokesperson = ? COLLATE NOCASE")
            args.append(spokesperson)
        if date_from:
            clauses.append("p.date >= ?")
            args.append(date_from.isoformat())
        if date_to:
            clauses.append("p.date <= ?")
            args.append(date_to.isoformat())
        return (" AND ".join(clauses) or "1"), args

    def chunk_ids_of(self, passage_ids: Sequence[int]) -> np.ndarray:
        """Chunk ids of the given passages, in one query whatever their number
        (json_each walks the passage index; an IN list is capped by SQLite)."""
        rows = self.db.execute(
            "SELECT id FROM chunks WHERE passage_id IN (SELECT value FROM json_each(?))",
            (json.dumps([int(p) for p in passage_ids]),)).fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def chunk_passages(self, chunk_ids: Sequence[int]) -> dict[int, int]:
        out: dict[int, int] = {}
        ids = [int(i) for i in chunk_ids]
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            q = ",".join("?" * len(part))
            out.update(self.db.execute(
                f"SELECT id, passage_id FROM chunks WHERE id IN ({q})", part).fetchall())
        return out

    def passage_dates(self, ids: Sequence[int]) -> dict[int, dt.date]:
        out: dict[int, dt.date] = {}
        ids = list(ids)
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            q = ",".join("?" * len(part))
            out.update((pid, dt.date.fromisoformat(d)) for pid, d in self.db.execute(
                f"SELECT id, date FROM passages WHERE id IN ({q})", part))
        return out


def _split_sql(script: str) -> list[str]:
    """Statements of a migration, keeping trigger bodies whole."""
    out, buf = [], []
    for line in script.splitlines():
        buf.append(line)
        joined = "\n".join(buf).strip()
        if joined and sqlite3.complete_statement(joined):
            out.append(joined)
            buf = []
    rest = "\n".join(buf).strip()
    if rest and not rest.startswith("--"):
        out.append(rest)
    return out

