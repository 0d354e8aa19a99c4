"""kill -9 during a real ingest subprocess leaves an index that opens, answers and agrees
with itself; running the same ingest again completes it without duplicates."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from embeddings.testing import FakeEncoder
from rag import Retriever
from rag.retriever import DB_FILE

from transcripts import make_corpus

N_FILES = 60


def _consistent(index_dir) -> Retriever:
    r = Retriever.open(index_dir, encoder=FakeEncoder())
    counts = r.store.counts()
    assert counts["chunks"] == len(r.live.dense), "FAISS and SQLite disagree"
    # the invariants below are checked on the database file itself, as any SQLite client reads it
    db = sqlite3.connect(index_dir / DB_FILE)
    try:
        db.execute("INSERT INTO passages_fts(passages_fts) VALUES('integrity-check')")
        fts_rows = db.execute("SELECT count(*) FROM passages_fts").fetchone()[0]
        assert fts_rows == counts["passages"], "FTS and passages disagree"
        lex = r.live.lexical
        assert len(lex) == counts["passages"], "BM25 index and passages disagree"
        fts = {row[0] for row in db.execute(
            "SELECT rowid FROM passages_fts WHERE passages_fts MATCH 'customs'")}
        assert set(dict(lex.top(lex.scores("customs"), 100_000))) == fts
        # no conference is half-stored: each file went in whole or not at all
        partial = db.execute(
            "SELECT count(*) FROM conferences c WHERE duplicate_of IS NULL AND "
            "(SELECT count(*) FROM passages p WHERE p.conference_id = c.id) = 0").fetchone()[0]
        assert partial == 0
        orphans = db.execute("SELECT count(*) FROM chunks ch LEFT JOIN vectors v ON "
                             "v.text_hash = ch.text_hash AND v.model_id = 'fake-bow-64' "
                             "WHERE v.text_hash IS NULL").fetchone()[0]
        assert orphans == 0
    finally:
        db.close()
    if counts["passages"]:
        assert r.search("Lithuania customs", k=3)
    return r


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5, 2.5])
def test_kill_9_during_ingest(tmp_path, delay):
    folder = tmp_path / "in"
    make_corpus(folder, N_FILES)
    idx = tmp_path / "idx"
    cmd = [sys.executable, "-m", "rag.cli", "ingest", str(folder), "--index", str(idx),
           "--model", "fake-bow-64", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)

    r = _consistent(idx)
    stored = r.info()["conferences"]
    assert 0 <= stored <= N_FILES
    r.close()

    done = subprocess.run(cmd[:-1] + ["--json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    r = _consistent(idx)
    info = r.info()
    assert info["conferences"] == N_FILES
    per_file = info["passages"] // N_FILES
    assert info["passages"] == per_file * N_FILES  # nothing stored twice
    r.close()
