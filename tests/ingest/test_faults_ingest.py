"""Ingest under faults: files that collide, change under it, or are not transcripts.

Each test here reproduces a reported failure (the issue's item number is in
its docstring) and checks the behaviour that replaced it.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from embeddings.testing import FakeEncoder
from rag import Retriever

from transcripts import make_corpus


def _by_name(report) -> dict[str, tuple[str, str]]:
    return {Path(f.path).name: (f.status, f.reason) for f in report.files}


@pytest.fixture
def two(tmp_path) -> list[Path]:
    """Two distinct conferences (2021-01-04 and 2021-01-05)."""
    return make_corpus(tmp_path / "src", 2)


# -- item 3: the same file name in two folders -------------------------------------
def test_same_name_in_two_folders_with_an_edit_both_go_in(tmp_path, two):
    """Item 3: x/2021-01-04.txt and y/2021-01-04.txt differing in their replies
    (same questions) collided on passage ids (IntegrityError) and aborted the
    whole ingest. (Differing in one reply of many, y's would be a copy of x's:
    tests/test_publishers.py.)"""
    x, y = tmp_path / "x", tmp_path / "y"
    x.mkdir(), y.mkdir()
    (x / two[0].name).write_bytes(two[0].read_bytes())
    edited = two[0].read_text(encoding="utf-8").replace("(Note 0.)", "(Note edited.)")
    (y / two[0].name).write_text(edited, encoding="utf-8")
    (y / "later.txt").write_bytes(two[1].read_bytes())     # a file after the collision
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    report = r.ingest([x, y])
    assert report.ok, report.files
    assert report.counts["added"] == 3
    assert r.info()["conferences"] == 3
    per_file = r.info()["passages"] // 3
    assert r.info()["passages"] == 3 * per_file
    assert r.info()["vectors_in_index"] == r.info()["chunks"]
    # ids stay stable for an unchanged file: a second run rewrites nothing
    again = r.ingest([x, y])
    assert again.counts["unchanged"] == 3 and again.encoded == 0
    ids = {p.id for p in r.store.all_passages()}
    assert len(ids) == r.info()["passages"]


def test_a_file_that_cannot_be_stored_does_not_stop_the_others(tmp_path, two, monkeypatch):
    """Item 3: an unexpected error while storing one file becomes a failed
    FileResult naming it; the files after it still go in."""
    from rag.store import Store
    real = Store.put_conference

    def put_conference(self, conference, passages):
        if conference.source.endswith(two[0].name):
            raise RuntimeError("disk said no")
        return real(self, conference, passages)

    monkeypatch.setattr(Store, "put_conference", put_conference)
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    report = r.ingest([two[0].parent])
    st = _by_name(report)
    assert st[two[0].name][0] == "failed" and "disk said no" in st[two[0].name][1]
    assert st[two[1].name][0] == "added"
    assert r.info()["conferences"] == 1
    assert r.info()["vectors_in_index"] == r.info()["chunks"]


# -- item 1: a duplicate whose original changes -------------------------------------
def _conference_dates(r) -> set[str]:
    return {p.date.isoformat() for p in r.store.all_passages()}


def _a_file_and_its_copy(tmp_path, two):
    """A folder holding A.txt and B.txt, the same conference, and an index."""
    d = tmp_path / "d"
    d.mkdir()
    (d / "A.txt").write_bytes(two[0].read_bytes())
    (d / "B.txt").write_bytes(two[0].read_bytes())
    return d, Retriever.open(tmp_path / "idx", encoder=FakeEncoder())


def test_duplicate_is_promoted_when_its_original_changes(tmp_path, two):
    """Item 1: A.txt and B.txt identical (B a duplicate); A overwritten with
    another conference: the conference B holds disappeared for good."""
    d, r = _a_file_and_its_copy(tmp_path, two)
    first = r.ingest([d])
    assert _by_name(first)["B.txt"][0] == "duplicate"
    per_file = r.info()["passages"]
    (d / "A.txt").write_bytes(two[1].read_bytes())
    report = r.ingest([d])
    assert report.ok, report.files
    assert r.info()["conferences"] == 2 and r.info()["duplicates"] == 0
    assert r.info()["passages"] == 2 * per_file
    assert _conference_dates(r) == {"2021-01-04", "2021-01-05"}
    assert r.search("Lithuania", k=1, date_from="2021-01-04", date_to="2021-01-04")
    assert r.info()["vectors_in_index"] == r.info()["chunks"]
    # and it stays so
    again = r.ingest([d])
    assert again.counts["unchanged"] == 2 and r.info()["passages"] == 2 * per_file


def test_duplicate_is_promoted_when_its_original_is_pruned(tmp_path, two):
    d, r = _a_file_and_its_copy(tmp_path, two)
    r.ingest([d])
    per_file = r.info()["passages"]
    (d / "A.txt").unlink()
    report = r.ingest([d], prune=True)
    assert report.counts["removed"] == 1
    assert r.info()["conferences"] == 1 and r.info()["passages"] == per_file
    assert r.search("Lithuania", k=1)


def test_duplicate_orphaned_by_an_older_presscon_is_repaired(tmp_path, two):
    """An index already damaged by item 1 (B a duplicate of an original that no
    longer holds its conference) heals on the next ingest."""
    import sqlite3
    from rag.retriever import DB_FILE
    d, r = _a_file_and_its_copy(tmp_path, two)
    r.ingest([d])
    per_file = r.info()["passages"]
    r.close()
    # what the old code left: A's row holding another conference (its
    # fingerprint is what tells), B still pointing at it
    db = sqlite3.connect(tmp_path / "idx" / DB_FILE)
    with db:
        db.execute("UPDATE conferences SET fingerprint = 'another conference' "
                   "WHERE source LIKE '%A.txt'")
    db.close()
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    report = r.ingest([d / "B.txt"])
    assert _by_name(report)["B.txt"][0] == "updated", report.files
    assert r.info()["duplicates"] == 0 and r.info()["passages"] == 2 * per_file


# -- item 12: what a folder holds besides transcripts ----------------------------------
def test_files_not_ingested_are_named_with_their_reason(tmp_path, two):
    """Item 12: notes.docx, image.png, a broken link and a link loop were
    skipped without a word; each is now a counted "skipped" result with its
    reason (hidden files stay silent), and skipping is not a failure."""
    d = tmp_path / "d"
    (d / "sub").mkdir(parents=True)
    (d / two[0].name).write_bytes(two[0].read_bytes())
    (d / "notes.docx").write_bytes(b"PK\x03\x04")
    (d / "sub" / "image.png").write_bytes(b"\x89PNG\r\n")
    (d / "broken.txt").symlink_to(d / "nowhere.txt")
    (d / "loop1.txt").symlink_to(d / "loop2.txt")
    (d / "loop2.txt").symlink_to(d / "loop1.txt")
    (d / ".DS_Store").write_bytes(b"\x00\x01")
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    report = r.ingest([d])
    st = _by_name(report)
    assert st[two[0].name][0] == "added"
    assert st["notes.docx"] == ("skipped", "unsupported file type '.docx'; expected one of "
                                           ".txt, .md, .html, .htm, .shtml")
    assert st["image.png"][0] == "skipped" and "'.png'" in st["image.png"][1]
    assert st["broken.txt"][0] == "skipped" and "broken symbolic link" in st["broken.txt"][1]
    for name in ("loop1.txt", "loop2.txt"):
        assert st[name][0] == "skipped" and "symbolic link loop" in st[name][1], st[name]
    assert ".DS_Store" not in st
    assert report.counts["skipped"] == 5
    assert "5 skipped" in report.summary()
    assert report.ok            # a folder with notes in it is normal


def test_cli_names_skipped_files_and_exits_zero(tmp_path, two):
    from click.testing import CliRunner
    from rag.cli import main
    d = tmp_path / "d"
    d.mkdir()
    (d / two[0].name).write_bytes(two[0].read_bytes())
    (d / "notes.docx").write_bytes(b"PK\x03\x04")
    (d / "broken.txt").symlink_to(d / "nowhere.txt")
    res = CliRunner().invoke(main, ["ingest", str(d), "--index", str(tmp_path / "idx"),
                                    "--model", "fake-bow-64"])
    assert res.exit_code == 0, res.output
    assert "notes.docx (unsupported file type '.docx'" in res.output
    assert "broken.txt (broken symbolic link" in res.output
    res = CliRunner().invoke(main, ["ingest", str(d), "--index", str(tmp_path / "idx"),
                                    "--model", "fake-bow-64", "--json"])
    data = json.loads(res.output)
    assert data["counts"]["skipped"] == 2
    # a file named explicitly that cannot be ingested still fails, as before
    res = CliRunner().invoke(main, ["ingest", str(d / "notes.docx"), str(d / "broken.txt"),
                                    "--index", str(tmp_path / "idx"), "--model", "fake-bow-64"])
    assert res.exit_code == 1
    assert "notes.docx: unsupported file type '.docx'" in res.output
    assert "broken.txt: broken symbolic link" in res.output


# -- item 8: a transcript dated in the future ------------------------------------------
def test_future_date_is_warned_and_does_not_move_last_month(tmp_path, two):
    """Item 8: a title dated 2099 went in without a word, and "last month"
    then meant a month of 2099."""
    from click.testing import CliRunner
    from rag.cli import main
    d = tmp_path / "d"
    d.mkdir()
    (d / two[0].name).write_bytes(two[0].read_bytes())          # 2021-01-04
    future = two[1].read_text(encoding="utf-8").replace("January 5, 2021", "March 3, 2099")
    assert future != two[1].read_text(encoding="utf-8")
    (d / "2099-03-03.txt").write_text(future, encoding="utf-8")
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    report = r.ingest([d])
    st = {Path(f.path).name: f for f in report.files}
    assert st["2099-03-03.txt"].status == "added"            # stored, but flagged
    assert any("2099-03-03" in w and "future" in w for w in st["2099-03-03.txt"].warnings)
    assert not st[two[0].name].warnings
    plan = r.understand("What did they say about Lithuania last month?")
    assert (plan.date_from, plan.date_to) == (dt.date(2020, 12, 1), dt.date(2020, 12, 31))
    r.close()
    res = CliRunner().invoke(main, ["ingest", str(d / "2099-03-03.txt"), "--index",
                                    str(tmp_path / "idx2"), "--model", "fake-bow-64", "-q"])
    assert res.exit_code == 0, res.output
    assert "warning" in res.output and "2099-03-03" in res.output and "future" in res.output


def test_only_future_dates_anchor_last_month_to_today(tmp_path, two):
    future = two[1].read_text(encoding="utf-8").replace("January 5, 2021", "March 3, 2099")
    f = tmp_path / "2099-03-03.txt"
    f.write_text(future, encoding="utf-8")
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    r.ingest([f])
    plan = r.understand("What did they say last year?")
    assert plan.date_from == dt.date(dt.date.today().year - 1, 1, 1)


# -- item 7: files still being written -------------------------------------------------
def _index_counts(idx: Path) -> tuple[int, int]:
    from rag.retriever import DB_FILE
    if not (idx / DB_FILE).exists():
        return 0, 0
    with Retriever.open(idx, encoder=FakeEncoder()) as r:
        info = r.info()
    return info["conferences"], info["passages"]


def _wait_for(check, timeout: float = 30.0) -> bool:
    import time
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_watch_does_not_store_a_file_a_stalled_scraper_is_writing(tmp_path, two):
    """Item 7: a scraper stalling mid-file for longer than --interval got its
    half-written file stored and served (6 of 15 passages)."""
    import subprocess
    import sys
    import time
    d = tmp_path / "d"
    d.mkdir()
    (d / two[0].name).write_bytes(two[0].read_bytes())
    idx = tmp_path / "idx"
    proc = subprocess.Popen([sys.executable, "-m", "rag.cli", "ingest", str(d), "--index",
                             str(idx), "--model", "fake-bow-64", "--watch", "--interval", "0.3"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert _wait_for(lambda: _index_counts(idx)[0] == 1), "the first round never finished"
        per_file = _index_counts(idx)[1]
        data = two[1].read_bytes()
        half = data.index(b"\n\n", len(data) // 2) + 2   # whole paragraphs: it parses
        with open(d / two[1].name, "wb") as f:
            f.write(data[:half])
            f.flush()
            stall_until = time.monotonic() + 2.5        # > --interval, many times over
            while time.monotonic() < stall_until:
                assert _index_counts(idx) == (1, per_file), "a half-written file was stored"
                time.sleep(0.2)
            f.write(data[half:])
        assert _wait_for(lambda: _index_counts(idx) == (2, 2 * per_file)), \
            f"the completed file never went in: {_index_counts(idx)}"
        assert proc.poll() is None, "the watch ended"
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert "Traceback" not in out, out


def test_watch_stores_a_file_renamed_into_place_and_survives_a_bad_round(tmp_path, two):
    import threading
    from rag.ingest.watch import watch_paths
    d = tmp_path / "d"
    d.mkdir()
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    stop, reports, errors = threading.Event(), [], []

    def round_(defer):
        if len(reports) == 1 and not errors:
            raise RuntimeError("a bad round")           # e.g. the index busy for a moment
        reports.append(r.ingest([d], defer=defer))
        return reports[-1]

    t = threading.Thread(target=watch_paths, args=([d], round_),
                         kwargs={"settle": 0.2, "stop": stop, "initial": True,
                                 "on_error": errors.append})
    t.start()
    try:
        assert _wait_for(lambda: len(reports) == 1)
        tmp = d / ".incoming.tmp"
        tmp.write_bytes(two[0].read_bytes())
        tmp.rename(d / two[0].name)
        assert _wait_for(lambda: len(errors) == 1)           # the bad round
        (d / two[1].name).write_bytes(two[1].read_bytes())   # the next event: a good round
        assert _wait_for(lambda: r.info()["conferences"] == 2), r.info()
    finally:
        stop.set()
        t.join(10)
    assert not t.is_alive()
    assert "a bad round" in str(errors[0])


def test_without_close_events_a_file_waits_until_it_is_stable(tmp_path):
    import time
    from rag.ingest.watch import WriteTracker
    f = tmp_path / "a.txt"
    f.write_text("half")
    tracker = WriteTracker(settle=0.3, closes_reported=False)
    assert not tracker.event("opened", str(f))           # our own reads are not changes
    assert not tracker.event("closed_no_write", str(f))
    assert tracker.defer(f) is None                      # no write seen: nothing to wait for
    assert tracker.event("modified", str(f))
    assert "will retry" in tracker.defer(f)
    time.sleep(0.35)
    assert tracker.defer(f) is None                      # unchanged for the settle period
    tracker.event("modified", str(f))
    tracker.defer(f)
    f.write_text("half and more")
    time.sleep(0.35)
    assert "will retry" in tracker.defer(f)              # it changed: the wait starts again
    closing = WriteTracker(settle=0.3, closes_reported=True)
    closing.event("created", str(f))
    assert "open for writing" in closing.defer(f)
    closing.event("closed", str(f))
    assert closing.defer(f) is None


def test_a_file_that_changes_while_read_is_deferred_not_stored_truncated(tmp_path, two,
                                                                         monkeypatch):
    """Item 7: the bytes read are checked against the file after reading; a
    file a writer is still appending to is left for the next run."""
    target = tmp_path / "d" / two[0].name
    target.parent.mkdir()
    data = two[0].read_bytes()
    half = data.index(b"\n\n", len(data) // 2) + 2
    target.write_bytes(data[:half])
    real = Path.read_bytes

    def read_while_written(self):
        out = real(self)
        if self.name == target.name and len(out) == half:
            with open(self, "ab") as f:      # the writer's next chunk lands mid-read
                f.write(data[half:])
        return out

    monkeypatch.setattr(Path, "read_bytes", read_while_written)
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    report = r.ingest([target.parent])
    (f,) = report.files
    assert f.status == "deferred" and "changed while reading" in f.reason
    assert r.info()["conferences"] == 0
    assert report.ok                                    # not a failure: it is retried
    again = r.ingest([target.parent])
    assert again.files[0].status == "added"
    assert r.info()["passages"] == again.files[0].passages
