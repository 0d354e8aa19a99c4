"""The White House's other podiums (parser 31): the COVID-19 response team's
briefings, on-the-record gaggles and press calls, background calls whose
officials are unnamed. Synthetic transcripts in the layouts of the scraper's
pages (brian14708/wh-briefings, press-briefings/), checked through the public
readers: 1,143 of its 1,154 pages parse, 705 did before, and every page that
parsed before parses the same.
"""
from __future__ import annotations

import datetime as dt

import pytest

from rag.parse import ParseError, parse_markdown, parse_text

COVID = """Press Briefing by White House COVID-19 Response Team and Public Health Officials, March 1, 2021

Via Teleconference

11:03 A.M. EST

MR. ZIENTS: Good morning. Thank you for joining us. Today, we'll get an update from Dr. Walensky.

DR. WALENSKY: Thank you, Jeff. Cases have leveled off at a very high number.

MR. ZIENTS: With that, let's open it up for questions.

MODERATOR: Let's go to Kristen Welker at NBC.

Q Thank you. Dr. Walensky, should vaccinated people still wear masks indoors?

DR. WALENSKY: Yes. We still recommend masks indoors for everyone for now.

11:44 A.M. EST

To view the COVID Press Briefing slides, visit: https://example.gov/slides-1March2021-for-transcript.pdf
"""

BACKGROUND = """Background Press Call on Venezuela, November 27, 2024

Via Teleconference

9:18 A.M. EST

MODERATOR: Good morning, everyone. This call is on background.

SENIOR ADMINISTRATION OFFICIAL: Today we are sanctioning twenty-one officials of the security apparatus.

Q Hi there. Gabe Gutierrez with NBC. Appreciate you doing this.

Question: Have you spoken to the incoming transition team about Venezuela specifically?

MODERATOR: We'll take that question. Over to you.

SENIOR ADMINSTRATION OFFICIAL: Sure. We have not spoken to the transition team about these sanctions.

Q Thank you. Is there a meeting planned with the opposition leader?

FBI OFFICIAL: I would refer you to the Department of Justice on that.

9:51 A.M. EST
"""

KIRBY_GAGGLE = """On-the-Record Press Gaggle by White House National Security Communications Advisor John Kirby, October 25, 2024

Via Teleconference

MR. KIRBY: Good afternoon, everybody. I have nothing at the top.

Q Hi, John. Can you confirm the strike in Yemen?

MR. KIRBY: I can't offer you more detail than CENTCOM did.

END 12:59 P.M. EDT
"""


def answers(conf):
    return [e for e in conf.exchanges if e.kind == "answer"]


def test_covid_team_briefing_is_read():
    c = parse_text(COVID, "covid.txt")
    assert c.publisher == "The White House" and c.profile == "whitehouse"
    assert c.date == dt.date(2021, 3, 1)
    (a,) = answers(c)
    assert a.spokesperson == "Walensky"
    assert a.question.startswith("Thank you. Dr. Walensky, should vaccinated people")
    assert a.text == "Yes. We still recommend masks indoors for everyone for now."


def test_text_after_the_closing_time_line_is_not_the_last_reply():
    # the pointer to slides ends in a URL: neither part of the reply nor a
    # reason to call the transcript cut short
    c = parse_text(COVID, "covid.txt")
    assert all("slides" not in e.text for e in c.exchanges)
    assert any("after the closing time line" in s or "materials" in s for s in c.skipped)
    cut = COVID.replace("11:44 A.M. EST\n\n", "")
    assert all("slides" not in e.text for e in parse_text(cut, "covid.txt").exchanges)


def test_background_call_unnamed_officials_and_moderator():
    c = parse_text(BACKGROUND, "bg.txt")
    a1, a2 = answers(c)
    # the reporter's second paragraph and the moderator's hand-over: still the question
    assert a1.question == ("Hi there. Gabe Gutierrez with NBC. Appreciate you doing this.\n\n"
                           "Question: Have you spoken to the incoming transition team about "
                           "Venezuela specifically?")
    assert a1.text == "Sure. We have not spoken to the transition team about these sanctions."
    # the label's typo joins the same description
    assert a1.spokesperson == "Senior Administration Official"
    assert a2.spokesperson == "FBI Official"
    (s,) = [e for e in c.exchanges if e.kind == "statement"]
    assert s.spokesperson == "Senior Administration Official"
    assert c.spokesperson == "Senior Administration Official"
    assert all("MODERATOR" not in e.text and "Good morning, everyone" not in e.text
               for e in c.exchanges)


