"""One index, several publishers: detection per file, the publisher filter,
per-reply speakers and citations worded for each publisher."""
from __future__ import annotations

import json
import re

import pytest

from embeddings.testing import FakeEncoder
from rag import Retriever
from rag.parse import parse_file

from conftest import SEED
from transcripts import WHITE_HOUSE_BRIEFING, white_house_briefing

MFA = "Ministry of Foreign Affairs of China"
WH = "The White House"


@pytest.fixture
def mixed(tmp_path):
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / SEED.name).write_bytes(SEED.read_bytes())
    white_house_briefing(folder)
    r = Retriever.open(tmp_path / "index", encoder=FakeEncoder())
    report = r.ingest([folder])
    assert report.ok, report.files
    yield r, report
    r.close()


def test_each_file_is_read_by_the_profile_its_title_names(tmp_path):
    md = parse_file(white_house_briefing(tmp_path / "a"))
    txt = parse_file(white_house_briefing(tmp_path / "b", "2021-01-21.txt"))
    seed = parse_file(SEED)
    assert (md.profile, md.publisher, seed.profile, seed.publisher) == \
        ("whitehouse", WH, "mfa", MFA)
    assert md.url == "https://www.whitehouse.gov/briefing-room/2021/01/21/" and txt.url is None
    # the Markdown page and its text rendering give the same exchanges
    assert [(e.kind, e.question, e.text, e.spokesperson) for e in md.exchanges] == \
        [(e.kind, e.question, e.text, e.spokesperson) for e in txt.exchanges]
    answers = [e for e in md.exchanges if e.kind == "answer"]
    assert [e.spokesperson for e in answers] == ["John Kirby", "Jen Psaki"]
    assert all(e.questioner is None and e.questioner_label == "Q" for e in answers)
    # the greeting is no exchange; every paragraph is verbatim
    assert not any(e.question == "Good afternoon." for e in md.exchanges)
    flat = re.sub(r"\s+", " ", WHITE_HOUSE_BRIEFING)
    for e in md.exchanges:
        for para in (e.text + "\n\n" + (e.question or "")).split("\n\n"):
            assert para.strip() in flat


def test_publisher_filter_and_citations(mixed):
    from rag.errors import PressconError
    r, _ = mixed
    assert dict(r.publishers()) .keys() == {MFA, WH}
    wh = r.search("diplomatic boycott of the Winter Olympics in Beijing", k=5, publisher=WH)
    assert wh and all(h.publisher == WH for h in wh)
    assert wh[0].citation == ("Jen Psaki, White House press briefing of 21 January 2021, "
                              "answering a reporter")
    assert wh[0].url == "https://www.whitehouse.gov/briefing-room/2021/01/21/"
    mfa = r.search("diplomatic boycott of the Winter Olympics in Beijing", k=5, publisher=MFA)
    assert mfa and all(h.publisher == MFA for h in mfa)
    assert mfa[0].citation.startswith("Zhao Lijian, press conference of 24 December 2021")
    both = r.search("diplomatic boycott of the Winter Olympics in Beijing", k=10)
    assert {h.publisher for h in both} == {MFA, WH}
    with pytest.raises(PressconError, match="no publisher 'Nobody'"):     # not an empty answer
        r.search("Olympics", publisher="Nobody")


def test_a_co_briefers_reply_is_theirs_and_found_by_surname(mixed):
    r, _ = mixed
    assert "John Kirby" in dict(r.spokespersons())
    answer = r.ask("What did Kirby say about air defense systems for Ukraine?", k=3)
    assert answer.understood == ("spokesperson John Kirby",)
    assert answer.hits and all(h.spokesperson == "John Kirby" for h in answer.hits)
    assert any("air defense systems" in h.text for h in answer.hits)
    assert r.search("air defense", spokesperson="John Kirby", publisher=MFA) == []


def test_a_person_named_in_the_question_but_filtered_out_is_said(mixed):
    from click.testing import CliRunner
    from rag.cli import main
    r, _ = mixed
    question = "What did Kirby say about air defense systems for Ukraine?"
    answer = r.ask(question, k=3, spokesperson="Jen Psaki")
    # the filter given wins, and the answer says the question's person was not applied
    assert answer.overridden == ("spokesperson John Kirby named in the question, not "
                                 "applied: the spokesperson filter is Jen Psaki",)
    assert all(h.spokesperson == "Jen Psaki" for h in answer.hits)
    assert r.ask(question, k=3, spokesperson="kirby").overridden == ()
    assert r.ask(question, k=3).overridden == ()
    res = CliRunner().invoke(main, ["search", question, "--index", str(r.index_dir),
                                    "--spokesperson", "Jen Psaki"])
    assert res.exit_code == 0
    assert "Note: spokesperson John Kirby named in the question, not applied" in res.stderr


