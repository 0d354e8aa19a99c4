"""The in-memory BM25 index: FTS5-compatible scores, snapshot + tail, filters, persistence."""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import time

import numpy as np
import pytest

import rag.index.lexical as bm
from rag import Retriever
from rag.index.lexical import LexicalIndex
from rag.index.manifest import SNAPSHOT_FILES
from rag.index.tokenize import query_tokens, tokens
from rag.parse import normalize_outlet
from rag.retriever import DB_FILE

from transcripts import make_corpus


def rows(n: int, start: int = 0) -> list[tuple]:
    topics = ["trade talks with the United States", "the South China Sea", "vaccine cooperation",
              "Olympic Games in Beijing", "climate change and emissions"]
    return [(1000 + i, (dt.date(2020, 1, 1) + dt.timedelta(days=i)).isoformat(),
             ["Reuters", "AFP", "Kyodo", None][i % 4], ["Zhao Lijian", "Hua Chunying"][i % 2],
             f"What about {topics[i % 5]}?",
             f"On {topics[i % 5]}, our position is consistent. Reply number {i} of the set.",
             ["Ministry of Foreign Affairs of China", "The White House"][i % 3 == 0])
            for i in range(start, start + n)]


def test_tokens_fold_case_accents_and_stem_like_fts5():
    assert tokens("China's COVID-19 Résumés") == ["china", "s", "covid", "19", "resum"]
    assert tokens("under_score") == ["under", "score"]
    # the question's stopwords go; repeated words count once
    assert query_tokens("What did China say about vaccines and vaccine exports?") == \
        ["vaccin", "export"]


@pytest.mark.parametrize("where", ["snapshot", "tail"])
def test_scores_match_sqlite_fts5_bm25(retriever, where):
    if where == "snapshot":
        lex = LexicalIndex.build(retriever.store.lexical_rows())
    else:   # the seed went in after an empty snapshot: all of it is tail
        lex = retriever.live.lexical
        assert lex.snapshot_n == 0 and len(lex) == 12
    # FTS5's own bm25(), read from the database file as any SQLite client would
    db = sqlite3.connect(retriever.index_dir / DB_FILE)
    try:
        for word in ("olympics", "Taiwan", "cooperation", "sanctions", "human"):
            want = dict(db.execute(
                "SELECT rowid, -bm25(passages_fts, 1.0, 1.0) FROM passages_fts "
                "WHERE passages_fts MATCH ?", (f'"{word}"',)).fetchall())
            assert want, word
            got = dict(lex.top(lex.scores(word), 1000))
            assert got.keys() == want.keys(), word
            for pid, s in want.items():
                assert got[pid] == pytest.approx(s, rel=1e-4), word
    finally:
        db.close()


def test_tail_scores_like_a_rebuild_and_removed_rows_vanish():
    base, new = rows(200), rows(10, start=200)
    full = LexicalIndex.build(base + new)
    current = np.array(sorted(r[0] for r in base[5:] + new), np.int64)
    by_id = {r[0]: r for r in base + new}
    lex = LexicalIndex.build(base).synced(current, lambda ids: [by_id[i] for i in ids], NONE)
    assert len(lex) == 205
    q = "vaccine cooperation reply 203"
    got, want = dict(lex.top(lex.scores(q), 20)), dict(full.top(full.scores(q), 20))
    assert next(iter(got)) == next(iter(want)) == 1203       # the tail's row ranks first
    assert got[1203] == pytest.approx(want[1203], rel=0.1)   # snapshot statistics, close
    removed = {r[0] for r in base[:5]}
    assert not removed & set(dict(lex.top(lex.scores("trade talks"), 1000)))
    assert lex.of(lex.scores("trade talks"), [1000, 1005]) == {1005: pytest.approx(
        lex.scores("trade talks")[lex.rows([1005])[0]])}


NONE = lambda since: []  # noqa: E731  (no conference stored since the snapshot)


def test_stale_after_enough_changes(monkeypatch):
    monkeypatch.setattr(bm, "REBUILD_MIN", 3)
    base, extra = rows(100), rows(3, start=100)
    by_id = {r[0]: r for r in base + extra}
    lex = LexicalIndex.build(base)
    ids = np.array([r[0] for r in base], np.int64)

    def synced(current, since=NONE):
        return lex.synced(np.sort(np.asarray(current, np.int64)),
                          lambda ids: [by_id[i] for i in ids], since)
    assert not synced(ids).stale
    # threshold: max(REBUILD_MIN, 5% of 100) = 5 changes
    assert not synced(np.concatenate([ids[3:], [1100, 1101]])).stale
    assert synced(np.concatenate([ids[3:], [1100, 1101, 1102]])).stale
    assert not LexicalIndex.build(rows(1000)).synced(
        np.arange(1000, 1980), lambda ids: [], NONE).stale     # 20 < 5% of 1000


