"""Measure fusion choices on the dev questions without re-encoding anything.

Candidates (dense and lexical scores for each question) are computed once per
question through ``Retriever.candidates``; each fusion is then a cheap
re-ranking of the same candidates. Prints Recall@1/5/10 and MRR@10 for both
question files side by side.

    python benchmarks/ablate_fusion.py --index IDX [--corpus ../shared/corpus/txt]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag import Retriever  # noqa: E402
from rag.evaluate import collapse, load_questions  # noqa: E402
from rag.rank.fusion import fuse  # noqa: E402
from rag.rank.search import as_date  # noqa: E402


def metrics(ranked_lists, golds):
    r1 = r5 = r10 = mrr = 0.0
    for ranked, gold in zip(ranked_lists, golds):
        rank = next((i for i, ok in enumerate(ranked, 1) if ok), None)
        if rank:
            r1 += rank <= 1
            r5 += rank <= 5
            r10 += rank <= 10
            mrr += 1 / rank if rank <= 10 else 0
    n = len(golds)
    return r1 / n, r5 / n, r10 / n, mrr / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--index", required=True)
    ap.add_argument("--corpus")
    ap.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval"))
    args = ap.parse_args()
    r = Retriever.open(args.index)
    if args.corpus:
        r.ingest([args.corpus], progress=True)
    files = {name: load_questions(Path(args.eval) / f"{name}.jsonl")
             for name in ("dev_questions", "dev_hard")}
    cands = {}
    for name, qs in files.items():
        cands[name] = []
        for q in qs:
            f = dict(q.filters)
            for key in ("date_from", "date_to"):
                if key in f:
                    f[key] = as_date(f[key], key)
            dense, lexical = r.candidates(q.question, 10, "hybrid", **f)
            ids = set(dense) | set(lexical)
            texts = {p.id: collapse(p.text) for p in r.store.passages(list(ids)).values()}
            correct = {pid for pid, t in texts.items() if any(g in t for g in q.gold)}
            cands[name].append((dense, lexical, correct))

    variants = [("dense", "dense", {}), ("lexical", "lexical", {}), ("rrf", "rrf", {})]
    variants += [(f"hybrid w={w}", "hybrid", dict(weight=w, lo=0, hi=0)) for w in (0.1, 0.2, 0.3)]
    variants += [(f"w={w} conf {lo}-{hi}", "hybrid", dict(weight=w, lo=lo, hi=hi))
                 for lo, hi in ((10, 18), (12, 20), (12, 24), (14, 22), (14, 26), (16, 16))
                 for w in (0.1, 0.2, 0.3, 0.5)]
    print(f"{'ranking':<22}" + "".join(f"{n:>34}" for n in files))
    print(f"{'':<22}" + "".join(f"{'R@1   R@5   R@10  MRR@10':>34}" for _ in files))
    for label, method, w in variants:
        row = f"{label:<22}"
        for name in files:
            ranked_lists, golds = [], []
            for dense, lexical, correct in cands[name]:
                scores = fuse(dense, lexical, method, **w) if method == "hybrid" \
                    else fuse(dense, lexical, method)
                best = sorted(scores, key=lambda p: -scores[p])[:10]
                ranked_lists.append([p in correct for p in best])
                golds.append(correct)
            row += "{:>16.3f}{:>6.3f}{:>6.3f}{:>6.3f}".format(*metrics(ranked_lists, golds))
        print(row)


if __name__ == "__main__":
    main()
