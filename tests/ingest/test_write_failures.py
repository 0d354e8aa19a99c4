"""Item 7: a write that fails part-way through an ingest (a full disk, the
file size limit, an I/O error). The ingest stops there; the files stored
before it are reported, the file it stopped at is named with what happened,
and the exit code is 1. Failures are made by the fail point of rag/faults.py
(``PRESSCON_FAIL_AT``) in a subprocess, and once by a real ``ulimit -f``."""
from __future__ import annotations

import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from embeddings.testing import FakeEncoder
from rag import Retriever
from rag.errors import DatabaseDamagedError, DiskError, DiskFullError
from rag.faults import FAIL_ENV
from rag.retriever import DB_FILE

from conftest import ROOT
from transcripts import make_corpus

FAKE = ["--model", "fake-bow-64"]


def presscon(*args: str, env: dict | None = None, preexec_fn=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, preexec_fn=preexec_fn,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def _stored(idx: Path) -> set[str]:
    con = sqlite3.connect(idx / DB_FILE)
    try:
        return {Path(r[0]).name for r in con.execute("SELECT source FROM conferences")}
    finally:
        con.close()


def _named(lines: str, status: str) -> list[str]:
    """File names of the report lines of one status ("added  /x/2021-01-05.txt ...")."""
    return [Path(m.group(1)).name for m in re.finditer(rf"^{status}\s+(\S+?):? ", lines, re.M)]


@pytest.fixture
def files(tmp_path) -> list[Path]:
    """Eight conferences, the first stored in the index tmp_path/idx."""
    corpus = make_corpus(tmp_path / "in", 8)
    out = presscon("ingest", "-q", str(corpus[0]), "--index", str(tmp_path / "idx"), *FAKE)
    assert out.returncode == 0, out.stderr
    return corpus


def test_the_files_stored_before_a_failed_write_are_reported_before_the_error(tmp_path, files):
    """The report was lost: the only output was "Error: cannot read or write
    .../presscon.db (SQLite: disk I/O error)", though files had been stored."""
    idx = tmp_path / "idx"
    out = presscon("ingest", str(files[0].parent), "--index", str(idx),
                   env={FAIL_ENV: "ingest.file_write:3"})   # the third file written fails
    assert out.returncode == 1, out.stdout
    assert "Traceback" not in out.stderr, out.stderr
    assert _named(out.stdout, "added") == [f.name for f in files[1:3]]
    assert _named(out.stderr, "failed") == [files[3].name]
    failed = next(line for line in out.stderr.splitlines() if line.startswith("failed"))
    # what happened, and that nothing of it went in; no internal class name, no "damaged"
    assert "nothing of it was stored: an I/O error writing" in failed, failed
    assert "Error" not in failed and "damaged" not in out.stderr
    assert "stopped early" in out.stdout                      # the summary says it stopped
    assert out.stderr.rstrip().splitlines()[-1].startswith("Error: an I/O error writing")
    # the report came before the error, and says what the index now holds
    assert _stored(idx) == {f.name for f in files[:3]}
    again = presscon("ingest", "-q", str(files[0].parent), "--index", str(idx))
    assert again.returncode == 0, again.stderr
    assert _stored(idx) == {f.name for f in files}


def test_a_full_disk_is_named_and_the_json_report_still_comes(tmp_path, files):
    idx = tmp_path / "idx"
    out = presscon("ingest", "--json", str(files[0].parent), "--index", str(idx),
                   env={FAIL_ENV: "ingest.file_write:2=full"})
    assert out.returncode == 1
    report = json.loads(out.stdout)
    by_status = {f["status"]: Path(f["path"]).name for f in report["files"]}
    assert report["counts"]["added"] == 1 and by_status["added"] == files[1].name
    assert by_status["failed"] == files[2].name
    failed = next(f for f in report["files"] if f["status"] == "failed")
    assert failed["reason"].startswith("nothing of it was stored: the disk holding")
    assert failed["reason"].endswith("is full")
    assert "full" in report["stopped"] and "free some space" in out.stderr
    assert _stored(idx) == {f.name for f in files[:2]}


def test_the_file_size_limit_is_named(tmp_path):
    """The tester's case, for real: `ulimit -f` makes write() fail with EFBIG,
    which SQLite reports as "disk I/O error"; it was called damage."""
    corpus = make_corpus(tmp_path / "in", 40)
    idx = tmp_path / "idx"
    assert presscon("ingest", "-q", *map(str, corpus[:3]), "--index", str(idx),
                    *FAKE).returncode == 0
    limit = 1_500_000    # bytes: room for a few files' writes, not for 37

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    out = presscon("ingest", str(corpus[0].parent), "--index", str(idx), preexec_fn=small_files)
    assert out.returncode == 1, out.stdout
    assert "Traceback" not in out.stderr and "damaged" not in out.stderr, out.stderr
    assert f"file size limit ({limit:,} bytes, `ulimit -f`)" in out.stderr
    added = _named(out.stdout, "added")
    assert 0 < len(added) < 37
    # every file reported added is stored, and no other; the one named failed is not
    assert _stored(idx) == {f.name for f in corpus[:3]} | set(added)
    assert not set(_named(out.stderr, "failed")) & _stored(idx)
    assert presscon("ingest", "-q", str(corpus[0].parent), "--index", str(idx)).returncode == 0
    assert _stored(idx) == {f.name for f in corpus}


def test_the_api_raises_the_disk_error_with_the_report_so_far(tmp_path, monkeypatch):
    """Retriever.ingest: the error says what happened (not DatabaseDamagedError),
    and its ``report`` holds the files stored before the failure."""
    from rag.store import Store
    corpus = make_corpus(tmp_path / "in", 5)
    real, seen = Store.put_conference, []

    def put_conference(self, conference, passages):
        seen.append(conference.source)
        if len(seen) >= 3:   # the disk is full from the third file on
            raise sqlite3.OperationalError("database or disk is full")
        return real(self, conference, passages)

    monkeypatch.setattr(Store, "put_conference", put_conference)
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    with pytest.raises(DiskFullError) as caught:
        r.ingest(corpus)
    assert not isinstance(caught.value, DatabaseDamagedError)
    report = caught.value.report
    assert [(Path(f.path).name, f.status) for f in report.files] == \
        [(corpus[0].name, "added"), (corpus[1].name, "added"), (corpus[2].name, "failed")]
    assert "nothing of it was stored" in report.files[2].reason and not report.ok
    assert r.info()["conferences"] == 2 and r.search("Lithuania", k=1)
    monkeypatch.setattr(Store, "put_conference", real)
    assert r.ingest(corpus).counts["added"] == 3
    r.close()


def test_an_io_error_is_not_called_damage(tmp_path, monkeypatch):
    from rag.store import Store
    corpus = make_corpus(tmp_path / "in", 2)

    def put_conference(self, conference, passages):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Store, "put_conference", put_conference)
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    with pytest.raises(DiskError, match=r"an I/O error writing .*presscon\.db.*check the disk") \
            as caught:
        r.ingest(corpus)
    assert not isinstance(caught.value, DatabaseDamagedError)
    assert [f.status for f in caught.value.report.files] == ["failed"]
    r.close()
