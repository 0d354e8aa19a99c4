"""presscon.db that is another program's, damaged, read-only, or on a full
disk: a clear error naming the file and what to do, or (read-only) answers;
never a traceback, never an empty answer passed off as "No passage found"."""
from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from embeddings.testing import FakeEncoder
from rag import PressconError, Retriever
from rag.cli import main
from rag.errors import DatabaseDamagedError
from rag.retriever import DB_FILE

from conftest import ROOT
from transcripts import make_corpus

QUESTION = "Lithuania customs"


def presscon(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def _search_cli(idx: Path) -> subprocess.CompletedProcess:
    return presscon("search", QUESTION, "--index", str(idx))


@pytest.fixture
def index(tmp_path) -> Path:
    idx = tmp_path / "idx"
    r = Retriever.open(idx, encoder=FakeEncoder())
    assert r.ingest(make_corpus(tmp_path / "in", 12)).ok
    r.close()
    return idx


# -- another program's database ---------------------------------------------------
def test_a_database_of_another_program_is_refused_and_left_alone(tmp_path):
    idx = tmp_path / "theirs"
    idx.mkdir()
    db = sqlite3.connect(idx / DB_FILE)
    db.execute("CREATE TABLE conferences(room TEXT, seats INTEGER)")
    db.execute("INSERT INTO conferences VALUES ('A', 12)")
    db.commit()
    db.close()
    before = (idx / DB_FILE).read_bytes()
    with pytest.raises(PressconError, match=rf"{DB_FILE}.*not a presscon index.*conferences"):
        Retriever.open(idx, encoder=FakeEncoder())
    out = presscon("info", "--index", str(idx))
    assert out.returncode == 1 and "not a presscon index" in out.stderr
    assert "Traceback" not in out.stderr
    assert (idx / DB_FILE).read_bytes() == before           # no table added
    db = sqlite3.connect(idx / DB_FILE)
    assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["conferences"]
    db.close()


# -- a damaged database ---------------------------------------------------------------
def _zero(path: Path) -> None:
    path.write_bytes(b"")


def _truncate(path: Path) -> None:
    with open(path, "r+b") as f:
        f.truncate(path.stat().st_size // 3)


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size))


