"""One display name per person across an index (rag/people.py): the pure
rule, then an index whose briefings name one official two ways."""
from __future__ import annotations

from embeddings.testing import FakeEncoder
from rag import Retriever
from rag.people import display_names, same_person
from rag.rank.speakers import resolve_person


def test_same_person_by_surname_and_fitting_given_names():
    assert same_person("Fauci", "Anthony Fauci")
    assert same_person("Dr. Fauci", "Anthony Fauci")
    assert same_person("Jen Klein", "Jennifer Klein")
    assert same_person("Vivek Murthy", "Vivek H. Murthy")
    assert same_person("Liz Sherwood-Randall", "Elizabeth Sherwood-Randall")   # a nickname
    assert same_person("Tony Fauci", "Anthony Fauci")
    assert not same_person("Tony Klein", "Jennifer Klein")
    assert not same_person("Ron Klein", "Jennifer Klein")
    assert not same_person("Jo Klein", "Joseph Klein")      # two letters are no short form
    assert not same_person("Lance", "Lance Bottoms")        # a surname is the last word
    assert not same_person("The President", "President")


def test_display_names_fullest_form_and_ambiguous_surnames_kept_apart():
    shown = display_names([("Fauci", 80), ("Anthony Fauci", 35), ("Jen Klein", 24),
                           ("Jennifer Klein", 49), ("Jha", 33), ("Ashish Jha", 302),
                           ("Jen Psaki", 3000), ("Karine Jean-Pierre", 3400), ("Jean-Pierre", 1),
                           ("Ron Young", 5), ("Shalanda Young", 150), ("Young", 2),
                           ("The President", 4)])
    assert shown == {"Fauci": "Anthony Fauci", "Jen Klein": "Jennifer Klein",
                     "Jha": "Ashish Jha", "Jean-Pierre": "Karine Jean-Pierre"}
    # nothing to join: nothing shown as another
    assert display_names([("Jen Psaki", 10), ("John Kirby", 5)]) == {}
    assert display_names([("Fauci", 3), ("FAUCI", 1)]) == {"FAUCI": "Fauci"}


def test_any_stored_form_resolves_to_the_name_shown():
    shown = ["Jennifer Klein", "Anthony Fauci", "John Kirby"]
    assert resolve_person("Jen Klein", shown) == "Jennifer Klein"
    assert resolve_person("Dr. Fauci", shown) == "Anthony Fauci"
    assert resolve_person("Ron Klein", shown) is None
    assert resolve_person("Tony Fauci", shown) == "Anthony Fauci"


BRIEFING = """\
Press Briefing by Press Secretary Jen Psaki, {date}

MS. PSAKI: Good afternoon. {intro}

DR. FAUCI: Thank you. {remark}

Q Dr. Fauci, {question}

DR. FAUCI: {reply}
"""


def _briefing(folder, date_iso, date, intro, remark, question, reply):
    path = folder / f"{date_iso}.txt"
    path.write_text(BRIEFING.format(date=date, intro=intro, remark=remark, question=question,
                                    reply=reply), encoding="utf-8")


def test_an_official_named_two_ways_is_one_person_to_filters_and_citations(tmp_path):
    folder = tmp_path / "t"
    folder.mkdir()
    # introduced in full in one briefing, only by his label's surname in the other
    _briefing(folder, "2021-01-21", "January 21, 2021",
              "Joining us today is Dr. Anthony Fauci, the President's chief medical adviser.",
              "The vaccines work against the variants we have seen.",
              "is the South African variant in the country?",
              "Thus far the South African strain does not appear to be here.")
    _briefing(folder, "2021-03-03", "March 3, 2021", "We have a guest today.",
              "Cases are falling in every state.",
              "will schools reopen by the fall?",
              "Schools can reopen safely with masks and distancing in the fall.")
    r = Retriever.open(tmp_path / "index", encoder=FakeEncoder())
    try:
        assert r.ingest([folder]).ok
        names = dict(r.spokespersons())
        assert "Fauci" not in names and names["Anthony Fauci"] == 4
        for asked in ("Fauci", "Anthony Fauci", "Dr. Fauci"):
            hits = r.search("variants schools vaccines", k=10, spokesperson=asked)
            assert {h.date.isoformat() for h in hits} == {"2021-01-21", "2021-03-03"}, asked
            assert {h.spokesperson for h in hits} == {"Anthony Fauci"}
        answer = r.ask("What did Dr. Fauci say about schools reopening?", k=3)
        assert answer.understood == ("spokesperson Anthony Fauci",)
        assert answer.hits[0].date.isoformat() == "2021-03-03"
        assert answer.hits[0].citation.startswith("Anthony Fauci, White House press briefing of "
                                                  "3 March 2021")
    finally:
        r.close()