def test_a_mistyped_spokesperson_is_read_as_them_not_spelled_into_another_word(tmp_path):
    folder = tmp_path / "transcripts"
    white_house_briefing(folder)
    (folder / "2021-02-02.txt").write_text(
        "Press Briefing by Press Secretary Jen Psaki, February 2, 2021\n\n"
        "Q Will the President skip the summit?\n\n"
        "MS. PSAKI: He will not skip it; he will attend in person.\n", encoding="utf-8")
    with Retriever.open(tmp_path / "index", encoder=FakeEncoder()) as r:
        assert r.ingest([folder]).ok
        answer = r.ask("What did Jen Sakip say about the summit?", k=3)
        assert answer.searched_for is None           # not "What did Jen skip say ..."
        assert answer.understood == ('spokesperson Jen Psaki (from "Jen Sakip")',)
        assert answer.hits and all(h.spokesperson == "Jen Psaki" for h in answer.hits)


def test_ingest_report_names_the_profile(mixed):
    _, report = mixed
    assert sorted(f.profile for f in report.files if f.status == "added") == ["mfa", "whitehouse"]


def test_a_question_naming_one_publisher_ranks_its_replies_higher(mixed):
    from rag.rank.fusion import PERIOD_BOOST
    r, _ = mixed
    question = "What did the White House say about a diplomatic boycott of the Olympics?"
    plain = {h.passage_id: h.score for h in r.search(question, k=20, understand=False)}
    answer = r.ask(question, k=20)
    assert answer.understood == ('publisher The White House preferred (from "White House")',)
    # preferred, not filtered: both publishers' replies come back, the named
    # one's raised by the fixed preference, the other's as they were
    assert {h.publisher for h in answer.hits} == {WH, MFA}
    for h in answer.hits:
        boost = PERIOD_BOOST if h.publisher == WH else 0.0
        assert h.score == pytest.approx(plain[h.passage_id] + boost, abs=1e-5)
    # a publisher the caller chose wins over the one the words name
    assert all(h.publisher == MFA for h in r.search(question, k=5, publisher=MFA))


def test_a_preferred_publisher_none_of_whose_replies_matches_is_said(mixed):
    r, _ = mixed
    answer = r.ask("Beijing on the interceptors", k=1)
    assert answer.hits[0].publisher == WH
    assert answer.understood[0].startswith(f"publisher {MFA} preferred") and \
        answer.understood[0].endswith(", but none of its replies is among these")
    answer = r.ask("What did Beijing say about the Winter Olympics boycott?", k=3)
    assert any(h.publisher == MFA for h in answer.hits)
    assert not answer.understood[0].endswith("among these")


def test_a_question_asking_one_publisher_is_judged_on_its_replies_alone(mixed):
    from rag.rank.closeness import notice
    r, _ = mixed
    # only the White House speaks of Ukraine: its replies are no answer to
    # what Beijing said, and the name is not found among the ministry's
    answer = r.ask("What did Beijing say about Ukraine?", k=5)
    assert answer.asked_of == MFA
    assert any(h.publisher == WH for h in answer.hits)
    assert answer.close_match is False and not any(h.close for h in answer.hits)
    assert "Ukraine" in answer.not_found
    line = notice(answer.close_match, answer.not_found, r.store.date_range(MFA), answer.asked_of)
    assert line.startswith(f'No close match: nothing in the transcripts of the {MFA} '
                           f'(2021-12-24 to 2021-12-24) for "Ukraine"')
    # asked of nobody in particular, or kept to the White House by the caller:
    # the name is found, and no publisher's replies are set aside
    for answer in (r.ask("What was said about Ukraine?", k=5),
                   r.ask("What did Beijing say about Ukraine?", k=5, publisher=WH)):
        assert answer.asked_of is None and "Ukraine" not in answer.not_found
    assert r.store.date_range(WH) == ("2021-01-21", "2021-01-21")
    # Beijing asked about what a White House official said: not a search of
    # his replies, and the White House's are still no answer
    answer = r.ask("How did Beijing respond to John Kirby's comments on Ukraine?", k=5)
    assert not any(n.startswith("spokesperson") for n in answer.understood)
    assert answer.asked_of == MFA and answer.close_match is False
    # a month with briefings of the White House only is, for Beijing, a
    # period the transcripts do not cover
    answer = r.ask("What did Beijing say in January 2021 about the Olympics?", k=5)
    assert answer.asked_of == MFA and answer.close_match is False
    assert answer.not_found == ("in January 2021",)
    assert "in January 2021" not in r.ask("What did the White House say in January 2021 about "
                                       "the Olympics?", k=5).not_found


