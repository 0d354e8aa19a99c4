"""Query understanding: periods, outlets and spokespersons named in a question."""
from __future__ import annotations

import datetime as dt

import pytest

from rag.rank.understand import understand

OUTLETS = ["Kyodo", "China Daily", "AFP", "Reuters", "BBC", "Prensa Latina", "TASS"]
PEOPLE = ["Hua Chunying", "Zhao Lijian", "Geng Shuang"]
ALIASES = {"kyodo news": "Kyodo", "agence france-presse": "AFP"}
D = dt.date


def plan(q, reference=D(2020, 7, 1)):
    return understand(q, questioners=OUTLETS, spokespersons=PEOPLE, aliases=ALIASES,
                      reference=reference)


@pytest.mark.parametrize("q, start, end", [
    ("What did they say in May 2020 about masks?", D(2020, 5, 1), D(2020, 5, 31)),
    ("In late March 2020, what about Pompeo?", D(2020, 3, 20), D(2020, 3, 31)),
    ("in early April 2020", D(2020, 4, 1), D(2020, 4, 10)),
    ("at the end of June 2020", D(2020, 6, 20), D(2020, 6, 30)),
    ("in February 2020", D(2020, 2, 1), D(2020, 2, 29)),
    ("on 24 December 2021", D(2021, 12, 24), D(2021, 12, 24)),
    ("on December 24, 2021", D(2021, 12, 24), D(2021, 12, 24)),
    ("during 2019", D(2019, 1, 1), D(2019, 12, 31)),
    ("in mid-2018", D(2018, 4, 1), D(2018, 9, 30)),
    ("last year", D(2019, 1, 1), D(2019, 12, 31)),
    # typed as digits: ISO with dashes or slashes, a month alone, the US month first
    ("What did they say on 2020-05-14?", D(2020, 5, 14), D(2020, 5, 14)),
    ("What did they say on 2020/05/14?", D(2020, 5, 14), D(2020, 5, 14)),
    ("Huawei in 2020-05", D(2020, 5, 1), D(2020, 5, 31)),
    ("What did Geng Shuang say on 12/10/2018 about Huawei?", D(2018, 12, 10), D(2018, 12, 10)),
    ("between 2019-2020", D(2019, 1, 1), D(2020, 12, 31)),   # a span of years, not month 20
])
def test_periods(q, start, end):
    p = plan(q)
    assert (p.date_from, p.date_to) == (start, end)
    assert p.notes and start.isoformat() in p.notes[0]


def test_an_open_start_is_a_filter_up_to_its_end():
    p = plan("What did Hua say about masks before March 2020?")
    assert (p.date_from, p.date_to) == (None, D(2020, 2, 29))
    assert p.notes[0] == 'dates up to 2020-02-29 (from "before March 2020")'
    assert "date_from" not in p.filters


def test_an_open_end_of_an_event_is_read_as_its_period_alone():
    # a reporter's question: "before July 1997" is the handover's time, not the replies'
    p = plan("Pompeo said China broke the promises it made to Hong Kong's people before July "
             "1997 and that the law undermines them. What is your response?")
    assert p.date_from is None and p.date_to is None
    assert (p.prefer_from.isoformat(), p.notes[0].split(" (")[1]) == ("1997-07-01", 'from "July 1997")')
    # "since last spring" is said of the asker's day
    assert plan("The fence has been up since last spring. When will it come down?").date_from is None


def test_since_bounds_the_replies_wherever_it_stands():
    p = plan("How has the position on the tariffs changed since 2019?")
    assert (p.date_from, p.date_to) == (D(2019, 1, 1), D(2020, 7, 1))


def test_season_is_widened_around_the_named_one():
    p = plan("What did Beijing say in late summer 2018?")
    assert p.date_from <= D(2018, 8, 21) <= p.date_to
    assert p.date_from >= D(2018, 5, 1) and p.date_to <= D(2018, 10, 31)


