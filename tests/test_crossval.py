"""Cross-validation on the corpus's own question -> reply pairs (rag/crossval.py)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from embeddings.testing import FakeEncoder
from rag import Retriever
from rag.crossval import (CorpusView, Pair, VectorCache, crossval, date_folds, drop_reply_words,
                          format_folds, labelled_pairs)

from transcripts import conference

TOPICS = [
    ("What is the latest on the soybean tariffs between the two countries?",
     "Trade consultations continue and the working teams keep close contact on soybean "
     "tariffs and market access for farmers."),
    ("How will the Winter Olympics in Beijing be organized for foreign athletes?",
     "The Winter Games will be streamlined, safe and splendid, and every athlete is welcome "
     "inside the closed loop."),
    ("Will developing countries get fair access to the vaccines?",
     "Vaccines should be a global public good, and developing countries deserve fair access "
     "to doses and technology transfer."),
    ("Is the Paris Agreement still binding after the withdrawal announcement?",
     "Climate change is a common challenge, and the Paris Agreement must be implemented by "
     "every party according to its commitments."),
    ("What happened to the fishing boat that sank near the reef last week?",
     "Rescue ships found all twelve crew members of the fishing vessel alive and brought "
     "them back to the harbour."),
    ("Has the railway line through the mountains to Laos been completed?",
     "The railway to Vientiane opened to traffic and freight trains now cross the border "
     "every day carrying fruit and rubber."),
]


WORDS = ("amber basalt cobalt delta ember fjord garnet harbor indigo jasper kelp lagoon "
         "meadow nickel onyx prairie quartz ridge saffron tundra umber valley willow xenon "
         "yarrow zephyr anchor beacon canyon dune").split()


def _pair(n):
    """A question and its reply sharing four words no other pair uses."""
    a, b, c, e = (f"{WORDS[(4 * n + i) % len(WORDS)]}{n}" for i in range(4))
    return f"Any update on {a} {b} {c} {e}?", f"The {a} {b} {c} {e} matter is settled now."


def _corpus(folder, days=6):
    paths = []
    for d in range(days):
        turns = [(f"Outlet{d}", *_pair(d * len(TOPICS) + t)) for t in range(len(TOPICS))]
        turns.append(("CCTV", "Thank you.", "You are welcome."))     # too short: no pair
        paths.append(conference(folder, dt.date(2020, 1, 1) + dt.timedelta(days=7 * d), turns))
    return paths


@pytest.fixture
def index(tmp_path):
    r = Retriever.open(tmp_path / "index", encoder=FakeEncoder())
    assert r.ingest(_corpus(tmp_path / "txt")).ok
    yield r
    r.close()


def test_pairs_skip_short_questions_and_replies(index):
    pairs = labelled_pairs(index.store)
    assert len(pairs) == 6 * len(TOPICS)
    assert all("Thank you" not in p.question for p in pairs)
    assert [p.date for p in pairs] == sorted(p.date for p in pairs)


def test_date_folds_keep_a_date_in_one_fold_and_cover_every_pair():
    pairs = [Pair(i, f"2020-01-{1 + i // 3:02d}", "q", "r") for i in range(30)]
    folds = date_folds(pairs, 4)
    assert sorted(i for f in folds for i in f) == list(range(30))
    dates = [{pairs[i].date for i in f} for f in folds]
    assert all(not (a & b) for j, a in enumerate(dates) for b in dates[j + 1:])
    # consecutive: every date of a fold is before every date of the next
    assert all(max(a) < min(b) for a, b in zip(dates, dates[1:]))
    assert max(map(len, folds)) - min(map(len, folds)) <= 6


def test_date_folds_refuse_too_few_dates():
    with pytest.raises(ValueError, match="2 conference dates cannot make 3 folds"):
        date_folds([Pair(1, "2020-01-01", "q", "r"), Pair(2, "2020-01-02", "q", "r")], 3)


def test_dropped_variant_has_none_of_the_reply_words():
    q = "Will developing countries get fair access to the vaccines from the richer nations?"
    reply = "Vaccines should be a global public good, and developing countries deserve access."
    out = drop_reply_words(q, reply)
    assert "vaccines" not in out.lower() and "developing" not in out and "access" not in out
    assert "fair" in out and "richer" in out and "nations" in out
    assert drop_reply_words("Vaccines for developing countries?", reply) == ""


def test_vector_cache_encodes_each_text_once(tmp_path):
    enc = FakeEncoder()
    cache = VectorCache(tmp_path / "cache", enc)
    first = cache.encode(["a b", "c d", "a b"])
    assert enc.encoded == 2 and np.allclose(first[0], first[2])
    again = VectorCache(tmp_path / "cache", FakeEncoder())   # read back from disk
    enc2 = again.encoder
    assert np.allclose(again.encode(["c d", "a b"]), first[[1, 0]]) and enc2.encoded == 0


def test_crossval_finds_replies_and_reports_every_method(index, tmp_path):
    res = crossval(index.store, index.encoder, folds=3, cache_dir=tmp_path / "cache")
    assert res.folds == 3
    n = 6 * len(TOPICS)
    for method in ("lexical", "dense", "hybrid"):
        row = res.row("as-is", method)
        assert row["n"] == n
        # the reply shares four rare words with its question: found near the top
        assert row["R@5"] > 0.8, (method, row)
    table = format_folds({"model": res})
    assert "as-is" in table and "dropped" in table and "hybrid" in table


def test_a_held_out_passage_is_scored_without_its_question(index):
    """Else the reporter's question would find itself: every chunk embeds
    it and BM25 indexes it."""
    pairs = labelled_pairs(index.store)
    view = CorpusView(index.store, index.encoder, pairs, VectorCache(None, index.encoder))
    gold = pairs[0]
    row = view.row_of[gold.passage_id]
    word = "update"                   # in every question, in no reply
    assert word not in gold.reply
    kept, held = view.fold_index([]), view.fold_index([gold.passage_id])
    assert kept.bm25(word)[row] > 0 and held.bm25(word)[row] == 0
    q = index.encoder.encode([gold.question])
    assert kept.dense(q)[0, row] > held.dense(q)[0, row]
    reply_only = index.encoder.encode([gold.reply])
    assert held.dense(reply_only)[0, row] == pytest.approx(1.0, abs=1e-5)


def test_crossval_applies_a_trainer_per_fold(index, tmp_path):
    seen = []

    def train(q, r, d):
        seen.append(len(q))
        return lambda x: -x          # the opposite direction ranks the gold last

    res = crossval(index.store, index.encoder, folds=3, cache_dir=tmp_path / "c",
                   methods=("dense",), variants=("as-is",), train=train)
    total = 6 * len(TOPICS)
    assert len(seen) == 3 and all(0 < s < total for s in seen)
    assert res.row("as-is", "dense")["R@1"] == 0.0


def test_crossval_names_a_bad_variant(index):
    with pytest.raises(ValueError, match="unknown variant 'typed'"):
        crossval(index.store, index.encoder, variants=("typed",))
