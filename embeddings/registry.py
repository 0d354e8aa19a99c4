"""Model names -> encoders. The real backends are imported on first use, so
naming a model costs nothing until it encodes."""
from __future__ import annotations

from .base import DEFAULT_MODEL, Encoder

__all__ = ["load_encoder", "UnknownModelError"]


class UnknownModelError(ValueError):
    """A model name no backend knows; the message lists the known ones."""


def load_encoder(model: str | None = None) -> Encoder:
    """The encoder for a model name; the real ones are imported lazily."""
    name = model or DEFAULT_MODEL
    if name.startswith("fake"):
        from .testing import FakeEncoder
        dim = int(name.rsplit("-", 1)[-1]) if name[-1].isdigit() else 64
        return FakeEncoder(dim=dim, model_id=name)
    if name == DEFAULT_MODEL:
        # queries through the model's ONNX export (no torch), ingest through
        # sentence-transformers: embeddings/default_encoder.py
        from .default_encoder import DefaultMiniLMEncoder
        return DefaultMiniLMEncoder()
    from .onnx_encoder import MODEL_ID as ONNX_MODEL
    if name == ONNX_MODEL:
        from .onnx_encoder import OnnxMiniLMEncoder
        return OnnxMiniLMEncoder()
    from .st_encoder import SentenceTransformerEncoder, known_models
    if name not in known_models():
        known = sorted([*known_models(), ONNX_MODEL])
        raise UnknownModelError(f"unknown model {name!r}; known models: {', '.join(known)}")
    return SentenceTransformerEncoder(name)
