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


def test_a_paragraph_sharing_no_topical_word_starts_a_new_one():
    t = topics(OUTBREAK, RISK, STORM)
    assert not t.continues([OUTBREAK, RISK], STORM)


@pytest.mark.parametrize("opening", ["Now, moving on to the storm.", "Next, the budget.",
                                     "And finally, a word on Marburg.", "Also today, Marburg.",
                                     "Two other items for all of you: Marburg.",
                                     "Second, I'm joined by John Kirby on Marburg."])
def test_a_turn_of_topic_starts_a_new_one_whatever_its_words(opening):
    assert not topics(OUTBREAK, opening).continues([OUTBREAK], opening)


def test_a_short_paragraph_or_after_a_short_lead_in_continues():
    t = topics(OUTBREAK, STORM)
    assert t.continues([STORM], "Please, please listen to local officials.")
    assert t.continues(["So, today is a solemn day."], OUTBREAK)


def test_words_common_in_the_briefing_are_no_topic():
    # "president", "governors", "budget" are in most of its paragraphs
    a = ("The president met the governors on the budget and then on the Rwanda outbreak of "
         "the Marburg virus.")
    b = ("The president told the governors that the budget for the new bridges in Baltimore "
         "and Annapolis is ready now.")
    assert not topics(a, b).continues([a], b)


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