@pytest.mark.parametrize("q", [
    "What flaws were found in the study arguing the virus circulated in Wuhan in summer 2019?",
    "How did Hua defend the claim that troops at a 2019 sporting event brought the virus?",
    "What did the mission do after a coach crashed in June 2018?",
    "What did China say about the 2019 Boao Forum?",          # the year names the event
    "What did Psaki say about the 2022 midterms?",
    "What did Psaki say about the March 2022 jobs report?",
])
def test_period_of_the_event_is_a_preference_not_a_filter(q):
    p = plan(q)
    assert p.date_from is None and p.date_to is None
    assert p.prefer_from and p.prefer_to > p.prefer_from
    assert p.notes and p.notes[0].startswith("preferring")


def test_a_period_counted_back_says_from_when():
    assert plan("What did they say last year about Huawei?").notes[0] == (
        'dates 2019-01-01 to 2019-12-31 (from "last year", counted back from the newest '
        'briefing, 2020-07-01)')
    assert "counted back" not in plan("What did they say in May 2020?").notes[0]


def test_relative_period_needs_last():
    assert plan("Now that Moscow chairs BRICS this year, what does Beijing hope?").filters == {}


def test_an_outlet_that_asked_is_the_questioner():
    for q in ("What did Reuters ask about Huawei?", "What Reuters asked about Huawei",
              "Reuters asks about Huawei"):
        assert plan(q).questioner == "Reuters", q


def test_outlet_needs_a_cue():
    assert plan("What did the spokesperson tell Kyodo News about textbooks?").questioner == "Kyodo"
    assert plan("Answering the BBC, what was said about the lab?").questioner == "BBC"
    assert plan("What did China say about Reuters journalists?").questioner is None
    assert plan("Reuters asked about Hong Kong").questioner == "Reuters"


def test_spokesperson_and_text_without_filter_words():
    p = plan("What did Hua Chunying tell AFP in May 2020 about vaccines?")
    assert p.spokesperson == "Hua Chunying" and p.questioner == "AFP"
    assert "May 2020" not in p.text and "AFP" not in p.text and "vaccines" in p.text


def test_nothing_recognized():
    p = plan("May China and the US cooperate on climate?")
    assert p.filters == {} and p.notes == () and p.text == p.question


def test_retriever_applies_and_falls_back(retriever):
    hits = retriever.search("What did the spokesperson tell TASS in December 2021 about Putin?", k=3)
    assert hits and hits[0].questioner == "TASS"
    answer = retriever.ask("What did the spokesperson tell TASS in December 2021 about Putin?")
    assert answer.understood and not answer.dropped
    assert any(n.startswith("questioner TASS") for n in answer.understood)
    # an inferred filter that matches nothing is dropped rather than returning nothing,
    # and the answer says so instead of claiming it was applied
    answer = retriever.ask("What did they tell Reuters in May 2020 about Lithuania?", k=3)
    assert answer.hits and not answer.understood
    assert any(n.startswith("dates 2020-05-01") for n in answer.dropped)
    assert retriever.ask("Lithuania in May 2020", understand=False).dropped == ()
    # only what cannot match goes: the outlet and spokesperson stay, the period is left out
    answer = retriever.ask("What did Zhao Lijian tell TASS in May 2020 about Putin?", k=3)
    assert answer.hits and {h.questioner for h in answer.hits} == {"TASS"}
    assert {n.split()[0] for n in answer.understood} == {"questioner", "spokesperson"}
    assert [n.split()[0] for n in answer.dropped] == ["dates"]
    # the caller's own filter wins over the question's words
    assert retriever.search("What did they tell TASS about Putin?", questioner="Phoenix TV",
                            k=5, understand=True)[0].questioner == "Phoenix TV"
    assert retriever.understand("tell TASS in December 2021").filters["questioner"] == "TASS"


