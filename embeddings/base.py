"""The Encoder protocol every embedding model implements, and the shared constants."""
from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"
# Small batches: a batch is padded to its longest text, and on 2 CPU cores
# MiniLM encoded our ~130-word chunks at 35/s in batches of 8 but 17/s in
# batches of 32 and 11/s in batches of 64.
ENCODE_BATCH = 8


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