def test_a_passage_rewritten_under_its_id_is_caught():
    """A newer parser can name another questioner without changing the text (or
    id): conferences stored since the snapshot are read again."""
    base = rows(20)
    lex = LexicalIndex.build(base)
    ids = np.array([r[0] for r in base], np.int64)
    assert lex.mask(questioner="Xinhua").sum() == 0
    changed = (base[0][0], base[0][1], "Xinhua", *base[0][3:])
    seen = []

    def since(t):
        seen.append(t)
        return [changed]
    now = lex.synced(ids, lambda ids: [], since)
    assert seen == [lex.built_at]
    assert len(now) == 20 and now.mask(questioner="Xinhua").sum() == 1
    found = [p for p, _ in now.top(now.scores("trade talks"), 100)]
    assert found.count(base[0][0]) == 1 and len(found) == 4        # scored once, as tail
    # and it is its live tail row that answers for the id: its BM25 score (for
    # the dense side's candidates) and its filters (a publisher preferred, a
    # questioner kept), not the dead snapshot row (read as nothing before)
    pid = base[0][0]
    assert now.of(now.scores("trade talks"), [pid])[pid] > 0
    assert now.allowed(now.mask(questioner="Xinhua"), [pid]) == {pid}
    assert now.rows([pid])[0] == len(base)       # the first tail row


def test_mask_filters_like_sql():
    lex = LexicalIndex.build(rows(40))
    m = lex.mask(questioner="kyodo news", date_from=dt.date(2020, 1, 10),
                 date_to=dt.date(2020, 1, 31))
    picked = {int(i) for i in lex.columns.ids[m]}
    assert picked == {1000 + i for i in range(9, 31) if i % 4 == 2}
    assert not lex.mask(spokesperson="Nobody").any()
    assert lex.mask(spokesperson="HUA CHUNYING").sum() == 20
    assert {int(i) for i in lex.columns.ids[lex.mask(publisher="the white house")]} == \
        {1000 + i for i in range(40) if i % 3 == 0}
    assert not lex.mask(publisher="Nobody").any()
    assert lex.mask() is None


def test_save_load_round_trip_and_old_snapshots_go(tmp_path):
    lex = LexicalIndex.build(rows(50))
    # a save in progress (this process's, an hour old at most): kept
    busy = tmp_path / f"lexical.3.presscon-tmp-{os.getpid()}-{'b' * 16}"
    busy.mkdir()
    killed = tmp_path / f"lexical.2.presscon-tmp-{os.getpid()}-{'d' * 16}"   # two hours ago
    killed.mkdir()
    (killed / "ids.npy").write_bytes(b"half")
    os.utime(killed, (time.time() - 7200, time.time() - 7200))
    old_style = tmp_path / "lexical.2.99.tmp"   # an older presscon's name, or a user's: kept
    old_style.mkdir()
    os.utime(old_style, (time.time() - 7200, time.time() - 7200))
    lex.save(tmp_path, 3)
    assert not killed.exists() and busy.exists() and old_style.exists()
    assert set(os.listdir(tmp_path / "lexical.3")) <= SNAPSHOT_FILES      # what it may delete
    loaded = LexicalIndex.load(tmp_path)
    assert loaded.path == tmp_path / "lexical.3"
    q = "South China Sea reply 7"
    assert loaded.top(loaded.scores(q), 5) == lex.top(lex.scores(q), 5)
    LexicalIndex.build(rows(60)).save(tmp_path, 9)
    assert [p.name for p in LexicalIndex.snapshots(tmp_path)] == ["lexical.9"]
    assert len(LexicalIndex.load(tmp_path).columns.ids) == 60
    LexicalIndex.build(rows(55)).save(tmp_path, 7)   # a slower process, older state
    assert [p.name for p in LexicalIndex.snapshots(tmp_path)] == ["lexical.9", "lexical.7"]
    assert len(LexicalIndex.load(tmp_path).columns.ids) == 60


def test_empty_index_and_empty_query():
    lex = LexicalIndex.build([])
    assert lex.top(lex.scores("anything"), 5) == []
    lex = LexicalIndex.build(rows(5))
    assert lex.top(lex.scores("the of and"), 5) == []


def test_retriever_adds_a_file_without_rebuilding_then_rebuilds_when_stale(tmp_path, encoder,
                                                                          monkeypatch):
    monkeypatch.setattr(bm, "REBUILD_MIN", 20)
    corpus = make_corpus(tmp_path / "in", 6)
    r = Retriever.open(tmp_path / "idx", encoder=encoder)
    r.ingest(corpus[:5])                         # 60 passages: more than 20, a snapshot
    assert r.live.lexical.snapshot_n == 60
    first = LexicalIndex.newest(tmp_path / "idx")
    assert first is not None and r.live.lexical.path == first
    before = set(r.store.passage_ids().tolist())
    r.ingest(corpus[5])                          # 12 passages: the tail, no rebuild
    assert LexicalIndex.newest(tmp_path / "idx") == first
    new = set(r.store.passage_ids().tolist()) - before
    assert len(new) == 12 and r.live.lexical.snapshot_n + 12 == len(r.live.lexical)
    assert (r.info()["bm25_snapshot"], r.info()["bm25_since_snapshot"]) == (60, 12)
    _, lexical = r.candidates("Olympic motto together", k=100, ranking="lexical")
    assert new & set(lexical)
    monkeypatch.setattr(bm, "REBUILD_MIN", 0)
    r.remove(corpus[0])             # 12 added + 12 removed > 5% of 60
    assert LexicalIndex.newest(tmp_path / "idx") != first
    assert r.live.lexical.snapshot_n == len(r.live.lexical) == r.store.count("passages")
    r.close()


