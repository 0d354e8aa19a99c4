"""A reply's best sentence, embedded alone, mixed into its dense score:
measured on date folds of the corpus and on question files (not in rag/rank).

    python benchmarks/cv_sentences.py --index DIR [--eval QUESTIONS.jsonl ...]
                                      [--weights 0 0.2 0.3 0.5] [--limit 200]
                                      [--forms mix positive] [--min-words 0]

Why: a long reply is embedded as 160-word windows, and a question asked
about one sentence of it ("Is there a threat from the hazardous materials
on board?") meets that sentence averaged with its neighbours. Each sentence
of 4+ words of every passage is encoded once (cached by text hash, with the
crossval cache) and a candidate's dense score becomes

* ``mix``:      (window + w * best sentence) / (1 + w)
* ``positive``: window + w * max(0, best sentence - window)

Folds: rag/crossval.py's protocol (held-out reporter questions against
reply-only passages), ranked over the whole index ("global") and among the
gold's own conference only ("within": what a question naming a date and a
speaker leaves to rank). Question files: ``Retriever.ask`` as typed, with the
same mix applied to every candidate (R@1 / R@5 / MRR@10 and the share
flagged "No close match"). Every weight runs in one process against w = 0.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import rag.crossval as cv  # noqa: E402
from embeddings.registry import load_encoder  # noqa: E402
from rag import Retriever  # noqa: E402
from rag.evaluate import first_correct, load_questions  # noqa: E402
from rag.rank import candidates as cand  # noqa: E402
from rag.rank.fusion import demote_short, fuse  # noqa: E402
from rag.store import Store  # noqa: E402

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")


def sentences(text: str) -> list[str]:
    return [s for para in text.split("\n") for s in _SENTENCE_END.split(para)
            if len(s.split()) >= 4]


def mixed(window: np.ndarray | float, best: np.ndarray | float, w: float, form: str):
    if form == "mix":
        return (window + w * best) / (1 + w)
    return window + w * np.maximum(0.0, best - window)


class SentenceVectors:
    """Every passage's sentence vectors, rows grouped by passage."""

    def __init__(self, store: Store, cache: cv.VectorCache, min_words: int = 0):
        passages = list(store.all_passages())
        texts, rows = [], []
        for r, p in enumerate(passages):
            if len(p.text.split()) <= min_words:   # the window already is the reply
                continue
            for s in sentences(p.text):
                texts.append(s)
                rows.append(r)
        self.vectors = cache.encode(texts, progress=True)
        self.rows = np.asarray(rows, np.int64)   # already grouped: passages in order
        self.starts = np.searchsorted(self.rows, np.arange(len(passages)))
        self.present = np.isin(np.arange(len(passages)), self.rows)
        self.by_id = {p.id: np.flatnonzero(self.rows == r) for r, p in enumerate(passages)}

    def best(self, queries: np.ndarray) -> np.ndarray:
        """(queries, passages): best-sentence cosine, -1 where none."""
        sims = queries @ self.vectors.T
        out = np.maximum.reduceat(sims, np.minimum(self.starts, len(self.vectors) - 1), axis=1)
        out[:, ~self.present] = -1.0
        return out


def rank_of(top: list[int], gold: int) -> int | None:
    return top.index(gold) + 1 if gold in top else None


def figures(ranks: list[int | None]) -> str:
    n = max(1, len(ranks))
    return (f"{sum(r == 1 for r in ranks) / n:.3f} / {sum(1 for r in ranks if r and r <= 5) / n:.3f}"
            f" / {sum(1 / r for r in ranks if r and r <= 10) / n:.3f}")