def test_a_preferred_publishers_raise_is_no_evidence_of_closeness():
    from dataclasses import replace
    from rag.rank.closeness import CLOSE_SCORE, judge
    from rag.rank.fusion import PERIOD_BOOST
    r = _hit(score=CLOSE_SCORE + PERIOD_BOOST / 2, publisher=MFA)
    assert judge([r], "hybrid")[1] is True
    # the score carries the preference's raise: without it, below the bar
    assert judge([r], "hybrid", lifted=MFA)[1] is False
    assert judge([replace(r, publisher=WH)], "hybrid", lifted=MFA)[1] is True
    # asked of one publisher: another's reply is never close, whatever its score
    assert judge([replace(r, score=2.0, publisher=WH)], "hybrid", publisher=MFA)[1] is False


def _hit(score: float, publisher: str):
    import datetime as dt
    from rag.results import Hit
    return Hit(text="A reply.", date=dt.date(2021, 1, 21), questioner=None, spokesperson="X",
               question=None, score=score, citation="", passage_id=1, publisher=publisher)


def test_the_analysis_commands_take_the_publisher_filter(mixed):
    import json

    from click.testing import CliRunner

    from rag.cli import main
    r, _ = mixed
    question = "diplomatic boycott of the Winter Olympics"
    for publisher, dates in ((WH, {"2021-01"}), (MFA, {"2021-12"})):
        res = CliRunner().invoke(main, ["timeline", question, "--index", str(r.index_dir),
                                        "--publisher", publisher, "--relative", "0", "--json"])
        assert res.exit_code == 0, res.output
        assert {m["month"] for m in json.loads(res.stdout) if m["replies"]} == dates
    # dates as `presscon search` takes them: a month is from its first to its last day
    res = CliRunner().invoke(main, ["timeline", question, "--index", str(r.index_dir),
                                    "--from", "December 2021", "--to", "December 2021",
                                    "--relative", "0", "--json"])
    assert res.exit_code == 0, res.output
    assert {m["month"] for m in json.loads(res.stdout) if m["replies"]} == {"2021-12"}
    res = CliRunner().invoke(main, ["changes", question, "--index", str(r.index_dir),
                                    "--limit", "3", "--relative", "0"])
    assert res.exit_code == 0, res.output
    assert "The earliest and the latest of the 3 best-matching replies (at most --limit 3, " \
        "each scoring at least 0% of the best)." in res.stderr
    assert "EARLIEST" in res.stdout and "best-matching" not in res.stdout
    # what the search underneath read from the question is said, as `search` says it
    res = CliRunner().invoke(main, ["timeline", f"{question} in December 2021", "--index",
                                    str(r.index_dir)])
    assert res.exit_code == 0, res.output
    assert 'Understood: preferring 2021-12-01 to 2021-12-31 (from "in December 2021")' in res.stderr
    res = CliRunner().invoke(main, ["changes", question, "--index", str(r.index_dir),
                                    "--from", "Maytember"])
    assert res.exit_code == 1 and \
        "--from “Maytember” is not a date: type it as 2020-05-06, May 2020" in res.output
    res = CliRunner().invoke(main, ["questioners", question, "--index", str(r.index_dir),
                                    "--publisher", WH, "--json"])
    assert res.exit_code == 0, res.output
    assert [row[0] if isinstance(row, list) else row.get("questioner")
            for row in json.loads(res.stdout)] == [None]    # White House reporters are unnamed