def _middle(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as f:     # the schema page and pages after it
        f.seek(0)
        head = f.read(100)           # keep the header: SQLite still opens the file
        f.seek(0)
        f.write(head + os.urandom(size // 2 - 100))


@pytest.mark.parametrize("damage", [_zero, _truncate, _garbage, _middle],
                         ids=["zero-length", "truncated", "random-file", "random-middle"])
def test_a_damaged_database_is_a_clear_error(index, damage):
    db = index / DB_FILE
    for side in (index / (DB_FILE + "-wal"), index / (DB_FILE + "-shm")):
        assert not side.exists() or side.stat().st_size == 0 or True
    damage(db)
    with pytest.raises(PressconError, match=rf"{DB_FILE}.*(restore|Restore)"):
        r = Retriever.open(index, encoder=FakeEncoder())
        r.search(QUESTION)
        r.info()
    for out in (_search_cli(index), presscon("info", "--index", str(index))):
        assert out.returncode == 1, out.stdout
        assert "Traceback" not in out.stderr and DB_FILE in out.stderr
        assert "estore" in out.stderr and "ingest" in out.stderr
        assert "No passage found" not in out.stdout


def test_a_missing_database_beside_its_manifest_is_a_clear_error(index):
    (index / DB_FILE).unlink()
    out = _search_cli(index)
    assert out.returncode == 1 and "missing" in out.stderr and "12 conferences" in out.stderr
    assert "No passage found" not in out.stdout
    assert not (index / DB_FILE).exists()         # nothing created in its place


# -- one damaged page in a database that still opens ------------------------------------
def _damage_page(db: Path, table: str, nth: int = 5) -> None:
    """Overwrite the nth leaf page of ``table`` with random bytes (the same
    bytes every run), as the tester's `dd` did; every other page stays intact."""
    con = sqlite3.connect(db)
    pages = [r[0] for r in con.execute(
        "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
        (table,))]
    size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    assert len(pages) > nth, pages
    with open(db, "r+b") as f:
        f.seek((pages[nth] - 1) * size)
        f.write(random.Random(pages[nth]).randbytes(size))


def _stored_conferences(idx: Path) -> int:
    """Rows of the conferences table, whose pages the damage leaves intact."""
    con = sqlite3.connect(idx / DB_FILE)
    try:
        return con.execute("SELECT count(*) FROM conferences").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def snapshotted(index) -> Path:
    """The index with a BM25 snapshot of every passage, as a large index has
    after its rebuilds: opening it then reads no passage row, and a damaged
    page among them is met only by what reads it."""
    for folder in index.glob("lexical.*"):
        shutil.rmtree(folder)
    Retriever.open(index, encoder=FakeEncoder()).close()   # rebuilt and saved
    assert Retriever.open(index, encoder=FakeEncoder()).info()["bm25_since_snapshot"] == 0
    return index


#: Commands that must refuse a database with that table damaged: the writers
#: (checked before they write) and those that read every row of it.
_REFUSED = {"passages": {"names", "ingest", "regroup", "remove"},
            "vectors": {"ingest", "regroup", "remove"}}


@pytest.mark.parametrize("table", ["passages", "vectors"])
def test_every_command_on_a_damaged_page_says_so_without_a_traceback(snapshotted, table):
    """Items 5 and 6: a page of `vectors` overwritten made `ingest` show a
    traceback (from its count of the stored conferences), one of `passages`
    made `names` show one, while `info` said "damaged ... restore"."""
    idx = str(snapshotted)
    _damage_page(snapshotted / DB_FILE, table)
    stored = sorted((snapshotted.parent / "in").iterdir())
    for args in (["names"], ["info"], ["search", QUESTION], ["questioners"], ["repeats"],
                 ["timeline", QUESTION], ["changes", QUESTION], ["regroup"],
                 ["ingest", "-q", str(stored[0].parent)], ["remove", str(stored[0])]):
        res = CliRunner().invoke(main, [*args, "--index", idx])
        # SystemExit: the CLI printed a message and chose the exit code; any
        # other exception would be a traceback
        assert res.exception is None or isinstance(res.exception, SystemExit), \
            (args, repr(res.exception))
        if args[0] in _REFUSED[table]:
            assert res.exit_code == 1, (args, res.output)
        if res.exit_code:
            assert f"{DB_FILE} is damaged" in res.stderr and "estore" in res.stderr, \
                (args, res.stderr)
            assert "unchanged" not in res.stdout, (args, res.stdout)
    assert _stored_conferences(snapshotted) == 12          # remove took nothing out


@pytest.mark.parametrize("table", ["passages", "vectors"])
def test_ingest_does_not_write_into_a_damaged_database(snapshotted, table, tmp_path):
    """Item 6: with a page of `passages` overwritten, ingesting the same folder
    reported "12 unchanged" (exit 0) and a new file was written into the
    damaged database; ingest now refuses before it writes, CLI and API alike."""
    _damage_page(snapshotted / DB_FILE, table)
    new = make_corpus(tmp_path / "new", 14)[12:]           # two conferences not stored yet
    res = CliRunner().invoke(main, ["ingest", "-q", *map(str, new), "--index", str(snapshotted)])
    assert res.exit_code == 1 and isinstance(res.exception, SystemExit), res.output
    assert f"{DB_FILE} is damaged" in res.stderr and "estore" in res.stderr
    r = Retriever.open(snapshotted, encoder=FakeEncoder())
    with pytest.raises(DatabaseDamagedError, match=rf"{DB_FILE} is damaged.*estore"):
        r.ingest(new)
    r.close()
    assert _stored_conferences(snapshotted) == 12


def test_damage_after_presscons_own_last_write_is_caught_by_the_next(tmp_path):
    """The whole-file check is skipped only for a database file as the last
    ingest left it: bytes written into it since, in place, are found."""
    files = make_corpus(tmp_path / "in", 14)
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    assert r.ingest(files[:12]).ok
    assert r.ingest(files[:12]).counts["unchanged"] == 12   # checked, written, recorded
    r.close()
    # file times move in clock ticks (a few ms): a write in the very tick of
    # the last record would look like no write, as for any stamp check
    time.sleep(0.05)
    _damage_page(tmp_path / "idx" / DB_FILE, "vectors")   # opening reads none of them
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    with pytest.raises(DatabaseDamagedError, match="quick_check"):
        r.ingest(files)
    r.close()
    assert _stored_conferences(tmp_path / "idx") == 12


def test_reindex_refuses_a_damaged_database_before_encoding(snapshotted):
    _damage_page(snapshotted / DB_FILE, "vectors")
    new = FakeEncoder(dim=32, model_id="fake-bow-32")
    with pytest.raises(DatabaseDamagedError, match=rf"{DB_FILE} is damaged"):
        Retriever.reindex(snapshotted, encoder=new)
    assert new.encoded == 0


# -- read-only ------------------------------------------------------------------------
def _chmod_tree(path: Path, writable: bool) -> None:
    for p in [path, *path.rglob("*")]:
        mode = p.stat().st_mode
        p.chmod(mode | 0o200 if writable else mode & ~0o222)


def test_search_works_read_only(index):
    _chmod_tree(index, writable=False)
    try:
        r = Retriever.open(index, encoder=FakeEncoder(), read_only=True)
        assert r.search(QUESTION, k=3)
        assert r.info()["read_only"] is True
        with pytest.raises(PressconError, match="read-only"):
            r.ingest(make_corpus(index.parent / "more", 1))
        r.close()
        if os.geteuid() != 0:            # the permission bits alone make the CLI read-only
            out = _search_cli(index)
            assert out.returncode == 0 and "[1]" in out.stdout, out.stderr
    finally:
        _chmod_tree(index, writable=True)


@pytest.fixture
def read_only_mount(index, tmp_path):
    """The index folder bind-mounted read-only (root ignores permission bits)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root and mount(8) for a read-only bind mount")
    target = tmp_path / "ro"
    target.mkdir()
    if subprocess.run(["mount", "--bind", str(index), str(target)],
                      capture_output=True).returncode:
        pytest.skip("bind mounts are not allowed here")
    try:
        if subprocess.run(["mount", "-o", "remount,ro,bind", str(target)],
                          capture_output=True).returncode:
            pytest.skip("read-only remounts are not allowed here")
        yield target
    finally:
        subprocess.run(["umount", str(target)], capture_output=True)


def test_cli_search_and_info_work_on_a_read_only_folder(index, read_only_mount):
    (index / "manifest.json").unlink()   # stale derived files too: rebuilt in memory only
    out = _search_cli(read_only_mount)
    assert out.returncode == 0 and "[1]" in out.stdout, out.stderr
    out = presscon("info", "--index", str(read_only_mount), "--json")
    assert out.returncode == 0 and '"read_only": true' in out.stdout, out.stderr
    for writes in (["ingest", str(index.parent / "in"), "--model", "fake-bow-64"],
                   ["reindex"], ["reindex", "--model", "fake-bow-32"],
                   ["remove", str(index.parent / "in")]):
        out = presscon(*writes, "--index", str(read_only_mount))
        assert out.returncode == 1, (writes, out.stderr)
        assert "read-only" in out.stderr and "Traceback" not in out.stderr, (writes, out.stderr)


# -- a full disk ----------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path):
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root and mount(8) for a small tmpfs")
    target = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    target.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(target)],
                      capture_output=True).returncode:
        pytest.skip("tmpfs mounts are not allowed here")
    try:
        yield target
    finally:
        subprocess.run(["umount", str(target)], capture_output=True)


def test_a_full_disk_during_ingest_keeps_what_was_stored(tmp_path, small_disk):
    idx = small_disk / "idx"
    first = make_corpus(tmp_path / "first", 3)
    out = presscon("ingest", *map(str, first), "--index", str(idx), "--model", "fake-bow-64")
    assert out.returncode == 0, out.stderr
    # fill the disk but for a little room: the next ingest runs out part-way
    free = shutil.disk_usage(small_disk).free
    (small_disk / "filler").write_bytes(b"\0" * max(0, free - 150_000))
    out = presscon("ingest", str(tmp_path / "more"), "--index", str(idx),
                   "--model", "fake-bow-64") if make_corpus(tmp_path / "more", 60) else None
    assert out.returncode == 1
    assert "full" in out.stderr and "Traceback" not in out.stderr, out.stderr
    for _ in range(2):   # and the index still answers, the disk still full
        out = _search_cli(idx)
        assert out.returncode == 0 and "[1]" in out.stdout, out.stderr
        out = presscon("info", "--index", str(idx), "--json")
        assert out.returncode == 0, out.stderr
        assert '"conferences": ' in out.stdout
    import json
    assert json.loads(out.stdout)["conferences"] >= 3
    (small_disk / "filler").unlink()     # room again: the same ingest completes
    out = presscon("ingest", str(tmp_path / "more"), "--index", str(idx), "--model", "fake-bow-64")
    assert out.returncode == 0, out.stderr
