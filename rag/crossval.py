"""Cross-validation on the corpus itself: folds by conference date, the
reporter's question as the query and its reply as the answer.

Why not the dev files: 60 + 40 questions are too few to choose settings on
without fitting them. The corpus holds thousands of free labelled pairs.

The pair is only a fair test if the index does not already hold the query:
every chunk embeds the reporter's question before the reply
(rag/index/chunking.py) and BM25 indexes it too. So for the held-out fold the
index is scored as if those passages had been stored without their
question: reply-only chunk vectors (encoded here once, cached) and reply-only
BM25 rows; every other passage stays as stored. The question must then find
its reply by meaning and by the reply's own words.

Two query variants per pair: ``as-is`` (the reporter's question) and
``dropped`` (its content words that also occur in the reply removed, the
cheap stand-in for a question in other words, like dev_hard). A hit counts
when it belongs to the gold reply's group of repeated replies (the search
collapses those into one hit). Ranking mirrors rag/rank: best-chunk cosine,
BM25 (k1 1.2, b 0.75, question and reply one field), the candidate depths of
rag/rank/candidates.py, and rag/rank/fusion.fuse itself.

Everything a fold learns (an adapter) is trained on the other folds' pairs
only, through ``train``: see rag/adapt.py.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from embeddings.base import Encoder

from .index.chunking import reply_windows
from .index.tokenize import STOPWORDS, query_tokens, tokens
from .rank.candidates import DENSE_CANDIDATES, LEXICAL_CANDIDATES
from .rank.fusion import SHORT_REPLY_CHARS, demote_short, fuse
from .store import Store

__all__ = ["Pair", "labelled_pairs", "date_ranges", "date_folds", "drop_reply_words", "VectorCache",
           "CorpusView", "FoldResult", "crossval", "format_folds", "VARIANTS", "METHODS",
           "MIN_QUESTION_WORDS", "MIN_REPLY_WORDS"]

MIN_QUESTION_WORDS = 6    # "Thank you." / "Follow-up?" ask nothing a reply can answer
MIN_REPLY_WORDS = 8       # "Yes." / "I'm not aware." answer nothing specific
MIN_DROPPED_TERMS = 2     # a dropped variant with fewer content words is no question
VARIANTS = ("as-is", "dropped")
METHODS = ("lexical", "dense", "hybrid")
KS = (1, 5, 10)
_K1, _B = 1.2, 0.75


@dataclass(frozen=True)
class Pair:
    """A reporter's question and the passage holding its reply."""
    passage_id: int
    date: str
    question: str
    reply: str


def labelled_pairs(store: Store, *, min_question_words: int = MIN_QUESTION_WORDS,
                   min_reply_words: int = MIN_REPLY_WORDS) -> list[Pair]:
    """Every answered question worth asking, oldest first."""
    out = []
    for p in store.all_passages():
        if not p.question or len(p.question.split()) < min_question_words:
            continue
        if len(p.text.split()) < min_reply_words:
            continue
        out.append(Pair(p.id, p.date.isoformat(), p.question, p.text))
    return out


def date_ranges(dates: Iterable[dt.date], n: int) -> list[tuple[dt.date, dt.date]]:
    """``n`` runs of consecutive conference dates, oldest first, as equal in
    number of dates as may be: a fold is a stretch of time, never a scatter,
    and one date never spans two folds (a conference's follow-up questions
    would leak its topic)."""
    if n < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, not {n}")
    days = sorted(set(dates))
    if len(days) < n:
        raise ValueError(f"{len(days)} conference dates cannot make {n} folds")
    size = len(days) / n
    return [(days[int(i * size)], days[int((i + 1) * size) - 1]) for i in range(n)]


def date_folds(pairs: Sequence[Pair], n: int) -> list[list[int]]:
    """Indices of ``pairs`` in the ``n`` folds of :func:`date_ranges`."""
    days = [dt.date.fromisoformat(p.date) for p in pairs]
    ranges = date_ranges(days, n)
    return [[i for i, d in enumerate(days) if lo <= d <= hi] for lo, hi in ranges]