def test_a_publisher_is_found_in_any_case_or_by_the_name_questions_call_it(mixed):
    r, _ = mixed
    exact = [h.passage_id for h in r.search("Olympics", k=5, publisher=WH)]
    assert exact
    for name in ("the white house", "WHITE HOUSE", "  The   White House "):
        assert [h.passage_id for h in r.search("Olympics", k=5, publisher=name)] == exact, name
    assert all(h.publisher == MFA for h in r.search("Olympics", k=5, publisher="china"))


def test_cli_names_the_publishers_when_publisher_is_none_of_them(mixed, tmp_path):
    from click.testing import CliRunner
    from rag.cli import main
    r, _ = mixed
    index = str(r.index_dir)
    runner = CliRunner()
    ok = runner.invoke(main, ["search", "Olympics", "--index", index, "--publisher",
                              "white house", "--json"])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.strip() and all(h["publisher"] == WH for h in json.loads(ok.stdout))
    for args in (["search", "Olympics"], ["timeline", "Olympics"], ["changes", "Olympics"],
                 ["questioners", "Olympics"]):
        bad = runner.invoke(main, [*args, "--index", index, "--publisher", "State Department"])
        assert bad.exit_code == 1, (args, bad.output)
        assert "no publisher 'State Department'" in bad.output
        assert f"'{MFA}'" in bad.output and f"'{WH}'" in bad.output


def test_a_briefing_stored_from_two_files_is_the_same_whichever_came_first(tmp_path):
    """The .txt stored first, its .md added later: the .md (its path sorts
    first) carries the conference, as one run over both would store it, and
    the .txt is its duplicate; removing the .md brings the .txt back in full."""
    url = "https://www.whitehouse.gov/briefing-room/2021/01/21/"
    folder = tmp_path / "in"
    txt = white_house_briefing(folder, "2021-01-21.txt")
    r = Retriever.open(tmp_path / "index", encoder=FakeEncoder())
    assert r.ingest([txt]).ok
    assert {h.url for h in r.search("Ukraine air defense", k=3)} == {None}
    md = white_house_briefing(folder)
    report = r.ingest([md])
    assert [f.status for f in report.files] == ["added"]
    assert report.files[0].reason == f"stands for {txt.resolve()} (stored before, now its duplicate)"
    hits = r.search("Ukraine air defense", k=3)
    assert hits and {h.url for h in hits} == {url}
    assert {h.source for h in hits} == {str(md.resolve())}
    assert (r.info()["conferences"], r.info()["duplicates"]) == (1, 1)
    assert r.info()["vectors_in_index"] == r.info()["chunks"]
    # the same as one run over both, in either order
    both = Retriever.open(tmp_path / "index2", encoder=FakeEncoder())
    assert [f.status for f in both.ingest([folder]).files] == ["added", "duplicate"]
    assert [(h.passage_id, h.url) for h in both.search("Ukraine air defense", k=3)] == \
        [(h.passage_id, h.url) for h in hits]
    both.close()
    assert r.ingest([folder]).counts["unchanged"] == 2      # and it stays so
    # the .md removed: the .txt is stored in full again, and cites no page
    r.remove([md])
    hits = r.search("Ukraine air defense", k=3)
    assert hits and {h.source for h in hits} == {str(txt.resolve())}
    assert {h.url for h in hits} == {None}
    assert (r.info()["conferences"], r.info()["duplicates"]) == (1, 0)
    r.close()


def test_a_markdown_copy_stored_after_its_text_lends_its_url(tmp_path):
    """A .md whose path sorts after the stored .txt (another folder) stays
    its duplicate; hits still cite the page."""
    url = "https://www.whitehouse.gov/briefing-room/2021/01/21/"
    txt = white_house_briefing(tmp_path / "a", "2021-01-21.txt")
    md = white_house_briefing(tmp_path / "b")
    r = Retriever.open(tmp_path / "index", encoder=FakeEncoder())
    assert r.ingest([txt]).ok
    assert [f.status for f in r.ingest([md]).files] == ["duplicate"]
    assert {h.url for h in r.search("Ukraine air defense", k=3)} == {url}
    r.close()


def _long_briefing(folder, name: str, word: str = "closely", day: int = 22):
    """Twelve exchanges; ``word`` in the last reply (a .txt that drops or
    changes one word of its .md), ``day`` in the title."""
    turns = [f"Press Briefing by Press Secretary Jen Psaki, January {day}, 2021", "",
             "MS. PSAKI: Good afternoon. I have one item at the top on vaccine supply.", ""]
    for i in range(1, 13):
        reply = f"On topic {i} we are watching {word if i == 12 else 'closely'} and will report."
        turns += [f"Q On topic number {i}, what is the latest?", "", f"MS. PSAKI: {reply}", ""]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(turns), encoding="utf-8")
    return path


