"""The default model, all-MiniLM-L6-v2: queries without torch, ingest with
sentence-transformers, the same vectors under one model id.

``encode_query`` runs the model's own float32 ONNX export through onnxruntime
(embeddings/minilm_export.py; cosine >= 0.9999 to sentence-transformers), so
a CLI search, the API and the chat answer without importing torch (~4.5 s).
``encode`` (ingest batches) stays sentence-transformers, the model's loader;
a process that loads it makes the export too when it is missing.

No export (never made, or damaged): that process's queries fall back to
sentence-transformers, saying so once on stderr with the command that fixes
it (``presscon prepare-model``).
"""
from __future__ import annotations

import os
import sys
import threading
from typing import Sequence

import numpy as np

from .base import DEFAULT_MODEL

__all__ = ["DefaultMiniLMEncoder", "TORCH_QUERIES_ENV"]

#: "1": queries through sentence-transformers as before (for benchmarks/bench_coldstart.py)
TORCH_QUERIES_ENV = "PRESSCON_TORCH_QUERIES"


class DefaultMiniLMEncoder:
    model_id = DEFAULT_MODEL
    dim = 384

    def __init__(self) -> None:
        self._st = None
        self._onnx = None          # OnnxMiniLMEncoder, or False: no export in this process
        self._lock = threading.Lock()
        self._export_tried = False
        self.query_backend: str | None = None   # "onnx" or "sentence-transformers", once known

    @property
    def st(self):
        if self._st is None:
            with self._lock:
                if self._st is None:
                    from .st_encoder import SentenceTransformerEncoder
                    self._st = SentenceTransformerEncoder(DEFAULT_MODEL)
        return self._st

    def _query_encoder(self):
        if self._onnx is None and os.environ.get(TORCH_QUERIES_ENV) == "1":
            self._onnx = False                  # measuring the old path
            self.query_backend = "sentence-transformers"
        if self._onnx is None:
            with self._lock:
                if self._onnx is None:
                    from .minilm_export import find_export
                    path = find_export()
                    if path is None:
                        print("presscon: the torch-free query model is not prepared (or its "
                              "file is damaged); this process loads sentence-transformers "
                              "instead (~5 s). Run `presscon prepare-model` once.",
                              file=sys.stderr, flush=True)
                        self._onnx = False
                        self.query_backend = "sentence-transformers"
                    else:
                        from .onnx_encoder import OnnxMiniLMEncoder
                        self._onnx = OnnxMiniLMEncoder(model_path=path, model_id=DEFAULT_MODEL)
                        self.query_backend = "onnx"
        return self._onnx or self.st

    def prepare(self, log=None) -> None:
        """Use the ONNX export for queries, making it first if it is missing
        or damaged (that imports torch, ~20 s once)."""
        if os.environ.get(TORCH_QUERIES_ENV) == "1":
            return
        from .minilm_export import ensure_export
        from .onnx_encoder import OnnxMiniLMEncoder
        path = ensure_export(log=log)
        with self._lock:
            self._onnx = OnnxMiniLMEncoder(model_path=path, model_id=DEFAULT_MODEL)
            self.query_backend = "onnx"

    def encode(self, texts: Sequence[str], *, batch_size: int | None = None,
               show_progress: bool = False) -> np.ndarray:
        out = self.st.encode(texts, batch_size=batch_size, show_progress=show_progress)
        if len(texts):
            self._export_once()
        return out

    def _export_once(self) -> None:
        # torch is loaded for this batch anyway: make the export for later
        # processes, once per process, never failing the ingest for it.
        if self._export_tried:
            return
        self._export_tried = True
        try:
            from .minilm_export import ensure_export
            ensure_export(log=lambda m: print(m, file=sys.stderr, flush=True))
        except Exception as e:  # noqa: BLE001 - a cache we could not fill
            print(f"presscon: could not export the query model to ONNX ({e}); queries "
                  f"will load sentence-transformers", file=sys.stderr, flush=True)

    def encode_query(self, text: str) -> np.ndarray:
        return self._query_encoder().encode_query(text)