def drop_reply_words(question: str, reply: str) -> str:
    """The question without the content words whose stem occurs in the reply
    (function words kept, so it still reads as a question); "" when fewer
    than MIN_DROPPED_TERMS content words survive."""
    reply_stems = set(tokens(reply))
    kept, content = [], 0
    for word in question.split():
        bare = word.strip(".,;:!?\"'()[]“”‘’").lower()
        stems = tokens(bare)
        if bare and bare not in STOPWORDS and stems and any(s in reply_stems for s in stems):
            continue
        if bare and bare not in STOPWORDS and stems:
            content += 1
        kept.append(word)
    return " ".join(kept) if content >= MIN_DROPPED_TERMS else ""


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class VectorCache:
    """Vectors of texts by SHA-256, in ``<dir>/<model>.npy`` + ``.json``, so a
    second run (another fold count, another adapter) encodes nothing."""

    def __init__(self, folder: Path | None, encoder: Encoder):
        self.folder = folder
        self.encoder = encoder
        self._rows: dict[str, int] = {}
        self._vectors = np.zeros((0, encoder.dim), np.float32)
        if folder is not None:
            stem = folder / encoder.model_id.replace("/", "_")
            self._npy, self._json = stem.with_suffix(".npy"), stem.with_suffix(".json")
            if self._npy.is_file() and self._json.is_file():
                hashes = json.loads(self._json.read_text())
                vectors = np.load(self._npy)
                if len(hashes) == len(vectors) and vectors.shape[1:] == (encoder.dim,):
                    self._rows = {h: i for i, h in enumerate(hashes)}
                    self._vectors = vectors

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        keys = [_hash(t) for t in texts]
        todo = list(dict.fromkeys(k for k in keys if k not in self._rows))
        if todo:
            by_key = dict(zip(keys, texts))
            # longest first: batches of like lengths waste little padding
            todo.sort(key=lambda k: -len(by_key[k]))
            new = self.encoder.encode([by_key[k] for k in todo],
                                      show_progress=progress)
            start = len(self._vectors)
            self._vectors = np.concatenate([self._vectors, new.astype(np.float32)])
            self._rows.update({k: start + i for i, k in enumerate(todo)})
            self._save()
        if not keys:
            return np.zeros((0, self.encoder.dim), np.float32)
        return self._vectors[[self._rows[k] for k in keys]]

    def _save(self) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self._npy.with_suffix(".tmp.npy")
        np.save(tmp, self._vectors)
        tmp.replace(self._npy)
        hashes = sorted(self._rows, key=self._rows.__getitem__)
        tmp_json = self._json.with_suffix(".tmp")
        tmp_json.write_text(json.dumps(hashes))
        tmp_json.replace(self._json)


class _Sparse:
    """Term frequencies of documents, rows by passage, for BM25."""

    def __init__(self, docs: Sequence[list[str]], vocab: dict[str, int]):
        rows, cols, vals = [], [], []
        for r, doc in enumerate(docs):
            counts: dict[int, int] = {}
            for t in doc:
                c = vocab.setdefault(t, len(vocab))
                counts[c] = counts.get(c, 0) + 1
            rows += [r] * len(counts)
            cols += list(counts)
            vals += list(counts.values())
        self.lengths = np.fromiter((len(d) for d in docs), np.float32, len(docs))
        self.rows, self.cols, self.vals = (np.asarray(rows, np.int64), np.asarray(cols, np.int64),
                                           np.asarray(vals, np.float32))