def test_a_copy_differing_in_one_reply_is_stored_once(tmp_path):
    """One briefing's two renderings that differ by a word (5 of the 100
    corpus pairs do) are one conference: searches do not show it twice."""
    first = _long_briefing(tmp_path / "a", "2021-01-22.txt")
    copy = _long_briefing(tmp_path / "b", "2021-01-22.txt", word="carefully")
    other_day = _long_briefing(tmp_path / "c", "2021-01-23.txt", word="warily", day=23)
    enc = FakeEncoder()
    r = Retriever.open(tmp_path / "index", encoder=enc)
    assert r.ingest([first]).ok
    before = enc.encoded
    report = r.ingest([copy, other_day])
    assert [f.status for f in report.files] == ["duplicate", "added"], report.files
    assert "but for 1 exchange(s)" in report.files[0].reason
    # the copy's one differing reply is not encoded (its vectors would be thrown away)
    assert enc.encoded - before == sum(f.encoded for f in report.files)
    hits = r.search("topic number 5 latest", k=10, date_from="2021-01-22", date_to="2021-01-22")
    assert len([h for h in hits if "On topic 5 we" in h.text]) == 1
    # the original removed: the copy is stored in full, its own words served
    r.remove([first])
    hits = r.search("topic number 12 latest", k=10, date_from="2021-01-22", date_to="2021-01-22")
    assert any("watching carefully" in h.text for h in hits)
    assert not any("On topic 12 we are watching closely" in h.text for h in hits)
    r.close()


def test_a_near_copy_stored_first_gives_way_to_the_file_that_sorts_first(tmp_path):
    first = _long_briefing(tmp_path / "a", "2021-01-22.txt")
    copy = _long_briefing(tmp_path / "b", "2021-01-22.txt", word="carefully")
    r = Retriever.open(tmp_path / "index", encoder=FakeEncoder())
    assert r.ingest([copy]).ok
    report = r.ingest([first])
    assert [f.status for f in report.files] == ["added"], report.files
    hits = r.search("topic number 12 latest", k=10, date_from="2021-01-22", date_to="2021-01-22")
    assert any("watching closely" in h.text for h in hits)          # a's words, as one run stores
    assert not any("watching carefully" in h.text for h in hits)
    assert (r.info()["conferences"], r.info()["duplicates"]) == (1, 1)
    assert r.info()["vectors_in_index"] == r.info()["chunks"]
    # the copy now stands for a: changing a releases it (stored in full again)
    _long_briefing(tmp_path / "a", "2021-01-22.txt", word="warily", day=24)
    r.ingest([first])
    assert (r.info()["conferences"], r.info()["duplicates"]) == (2, 0)
    hits = r.search("topic number 12 latest", k=10, date_from="2021-01-22", date_to="2021-01-22")
    assert any("watching carefully" in h.text for h in hits)
    r.close()


def test_filters_name_people_and_publishers_as_users_do(mixed):
    """"Dr. Kirby"/"Kirby" are the index's "John Kirby", "mfa" (the tag the ingest
    report prints) is the ministry; a publisher the index lacks is an error."""
    from rag.errors import PressconError
    r, _ = mixed
    kirby = [h.passage_id for h in r.search("air defense", k=5, spokesperson="John Kirby")]
    assert kirby
    for name in ("Kirby", "MR. KIRBY", "Admiral John Kirby"):
        assert [h.passage_id for h in r.search("air defense", k=5, spokesperson=name)] == kirby
    assert all(h.publisher == MFA for h in r.search("Olympics", k=5, publisher="mfa"))
    assert r.spokespersons("whitehouse") == r.spokespersons(WH)
    with pytest.raises(PressconError, match="no publisher 'State Department'.*holds"):
        r.search("Olympics", publisher="State Department")


