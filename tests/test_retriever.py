"""The Python API contract of DESIGN.md, on the seed, with the fake encoder."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from embeddings.testing import FakeEncoder
from rag import Hit, ModelMismatchError, PressconError, Retriever

from conftest import SEED


def _collapse(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


SEED_TEXT = _collapse(SEED.read_text(encoding="utf-8"))


def test_search_returns_typed_verbatim_hits(retriever):
    hits = retriever.search("Lithuania customs clearance EU WTO", k=3)
    assert 1 <= len(hits) <= 3
    h = hits[0]
    assert isinstance(h, Hit)
    assert h.date == dt.date(2021, 12, 24)
    assert h.spokesperson == "Zhao Lijian"
    assert h.questioner == "MASTV"
    assert "Lithuania" in h.text
    assert h.question and "Dombrovskis" in h.question
    assert h.citation == "Zhao Lijian, press conference of 24 December 2021, answering MASTV"
    assert isinstance(h.passage_id, int) and isinstance(h.score, float)
    for hit in hits:
        # every paragraph of every reply is a verbatim substring of the transcript
        for para in hit.text.split("\n\n"):
            assert _collapse(para) in SEED_TEXT
    assert [x.score for x in hits] == sorted((x.score for x in hits), reverse=True)


def test_filters(retriever):
    hits = retriever.search("Olympics", k=10, questioner="Phoenix TV")
    assert hits and all(h.questioner == "Phoenix TV" for h in hits)
    assert retriever.search("Olympics", k=5, date_from="2022-01-01") == []
    assert retriever.search("Olympics", k=5, date_to=dt.date(2021, 12, 23)) == []
    assert retriever.search("Olympics", k=5, date_from="2021-12-24", date_to="2021-12-24")
    # periods as the CLI and the chat's date boxes take them: first day / last day
    for d_from, d_to in (("2021", "2021"), ("2021-12", "2021-12"), ("December 2021", "Dec 2021"),
                         ("late 2021", None)):
        assert retriever.search("Olympics", k=5, date_from=d_from, date_to=d_to), (d_from, d_to)
    assert retriever.search("Olympics", k=5, date_to="November 2021") == []
    assert retriever.search("Olympics", k=5, date_from="2022") == []
    assert retriever.search("Olympics", k=5, spokesperson="zhao lijian")
    assert retriever.search("Olympics", k=5, questioner="phoenix tv")
    # a name the index does not hold is a mistake, reported with the nearest
    # it holds (like a publisher), not an empty answer
    with pytest.raises(PressconError, match="no spokesperson 'Zhao Lijan' in this index; "
                                            "nearest: 'Zhao Lijian'"):
        retriever.search("Olympics", k=5, spokesperson="Zhao Lijan")
    with pytest.raises(PressconError, match="no questioner 'No Such Outlet'"):
        retriever.ask("Olympics", k=5, questioner="No Such Outlet")


@pytest.mark.parametrize("ranking", ["hybrid", "dense", "lexical", "rrf"])
def test_rankings_find_the_reply(retriever, ranking):
    hits = retriever.search("Japan Olympic Committee Yamashita attend", k=3, ranking=ranking)
    assert any("Japan" in h.text for h in hits)


@pytest.mark.parametrize("words", ["assimilation", "arbitrarily", "atmosphere accusations"])
def test_a_keyword_search_puts_the_replies_holding_its_words_first(retriever, words):
    """One or two words ("premature") score low in BM25 however exact the match,
    and the encoder has no meaning to go on: the replies holding them come first."""
    hit = retriever.search(words, k=3)[0]
    held = _collapse(f"{hit.question or ''} {hit.text}").lower()
    assert any(w in held for w in words.split()), (words, hit.text[:200])


def test_a_keyword_search_kept_to_one_person_is_close_only_where_the_word_is(retriever):
    """Kept to a spokesperson, a search is judged by its names: for a keyword
    search that is the keyword, in any case ("lithuania" too)."""
    for word in ("Lithuania", "lithuania"):
        answer = retriever.ask(word, k=10, spokesperson="Zhao Lijian")
        held = ["lithuania" in f"{h.question or ''} {h.text}".lower() for h in answer.hits]
        assert any(held) and not all(held)
        assert answer.hits[0].close and held[0]
        assert not any(h.close for h, has in zip(answer.hits, held) if not has), word


def test_a_mistyped_name_read_as_the_spokesperson_is_not_reported_missing(retriever):
    answer = retriever.ask("What did Zha Lijian say about Lithuania?", k=3)
    assert answer.understood == ("spokesperson Zhao Lijian",)
    assert "Zha" not in answer.not_found
    # a name nobody in the index has still is
    assert "Wenbin" in retriever.ask("What did Wang Wenbin say about Lithuania?", k=3).not_found


@pytest.mark.parametrize("bad, message", [
    ("", "empty"), ("   ", "empty"), ("x" * 100_000, "100,000 characters"),
])
def test_bad_questions_are_clear_errors(retriever, bad, message):
    with pytest.raises(PressconError, match=message):
        retriever.search(bad)


def test_bad_arguments(retriever):
    with pytest.raises(PressconError, match="k must be"):
        retriever.search("Olympics", k=0)
    with pytest.raises(PressconError, match="date_from"):
        retriever.search("Olympics", date_from="2021-24-12")
    # day first where the first number cannot be a month: 24 December
    assert retriever.search("Olympics", date_from="24/12/2021", date_to="24/12/2021")
    with pytest.raises(PressconError, match="after"):
        retriever.search("Olympics", date_from="2022-01-01", date_to="2021-01-01")


def test_a_question_holding_bytes_no_text_encoding_reads_is_searched(retriever):
    # a terminal that is not UTF-8 hands Python its bytes as lone surrogates
    hits = retriever.search("Olympics \udcff", k=2)
    assert hits and any("Olympic" in h.text for h in hits)
    assert retriever.ask("Olympics \ud800", k=1).hits


def test_arguments_that_are_no_text_or_path_are_clear_errors(retriever, tmp_path, monkeypatch):
    with pytest.raises(PressconError, match="must be text"):
        retriever.understand(None)
    for bad in (None, [None], [""]):
        with pytest.raises(PressconError, match="files or folders"):
            retriever.ingest(bad)
    here = tmp_path / "working"
    here.mkdir()
    monkeypatch.chdir(here)
    with pytest.raises(PressconError, match="must be a path"):
        Retriever.open("")
    assert not any(here.iterdir())       # no index made in the working directory


def test_reopen_loads_index_without_encoding(tmp_path, retriever):
    n = retriever.info()["passages"]
    retriever.close()
    enc = FakeEncoder()
    r2 = Retriever.open(tmp_path / "index", encoder=enc)
    assert r2.info()["passages"] == n
    assert r2.info()["vectors_in_index"] == r2.info()["chunks"]
    r2.search("Olympics")
    assert enc.encoded == 0  # queries use encode_query; no passage re-encoded


def test_missing_faiss_file_is_rebuilt_from_sqlite(tmp_path, retriever):
    before = [h.passage_id for h in retriever.search("Winter Olympics Russia Putin", k=5)]
    retriever.close()
    for f in (tmp_path / "index").glob("vectors.*.faiss"):
        f.unlink()
    enc = FakeEncoder()
    r2 = Retriever.open(tmp_path / "index", encoder=enc)
    assert enc.encoded == 0
    assert [h.passage_id for h in r2.search("Winter Olympics Russia Putin", k=5)] == before


def test_other_model_is_refused(tmp_path, retriever):
    retriever.close()
    with pytest.raises(ModelMismatchError, match="presscon reindex"):
        Retriever.open(tmp_path / "index", encoder=FakeEncoder(dim=32, model_id="fake-bow-32"))


def test_an_index_chunked_by_an_older_presscon_names_reindex_then_works(tmp_path, retriever):
    import sqlite3
    from rag import PressconError
    from rag.retriever import DB_FILE
    before = [h.passage_id for h in retriever.search("Winter Olympics Russia Putin", k=5)]
    retriever.close()
    db = sqlite3.connect(tmp_path / "index" / DB_FILE)   # as an older presscon left it
    with db:
        db.execute("UPDATE meta SET value = 'qwin-160-40' WHERE key = 'chunking'")
    db.close()
    with pytest.raises(PressconError, match=r"older presscon.*presscon reindex --index .*"
                                            r"then `presscon ingest`"):
        Retriever.open(tmp_path / "index", encoder=FakeEncoder())
    Retriever.reindex(tmp_path / "index", encoder=FakeEncoder()).close()
    r = Retriever.open(tmp_path / "index", encoder=FakeEncoder())
    assert [h.passage_id for h in r.search("Winter Olympics Russia Putin", k=5)] == before
    r.close()


def test_manifest_records_model(tmp_path, retriever):
    import json
    m = json.loads((tmp_path / "index" / "manifest.json").read_text())
    assert m["model_id"] == "fake-bow-64"
    assert m["dim"] == 64
    assert m["generation"] == retriever.store.generation()
    assert m["chunks"] == retriever.info()["chunks"] == m["vectors_in_index"]


def test_hit_to_dict_is_json_ready(retriever):
    import json
    d = retriever.search("Olympics", k=1)[0].to_dict()
    assert d["date"] == "2021-12-24"
    json.dumps(d)
    for field in ("text", "date", "questioner", "spokesperson", "question", "score",
                  "citation", "passage_id"):
        assert field in d


def test_info_does_not_fail_on_a_file_an_ingest_renames_away_meanwhile(retriever, monkeypatch):
    """`presscon info` beside `ingest --watch`: a temporary file listed, then
    renamed before its size is read (seen in a watch test)."""
    import pathlib
    gone = retriever.index_dir / "vectors.9.faiss.presscon-tmp-1-abc"
    gone.write_bytes(b"x" * 10)
    real_stat, real_is_file = pathlib.Path.stat, pathlib.Path.is_file

    def stat(self, *a, **kw):
        if self.name == gone.name:
            raise FileNotFoundError(self)
        return real_stat(self, *a, **kw)

    monkeypatch.setattr(pathlib.Path, "is_file",
                        lambda self: True if self.name == gone.name else real_is_file(self))
    monkeypatch.setattr(pathlib.Path, "stat", stat)
    assert retriever.info()["passages"] > 0