class CorpusView:
    """The index's passages as cross-validation scores them: stored chunk
    vectors, plus reply-only vectors and BM25 rows for a held-out fold."""

    def __init__(self, store: Store, encoder: Encoder, pairs: Sequence[Pair],
                 cache: VectorCache, progress: bool = False):
        self.encoder = encoder
        passages = list(store.all_passages())
        self.ids = np.fromiter((p.id for p in passages), np.int64, len(passages))
        self.row_of = {int(pid): i for i, pid in enumerate(self.ids)}
        groups = store.group_of([int(i) for i in self.ids])
        # replies ranked a little lower for being short, as rag/rank does
        self.short = np.fromiter((p.kind == "answer" and len(p.text) < SHORT_REPLY_CHARS
                                  for p in passages), bool, len(passages))
        self.groups = np.fromiter((groups.get(int(i), int(i)) for i in self.ids), np.int64,
                                  len(self.ids))
        # stored chunk vectors, each with the row of its passage
        vecs, owners = [], []
        for chunk_ids, v in store.iter_chunk_vectors(encoder.model_id):
            owner = store.chunk_passages(chunk_ids)
            keep = np.array([int(c) in owner for c in chunk_ids])
            vecs.append(v[keep])
            owners.append(np.fromiter((self.row_of[owner[int(c)]] for c in chunk_ids[keep]),
                                      np.int64))
        if not vecs:
            raise ValueError("the index holds no vectors for model " + encoder.model_id)
        self.chunk_vectors = np.concatenate(vecs)
        self.chunk_rows = np.concatenate(owners)
        # reply-only chunks of the pairs' passages (what a held-out fold searches)
        reply_texts, reply_rows = [], []
        for p in pairs:
            for window in reply_windows(p.reply):
                reply_texts.append(window)
                reply_rows.append(self.row_of[p.passage_id])
        self.reply_vectors = cache.encode(reply_texts, progress=progress)
        self.reply_rows = np.asarray(reply_rows, np.int64)
        # BM25 rows: question + reply (as stored) and reply only
        vocab: dict[str, int] = {}
        self.vocab = vocab
        self.full = _Sparse([tokens(f"{p.question or ''} {p.text}") for p in passages], vocab)
        by_id = {p.passage_id: p for p in pairs}
        self.reply_only = _Sparse([tokens(by_id[int(i)].reply) if int(i) in by_id else []
                                   for i in self.ids], vocab)

    # -- one fold's index ---------------------------------------------------------
    def fold_index(self, held_out: Iterable[int]) -> "FoldIndex":
        """The index with the passages ``held_out`` (passage ids) stored
        without their question."""
        out = np.zeros(len(self.ids), bool)
        out[[self.row_of[int(p)] for p in held_out]] = True
        keep = ~out[self.chunk_rows]
        add = out[self.reply_rows]
        vectors = np.concatenate([self.chunk_vectors[keep], self.reply_vectors[add]])
        rows = np.concatenate([self.chunk_rows[keep], self.reply_rows[add]])
        # lexical: each passage's row from one version or the other
        full, reply = self.full, self.reply_only
        take_full = ~out[full.rows]
        take_reply = out[reply.rows]
        r = np.concatenate([full.rows[take_full], reply.rows[take_reply]])
        c = np.concatenate([full.cols[take_full], reply.cols[take_reply]])
        v = np.concatenate([full.vals[take_full], reply.vals[take_reply]])
        lengths = np.where(out, reply.lengths, full.lengths)
        from scipy.sparse import csr_matrix
        tf = csr_matrix((v, (r, c)), shape=(len(self.ids), len(self.vocab))).tocsc()
        return FoldIndex(vectors, rows, len(self.ids), tf, lengths, self.vocab, self.groups,
                         self.short)