def test_cli_filters_naming_nobody_are_errors_with_the_nearest_names(mixed):
    from click.testing import CliRunner
    from rag.cli import main
    from rag.cli.common import question_text
    r, _ = mixed
    index = str(r.index_dir)
    run = CliRunner().invoke
    bad = run(main, ["search", "Olympics", "--index", index, "--spokesperson", "Jen Sakip"])
    assert bad.exit_code == 1 and "no spokesperson 'Jen Sakip'" in bad.output
    assert "nearest: 'Jen Psaki'" in bad.output and "presscon names" in bad.output
    # the White House names no questioner: saying so beats "No passage found"
    none = run(main, ["search", "Olympics", "--index", index, "--publisher", WH,
                      "--questioner", "Reuters"])
    assert none.exit_code == 1 and "name none" in none.output
    ok = run(main, ["search", "air defense", "--index", index, "--spokesperson", "kirby",
                    "--json"])
    assert ok.exit_code == 0 and {h["spokesperson"] for h in json.loads(ok.stdout)} == {"John Kirby"}
    listed = run(main, ["names", "--index", index, "--publisher", "white house", "--json"])
    data = json.loads(listed.stdout)
    assert listed.exit_code == 0 and set(data["spokespersons"]) == {"Jen Psaki", "John Kirby"}
    assert data["questioners"] == {}
    assert question_text("On Ukraine —\n\n— how many?") == "Q: On Ukraine —\n   — how many?"


def test_statements_are_cited_as_each_publisher_words_them(mixed):
    """The ministry's statements open its conferences; a White House topper or
    a co-briefer's remarks come mid-briefing too: "statement", not "opening"."""
    r, _ = mixed
    wh = [h for h in r.search("executive order on vaccine supply", k=10, publisher=WH)
          if h.kind == "statement"]
    assert wh and all(h.citation.endswith("White House press briefing of 21 January 2021, "
                                          "statement") for h in wh), [h.citation for h in wh]
    import datetime as dt
    from rag.results import format_citation
    assert format_citation("Zhao Lijian", dt.date(2021, 12, 24), None, "statement", MFA) == \
        "Zhao Lijian, press conference of 24 December 2021, opening statement"


def test_a_reply_of_several_officials_names_them_all():
    import datetime as dt
    from rag.results import format_citation
    day = dt.date(2022, 11, 22)
    assert format_citation("Anthony Fauci", day, None, "answer", WH,
                           ("Karine Jean-Pierre", "Anthony Fauci", "Ashish Jha")) == \
        ("Karine Jean-Pierre, Anthony Fauci and Ashish Jha, White House press briefing of "
         "22 November 2022, answering a reporter")
    assert format_citation("John Kirby", day, None, "answer", WH,
                           ("John Kirby", "Jen Psaki")).startswith("John Kirby and Jen Psaki, ")


def test_a_questioner_on_briefings_that_name_none_is_an_error(tmp_path):
    from rag.errors import PressconError
    r = Retriever.open(tmp_path / "index", encoder=FakeEncoder())
    assert r.ingest([white_house_briefing(tmp_path / "in")]).ok
    with pytest.raises(PressconError, match="no questioner 'Reuters' in this index: its "
                                            "transcripts name none"):
        r.search("Ukraine air defense", questioner="Reuters")
    assert r.search("Ukraine air defense")          # no questioner: searched as ever
    r.close()


def test_a_name_most_passages_carry_does_not_make_a_persons_reply_off_topic(tmp_path):
    # "What did Granholm say about why American oil companies ...": her oil
    # reply need not say "American", a word a fifth of the briefings carry
    folder = tmp_path / "transcripts"
    folder.mkdir()
    turns = "\n\n".join(
        f"Q Question {i} on American {topic}?\n\nMS. PSAKI: American {topic} matter to us."
        for i, topic in enumerate(["families", "workers", "farmers", "students"]))
    (folder / "2021-11-23.txt").write_text(
        "Press Briefing by Press Secretary Jen Psaki and Secretary of Energy Jennifer "
        "Granholm, November 23, 2021\n\n" + turns + "\n\nQ Secretary Granholm, why has "
        "domestic production not returned?\n\nSECRETARY GRANHOLM: We have 250 fewer oil rigs "
        "working today than before the pandemic.\n", encoding="utf-8")
    with Retriever.open(tmp_path / "index", encoder=FakeEncoder()) as r:
        assert r.ingest([folder]).ok
        answer = r.ask("What did Granholm say about why American oil companies have not "
                       "ramped production back up?", k=3)
        assert answer.understood == ("spokesperson Jennifer Granholm",)
        assert answer.hits and "250 fewer oil rigs" in answer.hits[0].text
        assert answer.close_match and answer.hits[0].close


