"""A fake encoder for tests and quick trials (``--model fake-bow-64``): no model, no torch."""
from __future__ import annotations

import hashlib
import re
from typing import Sequence

import numpy as np


__all__ = ["FakeEncoder"]

_WORD = re.compile(r"[a-z0-9]+")


class FakeEncoder:
    """Deterministic hashed bag-of-words, for tests: no model, no torch.

    Texts sharing words get similar vectors, so ranking tests are meaningful;
    ``calls`` and ``encoded`` count work so tests can prove caching.
    """

    def __init__(self, dim: int = 64, model_id: str = "fake-bow-64"):
        self.dim = dim
        self.model_id = model_id
        self.calls = 0
        self.encoded = 0

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        n = np.linalg.norm(v)
        if n == 0:
            v[0] = 1.0
            n = 1.0
        return v / n

    def encode(self, texts: Sequence[str], *, batch_size: int | None = None,
               show_progress: bool = False) -> np.ndarray:
        self.calls += 1
        self.encoded += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def encode_query(self, text: str) -> np.ndarray:
        return self._vector(text)
