"""VectorIndex: add/remove/search by id, filters, save/load, and the HNSW path.

Random normalized vectors with fixed seeds; the HNSW path is forced with a
tiny threshold so it runs in well under a second.
"""
from __future__ import annotations

import faiss
import numpy as np
import pytest

from embeddings import faiss_index
from embeddings.faiss_index import VectorIndex

DIM = 32


@pytest.fixture(autouse=True)
def _one_thread():
    # FAISS's OpenMP threads spin against each other on a busy 2-core box;
    # the tests are small, one thread is faster and deterministic.
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    yield
    faiss.omp_set_num_threads(before)


def vectors(n: int, seed: int = 0, dim: int = DIM) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def ids_for(n: int, seed: int = 1) -> np.ndarray:
    # large, positive, scattered like stable_id's
    return np.random.default_rng(seed).choice(2 ** 62, size=n, replace=False).astype(np.int64) + 1


def exact_top(x: np.ndarray, ids: np.ndarray, q: np.ndarray, k: int,
              allowed: np.ndarray | None = None) -> np.ndarray:
    scores = x @ q
    if allowed is not None:
        scores = np.where(np.isin(ids, allowed), scores, -np.inf)
    order = np.argsort(-scores, kind="stable")[:k]
    return ids[order[np.isfinite(scores[order])]]


@pytest.fixture
def data():
    return ids_for(2000), vectors(2000)


@pytest.fixture(params=["flat", "hnsw"])
def index(request, data):
    ids, x = data
    threshold = 10 ** 9 if request.param == "flat" else 100
    idx = VectorIndex.build(ids, x, hnsw_threshold=threshold)
    assert idx.kind == request.param
    return idx


def test_kind_is_chosen_by_size():
    assert VectorIndex(DIM).kind == "flat"
    assert VectorIndex.for_size(10, DIM, hnsw_threshold=100).kind == "flat"
    assert VectorIndex.for_size(101, DIM, hnsw_threshold=100).kind == "hnsw"
    assert VectorIndex.build(ids_for(50), vectors(50), hnsw_threshold=100).kind == "flat"
    assert VectorIndex.build(ids_for(150), vectors(150), hnsw_threshold=100).kind == "hnsw"
    with pytest.raises(ValueError):
        VectorIndex(DIM, kind="ivf")


def test_flat_grows_into_hnsw_across_adds(data):
    ids, x = data
    idx = VectorIndex(DIM, hnsw_threshold=500)
    for i in range(0, 2000, 300):        # the way DenseIndex.rebuild adds batches
        idx.add(ids[i:i + 300], x[i:i + 300])
    assert idx.kind == "hnsw" and len(idx) == 2000
    q = x[7]
    _, got = idx.search(q, 1)
    assert got[0] == ids[7]


def test_search_finds_itself_first(index, data):
    ids, x = data
    for i in (0, 17, 1999):
        scores, got = index.search(x[i], 5)
        assert got[0] == ids[i]
        assert scores[0] == pytest.approx(1.0, abs=1e-5)
        assert list(scores) == sorted(scores, reverse=True)


def test_hnsw_agrees_with_flat(data):
    ids, x = data
    flat = VectorIndex.build(ids, x, hnsw_threshold=10 ** 9)
    hnsw = VectorIndex.build(ids, x, hnsw_threshold=100)
    queries = vectors(50, seed=9)
    k = 10
    recall = np.mean([len(set(hnsw.search(q, k)[1]) & set(flat.search(q, k)[1])) / k
                      for q in queries])
    assert recall >= 0.95
    # scores are the same inner products
    s_f, i_f = flat.search(queries[0], 3)
    s_h, i_h = hnsw.search(queries[0], 3)
    common = set(i_f) & set(i_h)
    assert common
    for cid in common:
        assert s_f[list(i_f).index(cid)] == pytest.approx(s_h[list(i_h).index(cid)], abs=1e-5)


def test_remove_by_id(index, data):
    ids, x = data
    gone = ids[:300]
    assert index.remove(gone) == 300
    assert len(index) == 1700
    assert index.remove(gone) == 0                     # already gone
    assert index.remove([123456789]) == 0              # never there
    for i in (0, 5, 299):
        _, got = index.search(x[i], 20)
        assert not set(got) & set(gone)
    _, got = index.search(x[300], 1)
    assert got[0] == ids[300]
    # removed ids are gone from filtered searches too
    scores, got = index.search(x[0], 10, allowed=np.concatenate([gone[:5], ids[300:305]]))
    assert set(got) == set(ids[300:305])


