"""The Encoder protocol every embedding model implements, and a fake for tests."""
from __future__ import annotations

import hashlib
import re
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

    def encode(self, texts: Sequence[str], *, batch_size: int = ENCODE_BATCH,
               show_progress: bool = False) -> np.ndarray:
        self.calls += 1
        self.encoded += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def encode_query(self, text: str) -> np.ndarray:
        return self._vector(text)


def load_encoder(model: str | None = None) -> Encoder:
    """The encoder for a model name; the real ones are imported lazily."""
    name = model or DEFAULT_MODEL
    if name.startswith("fake"):
        dim = int(name.rsplit("-", 1)[-1]) if name[-1].isdigit() else 64
        return FakeEncoder(dim=dim, model_id=name)
    from .onnx_encoder import MODEL_ID as ONNX_MODEL
    if name == ONNX_MODEL:
        from .onnx_encoder import OnnxMiniLMEncoder
        return OnnxMiniLMEncoder()
    from .st_encoder import SentenceTransformerEncoder, known_models
    if name not in known_models():
        known = sorted([*known_models(), ONNX_MODEL])
        raise ValueError(f"unknown model {name!r}; known: {', '.join(known)}")
    return SentenceTransformerEncoder(name)
