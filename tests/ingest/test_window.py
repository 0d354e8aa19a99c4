"""Windowed ingest: several files' missing chunks encoded in one call, longest
first, each file still stored in its own transaction; the result is the same
index as ingesting file by file."""
from __future__ import annotations

import shutil

import numpy as np

from embeddings.testing import FakeEncoder
from rag import Retriever

from transcripts import make_corpus


class RecordingEncoder(FakeEncoder):
    def __init__(self, fail: bool = False):
        super().__init__()
        self.batches: list[list[str]] = []
        self.fail = fail

    def encode(self, texts, **kw):
        self.batches.append(list(texts))
        if self.fail and len(texts) > 30:   # a window's call, not one file's own
            raise RuntimeError("out of memory")
        return super().encode(texts, **kw)


def _ingest(root, files, enc, window):
    r = Retriever.open(root, encoder=enc)
    report = r.ingest(files, window=window)
    return r, report


def _state(r):
    ids = sorted(int(i) for i in r.store.passage_ids())
    hits = [[h.passage_id for h in r.search(q, k=5)]
            for q in ("Lithuania customs", "Winter Olympics", "Xinjiang forced labor")]
    return r.info()["passages"], r.info()["chunks"], r.store.counts(), ids, hits


def test_windowed_equals_file_by_file(tmp_path):
    files = make_corpus(tmp_path / "in", 6)
    shutil.copy(files[0], tmp_path / "in" / "copy-of-first.txt")   # a duplicate in the window
    files = sorted((tmp_path / "in").iterdir())
    one = RecordingEncoder()
    r1, rep1 = _ingest(tmp_path / "a", files, one, window=1)
    many = RecordingEncoder()
    r2, rep2 = _ingest(tmp_path / "b", files, many, window=10_000)
    assert [(f.status, f.passages, f.encoded) for f in rep1.files] == \
        [(f.status, f.passages, f.encoded) for f in rep2.files]
    assert rep2.counts["duplicate"] == 1
    assert _state(r1) == _state(r2)
    assert len(many.batches) == 1 and len(one.batches) == 6   # one call for the window
    assert many.encoded == one.encoded == rep2.encoded        # nothing encoded twice
    lengths = [len(t) for t in many.batches[0]]
    assert lengths == sorted(lengths, reverse=True)           # longest first: little padding
    def vectors(r):
        ids, vecs = zip(*r.store.iter_chunk_vectors("fake-bow-64"))
        ids, vecs = np.concatenate(ids), np.concatenate(vecs)
        return ids[np.argsort(ids)], vecs[np.argsort(ids)]
    (i1, v1), (i2, v2) = vectors(r1), vectors(r2)
    assert np.array_equal(i1, i2) and np.array_equal(v1, v2)
    assert r2.info()["vectors_in_index"] == r2.info()["chunks"]


def test_window_reencodes_nothing_already_stored(tmp_path):
    files = make_corpus(tmp_path / "in", 4)
    enc = RecordingEncoder()
    r, first = _ingest(tmp_path / "idx", files[:2], enc, window=10_000)
    before = enc.encoded
    r.close()
    r, again = _ingest(tmp_path / "idx", files, enc, window=10_000)
    assert again.counts["unchanged"] == 2 and again.counts["added"] == 2
    assert enc.encoded - before == again.encoded == sum(
        f.encoded for f in again.files if f.status == "added")


def test_failed_window_encode_falls_back_to_each_file(tmp_path):
    files = make_corpus(tmp_path / "in", 3)
    enc = RecordingEncoder(fail=True)
    r, report = _ingest(tmp_path / "idx", files, enc, window=10_000)
    # the window's one call failed; each file then encoded (and stored) its own
    assert report.counts["added"] == 3
    assert len(enc.batches) == 4
    assert r.info()["vectors_in_index"] == r.info()["chunks"] > 0