def test_an_aide_between_question_and_reply_still_ends_the_question():
    # only a call's moderator hands a question over; an aide's "We have to go."
    # closes it. The reporter's second paragraph is never the official's reply.
    text = KIRBY_GAGGLE.replace(
        "MR. KIRBY: I can't offer", "Can you say more?\n\nAIDE: We have to go.\n\nMR. KIRBY: I can't offer")
    c = parse_text(text, "g.txt")
    assert not answers(c)
    assert all("Can you say more?" not in e.text for e in c.exchanges)
    assert any(s.startswith("question without a reply: Hi, John.") and "say more" in s
               for s in c.skipped)


def test_on_the_record_gaggle_names_the_official_from_the_title():
    c = parse_text(KIRBY_GAGGLE, "gaggle.txt")
    assert c.spokesperson == "John Kirby"
    (a,) = answers(c)
    assert (a.spokesperson, a.text) == ("John Kirby", "I can't offer you more detail than CENTCOM did.")


@pytest.mark.parametrize("title", [
    "Press Briefing by White House COVID-19 Response Team and Public Health Officials, May 5, 2021",
    "On-the-Record Press Call by National Security Advisor Jake Sullivan, June 17, 2021",
    "Background Press Call by Senior Administration Officials on Russia, February 11, 2022",
    "Virtual On-the-Record Gaggle by NSC Coordinator John Kirby on Israel, October 9, 2023",
    "White House Press Call by Deputy Chief of Staff Natalie Quillian, October 8, 2024",
    "Press Gaggle by Principal Deputy Press Secretary Karine Jean-Pierre, May 19, 2021",
])
def test_other_podium_titles_are_the_white_houses(title):
    c = parse_text(KIRBY_GAGGLE.replace(KIRBY_GAGGLE.splitlines()[0], title), "t.txt")
    assert c.profile == "whitehouse" and answers(c)


@pytest.mark.parametrize("title", [
    "Department Press Briefing - Ned Price, Spokesperson, January 5, 2022",
    "Remarks by President Biden on the Economy, May 5, 2021",
    "A U.S. Framework for Climate Resilience and Security, September 20, 2024",
])
def test_other_titles_are_still_refused(title):
    with pytest.raises(ParseError, match="title"):
        parse_text(KIRBY_GAGGLE.replace(KIRBY_GAGGLE.splitlines()[0], title), "t.txt")


def test_markdown_title_with_a_year_only_takes_the_front_matter_date():
    md = ("---\ntitle: Background Press Call by Administration Officials on the President's "
          "Budget for Fiscal Year 2022\ndate: '2021-04-09'\nsource_url: https://example.gov/b/\n---\n\n"
          + KIRBY_GAGGLE.split("\n", 2)[2])
    c = parse_markdown(md, "2021-04-09-budget.md")
    assert c.date == dt.date(2021, 4, 9)
    assert c.url == "https://example.gov/b/"


def test_a_self_introduction_gives_the_full_name():
    text = KIRBY_GAGGLE.replace("MR. KIRBY: Good afternoon, everybody. I have nothing at the top.",
                                "MR. FENTON: Hi, I’m Bob Fenton, the regional administrator.") \
        .replace("MR. KIRBY: I can't", "MR. FENTON: I can't")
    title = "Press Briefing by White House Monkeypox Response Team and Public Health Officials, August 11, 2022"
    c = parse_text(title + "\n\n" + text.split("\n", 2)[2], "mpx.txt")
    assert {e.spokesperson for e in c.exchanges} == {"Bob Fenton"}


@pytest.mark.parametrize("title,event", [
    ("Press Briefing by Press Secretary Jen Psaki, January 21, 2021", "White House press briefing"),
    ("Background Press Call on Venezuela, November 27, 2024", "White House background press call"),
    ("On-the-Record Press Gaggle by White House National Security Communications Advisor John "
     "Kirby, October 25, 2024", "White House on-the-record press gaggle"),
    ("Press Gaggle by Press Secretary Karine Jean-Pierre Aboard Air Force One, May 5, 2022",
     "White House press gaggle"),
    ("White House Press Call by Deputy Chief of Staff Natalie Quillian, October 8, 2024",
     "White House press call"),
])
def test_citations_name_the_podium(title, event):
    from rag.results import format_citation
    cite = format_citation("Senior Administration Official", dt.date(2024, 11, 27), None, "answer",
                           "The White House", (), title)
    assert cite == f"Senior Administration Official, {event} of 27 November 2024, answering a reporter"
    # the ministry's conferences are one kind of event, whatever the title
    assert format_citation("Zhao Lijian", dt.date(2021, 12, 24), "AFP", "answer",
                           "Ministry of Foreign Affairs of China", (), title) \
        == "Zhao Lijian, press conference of 24 December 2021, answering AFP"


