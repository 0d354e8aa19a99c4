"""The numpy reader of a saved bm25s index scores exactly as bm25s does."""
from __future__ import annotations

import json

import numpy as np
import pytest

from rag.index.bm25_snapshot import SnapshotBM25

bm25s = pytest.importorskip("bm25s")

DOCS = [["china", "oppos", "sanction"], ["olymp", "boycott", "china", "china"],
        ["lithuania", "custom", "import"], ["boycott", "olymp", "winter", "game", "athlet"],
        ["sanction"]]


@pytest.fixture()
def saved(tmp_path):
    model = bm25s.BM25(k1=1.2, b=0.75, method="robertson")
    model.index(DOCS, show_progress=False)
    model.save(str(tmp_path), show_progress=False)
    return model, tmp_path


@pytest.mark.parametrize("query", [["china"], ["olymp", "boycott"], ["china", "china"],
                                   ["sanction", "lithuania", "nowher"], ["nowher"]])
def test_scores_equal_bm25s_bit_for_bit(saved, query):
    model, folder = saved
    ours = SnapshotBM25.load(folder)
    ids = ours.get_tokens_ids(query)
    assert ids == model.get_tokens_ids(query)
    if not ids:
        return
    theirs = model.get_scores_from_ids(ids)
    mine = ours.get_scores_from_ids(ids)
    assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs)
    assert mine.max() > 0


def test_a_method_that_needs_bm25s_is_refused(saved):
    _, folder = saved
    params = json.loads((folder / "params.index.json").read_text())
    (folder / "params.index.json").write_text(json.dumps({**params, "method": "bm25+"}))
    with pytest.raises(ValueError, match="bm25\\+"):
        SnapshotBM25.load(folder)


def test_an_out_of_range_token_id_is_an_error(saved):
    _, folder = saved
    ours = SnapshotBM25.load(folder)
    with pytest.raises(ValueError, match="vocabulary"):
        ours.get_scores_from_ids([10_000])
