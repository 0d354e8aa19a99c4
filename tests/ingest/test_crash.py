"""kill -9 at chosen points of a real `presscon ingest` / `presscon reindex`
subprocess (rag/faults.py: PRESSCON_CRASH_AT=name[:n]).

For each point: the process must really die there (returncode -9, and the
files show the half-done step the point names); the files left on disk are
then checked as any client would read them, BEFORE presscon opens them
(SQLite and its FTS5 index whole and in agreement, no half-stored conference,
the manifest either vouching for a FAISS file that holds what it says or
older than the database, no half-written BM25 snapshot that could be taken as
whole); finally the same command is run again without the crash point and
the index it leaves must give the same passages, counts and top hits as a
clean build of the same files in another folder.

The checks on disk are shown able to fail (test_disk_checks_catch_damage):
FTS rows deleted, which the old checks (a count of the external-content
table, an integrity-check without rank=1) did not notice, a manifest that
lies, a half snapshot named as a whole one, an orphan chunk.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT
from embeddings.testing import FakeEncoder
from rag import Retriever
from rag.faults import ENV as CRASH_ENV
from rag.retriever import DB_FILE

from transcripts import make_corpus

SMALL = 10      # files: 120 passages, no BM25 rebuild after the ingest
BIG = 42        # 504 passages > lexical.REBUILD_MIN (500): the ingest rebuilds the snapshot
REINDEX = 25    # ~325 distinct chunk texts: two reindex batches of 256
PER_FILE = 12   # passages make_corpus puts in each file
MODEL, DIM = "fake-bow-64", 64
NEW_MODEL, NEW_DIM = "fake-bow-32", 32
BATCH = 256     # rag.ingest.reindex's batch, as the CLI runs it

QUESTIONS = [
    "Lithuania customs clearance",
    "Xinjiang forced labor act",
    "Japan Olympic Committee Winter Games",
    "JCPOA negotiations in Vienna",
    "Taiwan emergency joint operation plan",
    "American democracy report",
    "Lithuania customs, note 38",       # one file's own words (the 39th of BIG)
    "Xinjiang forced labor, note 12",
]
RANKINGS = ("hybrid", "lexical")


# -- running the CLI -------------------------------------------------------------------
def _env(crash: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != CRASH_ENV}
    env.update(PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    if crash:
        env[CRASH_ENV] = crash
    return env


def _ingest_cmd(folder: Path, idx: Path) -> list[str]:
    return [sys.executable, "-m", "rag.cli", "ingest", str(folder), "--index", str(idx),
            "--model", MODEL, "--json"]


def _reindex_cmd(idx: Path) -> list[str]:
    return [sys.executable, "-m", "rag.cli", "reindex", "--index", str(idx),
            "--model", NEW_MODEL]


def _run(cmd: list[str], crash: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=_env(crash), capture_output=True, text=True, timeout=180,
                          cwd=str(ROOT))


def _killed(proc: subprocess.CompletedProcess, point: str) -> None:
    assert proc.returncode == -signal.SIGKILL, (
        f"{point} was never reached (exit {proc.returncode}): {proc.stderr[-2000:]}")


# -- the files on disk, read without presscon -------------------------------------------
TEMP = r"\.presscon-tmp-\d+-[0-9a-f]{16}"     # the end of presscon's temp names (atomic.py)


def temp_files(idx: Path) -> list[str]:
    return sorted(p.name for p in idx.iterdir() if re.search(TEMP + "$", p.name))


def fts_check(db: sqlite3.Connection) -> None:
    """Raises sqlite3.DatabaseError unless the FTS5 index matches its content
    table row for row (rank=1: without it, FTS5 checks only its own structure)."""
    db.execute("INSERT INTO passages_fts(passages_fts, rank) VALUES('integrity-check', 1)")


def _one(db: sqlite3.Connection, sql: str) -> int:
    return int(db.execute(sql).fetchone()[0])


@dataclass
class Disk:
    """What a crash left in an index folder."""
    root: Path
    generation: int                 # meta.generation in SQLite
    model_id: str | None
    counts: dict[str, int]
    vectors_by_model: dict[str, int]
    passage_ids: list[int]
    manifest: dict | None
    manifest_current: bool          # the manifest is of the database's generation
    faiss_files: list[str]          # vectors.<gen>.faiss in place
    faiss_tmp: list[str]            # temp files of a killed FAISS save
    snapshots: dict[str, dict]      # lexical.<gen> -> its snapshot.json
    snapshot_tmp: dict[str, bool]   # temp folder of a killed BM25 save -> has snapshot.json


def inspect_disk(idx: Path, scratch: Path) -> Disk:
    """Check what must hold after any crash, on the files as they are. SQLite
    is read from a copy: the FTS check is a write statement, and presscon must
    then find the folder exactly as the crash left it."""
    assert (idx / DB_FILE).is_file(), sorted(os.listdir(idx))
    scratch.mkdir(parents=True, exist_ok=True)
    for f in idx.glob(DB_FILE + "*"):      # the database with its -wal and -shm
        shutil.copy2(f, scratch / f.name)
    db = sqlite3.connect(scratch / DB_FILE)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        fts_check(db)
        meta = dict(db.execute("SELECT key, value FROM meta"))
        generation = int(meta.get("generation", 0))
        model_id = meta.get("model_id")
        counts = {t: _one(db, f"SELECT count(*) FROM {t}")
                  for t in ("conferences", "passages", "chunks", "vectors")}
        # one FTS document per passage: docsize holds the index's own rows
        # (count(*) on the external-content passages_fts counts passages)
        assert _one(db, "SELECT count(*) FROM passages_fts_docsize") == counts["passages"]
        assert _one(db, "SELECT count(*) FROM chunks WHERE passage_id NOT IN "
                        "(SELECT id FROM passages)") == 0, "chunk without its passage"
        assert _one(db, "SELECT count(*) FROM passages WHERE conference_id NOT IN "
                        "(SELECT id FROM conferences)") == 0, "passage without its conference"
        assert _one(db, "SELECT count(*) FROM passages WHERE id NOT IN "
                        "(SELECT passage_id FROM chunks)") == 0, "passage without chunks"
        # each file went in whole or not at all
        per_conf = [n for (n,) in db.execute(
            "SELECT (SELECT count(*) FROM passages p WHERE p.conference_id = c.id) "
            "FROM conferences c WHERE duplicate_of IS NULL")]
        assert set(per_conf) <= {PER_FILE}, f"half-stored conference: {sorted(set(per_conf))}"
        assert counts["passages"] == PER_FILE * len(per_conf)
        if counts["chunks"]:
            assert model_id is not None
            missing = db.execute(
                "SELECT count(*) FROM chunks ch WHERE NOT EXISTS (SELECT 1 FROM vectors v "
                "WHERE v.model_id = ? AND v.text_hash = ch.text_hash)", (model_id,)).fetchone()[0]
            assert missing == 0, f"{missing} chunks without a {model_id} vector"
        vectors_by_model = dict(db.execute(
            "SELECT model_id, count(*) FROM vectors GROUP BY model_id"))
        passage_ids = [i for (i,) in db.execute("SELECT id FROM passages ORDER BY id")]
    finally:
        db.close()

    manifest, current = None, False
    if (idx / "manifest.json").exists():
        manifest = json.loads((idx / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["generation"] <= generation, "manifest newer than the database"
        if manifest["generation"] == generation:
            # it vouches for a FAISS file: that file must hold what it says
            import faiss
            current = True
            path = idx / manifest["faiss_file"]
            assert path.is_file(), f"manifest names a missing {path.name}"
            index = faiss.read_index(str(path))
            assert index.ntotal == manifest["vectors_in_index"] == counts["chunks"]
            assert manifest["model_id"] == model_id and index.d == manifest["dim"]
        # else it is of an older generation: presscon must rebuild (same_as_clean checks it did)

    snapshots, snapshot_tmp = {}, {}
    for d in sorted(idx.glob("lexical.*")):
        whole = (d / "snapshot.json").is_file()
        if re.fullmatch(r"lexical\.\d+", d.name):
            # a name presscon loads as a whole snapshot must be one
            assert whole, f"{d.name} has no snapshot.json but is named as a whole snapshot"
            snap = json.loads((d / "snapshot.json").read_text(encoding="utf-8"))
            assert snap["generation"] == int(d.name.split(".")[1]) <= generation
            assert len(np.load(d / "ids.npy", allow_pickle=False)) == snap["passages"]
            snapshots[d.name] = snap
        else:
            assert re.fullmatch(r"lexical\.\d+" + TEMP, d.name), d.name
            snapshot_tmp[d.name] = whole
    return Disk(idx, generation, model_id, counts, vectors_by_model, passage_ids, manifest,
                current, sorted(p.name for p in idx.glob("vectors.*.faiss")),
                sorted(p.name for p in idx.glob("vectors.*.faiss.presscon-tmp-*")), snapshots,
                snapshot_tmp)


# -- what an index answers ---------------------------------------------------------------
def answers(idx: Path, encoder: FakeEncoder) -> dict:
    """Counts and the top-5 of each fixed question, once presscon opened the index."""
    r = Retriever.open(idx, encoder=encoder)
    try:
        info = r.info()
        lex = r.live.lexical
        assert len(lex) == info["passages"], "BM25 and passages disagree"
        assert lex.path is not None and (lex.path / "snapshot.json").is_file()
        assert info["vectors_in_index"] == info["chunks"], "FAISS and SQLite disagree"
        hits = {(q, ranking): [(h.passage_id, round(h.score, 5))
                               for h in r.search(q, k=5, ranking=ranking)]
                for q in QUESTIONS for ranking in RANKINGS}
        counts = {k: info[k] for k in ("model_id", "conferences", "duplicates", "passages",
                                       "chunks", "vectors", "vectors_in_index")}
    finally:
        r.close()
    assert all(hits.values()), "a fixed question found nothing"
    return {"counts": counts, "hits": hits}


def same_as_clean(idx: Path, clean: Path, encoder: FakeEncoder, scratch: Path) -> None:
    after = inspect_disk(idx, scratch / "after")
    ref = inspect_disk(clean, scratch / "clean")
    assert after.manifest_current, "the rerun left no manifest of the current generation"
    assert after.passage_ids == ref.passage_ids
    assert after.counts == ref.counts
    assert after.vectors_by_model == ref.vectors_by_model
    got, want = answers(idx, encoder), answers(clean, encoder)
    assert got["counts"] == want["counts"]
    for key, hits in want["hits"].items():
        assert got["hits"][key] == hits, key


# -- shared corpora and clean builds -----------------------------------------------------
class World:
    """Transcript folders and clean builds, made once per module. Passage ids
    derive from the files' paths, so every index of a size reads the same folder."""

    def __init__(self, base: Path):
        self.base = base
        self._corpora: dict[int, Path] = {}
        self._clean: dict[tuple[str, int], Path] = {}

    def corpus(self, n: int) -> Path:
        if n not in self._corpora:
            make_corpus(self.base / f"in{n}", n)
            self._corpora[n] = self.base / f"in{n}"
        return self._corpora[n]

    def clean(self, kind: str, n: int) -> Path:
        """kind "ingest": n files built with MODEL; "reindex": that, reindexed to NEW_MODEL."""
        key = (kind, n)
        if key not in self._clean:
            idx = self.base / f"clean-{kind}{n}"
            if kind == "ingest":
                done = _run(_ingest_cmd(self.corpus(n), idx))
            else:
                shutil.copytree(self.clean("ingest", n), idx)
                done = _run(_reindex_cmd(idx))
            assert done.returncode == 0, done.stderr
            self._clean[key] = idx
        return self._clean[key]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    return World(tmp_path_factory.mktemp("crash"))