def test_the_chat_card_names_the_podium_too():
    from rag.present.chat import format_hit
    from rag.results import Hit
    hit = Hit(text="Sure. We have not spoken to the transition team.", date=dt.date(2024, 11, 27),
              questioner=None, spokesperson="Senior Administration Official", question="Have you?",
              score=0.9, citation="", passage_id=7, kind="answer", publisher="The White House",
              title="Background Press Call on Venezuela, November 27, 2024")
    card = format_hit(hit, 1, "transition team")
    assert "White House background press call of" in card
    assert "Senior Administration Official" in card


def test_a_moderators_turn_over_two_paragraphs_is_theirs():
    text = BACKGROUND.replace("MODERATOR: We'll take that question. Over to you.",
                              "MODERATOR: We'll take the China question and get back to you.\n\n"
                              "We'll take your first question. Over to our colleague.")
    a1 = answers(parse_text(text, "bg.txt"))[0]
    assert "first question" not in a1.question and "first question" not in a1.text
    assert a1.question.endswith("Venezuela specifically?")


def test_a_title_without_its_date_is_dated_by_the_file_name():
    body = KIRBY_GAGGLE.split("\n", 2)[2]
    title = "Press Gaggle by Press Secretary Karine Jean-Pierre Aboard Air Force One En Route Syracuse, NY"
    c = parse_text(title + "\n\n" + body, "/x/2022-10-27-press-gaggle.txt")
    assert c.date == dt.date(2022, 10, 27)
    assert c.spokesperson == "Karine Jean-Pierre"
    assert "title names no date; using the file name's 2022-10-27" in c.skipped
    with pytest.raises(ParseError, match="names no date"):
        parse_text(title + "\n\n" + body, "/x/gaggle.txt")
    # a date that is no day is not replaced by the file name's
    with pytest.raises(ParseError, match="names no date"):
        parse_text(title + ", 2/30/2022\n\n" + body, "/x/2022-10-27-press-gaggle.txt")


def test_a_closing_time_line_in_any_zone_is_no_ones_words():
    # a gaggle abroad: "7:25 P.M. BST" had been kept inside the last reply, and
    # one alone after the sign-off stored as the press secretary's statement
    for zone in ("BST", "CEST", "IST", "PDT"):
        text = KIRBY_GAGGLE.replace("END 12:59 P.M. EDT", f"8:41 P.M. {zone}")
        c = parse_text(text, "g.txt")
        assert all(zone not in e.text for e in c.exchanges), zone
        assert c.exchanges[-1].text == "I can't offer you more detail than CENTCOM did."


@pytest.mark.parametrize("label,name", [
    ("ACTING SECRETARY SU", "Julie Su"), ("ACTING ADMINISTRATOR SLAVITT", "Andy Slavitt"),
    ("ASSISTANT SECRETARY WALLANDER", "Celeste Wallander"), ("COACH KERR", "Steve Kerr")])
def test_acting_assistant_and_other_titles_make_a_label(label, name):
    first, last = name.split()
    text = KIRBY_GAGGLE.replace("MR. KIRBY: I can't offer", f"{label}: I can't offer") \
        .replace("I have nothing at the top.", f"I'm joined by {name}.")
    c = parse_text(text, "g.txt")
    (a,) = answers(c)
    assert a.spokesperson == name and a.text.startswith("I can't offer")


def test_one_unnamed_label_may_be_several_people():
    # under "SENIOR ADMINISTRATION OFFICIAL:" two people may speak in turn: the
    # label stays on every turn after the first, never merged into one voice
    text = BACKGROUND.replace(
        "SENIOR ADMINSTRATION OFFICIAL: Sure. We have not spoken to the transition team about these sanctions.",
        "SENIOR ADMINISTRATION OFFICIAL: Can you jump in?\n\n"
        "SENIOR ADMINISTRATION OFFICIAL: Sure. We have not spoken to the transition team.")
    a1 = answers(parse_text(text, "bg.txt"))[0]
    assert a1.text == ("Can you jump in?\n\nSENIOR ADMINISTRATION OFFICIAL: Sure. We have not "
                       "spoken to the transition team.")
    two = BACKGROUND.replace("Q Hi there.", "SENIOR ADMINISTRATION OFFICIAL: Thank you. Today, after "
                             "months of work, we are announcing a new fund.\n\nQ Hi there.")
    statements = [e.text for e in parse_text(two, "bg.txt").exchanges if e.kind == "statement"]
    assert statements == ["Today we are sanctioning twenty-one officials of the security apparatus.",
                          "Thank you. Today, after months of work, we are announcing a new fund."]


