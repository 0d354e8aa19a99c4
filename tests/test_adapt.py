"""The query adapter: training (rag/adapt.py), storage and use at search time
(embeddings/adapter.py, the Retriever hook), and `presscon adapt`."""
from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from embeddings.adapter import (ADAPTER_JSON, ADAPTER_NPY, AdaptedEncoder, AdapterError,
                                QueryAdapter)
from embeddings.testing import FakeEncoder
from rag import PressconError, Retriever
from rag.adapt import AdapterSettings, build_adapter, train_matrix
from rag.cli import main

from test_crossval import _corpus

pytest.importorskip("torch")


def _rotation(dim, seed=0):
    q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(dim, dim)))
    return q.astype(np.float32)


def _unit(x):
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_training_learns_a_map_and_is_reproducible():
    rng = np.random.default_rng(1)
    dim, n = 16, 400
    replies = _unit(rng.normal(size=(n, dim)))
    # questions are the replies turned away by a fixed rotation, plus noise
    questions = _unit(replies @ _rotation(dim).T + 0.05 * rng.normal(size=(n, dim)))
    settings = AdapterSettings(epochs=30, lr=1e-2, weight_decay=0.0)
    w = train_matrix(questions, replies, settings=settings)
    assert np.array_equal(w, train_matrix(questions, replies, settings=settings))

    def top1(q):
        return float(np.mean(np.argmax(q @ replies.T, axis=1) == np.arange(n)))

    adapted = QueryAdapter(w, {}).apply(questions)
    assert top1(adapted) > top1(questions) + 0.3


def test_training_refuses_mismatched_inputs():
    with pytest.raises(ValueError, match="question/reply vector pairs"):
        train_matrix(np.ones((5, 4), np.float32), np.ones((4, 4), np.float32))


def test_adapter_round_trips_and_detects_damage(tmp_path):
    a = QueryAdapter(np.eye(8, dtype=np.float32) * 2, {"adapter_id": "x", "model_id": "m"})
    a.save(tmp_path)
    b = QueryAdapter.load(tmp_path)
    assert b.id == "x" and np.array_equal(b.matrix, a.matrix)
    assert np.allclose(np.linalg.norm(b.apply(np.ones((3, 8))), axis=1), 1.0)
    assert QueryAdapter.load(tmp_path / "nowhere") is None
    data = bytearray((tmp_path / ADAPTER_NPY).read_bytes())
    data[-1] ^= 0xFF
    (tmp_path / ADAPTER_NPY).write_bytes(bytes(data))
    with pytest.raises(AdapterError, match="does not match"):
        QueryAdapter.load(tmp_path)


def test_adapted_encoder_maps_queries_only():
    base = FakeEncoder()
    w = _rotation(64)
    enc = AdaptedEncoder(base, QueryAdapter(w, {"adapter_id": "a1", "model_id": base.model_id}))
    assert enc.model_id == base.model_id and enc.adapter_id == "a1"
    assert np.array_equal(enc.encode(["some text"]), base.encode(["some text"]))
    assert np.allclose(enc.encode_query("some text"), base.encode_query("some text") @ w,
                       atol=1e-6)
    with pytest.raises(AdapterError, match="trained for 'other'"):
        AdaptedEncoder(base, QueryAdapter(w, {"model_id": "other"}))


@pytest.fixture
def index_dir(tmp_path):
    folder = tmp_path / "index"
    with Retriever.open(folder, encoder=FakeEncoder()) as r:
        assert r.ingest(_corpus(tmp_path / "txt", days=30)).ok
    return folder


def test_retriever_uses_a_stored_adapter_and_info_names_it(index_dir, tmp_path):
    with Retriever.open(index_dir, encoder=FakeEncoder()) as r:
        assert r.info()["query_adapter"] is None
        adapter = build_adapter(r.store, r.encoder, index_dir,
                                settings=AdapterSettings(epochs=1, batch=16))
        before = r.search("Any update on amber0 basalt0?", k=3)
    meta = json.loads((index_dir / ADAPTER_JSON).read_text())
    assert meta["pairs"] == 180 and len(meta["pairs_sha256"]) == 64
    with Retriever.open(index_dir, encoder=FakeEncoder()) as r:
        assert r.info()["query_adapter"] == adapter.id
        assert r.search("Any update on amber0 basalt0?", k=3)[0].passage_id == \
            before[0].passage_id
    # the same index trains the same adapter
    with Retriever.open(index_dir, encoder=FakeEncoder()) as r:
        again = build_adapter(r.store, r.encoder, tmp_path,
                              settings=AdapterSettings(epochs=1, batch=16))
    assert again.id == adapter.id


def test_a_damaged_adapter_is_a_clear_error(index_dir):
    QueryAdapter(np.eye(64, dtype=np.float32), {"model_id": "fake-bow-64"}).save(index_dir)
    (index_dir / ADAPTER_NPY).write_bytes(b"garbage")
    with pytest.raises(PressconError, match="presscon adapt --remove"):
        Retriever.open(index_dir, encoder=FakeEncoder())


def test_cli_adapt_and_remove(index_dir, tmp_path, monkeypatch):
    import rag.cli.adapt as cli_adapt
    monkeypatch.setattr(cli_adapt, "_default_cache", lambda: tmp_path / "cache")
    runner = CliRunner()
    # the index is a fake-model index: Retriever.open loads the fake by its id
    out = runner.invoke(main, ["adapt", "--index", str(index_dir), "--no-check"])
    assert out.exit_code == 0, out.output
    assert "wrote" in out.output and (index_dir / ADAPTER_NPY).is_file()
    out = runner.invoke(main, ["info", "--index", str(index_dir), "--json"])
    assert json.loads(out.output)["query_adapter"].startswith("fake-bow-64+qa-")
    out = runner.invoke(main, ["adapt", "--remove", "--index", str(index_dir)])
    assert out.exit_code == 0 and not (index_dir / ADAPTER_NPY).exists()


def test_cli_crossval_prints_the_fold_table(index_dir, tmp_path):
    out = CliRunner().invoke(main, ["crossval", "--index", str(index_dir), "--folds", "3",
                                    "--cache", str(tmp_path / "c"), "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)["model"]
    assert set(rows) == {f"{v}/{m}" for v in ("as-is", "dropped")
                         for m in ("lexical", "dense", "hybrid")}
    assert rows["as-is/lexical"]["n"] == 180
