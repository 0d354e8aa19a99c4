"""The encoder's own limit on this machine: chunks/s by batch size and thread count.

    python benchmarks/bench_encode.py [--chunks 384] [--repeat 3] [--batches 8,16,32,64]
                                      [--threads 1,2]

Encodes the first --chunks chunk texts of ../shared/corpus/txt (real MiniLM,
one ``encode`` call per setting, sentence-transformers sorting by length
inside it), each setting --repeat times interleaved with the others, and
prints the median chunks/s of each and its ratio to the batch-8 / all-cores
setting ingest used before. This rate is the ceiling ingest can approach.
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

from embeddings.registry import load_encoder  # noqa: E402
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
    args = ap.parse_args()
    import torch
    texts = corpus_chunks(args.chunks)
    enc = load_encoder("all-MiniLM-L6-v2")
    enc.encode(texts[:16])                       # load outside the timings
    settings = [(b, t) for t in sorted({int(x) for x in args.threads.split(",")})
                for b in (int(x) for x in args.batches.split(","))]
    times: dict[tuple[int, int], list[float]] = {s: [] for s in settings}
    for _ in range(args.repeat):
        for b, t in settings:
            torch.set_num_threads(t)
            t0 = time.perf_counter()
            enc.model.encode(texts, batch_size=b, normalize_embeddings=True,
                             convert_to_numpy=True)
            times[(b, t)].append(time.perf_counter() - t0)
    words = sum(len(x.split()) for x in texts) / len(texts)
    print(f"{len(texts)} chunks (mean {words:.0f} words), median of {args.repeat}, "
          f"{os.cpu_count()} cores")
    base = (8, max(t for _, t in settings))
    rate = {s: len(texts) / statistics.median(v) for s, v in times.items()}
    for (b, t), r in rate.items():
        print(f"batch {b:>3} threads {t}: {r:6.1f} chunks/s  ratio to batch 8/{base[1]} threads "
              f"{r / rate.get(base, r):.2f}")
    best = max(rate, key=rate.get)
    print(f"best: batch {best[0]}, {best[1]} threads, {rate[best]:.1f} chunks/s")


if __name__ == "__main__":
    main()
