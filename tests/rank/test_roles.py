"""An official named by office ("the Transportation Secretary") is read as
the person the index's title lines give that office."""
from __future__ import annotations

import datetime as dt

import pytest

from embeddings.testing import FakeEncoder
from rag import Retriever
from rag.rank.roles import OfficeBook, office_forms, office_of

TITLE = ("Press Briefing by Press Secretary Karine Jean-Pierre, Secretary of Transportation "
         "Pete Buttigieg, and FEMA Administrator Criswell, March 27, 2024")


def test_the_office_a_title_gives_each_briefer():
    assert office_of(TITLE, "Karine Jean-Pierre") == "Press Secretary"
    assert office_of(TITLE, "Pete Buttigieg") == "Secretary of Transportation"
    # a title naming a briefer by surname alone still gives the office
    assert office_of(TITLE, "Deanne Criswell") == "FEMA Administrator"
    assert office_of(TITLE, "Jen Psaki") is None
    assert office_of("Press Briefing by Jen Psaki, May 3, 2021", "Jen Psaki") is None
    # a rank is the person's, not the office's; "General" of an office stays
    assert office_of("Press Briefing by Press Secretary Jen Psaki and Coordinator for the "
                     "Southern Border Ambassador Roberta Jacobson", "Roberta Jacobson") == \
        "Coordinator for the Southern Border"
    assert office_of("Press Briefing by Ambassador Roberta Jacobson", "Roberta Jacobson") is None
    assert office_of("Press Briefing by Press Secretary Jen Psaki and Surgeon General Vivek "
                     "Murthy", "Vivek Murthy") == "Surgeon General"


def test_an_office_is_found_in_the_ways_a_question_words_it():
    assert office_forms("Secretary of Energy") == {"secretary of energy", "energy secretary",
                                                   "doe secretary"}
    forms = office_forms("Director of the National Economic Council")
    assert {"national economic council director", "nec director"} <= forms
    assert "national security advisor" in office_forms("White House National Security Adviser")
    # a department by its initials, which no rule of its words gives
    assert office_forms("Secretary of Homeland Security") == {
        "secretary of homeland security", "homeland security secretary", "dhs secretary"}
    assert "hhs secretary" in office_forms("Secretary of Health and Human Services")
    # one word is no office: "the administrator" is said of anyone
    assert office_forms("Administrator") == set()


def book(*rows):
    return OfficeBook.from_titles(rows)


ROWS = [("2021-08-17", "Press Briefing by Press Secretary Jen Psaki and National Security "
         "Advisor Jake Sullivan, August 17, 2021", ("Jake Sullivan", "Jen Psaki")),
        ("2023-07-07", "Press Briefing by Press Secretary Karine Jean-Pierre and National "
         "Security Advisor Jake Sullivan, July 7, 2023", ("Jake Sullivan", "Karine Jean-Pierre")),
        ("2023-09-05", "Press Briefing by Press Secretary Karine Jean-Pierre and National "
         "Security Advisor Jake Sullivan, September 5, 2023", ("Jake Sullivan", "Karine Jean-Pierre")),
        ("2021-09-09", "Press Briefing by Press Secretary Jen Psaki, September 9, 2021",
         ("Jen Psaki",)),
        # a slip in one title line: Kirby was never the national security adviser
        ("2024-02-27", "Press Briefing by Press Secretary Karine Jean-Pierre and White House "
         "National Security Advisor John Kirby, February 27, 2024", ("John Kirby", "Karine Jean-Pierre")),
        ("2024-03-27", TITLE, ("Criswell", "Karine Jean-Pierre", "Pete Buttigieg"))]


@pytest.mark.parametrize("question, person, typed", [
    ("What did the Transportation Secretary say about the bridge?", "Pete Buttigieg",
     "Transportation Secretary"),
    ("what did the secretary of transportation tell reporters?", "Pete Buttigieg",
     "secretary of transportation"),
    ("According to the national security adviser, what comes next?", "Jake Sullivan",
     "national security adviser"),
    ("How did the White House National Security Advisor explain the withdrawal?", "Jake Sullivan",
     "National Security Advisor"),
    ("What was the FEMA administrator's answer on Maui?", "Criswell", "FEMA administrator"),
])
def test_an_office_the_question_presents_as_the_speaker(question, person, typed):
    found = book(*ROWS).find(question)
    assert found is not None
    assert (found[0], found[2]) == (person, typed)
    assert question[found[1][0]:found[1][1]] == typed


@pytest.mark.parametrize("question", [
    "Who replaced the Transportation Secretary?",          # asks about the office
    "What did the press secretary say about the bridge?",  # two held it
    "What did the deputy national security advisor say?",  # another office
    # the office is quoted, not asked to speak
    "How did the White House respond after the Transportation Secretary said the bridge is safe?",
])
def test_no_person_without_a_cue_or_with_several_holders(question):
    assert book(*ROWS).find(question) is None


def test_a_period_named_picks_the_holder_of_that_time():
    b = book(*ROWS)
    q = "What did the press secretary say about the bridge?"
    assert b.find(q, dt.date(2021, 8, 1), dt.date(2021, 8, 31))[0] == "Jen Psaki"
    assert b.find(q, dt.date(2024, 3, 1), dt.date(2024, 3, 31))[0] == "Karine Jean-Pierre"
    # in a period two held the office in, neither is meant
    assert b.find(q, dt.date(2021, 1, 1), dt.date(2024, 12, 31)) is None


