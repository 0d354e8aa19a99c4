"""Derived files (FAISS, BM25 snapshot, manifest) that are damaged, foreign or
stale: detected and rebuilt from SQLite, never served; presscon deletes only
what it made; a reader never writes."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time

import pytest

from embeddings.testing import FakeEncoder
from rag import ModelMismatchError, Retriever
from rag.retriever import DB_FILE

from transcripts import make_corpus

QUESTION = "Lithuania customs Olympics"


def _overwrite_middle(path, n=4096) -> None:
    time.sleep(0.02)    # past the file system's timestamp tick since the save
    size = path.stat().st_size
    start = max(0, size // 2 - n // 2)
    with open(path, "r+b") as f:
        f.seek(start)
        f.write(os.urandom(min(n, size - start)))


def _hits(r, **kw):
    return [(h.passage_id, round(h.score, 5)) for h in r.search(QUESTION, k=5, **kw)]


@pytest.fixture
def index(tmp_path, monkeypatch):
    import rag.index.lexical as bm
    monkeypatch.setattr(bm, "REBUILD_MIN", 10)   # a BM25 snapshot even for this small corpus
    idx = tmp_path / "idx"
    r = Retriever.open(idx, encoder=FakeEncoder())
    assert r.ingest(make_corpus(tmp_path / "in", 8)).ok
    want = {rk: _hits(r, ranking=rk) for rk in ("dense", "lexical", "hybrid")}
    r.close()
    return idx, want


def _manifest(idx):
    return json.loads((idx / "manifest.json").read_text())


def test_damaged_faiss_file_is_rebuilt_not_served(index):
    idx, want = index
    faiss_file = idx / _manifest(idx)["faiss_file"]
    _overwrite_middle(faiss_file)
    enc = FakeEncoder()
    r = Retriever.open(idx, encoder=enc)
    got = r.search(QUESTION, k=5, ranking="dense")
    assert all(h.score <= 1.0001 for h in got)
    assert [(h.passage_id, round(h.score, 5)) for h in got] == want["dense"]
    assert enc.encoded == 0          # rebuilt from the vectors SQLite holds
    r.close()
    r = Retriever.open(idx, encoder=FakeEncoder())   # the rebuilt file was saved and verifies
    assert r.live.dense.loaded_from is not None
    assert _hits(r, ranking="hybrid") == want["hybrid"]
    r.close()


def test_damage_with_the_timestamp_put_back_is_still_detected(index):
    """A program can set the mtime back, not the ctime: the stamps differ, the hash decides."""
    idx, want = index
    faiss_file = idx / _manifest(idx)["faiss_file"]
    st = faiss_file.stat()
    _overwrite_middle(faiss_file)
    os.utime(faiss_file, ns=(st.st_atime_ns, st.st_mtime_ns))
    r = Retriever.open(idx, encoder=FakeEncoder())
    assert _hits(r, ranking="dense") == want["dense"]
    r.close()


def test_a_copied_index_verifies_by_hash_and_loads_its_files(index, tmp_path):
    idx, want = index
    copy = tmp_path / "copy"
    import shutil
    shutil.copytree(idx, copy)          # new inodes and ctimes: every file is hashed
    os.chmod(copy, 0o555)               # and nothing may be rewritten (for non-root)
    try:
        r = Retriever.open(copy, encoder=FakeEncoder(), read_only=True)
        assert r.live.dense.loaded_from == copy / _manifest(idx)["faiss_file"]
        assert r.live.lexical.path == copy / _manifest(idx)["lexical"]["dir"]
        assert _hits(r, ranking="hybrid") == want["hybrid"]
        r.close()
    finally:
        os.chmod(copy, 0o755)


@pytest.mark.parametrize("victim", ["ids.npy", "days.npy", "data.csc.index.npy",
                                    "indices.csc.index.npy", "indptr.csc.index.npy",
                                    "vocab.index.json"])
def test_damaged_bm25_file_is_rebuilt_not_served(index, victim):
    idx, want = index
    snap = idx / _manifest(idx)["lexical"]["dir"]
    _overwrite_middle(snap / victim, n=64)
    r = Retriever.open(idx, encoder=FakeEncoder())
    assert _hits(r, ranking="lexical") == want["lexical"]
    assert _hits(r, ranking="hybrid") == want["hybrid"]
    r.close()
    r = Retriever.open(idx, encoder=FakeEncoder())   # rebuilt snapshot saved, verifies
    assert r.live.lexical.path is not None
    assert _hits(r, ranking="lexical") == want["lexical"]
    r.close()


@pytest.mark.parametrize("edit", [
    lambda m: {**m, "passages": m["passages"] + 7},
    lambda m: {**m, "names": {"questioner": [], "spokesperson": 3}},
    lambda m: {**m, "avgdl": "long"},
    lambda m: [m],
])
def test_edited_snapshot_json_is_rebuilt(index, edit):
    idx, want = index
    path = idx / _manifest(idx)["lexical"]["dir"] / "snapshot.json"
    path.write_text(json.dumps(edit(json.loads(path.read_text()))))
    r = Retriever.open(idx, encoder=FakeEncoder())
    assert _hits(r, ranking="lexical") == want["lexical"]
    assert _hits(r, ranking="lexical", spokesperson="Zhao Lijian") is not None
    r.close()


@pytest.mark.parametrize("text", ["[]", "42", '"manifest"', "null", "[1, 2]"])
def test_manifest_that_is_not_an_object_is_rebuilt(index, text):
    idx, want = index
    (idx / "manifest.json").write_text(text)
    r = Retriever.open(idx, encoder=FakeEncoder())
    assert _hits(r, ranking="hybrid") == want["hybrid"]
    assert r.info()["passages"] > 0
    r.close()
    assert isinstance(_manifest(idx), dict)


def test_files_presscon_did_not_make_are_kept(tmp_path):
    idx = tmp_path / "idx"
    idx.mkdir()
    mine = {"vectors.mine.faiss": b"my own vectors", "vectors.1.faiss": b"also mine",
            "vectors.3.faiss": b"and this", "lexical.1/notes.txt": b"notes",
            "lexical.2/snapshot.json": b'{"mine": true}', "lexical.3/x.npy": b"x",
            "lexical.old/a": b"a", "notes.txt": b"n"}
    for rel, data in mine.items():
        (idx / rel).parent.mkdir(parents=True, exist_ok=True)
        (idx / rel).write_bytes(data)
    corpus = make_corpus(tmp_path / "in", 4)
    r = Retriever.open(idx, encoder=FakeEncoder())
    for f in corpus:                       # each ingest saves new derived files
        assert r.ingest(f).ok
    r.remove(corpus[0])
    assert r.search(QUESTION, k=3)
    r.close()
    for rel, data in mine.items():
        assert (idx / rel).read_bytes() == data, rel
    # and presscon's own old files went: one FAISS file and one snapshot of its own
    m = _manifest(idx)
    assert sorted(m["owned"]) == sorted([m["faiss_file"], m["lexical"]["dir"]])
    ours = {p.name for p in idx.iterdir()} - {rel.split("/")[0] for rel in mine}
    assert ours == {DB_FILE, "manifest.json", "ingest.lock", m["faiss_file"],
                    m["lexical"]["dir"]} | ({DB_FILE + "-wal", DB_FILE + "-shm"} & ours)


def _dead_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temp_files_of_a_killed_save_are_cleared(index):
    idx, _ = index
    old = time.time() - 7200
    dead, alive = _dead_pid(), os.getppid()

    def tmp(final, pid, token="0123456789abcdef"):
        return idx / f"{final}.presscon-tmp-{pid}-{token}"
    # presscon's own, of a process that is gone (however recent) or two hours old
    killed = [tmp("vectors.4.faiss", dead), tmp("manifest.json", dead),
              tmp("vectors.3-1.faiss", alive), tmp("query_adapter.npy", dead)]
    killed_dir = tmp("lexical.4", dead)
    fresh = tmp("vectors.5.faiss", alive)          # a save in progress elsewhere
    # not presscon's by their names: older presscons' temp names (tempfile's) among them
    foreign = [idx / "vectors.4.faiss.k1ll3d_x.tmp", idx / "manifest.json.abc12345.tmp",
               idx / "vectors.mine.faiss.tmp", idx / "my.tmp",
               tmp("notes.txt", dead), idx / f"vectors.4.faiss.presscon-tmp-{dead}-xyz"]
    for p in killed + [fresh] + foreign:
        p.write_bytes(b"partial")
    killed_dir.mkdir()
    (killed_dir / "ids.npy").write_bytes(b"half")
    user_dir = tmp("lexical.5", dead)              # presscon's temp folder with a user's file
    user_dir.mkdir()
    (user_dir / "ids.npy").write_bytes(b"half")
    (user_dir / "mine.txt").write_bytes(b"mine")
    for p in [killed[2]] + foreign:
        os.utime(p, (old, old))
    r = Retriever.open(idx, encoder=FakeEncoder())
    r.ingest(make_corpus(idx.parent / "more", 9)[-1])
    left = r.info()["left_in_place"]
    r.close()
    assert not any(p.exists() for p in killed) and not killed_dir.exists()
    assert fresh.exists() and all(p.read_bytes() == b"partial" for p in foreign)
    assert os.listdir(user_dir) == ["mine.txt"]
    # what looks like presscon's and stays is named; a user's my.tmp and notes are not
    assert {"vectors.4.faiss.k1ll3d_x.tmp", "manifest.json.abc12345.tmp",
            "vectors.mine.faiss.tmp", f"{user_dir.name}/mine.txt"} <= set(left)
    assert not {"my.tmp", fresh.name} & set(left)


def test_a_reader_never_writes_and_says_restart_after_a_reindex(tmp_path, index):
    idx, _ = index
    chat_encoder = FakeEncoder()
    chat = Retriever.open(idx, encoder=chat_encoder)     # `presscon serve`
    assert chat.search(QUESTION, k=3)
    new = FakeEncoder(dim=32, model_id="fake-bow-32")
    Retriever.reindex(idx, encoder=new).close()          # `presscon reindex --model` beside it
    manifest = (idx / "manifest.json").read_bytes()
    db = sqlite3.connect(idx / DB_FILE)
    vectors = db.execute("SELECT count(*) FROM vectors").fetchone()[0]
    chunks = db.execute("SELECT count(DISTINCT text_hash) FROM chunks").fetchone()[0]
    assert vectors == chunks
    with pytest.raises(ModelMismatchError, match="fake-bow-32.*restart"):
        chat.search(QUESTION, k=3)
    assert chat_encoder.encoded == 0
    assert db.execute("SELECT count(*) FROM vectors").fetchone()[0] == vectors
    assert db.execute("SELECT DISTINCT model_id FROM vectors").fetchall() == [("fake-bow-32",)]
    assert (idx / "manifest.json").read_bytes() == manifest
    db.close()
    chat.close()
    r = Retriever.open(idx, encoder=FakeEncoder(dim=32, model_id="fake-bow-32"))  # restarted
    assert r.search(QUESTION, k=3)
    r.close()


def test_a_reader_rebuilds_a_stale_index_in_memory_without_writing(tmp_path, index):
    """While an ingest holds the writer lock, an opening reader that finds the
    FAISS file stale serves a rebuild from memory and writes nothing."""
    from rag.index.live import writer_lock
    idx, want = index
    (idx / _manifest(idx)["faiss_file"]).unlink()
    before = sorted(p.name for p in idx.iterdir())
    manifest = (idx / "manifest.json").read_bytes()
    with writer_lock(idx):
        enc = FakeEncoder()
        r = Retriever.open(idx, encoder=enc)
        assert _hits(r, ranking="dense") == want["dense"]
        assert enc.encoded == 0
        r.close()
    assert sorted(p.name for p in idx.iterdir()) == before
    assert (idx / "manifest.json").read_bytes() == manifest


@pytest.mark.parametrize("garbage", [
    lambda blob: os.urandom(len(blob)),            # bytes overwritten inside the database
    lambda blob: blob[: len(blob) // 2],           # a vector cut short
    lambda blob: b"\xff" * len(blob)])             # NaNs
def test_damaged_vectors_in_the_database_are_refused_not_ranked(index, garbage):
    """The FAISS index is rebuilt from SQLite's vectors; vectors damaged there
    (not of unit length, NaN, the wrong size) stop the open with the database's
    name and what to do, instead of one reply ranked first for every question."""
    from click.testing import CliRunner
    from rag.errors import DatabaseDamagedError
    from rag.cli import main
    idx, _ = index
    with sqlite3.connect(idx / DB_FILE) as db:
        h, blob = db.execute("SELECT text_hash, vector FROM vectors LIMIT 1 OFFSET 3").fetchone()
        db.execute("UPDATE vectors SET vector = ? WHERE text_hash = ?", (garbage(blob), h))
    (idx / _manifest(idx)["faiss_file"]).unlink()          # so the open rebuilds from SQLite
    with pytest.raises(DatabaseDamagedError, match=rf"{DB_FILE} is damaged .*stored vector"):
        Retriever.open(idx, encoder=FakeEncoder())
    out = CliRunner().invoke(main, ["search", QUESTION, "--index", str(idx)])
    assert out.exit_code == 1 and "is damaged" in out.output and "Traceback" not in out.output
