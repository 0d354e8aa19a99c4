"""Remarks cut into topics (rag/parse/segments.py), alone and in a White House briefing."""
from __future__ import annotations

import pytest

from rag.parse import split_text_paragraphs
from rag.parse import whitehouse as wh
from rag.parse.segments import MAX_WORDS, Topics

from conftest import SHARED  # noqa: E402

WH = SHARED / "corpus-wh"

OUTBREAK = ("On September 27th, Rwanda's Ministry of Health announced an outbreak of Marburg "
            "virus disease, and health workers in Kigali are among those infected so far.")
RISK = ("CDC assesses that the risk of the Marburg infection in the United States is low, and "
        "there are no cases of the disease reported in this country at this time.")
STORM = ("Over the weekend, FEMA moved another 500 active-duty troops into western North "
         "Carolina to deliver water, food and generators to the towns the storm cut off.")
FILLER = ["The president spoke with governors today about the budget for next year."] * 8


def topics(*paragraphs: str) -> Topics:
    return Topics([*paragraphs, *FILLER])


def test_a_paragraph_on_the_same_topic_continues_the_statement():
    t = topics(OUTBREAK, RISK, STORM)
    assert t.continues([OUTBREAK], RISK)          # "Marburg" in both


def test_a_lead_in_announcing_items_goes_with_the_first_item():
    t = topics(OUTBREAK, RISK, STORM)
    lead = "I have a couple of items for all of you at the top."
    assert t.continues([lead], "First, o" + STORM[1:])             # no lone "items at the top"
    assert not t.continues([lead, "First, o" + STORM[1:]], "Second, " + OUTBREAK)
    assert not t.continues(["So you'll hear more about that later."], "Next, o" + STORM[1:])


def test_remarks_go_on_in_new_words_unless_the_official_turns():
    # spoken remarks carry a topic on without repeating its words: only a turn
    # or a step onto new words cuts them
    t = topics(OUTBREAK, RISK, STORM)
    assert t.continues([OUTBREAK, RISK], STORM)
    assert not t.continues([OUTBREAK, RISK], "Next, o" + STORM[1:])
    assert not t.continues([OUTBREAK, RISK], "Moving on: " + STORM)


@pytest.mark.parametrize("opening", ["Now, moving on to the storm.", "In other news, Marburg.",
                                     "And finally, a word on Marburg.", "Also today, Marburg.",
                                     "Two other items for all of you: Marburg.",
                                     "I'd also like to offer an update on Marburg."])
def test_a_turn_of_topic_starts_a_new_one_whatever_its_words(opening):
    assert not topics(OUTBREAK, opening).continues([OUTBREAK], opening)


@pytest.mark.parametrize("step", ["Next, the Marburg outbreak.", "Second, in Rwanda too.",
                                  "Now, the outbreak in Kigali is the worst."])
def test_a_step_continues_the_topic_when_it_shares_its_words(step):
    assert topics(OUTBREAK, step).continues([OUTBREAK], step)


@pytest.mark.parametrize("step", ["Next, the budget for bridges.", "Second, I'm joined by John Kirby.",
                                  "Now, on to the hurricane."])
def test_a_step_with_new_words_starts_a_new_one(step):
    assert not topics(OUTBREAK, step).continues([OUTBREAK], step)


def test_basic_english_words_are_no_topic():
    a = ("People in every state continue to see the first results today, and the leader of "
         "the effort said so again.")
    b = ("Next, the Marburg outbreak in Rwanda continues, people in Kigali said today, and the "
         "first cases are in the state hospital.")
    t = topics(a, b)
    assert not t.continues([a], b)    # people, state, continue, first, today: basic English
    assert "marburg" in t.topical(b) and "peopl" not in t.topical(b)


def test_a_short_paragraph_or_a_lead_in_continues():
    t = topics(OUTBREAK, STORM)
    assert t.continues([STORM], "Please, please listen to local officials.")
    assert t.continues(["So, today is a solemn day."], OUTBREAK)


def test_words_common_in_the_briefing_are_no_topic():
    # "president", "governors", "budget" are in most of its paragraphs
    a = ("The president met the governors on the budget and then on the Rwanda outbreak of "
         "the Marburg virus.")
    b = ("Next, the president told the governors that the budget for the new bridges in "
         "Baltimore and Annapolis is ready now.")
    assert not topics(a, b).continues([a], b)
    assert topics(a, b).continues([a], b.replace("Baltimore", "Rwanda"))