# -- ingest -----------------------------------------------------------------------------
def _after_file_commit(n: int):
    def check(d: Disk, files: int) -> None:
        assert d.counts["conferences"] == n          # killed right after the n-th file
        assert not d.manifest_current                # FAISS is the open's: older
    check.__name__ = f"after_file_commit_{n}"
    return check


def _faiss_tmp_written(d: Disk, files: int) -> None:
    assert d.counts["conferences"] == files          # the whole ingest committed
    assert d.faiss_tmp, "no FAISS temp file: killed elsewhere"
    assert f"vectors.{d.generation}.faiss" not in d.faiss_files   # not renamed
    assert not d.manifest_current                    # nobody vouches for the temp file


def _faiss_before_manifest(d: Disk, files: int) -> None:
    assert d.counts["conferences"] == files
    assert f"vectors.{d.generation}.faiss" in d.faiss_files   # the new file in place...
    assert d.manifest is not None and not d.manifest_current  # ...the manifest still older
    assert d.manifest["faiss_file"] != f"vectors.{d.generation}.faiss"


def _bm25_arrays_written(d: Disk, files: int) -> None:
    assert d.counts["conferences"] == files
    assert d.manifest_current                        # FAISS is saved before BM25
    half = [d.root / n for n, whole in d.snapshot_tmp.items() if not whole]
    assert len(half) == 1, f"no half-written snapshot, killed elsewhere: {d.snapshot_tmp}"
    assert (half[0] / "ids.npy").is_file()           # its arrays are there, its JSON not
    # the only whole snapshot is the empty one the first open wrote
    assert [s["passages"] for s in d.snapshots.values()] == [0]


