"""Training the query-side adapter (embeddings/adapter.py) on the corpus's
own reporter question -> reply pairs.

The map is ``v -> normalize(v @ (I + A))``, A learned with in-batch
negatives (the MultipleNegativesRankingLoss of sentence-transformers: each
question's reply against the other replies of its batch) and an L2 penalty
that keeps it near the identity. The targets are the replies' own first
chunks encoded without the question (what a question in other words must
find); each step shows a pair's question as asked or, half the time, with its
reply's words dropped (rag/crossval.drop_reply_words), so the map learns
paraphrase rather than word overlap.

torch is imported here only, at training time; the query path applies the
matrix with numpy.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from embeddings.adapter import QueryAdapter
from embeddings.base import Encoder

from .crossval import (Pair, QueryMap, VectorCache, drop_reply_words, labelled_pairs)
from .index.chunking import reply_windows
from .store import Store

__all__ = ["AdapterSettings", "train_matrix", "fold_trainer", "build_adapter", "pairs_hash",
           "pair_vectors"]


@dataclass(frozen=True)
class AdapterSettings:
    """Training settings; the defaults are the ones cross-validation chose
    (README "Query adapter")."""
    epochs: int = 5
    lr: float = 1e-3
    weight_decay: float = 1e-2     # on A = W - I, per step
    scale: float = 20.0            # MNRL's default similarity scale
    batch: int = 64
    dropped_share: float = 0.0     # share of steps' questions with the reply's words dropped
    seed: int = 0


def train_matrix(questions: np.ndarray, replies: np.ndarray, dropped: np.ndarray | None = None,
                 settings: AdapterSettings = AdapterSettings()) -> np.ndarray:
    """W (dim x dim) mapping question vectors toward their replies' vectors.
    Same inputs and settings, same W (fixed seed, one thread)."""
    import torch
    n, dim = questions.shape
    if n < 2 or replies.shape != questions.shape:
        raise ValueError(f"need at least 2 question/reply vector pairs of one shape, not "
                         f"{questions.shape} and {replies.shape}")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)       # bit-for-bit the same matrix on a rerun
    try:
        torch.manual_seed(settings.seed)
        rng = np.random.default_rng(settings.seed)
        q_all = torch.from_numpy(np.ascontiguousarray(questions, np.float32))
        d_all = torch.from_numpy(np.ascontiguousarray(
            dropped if dropped is not None else questions, np.float32))
        r_all = torch.from_numpy(np.ascontiguousarray(replies, np.float32))
        a = torch.zeros(dim, dim, requires_grad=True)
        opt = torch.optim.Adam([a], lr=settings.lr)
        eye = torch.eye(dim)
        labels = torch.arange(settings.batch)
        for _ in range(settings.epochs):
            order = rng.permutation(n)
            use_dropped = rng.random(n) < (settings.dropped_share if dropped is not None else 0)
            for start in range(0, n - 1, settings.batch):
                b = order[start:start + settings.batch]
                if len(b) < 2:
                    continue
                bt = torch.from_numpy(b)
                mask = torch.from_numpy(use_dropped[b]).unsqueeze(1)
                q = torch.where(mask, d_all[bt], q_all[bt])
                q = torch.nn.functional.normalize(q @ (eye + a), dim=1)
                logits = settings.scale * q @ r_all[bt].T
                loss = torch.nn.functional.cross_entropy(logits, labels[:len(b)])
                loss = loss + settings.weight_decay * (a * a).sum()
                opt.zero_grad()
                loss.backward()
                opt.step()
        return (eye + a.detach()).numpy().astype(np.float32)
    finally:
        torch.set_num_threads(threads)


def fold_trainer(settings: AdapterSettings = AdapterSettings()
                 ) -> Callable[[np.ndarray, np.ndarray, np.ndarray], QueryMap]:
    """A ``crossval`` trainer: W from the other folds' pairs, applied to this fold's queries."""
    def train(q: np.ndarray, r: np.ndarray, d: np.ndarray) -> QueryMap:
        w = train_matrix(q, r, d, settings)
        return lambda x: x @ w
    return train


def pairs_hash(pairs: Sequence[Pair]) -> str:
    """SHA-256 of the training pairs (passage id, question, reply): the same
    corpus gives the same hash, any changed pair another."""
    h = hashlib.sha256()
    for p in pairs:
        h.update(json.dumps([p.passage_id, p.question, p.reply]).encode("utf-8"))
    return h.hexdigest()


def pair_vectors(pairs: Sequence[Pair], cache: VectorCache, progress: bool = False,
                 dropped: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(question, reply's first reply-only chunk, dropped question or None) vectors."""
    questions = cache.encode([p.question for p in pairs], progress=progress)
    replies = cache.encode([reply_windows(p.reply)[0] for p in pairs],
                           progress=progress)
    if not dropped:
        return questions, replies, None
    return questions, replies, cache.encode(
        [drop_reply_words(p.question, p.reply) or p.question for p in pairs], progress=progress)


def build_adapter(store: Store, encoder: Encoder, folder: Path, *,
                  settings: AdapterSettings = AdapterSettings(),
                  cache: VectorCache | None = None, folds: dict | None = None,
                  progress: bool = False) -> QueryAdapter:
    """Train on every labelled pair of the index and save the adapter in
    ``folder`` (the index folder). ``folds``: the cross-validation figures to
    record with it."""
    pairs = labelled_pairs(store)
    if len(pairs) < 2 * settings.batch:
        raise ValueError(f"the index holds {len(pairs)} answered questions; an adapter "
                         f"needs at least {2 * settings.batch}")
    q, r, d = pair_vectors(pairs, cache or VectorCache(None, encoder), progress,
                           dropped=settings.dropped_share > 0)
    w = train_matrix(q, r, d, settings)
    data = pairs_hash(pairs)
    adapter_id = f"{encoder.model_id}+qa-{hashlib.sha256(w.tobytes()).hexdigest()[:12]}"
    adapter = QueryAdapter(w, {
        "adapter_id": adapter_id,
        "model_id": encoder.model_id,
        "kind": "linear query map v -> normalize(v @ W), W = I + A",
        "pairs": len(pairs),
        "pairs_sha256": data,
        "settings": asdict(settings),
        "protocol": "trained on every reporter question -> reply pair of the index "
                    "(rag/crossval.labelled_pairs); settings chosen by date-fold "
                    "cross-validation (rag/crossval.py)",
        **({"folds": folds} if folds else {}),
    })
    adapter.save(folder)
    return adapter
