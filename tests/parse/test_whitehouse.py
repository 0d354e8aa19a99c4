"""The White House profile (rag/parse/whitehouse.py): synthetic briefings, then the
100-briefing corpus in ../shared/corpus-wh (skipped when absent).

Counts pinned on real files were checked by reading the file (2021-12-21 turn
by turn; 2021-01-21's opening and Dr. Fauci's part). A change in them means
the turn rules changed and must be looked at, not silently accepted.
"""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from rag.parse import ParseError, collapse_whitespace as collapse, split_text_paragraphs
from rag.parse import whitehouse as wh
from rag.parse.markdown import read_markdown

from conftest import SEED, SHARED  # noqa: E402

WH = SHARED / "corpus-wh"
MINISTRY = SHARED / "corpus" / "txt"
QUESTIONS = SHARED / "eval" / "wh_dev_questions.jsonl"

needs_wh = pytest.mark.skipif(not WH.is_dir(), reason=f"White House corpus not found at {WH}")

TITLE = "Press Briefing by Press Secretary Jen Psaki, January 21, 2021"


def read_text(text: str, source: str) -> tuple[str, list[str]]:
    """A .txt briefing -> (title, paragraphs after it), as the txt reader splits it."""
    paras = split_text_paragraphs(text)
    return paras[0], paras[1:]


def brief(body: str, title: str = TITLE, source: str = "2021-01-21.txt"):
    text = title + "\n\n" + body.strip() + "\n"
    t, paras = read_text(text, source)
    return wh.parse(t, paras, source)


def kinds(c):
    return [(e.kind, e.spokesperson) for e in c.exchanges]


# ------------------------------------------------------------ synthetic
SMALL = """
James S. Brady Press Briefing Room

1:17 P.M. EST

MS. PSAKI: Good afternoon.

Q Good afternoon.

MS. PSAKI: I have two items at the top.

First, the President signed an order today.

Second, I'm joined by National Security Council Coordinator for Strategic Communications John Kirby.

MR. KIRBY: Thanks, Jen. A short update on Ukraine.

Q John, is the President sending more aid?

MR. KIRBY: We have nothing to announce today.

But we are watching closely.

Q Thank you.

MS. PSAKI: Okay. One more thing at the top: the weather.

Q Jen, on the budget —

MS. PSAKI: Go ahead.

Q — will the President sign it?

MS. PSAKI: He will. (Laughter.)

Q But —

MS. PSAKI: And he said so yesterday.

(Laughter.)

2:13 P.M. EST
"""


def test_small_briefing_turns():
    c = wh.parse(*read_text(TITLE + "\n\n" + SMALL, "2021-01-21.txt"), "2021-01-21.txt")
    assert c.date == dt.date(2021, 1, 21)
    assert c.spokesperson == "Jen Psaki"
    assert (c.publisher, c.profile) == ("The White House", "whitehouse")
    assert kinds(c) == [
        ("statement", "Jen Psaki"),     # I have two items at the top: + the first (greetings skipped)
        ("statement", "Jen Psaki"),
        ("statement", "John Kirby"),    # the co-briefer's remarks after the introduction
        ("answer", "John Kirby"),
        ("statement", "Jen Psaki"),     # the topper after "Q Thank you."
        ("answer", "Jen Psaki"),        # "Q But -" and she carries on: the same reply
    ]
    ex = c.exchanges
    # a lead-in announcing the items goes with the first of them
    assert ex[0].text == "I have two items at the top.\n\nFirst, the President signed an order today."
    assert ex[3].question == "John, is the President sending more aid?"
    assert ex[3].text == "We have nothing to announce today.\n\nBut we are watching closely."
    assert ex[3].questioner is None and ex[3].questioner_label == "Q"
    # "Go ahead." before the reporter goes on with "- will he ..." is an aside
    assert ex[5].question == "Jen, on the budget —\n\n— will the President sign it?"
    # the aside keeps its label, and so does the official taking the reply back
    assert ex[5].text == "He will. (Laughter.)\n\nQ But —\n\nMS. PSAKI: And he said so yesterday."
    assert ex[4].question is None
    assert any("greeting" in n for n in c.skipped)
    assert any("time line" in n for n in c.skipped)


