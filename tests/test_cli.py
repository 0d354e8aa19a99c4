"""The CLI contract: `search --json` shape, ingest report and exit codes."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from rag.cli import main

from conftest import SEED

FAKE = ["--model", "fake-bow-64"]


@pytest.fixture
def index(tmp_path):
    idx = tmp_path / "idx"
    result = CliRunner().invoke(main, ["ingest", str(SEED), "--index", str(idx), "-q", *FAKE])
    assert result.exit_code == 0, result.output
    return idx


def test_search_json_shape(index):
    result = CliRunner().invoke(main, ["search", "Winter Olympics Japan", "--index", str(index),
                                       "--k", "3", "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)   # notes (stderr) may come too; the list is all of stdout
    assert isinstance(hits, list) and 1 <= len(hits) <= 3
    for h in hits:
        assert set(h) >= {"text", "date", "questioner", "spokesperson", "question", "score",
                          "citation", "passage_id"}
        assert h["date"] == "2021-12-24"
        assert isinstance(h["score"], float) and isinstance(h["passage_id"], int)
        assert h["text"] and h["citation"].startswith("Zhao Lijian, press conference of 24 December 2021")


def test_search_json_empty_is_empty_list(index):
    result = CliRunner().invoke(main, ["search", "Olympics", "--index", str(index), "--json",
                                       "--from", "2030-01-01"])
    assert result.exit_code == 0
    assert json.loads(result.output) == []


@pytest.mark.parametrize("command", ["search", "changes", "timeline"])
def test_no_passage_in_the_dates_asked_names_the_span_the_index_holds(index, command):
    result = CliRunner().invoke(main, [command, "Olympics", "--index", str(index),
                                       "--from", "2030"])
    assert result.exit_code == 0
    assert "No passage found with these filters (the index holds conferences from " \
           "2021-12-24 to 2021-12-24)." in result.output
    # a day set by the options that had no conference: the nearest are named
    result = CliRunner().invoke(main, [command, "Olympics", "--index", str(index),
                                       "--from", "2021-12-26", "--to", "2021-12-26"])
    assert result.exit_code == 0
    assert "No passage found with these filters (none was held then; the nearest " \
           "conferences are of 2021-12-24)." in result.output


def test_ctrl_c_during_ingest_says_what_was_stored(tmp_path, monkeypatch):
    from embeddings.testing import FakeEncoder
    from transcripts import make_corpus
    files = make_corpus(tmp_path / "in", 30)
    real, calls = FakeEncoder.encode, []

    def encode(self, texts, **kw):       # the user presses Ctrl-C during the second window
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, texts, **kw)

    monkeypatch.setattr(FakeEncoder, "encode", encode)
    idx = str(tmp_path / "idx")
    out = CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--index", idx, "-q", *FAKE])
    assert out.exit_code == 130, out.output
    stored = int(out.output.split("Interrupted: +", 1)[1].split()[0])
    assert 0 < stored < len(files) and "run the same command again" in out.output
    monkeypatch.setattr(FakeEncoder, "encode", real)
    again = CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--index", idx, "--json",
                                      *FAKE])
    counts = json.loads(again.stdout)["counts"]
    assert (counts["added"], counts["unchanged"]) == (len(files) - stored, stored)


def test_small_cli_courtesies(index):
    run = CliRunner().invoke
    both = run(main, ["search", "Olympics", "--index", str(index), "--json", "--format", "csv"])
    assert both.exit_code == 1 and "--json and --format" in both.output
    none = run(main, ["repeats", "--index", str(index)])      # one conference: no repeats
    assert none.exit_code == 0 and none.output.startswith("No reply of 5 word(s) or more")
    shown = run(main, ["timeline", "Olympics", "--index", str(index)])
    assert shown.exit_code == 0 and "among the 30 best matches" in shown.output
    info = run(main, ["info", "--index", str(index)])
    assert "Ministry of Foreign Affairs of China " in info.output and "{" not in info.output


def test_a_long_reply_says_which_paragraph_matches_best(index):
    q = "American democracy Jasmine Revolution Arab Spring double standards"
    shown = CliRunner().invoke(main, ["search", q, "--index", str(index), "-k", "1"])
    assert shown.exit_code == 0, shown.output
    assert "Best-matching paragraph: 3 of 5" in shown.output   # "Second, ... Arab Spring"
    found = CliRunner().invoke(main, ["search", q, "--index", str(index), "-k", "3", "--json"])
    hits = json.loads(found.stdout)
    best = hits[0]["best_paragraph"]
    assert hits[0]["text"].split("\n\n")[best].startswith("Second, the American democracy")
    assert all(0 <= h["best_paragraph"] < len(h["text"].split("\n\n")) for h in hits)


def test_human_output_shows_citation_and_verbatim_reply(index):
    result = CliRunner().invoke(main, ["search", "Lithuania customs", "--index", str(index), "-k", "1"])
    assert result.exit_code == 0, result.output
    assert "Zhao Lijian, press conference of 24 December 2021, answering MASTV" in result.output
    assert "China always acts in a way that conforms to WTO rules." in result.output


def test_ingest_reports_failures_and_exits_nonzero(tmp_path, index):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02 not text")
    result = CliRunner().invoke(main, ["ingest", str(bad), str(SEED), "--index", str(index), "-q"])
    assert result.exit_code == 1
    assert "bad.txt" in result.output
    assert "1 unchanged" in result.output and "1 failed" in result.output


def test_query_errors_exit_nonzero_with_a_message(index):
    result = CliRunner().invoke(main, ["search", "x" * 100_000, "--index", str(index)])
    assert result.exit_code == 1
    assert "characters long" in result.output
    result = CliRunner().invoke(main, ["search", "x", "--index", str(index), "--from", "yesterday"])
    assert result.exit_code == 1 and "--from" in result.output and "yesterday" in result.output


def test_other_model_names_reindex(index):
    result = CliRunner().invoke(main, ["ingest", str(SEED), "--index", str(index), "--model", "fake-bow-32"])
    assert result.exit_code == 1
    assert "presscon reindex" in result.output


def test_info_json(index):
    result = CliRunner().invoke(main, ["info", "--index", str(index), "--json"])
    data = json.loads(result.output)
    assert data["model_id"] == "fake-bow-64"
    assert data["conferences"] == 1 and data["passages"] > 10
    assert data["first_date"] == data["last_date"] == "2021-12-24"
    assert data["size_bytes"] > 0


def test_help_is_fast_and_imports_nothing_heavy():
    code = ("import sys, rag.cli; rag.cli.main.main(['--help'], standalone_mode=False); "
            "heavy = [m for m in ('torch', 'faiss', 'gradio', 'sentence_transformers', 'numpy') "
            "if m in sys.modules]; print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout


def test_console_script_exit_code(tmp_path):
    exe = [sys.executable, "-m", "rag.cli"]
    out = subprocess.run([*exe, "search", "", "--index", str(tmp_path / "i"), *[]],
                         capture_output=True, text=True)
    assert out.returncode != 0


def test_reading_a_folder_without_an_index_creates_nothing(tmp_path):
    empty = tmp_path / "nothing-here"
    for args in (["search", "Olympics"], ["info"], ["timeline", "Olympics"], ["repeats"]):
        result = CliRunner().invoke(main, [*args, "--index", str(empty)])
        assert result.exit_code == 1, (args, result.output)
        assert f"no index in {empty}" in result.output and "presscon ingest" in result.output
    assert not empty.exists()


def test_search_names_the_file_not_the_server_path(tmp_path):
    index = tmp_path / "idx"
    assert CliRunner().invoke(main, ["ingest", str(SEED), "--index", str(index),
                                     "--model", "fake-bow-64"]).exit_code == 0
    out = CliRunner().invoke(main, ["search", "Lithuania customs", "--index", str(index), "-k", "1"])
    assert out.exit_code == 0, out.output
    assert f"-- {SEED.name}" in out.output and str(SEED.parent) not in out.output


def test_search_takes_periods_for_from_and_to(index):
    runner = CliRunner()
    inside = runner.invoke(main, ["search", "Olympics", "--index", str(index), "--json",
                                  "--from", "December 2021", "--to", "December 2021"])
    assert inside.exit_code == 0, inside.output
    assert json.loads(inside.stdout)      # --to "December 2021" reaches 31 December
    before = runner.invoke(main, ["search", "Olympics", "--index", str(index), "--json",
                                  "--to", "November 2021"])
    assert before.exit_code == 0 and json.loads(before.stdout) == []
    bad = runner.invoke(main, ["search", "Olympics", "--index", str(index), "--from", "Mai 2020"])
    assert bad.exit_code == 1 and "--from" in bad.output and "Mai 2020" in bad.output
    # the forms the chat's date boxes take, as there
    for args in (["--from", "2021-12", "--to", "2021-12"], ["--from", "24 December 2021"],
                 ["--to", "2021"], ["--from", "late 2021"]):
        ok = runner.invoke(main, ["search", "Olympics", "--index", str(index), "--json", *args])
        assert ok.exit_code == 0 and json.loads(ok.stdout), (args, ok.output)
    early = runner.invoke(main, ["search", "Olympics", "--index", str(index), "--json",
                                 "--to", "2021-11"])
    assert early.exit_code == 0 and json.loads(early.stdout) == []
    for args in (["search", "Olympics"], ["timeline", "Olympics"]):
        backwards = runner.invoke(main, [*args, "--index", str(index), "--from", "2022",
                                         "--to", "May 2021"])
        assert backwards.exit_code == 1, backwards.output
        assert "--from 2022-01-01 is after --to 2021-05-31" in backwards.output   # the options' names


def test_search_notes_go_to_stderr_and_json_stays_a_list(index):
    result = CliRunner().invoke(main, ["search", "What did Wang Wenbin say about the AUKUS pact?",
                                       "--index", str(index), "--json"])
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.stdout), list)
    assert "No close match" in result.stderr and "AUKUS" in result.stderr
    assert "2021-12-24" in result.stderr            # the index's span is named
    assert "no spokesperson called Wang Wenbin in this index (none is close)" in result.stderr
    # a person the question only quotes is not one whose words it asks for
    quoted = CliRunner().invoke(main, ["search", "How did China respond after Wang Wenbin said "
                                       "the Olympics were safe?", "--index", str(index), "-k", "1"])
    assert quoted.exit_code == 0 and "no spokesperson called" not in quoted.stderr
    near = CliRunner().invoke(main, ["search", "What did Zhao say about the Olympics?",
                                     "--index", str(index), "-k", "1"])
    assert 'Understood: spokesperson Zhao Lijian (from "Zhao")' in near.stderr
    assert "no spokesperson called" not in near.stderr
    # an office is no person: "the chair of the Council of Economic Advisers say"
    office = CliRunner().invoke(main, ["search", "What did the chair of the Council of Economic "
                                       "Advisers say about the Olympics?", "--index", str(index),
                                       "-k", "1"])
    assert office.exit_code == 0 and "no spokesperson called" not in office.stderr
    typo = CliRunner().invoke(main, ["search", "Japanese athletes at the Paralmypics",
                                     "--index", str(index), "-k", "1"])
    assert "Searched for: Japanese athletes at the Paralympics" in typo.stderr
    assert "Searched for" not in typo.stdout


def test_eval_reports_quotes_and_the_flagged_share_of_unanswerable_questions(index, tmp_path):
    un = tmp_path / "un.jsonl"
    un.write_text(json.dumps({"id": "u1", "question": "What about the AUKUS pact?",
                              "style": "term", "why": "never mentioned"}) + "\n")
    result = CliRunner().invoke(main, ["eval", str(un), "--index", str(index), "--quotes", "5",
                                       "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["un.jsonl"]["hybrid"]["no_close"] == 1.0
    assert "R@1" not in data["un.jsonl"]["hybrid"]
    for name in ("quotes as typed (seed 0)", "quotes in quotes (seed 0)"):
        assert data[name]["hybrid"]["R@1"] == 1.0
    assert "quotes cleaned up (seed 0)" in data     # a clause and a stutter left out


def test_eval_needs_a_question_set(index):
    result = CliRunner().invoke(main, ["eval", "--index", str(index)])
    assert result.exit_code == 1 and "--quotes" in result.output


def test_eval_misses_name_who_answered_and_leave_out_a_missing_kind(index, tmp_path):
    qs = tmp_path / "mine.jsonl"
    # a gold no reply holds: always a miss, listed with what came back
    qs.write_text(json.dumps({"id": "m1", "question": "Japan Olympic Committee Yamashita",
                              "gold": ["no reply says this"]}) + "\n")
    result = CliRunner().invoke(main, ["eval", str(qs), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert "- m1 (not in top 10): Japan Olympic Committee Yamashita" in result.stdout
    listed = [ln for ln in result.stdout.splitlines() if ln.startswith("    1. ")]
    # "2021-12-24 Zhao Lijian to <outlet>: ...": the official and the outlet asking
    assert listed and re.match(r"    1\. 2021-12-24 Zhao Lijian( to [^:]+)?: ", listed[0]), listed


def test_an_empty_index_path_is_refused_not_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["ingest", str(SEED), "--index", "", "-q", *FAKE])
    assert res.exit_code == 2 and "an empty path" in res.output
    assert not any(tmp_path.iterdir())


def test_a_question_of_bytes_no_encoding_reads_is_searched_not_a_traceback(index):
    res = CliRunner().invoke(main, ["search", "Olympics \udcff", "--index", str(index), "--json",
                                    "-k", "1"])
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.stdout)) == 1


def test_questioners_of_an_index_naming_no_outlet_say_why(tmp_path):
    """Item 6: `questioners` on White House briefings (a bare "Q" asks) printed
    nothing and exited 0; it says why on stderr, as `search --questioner` does."""
    from transcripts import white_house_briefing
    idx = str(tmp_path / "idx")
    briefing = white_house_briefing(tmp_path / "wh")
    assert CliRunner().invoke(main, ["ingest", "-q", str(briefing), "--index", idx,
                                     *FAKE]).exit_code == 0
    res = CliRunner().invoke(main, ["questioners", "--index", idx])
    assert res.exit_code == 0 and res.stdout == ""
    assert 'its transcripts name none (a bare "Q" asks' in res.stderr
    assert res.stderr.count("\n") == 1
    listed = CliRunner().invoke(main, ["questioners", "--index", idx, "--json"])
    assert listed.exit_code == 0 and json.loads(listed.stdout) == []


def test_questioners_without_a_question_keep_to_the_publisher_asked(tmp_path):
    from transcripts import white_house_briefing
    idx = str(tmp_path / "idx")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / SEED.name).write_bytes(SEED.read_bytes())
    white_house_briefing(folder)
    assert CliRunner().invoke(main, ["ingest", "-q", str(folder), "--index", idx,
                                     *FAKE]).exit_code == 0
    everyone = CliRunner().invoke(main, ["questioners", "--index", idx])
    assert everyone.exit_code == 0 and "Bloomberg" in everyone.stdout and everyone.stderr == ""
    res = CliRunner().invoke(main, ["questioners", "--index", idx, "--publisher", "white house"])
    assert res.exit_code == 0 and res.stdout == ""
    assert "of 'white house': its transcripts name none" in res.stderr
