"""Ranking levers measured on date folds of the corpus (rag/crossval.py), the
figures of README "Cross-validation on the corpus, and the query adapter".

    python benchmarks/crossval_levers.py adapter --index IDX [--limit 300]
    python benchmarks/crossval_levers.py prf     --index IDX
    python benchmarks/crossval_levers.py fusion  --index IDX

Reads the index only; question and reply-only vectors are cached in --cache
(the first run encodes ~13k texts: minutes on 2 cores). Each setting is
compared with the unchanged ranking in the same run.
"""
from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import rag.crossval as cv  # noqa: E402
from embeddings.registry import load_encoder  # noqa: E402
from rag.adapt import AdapterSettings, fold_trainer, train_matrix  # noqa: E402
from rag.rank import fusion  # noqa: E402
from rag.store import Store  # noqa: E402

ADAPTER_GRID = [dict(epochs=5, dropped_share=0.0), dict(epochs=10, dropped_share=0.0),
                dict(epochs=20, dropped_share=0.0), dict(epochs=10, dropped_share=0.5),
                dict(epochs=10, dropped_share=0.0, weight_decay=0.03),
                dict(epochs=10, scale=40.0, dropped_share=0.5)]
PRF_GRID = [(3, 0.5), (5, 1.0), (10, 0.5)]
FUSION_GRID = [(0.3, 14, 22), (0.2, 14, 22), (0.5, 14, 22), (0.3, 10, 18), (0.3, 18, 26),
               (0.3, 0, 0.001)]


def scaled_trainer(alpha: float):
    """The default adapter with A scaled by alpha (0.5: halfway to identity)."""
    def train(q, r, d):
        w = train_matrix(q, r, d, AdapterSettings())
        eye = np.eye(len(w), dtype=np.float32)
        w = eye + alpha * (w - eye)
        return lambda x: x @ w
    return train


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("lever", choices=["adapter", "prf", "fusion"])
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--limit", type=int, default=300, help="test questions a fold (0: all)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/presscon-crossval-cache"))
    a = ap.parse_args()
    store = Store(a.index / "presscon.db", read_only=True)
    enc = load_encoder(store.get_meta("model_id"))
    run = functools.partial(cv.crossval, store, enc, folds=a.folds, cache_dir=a.cache,
                            limit=a.limit or None)
    methods = ("dense", "hybrid")
    res = {"unchanged": run(methods=methods)}
    if a.lever == "adapter":
        for g in ADAPTER_GRID:
            name = ",".join(f"{k}={v}" for k, v in g.items())
            res[name] = run(methods=methods, train=fold_trainer(AdapterSettings(**g)))
        for alpha in (0.5, 2.0):
            res[f"default, A x {alpha}"] = run(methods=methods, train=scaled_trainer(alpha))
    elif a.lever == "prf":
        dense = cv.FoldIndex.dense
        for m, beta in PRF_GRID:
            def prf(self, q, m=m, beta=beta):
                sims = q @ self.vectors.T
                top = np.argpartition(-sims, m, axis=1)[:, :m]
                q2 = q + beta * self.vectors[top].mean(axis=1)
                return dense(self, q2 / np.linalg.norm(q2, axis=1, keepdims=True))
            cv.FoldIndex.dense = prf
            try:
                res[f"prf m={m} beta={beta}"] = run(methods=methods)
            finally:
                cv.FoldIndex.dense = dense
    else:
        methods = ("hybrid",)
        plain = cv.fuse
        for w, lo, hi in FUSION_GRID:
            cv.fuse = functools.partial(fusion.fuse, weight=w, lo=lo, hi=hi)
            try:
                res[f"weight={w} confident {lo}-{hi}"] = run(methods=methods)
            finally:
                cv.fuse = plain
    print(cv.format_folds(res, methods=methods))


if __name__ == "__main__":
    main()
