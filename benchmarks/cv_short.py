"""The short-reply penalty (rag/rank/fusion.demote_short), measured on date
folds of the corpus and on question files, the figures behind
``SHORT_REPLY_PENALTY``.

    python benchmarks/cv_short.py --index DIR [--eval IDX=QUESTIONS.jsonl ...]
                                  [--penalties 0 0.02 0.05] [--limit 0]

Folds: rag/crossval.py's protocol (held-out reporter questions against
reply-only passages; hybrid, as asked and with the reply's words dropped).
Its answers are replies of 8 words or more, so a penalty can cost the folds
(a gold reply under 80 characters is lowered too) but never shows all of
its benefit (a short reply that wins with its question's words); the
question files (dev files, new users' questions) show that. Each setting is
run in one process against the unchanged ranking (penalty 0).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import rag.crossval as cv  # noqa: E402
from embeddings.registry import load_encoder  # noqa: E402
from rag import Retriever  # noqa: E402
from rag.evaluate import first_correct, load_questions  # noqa: E402
from rag.rank import fusion  # noqa: E402
from rag.store import Store  # noqa: E402


def question_figures(r: Retriever, path: Path) -> str:
    qs = load_questions(path)
    ranks = [first_correct(r.search(q.question, k=10, **q.filters), q.gold, q.dates) for q in qs]
    n = max(1, len(ranks))
    return (f"{sum(x == 1 for x in ranks) / n:.3f} / {sum(1 for x in ranks if x and x <= 5) / n:.3f}"
            f" / {sum(1 / x for x in ranks if x) / n:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, required=True, help="index whose date folds are asked")
    ap.add_argument("--eval", action="append", default=[], metavar="IDX=QUESTIONS",
                    help="also a question file against an index (repeatable)")
    ap.add_argument("--penalties", type=float, nargs="+", default=[0.0, 0.02, 0.05])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--limit", type=int, default=0, help="test questions a fold (0: all)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/presscon-crossval-cache"))
    a = ap.parse_args()
    store = Store(a.index / "presscon.db", read_only=True)
    enc = load_encoder(store.get_meta("model_id"))
    sets = [(Retriever.open(Path(i), read_only=True), Path(f))
            for i, f in (e.split("=", 1) for e in a.eval)]
    print("penalty  folds as-is R@1 / R@5 / MRR@10  dropped MRR@10  "
          + "  ".join(f"{f.name} R@1 / R@5 / MRR@10" for _, f in sets))
    for penalty in a.penalties:
        fusion.SHORT_REPLY_PENALTY = penalty
        res = cv.crossval(store, enc, folds=a.folds, cache_dir=a.cache, limit=a.limit or None,
                          methods=("hybrid",))
        asis, dropped = res.row("as-is", "hybrid"), res.row("dropped", "hybrid")
        cells = [f"{asis['R@1']} / {asis['R@5']} / {asis['MRR@10']}", str(dropped["MRR@10"]),
                 *(question_figures(r, f) for r, f in sets)]
        print(f"{penalty:<7}  " + "  ".join(cells), flush=True)


if __name__ == "__main__":
    main()
