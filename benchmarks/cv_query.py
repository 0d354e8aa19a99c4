"""Cross-validation on date folds of the corpus for the query settings:
spelling correction (rag/rank/spelling.py) and the close-match threshold
(rag/rank/closeness.py). The dev files are not read.

    PYTHONPATH=. python benchmarks/cv_query.py --index DIR [--folds 5]

Spelling: for each fold, a vocabulary of the other folds' passages; the
fold's reporter questions with two letters swapped in their two longest
words (rag.evaluate.with_typos). Per setting: the share of swapped words
put back exactly ("restored", of those the other folds use) and the share
of untouched questions in which a word was changed ("changed").

Close match: the index as it stood before each fold (a date filter ending
the day before the fold) is asked the fold's reporter questions, texts it
has never seen. Answerable: those whose reply (or a near-identical repeat
of it) was given before the fold. Unanswerable-like: those whose reply
group is new in the fold. Names not found come from a vocabulary of the
passages before the fold. Also White House reporters' questions (from a
mixed index, --wh-index) against the ministry-only index, all unanswerable.
The threshold of each fold is chosen on the other folds (best flagged minus
false-alarm share), then reported on the fold itself.
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rag.evaluate import date_folds, fold_questions, with_typos  # noqa: E402
from rag.rank.spelling import Vocabulary  # noqa: E402
from rag.retriever import Retriever  # noqa: E402

THRESHOLDS = [round(0.30 + 0.01 * i, 2) for i in range(41)]


def spelling_cv(store, folds, per_fold: int) -> None:
    rows = list(store.all_passages())
    grid = list(itertools.product((1, 2, 3, 5), (4, 5), (6, 8, 10)))
    table: dict[tuple, list[tuple[float, float]]] = {g: [] for g in grid}
    for fold in folds:
        train = [f"{p.question or ''} {p.text}" for p in rows if not fold[0] <= p.date <= fold[1]]
        qs = fold_questions(store, fold, per_fold, seed=1)
        typed = with_typos(qs, seed=1)
        for g in grid:
            v = Vocabulary(train, min_count=g[0], min_length=g[1], long_word=g[2])
            restored = total = changed = 0
            for q, t in zip(qs, typed):
                orig = q.question.split()
                new = t.question.split()
                swapped = {i for i, (a, b) in enumerate(zip(orig, new)) if a != b}
                fixed = v.correct(t.question).text.split()
                for i in swapped:
                    word = "".join(c for c in orig[i] if c.isalpha())
                    if word and v.known(word):
                        total += 1
                        restored += i < len(fixed) and fixed[i] == orig[i]
                changed += v.correct(q.question).text != q.question
            table[g].append((restored / max(1, total), changed / max(1, len(qs))))
    print("spelling: min_count min_length long_word | restored changed (mean over folds)"
          " | held-out choice")
    for g, vals in table.items():
        print(f"  {g} | {statistics.mean(v[0] for v in vals):.3f} "
              f"{statistics.mean(v[1] for v in vals):.3f}")
    for i in range(len(folds)):
        best = max(grid, key=lambda g: statistics.mean(
            v[0] - v[1] for j, v in enumerate(table[g]) if j != i))
        r, c = table[best][i]
        print(f"  fold {i + 1}: chose {best} on the other folds; held out restored {r:.3f} "
              f"changed {c:.3f}")


def features(r: Retriever, question: str, vocab: Vocabulary, **filters) -> tuple[float, bool,
                                                                                  list[int]]:
    answer = r.ask(question, k=5, **filters)
    top = answer.hits[0].score if answer.hits else 0.0
    named = bool(vocab.correct(question).names_not_found)
    return top, named, [c.passage_id for h in answer.hits for c in h.citations] or \
        [h.passage_id for h in answer.hits]


def close_cv(r: Retriever, folds, per_fold: int, wh_questions: list[str]) -> None:
    store = r.store
    rows = list(store.all_passages())
    per = []
    for fold in folds[1:]:   # the first fold has nothing before it
        before = fold[0] - dt.timedelta(days=1)
        vocab = Vocabulary(f"{p.question or ''} {p.text}" for p in rows if p.date <= before)
        qs = fold_questions(store, fold, per_fold, seed=2)
        ids = [int(q.id.split("-", 1)[1]) for q in qs]
        groups = store.group_of(ids)
        members = store.group_members(list(set(groups.values())))
        pos, neg = [], []
        for q, pid in zip(qs, ids):
            earlier = any(m.date <= before for m in members.get(groups[pid], []))
            top, named, _ = features(r, q.question, vocab, date_to=before)
            (pos if earlier else neg).append((top, named))
        per.append((fold, pos, neg))
    full = Vocabulary(f"{p.question or ''} {p.text}" for p in rows)
    wh = [features(r, q, full)[:2] for q in wh_questions]

    def rates(T, pos, neg):
        flag = lambda f: f[1] or f[0] < T  # noqa: E731
        return (sum(map(flag, neg)) / max(1, len(neg)), sum(map(flag, pos)) / max(1, len(pos)))

    print("\nclose match: fold | answerable n, unanswerable-like n | chosen T (other folds) |"
          " flagged, false alarms on the fold")
    for i, (fold, pos, neg) in enumerate(per):
        others = [x for j, x in enumerate(per) if j != i]
        T = max(THRESHOLDS, key=lambda t: statistics.mean(
            a - b for a, b in (rates(t, p, n) for _, p, n in others)))
        f, a = rates(T, pos, neg)
        print(f"  {fold[0]}..{fold[1]} | {len(pos)}, {len(neg)} | {T} | {f:.3f}, {a:.3f}")
    print("  threshold sweep, all folds pooled: T flagged false_alarms wh_flagged")
    P = [x for _, p, _ in per for x in p]
    N = [x for _, _, n in per for x in n]
    for T in THRESHOLDS[::2]:
        f, a = rates(T, P, N)
        w = sum(x[1] or x[0] < T for x in wh) / max(1, len(wh))
        print(f"    {T:.2f} {f:.3f} {a:.3f} {w:.3f}")
    print("  names-not-found alone: flagged %.3f false alarms %.3f wh %.3f" % (
        sum(x[1] for x in N) / len(N), sum(x[1] for x in P) / len(P),
        sum(x[1] for x in wh) / max(1, len(wh))))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True)
    ap.add_argument("--wh-index", default=None, help="an index holding White House briefings")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--per-fold", type=int, default=150)
    ap.add_argument("--skip-spelling", action="store_true")
    a = ap.parse_args()
    r = Retriever.open(a.index, read_only=True)
    days = sorted({p.date for p in r.store.all_passages() if p.date.year <= 2020})
    folds = date_folds(days, a.folds)
    if not a.skip_spelling:
        spelling_cv(r.store, folds, a.per_fold)
    wh = []
    if a.wh_index:
        w = Retriever.open(a.wh_index, read_only=True)
        wh = [p.question for p in w.store.all_passages()
              if p.publisher == "The White House" and p.question and len(p.question.split()) >= 6]
        random.Random(3).shuffle(wh)
        wh = wh[:150]
    close_cv(r, folds, a.per_fold, wh)


if __name__ == "__main__":
    main()
