"""Item 14: mistakes a user can make get a clear message naming what was
wrong, never a traceback (CLI exit code 1)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from rag import PressconError
from rag.cli import main


def test_unknown_model_lists_the_known_ones(tmp_path, seed_copy):
    res = CliRunner().invoke(main, ["ingest", str(seed_copy), "--index", str(tmp_path / "idx"),
                                    "--model", "bogus"])
    assert res.exit_code == 1
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "unknown model 'bogus'" in res.output
    assert "all-MiniLM-L6-v2" in res.output and "Traceback" not in res.output


def test_passage_id_out_of_range_is_a_clear_error(tmp_path, seed_copy):
    idx = str(tmp_path / "idx")
    CliRunner().invoke(main, ["ingest", str(seed_copy), "--index", idx, "--model", "fake-bow-64"])
    res = CliRunner().invoke(main, ["versions", "99999999999999999999", "--index", idx])
    assert res.exit_code == 1
    assert isinstance(res.exception, SystemExit), res.exception
    assert "no passage 99999999999999999999" in res.output


@pytest.mark.parametrize("argument", ["questioner", "spokesperson", "publisher"])
def test_a_filter_that_is_not_text_is_named(retriever, argument):
    with pytest.raises(PressconError, match=f"{argument} must be text"):
        retriever.search("Lithuania", **{argument: 5})


def test_a_question_that_is_a_number_must_be_text(retriever):
    with pytest.raises(PressconError, match="the question must be text, not 5"):
        retriever.search(5)
    with pytest.raises(PressconError, match="the question is empty"):
        retriever.search("   ")


def test_k_that_is_not_a_number_is_echoed(retriever):
    import app
    with pytest.raises(PressconError, match="not 'abc'"):
        app.analyse(retriever, "Lithuania", "abc")
    with pytest.raises(PressconError, match="k must be a whole number"):
        retriever.search("Lithuania", k=True)


def test_versions_of_an_id_out_of_range_is_empty_not_an_overflow(retriever):
    from rag import PressconError
    assert retriever.versions(99999999999999999999) == []
    with pytest.raises(PressconError, match="whole number"):
        retriever.versions("12")
