"""The Encoder protocol every embedding model implements, and the shared constants."""
from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"
# Texts per forward pass. Ingest sorts a window's texts by length first, so a
# batch carries little padding; measured with benchmarks/bench_encode.py (320
# corpus chunks, 2 shared cores): batch 32 encoded 1.7x (1 thread) and 1.2x
# (2 threads) the chunks/s of batch 8; 64 was level, 128 slower.
ENCODE_BATCH = 32


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalized float32 rows.

    ``model_id`` names the exact weights: it is stored with every vector and in
    the index manifest, so vectors of two models are never mixed.
    """

    model_id: str
    dim: int

    def encode(self, texts: Sequence[str], *, batch_size: int = ENCODE_BATCH,
               show_progress: bool = False) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...