def test_a_title_is_not_read_as_a_spokesperson():
    plan = understand("Why did the singer meet the President at the White House?",
                      spokespersons=["The President", "Jen Psaki"])
    assert plan.spokesperson is None and plan.text.endswith("the White House?")
    assert understand("What did Jen Psaki say?", spokespersons=["The President", "Jen Psaki"]
                      ).spokesperson == "Jen Psaki"


def test_a_co_briefer_by_surname_needs_a_cue():
    names = ["John Kirby", "Anthony Fauci", "Hua Chunying"]
    assert understand("What did Kirby say about Ukraine?", spokespersons=names
                      ).spokesperson == "John Kirby"
    assert understand("What did Dr. Fauci tell reporters?", spokespersons=names
                      ).spokesperson == "Anthony Fauci"
    # a surname without an honorific or a verb of saying is just a word
    assert understand("Is the Kirby report out?", spokespersons=names).spokesperson is None


def test_a_short_surname_or_a_common_word_needs_its_capital():
    names = ["Ashish Jha", "Shalanda Young", "John Kirby"]
    assert understand("What did Dr. Jha say about the bivalent vaccine?", spokespersons=names
                      ).spokesperson == "Ashish Jha"
    assert understand("What did Jha say?", spokespersons=names).spokesperson == "Ashish Jha"
    assert understand("what did jha say", spokespersons=names).spokesperson is None
    assert understand("What are young people saying about student loans?",
                      spokespersons=names).spokesperson is None
    assert understand("What did Young say about the budget?", spokespersons=names
                      ).spokesperson == "Shalanda Young"
    # typed all in lower case, a name cannot be told by its capital
    assert understand("what did kirby say about ukraine", spokespersons=names
                      ).spokesperson == "John Kirby"


def test_a_speaker_named_near_a_spokesperson_is_read_as_them_with_what_was_typed():
    names = ["Jen Psaki", "Karine Jean-Pierre", "John Kirby", "Elizabeth Sherwood-Randall",
             "Jennifer Klein", "Hua Chunying", "The President"]
    for question, meant in (("What did Jen Psaky say about Ukraine?", "Jen Psaki"),
                            ("What did Sherwood Randall say about ransomware?",
                             "Elizabeth Sherwood-Randall"),
                            ("What did Karine say about the strike?", "Karine Jean-Pierre"),
                            ("What did Kirbyy say about Gaza?", "John Kirby"),
                            # a surname alone, one letter off
                            ("What did Psaky say about Gaza?", "Jen Psaki"),
                            ("How did Hua Chunyin respond to the sanctions?", "Hua Chunying"),
                            # the first name right, the surname two letters off
                            ("What did Jen Psakey say about student loans?", "Jen Psaki")):
        plan = understand(question, spokespersons=names)
        assert plan.spokesperson == meant, question
        assert plan.notes[0].startswith(f"spokesperson {meant} (from \"")
    # nobody near, or a place, an institution, a title: no filter
    for question in ("What did Biden say about Ukraine?", "What did Moscow say?",
                     "What did Congress say about the budget?", "What did China say?",
                     "What did the President say about jobs?",
                     # an English word one letter off a name is no one's ("Karine")
                     "What did Marine say about jobs?",
                     # the first name alone is no one's surname's likeness
                     "What did Jen Smith say about loans?"):
        assert understand(question, spokespersons=names).spokesperson is None, question


