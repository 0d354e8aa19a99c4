"""Incremental ingest: only new text is encoded; remove, prune, reindex, one writer at a time."""
from __future__ import annotations

import shutil
import sqlite3
import threading

import pytest

from embeddings.testing import FakeEncoder
from rag import IngestBusyError, ModelMismatchError, Retriever
from rag.retriever import DB_FILE

from transcripts import make_corpus


@pytest.fixture
def corpus(tmp_path):
    return make_corpus(tmp_path / "in", 5)


def test_new_file_costs_only_its_own_chunks(tmp_path, corpus):
    enc = FakeEncoder()
    r = Retriever.open(tmp_path / "idx", encoder=enc)
    r.ingest(corpus[:4])
    per_file = enc.encoded // 4
    before = enc.encoded
    report = r.ingest(corpus)               # four unchanged, one new
    assert report.counts == {**report.counts, "added": 1, "unchanged": 4}
    assert enc.encoded - before == report.encoded
    assert report.encoded <= per_file + 2    # the new file's chunks, not the corpus


def test_changed_reply_reencodes_only_changed_chunks(tmp_path, corpus):
    enc = FakeEncoder()
    r = Retriever.open(tmp_path / "idx", encoder=enc)
    r.ingest(corpus)
    path = corpus[0]
    text = path.read_text(encoding="utf-8")
    marker = "China always acts in a way that conforms to WTO rules."
    assert marker in text
    path.write_text(text.replace(marker, "China always abides by WTO rules."), encoding="utf-8")
    before = enc.encoded
    report = r.ingest([path])
    assert report.counts["updated"] == 1
    assert 1 <= enc.encoded - before <= 2     # the edited reply's window(s) only
    hits = r.search("abides by WTO rules", k=3, date_from="2021-01-04", date_to="2021-01-04")
    assert any("abides by WTO rules" in h.text for h in hits)
    assert not any(marker in h.text for h in r.search("conforms to WTO rules", k=20,
                                                       date_from="2021-01-04", date_to="2021-01-04"))
    assert r.info()["vectors_in_index"] == r.info()["chunks"]


def test_remove_and_prune(tmp_path, corpus):
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    r.ingest([corpus[0].parent])
    per_file = r.info()["passages"] // 5
    report = r.remove([corpus[0]])
    assert report.files[0].status == "removed" and report.files[0].passages == per_file
    assert r.info()["conferences"] == 4
    assert r.search("Lithuania", k=5, date_to="2021-01-04") == []
    corpus[1].unlink()
    report = r.ingest([corpus[0].parent], prune=True)
    # corpus[0] is still on disk, so it comes back; corpus[1] is gone, so it goes
    assert report.counts["removed"] == 1 and report.counts["unchanged"] == 3
    assert report.counts["added"] == 1
    assert r.info()["conferences"] == 4
    assert r.info()["vectors_in_index"] == r.info()["chunks"] == r.store.counts()["chunks"]
    assert r.remove([tmp_path / "never.txt"]).files[0].status == "failed"


def test_reindex_switches_model_and_resumes(tmp_path, corpus):
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    r.ingest(corpus)
    n_chunks = r.info()["chunks"]
    distinct = r.store.distinct_chunk_texts()
    r.close()
    other = FakeEncoder(dim=32, model_id="fake-bow-32")
    with pytest.raises(ModelMismatchError):
        Retriever.open(tmp_path / "idx", encoder=other)
    r2 = Retriever.reindex(tmp_path / "idx", encoder=other)
    assert other.encoded == distinct      # each distinct chunk text once
    info = r2.info()
    assert info["model_id"] == "fake-bow-32" and info["dim"] == 32
    assert info["vectors_in_index"] == n_chunks
    assert info["vectors"] == distinct   # the old model's vectors are gone
    assert r2.search("Lithuania customs", k=1)
    r2.close()
    again = FakeEncoder(dim=32, model_id="fake-bow-32")
    Retriever.reindex(tmp_path / "idx", encoder=again).close()
    assert again.encoded == 0             # everything already encoded: a rerun is free
    assert Retriever.open(tmp_path / "idx", encoder=FakeEncoder(dim=32, model_id="fake-bow-32"))


