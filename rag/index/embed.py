"""Chunk texts -> vectors, encoding only what no stored vector covers.

The one place that decides what to encode: ingest (a file's new chunks),
reindex (every chunk with a new model) and the dense index (chunks left
without a vector by a crash) all come here.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Mapping

import numpy as np

from embeddings.base import Encoder

from .chunking import chunk_rows

if TYPE_CHECKING:  # pragma: no cover
    from ..store import Store


def missing_vectors(store: "Store", encoder: Encoder, texts: Mapping[str, str], *,
                    batch_size: int | None = None) -> dict[str, np.ndarray]:
    """Vectors of the texts (by text hash) this model has not stored yet,
    longest first (a batch is padded to its longest text, so batches of like
    lengths waste little), ties in hash order (a rerun encodes the same batches)."""
    order = sorted(store.missing_hashes(encoder.model_id, texts),
                   key=lambda h: (-len(texts[h]), h))
    if not order:
        return {}
    return dict(zip(order, encoder.encode([texts[h] for h in order], batch_size=batch_size)))


def chunk_texts(store: "Store", passage_ids: Iterable[int],
                wanted: set[str] | None = None) -> dict[str, str]:
    """Chunk text by hash for the given passages (only ``wanted`` hashes, if given)."""
    return {h: t for p in store.passages(sorted(set(passage_ids))).values()
            for _, _, t, h in chunk_rows(p.id, p.question, p.text)
            if wanted is None or h in wanted}


def encode_unvectored_chunks(store: "Store", encoder: Encoder) -> int:
    """Store vectors for the chunks this model never encoded (after a crash
    between a file's commit and its vectors, or a reindex cut short)."""
    missing = store.chunks_without_vector(encoder.model_id)
    if not missing:
        return 0
    texts = chunk_texts(store, {pid for pid, _ in missing}, {h for _, h in missing})
    vectors = missing_vectors(store, encoder, texts)
    with store.write():
        store.put_vectors(encoder.model_id, vectors.items())
    return len(vectors)
