"""Cross-validation on date folds of the corpus for the query settings:
spelling correction (rag/rank/spelling.py) and the close-match threshold
(rag/rank/closeness.py). The dev files are not read.

    PYTHONPATH=. python benchmarks/cv_query.py --index DIR [--folds 5]

Spelling: for each fold, a vocabulary of the other folds' passages; the
fold's reporter questions with two letters swapped in their two longest
words (rag.evaluate.with_typos). Per setting: the share of swapped words
put back exactly ("restored", of those the other folds use) and the share
of untouched questions in which a word was changed ("changed").

Close match: an index of the same transcripts with every reporter's
question replaced by "Q: Question." (so a question is text it has never
seen) is asked each fold's reporter questions. Answerable: asked of the
whole index (the reply is there). Answer absent: asked of the index as it
stood before the fold (a date filter ending the day before it; the names
not found from a vocabulary of those passages): the stand-in for "events
after the index ends", noisy, as a story asked about in the fold was often
asked about before. Also White House reporters' questions (from a
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
from dataclasses import replace
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rag.crossval import date_ranges  # noqa: E402
from rag.evaluate import fold_questions, with_typos  # noqa: E402
from rag.rank.spelling import Vocabulary, english_words  # noqa: E402
from rag.retriever import Retriever  # noqa: E402

def plain(question: str) -> str:
    """The question without names and numbers (capitalized words after the
    first, digits): closer to how someone who never read the transcript
    asks (dev_hard's style), made from the corpus alone."""
    words = question.split()
    kept = [w for i, w in enumerate(words)
            if not (i and w[:1].isupper()) and not any(c.isdigit() for c in w)]
    return " ".join(kept)


FEATURES: list[dict] = []   # every query's evidence, written with --dump
# min_count, min_length, long_word, English word list, guarded (first letter kept, names stay names)
GRID = [(1, 2, 3, 5), (4, 5), (6, 8, 10), (False, True), (False, True)]
PLAIN = False   # --plain: the questions without names and numbers
THRESHOLDS = [round(0.30 + 0.01 * i, 2) for i in range(41)]


def spelling_cv(store, folds, per_fold: int) -> None:
    rows = list(store.all_passages())
    english = english_words()
    grid = list(itertools.product(*GRID))
    table: dict[tuple, list[tuple[float, float]]] = {g: [] for g in grid}
    for fold in folds:
        train = [f"{p.question or ''} {p.text}" for p in rows if not fold[0] <= p.date <= fold[1]]
        qs = fold_questions(store, fold, per_fold, seed=1)
        typed = with_typos(qs, seed=1)
        base = Vocabulary(train)
        for g in grid:
            v = base.tuned(min_count=g[0], min_length=g[1], long_word=g[2],
                           english=english if g[3] else frozenset(), guarded=g[4])
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
    print("spelling: min_count min_length long_word english guarded | restored changed "
          "(mean over folds)"
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


def features(r: Retriever, question: str, vocab: Vocabulary, **filters) -> tuple[float, bool]:
    answer = r.ask(question, k=5, **filters)
    top = answer.hits[0].score if answer.hits else 0.0
    c = vocab.correct(question)
    dense, lexical = r.candidates(question, 10, **filters)
    FEATURES.append({"top": top, "names": len(c.names_not_found), "missing": len(c.not_found),
                     "dense": max(dense.values(), default=0.0),
                     "bm25": max(lexical.values(), default=0.0),
                     "agree": bool(dense and lexical and max(dense, key=dense.get)
                                   == max(lexical, key=lexical.get))})
    return top, bool(c.names_not_found)


def close_cv(r: Retriever, source, folds, per_fold: int, wh_questions: list[str]) -> None:
    """``r``: an index whose passages carry no reporter's question (the
    question is then text it has never seen); ``source``: the store the
    questions and their replies come from."""
    rows = list(r.store.all_passages())
    full = Vocabulary(f"{p.question or ''} {p.text}" for p in rows)
    per = []
    for fold in folds:
        before = fold[0] - dt.timedelta(days=1)
        vocab = Vocabulary(f"{p.question or ''} {p.text}" for p in rows if p.date <= before)
        qs = fold_questions(source, fold, per_fold, seed=2)
        if PLAIN:
            qs = [replace(q, question=plain(q.question)) for q in qs]
        pos = []
        for q in qs:
            pos.append(features(r, q.question, full))
            FEATURES[-1].update(set="answerable", fold=str(fold[0]))
        neg = []
        if any(p.date <= before for p in rows):
            for q in qs:
                neg.append(features(r, q.question, vocab, date_to=before))
                FEATURES[-1].update(set="absent", fold=str(fold[0]))
        per.append((fold, pos, neg))
    wh = []
    for q in wh_questions:
        wh.append(features(r, q, full))
        FEATURES[-1].update(set="wh", fold="")

    def rates(T, pos, neg):
        flag = lambda f: f[1] or f[0] < T  # noqa: E731
        return (sum(map(flag, neg)) / max(1, len(neg)), sum(map(flag, pos)) / max(1, len(pos)))

    print("\nclose match: fold | answerable n, answer-absent n | T chosen on the other folds |"
          " flagged (answer absent), false alarms (answerable) on the fold")
    scored = [x for x in per if x[2]]
    for i, (fold, pos, neg) in enumerate(per):
        others = [x for x in scored if x[0] != fold]
        T = max(THRESHOLDS, key=lambda t: statistics.mean(
            a - b for a, b in (rates(t, p, n) for _, p, n in others)))
        f, a = rates(T, pos, neg)
        print(f"  {fold[0]}..{fold[1]} | {len(pos)}, {len(neg)} | {T} | "
              f"{f if neg else float('nan'):.3f}, {a:.3f}")
    print("  sweep, all folds pooled: T flagged false_alarms wh_flagged")
    P = [x for _, p, _ in per for x in p]
    N = [x for _, _, n in per for x in n]
    for T in THRESHOLDS[::2]:
        f, a = rates(T, P, N)
        w = sum(x[1] or x[0] < T for x in wh) / max(1, len(wh))
        print(f"    {T:.2f} {f:.3f} {a:.3f} {w:.3f}")
    print("  names-not-found alone: flagged %.3f false alarms %.3f wh %.3f" % (
        sum(x[1] for x in N) / max(1, len(N)), sum(x[1] for x in P) / max(1, len(P)),
        sum(x[1] for x in wh) / max(1, len(wh))))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True, help="an index without the reporters' "
                    "questions (their lines replaced by 'Q: Question.'), the corpus the same")
    ap.add_argument("--questions-from", required=True,
                    help="the index of the original transcripts: the questions and replies")
    ap.add_argument("--wh-index", default=None, help="an index holding White House briefings")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--per-fold", type=int, default=150)
    ap.add_argument("--skip-spelling", action="store_true")
    ap.add_argument("--plain", action="store_true",
                    help="ask the fold questions without their names and numbers")
    ap.add_argument("--dump", help="write every query's evidence to this JSON file")
    a = ap.parse_args()
    global PLAIN
    PLAIN = a.plain
    r = Retriever.open(a.index, read_only=True)
    source = Retriever.open(a.questions_from, read_only=True).store
    days = sorted({p.date for p in r.store.all_passages()})
    folds = date_ranges(days, a.folds)
    if not a.skip_spelling:
        spelling_cv(source, folds, a.per_fold)
    wh = []
    if a.wh_index:
        w = Retriever.open(a.wh_index, read_only=True)
        wh = [p.question for p in w.store.all_passages()
              if p.publisher == "The White House" and p.question and len(p.question.split()) >= 6]
        random.Random(3).shuffle(wh)
        wh = wh[:150]
    close_cv(r, source, folds, a.per_fold, wh)
    if a.dump:
        import json
        Path(a.dump).write_text(json.dumps(FEATURES), encoding="utf-8")


if __name__ == "__main__":
    main()