def test_second_writer_is_refused(tmp_path, corpus):
    from filelock import FileLock
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    with FileLock(str(tmp_path / "idx" / "ingest.lock")):
        held = threading.Event()
        errors = []

        def other():
            try:
                Retriever.open(tmp_path / "idx", encoder=FakeEncoder()).ingest(corpus)
            except IngestBusyError as e:
                errors.append(e)
            held.set()
        t = threading.Thread(target=other)
        t.start()
        t.join(10)
    assert errors and "another ingest" in str(errors[0])
    assert r.ingest(corpus).ok   # free again afterwards


def test_reader_sees_other_process_writes(tmp_path, corpus):
    reader = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    writer = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    assert reader.search("Lithuania", k=1) == []
    writer.ingest(corpus[:2])
    hits = reader.search("Lithuania", k=1)           # refreshed: no reopen needed
    assert hits and reader.info()["vectors_in_index"] == writer.info()["chunks"]


def test_searches_keep_answering_during_ingest(tmp_path, corpus):
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    r.ingest(corpus[:1])
    more = make_corpus(tmp_path / "more", 30)
    failures, answered = [], []
    done = threading.Event()

    def ask():
        reader = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
        while not done.is_set():
            try:
                hits = reader.search("Lithuania customs", k=3)
                answered.append(len(hits))
            except Exception as e:  # noqa: BLE001 - any error is a failure here
                failures.append(e)
    threads = [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        assert r.ingest(more).ok
    finally:
        done.set()
        for t in threads:
            t.join(10)
    assert not failures
    assert answered and min(answered) >= 1


def test_a_newer_parser_rereads_stored_files_once(tmp_path, corpus, monkeypatch):
    """Files parsed by an older parser are parsed again; only those that come out
    different are rewritten, and no chunk text is encoded twice."""
    import rag.index.lexical as bm
    from rag.parse import PARSER_VERSION
    enc = FakeEncoder()
    r = Retriever.open(tmp_path / "idx", encoder=enc)
    r.ingest(corpus)
    first = min((p for p in r.store.all_passages() if p.questioner is not None),
                key=lambda p: (p.date, p.ordinal))
    pid, questioner, text = first.id, first.questioner, first.text
    r.close()
    # as an older parser left them: one questioner read wrong (the database file
    # edited directly, as by an older presscon)
    db = sqlite3.connect(tmp_path / "idx" / DB_FILE)
    with db:
        db.execute("UPDATE conferences SET parser_version = 0")
        db.execute("UPDATE passages SET questioner = 'Old Guess' WHERE id = ?", (pid,))
    db.close()
    for snapshot in bm.LexicalIndex.snapshots(tmp_path / "idx"):
        shutil.rmtree(snapshot)
    monkeypatch.setattr(bm, "REBUILD_MIN", 10_000)  # kept through the re-parse below
    r = Retriever.open(tmp_path / "idx", encoder=enc)   # a BM25 snapshot with the old guess
    assert r.info()["bm25_snapshot"] == 60
    query = " ".join(text.split()[:12])
    assert pid in r.candidates(query, k=50, ranking="lexical", questioner="Old Guess")[1]
    before = enc.encoded
    report = r.ingest(corpus)
    # the filters see the new reading too (the passage kept its id and text)
    assert pid in r.candidates(query, k=50, ranking="lexical", questioner=questioner)[1]
    assert not r.candidates(query, k=50, ranking="lexical", questioner="Old Guess")[1]
    assert report.counts == {**report.counts, "updated": 1, "unchanged": 4}
    # the report says why a file whose bytes did not change was rewritten
    assert [f.reason for f in report.files if f.status == "updated"] == [
        f"re-read by parser version {PARSER_VERSION}, was 0"]
    assert enc.encoded == before                          # same texts: vectors reused
    assert not [p for p in r.store.all_passages() if p.questioner == "Old Guess"]
    db = sqlite3.connect(tmp_path / "idx" / DB_FILE)
    try:
        assert db.execute("SELECT count(*) FROM passages WHERE questioner = 'Old Guess'"
                          ).fetchone()[0] == 0
        assert {v for (v,) in db.execute("SELECT parser_version FROM conferences")} == \
            {PARSER_VERSION}
    finally:
        db.close()
    assert r.ingest(corpus).counts == {**r.ingest(corpus).counts, "unchanged": 5}
    r.close()
    r = Retriever.open(tmp_path / "idx", encoder=enc)   # and so does a fresh process
    assert pid in r.candidates(query, k=50, ranking="lexical", questioner=questioner)[1]
    r.close()