def test_remove_then_add_same_id(index, data):
    ids, x = data
    index.remove(ids[:10])
    new = vectors(10, seed=5)
    index.add(ids[:10], new)                           # an updated chunk keeps its id
    assert len(index) == 2000
    _, got = index.search(new[3], 1)
    assert got[0] == ids[3]
    _, got = index.search(x[3], 5)                     # the old vector does not come back
    assert ids[3] not in got or index.search(x[3], 1)[1][0] != ids[3]


def test_hnsw_remove_uses_tombstones_then_compacts(data, monkeypatch):
    ids, x = data
    idx = VectorIndex.build(ids, x, hnsw_threshold=100)
    idx.remove(ids[:100])
    assert idx.kind == "hnsw" and idx.tombstones == 100 and len(idx) == 1900
    assert idx.index.ntotal == 2000                    # still in the graph, as waypoints
    monkeypatch.setattr(faiss_index, "COMPACT_FRACTION", 0.2)
    idx.remove(ids[100:500])                           # 500 / 2000 > 0.2: rebuilt
    assert idx.tombstones == 0 and idx.index.ntotal == 1500 and len(idx) == 1500
    _, got = idx.search(x[600], 1)
    assert got[0] == ids[600]
    idx.remove(ids[500:1980])                          # few left: back to exact
    assert idx.kind == "flat" and len(idx) == 20
    _, got = idx.search(x[1990], 1)
    assert got[0] == ids[1990]


def test_filtered_search(index, data):
    ids, x = data
    rng = np.random.default_rng(3)
    q = vectors(1, seed=11)[0]
    for size in (1, 7, 40, 1500):
        allowed = rng.choice(ids, size=size, replace=False)
        scores, got = index.search(q, 10, allowed)
        assert set(got) <= set(allowed)
        assert len(got) == min(10, size)              # a narrow filter still answers
        assert list(got) == list(exact_top(x, ids, q, 10, allowed)) or index.kind == "hnsw"
        if index.kind == "hnsw" and size <= 40:        # small sets are scored exactly
            assert list(got) == list(exact_top(x, ids, q, 10, allowed))
    assert len(index.search(q, 10, np.zeros(0, np.int64))[1]) == 0
    assert len(index.search(q, 10, np.array([42], np.int64))[1]) == 0   # unknown id


def test_hnsw_wide_filter_uses_the_graph(data, monkeypatch):
    ids, x = data
    idx = VectorIndex.build(ids, x, hnsw_threshold=100)
    monkeypatch.setattr(faiss_index, "EXACT_FILTER_MAX", 10)
    allowed = ids[::2]
    recall = []
    for q in vectors(20, seed=4):
        _, got = idx.search(q, 10, allowed)
        assert set(got) <= set(allowed)
        recall.append(len(set(got) & set(exact_top(x, ids, q, 10, allowed))) / 10)
    assert np.mean(recall) >= 0.9


def test_k_larger_than_index(index, data):
    ids, x = data
    small = VectorIndex.build(ids[:5], x[:5], hnsw_threshold=index.hnsw_threshold)
    scores, got = small.search(x[0], 50)
    assert sorted(got) == sorted(ids[:5])
    empty = VectorIndex(DIM)
    assert len(empty.search(x[0], 5)[1]) == 0
    assert len(index.search(x[0], 0)[1]) == 0


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_save_load_round_trip(tmp_path, data, kind):
    ids, x = data
    idx = VectorIndex.build(ids, x, hnsw_threshold=10 ** 9 if kind == "flat" else 100)
    idx.remove(ids[:3])
    path = tmp_path / "vectors.7.faiss"
    idx.save(path)
    assert not list(tmp_path.glob("*.presscon-tmp-*"))  # temp file replaced, not left
    back = VectorIndex.load(path)
    assert back.kind == kind and back.dim == DIM
    assert len(back) == len(idx) == 1997
    assert back.tombstones == idx.tombstones
    q = vectors(1, seed=2)[0]
    assert list(back.search(q, 10)[1]) == list(idx.search(q, 10)[1])
    _, got = back.search(x[1], 10)
    assert ids[1] not in got
    # the saved file is a plain FAISS index (no pickle)
    assert isinstance(faiss.read_index(str(path)), faiss.IndexIDMap2)


def test_load_refuses_other_layouts(tmp_path):
    path = tmp_path / "plain.faiss"
    faiss.write_index(faiss.IndexFlatIP(DIM), str(path))
    with pytest.raises(RuntimeError):
        VectorIndex.load(path)