def test_a_publisher_named_alone_is_preferred_not_required():
    pubs = {"Ministry of Foreign Affairs of China": ("China", "Beijing"),
            "The White House": ("White House", "the administration")}
    plan = understand("How did Beijing answer the boycott?", publishers=pubs)
    assert plan.prefer_publisher == "Ministry of Foreign Affairs of China"
    assert plan.notes == ('publisher Ministry of Foreign Affairs of China preferred (from "Beijing")',)
    assert plan.filters == {} and plan.text == "How did Beijing answer the boycott?"
    # both named, or none, or a single-publisher index (no table): no preference
    assert understand("Talks between the White House and Beijing on trade",
                      publishers=pubs).prefer_publisher is None
    assert understand("Beijing's reply to the White House",
                      publishers=pubs).prefer_publisher == "Ministry of Foreign Affairs of China"
    # both named, one as the speaker: that one is asked
    for q in ("Did the White House answer Beijing?",
              "What did the White House say about tariffs on Beijing?"):
        plan = understand(q, publishers=pubs)
        assert plan.prefer_publisher == plan.speaking_publisher == "The White House", q
    assert understand("What about the weather?", publishers=pubs).prefer_publisher is None
    assert understand("How did Beijing answer?").prefer_publisher is None
    # a name inside a place's, an outlet's or an event's names no speaker
    for q in ("What was said about the South China Sea?", "What did China Daily ask?",
              "Who boycotted the Beijing Winter Olympics?"):
        assert understand(q, publishers=pubs).prefer_publisher is None, q
    assert understand("What did China say about the South China Sea?",
                      publishers=pubs).prefer_publisher == "Ministry of Foreign Affairs of China"
    # "the mainland" is China, as "Beijing" is; "the mainland United States" is not
    pubs["Ministry of Foreign Affairs of China"] += ("mainland", "PRC")
    assert understand("Are mainland expatriates in Madrid complaining?",
                      publishers=pubs).prefer_publisher == "Ministry of Foreign Affairs of China"
    assert understand("Will the storm reach the mainland United States?",
                      publishers=pubs).prefer_publisher is None


def test_an_official_of_another_publisher_is_not_the_one_a_publisher_is_asked_about():
    pubs = {"Ministry of Foreign Affairs of China": ("China", "China's", "Beijing"),
            "The White House": ("White House",)}
    people = ["Jake Sullivan", "John Kirby", "Hua Chunying"]
    people_of = {"Ministry of Foreign Affairs of China": {"Hua Chunying"},
                 "The White House": {"Jake Sullivan", "John Kirby"}}

    def read(q):
        return understand(q, spokespersons=people, publishers=pubs, people_of=people_of)
    for q in ("What did China say about Jake Sullivan's remarks on Taiwan?",
              "How did Beijing respond to John Kirby's comments?",
              "What was China's response to Kirby's comments?"):
        plan = read(q)
        assert plan.spokesperson is None and plan.notes == (
            f'publisher Ministry of Foreign Affairs of China preferred (from "{plan.notes[0].split(chr(34))[1]}")',), q
        assert plan.speaking_publisher == "Ministry of Foreign Affairs of China", q
        assert plan.text == q, q      # the official's name is searched as a topic
    # the official speaks: kept, and the publisher is then only preferred
    plan = read("What did Kirby say about China's response?")
    assert plan.spokesperson == "John Kirby" and plan.speaking_publisher is None
    assert plan.prefer_publisher is None     # China is what he speaks about
    assert read("How big is the fund, according to Kirby?").spokesperson == "John Kirby"
    assert understand("Did China impose sanctions, according to Reuters?",
                      questioners=["Reuters"]).questioner is None
    assert understand("What did they tell Reuters?", questioners=["Reuters"]).questioner == "Reuters"
    # the publisher's own spokesperson is the one asked
    assert read("How did China respond, in Hua Chunying's words?").spokesperson == "Hua Chunying"
    # without the table (one publisher, or callers that lack it) as before
    assert understand("What did China say about Jake Sullivan's remarks?", spokespersons=people,
                      publishers=pubs).spokesperson == "Jake Sullivan"


