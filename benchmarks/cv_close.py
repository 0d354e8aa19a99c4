"""The close-match rule chosen by cross-validation on date folds, from the
evidence benchmarks/cv_query.py --dump wrote (no search is repeated).

    PYTHONPATH=. python benchmarks/cv_close.py --dump feat.json --questions-from DIR

Names not found are recounted against a vocabulary like the one a search
uses: every reply, plus the reporters' questions outside the question's own
fold (cv_query's reply-only index has no questions at all, which would
count a name the question shares only with other reporters' questions).
A rule flags a question when a name is not found or its evidence (the top
fused score, or the top dense cosine) is below T. For each fold, the
feature and T are those that flag the most answer-absent and White House
questions of the other folds while raising at most MAX_FALSE_ALARMS on
their answerable ones; the fold's own figures are then reported.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dataclasses import replace  # noqa: E402

from cv_query import plain  # noqa: E402
from rag.crossval import date_ranges  # noqa: E402
from rag.evaluate import fold_questions  # noqa: E402
from rag.rank.spelling import Vocabulary, english_words  # noqa: E402
from rag.retriever import Retriever  # noqa: E402

MAX_FALSE_ALARMS = 0.10
INF = float("inf")
GRID = [round(0.30 + 0.01 * i, 2) for i in range(81)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", required=True)
    ap.add_argument("--plain-dump", help="cv_query --plain --dump: the same questions without "
                    "names and numbers, answerable and answer-absent alike")
    ap.add_argument("--questions-from", required=True)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--per-fold", type=int, default=100)
    a = ap.parse_args()
    dumps = [(json.loads(Path(a.dump).read_text()), False)]
    if a.plain_dump:
        dumps.append((json.loads(Path(a.plain_dump).read_text()), True))
    store = Retriever.open(a.questions_from, read_only=True).store
    rows = list(store.all_passages())
    days = sorted({p.date for p in rows if p.date <= dt.date(2020, 12, 31)})
    folds = date_ranges(days, a.folds)
    english = english_words()
    by_fold: dict[str, list[dict]] = {str(f[0]): [] for f in folds}
    for feats, stripped in dumps:
        it = iter(f for f in feats if f["set"] != "wh")
        for fold in folds:
            by_fold[str(fold[0])] += _recount(store, rows, fold, a.per_fold, english, it, stripped)
    wh = [f for f in dumps[0][0] if f["set"] == "wh"]
    _report(by_fold, wh)


def _recount(store, rows, fold, per_fold, english, it, stripped):
    qs = fold_questions(store, fold, per_fold, seed=2)
    if stripped:
        qs = [replace(q, question=plain(q.question)) for q in qs]
    outside = Vocabulary((f"{'' if fold[0] <= p.date <= fold[1] else p.question or ''} "
                          f"{p.text}" for p in rows), english=english)
    before = Vocabulary((f"{p.question or ''} {p.text}" for p in rows
                         if p.date < fold[0]), english=english)
    answerable = [next(it) for _ in qs]
    absent = [next(it) for _ in qs] if any(p.date < fold[0] for p in rows) else []
    for q, f in zip(qs, answerable):
        f["names"] = len(outside.correct(q.question).names_not_found)
    for q, f in zip(qs, absent):
        f["names"] = len(before.correct(q.question).names_not_found)
    return answerable + absent


def _report(by_fold, wh):

    def flags(f, key, t, named=INF):
        # a name not found flags a question whose evidence is below ``named``;
        # any question is flagged below ``t``
        return (bool(f["names"]) and f[key] < named) or f[key] < t

    def rates(group, key, t, named=INF):
        pos = [f for f in group if f["set"] == "answerable"]
        neg = [f for f in group if f["set"] != "answerable"]
        share = lambda xs: sum(flags(f, key, t, named) for f in xs) / max(1, len(xs))  # noqa
        return share(neg), share(pos)

    print("two thresholds: flagged below T, or below N when a name is not found")
    print("held-out fold | feature T N | flagged (answer absent) | false alarms (answerable)")
    for name, group in by_fold.items():
        train = [f for n, g in by_fold.items() if n != name for f in g] + wh
        cands = [(k, t, n) for k in ("top", "dense") for t in GRID[::2]
                 for n in [*GRID[::2], INF] if n >= t]
        best = max((c for c in cands if rates(train, *c)[1] <= MAX_FALSE_ALARMS),
                   key=lambda c: (rates(train, *c)[0], -c[1], -c[2]))
        flagged, alarms = rates(group, *best)
        absent = any(f["set"] == "absent" for f in group)
        w = sum(flags(f, *best) for f in wh) / max(1, len(wh))
        print(f"  {name} | {best[0]} {best[1]} {best[2]} | "
              f"{f'{flagged:.3f}' if absent else '-'} | {alarms:.3f} | wh {w:.3f}")

    print(f"rule: a name not found, or evidence < T; chosen on the other folds with false "
          f"alarms <= {MAX_FALSE_ALARMS}")
    print("held-out fold | feature T | flagged (answer absent) | false alarms (answerable)")
    for name, group in by_fold.items():
        train = [f for n, g in by_fold.items() if n != name for f in g] + wh
        best = max(((k, t) for k in ("top", "dense") for t in GRID
                    if rates(train, k, t)[1] <= MAX_FALSE_ALARMS),
                   key=lambda kt: (rates(train, *kt)[0], -kt[1]), default=("top", 0.0))
        flagged, alarms = rates(group, *best)
        absent = any(f["set"] == "absent" for f in group)
        print(f"  {name} | {best[0]} {best[1]} | "
              f"{f'{flagged:.3f}' if absent else '-'} | {alarms:.3f}")
    everything = [f for g in by_fold.values() for f in g]
    print("pooled sweep: feature T | flagged absent, false alarms, White House flagged")
    for key in ("top", "dense"):
        for t in GRID[::5]:
            flagged, alarms = rates(everything, key, t)
            w = sum(flags(f, key, t) for f in wh) / max(1, len(wh))
            print(f"  {key} {t:.2f} | {flagged:.3f} {alarms:.3f} {w:.3f}")
    pos = [f for f in everything if f["set"] == "answerable"]
    neg = [f for f in everything if f["set"] == "absent"]
    print("names alone: flagged %.3f, false alarms %.3f, White House %.3f" % (
        statistics.mean(bool(f["names"]) for f in neg),
        statistics.mean(bool(f["names"]) for f in pos),
        statistics.mean(bool(f["names"]) for f in wh)))


if __name__ == "__main__":
    main()