def folds(store: Store, enc, cache: cv.VectorCache, sv: SentenceVectors, weights, forms,
          limit: int) -> None:
    pairs = cv.labelled_pairs(store)
    view = cv.CorpusView(store, enc, pairs, cache)
    conference = np.asarray([p.conference_id for p in store.all_passages()])
    q_vectors = cache.encode([p.question for p in pairs])
    settings = [(f, w) for f in forms for w in weights]
    ranks: dict[tuple, list] = {}
    for test in cv.date_folds(pairs, 5):
        index = view.fold_index(pairs[i].passage_id for i in test)
        if limit and len(test) > limit:
            test = [test[int(j * len(test) / limit)] for j in range(limit)]
        dense, best = index.dense(q_vectors[test]), sv.best(q_vectors[test])
        for j, i in enumerate(test):
            row = view.row_of[pairs[i].passage_id]
            gold = int(view.groups[row])
            lexical = index.bm25(pairs[i].question)
            own = np.flatnonzero(conference == conference[row])
            for form, w in settings:
                d = mixed(dense[j], np.where(sv.present, best[j], dense[j]), w, form)
                for method in ("dense", "hybrid"):
                    ranks.setdefault((form, w, method, "global"), []).append(
                        rank_of(index.top_groups(index.scores(d, lexical, method)), gold))
                    s = fuse({int(r): float(d[r]) for r in own},
                             {int(r): float(lexical[r]) for r in own}, method)
                    s = demote_short(s, {r for r in s if index.short[r]})
                    ranks.setdefault((form, w, method, "within"), []).append(
                        rank_of(index.top_groups(s), gold))
    print(f"folds of {store.path.parent}: R@1 / R@5 / MRR@10 ({len(next(iter(ranks.values())))} "
          "held-out questions)")
    for (form, w, method, scope), r in ranks.items():
        print(f"  {form:<8} w={w:<4} {method:<6} {scope:<6} {figures(r)}", flush=True)


def question_files(index: Path, files: list[Path], sv: SentenceVectors, weights, forms) -> None:
    r = Retriever.open(index, read_only=True)
    setting = {"w": 0.0, "form": "mix"}
    window_dense, window_scores = cand.Candidates._dense, cand.Candidates._dense_scores

    def mix(qv: np.ndarray, scores: dict[int, float]) -> dict[int, float]:
        if not setting["w"]:
            return scores
        out = {}
        for pid, s in scores.items():
            rows = sv.by_id.get(pid)
            best = float((sv.vectors[rows] @ qv).max()) if rows is not None and len(rows) else s
            out[pid] = float(mixed(s, best, setting["w"], setting["form"]))
        return out

    cand.Candidates._dense = lambda self, qv, *a: mix(qv, window_dense(self, qv, *a))
    cand.Candidates._dense_scores = lambda self, qv, ids: mix(qv, window_scores(self, qv, ids))
    sets = [(f, load_questions(f)) for f in files]
    for form in forms:
        for w in weights:
            setting.update(w=w, form=form)
            cells = []
            for f, qs in sets:
                answers = [r.ask(q.question, k=10) for q in qs]
                flagged = sum(not a.close_match for a in answers) / max(1, len(qs))
                if any(q.gold for q in qs):
                    ranks = [first_correct(a.hits, q.gold, q.dates) for a, q in zip(answers, qs)]
                    cells.append(f"{f.stem} {figures(ranks)} flagged {flagged:.3f}")
                else:
                    cells.append(f"{f.stem} flagged {flagged:.3f}")
            print(f"  {form:<8} w={w:<4} " + " | ".join(cells), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--eval", type=Path, action="append", default=[],
                    help="a question file asked of the same index (repeatable)")
    ap.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.2, 0.3, 0.5])
    ap.add_argument("--forms", nargs="+", default=["mix", "positive"], choices=["mix", "positive"])
    ap.add_argument("--limit", type=int, default=200, help="held-out questions a fold (0: all)")
    ap.add_argument("--min-words", type=int, default=0,
                    help="sentences only of passages longer than this (others: the window alone)")
    ap.add_argument("--no-folds", action="store_true")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/presscon-crossval-cache"))
    a = ap.parse_args()
    store = Store(a.index / "presscon.db", read_only=True)
    enc = load_encoder(store.get_meta("model_id"))
    cache = cv.VectorCache(a.cache, enc)
    sv = SentenceVectors(store, cache, a.min_words)
    if not a.no_folds:
        folds(store, enc, cache, sv, a.weights, a.forms, a.limit)
    if a.eval:
        print(f"question files over {a.index}: R@1 / R@5 / MRR@10")
        question_files(a.index, a.eval, sv, a.weights, a.forms)


if __name__ == "__main__":
    main()