def _bm25_before_rename(d: Disk, files: int) -> None:
    assert d.counts["conferences"] == files
    assert d.manifest_current
    assert list(d.snapshot_tmp.values()) == [True], f"no complete temp snapshot: {d.snapshot_tmp}"
    assert [s["passages"] for s in d.snapshots.values()] == [0]


# (point, n-th pass, files, what the files must show). On a fresh index the
# first open passes faiss.* and bm25.* once (an empty FAISS file, an empty
# snapshot), so :2 is the save after the ingest.
INGEST_POINTS = [
    ("ingest.file_committed", 1, SMALL, _after_file_commit(1)),
    ("ingest.file_committed", 7, SMALL, _after_file_commit(7)),
    ("faiss.write", 2, SMALL, _faiss_tmp_written),
    ("faiss.before_manifest", 2, SMALL, _faiss_before_manifest),
    ("bm25.write", 2, BIG, _bm25_arrays_written),
    ("bm25.before_rename", 2, BIG, _bm25_before_rename),
]


@pytest.mark.parametrize("point,nth,files,expect", INGEST_POINTS,
                         ids=[f"{p}:{n}" for p, n, *_ in INGEST_POINTS])
def test_kill_9_during_ingest(world, tmp_path, point, nth, files, expect):
    folder = world.corpus(files)
    idx = tmp_path / "idx"
    cmd = _ingest_cmd(folder, idx)
    _killed(_run(cmd, f"{point}:{nth}"), point)

    disk = inspect_disk(idx, tmp_path / "crashed")
    expect(disk, files)
    stored = disk.counts["conferences"]

    done = _run(cmd)
    assert done.returncode == 0, done.stderr
    statuses = [f["status"] for f in json.loads(done.stdout)["files"]]
    # what the crash committed is kept, the rest goes in now, nothing twice
    assert sorted(statuses) == sorted(["added"] * (files - stored) + ["unchanged"] * stored)
    # the killed process's temp files are cleared at once (it is gone), and only they
    assert not temp_files(idx), temp_files(idx)
    same_as_clean(idx, world.clean("ingest", files), FakeEncoder(dim=DIM, model_id=MODEL),
                  tmp_path)


