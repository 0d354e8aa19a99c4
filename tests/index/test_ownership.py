"""presscon deletes only what it can show it wrote, as a user runs it (the CLI):
files of the user's named like presscon's temp files or generations survive
ingest and search; a user's file inside a snapshot folder survives the loss
of manifest.json; presscon's own old generations and the temp files of its
killed saves still go."""
from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import time

import pytest
from click.testing import CliRunner

from rag.cli import main
from rag.index.manifest import LEDGER_KEY, MANIFEST, SNAPSHOT_FILES
from rag.retriever import DB_FILE

from transcripts import make_corpus

FAKE = ["--model", "fake-bow-64"]
QUESTION = "Lithuania customs Olympics"


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout       # notes (stderr) may come too


def search(idx) -> list:
    return [(h["passage_id"], round(h["score"], 5)) for h in json.loads(
        cli("search", QUESTION, "--index", str(idx), "-k", "5", "--json"))]


def info(idx) -> dict:
    return json.loads(cli("info", "--index", str(idx), "--json"))


def manifest(idx) -> dict:
    return json.loads((idx / MANIFEST).read_text())


def derived(idx) -> set[str]:
    """The FAISS files and snapshot folders in the folder."""
    return {p.name for p in idx.iterdir() if p.name.startswith(("vectors.", "lexical."))}


@pytest.fixture
def idx(tmp_path, monkeypatch):
    """An index with a BM25 snapshot of its passages (not only the empty one)."""
    import rag.index.lexical as bm
    monkeypatch.setattr(bm, "REBUILD_MIN", 10)
    idx = tmp_path / "idx"
    cli("ingest", "-q", str(make_corpus(tmp_path / "in", 4)[0].parent), "--index", str(idx),
        *FAKE)
    return idx


def test_look_alike_user_files_survive_ingest_and_search(idx, tmp_path):
    # the tester's report: a copy of an index, three items of the user's named as
    # presscon's temp files were named, two hours old
    own = tmp_path / "own"
    shutil.copytree(idx, own, symlinks=True)
    mine = {"manifest.json.backup.tmp": b"x\n", "vectors.29.faiss.old.tmp": b"x\n",
            "lexical.29.save.tmp/x": b"x\n", "vectors.30.faiss": b"my vectors",
            "lexical.30/snapshot.json": b'{"mine": true}', "lexical.30/ids.npy": b"mine",
            "manifest.json.abcdefgh.tmp": b"x\n",      # even tempfile's 8 characters
            f"vectors.31.faiss.presscon-tmp-{os.getpid()}-zzzz": b"x\n"}
    for rel, data in mine.items():
        (own / rel).parent.mkdir(exist_ok=True)
        (own / rel).write_bytes(data)
    old = time.time() - 7200
    for p in own.iterdir():
        os.utime(p, (old, old))
    before = derived(own)
    cli("ingest", "-q", str(make_corpus(tmp_path / "more", 9)[-1]), "--index", str(own), *FAKE)
    assert search(own)
    cli("ingest", "-q", str(make_corpus(tmp_path / "more", 9)[-2]), "--index", str(own), *FAKE)
    for rel, data in mine.items():
        assert (own / rel).read_bytes() == data, rel
    # presscon's own older generations went all the same
    m = manifest(own)
    assert sorted(m["owned"]) == sorted([m["faiss_file"], m["lexical"]["dir"]])
    assert derived(own) - {rel.split("/")[0] for rel in mine} == set(m["owned"])
    assert not (before - {rel.split("/")[0] for rel in mine}) & set(m["owned"])
    # and presscon says what it leaves
    left = info(own)["left_in_place"]
    assert {"manifest.json.backup.tmp", "vectors.29.faiss.old.tmp", "lexical.29.save.tmp/",
            "vectors.30.faiss", "lexical.30/"} <= set(left)