@pytest.mark.parametrize("question, person", [
    # the month dates the event, not the reply (a preference): still its holder
    ("What did the press secretary say about the Key Bridge Act in March 2024?",
     "Karine Jean-Pierre"),
    ("What did the press secretary say about the August 2021 Kabul airlift?", "Jen Psaki"),
    # a period before every briefing (the event's): the index's span decides, and
    # two held the office over it
    ("What did the press secretary say about the 2015 Iran nuclear deal?", None),
    ("What did the Transportation Secretary say about the 2015 FAST Act?", "Pete Buttigieg"),
])
def test_a_preferred_period_picks_the_holder_too(question, person):
    from rag.rank.understand import understand
    p = understand(question, spokespersons=["Jen Psaki", "Karine Jean-Pierre", "Pete Buttigieg"],
                   offices=book(*ROWS))
    assert p.date_from is None and p.prefer_from is not None    # a preference, not a filter
    assert p.spokesperson == person


@pytest.mark.parametrize("question, office", [
    ("What did the Secretary of State say about Gaza?", "Secretary of State"),
    ("What was the deputy national security advisor's answer on Iran?",
     "deputy national security advisor"),
    ("What did the U.S. Trade Representative tell reporters?", "Trade Representative"),
    # known offices, one holder or several: nothing to tell
    ("What did the Transportation Secretary say about the bridge?", None),
    ("What did the press secretary say about the bridge?", None),
    # no office, one word, or an office only quoted
    ("What did the spokesperson say about Taiwan?", None),
    ("Who replaced the Secretary of State?", None),
    ("How did the White House respond after the Secretary of State said it?", None),
    # a verb and a preposition are no office's words ("respond after Secretary")
    ("How did the White House respond after Secretary Blinken said talks failed?", None),
])
def test_an_office_no_briefing_gives_anyone_is_named(question, office):
    assert book(*ROWS).unknown(question) == office


@pytest.mark.parametrize("question, name", [
    ("What did Secretary Blinken say about Gaza?", "Blinken"),
    ("What did Ambassador Thomas-Greenfield say about Gaza?", "Thomas-Greenfield"),
    ("What did Dr. Jha say about boosters?", "Jha"),
    ("What did Jeff Zients say about vaccines?", "Jeff Zients"),
    # held by the index, by surname with a title or a double-barrelled name
    ("What did Secretary Buttigieg say about the bridge?", None),
    ("What did Karine Jean-Pierre say about Gaza?", None),
    # only quoted, or one word that may be a leader or a place
    ("How did the White House respond after Secretary Blinken said talks failed?", None),
    ("What did Moscow say about the sanctions?", None),
    # a body the question names, not a person
    ("What did the Coast Guard say about the rescue?", None),
    ("What did the Secret Service say about the fence?", None),
])
def test_a_person_with_a_title_the_index_lacks_is_named(question, name):
    from rag.rank.speakers import unknown_spokesperson
    known = ["Pete Buttigieg", "Karine Jean-Pierre", "Jen Psaki", "Criswell"]
    assert unknown_spokesperson(question, known) == name


BRIEFING = """\
Press Briefing by Press Secretary Jen Psaki and Secretary of Transportation Pete Buttigieg, May 3, 2021

MS. PSAKI: Good afternoon. The Secretary of Transportation is here to talk about the bridge repairs and the new bridge funding.

SECRETARY BUTTIGIEG: Thanks, Jen. The bridge funding reaches every state this year.

Q Mr. Secretary, how long will the bridge repairs take?

SECRETARY BUTTIGIEG: The bridge repairs will take about two years, and the work starts in June.

Q Jen, does the President plan to visit the bridge?

MS. PSAKI: The President hopes to visit the bridge repairs when the work starts.
"""


def test_the_retriever_reads_an_office_as_its_holder(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "2021-05-03.txt").write_text(BRIEFING, encoding="utf-8")
    with Retriever.open(tmp_path / "index", encoder=FakeEncoder()) as r:
        assert r.ingest([tmp_path / "t"]).ok
        answer = r.ask("What did the Transportation Secretary say about the bridge repairs?")
        assert answer.understood == (
            'spokesperson Pete Buttigieg (from "the Transportation Secretary")',)
        assert answer.hits and {h.spokesperson for h in answer.hits} == {"Pete Buttigieg"}
        assert r.offices() == {"Pete Buttigieg": ["Secretary of Transportation"],
                               "Jen Psaki": ["Press Secretary"]}
        # the office asked about, not its holder's words: no filter
        other = r.ask("Will the President meet the Transportation Secretary at the bridge?")
        assert other.understood == ()
        assert "Jen Psaki" in {h.spokesperson for h in other.hits}


def test_names_shows_each_spokespersons_office_and_search_an_unknown_one(tmp_path):
    import json

    from click.testing import CliRunner

    from rag.cli import main
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "2021-05-03.txt").write_text(BRIEFING, encoding="utf-8")
    index = str(tmp_path / "index")
    with Retriever.open(index, encoder=FakeEncoder()) as r:
        assert r.ingest([tmp_path / "t"]).ok
    run = CliRunner().invoke(main, ["names", "--index", index])
    assert run.exit_code == 0, run.output
    assert "Pete Buttigieg  (Secretary of Transportation)" in run.output
    unknown = CliRunner().invoke(main, ["search", "What did the Secretary of State say about "
                                        "the bridge?", "--index", index, "-k", "1"])
    assert unknown.exit_code == 0
    assert "no briefing in this index names anyone Secretary of State" in unknown.stderr
    known = CliRunner().invoke(main, ["search", "What did the Transportation Secretary say about "
                                      "the bridge?", "--index", index, "-k", "1"])
    assert "no briefing" not in known.stderr
    assert 'Understood: spokesperson Pete Buttigieg (from "the Transportation Secretary")' \
        in known.stderr
    data = json.loads(CliRunner().invoke(main, ["names", "--index", index, "--json"]).output)
    assert data["offices"] == {"Pete Buttigieg": ["Secretary of Transportation"],
                               "Jen Psaki": ["Press Secretary"]}
