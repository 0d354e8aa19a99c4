"""The encoder's own limit on this machine: chunks/s by batch size and thread count.

    python benchmarks/bench_encode.py [--chunks 384] [--repeat 3] [--batches 8,16,32,64]
                                      [--threads 1,2] [--precisions fp32,bf16]

Encodes the first --chunks chunk texts of ../shared/corpus/txt (real MiniLM,
one ``encode`` call per setting, sentence-transformers sorting by length
inside it), each setting --repeat times interleaved with the others, and
prints the median chunks/s of each and its ratio to the float32 batch-8 /
all-cores setting ingest used before. This rate is the ceiling ingest can
approach. For bf16 (torch's CPU autocast, what ingest uses where the CPU has
native bf16) it also prints the cosine of its vectors to the float32 ones.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from embeddings.st_encoder import SentenceTransformerEncoder, batch_precision  # noqa: E402
from rag.index.chunking import chunk_passage  # noqa: E402
from rag.parse import parse_file  # noqa: E402


def corpus_chunks(n: int) -> list[str]:
    texts: list[str] = []
    for f in sorted((ROOT.parent / "shared" / "corpus" / "txt").glob("*.txt")):
        for e in parse_file(f).exchanges:
            texts.extend(c.text for c in chunk_passage(e.question, e.text))
        if len(texts) >= n:
            break
    return list(dict.fromkeys(texts))[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chunks", type=int, default=384)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batches", default="8,16,32,64")
    ap.add_argument("--threads", default=f"1,{os.cpu_count() or 1}")
    ap.add_argument("--precisions", default="fp32,bf16")
    args = ap.parse_args()
    texts = corpus_chunks(args.chunks)
    enc = SentenceTransformerEncoder("all-MiniLM-L6-v2")
    enc.encode(texts[:16], precision="fp32")    # load outside the timings
    settings = [(p, b, t) for p in args.precisions.split(",")
                for t in sorted({int(x) for x in args.threads.split(",")})
                for b in (int(x) for x in args.batches.split(","))]
    times: dict[tuple[str, int, int], list[float]] = {s: [] for s in settings}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(args.repeat):
        for p, b, t in settings:
            t0 = time.perf_counter()
            vectors[p] = enc.encode(texts, batch_size=b, _threads=t, precision=p)
            times[(p, b, t)].append(time.perf_counter() - t0)
    words = sum(len(x.split()) for x in texts) / len(texts)
    print(f"{len(texts)} chunks (mean {words:.0f} words), median of {args.repeat}, "
          f"{os.cpu_count()} cores; this CPU's default precision: {batch_precision()}")
    base = ("fp32", 8, max(t for _, _, t in settings))
    rate = {s: len(texts) / statistics.median(v) for s, v in times.items()}
    for (p, b, t), r in rate.items():
        ratio = (f"  ratio to fp32 batch 8/{base[2]} threads {r / rate[base]:.2f}"
                 if base in rate else "")
        print(f"{p} batch {b:>3} threads {t}: {r:6.1f} chunks/s{ratio}")
    best = max(rate, key=rate.get)
    print(f"best: {best[0]} batch {best[1]}, {best[2]} threads, {rate[best]:.1f} chunks/s")
    if "fp32" in vectors and "bf16" in vectors:
        cos = (vectors["fp32"] * vectors["bf16"]).sum(axis=1)
        print(f"cosine bf16 to fp32 over {len(texts)} chunks: min {cos.min():.6f}, "
              f"mean {cos.mean():.6f}")


if __name__ == "__main__":
    main()