def test_a_statement_stops_growing_at_max_words():
    long = " ".join(["Marburg outbreak in Rwanda"] * (MAX_WORDS // 4))
    t = topics(long, RISK)
    assert not t.continues([long], RISK)
    assert t.continues([long[:200]], RISK)


def test_nothing_before_it_is_no_topic():
    assert not topics(OUTBREAK).continues([], OUTBREAK)


BRIEFING = f"""Press Briefing by Press Secretary Karine Jean-Pierre, October 7, 2024

MS. JEAN-PIERRE: Good afternoon, everybody.

Now, the administration is committed to preventing and responding to outbreaks.

{OUTBREAK}

{RISK}

Q (Inaudible.)

MS. JEAN-PIERRE: Now, moving on to the storm.

{STORM}

Q Karine, is the risk really low?

MS. JEAN-PIERRE: It is low.

And CDC is watching the Marburg outbreak closely.
"""


def test_remarks_are_a_statement_a_topic_each_paragraph_verbatim():
    paras = split_text_paragraphs(BRIEFING)
    c = wh.parse(paras[0], paras[1:], "2024-10-07.txt")
    assert [(e.kind, len(e.text.split("\n\n"))) for e in c.exchanges] == [
        ("statement", 3), ("statement", 2), ("answer", 2)]
    outbreak, storm, answer = c.exchanges
    assert outbreak.text.split("\n\n")[1:] == [OUTBREAK, RISK]   # the quip did not end them
    assert storm.text.split("\n\n") == ["Now, moving on to the storm.", STORM]
    assert answer.question == "Karine, is the risk really low?"
    assert [e.ordinal for e in c.exchanges] == [0, 1, 2]


@pytest.mark.skipif(not WH.is_dir(), reason=f"White House corpus not found at {WH}")
def test_an_outbreak_and_its_risk_are_one_statement_of_the_real_briefing():
    f = WH / "2024-10-07.txt"
    paras = split_text_paragraphs(f.read_text(encoding="utf-8"))
    c = wh.parse(paras[0], paras[1:], str(f))
    marburg = [e for e in c.exchanges if "Marburg" in e.text and e.kind == "statement"]
    assert len(marburg) == 1
    text = marburg[0].text
    assert "announced an outbreak of Marburg" in text
    assert "CDC assesses that the risk of the infection" in text
    # the hurricane is another statement
    assert "Hurricane Helene" not in text
    assert all(len(e.text.split()) <= MAX_WORDS or len(e.text.split("\n\n")) == 1
               for e in c.exchanges if e.kind == "statement")


CLOSINGS = f"""Press Briefing by Press Secretary Karine Jean-Pierre, October 7, 2024

MS. JEAN-PIERRE: {OUTBREAK}

{RISK}

And with that, I will turn it over to my NSC colleague, Admiral John Kirby, who will discuss the latest in the Middle East.

MR. KIRBY: {STORM}

Go ahead, Owen. I haven't called on you in a while. Way in the back.

Q Who will look into the outbreak?

MR. KIRBY: The CDC is on it.

We'll turn it over to the Justice Department.

Q And on the storm?

MR. KIRBY: I'm happy to take your questions on that later.

MS. JEAN-PIERRE: Go ahead, Peter. We're running out of time.
"""


def test_remarks_closing_on_the_floor_handed_on_leave_it_out():
    paras = split_text_paragraphs(CLOSINGS)
    c = wh.parse(paras[0], paras[1:], "2024-10-07.txt")
    texts = [e.text for e in c.exchanges]
    assert texts[0] == f"{OUTBREAK}\n\n{RISK}"            # "And with that, ... Kirby, who ..."
    assert texts[1] == STORM                                # "Go ahead, Owen. I haven't ..."
    # a reply's own words stay: handing a matter to "the Justice Department" is no hand-over
    assert texts[2] == "The CDC is on it.\n\nWe'll turn it over to the Justice Department."
    assert texts[3] == "I'm happy to take your questions on that later."   # a one-paragraph reply
    # a lone "Go ahead, Peter. ..." is no statement
    assert [e.kind for e in c.exchanges] == ["statement", "statement", "answer", "answer"]
    assert sum("floor management" in n for n in c.skipped) >= 3


def test_remarks_announced_at_the_top_after_a_quip_are_statements_not_its_reply():
    paras = split_text_paragraphs("""Press Briefing by Press Secretary Karine Jean-Pierre, January 11, 2023

Q Do you mean previous Monday or next Monday? (Laughter.)

MS. JEAN-PIERRE: Ahh, whatever Monday you want is yours.

Okay. So, again, good afternoon, everyone. There's been a lot of news, so I have a few things at the top.

So, with respect to the FAA system outage that occurred early this morning, the safety of Americans is the top priority.

Q Karine, on Texas, will the President go there?

MS. JEAN-PIERRE: Look, as it relates to Texas, let me just say a couple of things at the top, because it's important.

The President is watching closely.
""")
    c = wh.parse(paras[0], paras[1:], "2023-01-11.txt")
    assert [e.kind for e in c.exchanges] == ["answer", "statement", "answer"]
    assert c.exchanges[0].text == "Ahh, whatever Monday you want is yours."
    assert "FAA system outage" in c.exchanges[1].text
    # in a reply, "a couple of things at the top" of the answer: still the reply
    assert c.exchanges[2].text.endswith("The President is watching closely.")


MEDAL = ("So, today, President Biden awarded the Medal of Honor to four Army soldiers for "
         "their gallantry in the Vietnam War, in a ceremony in the East Room. Their courage "
         "under fire saved the lives of dozens of their comrades in the jungle that night.")
VISIT = ("Tomorrow, the President travels to Milwaukee to talk about the investments his "
         "agenda has brought to workers and families across Wisconsin this year. He will "
         "tour a factory that is hiring again and meet the apprentices it trains.")
STORM_AID = ("And the FEMA administrator will be in Florida on Thursday to see the recovery "
             "from the hurricane and meet the families who lost their homes there. Shelters "
         "remain open in six counties, and power is back for nine in ten households.")
BUDGET = ("Finally, on the budget, the President will send Congress his proposal on Monday, "
          "and it will cut the deficit by three trillion dollars over the next decade.")


def _briefing(quip: str, first: str, *rest: str, then: str = "") -> str:
    body = "\n\n".join(rest)
    return f"""Press Briefing by Press Secretary Karine Jean-Pierre, July 5, 2023

MS. JEAN-PIERRE: Hi, everyone.

Q Hi, Karine.

MS. JEAN-PIERRE: Happy Wednesday.

Q {quip}

MS. JEAN-PIERRE: {first}

{body}

Q Karine, on the hurricane, will the President go to Florida?

MS. JEAN-PIERRE: {then or "He will go when it does not take resources from the recovery."}
"""


def test_remarks_after_a_quip_with_no_sign_they_begin_are_statements():
    # "Q Chicks perhaps?" / "Chicks. Maybe candy." / "So, today, President
    # Biden awarded ...": the quip gets the official's few words, the rest are remarks
    paras = split_text_paragraphs(_briefing(
        "Did you bring the bunny?", "No bunny. Maybe candy. (Laughter.)",
        MEDAL, MEDAL.replace("four Army soldiers", "their families"), VISIT,
        VISIT.replace("Milwaukee", "Madison"), STORM_AID, BUDGET))
    c = wh.parse(paras[0], paras[1:], "2023-07-05.txt")
    kinds = [e.kind for e in c.exchanges]
    assert kinds[0] == "answer" and kinds[-1] == "answer" and set(kinds[1:-1]) == {"statement"}
    assert c.exchanges[0].text == "No bunny. Maybe candy. (Laughter.)"
    assert c.exchanges[0].question == "Did you bring the bunny?"
    statements = "\n\n".join(e.text for e in c.exchanges[1:-1])
    assert statements.startswith(MEDAL) and statements.endswith(BUDGET)
    assert BUDGET in c.exchanges[-2].text and MEDAL not in c.exchanges[-2].text  # "Finally," cuts
    assert any("quip before remarks" in n for n in c.skipped)


def test_a_quip_before_remarks_that_greet_the_room_is_no_exchange():
    paras = split_text_paragraphs(_briefing(
        "Is that a new tie?", "All right. Good afternoon, everybody. I have a few things at the top.",
        MEDAL, VISIT, VISIT.replace("Milwaukee", "Madison"), STORM_AID, BUDGET))
    c = wh.parse(paras[0], paras[1:], "2023-07-05.txt")
    assert [e.kind for e in c.exchanges][0] == "statement"
    assert all(e.question != "Is that a new tie?" for e in c.exchanges)
    assert any("aside during remarks" in n for n in c.skipped)


def test_a_long_first_reply_to_a_real_question_stays_one_reply():
    # a first paragraph of substance, or remarks the official already gave,
    # make a long reply an answer, however short its question
    long_first = ("Well, look, the hurricane hit the coast hard, and the President has spoken "
                  "with the governor twice today about what the state needs from us, from "
                  "generators to water, and we are moving it in as fast as we can, with the "
                  "Guard and FEMA teams already on the ground in the worst-hit counties.")
    paras = split_text_paragraphs(_briefing(
        "What happened in Florida?", long_first, MEDAL, MEDAL.replace("four", "five"), VISIT,
        VISIT.replace("Milwaukee", "Madison"), STORM_AID, BUDGET))
    c = wh.parse(paras[0], paras[1:], "2023-07-05.txt")
    assert [e.kind for e in c.exchanges] == ["answer", "answer"]
    assert c.exchanges[0].text.startswith(long_first) and c.exchanges[0].text.endswith(BUDGET)

    gave = f"""Press Briefing by Press Secretary Karine Jean-Pierre, July 5, 2023

MS. JEAN-PIERRE: Good afternoon, everybody. {MEDAL} {VISIT} {STORM_AID} {BUDGET}

{MEDAL.replace("four", "five")} {VISIT.replace("Milwaukee", "Madison")}

With that, I'm happy to take your questions.

Q What about the families?

MS. JEAN-PIERRE: They are in our hearts.

{MEDAL}

{MEDAL.replace("four", "five")}

{VISIT}

{VISIT.replace("Milwaukee", "Madison")}

{STORM_AID}

{BUDGET}
"""
    paras = split_text_paragraphs(gave)
    c = wh.parse(paras[0], paras[1:], "2023-07-05.txt")
    assert [e.kind for e in c.exchanges][-1] == "answer"
    assert c.exchanges[-1].text.startswith("They are in our hearts.")
    assert c.exchanges[-1].text.endswith(BUDGET)


def test_remarks_interrupted_halfway_go_on_and_a_reaction_naming_things_is_remarks():
    # "Q President Obama -" / "I know, I know. We're going back ..." / "President
    # Biden announced ...": remarks that gave no floor yet go on after the quip
    head = f"""Press Briefing by Press Secretary Karine Jean-Pierre, July 5, 2023

MS. JEAN-PIERRE: Good afternoon, everybody. {MEDAL} {VISIT} {STORM_AID}

{MEDAL.replace("four", "five")} {VISIT.replace("Milwaukee", "Madison")}

Q President Obama —

MS. JEAN-PIERRE: I know, I know. We're going back, not forwards. (Laughter.)

{BUDGET}

{BUDGET.replace("Monday", "Tuesday")}

{STORM_AID}

{VISIT}

{MEDAL}

{STORM_AID.replace("Thursday", "Friday")}

With that, I'm happy to take your questions.

Q Karine, on the hurricane, will the President go to Florida?

MS. JEAN-PIERRE: He will go when it does not take resources from the recovery.
"""
    paras = split_text_paragraphs(head)
    c = wh.parse(paras[0], paras[1:], "2023-07-05.txt")
    answers = [e for e in c.exchanges if e.kind == "answer"]
    assert [a.text for a in answers] == [
        "I know, I know. We're going back, not forwards. (Laughter.)",
        "He will go when it does not take resources from the recovery."]
    assert any(BUDGET in e.text for e in c.exchanges if e.kind == "statement")
    # a first paragraph naming people and places is the remarks' own start
    paras = split_text_paragraphs(_briefing(
        "Are you saying hi?", "All right. (Laughs.) Look, as you all know, National Security "
        "Advisor Jake Sullivan is in Israel today.", MEDAL, VISIT,
        VISIT.replace("Milwaukee", "Madison"), STORM_AID, BUDGET))
    c = wh.parse(paras[0], paras[1:], "2023-07-05.txt")
    assert c.exchanges[0].kind == "statement" and "Jake Sullivan" in c.exchanges[0].text
    assert all(e.question != "Are you saying hi?" for e in c.exchanges)


def test_remarks_right_after_a_question_shouted_at_a_departing_co_briefer_are_no_reply():
    paras = split_text_paragraphs(f"""Press Briefing by Press Secretary Karine Jean-Pierre and \
COVID-19 Response Coordinator Dr. Ashish Jha, June 2, 2022

MS. JEAN-PIERRE: Good afternoon. Dr. Jha is here today.

DR. JHA: Thank you. {MEDAL}

Q Dr. Jha, when will shots for children under five begin?

DR. JHA: As early as Tuesday, June 21st.

MS. JEAN-PIERRE: We're over time. Thank you, Dr. Jha.

Q Doctor Jha, why are more boosted Americans having breakthrough cases?

MS. JEAN-PIERRE: All right, guys. I have a few things for you at the top.

{VISIT}
""")
    c = wh.parse(paras[0], paras[1:], "2022-06-02.txt")
    assert [(e.kind, e.spokesperson) for e in c.exchanges][-1] == ("statement", "Karine Jean-Pierre")
    assert VISIT in c.exchanges[-1].text
    assert all("breakthrough" not in (e.question or "") for e in c.exchanges)
    assert any("question without a reply" in n for n in c.skipped)
