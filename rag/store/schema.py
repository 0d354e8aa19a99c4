"""The database schema, as named migrations run in order.

Each migration upgrades the schema by one version; a new database runs them
all. Migrations change no chunk or vector, so they never invalidate the
FAISS file (rebuilding it takes minutes at 300k passages).
"""
from __future__ import annotations

import sqlite3
from typing import Callable

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "run_script"]


def run_script(db: sqlite3.Connection, script: str) -> None:
    """Run a migration's statements one by one, keeping trigger bodies whole
    (``executescript`` would commit the caller's transaction)."""
    buf: list[str] = []
    for line in script.splitlines():
        buf.append(line)
        joined = "\n".join(buf).strip()
        if joined and sqlite3.complete_statement(joined):
            db.execute(joined)
            buf = []
    rest = "\n".join(buf).strip()
    if rest and not rest.startswith("--"):
        db.execute(rest)


def create_tables(db: sqlite3.Connection) -> None:
    """0 -> 1: conferences, passages, chunks, vectors, and FTS5 kept in step by triggers."""
    run_script(db, """
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
    """)


def add_repeat_groups(db: sqlite3.Connection) -> None:
    """1 -> 2: groups of repeated replies (rag/index/repeats.py). The triggers
    queue work inside the transaction that writes the passages, so the groups
    catch up after any crash; existing passages are queued once here."""
    run_script(db, """
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
    """)


def add_parser_version(db: sqlite3.Connection) -> None:
    """2 -> 3: which parser made a conference's passages (rag.parse.PARSER_VERSION),
    so a parser that reads a file differently re-parses it once (0: before this)."""
    run_script(db, """
    ALTER TABLE conferences ADD COLUMN parser_version INTEGER NOT NULL DEFAULT 0;
    -- the BM25 index asks for the conferences stored since its snapshot
    CREATE INDEX conferences_ingested ON conferences(ingested_at);
    """)


def add_publisher_and_speakers(db: sqlite3.Connection) -> None:
    """3 -> 4: who publishes each conference (copied to its passages for cheap
    filtering, as the date is) and every official who spoke in a reply. Every
    index before this one held the ministry's conferences only."""
    run_script(db, """
    ALTER TABLE conferences ADD COLUMN publisher TEXT NOT NULL DEFAULT '';
    ALTER TABLE passages ADD COLUMN publisher TEXT NOT NULL DEFAULT '';
    -- JSON list of the officials who spoke in a reply, when more than one
    ALTER TABLE passages ADD COLUMN speakers TEXT;
    UPDATE conferences SET publisher = 'Ministry of Foreign Affairs of China';
    UPDATE passages SET publisher = 'Ministry of Foreign Affairs of China';
    """)


def regroup_without_short_replies(db: sqlite3.Connection) -> None:
    """4 -> 5: replies of a few words ("Sure.", "Mm-hmm.") are no longer grouped
    (rag.index.repeats.MIN_GROUP_WORDS): a group of 34 "Sure."s, ranked by the
    one whose question matched, showed another's. Every passage is queued to
    be grouped again (the next ingest or ``presscon regroup`` does it)."""
    run_script(db, """
    DELETE FROM passage_groups;
    DELETE FROM group_keys;
    DELETE FROM groups_dirty;
    INSERT OR IGNORE INTO groups_pending(passage_id) SELECT id FROM passages;
    """)


#: The list index is the version a migration starts from.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    create_tables, add_repeat_groups, add_parser_version, add_publisher_and_speakers,
    regroup_without_short_replies)
SCHEMA_VERSION = len(MIGRATIONS)