def test_a_date_typed_wrong_is_said_not_quietly_widened():
    from rag.rank.understand import overridden_notes
    plan = understand("What did Geng Shuang say on March 32 2019?", spokespersons=["Geng Shuang"])
    # not the year 2019 left over from it: no period at all, and why
    assert plan.date_from is None and plan.date_to is None and plan.prefer_from is None
    assert plan.spokesperson == "Geng Shuang"
    assert overridden_notes(plan, {}) == ['no date read from "March 32 2019": March 2019 has 31 days']
    # nor searched: a search kept to him is judged by the names left in the text
    assert "March" not in plan.text and "32" not in plan.text
    # another period in the question is still read
    plan = understand("Between 2021-02-30 and May 2021?")
    assert plan.date_warnings == ('no date read from "2021-02-30": February 2021 has 28 days',)
    plan = understand("on 2020-13-45")     # once read as the year 2020
    assert plan.date_from is None and plan.date_warnings == (
        'no date read from "2020-13-45": there is no month 13',)
    plan = understand("What was said on Friday 2019-03-13?")
    assert (plan.date_from, plan.date_to) == (dt.date(2019, 3, 13),) * 2
    assert overridden_notes(plan, {}) == ["2019-03-13 was a Wednesday, not a Friday: the date "
                                          "was searched"]


def test_a_publisher_named_as_the_speaker_is_the_one_asked():
    pubs = {"Ministry of Foreign Affairs of China": ("China", "China's", "Chinese", "Beijing",
                                                      "Beijing's", "Foreign Ministry"),
            "The White House": ("White House", "the administration")}
    mfa = "Ministry of Foreign Affairs of China"
    for q, text in (("What was China's response to the AUKUS pact?",
                     "What was response to the AUKUS pact?"),
                    ("How did Beijing react to the visit?", "How did react to the visit?"),
                    ("Did the Foreign Ministry comment on the talks?",
                     "Did the comment on the talks?"),
                    ("China said what about the vote?", "said what about the vote?"),
                    ("Beijing's official position on the war", "official position on the war")):
        plan = understand(q, publishers=pubs)
        assert plan.speaking_publisher == mfa, q
        # the speaker's name is no topic word for BM25; the encoder reads it all
        assert plan.lexical_text == text and plan.text == q, q
    # named, but as what is asked about: preferred, not the one asked
    for q in ("Why did Katherine Tai raise tariffs on Chinese goods?",
              "Were any of Beijing's nationals hurt?",
              "Which groups joined the corps the White House launched?"):
        plan = understand(q, publishers=pubs)
        assert plan.prefer_publisher and plan.speaking_publisher is None, q
        assert plan.lexical_text is None, q
    # a single-publisher index has no table: nobody is asked
    assert understand("What did China say about the vote?").speaking_publisher is None


def test_a_month_named_ranks_its_replies_higher_than_a_year_named():
    import datetime as dt
    from rag.rank.fusion import MONTH_BOOST, PERIOD_BOOST, prefer_period
    scores = {1: 0.50, 2: 0.45}
    dates = {1: dt.date(2021, 3, 2), 2: dt.date(2021, 8, 6)}
    month = plan("What did she say about the jobs report at the start of the briefing in August 2021?")
    year = plan("What did she say about the jobs report at the start of the briefing in 2021?")
    by_month = prefer_period(scores, dates, month.prefer_from, month.prefer_to)
    by_year = prefer_period(scores, dates, year.prefer_from, year.prefer_to)
    # a month is precise evidence: its reply comes first; a year (often an
    # event's) raises every reply of it alike, and only a little
    assert by_month == {1: 0.50, 2: 0.45 + MONTH_BOOST} and max(by_month, key=by_month.get) == 2
    assert by_year == {1: 0.50 + PERIOD_BOOST, 2: 0.45 + PERIOD_BOOST}
    assert MONTH_BOOST > PERIOD_BOOST


@pytest.mark.parametrize("q", ["Did Beijing promise to finish the talks by May 2020?",
                               "Will the troops leave by the end of 2019?"])
def test_a_deadline_is_no_period_of_the_reply(q):
    # asked about before it: neither a filter nor a preference
    p = plan(q)
    assert p.filters == {} and p.prefer_from is None and p.notes == ()


