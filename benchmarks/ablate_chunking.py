"""Measure what to embed for a passage, dense ranking only, on the dev questions.

Variants: the reporter's question prepended to each reply window (``qwin``),
reply windows alone (``win``), the question alone (``q``), and combinations of
their best-chunk cosines. Vectors are cached in --cache, so a rerun is cheap.

    python benchmarks/ablate_chunking.py --corpus ../shared/corpus/txt --cache /tmp/ablate-cache
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from embeddings.registry import load_encoder  # noqa: E402
from rag.index.chunking import _windows, MAX_WORDS, QUESTION_WORDS  # noqa: E402
from rag.evaluate import collapse, load_questions  # noqa: E402
from rag.ids import text_hash  # noqa: E402
from rag.parse import normalize_outlet as normalize_questioner, parse_file  # noqa: E402


def encode_cached(enc, texts, cache: Path, name: str, store=None) -> np.ndarray:
    """Vectors for texts: from the .npy cache, else from an index's stored
    vectors (same model, same text hash), else encoded now."""
    f = cache / f"{name}-{enc.model_id}-{text_hash(''.join(texts))[:12]}.npy"
    if f.exists():
        return np.load(f)
    hashes = [text_hash(t) for t in texts]
    known = store.vectors(enc.model_id, hashes) if store is not None else {}
    todo = sorted({h: t for h, t in zip(hashes, texts) if h not in known}.items())
    if todo:
        fresh = enc.encode([t for _, t in todo], batch_size=64, show_progress=True)
        known.update({h: v for (h, _), v in zip(todo, fresh)})
    v = np.stack([known[h] for h in hashes])
    np.save(f, v)
    return v


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", nargs="+", default=[str(ROOT.parent / "shared/corpus/txt"), str(ROOT / "data")])
    ap.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval"))
    ap.add_argument("--cache", default="/tmp/ablate-cache")
    ap.add_argument("--model", default=None)
    ap.add_argument("--index", default=None, help="reuse vectors already stored in this index")
    args = ap.parse_args()
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    enc = load_encoder(args.model)
    store = None
    if args.index:
        from rag.store import Store
        store = Store(Path(args.index) / "presscon.db")

    passages = []
    for folder in args.corpus:
        for f in sorted(Path(folder).glob("*.txt")):
            c = parse_file(f)
            for e in c.exchanges:
                passages.append((c.date, e.questioner, e.question, e.text))
    qwin, win, qonly = [], [], []   # (passage index, text)
    for i, (_, _, q, text) in enumerate(passages):
        paras = [p for p in text.split("\n\n") if p.strip()]
        prefix = " ".join(q.split()[:QUESTION_WORDS]) + "\n" if q else ""
        for w in _windows(paras, MAX_WORDS):
            qwin.append((i, prefix + w))
            win.append((i, w))
        if q:
            qonly.append((i, q))
    vecs = {name: (np.array([i for i, _ in items]),
                   encode_cached(enc, [t for _, t in items], cache, name, store))
            for name, items in (("qwin", qwin), ("win", win), ("q", qonly))}

    def best(name, qv):
        owners, v = vecs[name]
        s = v @ qv
        out = np.full(len(passages), -1.0, dtype=np.float32)
        np.maximum.at(out, owners, s)
        return out

    variants = {
        "qwin": lambda s: s["qwin"],
        "win": lambda s: s["win"],
        "q": lambda s: s["q"],
        "max(qwin, win)": lambda s: np.maximum(s["qwin"], s["win"]),
        "max(win, q)": lambda s: np.maximum(s["win"], s["q"]),
        "qwin + 0.3 q": lambda s: s["qwin"] + 0.3 * np.maximum(s["q"], 0),
        "qwin + 0.5 win": lambda s: s["qwin"] + 0.5 * s["win"],
        "win + 0.5 q": lambda s: s["win"] + 0.5 * np.maximum(s["q"], 0),
        "qwin + win + 0.5 q": lambda s: s["qwin"] + s["win"] + 0.5 * np.maximum(s["q"], 0),
    }
    dates = np.array([p[0] for p in passages])
    outlets = np.array([p[1] or "" for p in passages], dtype=object)
    texts = [collapse(p[3]) for p in passages]
    print(f"{len(passages)} passages; chunks qwin {len(qwin)}, win {len(win)}, q {len(qonly)}")
    print(f"{'variant':<22}{'dev_questions R@1 R@5 MRR':>28}{'dev_hard R@1 R@5 MRR':>26}")
    files = {n: load_questions(Path(args.eval) / f"{n}.jsonl") for n in ("dev_questions", "dev_hard")}
    qvecs = {n: enc.encode([q.question for q in qs]) for n, qs in files.items()}
    for label, fn in variants.items():
        row = f"{label:<22}"
        for n, qs in files.items():
            r1 = r5 = mrr = 0.0
            for q, qv in zip(qs, qvecs[n]):
                s = fn({k: best(k, qv) for k in ("qwin", "win", "q")}).astype(np.float64)
                f = q.filters
                mask = np.ones(len(passages), bool)
                if "date_from" in f:
                    mask &= dates >= dt.date.fromisoformat(f["date_from"])
                if "date_to" in f:
                    mask &= dates <= dt.date.fromisoformat(f["date_to"])
                if "questioner" in f:
                    mask &= outlets == (normalize_questioner(f["questioner"]) or "")
                s[~mask] = -9
                top = np.argsort(-s)[:10]
                rank = next((k for k, i in enumerate(top, 1) if any(g in texts[i] for g in q.gold)), None)
                if rank:
                    r1 += rank == 1
                    r5 += rank <= 5
                    mrr += 1 / rank
            row += f"{'':>8}{r1 / len(qs):.3f} {r5 / len(qs):.3f} {mrr / len(qs):.3f}"
        print(row)


if __name__ == "__main__":
    main()
