"""Position over time, how the answer changed, who asked: data for the chat and CLI."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from embeddings.testing import FakeEncoder
from rag import Hit, Retriever
from rag.cli import main
from rag.present.analysis import answer_change, matching, occasions, questioner_counts, timeline
from rag.results import Citation

from transcripts import TAIWAN, TAIWAN_2, TAIWAN_3, taiwan_corpus

QUERY = "Taiwan one-China principle joint communiques"


def _cite(pid: int, date: dt.date, questioner: str | None, text: str = "reply",
          kind: str = "answer") -> Citation:
    return Citation(passage_id=pid, date=date, questioner=questioner, spokesperson="Lu Kang",
                    question="q?", text=text, citation=f"c{pid}", kind=kind, source=f"s{pid}")


def _hit(*cites: Citation) -> Hit:
    last = cites[-1]
    return Hit(text=last.text, date=last.date, questioner=last.questioner,
               spokesperson=last.spokesperson, question=last.question, score=1.0,
               citation=last.citation, passage_id=last.passage_id, kind=last.kind,
               source=last.source, citations=tuple(cites))


@pytest.fixture
def hits() -> list[Hit]:
    return [
        _hit(_cite(1, dt.date(2019, 1, 3), "AFP", "old line"),
             _cite(2, dt.date(2019, 1, 20), "Reuters", "old line"),
             _cite(3, dt.date(2019, 4, 2), None, "old line.")),
        _hit(_cite(4, dt.date(2019, 3, 9), "AFP", "new line")),
        _hit(_cite(5, dt.date(2019, 2, 1), None, "statement", kind="statement")),
    ]


def test_timeline_counts_every_occasion_and_fills_months(hits):
    months = timeline(hits)
    assert [m.month for m in months] == ["2019-01", "2019-02", "2019-03", "2019-04"]
    assert [m.replies for m in months] == [2, 1, 1, 1]
    assert [m.results for m in months] == [1, 1, 1, 1]
    assert months[0].passage_ids == (1, 2)
    assert [m.month for m in timeline(hits[:1], fill=False)] == ["2019-01", "2019-04"]
    assert timeline(hits[:1])[1].replies == 0          # a gap month is a zero, not absent
    assert timeline([]) == []
    json.dumps([m.to_dict() for m in months])


def test_timeline_spans_years():
    h = [_hit(_cite(1, dt.date(2018, 11, 5), "AFP")), _hit(_cite(2, dt.date(2019, 2, 5), "AFP"))]
    assert [m.month for m in timeline(h)] == ["2018-11", "2018-12", "2019-01", "2019-02"]


def test_answer_change_earliest_and_latest(hits):
    change = answer_change(hits)
    assert [c.passage_id for c in change.earliest] == [1]
    assert [c.passage_id for c in change.latest] == [3]     # the old line, repeated last in April
    assert change.same_reply
    two = answer_change(hits, n=2)
    assert [c.passage_id for c in two.earliest] == [1, 5]   # one per result
    assert [c.passage_id for c in two.latest] == [3, 4]
    assert not answer_change(hits[1:]).same_reply
    # what "latest" is the latest of: the matching results it was chosen among
    assert change.compared == len(hits) and answer_change(hits[1:]).compared == len(hits) - 1
    d = json.loads(json.dumps(change.to_dict()))
    assert d["compared"] == len(hits)
    assert d["earliest"][0]["date"] == "2019-01-03" and d["latest"][0]["text"] == "old line."
    empty = answer_change([])
    assert empty.earliest == () and empty.latest == () and not empty.same_reply


def test_matching_keeps_results_near_the_best(hits):
    scored = [Hit(**{**h.__dict__, "score": s}) for h, s in zip(hits, (1.0, 0.85, 0.5))]
    assert [h.score for h in matching(scored)] == [1.0, 0.85]
    assert len(matching(scored, relative=0)) == 3
    assert matching([]) == []


def test_questioner_counts(hits):
    assert questioner_counts(hits) == [("AFP", 2), ("Reuters", 1), (None, 1)]


def test_a_hit_without_citations_stands_for_itself():
    h = Hit(text="t", date=dt.date(2020, 1, 1), questioner="AFP", spokesperson="S",
            question=None, score=0.5, citation="c", passage_id=9)
    (c,) = occasions(h)
    assert (c.passage_id, c.date, c.questioner, c.text) == (9, dt.date(2020, 1, 1), "AFP", "t")
    assert h.count == 1 and h.first_date == h.last_date == dt.date(2020, 1, 1)


# -- through the retriever and the CLI ------------------------------------------------
@pytest.fixture
def tw(tmp_path):
    files = taiwan_corpus(tmp_path / "in")
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    r.ingest(list(files.values()))
    yield r, tmp_path / "idx"
    r.close()


def test_retriever_timeline(tw):
    r, _ = tw
    months = r.timeline(QUERY, limit=3)
    by = {m.month: m for m in months}
    assert months[0].month == "2019-03" and months[-1].month == "2020-01"
    assert len(months) == 11
    taiwan_ids = {c.passage_id for h in r.search(QUERY, k=3) for c in h.citations
                  if "Taiwan question" in c.text}
    for month in ("2019-03", "2019-06", "2020-01"):
        assert taiwan_ids & set(by[month].passage_ids)
    # the floor: only results near the best count; with relative=0, all `limit` do
    top3 = r.search(QUERY, k=3)
    assert sum(m.replies for m in months) == sum(h.count for h in matching(top3))
    everything = r.timeline(QUERY, limit=3, relative=0)
    assert sum(m.replies for m in everything) == sum(h.count for h in top3)


def test_retriever_answer_change(tw):
    r, _ = tw
    change = r.answer_change(QUERY, limit=1)
    assert change.same_reply
    assert change.earliest[0].text == TAIWAN and change.earliest[0].date == dt.date(2019, 3, 1)
    assert change.latest[0].text == TAIWAN_3 and change.latest[0].date == dt.date(2020, 1, 15)


def test_retriever_topic_questioners(tw):
    r, _ = tw
    pairs = r.topic_questioners(QUERY, limit=1)
    assert pairs == [("AFP", 1), ("Bloomberg", 1), ("Reuters", 1)]
    assert r.topic_questioners(QUERY, limit=1, questioner="AFP") == [("AFP", 1)]
    # the questioner filter's list: every outlet, most first
    names = [n for n, _ in r.questioners()]
    assert names[0] in ("AFP", "Reuters", "Bloomberg") and "Kyodo" in names


def test_cli_views(tw):
    _, idx = tw
    run = CliRunner().invoke
    res = run(main, ["timeline", QUERY, "--index", str(idx), "--limit", "3", "--json"])
    assert res.exit_code == 0, res.output
    months = json.loads(res.stdout)
    assert months[0]["month"] == "2019-03" and "replies" in months[0]
    res = run(main, ["timeline", QUERY, "--index", str(idx), "--limit", "3"])
    assert res.exit_code == 0 and "2019-06" in res.output and "#" in res.output
    res = run(main, ["changes", QUERY, "--index", str(idx), "--limit", "1"])
    assert res.exit_code == 0, res.output
    assert "EARLIEST" in res.output and TAIWAN in res.output and TAIWAN_3 in res.output
    res = run(main, ["changes", QUERY, "--index", str(idx), "--limit", "1", "--json"])
    assert json.loads(res.stdout)["same_reply"] is True
    res = run(main, ["questioners", QUERY, "--index", str(idx), "--limit", "1", "--json"])
    assert {d["questioner"] for d in json.loads(res.stdout)} == {"AFP", "Reuters", "Bloomberg"}
    res = run(main, ["questioners", "--index", str(idx)])
    assert res.exit_code == 0 and "Kyodo" in res.output
    res = run(main, ["repeats", "--index", str(idx), "--json"])
    rows = json.loads(res.stdout)
    assert rows[0]["size"] == 3 and rows[0]["text"] == TAIWAN_3
    res = run(main, ["versions", str(rows[0]["passage_id"]), "--index", str(idx)])
    assert res.exit_code == 0, res.output
    assert "[-firmly-]" in res.output and "2019-06-10" in res.output
    res = run(main, ["versions", str(rows[0]["passage_id"]), "--index", str(idx), "--json"])
    assert [v["text"] for v in json.loads(res.stdout)] == [TAIWAN, TAIWAN_2, TAIWAN_3]
    res = run(main, ["regroup", "--index", str(idx)])
    assert res.exit_code == 0 and "0 grouped" in res.output
    res = run(main, ["regroup", "--index", str(idx), "--rebuild"])
    assert res.exit_code == 0 and "8 grouped" in res.output


def test_views_of_a_question_the_transcripts_do_not_answer_say_so(tw):
    """timeline, changes and questioners count the nearest replies as search
    shows them, and say, as search does, that none addresses the question."""
    _, idx = tw
    question = "What did the ministry say about the AUKUS submarine pact?"
    for view in ("timeline", "changes", "questioners"):
        res = CliRunner().invoke(main, [view, question, "--index", str(idx)])
        assert res.exit_code == 0, res.output
        assert 'No close match: nothing in the transcripts' in res.stderr, view
        assert '"AUKUS"' in res.stderr and "The counts are of those." in res.stderr


def test_views_name_a_spokesperson_the_index_lacks(tw):
    """Counted over every spokesperson's replies: the views say so, as search does."""
    _, idx = tw
    for view in ("timeline", "changes", "questioners"):
        res = CliRunner().invoke(main, [view, "What did Wang Wenbin say about Taiwan?",
                                        "--index", str(idx)])
        assert res.exit_code == 0, res.output
        assert "Note: no spokesperson called Wang Wenbin in this index" in res.stderr, view
