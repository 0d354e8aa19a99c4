"""Citations exported as plain text, CSV and JSON: parse back, round-trip, fields present."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner

from embeddings.testing import FakeEncoder
from rag import Hit, Retriever
from rag.cli import main
from rag.present.export import FIELDS, citation_rows, export_hits, to_csv, to_json, to_text
from rag.results import Citation

from transcripts import TAIWAN, TAIWAN_2, TAIWAN_3, taiwan_corpus

QUERY = "Taiwan one-China principle joint communiques"
# a reply that tests the formats' quoting: commas, quotes, a paragraph break, non-ASCII
AWKWARD = 'We said "no", firmly, to the so-called “plan”.\n\nSecond paragraph; café, 6,000 — ok'


def _hit() -> Hit:
    cites = (Citation(1, dt.date(2019, 2, 1), "AFP", "Lu Kang", 'Is it "true", then?', AWKWARD,
                      "Lu Kang, press conference of 1 February 2019, answering AFP",
                      source="/c/2019-02-01.txt"),
             Citation(2, dt.date(2020, 3, 4), None, "Geng Shuang", None, AWKWARD + "!",
                      "Geng Shuang, press conference of 4 March 2020, answering an unnamed "
                      "questioner", source="/c/2020-03-04.txt", url="https://x/y"))
    c = cites[-1]
    return Hit(text=c.text, date=c.date, questioner=c.questioner, spokesperson=c.spokesperson,
               question=c.question, score=0.9, citation=c.citation, passage_id=c.passage_id,
               source=c.source, url=c.url, citations=cites)


def test_rows_have_every_field_and_occasion():
    single = Hit(text="Only once.", date=dt.date(2021, 5, 6), questioner="Reuters",
                 spokesperson="Hua Chunying", question="Q?", score=0.1, citation="c",
                 passage_id=7, source="/c/x.txt")
    rows = citation_rows([_hit(), single])
    assert [r["result"] for r in rows] == [1, 1, 2]
    assert all(tuple(r) == FIELDS for r in rows)
    assert rows[0]["reply"] == AWKWARD and rows[1]["reply"] == AWKWARD + "!"
    assert rows[2] == {"result": 2, "date": "2021-05-06", "publisher": "", "questioner": "Reuters",
                       "spokesperson": "Hua Chunying", "question": "Q?", "reply": "Only once.",
                       "source": "/c/x.txt", "citation": "c", "passage_id": 7, "url": None}


def test_csv_parses_back_with_the_csv_module():
    text = to_csv([_hit()])
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == FIELDS
    assert [r["reply"] for r in rows] == [AWKWARD, AWKWARD + "!"]
    assert rows[0]["question"] == 'Is it "true", then?'
    assert rows[1]["questioner"] == "" and rows[1]["question"] == ""
    assert [r["date"] for r in rows] == ["2019-02-01", "2020-03-04"]
    assert rows[1]["url"] == "https://x/y" and rows[0]["passage_id"] == "1"


def test_json_round_trips():
    data = json.loads(to_json([_hit()]))
    assert data == citation_rows([_hit()])
    assert data[0]["reply"] == AWKWARD and data[1]["questioner"] is None
    assert set(FIELDS) <= set(data[0])


def test_text_shows_the_reply_once_and_every_occasion():
    text = to_text([_hit()])
    assert text.count(AWKWARD + "!") == 1
    assert "Given 2 times, from 1 February 2019 to 4 March 2020:" in text
    assert "- Lu Kang, press conference of 1 February 2019, answering AFP (other wording)" in text
    assert "/c/2020-03-04.txt" in text
    assert to_text([]) == ""
    # the question it answered comes before the reply, when the reply has one
    single = Hit(text="Only once.", date=dt.date(2021, 5, 6), questioner="Reuters",
                 spokesperson="Hua Chunying", question="Is it true?", score=0.1, citation="c",
                 passage_id=7, source="/c/x.txt")
    assert to_text([single]).startswith("[1] c\n\nQ: Is it true?\n\nOnly once.\n")
    assert "Q:" not in text      # a statement: no question to show


def test_export_hits_dispatch():
    h = [_hit()]
    assert export_hits(h, "csv") == to_csv(h)
    assert export_hits(h, "json") == to_json(h)
    assert export_hits(h) == to_text(h)
    with pytest.raises(ValueError):
        export_hits(h, "xml")


# -- through search and the CLI ---------------------------------------------------------
@pytest.fixture
def idx(tmp_path):
    files = taiwan_corpus(tmp_path / "in")
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    r.ingest(list(files.values()))
    r.close()
    return tmp_path / "idx"


def test_search_results_export(idx):
    r = Retriever.open(idx, encoder=FakeEncoder())
    hits = r.search(QUERY, k=1)
    rows = list(csv.DictReader(io.StringIO(export_hits(hits, "csv"), newline="")))
    assert [r_["reply"] for r_ in rows] == [TAIWAN, TAIWAN_2, TAIWAN_3]
    assert [r_["questioner"] for r_ in rows] == ["AFP", "Reuters", "Bloomberg"]
    assert [r_["spokesperson"] for r_ in rows] == ["Geng Shuang", "Geng Shuang", "Hua Chunying"]
    assert all(r_["source"].endswith(".txt") and r_["question"] for r_ in rows)


@pytest.mark.parametrize("fmt", ["csv", "json", "text"])
def test_cli_search_format(idx, fmt):
    res = CliRunner().invoke(main, ["search", QUERY, "--index", str(idx), "-k", "1",
                                    "--format", fmt])
    assert res.exit_code == 0, res.output
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(res.stdout, newline="")))   # notes go to stderr
        assert [r["date"] for r in rows] == ["2019-03-01", "2019-06-10", "2020-01-15"]
    elif fmt == "json":
        rows = json.loads(res.stdout)
        assert [r["reply"] for r in rows] == [TAIWAN, TAIWAN_2, TAIWAN_3]
    else:
        # the wording shown once (the occasion that matched), then every occasion
        assert sorted(res.output.count(t) for t in (TAIWAN, TAIWAN_2, TAIWAN_3)) == [0, 0, 1]
        assert "Given 3 times" in res.output


def test_cli_search_shows_repeats_and_json_lists_citations(idx):
    res = CliRunner().invoke(main, ["search", QUERY, "--index", str(idx), "-k", "1"])
    assert res.exit_code == 0, res.output
    assert "Given 3 times, 2019-03-01 .. 2020-01-15" in res.output
    res = CliRunner().invoke(main, ["search", QUERY, "--index", str(idx), "-k", "1", "--json"])
    (hit,) = json.loads(res.stdout)
    assert len(hit["citations"]) == 3 and hit["count"] == 3
    shown = [c for c in hit["citations"] if c["passage_id"] == hit["passage_id"]]
    assert [c["text"] for c in shown] == [hit["text"]] and hit["text"] in (TAIWAN, TAIWAN_2, TAIWAN_3)