def test_greetings_never_end_the_opening():
    c = brief("""
MS. JEAN-PIERRE: Good afternoon, everybody.

Q Good afternoon.

Q Happy New Year.

MS. JEAN-PIERRE: Happy New Year. So, today the President is announcing a new rule.

Q (Inaudible.)

MS. JEAN-PIERRE: And one more item: a trip next week.

Q Karine, on the trip, where is he going?

MS. JEAN-PIERRE: To Ohio.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre, January 3, 2025",
             source="2025-01-03.txt")
    assert kinds(c) == [("statement", "Karine Jean-Pierre")] * 2 + [("answer", "Karine Jean-Pierre")]
    assert c.exchanges[-1].question == "Karine, on the trip, where is he going?"
    assert all("Happy New Year" not in (e.question or "") for e in c.exchanges)


def test_multi_speaker_reply_keeps_second_label():
    c = brief("""
MS. PSAKI: With that, the two mayors.

Q Can both of you weigh in on the minimum wage?

MAYOR DUGGAN: I certainly support it.

MAYOR SUAREZ: I support it too.

MS. PSAKI: And I'd just add that the President does as well.

Q Thank you.
""", title="Press Briefing by Press Secretary Jen Psaki, Detroit Mayor Mike Duggan, and "
           "Miami Mayor Francis Suarez, February 12, 2021", source="2021-02-12.txt")
    # "With that, the two mayors." hands the floor over: no statement
    assert any("floor management" in n and "two mayors" in n for n in c.skipped)
    e = c.exchanges[0]
    assert e.kind == "answer" and e.spokesperson == "Mike Duggan"
    assert e.speakers == ("Mike Duggan", "Francis Suarez")
    assert e.text.split("\n\n") == ["I certainly support it.", "MAYOR SUAREZ: I support it too."]
    # The press secretary speaking into a co-briefer's reply without the
    # co-briefer resuming is her taking the floor back: a statement of hers.
    assert kinds(c)[1:] == [("statement", "Jen Psaki")]
    assert c.exchanges[1].text == "And I'd just add that the President does as well."


def test_a_reply_handed_over_in_a_few_words_is_the_next_officials():
    c = brief("""
MS. PSAKI: Jeff Zients and Dr. Fauci are here.

Q Could the vaccine be removed from the market?

MR. ZIENTS: Dr. Fauci.

DR. FAUCI: It would be premature to comment; the pause is a matter of caution.

Q And the mayors, on the minimum wage?

MR. ZIENTS: We support it.

DR. FAUCI: So do I.

Q And will you testify at the oversight hearings?

MS. PSAKI: I'm just trying to keep him on time.

DR. FAUCI: If there are oversight hearings, I will cooperate fully and testify before Congress, as I always have, and answer every question about what we did and why. I have nothing to hide, and I have testified before the Congress hundreds of times over the last several decades, under every administration, and I will do it again.
""", title="Press Briefing by Press Secretary Jen Psaki, Dr. Anthony Fauci and Jeff Zients, "
           "April 13, 2021", source="2021-04-13.txt")
    handed, short, timed = c.exchanges[1], c.exchanges[2], c.exchanges[3]
    assert handed.spokesperson == "Anthony Fauci"            # Zients only named him
    # a few words before five times as many: the reply is the second's
    assert timed.spokesperson == "Anthony Fauci" and timed.speakers == ("Jen Psaki",
                                                                         "Anthony Fauci")
    assert handed.speakers == ("Jeff Zients", "Anthony Fauci")  # both still named, in order
    assert handed.text.startswith("Dr. Fauci.\n\nDR. FAUCI: It would be premature")
    assert short.spokesperson == "Jeff Zients"               # a short answer is still an answer


def test_a_reporters_aside_stays_inside_the_reply_it_interrupts():
    c = brief("""
MS. PSAKI: One thing at the top.

Q On crime, are you seeing more of it this summer?

MS. PSAKI: Can I note, though, two things —

Q Yeah.

MS. PSAKI: — just for your public information purposes? Claims fell.

Q (Inaudible.)

MS. PSAKI: And crime is local.

Q Me?

MS. PSAKI: Yes. Go ahead.

Q On the budget, when will he sign it?

MS. PSAKI: Soon.
""")
    assert kinds(c) == [("statement", "Jen Psaki"), ("answer", "Jen Psaki"), ("answer", "Jen Psaki")]
    reply = c.exchanges[1]
    assert reply.question == "On crime, are you seeing more of it this summer?"
    # every paragraph verbatim; the asides and the official resuming keep their labels
    assert reply.text.split("\n\n") == [
        "Can I note, though, two things —", "Q Yeah.",
        "MS. PSAKI: — just for your public information purposes? Claims fell.",
        "Q (Inaudible.)", "MS. PSAKI: And crime is local."]
    # "Q Me?" / "Yes. Go ahead." is neither a question nor a reply
    assert all(e.question != "Me?" for e in c.exchanges)
    assert any("aside before floor management" in n for n in c.skipped)


def test_a_lead_in_the_official_nods_to_is_one_question_with_what_follows():
    c = brief("""
MS. PSAKI: One thing at the top.

Q I have a question on the eviction moratorium.

MS. PSAKI: Sure.

Q Some states are reporting problems. What is the administration doing?

MS. PSAKI: Are you talking about the states, or about the Treasury —

Q No, about the states.

MS. PSAKI: Apologies.

Q Yeah.

MS. PSAKI: Look, we are working with them.

Q And the President's schedule today.

MS. PSAKI: He is in Ohio.

Q And tomorrow?

MS. PSAKI: In Texas.
""")
    answers = [e for e in c.exchanges if e.kind == "answer"]
    assert answers[0].question == ("I have a question on the eviction moratorium.\n\n"
                                   "Some states are reporting problems. What is the administration doing?")
    # the official's "Apologies." after the aside is her carrying on, not floor management
    assert answers[0].text.split("\n\n") == [
        "Are you talking about the states, or about the Treasury —", "Q No, about the states.",
        "MS. PSAKI: Apologies.", "Q Yeah.", "MS. PSAKI: Look, we are working with them."]
    # a real answer ("He is in Ohio.") is no nod: the next question is its own
    assert [(e.question, e.text) for e in answers[1:]] == [
        ("And the President's schedule today.", "He is in Ohio."), ("And tomorrow?", "In Texas.")]


def test_thanks_for_a_nod_do_not_end_the_exchange():
    c = brief("""
MS. PSAKI: One thing at the top.

Q The President's approval ratings are low. Is it the pandemic, or something else?

MS. PSAKI: Sure.

Q Thank you.

MS. PSAKI: Well, look, I would say that this is a really tough time in our country.

And the buck stops with him.
""")
    assert kinds(c) == [("statement", "Jen Psaki"), ("answer", "Jen Psaki")]
    assert c.exchanges[1].text.split("\n\n") == [
        "Sure.", "Q Thank you.",
        "MS. PSAKI: Well, look, I would say that this is a really tough time in our country.",
        "And the buck stops with him."]


def test_handing_the_floor_over_is_no_statement_and_no_reply():
    c = brief("""
MS. PSAKI: One thing at the top: the President signed an order.

With that, Alex, why don't you kick us off?

Q Thanks, Jen. On the order, when does it take effect?

MS. PSAKI: Next week.

Q Me?

MS. PSAKI: Oh, right there in the — did you have a question, right there?

Q On Ukraine, is more aid coming?

MS. PSAKI: Yes, this week.
""")
    assert kinds(c) == [("statement", "Jen Psaki"), ("answer", "Jen Psaki"), ("answer", "Jen Psaki")]
    assert [e.text for e in c.exchanges] == [
        "One thing at the top: the President signed an order.", "Next week.", "Yes, this week."]
    assert any("kick us off" in n for n in c.skipped)


def test_calling_on_the_next_reporter_is_no_statement():
    c = brief("""
MS. PSAKI: Good afternoon. The President signed an order today.

With that, go ahead, Aamer.

Q On the order?

MS. PSAKI: It takes effect today.

MS. PSAKI: Who have I not called on? Go ahead, sir.

Q And the budget?

MS. PSAKI: Next week.

I'm going to go way to the back. Go ahead, Owen.
""")
    # ... nor the end of the reply before it
    assert [(e.kind, e.text) for e in c.exchanges] == [
        ("statement", "Good afternoon. The President signed an order today."),
        ("answer", "It takes effect today."),
        ("answer", "Next week.")]
    assert any("'With that, go ahead, Aamer.'" in n for n in c.skipped)


def test_a_call_on_the_next_reporter_in_more_words_ends_no_reply():
    c = brief("""
MS. PSAKI: Good afternoon.

Q On student loans?

MS. PSAKI: The pause runs through May.

Go ahead, Patsy. I promised to get back to you.

Q And on the budget?

MS. PSAKI: Next week. We will go ahead.

Q And the deficit?

MS. PSAKI: It is falling.

Go ahead, all the way in the back.

Q Thank you.
""")
    assert [(e.kind, e.text) for e in c.exchanges if e.kind == "answer"] == [
        ("answer", "The pause runs through May."),
        ("answer", "Next week. We will go ahead."),     # a reply's own go-ahead stays
        ("answer", "It is falling.")]


def test_a_quip_during_remarks_is_not_a_question():
    c = brief("""
MS. JEAN-PIERRE: Okay. So, the President is welcoming President Macron.

Q Bonjour!

MS. JEAN-PIERRE: Oh, nice! Okay. The state dinner is tomorrow.

Q Karine, on the dinner —

MS. JEAN-PIERRE: Go ahead.

Q — who is invited?

MS. JEAN-PIERRE: Many guests.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre, November 30, 2022",
        source="2022-11-30.txt")
    # the quip skipped, the remarks go on: one statement on the visit
    assert kinds(c) == [("statement", "Karine Jean-Pierre"), ("answer", "Karine Jean-Pierre")]
    assert c.exchanges[0].text == ("Okay. So, the President is welcoming President Macron.\n\n"
                                   "Oh, nice! Okay. The state dinner is tomorrow.")
    # cut off ("on the dinner -") and given the floor: a question, not a quip
    assert c.exchanges[1].question == "Karine, on the dinner —\n\n— who is invited?"
    assert any("aside during remarks" in n for n in c.skipped)