def test_missing_or_broken_snapshot_is_rebuilt_on_open(tmp_path, encoder, seed_copy):
    r = Retriever.open(tmp_path / "idx", encoder=encoder)
    r.ingest(seed_copy)
    want = r.search("diplomatic boycott", ranking="lexical")
    snap = LexicalIndex.newest(tmp_path / "idx")
    r.close()
    (snap / bm.SNAPSHOT_FILE).write_text("{not json", encoding="utf-8")
    r = Retriever.open(tmp_path / "idx", encoder=encoder)
    assert r.search("diplomatic boycott", ranking="lexical") == want
    fixed = json.loads((LexicalIndex.newest(tmp_path / "idx") / bm.SNAPSHOT_FILE).read_text())
    assert fixed["passages"] == 12
    r.close()


def passes(p, questioner=None, spokesperson=None, date_from=None, date_to=None) -> bool:
    """The search filters over one stored passage, spelled out: names without
    case ("Kyodo News" finds what the parser stored as "Kyodo"), dates inclusive."""
    if questioner:
        want = (normalize_outlet(questioner) or questioner).casefold()
        if (p.questioner or "").casefold() != want:
            return False
    if spokesperson and (p.spokesperson or "").casefold() != spokesperson.casefold():
        return False
    if date_from and p.date < date_from:
        return False
    if date_to and p.date > date_to:
        return False
    return True


@pytest.mark.parametrize("kind", ["spokesperson", "dates", "questioner"])
def test_wide_filter_post_filters_like_the_exact_list(tmp_path, encoder, monkeypatch, kind):
    import rag.rank.candidates as rc
    r = Retriever.open(tmp_path / "idx", encoder=encoder)
    r.ingest(make_corpus(tmp_path / "in", 8))
    filters = {"spokesperson": {"spokesperson": "zhao lijian"},
               "dates": {"date_from": dt.date(2021, 1, 5), "date_to": dt.date(2021, 1, 7)},
               "questioner": {"questioner": r.questioners()[0][0]}}[kind]
    passing = {p.id for p in r.store.all_passages() if passes(p, **filters)}
    assert passing
    q = "Winter Olympics diplomatic boycott"
    exact_dense, exact_lex = r.candidates(q, k=5, **filters)
    exact_hits = r.search(q, k=5, understand=False, **filters)
    monkeypatch.setattr(rc, "EXACT_FILTER_MAX", 0)   # every filter takes the wide path
    wide_dense, wide_lex = r.candidates(q, k=5, **filters)
    assert exact_dense and set(wide_dense) <= passing and set(wide_lex) <= passing
    # the wide path searches deeper, so it holds at least what the exact list found
    assert {p: wide_dense[p] for p in exact_dense} == exact_dense
    assert r.search(q, k=5, understand=False, **filters) == exact_hits
    r.close()


def test_the_snapshot_keeps_the_words_as_written_and_the_tail_adds_its_own(tmp_path):
    from rag.index.words import WORDS_FILE
    base, new = rows(40), rows(5, start=40)
    new = [(*r[:5], r[5] + " Tsingtao", *r[6:]) for r in new]
    LexicalIndex.build(base).save(tmp_path, 3)
    loaded = LexicalIndex.load(tmp_path)
    words = loaded.words()
    # as written: case kept in the forms, passages counted once per word
    assert words.passages["beijing"] == 8 and words.forms["Beijing"] == 16   # question + reply
    assert words.passages["position"] == 40 and "tsingtao" not in words.passages
    by_id = {r[0]: r for r in base + new}
    current = np.array(sorted(by_id), np.int64)
    synced = loaded.synced(current, lambda ids: [by_id[i] for i in ids], NONE)
    assert synced.words().passages["tsingtao"] == 5 and synced.words().forms["Tsingtao"] == 5
    assert synced.words().passages["position"] == 45
    # a damaged word count fails the snapshot's checks: rebuilt, like a damaged .npy
    (tmp_path / "lexical.3" / WORDS_FILE).write_text("{}", encoding="utf-8")
    assert LexicalIndex.load(tmp_path) is None


def test_spelling_reads_the_snapshots_words_not_every_passage(tmp_path, monkeypatch):
    from embeddings.testing import FakeEncoder
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    assert r.ingest(make_corpus(tmp_path / "in", 3)).ok
    r.close()
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    read_all = []
    original = r.store.lexical_rows
    monkeypatch.setattr(r.store, "lexical_rows",
                        lambda ids=None: read_all.append(ids) or original(ids))
    answer = r.ask("What about Lithaunia and the customs?")
    assert answer.searched_for == "What about Lithuania and the customs?"
    assert None not in read_all          # every passage was not read for the vocabulary
    r.close()
