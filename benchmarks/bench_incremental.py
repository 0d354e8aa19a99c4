"""Incremental ingest costs (issue 5): adding one conference to a small and to a
full index, re-ingesting an unchanged corpus, rebuilding FAISS and the BM25
snapshot from SQLite.

    python benchmarks/bench_incremental.py [--corpus ../shared/corpus/txt] [--model fake-bow-64]

Prints each figure and the ratios the design promises: adding one file costs
the same at 10 conferences as at the whole corpus (ratio ~1), and re-ingesting
an unchanged corpus is a small fraction of the first ingest.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from embeddings.registry import load_encoder  # noqa: E402
from rag import Retriever  # noqa: E402
from rag.index.lexical import LexicalIndex  # noqa: E402


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "txt"))
    ap.add_argument("--model", default=None, help="default: all-MiniLM-L6-v2")
    args = ap.parse_args()
    files = sorted(Path(args.corpus).glob("*.txt"))
    if len(files) < 12:
        sys.exit(f"need at least 12 transcripts in {args.corpus}")
    new_file, rest = files[-1], files[:-1]
    work = Path(tempfile.mkdtemp(prefix="presscon-bench-"))
    try:
        encoder = load_encoder(args.model)
        encoder.encode(["warm up"])  # load the model outside the timings

        small = Retriever.open(work / "small", encoder=encoder)
        small.ingest(rest[:10])
        rep_small, t_small = timed(lambda: small.ingest([new_file]))

        full = Retriever.open(work / "full", encoder=encoder)
        first, t_first = timed(lambda: full.ingest(rest))
        rep_full, t_full = timed(lambda: full.ingest([new_file]))
        again, t_again = timed(lambda: full.ingest(rest + [new_file]))
        full.close()
        for f in (work / "full").glob("vectors.*.faiss"):
            f.unlink()
        (work / "full" / "manifest.json").unlink()
        reopened, t_rebuild = timed(lambda: Retriever.open(work / "full", encoder=encoder))
        info = reopened.info()
        _, t_bm25 = timed(lambda: LexicalIndex.build(reopened.store.lexical_rows()))

        print(f"model {encoder.model_id}; corpus {len(files)} files, "
              f"{info['passages']} passages, {info['chunks']} chunks")
        print(f"first ingest of {len(rest)} files: {t_first:.1f} s, {first.encoded} chunks encoded "
              f"({first.encoded / t_first:.0f} chunks/s)")
        print(f"add 1 file to 10 conferences:   {t_small * 1000:.0f} ms, {rep_small.encoded} chunks encoded")
        print(f"add 1 file to {len(rest)} conferences: {t_full * 1000:.0f} ms, {rep_full.encoded} chunks encoded")
        print(f"  ratio full/small time: {t_full / t_small:.2f}  (chunks: {rep_full.encoded}/{rep_small.encoded})")
        print(f"re-ingest unchanged corpus:     {t_again:.2f} s, {again.encoded} chunks encoded, "
              f"{again.counts['unchanged']} unchanged")
        print(f"  ratio to first ingest: {t_again / t_first:.3f}")
        print(f"rebuild FAISS from SQLite (open without index file): {t_rebuild * 1000:.0f} ms "
              f"for {info['vectors_in_index']} vectors")
        print(f"rebuild BM25 snapshot from SQLite: {t_bm25 * 1000:.0f} ms for {info['passages']} "
              f"passages (after an ingest only when changes pass 5% of it)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
