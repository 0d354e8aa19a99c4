"""The chat's core over the seed index: filters read from the words, shown as values
for the controls and not marked as words; more results; dates as typed."""
from __future__ import annotations

import re
import sys

import pytest

from rag.errors import PressconError
from rag.present.answers import answer_question

from conftest import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

Q = "What did the spokesperson tell Phoenix TV about the Olympics in December 2021?"


def marked(markup: str) -> list[str]:
    return re.findall(r'<mark class="pc-hl">(.*?)</mark>', markup)


def test_filters_read_from_the_words_come_back_for_the_controls(retriever):
    a = answer_question(retriever, Q, 5)
    assert a.inferred["questioner"] == "Phoenix TV"
    assert set(a.inferred) <= {"questioner", "date_from", "date_to"}
    assert a.hits and {h.questioner for h in a.hits} == {"Phoenix TV"}
    words = {m.lower() for m in marked(a.html)}
    assert "olympics" in words
    assert not words & {"december", "phoenix", "tv", "2021"}     # filters, not topic words
    # literal: nothing read, nothing for the controls
    assert answer_question(retriever, Q, 5, literal=True).inferred == {}
    # a questioner chosen by hand wins and is not reported as read
    mine = answer_question(retriever, Q, 5, questioner="The Paper")
    assert "questioner" not in mine.inferred


def test_more_results_start_after_the_shown_ones(retriever):
    first = answer_question(retriever, "Olympics", 3)
    more = answer_question(retriever, "Olympics", 6, start=4)
    assert [h.passage_id for h in more.hits] == [
        h.passage_id for h in answer_question(retriever, "Olympics", 6).hits][3:]
    assert not {h.passage_id for h in first.hits} & {h.passage_id for h in more.hits}
    assert 'data-rank="4"' in more.html


def test_dates_as_typed_and_order(retriever):
    a = answer_question(retriever, "Olympics", 5, date_from="December 2021", date_to="2021")
    assert a.filters["date_from"] == "2021-12-01" and a.filters["date_to"] == "2021-12-31"
    assert a.hits
    with pytest.raises(PressconError, match="From date .* is after To date"):
        answer_question(retriever, "Olympics", 5, date_from="2022", date_to="May 2021")
    assert answer_question(retriever, "How has the answer on the Olympics changed?", 5,
                           order="auto").order == "date"
    with pytest.raises(PressconError, match="order"):
        answer_question(retriever, "Olympics", 5, order="sideways")


def test_a_few_passages_filter_is_warned_about_in_the_answer(retriever):
    total = retriever.info()["passages"]
    a = answer_question(retriever, "Olympics", 5, questioner="Phoenix TV",
                        facets=lambda: (total, dict(retriever.questioners()), {}))
    counts = dict(retriever.questioners())
    assert (counts["Phoenix TV"] < 0.05 * total) == bool(a.warnings)
    if a.warnings:
        assert "Phoenix TV" in a.html


def test_the_chat_handler_lets_a_new_question_replace_read_filters(retriever):
    import app
    demo = app.build_app(retriever)
    try:
        fns = {fn.fn.__name__: fn.fn for fn in demo.fns.values() if fn.fn}
        out = fns["chat"](Q, [], 5, "", "", "", "", False, "", "auto", None)
        state = out[4]
        assert state["values"]["questioner"] == "Phoenix TV"
        # the controls now show them; the next question is asked with them still shown
        shown = fns["show_inferred"](state, "", "", "", "")
        assert shown[0] == "Phoenix TV" and "Set from your question" in shown[5]
        assert isinstance(shown[1], dict)                  # the spokesperson left alone
        values = shown[4]
        out2 = fns["chat"]("Olympics", out[0], 5, "Phoenix TV", "", "", "", False, "", "auto",
                           values)
        assert out2[3]["questioner"] == ""                 # not the user's filter: not applied
        assert {h["questioner"] for h in out2[2]} != {"Phoenix TV"}
        cleared = fns["show_inferred"](out2[4], "Phoenix TV", "", "", "")
        assert cleared[0] == "" and cleared[5] == ""       # the control and the note cleared
        # a questioner the user picked stays, and is applied
        out3 = fns["chat"]("Olympics", out2[0], 5, "The Paper", "", "", "", False, "", "auto",
                           cleared[4])
        assert {h["questioner"] for h in out3[2]} == {"The Paper"}
        # the whole transcript marks what the replies mark: not the words read as filters
        panel = fns["open_transcript"](out[2][0]["passage_id"], out[3])[0]
        words = {m.lower() for m in marked(panel)}
        assert "olympics" in words and not words & {"phoenix", "december", "2021"}
    finally:
        demo.close()


def test_a_spokesperson_the_index_lacks_is_said_in_the_chat_as_in_the_api(retriever):
    q = "What did Wang Wenbin say about the Winter Olympics?"
    answer = retriever.ask(q, k=3)
    assert answer.no_such_speaker == "no spokesperson called Wang Wenbin in this index (none is close)"
    assert answer.hits                                  # replies from any spokesperson follow
    chat = answer_question(retriever, q, 3)
    assert any("No spokesperson called Wang Wenbin" in w for w in chat.warnings)
    assert "No spokesperson called Wang Wenbin" in chat.html
    # one the index has, or one given as a filter, is no such note
    assert retriever.ask("What did Zhao Lijian say about the Winter Olympics?").no_such_speaker is None
    assert retriever.ask(q, spokesperson="Zhao Lijian").no_such_speaker is None
    assert retriever.ask(q, understand=False).no_such_speaker is None


def test_a_read_filter_left_out_leaves_the_others_in_the_controls(retriever):
    """RTHK in November 2021 matches nothing together (the index holds 24
    December 2021): the month is left out, and the questioner still applied
    is what the controls show."""
    a = answer_question(retriever, "What did they tell RTHK in November 2021 about Xinjiang?", 5)
    assert a.answer.dropped and a.answer.dropped[0].startswith("dates 2021-11-01")
    assert a.hits and {h.questioner for h in a.hits} == {"RTHK"}
    assert a.inferred == {"questioner": "RTHK"}
    # ranked as the question without the month is: the words read as filters
    # ("RTHK", "in November 2021") are no topic words once a filter is dropped
    plain = retriever.ask("What did they tell RTHK about Xinjiang?", k=5)
    assert [h.passage_id for h in a.answer.hits] == [h.passage_id for h in plain.hits]