class FoldIndex:
    """Dense, BM25 and fused scores over every passage of one fold's index."""

    def __init__(self, vectors: np.ndarray, rows: np.ndarray, n: int, tf, lengths: np.ndarray,
                 vocab: dict[str, int], groups: np.ndarray, short: np.ndarray | None = None):
        order = np.argsort(rows, kind="stable")
        self.vectors = np.ascontiguousarray(vectors[order])
        rows = rows[order]
        # passages with no chunk (none in practice) score -1
        self.starts = np.searchsorted(rows, np.arange(n))
        self.present = np.isin(np.arange(n), rows)
        self.n = n
        self.tf = tf
        self.lengths = lengths
        self.avgdl = float(lengths.mean()) if n else 1.0
        df = np.diff(tf.indptr)
        # FTS5's idf, floored as it does for words in more than half the rows
        idf = np.log((n - df + 0.5) / (df + 0.5))
        self.idf = np.where(idf <= 0, 1e-6, idf).astype(np.float32)
        self.vocab = vocab
        self.groups = groups
        self.short = short if short is not None else np.zeros(n, bool)

    def dense(self, queries: np.ndarray) -> np.ndarray:
        """(queries, passages): best-chunk cosine."""
        sims = queries @ self.vectors.T
        starts = np.minimum(self.starts, len(self.vectors) - 1)
        best = np.maximum.reduceat(sims, starts, axis=1)
        best[:, ~self.present] = -1.0
        return best

    def bm25(self, question: str) -> np.ndarray:
        out = np.zeros(self.n, np.float32)
        norm = _K1 * (1 - _B + _B * self.lengths / self.avgdl)
        for t in query_tokens(question):
            c = self.vocab.get(t)
            if c is None:
                continue
            lo, hi = self.tf.indptr[c], self.tf.indptr[c + 1]
            rows, f = self.tf.indices[lo:hi], self.tf.data[lo:hi]
            out[rows] += self.idf[c] * f * (_K1 + 1) / (f + norm[rows])
        return out

    def ranked(self, dense: np.ndarray, lexical: np.ndarray, method: str,
               k: int = 10) -> list[int]:
        """Top-k group ids (repeats collapsed) for one query, as rag/rank would
        order them: the candidate depths, then ``fuse``."""
        return self.top_groups(self.scores(dense, lexical, method), k)

    def scores(self, dense: np.ndarray, lexical: np.ndarray, method: str) -> dict[int, float]:
        """Fused scores of one query's candidates (passage rows), short replies
        lowered, as rag/rank scores them (a benchmark may adjust these)."""
        d: dict[int, float] = {}
        lx: dict[int, float] = {}
        if method != "lexical":
            top = np.argpartition(-dense, min(DENSE_CANDIDATES, self.n - 1))[:DENSE_CANDIDATES]
            d = {int(i): float(dense[i]) for i in top}
        if method != "dense":
            nz = np.flatnonzero(lexical)
            top = nz[np.argsort(-lexical[nz])[:LEXICAL_CANDIDATES]]
            lx = {int(i): float(lexical[i]) for i in top}
        if method in ("hybrid", "rrf"):
            for i in [i for i in lx if i not in d]:
                d[i] = float(dense[i])
            for i in [i for i in d if i not in lx]:
                lx[i] = float(lexical[i])
        scores = fuse(d, lx, method)
        if method in ("hybrid", "dense"):
            scores = demote_short(scores, {i for i in scores if self.short[i]})
        return scores

    def top_groups(self, scores: dict[int, float], k: int = 10) -> list[int]:
        """The ``k`` best groups of repeated replies by ``scores``."""
        out: list[int] = []
        for i in sorted(scores, key=scores.__getitem__, reverse=True):
            g = int(self.groups[i])
            if g not in out:
                out.append(g)
                if len(out) == k:
                    break
        return out


@dataclass
class FoldResult:
    """Ranks of the gold reply per (variant, method), each fold's pairs in turn."""
    folds: int
    ranks: dict[tuple[str, str], list[int | None]] = field(default_factory=dict)
    per_fold: dict[tuple[str, str], list[list[int | None]]] = field(default_factory=dict)

    def row(self, variant: str, method: str) -> dict[str, float]:
        ranks = self.ranks[(variant, method)]
        n = max(1, len(ranks))
        out = {f"R@{k}": round(sum(1 for r in ranks if r and r <= k) / n, 3) for k in KS}
        out["MRR@10"] = round(sum(1 / r for r in ranks if r and r <= 10) / n, 3)
        # the spread over folds says how far one figure can be trusted
        mrrs = [sum(1 / r for r in f if r and r <= 10) / max(1, len(f))
                for f in self.per_fold[(variant, method)]]
        out["MRR sd"] = round(float(np.std(mrrs)), 3)
        out["n"] = len(ranks)
        return out


QueryMap = Callable[[np.ndarray], np.ndarray]
#: trained on the other folds' (question vectors, reply vectors, dropped-question
#: vectors): returns the map applied to the held-out fold's query vectors
Trainer = Callable[[np.ndarray, np.ndarray, np.ndarray], QueryMap]