@pytest.mark.parametrize("label,hands_over", [
    ("MODERTOR", True), ("MOERATOR", True), ("MODEARTOR", True), ("THE OPERATOR", True),
    ("AIR FORCE ONE CREW MEMBER", False), ("MILITARY AIDE", False)])
def test_a_moderators_typo_and_the_crew_are_staff(label, hands_over):
    text = BACKGROUND.replace("MODERATOR: We'll take that question. Over to you.",
                              f"{label}: We'll take that question. Over to you.")
    c = parse_text(text, "bg.txt")
    assert all("Over to you" not in e.text and "Over to you" not in (e.question or "")
               for e in c.exchanges)
    # a moderator hands the question on; the crew's words end it, unanswered
    assert answers(c)[0].text.startswith("Sure. We have not spoken") is hands_over


def test_doctors_is_no_given_name():
    text = COVID.replace("Today, we'll get an update from Dr. Walensky.",
                         "Today, we'll hear from Doctors Walensky, Fauci, and Nunez-Smith.")
    assert answers(parse_text(text, "covid.txt"))[0].spokesperson == "Walensky"


SEC_BODY = """James S. Brady Press Briefing Room

MS. PSAKI: Good afternoon. I have one item at the top: the President signed an order today.

Q If I could also ask you about the at-home COVID tests —

MS. PSAKI: Sure.

Q– the test — when can Americans expect to use their insurance to cover this?

MS. PSAKI: That rulemaking will be out by January 15th.
"""


def test_a_reporter_turn_with_a_dash_glued_to_the_q():
    # "Q– the test —": the reporter breaking back in, never the reply's words
    c = parse_text("Press Briefing by Press Secretary Jen Psaki, December 2, 2021\n\n" + SEC_BODY,
                   "2021-12-02.txt")
    (a,) = answers(c)
    assert a.question == ("If I could also ask you about the at-home COVID tests —\n\n– the test — "
                          "when can Americans expect to use their insurance to cover this?")
    assert a.text == "That rulemaking will be out by January 15th."


def test_a_hand_off_and_next_question_leave_the_reply_to_who_answered():
    # "MR. ZIENTS: Dr. Walensky?" / her answer / "MR. ZIENTS: Next question.":
    # Walensky's reply, and "Next question." in no reply
    text = COVID.replace(
        "DR. WALENSKY: Yes. We still recommend masks indoors for everyone for now.",
        "MR. ZIENTS: Dr. Walensky?\n\nDR. WALENSKY: Yes. We still recommend masks indoors for "
        "everyone for now, in every county where transmission is substantial or high.\n\n"
        "MR. ZIENTS: Next question.")
    (a,) = answers(parse_text(text, "covid.txt"))
    assert a.spokesperson == "Walensky"
    assert "Next question" not in a.text
    # a first speaker who goes on after a few words of floor talk keeps the reply
    text = COVID.replace(
        "DR. WALENSKY: Yes. We still recommend masks indoors for everyone for now.",
        "DR. WALENSKY: Okay.\n\nMR. ZIENTS: Go ahead, Doctor.\n\nDR. WALENSKY: Okay. Sure.\n\n"
        "We still recommend masks indoors for everyone for now, in every county.")
    (a,) = answers(parse_text(text, "covid.txt"))
    assert a.spokesperson == "Walensky"


def test_a_nod_calling_on_the_next_reporter_ends_no_reply():
    # Jake Sullivan's way: the answer, then "Yeah." to the next raised hand
    text = KIRBY_GAGGLE.replace("I can't offer you more detail than CENTCOM did.",
                                "I can't offer you more detail than CENTCOM did.\n\nYeah.")
    (a,) = answers(parse_text(text, "g.txt"))
    assert a.text == "I can't offer you more detail than CENTCOM did."
    # a reply that is only the nod is the reply ("Can you confirm it?" / "Yeah.")
    text = KIRBY_GAGGLE.replace("I can't offer you more detail than CENTCOM did.", "Yeah.")
    (a,) = answers(parse_text(text, "g.txt"))
    assert a.text == "Yeah."


def test_a_stage_direction_calling_on_someone_answers_nothing():
    # "MR. SULLIVAN: (Calling on another reporter.) Yes.": the question before
    # got no reply; that "Yes." is the floor given, not an answer to it
    text = KIRBY_GAGGLE.replace(
        "MR. KIRBY: I can't offer you more detail than CENTCOM did.",
        "MR. KIRBY: (Calling on another reporter.) Yes.\n\nQ Will the strikes go on?\n\n"
        "MR. KIRBY: I can't offer you more detail than CENTCOM did.")
    c = parse_text(text, "g.txt")
    (a,) = answers(c)
    assert a.question == "Will the strikes go on?"
    assert all("(Calling on" not in e.text for e in c.exchanges)