# -- reindex ----------------------------------------------------------------------------
def _one_batch(d: Disk) -> None:
    assert d.model_id == MODEL                       # not switched
    new = d.vectors_by_model.get(NEW_MODEL, 0)
    assert new == BATCH, f"{new} {NEW_MODEL} vectors: not killed after the first batch"


def _in_switch(d: Disk) -> None:
    assert d.model_id == MODEL                       # the switch rolled back whole...
    assert d.vectors_by_model.get(NEW_MODEL, 0) > BATCH   # ...after every batch went in
    assert d.vectors_by_model.get(MODEL, 0) > 0           # the old vectors not dropped


def _faiss_after_switch(d: Disk) -> None:
    assert d.model_id == NEW_MODEL and MODEL not in d.vectors_by_model   # switched...
    assert d.manifest is not None and d.manifest["model_id"] == MODEL   # ...FAISS not yet
    assert not d.manifest_current
    assert f"vectors.{d.generation}.faiss" in d.faiss_files


# the first faiss.before_manifest of a reindex is the open after the switch
REINDEX_POINTS = [
    ("reindex.batch", 1, _one_batch),
    ("reindex.switch", 1, _in_switch),
    ("faiss.before_manifest", 1, _faiss_after_switch),
]


@pytest.mark.parametrize("point,nth,expect", REINDEX_POINTS,
                         ids=[f"{p}:{n}" for p, n, _ in REINDEX_POINTS])
