"""The default model's ONNX export against sentence-transformers (same weights).

    python benchmarks/bench_query_export.py [--chunks 1000] [--queries 100]

On the dev corpus (../shared/corpus/txt) chunks and the dev questions
(../shared/eval/*.jsonl): cosine between the export's and
sentence-transformers' vectors (min / mean), one query embedding (ms, median
of 50, one thread, as ``encode_query``), and batch throughput (chunks/s,
batches of 8, every core), to decide which encodes ingest.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from embeddings.base import ENCODE_BATCH  # noqa: E402
from embeddings.minilm_export import ensure_export  # noqa: E402
from embeddings.onnx_encoder import OnnxMiniLMEncoder  # noqa: E402
from embeddings.st_encoder import SentenceTransformerEncoder  # noqa: E402
from rag.index.chunking import chunk_passage  # noqa: E402
from rag.parse import parse_file  # noqa: E402

SHARED = ROOT.parent / "shared"


def dev_chunks(n: int) -> list[str]:
    texts: list[str] = []
    for f in sorted((SHARED / "corpus" / "txt").glob("*.txt")):
        for e in parse_file(f).exchanges:
            texts.extend(c.text for c in chunk_passage(e.question, e.text))
        if len(texts) >= n:
            break
    return texts[:n]


def dev_queries(n: int) -> list[str]:
    out: list[str] = []
    for f in sorted((SHARED / "eval").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line)["question"])
    return out[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chunks", type=int, default=1000)
    ap.add_argument("--queries", type=int, default=100)
    args = ap.parse_args()
    chunks, queries = dev_chunks(args.chunks), dev_queries(args.queries)
    st = SentenceTransformerEncoder()
    ox = OnnxMiniLMEncoder(model_path=ensure_export(log=print), model_id=st.model_id)
    for name, texts in (("chunks", chunks), ("queries", queries)):
        a = st.encode(texts)
        b = ox.encode(texts)
        cos = (a * b).sum(axis=1)
        print(f"cosine export vs sentence-transformers, {len(texts)} {name}: "
              f"min {cos.min():.7f}  mean {cos.mean():.7f}  (1 - min {1 - cos.min():.1e})", flush=True)
    q = queries[0]
    for enc in (st, ox):
        enc.encode_query(q)
    row = {}
    for label, enc in (("sentence-transformers", st), ("onnx export", ox)):
        t = []
        for i in range(50):
            t0 = time.perf_counter()
            enc.encode_query(queries[i % len(queries)])
            t.append(time.perf_counter() - t0)
        sample = chunks[:256]
        t0 = time.perf_counter()
        enc.encode(sample, batch_size=ENCODE_BATCH)
        rate = len(sample) / (time.perf_counter() - t0)
        row[label] = (statistics.median(t) * 1000, rate)
        print(f"{label:<22} query {row[label][0]:.1f} ms   batch {rate:.1f} chunks/s", flush=True)
    s, o = row["sentence-transformers"], row["onnx export"]
    print(f"ratio onnx/st: query ms {o[0] / s[0]:.2f}  chunks/s {o[1] / s[1]:.2f}")
    if np.isnan(cos).any():
        sys.exit("NaN in vectors")


if __name__ == "__main__":
    main()