def test_a_day_without_a_briefing_searches_the_nearest_ones(retriever):
    # the one briefing of the index is of Friday 24 December 2021
    answer = retriever.ask("What did the spokesperson say on 26 December 2021 about Putin?", k=3)
    assert answer.hits and {h.date for h in answer.hits} == {D(2021, 12, 24)}
    assert not answer.dropped
    assert answer.understood[0].startswith(
        'dates 2021-12-24 to 2021-12-26 (the briefings nearest "on 26 December 2021"')
    plan = retriever.understand("What did the spokesperson say on 26 December 2021?")
    assert (plan.date_from, plan.date_to) == (D(2021, 12, 24), D(2021, 12, 26))
    # too far from any briefing: left out and said, as before
    answer = retriever.ask("What did the spokesperson say on 10 January 2022 about Putin?", k=3)
    assert [n.split()[0] for n in answer.dropped] == ["dates"]
    # a day that had a briefing stays that day
    assert retriever.understand("on 24 December 2021").date_from == D(2021, 12, 24)


def test_nearest_briefings_takes_each_side_within_a_week():
    from rag.rank.understand import nearest_briefings
    p = plan("What did they say on 2020-04-04?")    # a Saturday
    calls = []

    def around(first, last):
        calls.append((first, last))
        return "2020-04-03", "2020-04-20"       # Friday before; the next is 16 days on
    widened = nearest_briefings(p, around)
    assert calls == [("2020-04-04", "2020-04-04")]
    assert (widened.date_from, widened.date_to) == (D(2020, 4, 3), D(2020, 4, 4))
    assert nearest_briefings(p, lambda a, b: None) == p          # a briefing that day
    month = plan("What did they say in May 2020?")
    assert nearest_briefings(month, around) == month              # a month is not widened


def test_a_period_asked_that_the_date_filter_overrides_is_said():
    from rag.rank.understand import overridden_notes
    p = plan("What did Hua say about masks in March 2020?")
    assert overridden_notes(p, {"date_from": "2020-06-01"}) == [
        'period "in March 2020" named in the question, not applied: the dates filter is '
        'from 2020-06-01']
    assert overridden_notes(p, {"date_from": D(2020, 3, 1), "date_to": D(2020, 3, 31)}) == []
    assert overridden_notes(p, {}) == []


def test_a_spokesperson_left_out_says_when_their_replies_are(tmp_path, encoder):
    from transcripts import conference

    from rag import Retriever
    paths = [conference(tmp_path / "src", D(2020, 1, 6), [("AFP", "Masks?", "Masks are on sale.")],
                        spokesperson="Geng Shuang"),
             conference(tmp_path / "src", D(2020, 3, 2), [("AFP", "Masks?", "Masks are donated.")],
                        spokesperson="Zhao Lijian")]
    r = Retriever.open(tmp_path / "index", encoder=encoder)
    assert r.ingest(paths).ok
    answer = r.ask("What did Zhao Lijian say on 6 January 2020 about masks?", k=2)
    assert [h.spokesperson for h in answer.hits] == ["Geng Shuang"]
    assert answer.dropped == (
        "spokesperson Zhao Lijian (whose replies here are from 2020-03-02 to 2020-03-02)",)
    r.close()


def test_a_holiday_dates_the_event_and_stays_a_topic():
    # the holiday's week is preferred (the event's time), and its name is
    # still searched: replies speak of "the Fourth of July weekend"
    p = plan("Where was the drug found over the Fourth of July weekend in 2023?",
             reference=D(2024, 1, 1))
    assert (p.prefer_from, p.filters) == (D(2023, 6, 27), {})
    assert p.notes == ('preferring 2023-06-27 to 2023-07-11 '
                       '(from "over the Fourth of July weekend in 2023")',)
    assert p.text == "Where was the drug found Fourth of July weekend ?"
    # a month is only a date: its words leave the searched text
    assert plan("Where was the drug found in July 2023?", reference=D(2024, 1, 1)).text == \
        "Where was the drug found ?"
