"""A query-side adapter: a learned linear map applied to the question's
vector only, so the document vectors an index holds stay valid (nothing is
re-encoded) and the query path stays numpy (no torch).

Stored beside the index as ``query_adapter.npy`` (float32, dim x dim) and
``query_adapter.json`` (its own id, the base model, the training data's
hash, the settings and the fold figures that justified it, and the .npy's
SHA-256). Trained by ``presscon adapt`` (rag/adapt.py).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .atomic import new_temp_file, write_json_atomic

__all__ = ["QueryAdapter", "AdaptedEncoder", "with_query_adapter", "ADAPTER_NPY",
           "ADAPTER_JSON", "AdapterError"]

ADAPTER_NPY = "query_adapter.npy"
ADAPTER_JSON = "query_adapter.json"


class AdapterError(ValueError):
    """An adapter file that cannot be used; the message says why and what to run."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_bytes_atomic(path: Path, data: bytes) -> None:
    fd, tmp = new_temp_file(path)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class QueryAdapter:
    """``normalize(v @ matrix)``: maps a question's vector toward the vectors
    of the replies that answer it."""

    def __init__(self, matrix: np.ndarray, meta: dict[str, Any]):
        matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise AdapterError(f"an adapter is a square matrix, not one of shape {matrix.shape}")
        if not np.isfinite(matrix).all():
            raise AdapterError("the adapter matrix holds NaN or infinite values")
        self.matrix = matrix
        self.meta = dict(meta)

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def id(self) -> str:
        return str(self.meta.get("adapter_id", ""))

    @property
    def model_id(self) -> str:
        return str(self.meta.get("model_id", ""))

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        """Adapted, L2-normalized query vectors (one vector or rows)."""
        out = np.asarray(vectors, np.float32) @ self.matrix
        norm = np.linalg.norm(out, axis=-1, keepdims=True)
        return (out / np.maximum(norm, 1e-12)).astype(np.float32)

    def save(self, folder: Path) -> None:
        """The .npy first, then the JSON naming its SHA-256: a reader never
        pairs new metadata with an old matrix."""
        buf = io.BytesIO()
        np.save(buf, self.matrix)
        data = buf.getvalue()
        meta = {**self.meta, "dim": self.dim, "npy_sha256": _sha256(data)}
        _write_bytes_atomic(folder / ADAPTER_NPY, data)
        write_json_atomic(folder / ADAPTER_JSON, meta)
        self.meta = meta

    @classmethod
    def load(cls, folder: Path) -> "QueryAdapter | None":
        """The adapter stored in ``folder``, None when there is none."""
        npy, meta_path = folder / ADAPTER_NPY, folder / ADAPTER_JSON
        if not meta_path.is_file():
            return None
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            data = npy.read_bytes()
        except (OSError, ValueError) as e:
            raise AdapterError(f"cannot read the query adapter in {folder} ({e}); run "
                               f"`presscon adapt --index {folder}` again, or `presscon adapt "
                               f"--remove --index {folder}`") from None
        if not isinstance(meta, dict) or meta.get("npy_sha256") != _sha256(data):
            raise AdapterError(f"{npy} does not match {meta_path} (changed or damaged since it "
                               f"was written); run `presscon adapt --index {folder}` again, or "
                               f"`presscon adapt --remove --index {folder}`")
        return cls(np.load(io.BytesIO(data), allow_pickle=False), meta)


class AdaptedEncoder:
    """An encoder whose questions go through a :class:`QueryAdapter`.

    ``model_id`` stays the base model's: the stored document vectors are the
    base model's and remain valid; ``adapter_id`` names the query map."""

    def __init__(self, base, adapter: QueryAdapter):
        if adapter.model_id and adapter.model_id != base.model_id:
            raise AdapterError(f"the query adapter was trained for {adapter.model_id!r}, "
                               f"not {base.model_id!r}; run `presscon adapt` again")
        if adapter.dim != base.dim:
            raise AdapterError(f"the query adapter is {adapter.dim}-dimensional, the model "
                               f"{base.dim}-dimensional; run `presscon adapt` again")
        self.base = base
        self.adapter = adapter
        self.model_id = base.model_id
        self.dim = base.dim
        self.adapter_id = adapter.id

    def encode(self, texts: Sequence[str], **kw) -> np.ndarray:
        return self.base.encode(texts, **kw)        # documents: the base model's vectors

    def encode_query(self, text: str) -> np.ndarray:
        return self.adapter.apply(self.base.encode_query(text))

    def __getattr__(self, name: str):
        # prepare(), query_backend, ...: the base encoder's
        return getattr(self.base, name)


def with_query_adapter(folder: Path, encoder):
    """``encoder`` wrapped with the adapter stored in ``folder``, if any and
    made for this model; else ``encoder`` itself."""
    adapter = QueryAdapter.load(folder)
    if adapter is None or adapter.model_id != encoder.model_id:
        return encoder
    return AdaptedEncoder(encoder, adapter)
