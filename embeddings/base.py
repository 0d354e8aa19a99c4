"""The Encoder protocol every embedding model implements, and the shared constants."""
from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"
# Texts per float32 forward pass, on all cores (embeddings/st_encoder.py, and
# the ONNX and fake encoders). Ingest sorts a window's texts by length first,
# so a batch carries little padding. benchmarks/bench_encode.py on 2 cores, 160
# corpus chunks, machine quiet: batch 8 / 2 threads 41 chunks/s, batch 32 / 2
# threads 34, batch 8 / 1 thread 22, batch 32 / 1 thread 18. With the machine
# loaded by other work (load 4-5) one thread and batch 32 won (17 vs 7
# chunks/s): two threads spin-wait on a busy core. The quiet figures decide.
# An encoder may know better for itself (bf16 batches: BF16_BATCH), so
# callers pass batch_size=None unless a user asked for a size.
ENCODE_BATCH = 8


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalized float32 rows.

    ``model_id`` names the exact weights: it is stored with every vector and in
    the index manifest, so vectors of two models are never mixed.
    """

    model_id: str
    dim: int

    def encode(self, texts: Sequence[str], *, batch_size: int | None = None,
               show_progress: bool = False) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...
