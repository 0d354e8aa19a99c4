"""Where ingest time goes: parse, chunk, tokenize, encode, SQLite, grouping,
FAISS, BM25 - the file-by-file path (before) against the windowed one (after),
in the same run, each on a fresh index.

    python benchmarks/bench_ingest.py [--files 60] [--repeat 2] [--corpus ../shared/corpus/txt]
                                      [--before-batch 8] [--after-batch N]

Real MiniLM, loaded once outside the timings. Every stage is timed
exclusively (grouping's own SQLite writes count as grouping, not SQLite):

* parse     parse_file (bytes -> conference)
* chunk     passages -> chunk windows, ids, hashes
* tokenize  the model's tokenizer (inside encode)
* encode    the rest of encode: the forward pass, pooling, normalizing
* sqlite    the per-file write transactions and the look-ups around them
* grouping  update_groups (repeated replies)
* faiss     adding to, removing from and saving the FAISS index
* bm25      bringing the BM25 index up to date after the ingest
* other     the rest (reading files, hashing, Python glue)

Prints seconds and shares per stage (medians over --repeat runs, runs of the
two paths interleaved), the non-encoding share (everything but tokenize and
encode), chunks/s, and the after/before ratios. The encoder's own limit on the
same texts (one encode call at the after batch size) is printed last, so the
gap between ingest and the model is explicit.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import rag.ingest.apply as apply  # noqa: E402
from embeddings.base import ENCODE_BATCH  # noqa: E402
from embeddings import st_encoder  # noqa: E402
from embeddings.registry import load_encoder  # noqa: E402
from rag import Retriever  # noqa: E402
from rag.index import live as live_mod  # noqa: E402
from rag.index.dense import DenseIndex  # noqa: E402
from rag.store.database import Database  # noqa: E402

STAGES = ("parse", "chunk", "tokenize", "encode", "sqlite", "grouping", "faiss", "bm25", "other")
MODEL_STAGES = ("tokenize", "encode")


class Profile:
    """Exclusive wall time per stage: entering a stage pauses the one around it."""

    def __init__(self):
        self.times = dict.fromkeys(STAGES, 0.0)
        self._stack: list[tuple[str, float]] = []

    @contextlib.contextmanager
    def stage(self, name: str):
        now = time.perf_counter()
        if self._stack:
            outer, since = self._stack[-1]
            self.times[outer] += now - since
        self._stack.append((name, now))
        try:
            yield
        finally:
            end = time.perf_counter()
            _, since = self._stack.pop()
            self.times[name] += end - since
            if self._stack:
                self._stack[-1] = (self._stack[-1][0], end)


PROFILE = Profile()


def _timed(name: str, fn):
    @functools.wraps(fn)
    def wrapper(*a, **kw):
        with PROFILE.stage(name):
            return fn(*a, **kw)
    return wrapper


def _timed_cm(name: str, cm_fn):
    @functools.wraps(cm_fn)
    @contextlib.contextmanager
    def wrapper(*a, **kw):
        with PROFILE.stage(name):
            with cm_fn(*a, **kw) as v:
                yield v
    return wrapper


def install(encoder) -> None:
    apply.parse_file = _timed("parse", apply.parse_file)
    apply._prepare = _timed("chunk", apply._prepare)
    apply.update_groups = _timed("grouping", apply.update_groups)
    for name in ("conference_by_source", "is_stale_duplicate", "original_by_fingerprint",
                 "chunk_ids_of_conference", "missing_hashes", "vectors", "passage_fields"):
        import rag.store as store_mod
        setattr(store_mod.Store, name, _timed("sqlite", getattr(store_mod.Store, name)))
    Database.write = _timed_cm("sqlite", Database.write)
    for name in ("add", "remove", "save"):
        setattr(DenseIndex, name, _timed("faiss", getattr(DenseIndex, name)))
    live_mod.LiveIndex._sync_lexical = _timed("bm25", live_mod.LiveIndex._sync_lexical)
    encoder.encode = _timed("encode", encoder.encode)
    model = getattr(encoder, "st", encoder).model   # the default encoder wraps sentence-transformers
    for name in ("tokenize", "preprocess"):   # sentence-transformers 5 tokenizes in preprocess
        if hasattr(model, name):
            setattr(model, name, _timed("tokenize", getattr(model, name)))


def run(files: list[Path], encoder, *, window: int, batch: int, threads: int
        ) -> tuple[dict, float, int]:
    st_encoder._BATCH_THREADS = threads
    work = Path(tempfile.mkdtemp(prefix="presscon-bench-ingest-"))
    try:
        r = Retriever.open(work / "idx", encoder=encoder)
        r._ingestor = lambda *_: apply.Ingestor(r.store, r.live.dense, encoder,
                                             batch_size=batch, window=window)
        PROFILE.times = dict.fromkeys(STAGES, 0.0)
        t0 = time.perf_counter()
        with PROFILE.stage("other"):
            report = r.ingest(files)
        total = time.perf_counter() - t0
        times = dict(PROFILE.times)
        r.close()
        return times, total, report.encoded
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "txt"))
    ap.add_argument("--files", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--before-batch", type=int, default=8)
    # default: the encoder's own batch for its precision (st_encoder.BF16_BATCH in bf16,
    # ENCODE_BATCH in float32), what ingest uses
    ap.add_argument("--after-batch", type=int, default=None)
    ap.add_argument("--before-threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--after-threads", type=int, default=st_encoder._BATCH_THREADS)
    args = ap.parse_args()
    files = sorted(Path(args.corpus).glob("*.txt"))[:args.files]
    if not files:
        sys.exit(f"no transcripts in {args.corpus}")
    encoder = load_encoder("all-MiniLM-L6-v2")
    encoder.encode(["warm up the model"])
    install(encoder)
    paths = {"before (file by file)": dict(window=1, batch=args.before_batch,
                                           threads=args.before_threads),
             "after (windowed)": dict(window=apply.WINDOW_CHUNKS, batch=args.after_batch,
                                      threads=args.after_threads)}
    runs: dict[str, list[tuple[dict, float, int]]] = {k: [] for k in paths}
    for _ in range(args.repeat):
        for name, opts in paths.items():
            runs[name].append(run(files, encoder, **opts))
            print(f"  {name}: {runs[name][-1][1]:.1f} s", file=sys.stderr, flush=True)

    precision = st_encoder.batch_precision()
    after_batch = args.after_batch or (st_encoder.BF16_BATCH if precision == "bf16"
                                       else ENCODE_BATCH)
    med = {}
    for name, rs in runs.items():
        med[name] = ({s: statistics.median(r[0][s] for r in rs) for s in STAGES},
                     statistics.median(r[1] for r in rs), rs[0][2])
    print(f"{len(files)} files of {args.corpus}, {med[next(iter(med))][2]} chunks encoded, "
          f"median of {args.repeat} runs, {os.cpu_count()} cores, {precision} batches; "
          f"batch/threads before {args.before_batch}/{args.before_threads}, after {after_batch}/"
          f"{args.after_threads}, window {apply.WINDOW_CHUNKS} chunks")
    names = list(med)
    print(f"{'stage':<10}" + "".join(f"{n:>30}" for n in names) + f"{'after/before':>14}")
    for s in STAGES:
        cells = "".join(f"{med[n][0][s]:>19.2f} s {med[n][0][s] / med[n][1]:>6.1%} " for n in names)
        b, a = med[names[0]][0][s], med[names[1]][0][s]
        print(f"{s:<10}{cells}{(a / b if b else float('nan')):>14.2f}")
    for n in names:
        t, total, enc = med[n]
        non = total - sum(t[s] for s in MODEL_STAGES)
        print(f"{n}: total {total:.1f} s, {enc / total:.1f} chunks/s, "
              f"non-encoding {non:.2f} s = {non / total:.1%}")
    print(f"ratio after/before total: {med[names[1]][1] / med[names[0]][1]:.2f}")

    # the encoder alone on the same texts: the ceiling
    from rag.index.chunking import chunk_rows
    from rag.parse import parse_file
    texts = {}
    for f in files:
        for e in parse_file(f).exchanges:
            for _, _, t, h in chunk_rows(0, e.question, e.text):
                texts[h] = t
    order = sorted(texts.values(), key=len, reverse=True)
    alone = []
    st_encoder._BATCH_THREADS = args.after_threads
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        encoder.encode(order, batch_size=args.after_batch)
        alone.append(time.perf_counter() - t0)
    rate = len(order) / statistics.median(alone)
    got = med[names[1]][2] / med[names[1]][1]
    print(f"encoder alone, {len(order)} texts in one call at batch {after_batch}, "
          f"{args.after_threads} thread(s): "
          f"{rate:.1f} chunks/s; ingest after reaches {got / rate:.0%} of it")


if __name__ == "__main__":
    main()