def test_a_user_file_in_a_snapshot_folder_survives_a_lost_manifest(idx, caplog):
    want = search(idx)
    m = manifest(idx)
    snapshot, faiss_file = idx / m["lexical"]["dir"], m["faiss_file"]
    (snapshot / "notes.txt").write_text("mine")
    (idx / MANIFEST).unlink()
    with caplog.at_level(logging.WARNING, logger="presscon.index"):
        assert search(idx) == want            # a plain search: it repairs what it can
    assert (snapshot / "notes.txt").read_text() == "mine"
    # the rest of that folder was presscon's, proven by presscon.db's record: gone,
    # and the FAISS file too is still known as presscon's: reused, not orphaned
    assert os.listdir(snapshot) == ["notes.txt"]
    assert f"{snapshot.name}/notes.txt" in caplog.text
    m = manifest(idx)
    assert m["faiss_file"] == faiss_file and snapshot.name not in m["owned"]
    assert derived(idx) == {faiss_file, m["lexical"]["dir"], snapshot.name}
    assert info(idx)["left_in_place"] == [snapshot.name + "/"]


def test_a_user_file_in_a_snapshot_folder_survives_its_replacement(idx, tmp_path, caplog):
    snapshot = idx / manifest(idx)["lexical"]["dir"]
    (snapshot / "notes.txt").write_text("mine")
    assert info(idx)["left_in_place"] == [f"{snapshot.name}/notes.txt"]
    with caplog.at_level(logging.WARNING, logger="presscon.index"):
        for f in make_corpus(tmp_path / "more", 9)[4:]:      # until a new snapshot is saved
            cli("ingest", "-q", str(f), "--index", str(idx), *FAKE)
    assert manifest(idx)["lexical"]["dir"] != snapshot.name
    assert os.listdir(snapshot) == ["notes.txt"] and snapshot.name in caplog.text


def test_a_lost_manifest_proves_nothing_that_changed_or_was_never_recorded(idx, tmp_path):
    m = manifest(idx)
    faiss_file, snapshot = idx / m["faiss_file"], idx / m["lexical"]["dir"]
    # a FAISS file of the user's took presscon's name; presscon.db records the other
    faiss_file.unlink()
    faiss_file.write_bytes(b"my own vectors")
    (idx / MANIFEST).unlink()
    want = search(idx)
    assert faiss_file.read_bytes() == b"my own vectors"
    m = manifest(idx)
    assert m["faiss_file"] != faiss_file.name
    assert m["lexical"]["dir"] == snapshot.name           # that one was still presscon's: reused
    assert derived(idx) == {faiss_file.name, m["faiss_file"], snapshot.name}
    assert faiss_file.name in info(idx)["left_in_place"]
    # an index of an earlier presscon has no record in presscon.db: after a lost
    # manifest its derived files are left in place, whole, and named
    db = sqlite3.connect(idx / DB_FILE)
    with db:
        db.execute("DELETE FROM meta WHERE key = ?", (LEDGER_KEY,))
    db.close()
    m = manifest(idx)
    kept = {m["faiss_file"]: (idx / m["faiss_file"]).read_bytes(),
            **{f"{m['lexical']['dir']}/{n}": (idx / m["lexical"]["dir"] / n).read_bytes()
               for n in os.listdir(idx / m["lexical"]["dir"])}}
    (idx / MANIFEST).unlink()
    assert search(idx) == want
    for rel, data in kept.items():
        assert (idx / rel).read_bytes() == data, rel
    assert {m["faiss_file"], m["lexical"]["dir"] + "/"} <= set(info(idx)["left_in_place"])


def test_snapshot_folders_hold_only_names_presscon_may_delete_again(idx):
    snapshot = idx / manifest(idx)["lexical"]["dir"]
    assert {"data.csc.index.npy", "vocab.index.json", "snapshot.json"} <= set(os.listdir(snapshot))
    assert set(os.listdir(snapshot)) <= SNAPSHOT_FILES
    assert info(idx)["left_in_place"] == []