def crossval(store: Store, encoder: Encoder, *, folds: int = 5,
             methods: Sequence[str] = METHODS, variants: Sequence[str] = VARIANTS,
             train: Trainer | None = None, cache_dir: Path | None = None,
             limit: int | None = None, progress: bool = False,
             pairs: Sequence[Pair] | None = None) -> FoldResult:
    """Rank every held-out pair's reply against the whole index, fold by fold.

    ``train`` (optional) gets the other folds' pairs as vectors and returns a
    map applied to this fold's query vectors (a query-side adapter).
    ``limit``: at most this many test pairs a fold (evenly spaced), for a
    quick run."""
    for v in variants:
        if v not in VARIANTS:
            raise ValueError(f"unknown variant {v!r}; choose from {', '.join(VARIANTS)}")
    pairs = list(pairs) if pairs is not None else labelled_pairs(store)
    if not pairs:
        raise ValueError("the index holds no answered questions to cross-validate on")
    cache = VectorCache(cache_dir, encoder)
    view = CorpusView(store, encoder, pairs, cache, progress=progress)
    dropped = [drop_reply_words(p.question, p.reply) for p in pairs]
    q_vectors = cache.encode([p.question for p in pairs], progress=progress)
    d_texts = [d or p.question for d, p in zip(dropped, pairs)]
    d_vectors = cache.encode(d_texts, progress=progress)
    # a reply's training target: its first reply-only chunk (what the question must find)
    first_chunk = cache.encode([reply_windows(p.reply)[0] for p in pairs])
    result = FoldResult(folds=0)
    fold_list = date_folds(pairs, folds)
    result.folds = len(fold_list)
    for f, test in enumerate(fold_list):
        train_idx = np.array(sorted(set(range(len(pairs))) - set(test)), np.int64)
        qmap: QueryMap = (lambda x: x)
        if train is not None:
            qmap = train(q_vectors[train_idx], first_chunk[train_idx], d_vectors[train_idx])
        index = view.fold_index(pairs[i].passage_id for i in test)
        if limit is not None and len(test) > limit:
            step = len(test) / limit
            test = [test[int(j * step)] for j in range(limit)]
        for variant in variants:
            if variant == "as-is":
                idx = list(test)
                texts = [pairs[i].question for i in idx]
                vecs = q_vectors[idx]
            else:
                idx = [i for i in test if dropped[i]]
                texts = [dropped[i] for i in idx]
                vecs = d_vectors[idx]
            vecs = _normalized(qmap(vecs)) if len(idx) else vecs
            dense = index.dense(vecs) if set(methods) != {"lexical"} else None
            for method in methods:
                ranks: list[int | None] = []
                for j, i in enumerate(idx):
                    lex = index.bm25(texts[j]) if method != "dense" else np.zeros(index.n)
                    dn = dense[j] if dense is not None else np.zeros(index.n)
                    top = index.ranked(dn, lex, method)
                    gold = int(view.groups[view.row_of[pairs[i].passage_id]])
                    ranks.append(top.index(gold) + 1 if gold in top else None)
                result.ranks.setdefault((variant, method), []).extend(ranks)
                result.per_fold.setdefault((variant, method), []).append(ranks)
    return result


def _normalized(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def format_folds(results: dict[str, FoldResult], methods: Sequence[str] = METHODS,
                 variants: Sequence[str] = VARIANTS) -> str:
    """One table: a row per (variant, method, setting)."""
    lines = []
    head = None
    for name, res in results.items():
        for variant in variants:
            for method in methods:
                if (variant, method) not in res.ranks:
                    continue
                row = res.row(variant, method)
                if head is None:
                    head = ["variant", "ranking", "setting", *row]
                    lines.append(head)
                lines.append([variant, method, name, *map(str, row.values())])
    if not lines:
        return ""
    widths = [max(len(r[i]) for r in lines) for i in range(len(lines[0]))]
    fmt = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([fmt(lines[0]), fmt(["-" * w for w in widths]), *map(fmt, lines[1:])])

