"""Ingest: bad files fail clearly without stopping the others; unchanged text is never re-encoded."""
from __future__ import annotations

import pytest

from embeddings.testing import FakeEncoder
from rag import Retriever

from conftest import SEED


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "2021-12-24.txt").write_bytes(SEED.read_bytes())
    return d


def _status(report):
    return {p.split("/")[-1]: (f.status, f.reason) for f in report.files for p in [f.path]}


def test_bad_files_are_reported_and_others_go_in(tmp_path, folder):
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "page.html").write_text("<html><head><title>Home</title></head><body>"
                                      "<ul><li>About us</li></ul></body></html>")
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    report = r.ingest([folder])
    st = _status(report)
    assert st["2021-12-24.txt"][0] == "added"
    for name in ("empty.txt", "binary.txt", "page.html"):
        assert st[name][0] == "failed", name
        assert st[name][1], f"{name} failed without a reason"
    assert not report.ok
    assert r.info()["conferences"] == 1
    assert r.search("Olympics")


def test_missing_path_and_unsupported_type(tmp_path, folder):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    report = r.ingest([tmp_path / "nope", tmp_path / "notes.pdf", folder / "2021-12-24.txt"])
    st = _status(report)
    assert st["nope"] == ("failed", "no such file or folder")
    assert st["notes.pdf"][0] == "failed" and ".pdf" in st["notes.pdf"][1]
    assert st["2021-12-24.txt"][0] == "added"


def test_unchanged_file_is_skipped_and_not_encoded(tmp_path, folder):
    enc = FakeEncoder()
    r = Retriever.open(tmp_path / "idx", encoder=enc)
    first = r.ingest([folder])
    assert first.counts["added"] == 1 and first.encoded > 0
    assert enc.encoded == first.encoded
    again = r.ingest([folder])
    assert again.counts["unchanged"] == 1
    assert again.encoded == 0 and enc.encoded == first.encoded


def test_same_conference_under_another_name_does_not_double(tmp_path, folder):
    (folder / "copy-of-seed.txt").write_bytes(SEED.read_bytes())
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    report = r.ingest([folder])
    assert report.counts["added"] == 1 and report.counts["duplicate"] == 1
    hits = r.search("Lithuania customs WTO", k=10)
    assert len({h.text for h in hits}) == len(hits)
    # removing the original promotes the copy instead of losing the conference
    original = next(f.path for f in report.files if f.status == "added")
    r.remove([original])
    assert r.info()["conferences"] == 1
    assert r.search("Lithuania customs WTO", k=1)
