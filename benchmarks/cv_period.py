"""Cross-validation on date folds of the corpus for the period preference
(rag/rank/fusion.prefer_period), the figures behind ``MONTH_BOOST``.

    python benchmarks/cv_period.py --index DIR [--limit 150] [--boosts 0 0.05 0.2 0.5]

Each held-out reporter question (rag/crossval.py's folds and protocol) is
asked with the month of its conference appended ("... in May 2020": a period
named where it may date an event, so ranked higher, not filtered); after
fusion, passages dated in that month or the 31 days after it are raised by
the boost, as rag/rank/search.py does. This measures the benefit side only
(the gold always falls in the window), so it shows where the boost
saturates; the cost side, a period naming an event the reply came long
after, is read off the dev files (a year named: 2 of 11 replies outside
the window; a month or a day named: none of 25). The appended questions are
encoded once and cached with the others (--cache).
"""
from __future__ import annotations

import argparse
import calendar
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import rag.crossval as cv  # noqa: E402
from embeddings.registry import load_encoder  # noqa: E402
from rag.store import Store  # noqa: E402


def month_window(day: dt.date) -> tuple[dt.date, dt.date]:
    """The month of ``day`` and the 31 days after it (rag/rank/understand.py's
    preferred window for "in May 2020")."""
    last = calendar.monthrange(day.year, day.month)[1]
    return dt.date(day.year, day.month, 1), dt.date(day.year, day.month, last) + dt.timedelta(days=31)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--limit", type=int, default=150, help="test questions a fold (0: all)")
    ap.add_argument("--boosts", type=float, nargs="+", default=[0.0, 0.05, 0.1, 0.2, 0.5])
    ap.add_argument("--cache", type=Path, default=Path("/tmp/presscon-crossval-cache"))
    a = ap.parse_args()
    store = Store(a.index / "presscon.db", read_only=True)
    enc = load_encoder(store.get_meta("model_id"))
    date_of = {p.id: dt.date.fromisoformat(str(p.date)) for p in store.all_passages()}
    window: dict[str, tuple[dt.date, dt.date]] = {}
    pairs = []
    for p in cv.labelled_pairs(store):
        day = date_of[p.passage_id]
        question = f"{p.question} in {calendar.month_name[day.month]} {day.year}"
        window[question] = month_window(day)
        pairs.append(cv.Pair(p.passage_id, p.date, question, p.reply))

    # FoldIndex scores one question at a time (bm25 first, then ranked): the
    # question's window is carried from one to the other
    state: dict = {}
    bm25 = cv.FoldIndex.bm25

    def bm25_of(self, question):
        state["window"] = window[question]
        return bm25(self, question)

    passage_ids: list = []            # each fold view's passage ids by row
    view_init = cv.CorpusView.__init__

    def view(self, *args, **kw):
        view_init(self, *args, **kw)
        passage_ids.append(self.ids)

    fused = cv.FoldIndex.scores

    def scores(self, dense, lexical, method):
        start, end = state["window"]
        ids = passage_ids[-1]
        return {i: s + (state["boost"] if start <= date_of[int(ids[i])] <= end else 0.0)
                for i, s in fused(self, dense, lexical, method).items()}

    cv.FoldIndex.bm25, cv.FoldIndex.scores, cv.CorpusView.__init__ = bm25_of, scores, view
    print(f"{len(pairs)} held-out questions with their month named, {a.folds} date folds, "
          f"{a.limit or 'all'} a fold; hybrid")
    print(f"{'boost':>6}  R@1    R@5    R@10   MRR@10  MRR sd  n")
    for boost in a.boosts:
        state["boost"] = boost
        res = cv.crossval(store, enc, folds=a.folds, cache_dir=a.cache, limit=a.limit or None,
                          methods=("hybrid",), variants=("as-is",), pairs=pairs)
        row = res.row("as-is", "hybrid")
        print(f"{boost:>6}  {row['R@1']:<6} {row['R@5']:<6} {row['R@10']:<6} {row['MRR@10']:<7} "
              f"{row['MRR sd']:<7} {row['n']}", flush=True)


if __name__ == "__main__":
    main()