def test_a_short_reply_ranks_just_below_replies_scoring_the_same(tmp_path):
    from rag.rank.fusion import SHORT_REPLY_CHARS, SHORT_REPLY_PENALTY, fuse
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "2024-01-09.txt").write_text(
        "Press Briefing by Press Secretary Karine Jean-Pierre and NSC Coordinator for Strategic "
        "Communications John Kirby, January 9, 2024\n\n"
        "Q When was the President told of Secretary Austin's cancer diagnosis?\n\n"
        "MR. KIRBY: He was informed today.\n\n"
        "Q Was it acceptable that the President was not told of the diagnosis for weeks?\n\n"
        "MR. KIRBY: It is not optimal. For a situation like this to go as long as it did "
        "without the Commander-in-Chief knowing is not the way it is supposed to work.\n",
        encoding="utf-8")
    with Retriever.open(tmp_path / "index", encoder=FakeEncoder()) as r:
        assert r.ingest([folder]).ok
        question = "Was it acceptable that the President was not told of Austin's cancer diagnosis?"
        hits = r.search(question, k=5, group_repeats=False)
        dense, lexical = r.candidates(question, k=5)
        fused = fuse(dense, lexical, "hybrid")
        for h in hits:
            short = len(h.text) < SHORT_REPLY_CHARS
            assert h.score == pytest.approx(fused[h.passage_id] - (SHORT_REPLY_PENALTY if short
                                                                    else 0.0), abs=1e-5)
        # both replies came back, and the short one was scored 0.02 lower
        assert sorted(len(h.text) < SHORT_REPLY_CHARS for h in hits) == [False, True]


def test_close_match_is_judged_on_the_same_top_hits_whatever_k(tmp_path):
    # a search kept to Kirby is judged by the question's names: six replies
    # that share its words but not "Ukraine", one that names it and little else
    folder = tmp_path / "transcripts"
    folder.mkdir()
    filler = ("the air defense systems and the air defense systems that the President "
              "approved for air defense of the air base")
    turns = "\n\n".join(f"Q Question {i} on the air defense systems for the base?\n\n"
                        f"MR. KIRBY: Reply {i}: {filler} number {i}."
                        for i in range(6))
    (folder / "2024-01-09.txt").write_text(
        "Press Briefing by Press Secretary Karine Jean-Pierre and NSC Coordinator for Strategic "
        "Communications John Kirby, January 9, 2024\n\n" + turns +
        "\n\nQ And Kyiv?\n\nMR. KIRBY: Ukraine gets them too.\n", encoding="utf-8")
    with Retriever.open(tmp_path / "index", encoder=FakeEncoder()) as r:
        assert r.ingest([folder]).ok
        question = "What did Kirby say about air defense systems for Ukraine?"
        deep = r.ask(question, k=10)
        assert deep.understood == ("spokesperson John Kirby",)
        ranks = [i for i, h in enumerate(deep.hits) if "Ukraine" in h.text]
        assert ranks and ranks[0] >= 5      # the one naming Ukraine ranks past the top 5
        assert deep.close_match is False    # judged on the top 5, as k=5 and k=1 are
        assert r.ask(question, k=5).close_match is False
        assert r.ask(question, k=1).close_match is False


def test_no_close_match_says_when_the_transcripts_have_a_long_gap(tmp_path):
    import datetime as dt

    from click.testing import CliRunner
    from rag.cli import main
    from transcripts import conference
    D = dt.date
    paths = [conference(tmp_path / "src", d, [("AFP", "Tariffs?", "We oppose the tariffs.")])
             for d in (D(2019, 1, 7), D(2019, 1, 8), D(2019, 12, 2))]
    with Retriever.open(tmp_path / "index", encoder=FakeEncoder()) as r:
        assert r.ingest(paths).ok
        assert r.store.gaps() == [("2019-01-08", "2019-12-02")]
        assert r.store.gaps(min_days=400) == []
        result = CliRunner().invoke(main, ["search", "What about the AUKUS pact?",
                                           "--index", str(tmp_path / "index")])
    assert ("No close match: nothing in the transcripts (2019-01-07 to 2019-12-02, none "
            'between 2019-01-08 and 2019-12-02) for "AUKUS"') in result.stderr
