"""The default model against its torch-free int8 ONNX twin (same network).

    python benchmarks/bench_models.py [--chunks 256] [--repeat 3]

For each model, in this process: ingest throughput (chunks/s, batches of 8,
on the first --chunks chunks of data/ and ../shared/corpus), one query
embedding (ms, median of 30), cosine between the two models' vectors; and in
fresh processes: ``presscon search --json`` wall time on an index of data/
built with that model (interpreter, imports, model load, one query; median of
--repeat). Prints the ONNX/torch ratio of each figure.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from embeddings.base import ENCODE_BATCH
from embeddings.registry import load_encoder  # noqa: E402
from embeddings.onnx_encoder import MODEL_ID as ONNX  # noqa: E402
from rag import Retriever  # noqa: E402
from rag.index.chunking import chunk_passage  # noqa: E402
from rag.parse import parse_file  # noqa: E402

TORCH = "all-MiniLM-L6-v2"
QUERY = "What did China say about the diplomatic boycott of the Beijing Winter Olympics?"


def chunk_texts(n: int) -> list[str]:
    files = sorted((ROOT / "data").glob("*.txt")) + sorted(
        (ROOT.parent / "shared" / "corpus" / "txt").glob("*.txt"))
    texts: list[str] = []
    for f in files:
        for e in parse_file(f).exchanges:
            texts.extend(c.text for c in chunk_passage(e.question, e.text))
        if len(texts) >= n:
            break
    return texts[:n]


def cli_seconds(index: Path, repeat: int) -> float:
    cmd = [sys.executable, "-m", "rag.cli", "search", QUERY, "--index", str(index), "--json"]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chunks", type=int, default=256)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    texts = chunk_texts(args.chunks)
    rows, vectors = {}, {}
    with tempfile.TemporaryDirectory() as work:
        for name in (TORCH, ONNX):
            enc = load_encoder(name)
            enc.encode(texts[:8])                                # load outside the timings
            t0 = time.perf_counter()
            vectors[name] = enc.encode(texts, batch_size=ENCODE_BATCH)
            rate = len(texts) / (time.perf_counter() - t0)
            q = []
            for _ in range(30):
                t0 = time.perf_counter()
                enc.encode_query(QUERY)
                q.append(time.perf_counter() - t0)
            index = Path(work) / name
            with Retriever.open(index, encoder=enc) as r:
                r.ingest([ROOT / "data"])
            rows[name] = {"chunks/s": rate, "query ms": statistics.median(q) * 1000,
                          "CLI search s": cli_seconds(index, args.repeat)}
            print(f"{name:<28} " + "  ".join(f"{k} {v:.2f}" for k, v in rows[name].items()),
                  flush=True)
    cos = (vectors[TORCH] * vectors[ONNX]).sum(axis=1)
    print(f"cosine torch vs onnx over {len(texts)} chunks: min {cos.min():.4f}, "
          f"mean {cos.mean():.4f}")
    print("ratio onnx/torch: " + "  ".join(
        f"{k} {rows[ONNX][k] / rows[TORCH][k]:.2f}" for k in rows[TORCH]))
    if np.isnan(cos).any():
        sys.exit("NaN in vectors")


if __name__ == "__main__":
    main()
