"""The store's stable spread of passages (what the chat's examples read)."""
from __future__ import annotations

from embeddings.testing import FakeEncoder
from rag import Retriever

from transcripts import make_corpus


def test_a_sample_is_small_spread_and_the_same_each_time(tmp_path):
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    assert r.ingest(make_corpus(tmp_path / "in", 20)).ok
    everything = list(r.store.all_passages())
    sample = list(r.store.sample_passages(len(everything) // 5))
    assert len(everything) // 10 <= len(sample) <= len(everything) // 2
    assert [p.id for p in sample] == [p.id for p in r.store.sample_passages(len(everything) // 5)]
    assert len({p.date for p in sample}) >= 10          # spread over the 20 conference dates
    assert [p.date for p in sample] == sorted(p.date for p in sample)
    # an index no bigger than the limit is read whole
    assert [p.id for p in r.store.sample_passages(len(everything))] == [p.id for p in everything]
    r.close()
