"""The chat's answer markup: no-close-match notice, weaker hits apart, exchanges
grouped, date order, transcript links; dates as typed; examples from an index."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from rag.errors import PressconError
from rag.present.chat import (format_hit, format_hits, group_exchanges, order_hits,
                              wants_date_order)
from rag.present.charts import format_timeline
from rag.present.analysis import MonthCount
from rag.present.examples import example_questions
from rag.present.filters import check_dates, coverage_warnings, parse_user_date
from rag.present.transcript import format_transcript
from rag.results import Citation, Hit


def visible(markup: str) -> str:
    markup = re.sub(r"</?mark[^>]*>", "", markup)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def hit(pid: int, **kw) -> Hit:
    base = dict(text=f"Reply {pid}.", date=dt.date(2020, 5, pid % 28 + 1), questioner="AFP",
                spokesperson="Zhao Lijian", question=f"Question {pid}?", score=1.0 / pid,
                citation=f"Zhao Lijian, press conference, answering AFP ({pid})", passage_id=pid,
                source=f"/srv/{pid}.txt")
    base.update(kw)
    return Hit(**base)


def test_no_close_match_notice_comes_first_and_names_missing_words():
    out = format_hits([hit(1), hit(2, questioner="TASS")], "zzyzx quorble",
                      close_match=False, not_found=("zzyzx", "quorble"))
    assert out.index("No close match") < out.index('class="pc-hit')
    assert "zzyzx" in visible(out) and "quorble" in visible(out)
    assert "No close match" not in format_hits([hit(1)], "Reply")   # a close answer: none
    # the ranking's own wording, with the index's span (as the CLI prints it)
    spanned = visible(format_hits([hit(1)], "zzyzx", close_match=False, not_found=("zzyzx",),
                                  date_range=("2018-01-02", "2020-07-31")))
    assert spanned.startswith("No close match") and \
        ': nothing in the transcripts (2018-01-02 to 2020-07-31) for "zzyzx"' in spanned


def test_a_corrected_question_says_what_was_searched_and_how_to_undo_it():
    out = visible(format_hits([hit(1)], "Huawai extradtion",
                              searched_for="Huawei extradition"))
    assert "Searched for: Huawei extradition" in out and '"quotes"' in out
    assert "Searched for" not in visible(format_hits([hit(1)], "Huawei"))


def test_weaker_hits_follow_a_divider_and_no_raw_score_is_shown():
    out = format_hits([hit(1, questioner="TASS"), hit(2, close=False, questioner="CCTV"),
                       hit(3, questioner="AFP", date=dt.date(2021, 1, 1))], "reply")
    texts = visible(out)
    assert texts.index("Reply 3.") < texts.index("Weaker matches") < texts.index("Reply 2.")
    assert "weaker match" in texts and "score" not in texts
    assert "0.5" not in texts                                        # hit 2's score
    # all weak: the notice, no divider
    weak = format_hits([hit(1, close=False)], "reply")
    assert "No close match" in weak and "Weaker matches" not in weak


def test_hits_of_one_exchange_share_one_card():
    a, b = hit(1), hit(2, date=dt.date(2020, 5, 2))
    c = hit(3, source=a.source, date=a.date, question="Follow-up?")   # same outlet, same day
    groups = group_exchanges([a, b, c])
    assert [[h.passage_id for h in g] for g in groups] == [[1, 3], [2]]
    out = format_hits([a, b, c], "reply")
    assert out.count('class="pc-card"') == 2 and "Same conference" in visible(out)
    assert visible(out).index("Reply 3.") < visible(out).index("Reply 2.")
    # unnamed questioners group only on the very same question
    u1, u2 = hit(4, questioner=None), hit(5, questioner=None, source="/srv/4.txt",
                                          date=hit(4).date)
    assert len(group_exchanges([u1, u2])) == 2


def test_date_order_for_questions_about_change():
    assert wants_date_order("How has China's position on Hong Kong changed?")
    assert wants_date_order("how did the answer on tariffs evolve")
    assert not wants_date_order("What did China say about tariffs?")
    hs = [hit(1, date=dt.date(2021, 1, 1)), hit(2, date=dt.date(2019, 1, 1))]
    assert [h.passage_id for h in order_hits(hs, "date")] == [2, 1]
    assert [h.passage_id for h in order_hits(hs, "relevance")] == [1, 2]
    with pytest.raises(ValueError):
        order_hits(hs, "random")
    assert "oldest first" in format_hits(hs, "x", order="date")


def test_citations_link_the_page_or_the_transcript_inside_the_app():
    web = format_hit(hit(1, url="https://www.whitehouse.gov/briefings/x/"), 1)
    hrefs = re.findall(r'href="([^"]*)"', web)
    assert "https://www.whitehouse.gov/briefings/x/" in hrefs and "#passage-1" in hrefs
    plain = format_hit(hit(2, url="javascript:alert(1)"), 1)
    assert re.findall(r'href="([^"]*)"', plain) == ["#passage-2"]
    assert "2.txt" in visible(plain) and "/srv" not in plain
    more = format_hits([hit(3)], "x", start=6)
    assert 'data-rank="6"' in more and "from 6" in visible(more)


def test_the_transcript_marks_the_cited_passage():
    day = dt.date(2020, 5, 6)
    rows = [Citation(passage_id=i, date=day, questioner=q, spokesperson="Hua Chunying",
                     question=f"<Q{i}> on tariffs?", text=f"Reply {i} on tariffs.",
                     citation="c", source="/srv/2020-05-06.txt", title="Regular Press Conference",
                     url=None) for i, q in ((10, "AFP"), (11, None), (12, "TASS"))]
    from rag.present.highlight import marks_for
    out = format_transcript(rows, 11, marks_for("tariffs"))
    assert out.count('id="pc-t-target"') == 1
    assert re.search(r'id="pc-t-target"[^>]*data-passage-id="11"', out)
    assert out.count("<mark") == 2            # the cited passage's question and reply only
    assert "&lt;Q10&gt;" in out and "<Q10>" not in out
    assert "Reply 10 on tariffs." in visible(out) and "2020-05-06.txt" in visible(out)
    assert "no longer" in format_transcript([], 1)


def test_dates_as_typed_and_errors_in_the_reader_words():
    assert parse_user_date("May 2020", end=False, label="From date") == "2020-05-01"
    assert parse_user_date("May 2020", end=True, label="To date") == "2020-05-31"
    assert parse_user_date("2020", end=True, label="To date") == "2020-12-31"
    assert parse_user_date("6 May 2020", end=False, label="x") == "2020-05-06"
    assert parse_user_date("Feb 2020", end=True, label="x") == "2020-02-29"
    assert parse_user_date(" ", end=False, label="x") is None
    with pytest.raises(PressconError, match="From date “24/12/2021” is not a date"):
        check_dates("24/12/2021", "")
    with pytest.raises(PressconError, match=r"From date \(2021-01-01\) is after To date"):
        check_dates("2021-01-01", "2020")
    with pytest.raises(PressconError, match="not a day"):
        check_dates("2021-02-30", "")


def test_a_filter_that_sees_few_passages_is_warned_about():
    warn = coverage_warnings({"questioner": "AFP"}, 1000, {"AFP": 20, "TASS": 120}, {})
    assert len(warn) == 1 and "20 of the 1,000" in warn[0] and "86% name no questioner" in warn[0]
    assert coverage_warnings({"questioner": "TASS"}, 1000, {"TASS": 900}, {}) == []
    assert coverage_warnings({}, 1000, {}, {}) == []


def test_the_timeline_is_to_scale_and_its_bars_are_links():
    out = format_timeline([MonthCount("2020-01", 2, 1), MonthCount("2020-04", 1, 1)], "q")
    assert re.findall(r'href="#month-([\d-]+)"', out) == ["2020-01", "2020-04"]
    assert out.count('class="pc-month pc-none"') == 2          # February and March, empty
    assert "No matching reply" in format_timeline([])


def test_examples_come_from_the_index():
    def c(i, q, outlet="Reuters", publisher="Ministry of Foreign Affairs of China"):
        return Citation(passage_id=i, date=dt.date(2020, 6, 1 + i), questioner=outlet,
                        spokesperson="Zhao Lijian", question=q, text="r", citation="c",
                        publisher=publisher)
    rows = [c(1, "Thanks. What is China's response to the new Huawei restrictions announced?"),
            c(2, "And that?"), c(3, "What about it?"),
            c(4, "When will the President travel to Brussels for the NATO summit?",
              outlet=None, publisher="The White House")]
    ex = example_questions(rows, 3)
    assert "What is China's response to the new Huawei restrictions announced?" in ex
    assert "When will the President travel to Brussels for the NATO summit?" in ex
    assert ex[-1] == "What did they tell Reuters in June 2020?"
    assert example_questions([], 3)                          # never empty