def test_co_briefer_resuming_after_pleasantries_keeps_the_reply():
    c = brief("""
MS. JEAN-PIERRE: I'm joined by John Kirby.

Q So, has the war in Ukraine reached a stalemate?

MR. KIRBY: Okay.

Q I'm going to have one more, after.

MR. KIRBY: Okay. (Laughter.) Is that okay with you?

MS. JEAN-PIERRE: Oh, absolutely.

MR. KIRBY: Okay. It's okay. (Laughter.)

So, obviously, we're not going to characterize Ukrainian military operations.

Q On security assistance, how much is left?

MR. KIRBY: About $5 billion.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre and John Kirby, November 8, 2023",
        source="2023-11-08.txt")
    assert kinds(c) == [("statement", "Karine Jean-Pierre"), ("answer", "John Kirby"),
                        ("answer", "John Kirby")]
    e = c.exchanges[1]
    assert e.speakers == ("John Kirby", "Karine Jean-Pierre")
    assert e.text.split("\n\n")[-1] == ("So, obviously, we're not going to characterize "
                                         "Ukrainian military operations.")


def test_press_secretary_moderating_ends_a_co_briefers_reply():
    c = brief("""
MS. PSAKI: Secretary Granholm is here.

SECRETARY GRANHOLM: Thank you, Jen.

Q Secretary, what about gas prices?

SECRETARY GRANHOLM: They are coming down.

MS. PSAKI: Kaitlan.

Q And electric cars?

SECRETARY GRANHOLM: Yes.

MS. PSAKI: We'll have a whole briefing after this. (Laughs.)

SECRETARY GRANHOLM: Well, more of them every day.

MS. PSAKI: Thank you, Secretary Granholm.

SECRETARY GRANHOLM: Thank you.

MS. PSAKI: Okay. A couple of things at the top.
""", title="Press Briefing by Press Secretary Jen Psaki and Secretary of Energy Jennifer "
           "Granholm, April 8, 2021", source="2021-04-08.txt")
    names = kinds(c)
    assert names == [("statement", "Jen Psaki"), ("answer", "Jennifer Granholm"),
                     ("answer", "Jennifer Granholm"), ("statement", "Jen Psaki")]
    a = c.exchanges[1]
    assert a.text == "They are coming down."            # "Kaitlan." is not part of it
    b = c.exchanges[2]
    assert b.speakers == ("Jennifer Granholm", "Jen Psaki")  # she carried on after the aside
    assert b.text.endswith("SECRETARY GRANHOLM: Well, more of them every day.")


def test_a_phone_operator_is_floor_management():
    # a briefing held by phone (2021-02-18): the operator hands the line on
    c = brief("""
DR. SHERWOOD-RANDALL: Good morning. Texas is getting generators today.

OPERATOR: Zeke Miller, you're open. Please go ahead.

Q How many generators has FEMA sent?

DR. SHERWOOD-RANDALL: Sixty generators and fuel.

OPERATOR: And next, we have the line of Ken Thomas.

Q And the grid?
""", title="Press Briefing by Press Secretary Jen Psaki and Homeland Security Adviser "
           "Dr. Liz Sherwood-Randall, February 18, 2021", source="2021-02-18.txt")
    assert [(e.kind, e.question, e.text) for e in c.exchanges] == [
        ("statement", None, "Good morning. Texas is getting generators today."),
        ("answer", "How many generators has FEMA sent?", "Sixty generators and fuel.")]
    assert any("staff 'OPERATOR: And next" in n for n in c.skipped)


def test_small_talk_before_the_remarks_leaves_them_statements():
    # 2022-11-22: cookies, a quip taken for a question, then the remarks
    c = brief("""
MS. JEAN-PIERRE: Hello! I have some Thanksgiving cookies for all of you.

Q If you have time to bake, I'll be truly impressed.

MS. JEAN-PIERRE: It would be quite impressive, wouldn't it be?

Okay, good afternoon, everybody. Today I'm joined by Dr. Ashish Jha and Dr. Anthony Fauci.

All yours, Dr. Fauci.

DR. FAUCI: Thank you, Karine. Getting an updated booster is the most important thing.

Q Dr. Fauci, how long does protection last?

DR. FAUCI: Months, not decades.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre, November 22, 2022",
               source="2022-11-22.txt")
    banter = next(e for e in c.exchanges if e.question and "bake" in e.question)
    assert banter.text == "It would be quite impressive, wouldn't it be?"
    statements = [(e.spokesperson, e.text[:30]) for e in c.exchanges if e.kind == "statement"]
    assert ("Karine Jean-Pierre", "Okay, good afternoon, everybod") in statements
    assert ("Anthony Fauci", "Thank you, Karine. Getting an ") in statements
    assert c.exchanges[-1].question == "Dr. Fauci, how long does protection last?"
    assert c.exchanges[-1].text == "Months, not decades."


def test_remarks_open_with_any_greeting_of_the_room_and_sign_offs_are_no_statements():
    c = brief("""
MS. JEAN-PIERRE: Hi, hi.

Q Did you bake these yourself?

MS. JEAN-PIERRE: I will. (Laughter.)

All right. It's Tuesday. Happy Tuesday, everybody. The Admiral is here on the G7.

MR. KIRBY: Thanks, Karine. The President leaves for Hiroshima tomorrow.

Q Admiral, will he meet Zelenskyy?

MR. KIRBY: I won't get ahead of the schedule.

All right, everybody. I'll see you tomorrow.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre and NSC Coordinator for "
           "Strategic Communications John Kirby, May 16, 2023", source="2023-05-16.txt")
    assert [(e.kind, e.spokesperson, e.text) for e in c.exchanges] == [
        ("answer", "Karine Jean-Pierre", "I will. (Laughter.)"),
        ("statement", "Karine Jean-Pierre",
         "All right. It's Tuesday. Happy Tuesday, everybody. The Admiral is here on the G7."),
        ("statement", "John Kirby", "Thanks, Karine. The President leaves for Hiroshima tomorrow."),
        ("answer", "John Kirby", "I won't get ahead of the schedule.")]


def test_an_aide_never_named_is_one_even_answering_a_reporter():
    # 2023-01-03: Dalton, never named, once speaks first after a reporter
    c = brief("""
MS. JEAN-PIERRE: Good afternoon. One thing at the top: the Pope's funeral.

Q Karine? A question on Pope Benedict?

MS. DALTON: We have a local reporter (inaudible).

MS. JEAN-PIERRE: Go ahead.

Q Will the President attend the funeral?

MS. JEAN-PIERRE: He will not; the delegation is led by the ambassador.

MS. DALTON: I think we're running into a technical issue.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre, January 3, 2023",
               source="2023-01-03.txt")
    assert not any("Dalton" in (e.spokesperson, *e.speakers) for e in c.exchanges)
    assert [(e.question, e.text) for e in c.exchanges if e.kind == "answer"] == [
        ("Will the President attend the funeral?",
         "He will not; the delegation is led by the ambassador.")]