def test_kill_9_during_reindex(world, tmp_path, point, nth, expect):
    idx = tmp_path / "idx"
    shutil.copytree(world.clean("ingest", REINDEX), idx)   # built with fake-bow-64
    before = inspect_disk(idx, tmp_path / "before")
    assert before.model_id == MODEL and before.manifest_current
    cmd = _reindex_cmd(idx)
    _killed(_run(cmd, f"{point}:{nth}"), point)

    disk = inspect_disk(idx, tmp_path / "crashed")
    expect(disk)
    assert disk.passage_ids == before.passage_ids    # reindex touches no passage

    done = _run(cmd)
    assert done.returncode == 0, done.stderr
    same_as_clean(idx, world.clean("reindex", REINDEX),
                  FakeEncoder(dim=NEW_DIM, model_id=NEW_MODEL), tmp_path)


# -- the checks can fail -------------------------------------------------------------------
def _delete_fts_rows(idx: Path) -> None:
    db = sqlite3.connect(idx / DB_FILE)
    rows = db.execute("SELECT id, question, text FROM passages ORDER BY id LIMIT 50").fetchall()
    db.executemany("INSERT INTO passages_fts(passages_fts, rowid, question, text) "
                   "VALUES('delete', ?, ?, ?)", rows)
    db.commit()
    # what the old test checked does not notice...
    db.execute("INSERT INTO passages_fts(passages_fts) VALUES('integrity-check')")
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert _one(db, "SELECT count(*) FROM passages_fts") == _one(db, "SELECT count(*) FROM passages")
    # ...the check with rank=1 does
    with pytest.raises(sqlite3.DatabaseError):
        fts_check(db)
    db.close()


def _lying_manifest(idx: Path) -> None:
    m = json.loads((idx / "manifest.json").read_text(encoding="utf-8"))
    m["vectors_in_index"] += 1
    (idx / "manifest.json").write_text(json.dumps(m), encoding="utf-8")


def _half_snapshot_named_whole(idx: Path) -> None:
    snapshot = next(idx.glob("lexical.*"))
    assert re.fullmatch(r"lexical\.\d+", snapshot.name)
    (snapshot / "snapshot.json").unlink()


def _orphan_chunk(idx: Path) -> None:
    db = sqlite3.connect(idx / DB_FILE)
    db.execute("INSERT INTO chunks(id, passage_id, ordinal, text_hash) "
               "SELECT 1, 1, 0, text_hash FROM chunks LIMIT 1")
    db.commit()
    db.close()


DAMAGE = [(_delete_fts_rows, sqlite3.DatabaseError, "malformed"),
          (_lying_manifest, AssertionError, "ntotal"),
          (_half_snapshot_named_whole, AssertionError, "named as a whole snapshot"),
          (_orphan_chunk, AssertionError, "chunks")]  # foreign_key_check sees it first


@pytest.mark.parametrize("damage,error,match", DAMAGE,
                         ids=[f.__name__.strip("_") for f, *_ in DAMAGE])
def test_disk_checks_catch_damage(world, tmp_path, damage, error, match):
    idx = tmp_path / "idx"
    shutil.copytree(world.clean("ingest", SMALL), idx)
    inspect_disk(idx, tmp_path / "intact")           # passes before the damage
    damage(idx)
    with pytest.raises(error, match=match):
        inspect_disk(idx, tmp_path / "damaged")