def test_an_aide_keeping_time_is_floor_management():
    c = brief("""
MS. JEAN-PIERRE: Good afternoon. One thing at the top: the strike in Nevada.

Q What is the President's message to the culinary workers?

MS. JEAN-PIERRE: He supports their right to organize.

MS. DALTON: We have time for a couple more.

MS. JEAN-PIERRE: Go ahead.

Q On the budget?

MS. JEAN-PIERRE: We sent it to Congress.

MS. DALTON: Karine, you've got about two minutes.

So, wrap it up.

MS. JEAN-PIERRE: I do have one more thing for you all: it is World Press Freedom Day.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre, October 3, 2023",
               source="2023-10-03.txt")
    reply = c.exchanges[1]
    assert (reply.text, reply.speakers) == ("He supports their right to organize.", ())
    # an official who never answers a reporter and says a few words a turn
    # manages the floor, in any words; what the press secretary says next is
    # her own statement, not more of the reply before it
    assert [(e.kind, e.text) for e in c.exchanges[2:]] == [
        ("answer", "We sent it to Congress."),
        ("statement", "I do have one more thing for you all: it is World Press Freedom Day.")]
    assert not any("DALTON" in e.text or "wrap it up" in e.text for e in c.exchanges)
    assert sum("an aide managing the floor" in n for n in c.skipped) == 3


def test_label_variants_and_typos():
    c = brief("""
MS. JEAN-PIERRE: Joining us is Secretary of Homeland Security Alejandro Mayorkas.

SECRETARY MAYORKAS: Thank you. Let me start with the border.

Q Mr. Secretary, a question?

SECRETARY MAYORAKAS: So — the answer is no.

Q And Title 42?

QMS. JEAN-PIERRE: I'll take that one.

Q` Last one?

MR SULLIVAN: I'll add one thing: we will keep working with our allies on this, as we have from the start.

Q OK?

ADMINSITRATOR CRISWELL: FEMA is ready, with teams and supplies in place in every state that could be hit.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre and Secretary of Homeland "
           "Security Alejandro Mayorkas, May 11, 2023", source="2023-05-11.txt")
    answers = [e for e in c.exchanges if e.kind == "answer"]
    assert [e.spokesperson for e in answers] == ["Alejandro Mayorkas", "Karine Jean-Pierre",
                                                  "Sullivan", "Criswell"]
    assert answers[0].text == "So — the answer is no."
    assert answers[1].text == "I'll take that one."
    assert answers[2].question == "Last one?"
    assert any("MAYORAKAS" in n and "typo" in n for n in c.skipped)


def test_headline_quotes_are_not_labels():
    c = brief("""
MS. JEAN-PIERRE: Here is what outlets reported.

CBS: "Republicans want to raise the age."

Reuters: "GOP threatens cuts."

Q Is that fair?

MS. JEAN-PIERRE: It is what they said.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre, February 1, 2023",
             source="2023-02-01.txt")
    # her remarks, the quoted headlines in them (one topic: one statement)
    assert c.exchanges[0].text.split("\n\n") == [
        "Here is what outlets reported.", 'CBS: "Republicans want to raise the age."',
        'Reuters: "GOP threatens cuts."']
    assert [e.kind for e in c.exchanges] == ["statement", "answer"]
    assert all(e.spokesperson == "Karine Jean-Pierre" for e in c.exchanges)


def test_multi_paragraph_question_and_lead_in_list():
    c = brief("""
MS. PSAKI: The President also signed:

a memorandum on the National Guard

an executive order on testing

Sorry, there's a lot here.

Q Two questions.

The first is on vaccines. How many?

MS. PSAKI: A hundred million.
""")
    # the list kept with its lead-in, and the aside after it in the same remarks
    assert c.exchanges[0].text == ("The President also signed:\n\na memorandum on the National "
                                   "Guard\n\nan executive order on testing\n\n"
                                   "Sorry, there's a lot here.")
    assert c.exchanges[1].question == "Two questions.\n\nThe first is on vaccines. How many?"


def test_parse_errors():
    with pytest.raises(ParseError, match="names no date.*nor does the file name"):
        brief("MS. PSAKI: Hi.\n\nQ Hi?\n\nMS. PSAKI: Hello.",
              title="Press Briefing by Press Secretary Jen Psaki", source="briefing.txt")
    with pytest.raises(ParseError, match="no exchanges"):
        brief("James S. Brady Press Briefing Room\n\n1:17 P.M. EST\n\n2:13 P.M. EST")


def test_detect():
    assert wh.detect(TITLE, [])
    assert wh.detect("Press Briefing by Press Secretary Karine Jean-Pierre and NSC Coordinator "
                     "John Kirby, January 6. 2023, January 6, 2023", [])
    assert wh.detect("Some briefing", ["MS. PSAKI: Hi.", "Q Hi, Jen.", "MS. PSAKI: Okay."])
    assert not wh.detect("Foreign Ministry Spokesperson Zhao Lijian's Regular Press Conference "
                         "on December 24, 2021", ["Zhao Lijian: Good afternoon.", "Q: Hello"])
    assert not wh.detect("A note", ["Some text.", "More text."])


def test_read_markdown_front_matter_and_markup():
    md = ("---\ntitle: \"Press Briefing by Press Secretary Jen\\_Psaki, January 21,\\_2021\"\n"
          "date: '2021-01-21'\nsource_url: https://example.gov/b/\n---\n\u00a0\n"
          "James S. Brady Press Briefing Room\n\n"
          "MS. PSAKI:\u00a0 Good afternoon.\u00a0 We have **news** and a\n"
          "hard-wrapped line, a \\[sic\\] and <s>18 of 24</s> \\*\\[16 of 21\\].\n\u00a0 \n"
          "Q\u00a0\u00a0 Thanks, Jen.\u00a0 A question?  \nsecond line after a break\n")
    title, paras, meta = read_markdown(md, "x.md")
    assert title == "Press Briefing by Press Secretary Jen Psaki, January 21, 2021"
    assert meta["source_url"] == "https://example.gov/b/"
    assert paras == [
        "James S. Brady Press Briefing Room",
        "MS. PSAKI: Good afternoon. We have news and a hard-wrapped line, a [sic] and "
        "18 of 24 *[16 of 21].",
        "Q Thanks, Jen. A question?", "second line after a break"]


def test_read_markdown_title_without_date_gets_front_matter_date():
    md = "---\ntitle: Press Briefing by Press Secretary Karine Jean-Pierre\ndate: '2022-07-19'\n---\n\nQ Hi?\n"
    title, paras, _ = read_markdown(md, "x.md")
    assert title == "Press Briefing by Press Secretary Karine Jean-Pierre, July 19, 2022"
    with pytest.raises(ParseError, match="never ends"):
        read_markdown("---\ntitle: x\n", "x.md")


def test_title_with_numeric_date():
    # one briefing of the scraper's 508 is titled so (2023-02-14)
    c = brief(SMALL, title="Press Briefing by Press Secretary Karine Jean-Pierre, 2/14/2023",
              source="2023-02-14.txt")
    assert c.date == dt.date(2023, 2, 14)
    assert c.spokesperson == "Karine Jean-Pierre"
    assert not any("differs" in n for n in c.skipped)
    with pytest.raises(ParseError, match="names no date"):
        brief(SMALL, title="Press Briefing by Press Secretary Karine Jean-Pierre, 2/30/2023")


# ------------------------------------------------------------- the corpus
def _txt(stem: str):
    f = WH / f"{stem}.txt"
    t, paras = read_text(f.read_text(encoding="utf-8"), str(f))
    return wh.parse(t, paras, str(f)), paras


def _md(stem: str):
    f = WH / f"{stem}.md"
    t, paras, meta = read_markdown(f.read_text(encoding="utf-8"), str(f))
    return wh.parse(t, paras, str(f), url=meta.get("source_url")), paras


@pytest.fixture(scope="module")
def corpus():
    out = {}
    for f in sorted(WH.glob("2*.txt")):
        out[f.stem] = (_txt(f.stem), _md(f.stem))
    return out


@needs_wh
def test_every_file_parses_and_quotes_verbatim(corpus):
    assert len(corpus) == 100
    for stem, ((ct, pt), (cm, pm)) in corpus.items():
        assert ct.date == cm.date == dt.date.fromisoformat(stem), stem
        assert ct.spokesperson in ("Jen Psaki", "Karine Jean-Pierre"), stem
        assert cm.url and cm.url.startswith("https://"), stem
        for c, paras in ((ct, pt), (cm, pm)):
            source = "\n".join(paras)
            assert sum(e.kind == "answer" for e in c.exchanges) > 10, stem
            for e in c.exchanges:
                assert e.text and e.spokesperson, (stem, e.ordinal)
                assert (e.question is None) == (e.kind == "statement"), (stem, e.ordinal)
                for part in e.text.split("\n\n") + (e.question or "").split("\n\n"):
                    if part:
                        assert part in source, (stem, e.ordinal, part[:80])
                assert not re.match(r"Q\s", e.text), (stem, e.ordinal)


# The .md keeps a line starting "2017. " inside its paragraph; the txt
# rendering took it for a numbered-list item, split the paragraph there and
# dropped the number. These are the only paragraph differences in the corpus.
LIST_MARKER_SPLITS = {"2021-02-12", "2021-12-09", "2022-10-18", "2022-11-30", "2024-03-27"}


@needs_wh
def test_md_and_txt_paragraphs_agree(corpus):
    differ = set()
    for stem, ((ct, pt), (cm, pm)) in corpus.items():
        if pt == pm:
            assert ct.exchanges == cm.exchanges, stem
            continue
        differ.add(stem)
        assert len(pt) == len(pm) + 1, stem
        i = next(k for k, (a, b) in enumerate(zip(pt, pm)) if a != b)
        assert re.fullmatch(re.escape(pt[i]) + r" \d{1,4}\. " + re.escape(pt[i + 1]), pm[i]), stem
        assert pt[:i] == pm[:i] and pt[i + 2:] == pm[i + 1:], stem
    assert differ == LIST_MARKER_SPLITS


@needs_wh
def test_exact_counts_on_read_files():
    # Psaki alone: 3 opening paragraphs, the third handing the floor over ("But,
    # Colleen, why don't you kick us off."); 34 questions, one an aside
    c, _ = _txt("2021-12-21")
    # her two opening paragraphs on one topic: one statement
    assert [e.kind for e in c.exchanges].count("statement") == 1
    assert any("kick us off" in n for n in c.skipped)
    # 32 exchanges: "Q We like that big number on TV." is an aside inside a reply,
    # and "What - what is their protocol or what is the President's protocol?"
    # asks back what was meant: part of the question it clarifies
    assert [e.kind for e in c.exchanges].count("answer") == 32
    assert len(c.exchanges) == 33
    asked = next(e for e in c.exchanges if "MS. PSAKI: What — what is their protocol" in (e.question or ""))
    assert asked.question.endswith("What is the protocol for other White House staff — others who "
                                   "were interacting with this individual?")
    assert asked.text.startswith("Well — well, if somebody is a close contact")
    aside = next(e for e in c.exchanges if "Q We like that big number on TV." in e.text)
    assert aside.text.split("\n\n") == ["Yes.", "Q We like that big number on TV.",
                                         "MS. PSAKI: Half a billion. Okay."]
    assert c.exchanges[1].question.startswith("Okay. Thanks, Jen. So, first off, how is the President")
    assert c.exchanges[31].question.startswith("All right. Okay.\n\nCan you clarify: He has not")

    c, _ = _txt("2021-01-21")              # Dr. Fauci at the top, then Psaki
    ex = c.exchanges
    # "Q Dr. Fauci -" / "Yes." and two like it are not exchanges; "Q ... I have a question
    # for myself, and ..." / "Sure." / "Q My question is this ..." is one question;
    # "With that, I'm happy to take your questions. Zeke, ..." hands the floor over
    # her 2 paragraphs introducing him are one statement (the third, "With that, I
    # will turn it over to Dr. Fauci.", hands the floor over), his 18 paragraphs of
    # remarks six (cut where he steps on to new words, "So, first of all,", "Now,
    # there's good news", or the statement would pass 400 words)
    # "Q ... Is there anything actionable ...?" / "DR. FAUCI: Well -" / "Q And is
    # that delaying your efforts ...?" / his answer: one question
    assert len(ex) == 71
    assert [e.spokesperson for e in ex[:7]] == ["Jen Psaki"] + ["Fauci"] * 6
    assert [len(e.text.split("\n\n")) for e in ex[:7]] == [2, 1, 2, 5, 4, 4, 2]
    assert any("floor management" in n and "With that, I will turn" in n for n in c.skipped)
    assert all(e.kind == "statement" for e in ex[:7])
    assert ex[7].kind == "answer" and ex[7].spokesperson == "Fauci"
    assert sum(e.kind == "answer" and e.spokesperson == "Fauci" for e in ex) == 18
    assert any(e.question.startswith("President Biden said that what was left was") and
               e.question.endswith("that's the question that —".replace("'", "’")) and
               e.text.startswith("No, I mean, we’re coming in with fresh ideas") for e in ex[7:])
    assert sum(e.kind == "answer" and e.spokesperson == "Jen Psaki" for e in ex) == 44


@needs_wh
def test_co_briefers_are_attributed():
    c, _ = _txt("2021-01-21")
    strain = [e for e in c.exchanges if "South African strain is in the United States" in e.text]
    assert len(strain) == 1 and strain[0].spokesperson == "Fauci" and strain[0].kind == "answer"
    c, _ = _txt("2022-09-16")
    kirby = [e for e in c.exchanges if e.spokesperson == "John Kirby"]
    assert any("pay our respects" in e.text and e.kind == "answer" for e in kirby)
    c, _ = _txt("2024-03-27")
    assert {e.spokesperson for e in c.exchanges} == {"Karine Jean-Pierre", "Pete Buttigieg",
                                                     "Peter Gautier"}


@needs_wh
def test_greeting_turns_are_not_questions(corpus):
    greetings = re.compile(r"(?:Good afternoon|Happy New Year|Happy \w+day|Hi, \w+|Thank you, \w+)\.?")
    for stem, ((c, _), _md) in corpus.items():
        for e in c.exchanges:
            if e.kind == "answer":
                assert not greetings.fullmatch(e.question), (stem, e.ordinal, e.question)


@needs_wh
@pytest.mark.skipif(not QUESTIONS.is_file(), reason=f"{QUESTIONS} not found")
def test_gold_snippets_found_with_the_right_speaker(corpus):
    qs = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    found = speaker = 0
    for q in qs:
        (c, _), _md = corpus[q["date"]]
        hits = [e for e in c.exchanges if any(g in e.text for g in q["gold"])]
        found += bool(hits)
        surname = q["speaker"].split()[-1].lower()
        speaker += any(surname in (e.spokesperson or "").lower() for e in hits)
    assert (found, speaker) == (len(qs), len(qs))


@pytest.mark.skipif(not SEED.is_file(), reason="seed transcript missing")
def test_seed_is_not_white_house():
    paras = split_text_paragraphs(SEED.read_text(encoding="utf-8"))
    assert not wh.detect(paras[1], paras[2:])
    assert not wh.detect(paras[0], paras[1:])


@pytest.mark.skipif(not MINISTRY.is_dir(), reason=f"ministry corpus not found at {MINISTRY}")
def test_ministry_files_are_not_white_house():
    files = sorted(MINISTRY.glob("*.txt"))
    assert files
    for f in files:
        paras = split_text_paragraphs(f.read_text(encoding="utf-8"))
        title = next(p for p in paras[:5] if "Spokesperson" in p or "Press Conference" in p)
        assert not wh.detect(title, paras[paras.index(title) + 1:]), f.name


@needs_wh
def test_white_house_files_are_detected(corpus):
    for stem, ((c, paras), _md) in corpus.items():
        assert wh.detect(c.title, paras), stem
        assert wh.detect("", paras), stem      # labels alone suffice


def test_collapse_is_the_paragraph_normalization():
    # Paragraphs from read_text are exactly rag.parse's collapse of the block.
    t, paras = read_text(TITLE + "\n\nQ\u00a0 Hi,   Jen.\n\nMS. PSAKI:\u00a0 Hi.\n", "x.txt")
    assert paras == [collapse("Q\u00a0 Hi,   Jen."), collapse("MS. PSAKI:\u00a0 Hi.")]


def test_more_pleasantries_are_no_statements_but_sentences_about_things_are():
    c = brief("""
MS. JEAN-PIERRE: Happy Monday indeed.

MR. SAMS: Thank you, Karine. Good to see everybody.

MR. SAMS: It's good to be with you all.

MR. SAMS: It is good to see the economy recover this quarter, with wages up again.

Q Ian, will the counsel's office release the letter?

MR. SAMS: We will release it when the review is done.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre and Spokesman for the White "
           "House Counsel's Office Ian Sams, February 9, 2024", source="2024-02-09.txt")
    assert [(e.kind, e.text) for e in c.exchanges] == [
        ("statement", "It is good to see the economy recover this quarter, with wages up again."),
        ("answer", "We will release it when the review is done.")]


def test_a_reporter_asking_how_the_official_is_greets_and_asks_nothing():
    c = brief("""
MS. PSAKI: Hi, everyone.

Q Hi. How are you?

MS. PSAKI: Great. Okay. Today, as promised, we have the premiere of Dr. Ashish Jha in the briefing room.

Q Jen, how long will he stay?

MS. PSAKI: He has time for a few questions today.
""", title="Press Briefing by Press Secretary Jen Psaki, April 26, 2022", source="2022-04-26.txt")
    assert [(e.kind, e.question) for e in c.exchanges] == [
        ("statement", None), ("answer", "Jen, how long will he stay?")]
    assert "premiere of Dr. Ashish Jha" in c.exchanges[0].text


def test_a_reporters_tag_question_is_an_aside_and_the_reply_goes_on():
    c = brief("""
Q Will the President visit East Palestine?

MS. JEAN-PIERRE: I don't have anything to share on a visit. But it does matter that the President put forth a multi-agency reaction to this —

Q Of course. But so does showing up.

MS. JEAN-PIERRE: — taking it seriously.

Q Right?

MS. JEAN-PIERRE: Look, showing up is having the EPA Administrator on the ground.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre, February 23, 2023",
           source="2023-02-23.txt")
    assert [e.question for e in c.exchanges] == ["Will the President visit East Palestine?"]
    text = c.exchanges[0].text
    assert "Q Right?" in text and text.endswith("having the EPA Administrator on the ground.")


def test_a_label_that_lost_its_title_but_a_letter_is_still_the_official():
    c = brief("""
Q Did the Speaker consult the President before sending the article over?

S. PSAKI: I don't have any calls between them to read out for you, Kristen.
""", title="Press Briefing by Press Secretary Jen Psaki, January 22, 2021", source="2021-01-22.txt")
    assert [(e.spokesperson, e.text) for e in c.exchanges] == [
        ("Jen Psaki", "I don't have any calls between them to read out for you, Kristen.")]


def test_cross_talk_mid_sentence_stays_inside_the_reply():
    c = brief("""
Q How long will it be before the tariffs make themselves felt?

CHAIR BERNSTEIN: Okay. So, first of all —

Q Like, what — what's your prediction —

CHAIR BERNSTEIN: Sure. I can give you some economics on that —

Q — for the lag? Yeah.

CHAIR BERNSTEIN: — the lag structure. It takes a while for tariffs to show up in prices.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre and Chair of the Council of "
           "Economic Advisers Jared Bernstein, December 11, 2024", source="2024-12-11.txt")
    assert [e.question for e in c.exchanges] == [
        "How long will it be before the tariffs make themselves felt?"]
    assert c.exchanges[0].text.endswith("It takes a while for tariffs to show up in prices.")
    assert "Q — for the lag? Yeah." in c.exchanges[0].text


def test_the_press_secretary_seeing_a_co_briefer_off_ends_their_reply():
    c = brief("""
Q Mr. Secretary, does the administration support congestion pricing in New York?

SECRETARY BUTTIGIEG: This is a decision for the parties involved. There is a real challenge with congestion there.

MS. PSAKI: Okay. Thank you, Mr. Secretary.

SECRETARY BUTTIGIEG: Thanks very much. Real honored to be here.

Q Jen, on the pipeline?

MS. PSAKI: We are watching it closely.
""", title="Press Briefing by Press Secretary Jen Psaki and Secretary of Transportation Pete "
           "Buttigieg, April 9, 2021", source="2021-04-09.txt")
    assert [(e.spokesperson, e.text) for e in c.exchanges] == [
        ("Pete Buttigieg", "This is a decision for the parties involved. There is a real "
                           "challenge with congestion there."),
        ("Jen Psaki", "We are watching it closely.")]
    assert any("farewell" in n for n in c.skipped)


def test_pleasantries_traded_after_a_reply_are_not_part_of_it():
    c = brief("""
Q What does the CPI report say about rents?

MS. JEAN-PIERRE: Rents are still coming down, and we expect that to continue.

Q Karine, Happy Valentine's Day.

MS. JEAN-PIERRE: Happy Valentine's Day.

Q On Ukraine, will the President travel there?

MS. JEAN-PIERRE: I don't have any travel to announce.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre, February 14, 2023",
           source="2023-02-14.txt")
    assert [e.text for e in c.exchanges] == [
        "Rents are still coming down, and we expect that to continue.",
        "I don't have any travel to announce."]


def test_a_nod_between_two_parts_of_a_question_is_no_reply_but_yes_is():
    c = brief("""
Q Putin called the United States an enemy today. What's the White House's response to that?

MS. JEAN-PIERRE: Yeah.

Q And to what extent are you concerned now?

MS. JEAN-PIERRE: So, just a couple of things. We are watching the visit closely.

Q Is the meeting with Seoul still on for next week?

MS. JEAN-PIERRE: Yes.

Q And who will attend it?

MS. JEAN-PIERRE: The Secretary of State will lead our side.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre, June 18, 2024",
           source="2024-06-18.txt")
    assert [(e.question.split("\n\n")[-1], e.text) for e in c.exchanges] == [
        ("And to what extent are you concerned now?",
         "So, just a couple of things. We are watching the visit closely."),
        ("Is the meeting with Seoul still on for next week?", "Yes."),
        ("And who will attend it?", "The Secretary of State will lead our side.")]
    assert c.exchanges[0].question.startswith("Putin called the United States an enemy today.")


def test_an_official_asking_what_was_meant_is_part_of_the_question():
    c = brief("""
Q How much does the President want to spend on an infrastructure package?

MS. PSAKI: How much?

Q How much?

MS. PSAKI: Wait until the President lays out his plan next week.

Q Is he going to Ohio?

MS. PSAKI: Why?

Q Because the plant opens there on Friday.

MS. PSAKI: He has no travel to announce.
""")
    qs = [(e.question.split("\n\n"), e.text) for e in c.exchanges]
    # the official's words stay, verbatim and labelled, in the question they clarify
    assert qs == [
        (["How much does the President want to spend on an infrastructure package?",
          "MS. PSAKI: How much?", "Q How much?"],
         "Wait until the President lays out his plan next week."),
        (["Is he going to Ohio?", "MS. PSAKI: Why?", "Q Because the plant opens there on Friday."],
         "He has no travel to announce.")]
    assert sum("asks what was meant" in n for n in c.skipped) == 2


def test_an_official_asking_to_hear_it_again_is_part_of_the_question():
    c = brief("""
Q Will the President sign the rail bill this week?

MS. JEAN-PIERRE: S- — say that one more time.

Q The rail bill: will he sign it this week?

MS. JEAN-PIERRE: He will sign it on Friday.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre, June 18, 2024",
           source="2024-06-18.txt")
    assert [(e.question.split("\n\n"), e.text) for e in c.exchanges] == [
        (["Will the President sign the rail bill this week?",
          "MS. JEAN-PIERRE: S- — say that one more time.",
          "Q The rail bill: will he sign it this week?"], "He will sign it on Friday.")]


def test_a_long_question_back_is_a_reply():
    c = brief("""
Q Is the President worried about the strike?

MS. PSAKI: Well, would you not be worried if a hundred thousand workers walked off the job tomorrow?

Q I would.

MS. JEAN-PIERRE: Then you have your answer.
""")
    assert c.exchanges[0].text.startswith("Well, would you not be worried")


def test_asking_leave_to_ask_joins_the_question_that_follows():
    c = brief("""
Q Can I ask you a quick one on Iran?

MS. PSAKI: Sure.

Q The talks in Vienna resume on Monday. Who will lead them?

MS. PSAKI: Rob Malley will lead our delegation.

Q Is the President still going to Tulsa?

MS. PSAKI: Yes.
""")
    assert [(e.question, e.text) for e in c.exchanges] == [
        ("Can I ask you a quick one on Iran?\n\nThe talks in Vienna resume on Monday. Who will lead them?",
         "Rob Malley will lead our delegation."),
        ("Is the President still going to Tulsa?", "Yes.")]


def test_a_question_passed_over_gets_no_reply_but_yes_go_ahead_is_one():
    c = brief("""
Q Is that a concern to this administration?

MS. PSAKI: Go ahead, April.

Q Does the President support the commission?

MS. PSAKI: Yes. Go ahead.

Q On the budget, when will it come out?

MS. PSAKI: In May.
""")
    assert [(e.question, e.text) for e in c.exchanges] == [
        ("Does the President support the commission?", "Yes. Go ahead."),
        ("On the budget, when will it come out?", "In May.")]
    assert any("passed over" in n and "Is that a concern" in n for n in c.skipped)


def test_two_asides_before_the_official_finishes_a_sentence_stay_in_the_reply():
    c = brief("""
Q What will he say to President Xi?

MR. SULLIVAN: I have already said too much. So, I will pass that off to —

Q Keep going.

Q Not a problem with that here.

MR. SULLIVAN: — I will pass that off to Karine. But on the meeting, he will raise fentanyl.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre and National Security Advisor "
           "Jake Sullivan, November 13, 2024", source="2024-11-13.txt")
    assert len(c.exchanges) == 1
    e = c.exchanges[0]
    assert e.spokesperson == "Jake Sullivan"
    assert e.text.split("\n\n") == [
        "I have already said too much. So, I will pass that off to —", "Q Keep going.",
        "Q Not a problem with that here.",
        "MR. SULLIVAN: — I will pass that off to Karine. But on the meeting, he will raise fentanyl."]


def test_a_question_begun_inside_a_reply_is_the_next_questions_start():
    c = brief("""
Q Does the White House support the auto workers?

MR. BERNSTEIN: He is a pro-union president. So, I think there's a clear —

Q So, the President would support those —

MR. BERNSTEIN: — a clear connection.

Q — workers? He would support them if they strike?

MR. BERNSTEIN: I'm going to leave it at that.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre and Chair of the Council of "
           "Economic Advisers Jared Bernstein, September 13, 2023", source="2023-09-13.txt")
    assert [(e.question, e.text, e.spokesperson) for e in c.exchanges] == [
        ("Does the White House support the auto workers?",
         "He is a pro-union president. So, I think there's a clear —\n\n— a clear connection.",
         "Jared Bernstein"),
        ("So, the President would support those —\n\n— workers? He would support them if they strike?",
         "I'm going to leave it at that.", "Jared Bernstein")]


def test_one_more_thing_before_questions_after_a_quip_is_remarks():
    c = brief("""
Q Is the President going to Delaware this weekend?

MS. JEAN-PIERRE: He is.

Q Congrats on becoming a congressional spouse. (Laughter.)

MS. JEAN-PIERRE: I just have one more thing, and then I'll go into your questions. So, today, the President welcomed 200 educators.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre, November 13, 2024",
           source="2024-11-13.txt")
    assert [e.kind for e in c.exchanges] == ["answer", "statement"]
    assert c.exchanges[1].text.startswith("I just have one more thing")


def test_a_middle_name_or_two_word_surname_from_the_title():
    c = brief("""
MS. JEAN-PIERRE: Good afternoon. Keisha Lance Bottoms is here to talk about voting.

MS. BOTTOMS: Thank you, Karine. The President has signed three orders on voting.

Q Can he do more without Congress?

MS. BOTTOMS: He has used every executive power he has.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre and Senior Advisor for Public "
           "Engagement Keisha Lance Bottoms, January 13, 2023", source="2023-01-13.txt")
    assert {e.spokesperson for e in c.exchanges} >= {"Keisha Lance Bottoms"}
    # a title's words before a name are no part of it
    c = brief("""
MR. BERNSTEIN: Thanks, Karine. Wages are up.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre and Chair of the Council of "
           "Economic Advisers Jared Bernstein, September 13, 2023", source="2023-09-13.txt")
    assert c.exchanges[0].spokesperson == "Jared Bernstein"


def test_an_official_breaking_off_at_once_leaves_the_question_open():
    c = brief("""
Q Is the President going to Ohio next week?

MS. PSAKI: So —

Q And will he visit the plant in Lordstown?

MS. PSAKI: He will be in Ohio on Tuesday, and the plant is on his schedule.

Q Did he call the governor?

MS. PSAKI: No —

Q Why not?

MS. PSAKI: He will call tomorrow.
""")
    assert [(e.question, e.text) for e in c.exchanges] == [
        ("Is the President going to Ohio next week?\n\nAnd will he visit the plant in Lordstown?",
         "He will be in Ohio on Tuesday, and the plant is on his schedule."),
        # "No -" may be an answer: it stays one, the aside inside it
        ("Did he call the governor?", "No —\n\nQ Why not?\n\nMS. PSAKI: He will call tomorrow.")]


def test_a_few_words_broken_off_between_dashes_leave_the_question_open():
    c = brief("""
Q Does he see this as a meeting only about the debt ceiling?

MS. JEAN-PIERRE: The President — well, I —

Q Or when McCarthy wants to talk about all of it, what are the mechanics?

MS. JEAN-PIERRE: He is not going to negotiate on the debt ceiling.
""", title="Press Briefing by Press Secretary Karine Jean-Pierre, May 2, 2023",
           source="2023-05-02.txt")
    # four words and the dashes between them answer nothing: no reply of their own
    assert [(e.question, e.text) for e in c.exchanges] == [
        ("Does he see this as a meeting only about the debt ceiling?\n\n"
         "Or when McCarthy wants to talk about all of it, what are the mechanics?",
         "He is not going to negotiate on the debt ceiling.")]


def test_label_typos_an_unseen_briefing_may_have():
    """Typos of a turn label a transcript may have: each still the official's
    turn, the label never inside the reply, no reply starting empty."""
    c = brief("""
MS. PSAKI: Good afternoon. I'm joined by John Kirby.

Mr. Kirby: Thanks, Jen. Ukraine gets two more systems.

Q. How many interceptors?

MR. KIRBY;  Four, with the systems.

Q And the timing?

MR. KIRBY:Soon.

Q Jen, on the budget?

Ms. Psaki:

The President will sign it.

END
""")
    answers = [e for e in c.exchanges if e.kind == "answer"]
    assert [(e.question, e.text, e.spokesperson) for e in answers] == [
        ("How many interceptors?", "Four, with the systems.", "John Kirby"),
        ("And the timing?", "Soon.", "John Kirby"),
        ("Jen, on the budget?", "The President will sign it.", "Jen Psaki")]
    statements = [e for e in c.exchanges if e.kind == "statement"]
    assert statements[-1].text == "Thanks, Jen. Ukraine gets two more systems."
    assert statements[-1].spokesperson == "John Kirby"
    assert any("end line" in n for n in c.skipped)


def test_a_briefing_whose_labels_are_not_read_fails_with_the_reason():
    with pytest.raises(ParseError, match="no official's turn label"):
        brief("MS. PSAKI&nbsp; Hello.\n\nQ Hi?\n\nMS. PSAKI&nbsp; Hello again.")


def test_the_press_secretary_is_read_from_a_gaggles_title():
    from rag.parse.whitehouse_labels import parse_title
    for title in ("Press Gaggle by Press Secretary Karine Jean-Pierre Aboard Air Force One "
                  "En Route Dover, DE, January 3, 2025",
                  "Press Briefing by Press Secretary Karine Jean-Pierre & NSC Coordinator "
                  "John Kirby, January 3, 2025"):
        assert parse_title(title) == (dt.date(2025, 1, 3), "Karine Jean-Pierre"), title
