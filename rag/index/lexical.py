"""BM25 over every passage, in memory: the lexical half of hybrid search.

SQLite holds the passages; this is derived from them, like the FAISS file. A
bm25s snapshot of all passages is saved beside the index (``lexical.<gen>/``:
bm25s's own .npy + JSON, plus the passage ids and filter columns as .npy and a
``snapshot.json`` written last), recorded with each file's size and SHA-256
in the manifest, and memory-mapped when opened if they still match. Passages added
since the snapshot (the "tail") are tokenized in memory and scored with the
snapshot's statistics; removed ones are masked out. The snapshot is rebuilt
only when the tail or the removals outgrow REBUILD_SHARE of it, so one new
transcript costs its own tokens, not the corpus's.

Why not SQLite FTS5's bm25(): it scores every row that matches any query word
(an OR query), which measured 0.6 s a query at 300k passages; bm25s's sparse
matrix answers in ~3 ms there. Scores mirror FTS5's (Porter stemmer,
unicode61-style words, k1=1.2, b=0.75, question and reply as one field), so a
score means what it meant to the fusion tuned on them (rag/rank/fusion.py).
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import numpy as np

from embeddings.atomic import new_temp_dir

from ..faults import crash_point
from ..parse import normalize_outlet
from .manifest import (claim, clear_stale_temp_files, discard, file_record,
                       fresh_name, matches, owned, read_manifest, record_owned, release_others,
                       update_manifest)
from .tokenize import query_tokens, tokens
from .words import WORDS_FILE, WordCounts

if TYPE_CHECKING:
    from ..store import Store

K1, B = 1.2, 0.75
REBUILD_SHARE = 0.05      # rebuild when added + removed passages exceed this share...
REBUILD_MIN = 500         # ...and this many (a small index is rebuilt in well under a second)
SNAPSHOT_FILE = "snapshot.json"
FORMAT = "bm25s-robertson-porter-3"   # 2: built_at, 3: publishers


def _day(iso: str) -> int:
    return dt.date.fromisoformat(iso).toordinal()


@dataclass(frozen=True)
class Columns:
    """What the filters need, one entry a passage, in row order."""
    ids: np.ndarray            # int64 passage ids
    days: np.ndarray           # int32 date ordinals
    questioners: np.ndarray    # int32 codes into the names below (-1: none)
    spokespersons: np.ndarray
    publishers: np.ndarray

    @classmethod
    def from_rows(cls, rows: Sequence[tuple], names: dict[str, dict[str, int]]) -> "Columns":
        """rows: (id, date, questioner, spokesperson, question, text, publisher);
        ``names`` grows with new values."""
        def code(kind: str, value: str | None) -> int:
            if not value:
                return -1
            table = names[kind]
            return table.setdefault(value.casefold(), len(table))
        return cls(np.fromiter((r[0] for r in rows), np.int64, len(rows)),
                   np.fromiter((_day(r[1]) for r in rows), np.int32, len(rows)),
                   np.fromiter((code("questioner", r[2]) for r in rows), np.int32, len(rows)),
                   np.fromiter((code("spokesperson", r[3]) for r in rows), np.int32, len(rows)),
                   np.fromiter((code("publisher", r[6]) for r in rows), np.int32, len(rows)))

    def arrays(self) -> tuple[np.ndarray, ...]:
        return tuple(getattr(self, name) for name in COLUMN_NAMES)

    def head(self, n: int) -> "Columns":
        return Columns(*(np.asarray(a[:n]) for a in self.arrays()))

    def __add__(self, other: "Columns") -> "Columns":
        return Columns(*(np.concatenate([a, b]) for a, b in zip(self.arrays(), other.arrays())))


COLUMN_NAMES = tuple(f.name for f in fields(Columns))    # also their .npy file names


class _Tail:
    """Passages added since the snapshot: a small inverted index in memory."""

    def __init__(self, docs: list[list[str]]):
        self.n = len(docs)
        self.lengths = np.fromiter((len(d) for d in docs), np.float32, self.n)
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for row, doc in enumerate(docs):
            for tok, tf in Counter(doc).items():
                rows, tfs = postings.setdefault(tok, ([], []))
                rows.append(row)
                tfs.append(tf)
        self.postings = {t: (np.asarray(r, np.int64), np.asarray(f, np.float32))
                         for t, (r, f) in postings.items()}


class _SnapshotWords:
    """A snapshot's word count: in memory after a build, else read from its
    folder on first use (and only then: most searches need no spelling)."""

    def __init__(self, words: WordCounts | None, folder: Path | None):
        self._words = words
        self.folder = folder
        self._tried = words is not None

    def get(self) -> WordCounts | None:
        if not self._tried:
            self._tried = True
            path = self.folder / WORDS_FILE if self.folder is not None else None
            # load() checked every file of the folder against the manifest
            if path is not None and path.is_file():
                try:
                    self._words = WordCounts.load(path)
                except (OSError, ValueError):
                    self._words = None
        return self._words


class LexicalIndex:
    """BM25 scores of a question against every passage, and the filters as masks.

    Immutable once made: ``synced`` returns a new one, so searching threads
    never see half an update.
    """

    def __init__(self, bm25, columns: Columns, names: dict[str, dict[str, int]],
                 avgdl: float, snapshot_n: int, alive: np.ndarray, tail: _Tail,
                 path: Path | None, built_at: str, words: "_SnapshotWords | None" = None,
                 tail_words: WordCounts | None = None):
        self._bm25 = bm25
        self._words = words or _SnapshotWords(None, path)   # the snapshot's, shared by its syncs
        self._tail_words = tail_words or WordCounts()
        self.columns = columns                  # snapshot rows, then tail rows
        self._names = names
        self._avgdl = avgdl
        self.snapshot_n = snapshot_n
        self._alive = alive                     # bool over all rows
        self._tail = tail
        self.path = path
        self.built_at = built_at                # UTC ISO time its rows were read
        # id -> row over live rows only: a passage rewritten under its old id
        # (its conference stored again since the snapshot) is a dead snapshot
        # row and a live tail row, and the dead one must not answer for it
        # (its BM25 score, its publisher and filters read as nothing)
        live = np.flatnonzero(alive)
        self._order = live[np.argsort(np.asarray(columns.ids)[live], kind="stable")]
        self._sorted_ids = np.asarray(columns.ids)[self._order]

    # -- making -------------------------------------------------------------------
    @classmethod
    def build(cls, rows: Iterable[tuple], *, writer: bool = False) -> "LexicalIndex":
        """rows: (id, date, questioner, spokesperson, question, text) of every
        passage; ``writer``: the caller holds the ingest lock."""
        import bm25s
        now = dt.datetime.now(dt.timezone.utc)
        # Under the ingest lock nothing is stored while the rows are read: all
        # stored before now is in. Otherwise a conference stored meanwhile is
        # fetched again by ``synced`` (5 s margin). Same format as ingested_at.
        built_at = (now if writer else now - dt.timedelta(seconds=5)
                    ).isoformat(timespec="microseconds")
        rows = list(rows)
        docs = [tokens(f"{r[4] or ''} {r[5]}") for r in rows]
        names: dict[str, dict[str, int]] = {"questioner": {}, "spokesperson": {}, "publisher": {}}
        columns = Columns.from_rows(rows, names)
        bm25 = bm25s.BM25(k1=K1, b=B, method="robertson")
        if docs:
            bm25.index(docs, show_progress=False)
        avgdl = float(np.mean([len(d) for d in docs])) if docs else 1.0
        words = WordCounts.from_texts(f"{r[4] or ''} {r[5]}" for r in rows)
        return cls(bm25 if docs else None, columns, names, avgdl, len(rows),
                   np.ones(len(rows), bool), _Tail([]), None, built_at,
                   _SnapshotWords(words, None))

    def save(self, index_dir: Path, generation: int, store: "Store | None" = None) -> Path:
        """Write ``lexical.<generation>/`` beside the index (temp folder, then
        rename, so a reader sees a whole snapshot or none), and record it with
        each file's size and SHA-256 in the manifest, which is what ``load``
        trusts (and, given the ``store``, in presscon.db's copy of the
        ledger). Only under the writer lock. A folder of that name that is not
        presscon's, or one of presscon's that holds a file of someone else's,
        is left alone (the snapshot takes ``lexical.<gen>-1``)."""
        if self._tail.n or not self._alive.all():
            raise ValueError("only a freshly built snapshot is saved")
        clear_stale_temp_files(index_dir)
        stem = f"lexical.{generation}"
        name = fresh_name(index_dir, stem, "", store)
        final = index_dir / name
        tmp = new_temp_dir(final)      # a name only presscon makes (embeddings/atomic.py)
        try:
            if self._bm25 is not None:
                self._bm25.save(str(tmp), show_progress=False)
            for col, array in zip(COLUMN_NAMES, self.columns.arrays()):
                np.save(tmp / f"{col}.npy", array, allow_pickle=False)
            words = self._words.get()
            if words is not None:
                words.save(tmp / WORDS_FILE)
            crash_point("bm25.write")
            (tmp / SNAPSHOT_FILE).write_text(json.dumps({
                "format": FORMAT, "generation": generation, "passages": self.snapshot_n,
                "built_at": self.built_at, "written_by": "presscon",
                "avgdl": self._avgdl, "names": self._names}), encoding="utf-8")
            files = {f.name: file_record(f) for f in sorted(tmp.iterdir()) if f.is_file()}
            os.chmod(tmp, 0o755)
            crash_point("bm25.before_rename")
            claim(index_dir, name, store)
            tried = {name}
            # presscon's own (fresh_name): a broken snapshot that load skipped
            while not discard(index_dir, name):
                name = fresh_name(index_dir, stem, "", store, skip=tried)
                tried.add(name)
                final = index_dir / name
                claim(index_dir, name, store)
            os.replace(tmp, final)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        current = (read_manifest(index_dir) or {}).get("lexical")
        if not (isinstance(current, dict) and isinstance(current.get("generation"), int)
                and current["generation"] > generation
                and (index_dir / str(current.get("dir"))).is_dir()):
            # (a newer snapshot recorded meanwhile stays the one served)
            update_manifest(index_dir, lexical={"dir": name, "generation": generation,
                                                "files": files})
            release_others(index_dir, "lexical.", {name})
        record_owned(index_dir, store)
        self.path = final
        self._words.folder = final
        return final

    @staticmethod
    def snapshots(index_dir: Path) -> list[Path]:
        """Snapshot folders presscon saved here and still has, newest first
        (folders of other programs and temp folders are not snapshots)."""
        found = []
        for name in owned(read_manifest(index_dir)):
            m = re.fullmatch(r"lexical\.(\d+)(?:-(\d+))?", name)
            if m and (index_dir / name).is_dir():
                found.append((int(m[1]), int(m[2] or 0), index_dir / name))
        return [d for *_, d in sorted(found, reverse=True)]

    @classmethod
    def newest(cls, index_dir: Path) -> Path | None:
        """The snapshot the manifest names as current, if it is there."""
        m = read_manifest(index_dir)
        lex = (m or {}).get("lexical")
        if not isinstance(lex, dict) or lex.get("dir") not in owned(m):
            return None
        path = index_dir / lex["dir"]
        return path if path.is_dir() else None

    @classmethod
    def load(cls, index_dir: Path) -> "LexicalIndex | None":
        """The snapshot the manifest names, memory-mapped, if every file has
        the size and SHA-256 it was written with; None otherwise (missing,
        damaged, of another version: the caller rebuilds from SQLite). A
        damaged .npy would otherwise change scores silently or raise
        IndexError mid-search."""
        from .bm25_snapshot import SnapshotBM25   # bm25s's files, without importing bm25s
        d = cls.newest(index_dir)
        if d is None:
            return None
        files = (read_manifest(index_dir) or {}).get("lexical", {}).get("files")
        wanted = {SNAPSHOT_FILE, *(f"{n}.npy" for n in COLUMN_NAMES)}
        if not isinstance(files, dict) or not wanted <= set(files):
            return None
        for rel, record in files.items():
            if not isinstance(rel, str) or "/" in rel or rel in (".", "..") \
                    or not matches(d / rel, record):
                return None
        try:
            meta = json.loads((d / SNAPSHOT_FILE).read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT:
                return None
            cols = Columns(*(np.load(d / f"{n}.npy", mmap_mode="r", allow_pickle=False)
                             for n in COLUMN_NAMES))
            n = int(meta["passages"])
            if any(len(a) != n for a in cols.arrays()):
                return None
            bm25 = SnapshotBM25.load(d, mmap=True) if n else None
            return cls(bm25, cols, meta["names"], float(meta["avgdl"]), n, np.ones(n, bool),
                       _Tail([]), d, meta["built_at"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
            return None  # unreadable or of another version: the caller rebuilds

    def synced(self, current_ids: np.ndarray, fetch: Callable[[list[int]], Iterable[tuple]],
               fetch_since: Callable[[str], Iterable[tuple]]) -> "LexicalIndex":
        """This snapshot caught up with the store. Rows are (id, date, questioner,
        spokesperson, question, text): ``fetch(ids)`` gives those of passages
        added since, ``fetch_since(iso_time)`` those of conferences stored since
        the snapshot was built, which catches a passage rewritten under its old
        id (a newer parser naming another questioner)."""
        snap = self.columns.head(self.snapshot_n)
        recent = list(fetch_since(self.built_at))
        recent_ids = np.fromiter((r[0] for r in recent), np.int64, len(recent))
        added = np.setdiff1d(np.setdiff1d(current_ids, snap.ids, assume_unique=True),
                             recent_ids)
        rows = recent + (list(fetch(added.tolist())) if len(added) else [])
        dead = np.union1d(np.setdiff1d(snap.ids, current_ids, assume_unique=True), recent_ids)
        names = {k: dict(v) for k, v in self._names.items()}
        alive = ~np.isin(snap.ids, dead)
        return LexicalIndex(self._bm25, snap + Columns.from_rows(rows, names), names,
                            self._avgdl, self.snapshot_n,
                            np.concatenate([alive, np.ones(len(rows), bool)]),
                            _Tail([tokens(f"{r[4] or ''} {r[5]}") for r in rows]), self.path,
                            self.built_at, self._words,
                            WordCounts.from_texts(f"{r[4] or ''} {r[5]}" for r in rows))

    @property
    def stale(self) -> bool:
        """True when the passages added, rewritten or removed since the snapshot
        are enough to rebuild it."""
        changed = self._tail.n + int((~self._alive[:self.snapshot_n]).sum())
        return changed > max(REBUILD_MIN, REBUILD_SHARE * self.snapshot_n)

    # -- reading ------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self._alive.sum())

    def scores(self, question: str) -> np.ndarray:
        """BM25 of every row (snapshot, then tail); 0 where no word matches."""
        toks = query_tokens(question)
        out = np.zeros(len(self._alive), np.float32)
        if not toks:
            return out
        n_snap = self.snapshot_n
        if self._bm25 is not None:
            ids = self._bm25.get_tokens_ids(toks)
            if ids:
                # bm25s leaves out FTS5's (k1 + 1) factor: put it back so scores match
                out[:n_snap] = self._bm25.get_scores_from_ids(ids) * (K1 + 1)
        tail = self._tail
        if tail.n:
            # the tail is scored with the statistics of snapshot and tail together
            n = n_snap + tail.n
            avgdl = (self._avgdl * n_snap + float(tail.lengths.sum())) / n
            norm = K1 * (1 - B + B * tail.lengths / avgdl)
            for tok in toks:
                posting = tail.postings.get(tok)
                if posting is None:
                    continue
                rows, tf = posting
                df = self._snapshot_df(tok) + len(rows)
                idf = math.log(max(1.0, (n - df + 0.5) / (df + 0.5)))
                out[n_snap + rows] += idf * tf * (K1 + 1) / (tf + norm[rows])
        out[~self._alive] = 0.0
        return out

    def document_frequency(self, token: str) -> int:
        """Passages (snapshot and tail) whose words include the index token
        ``token`` (as :func:`tokens` makes it): 0 for a word the index never
        uses. Cheap: what tells a query word worth a spelling check."""
        posting = self._tail.postings.get(token)
        return self._snapshot_df(token) + (len(posting[0]) if posting is not None else 0)

    def used_in(self, token: str, mask: np.ndarray | None) -> bool:
        """Whether any live passage among ``mask``'s rows (all when None) has
        the index token ``token``: does one publisher's text use a name at all."""
        rows = []
        if self._bm25 is not None and token in self._bm25.vocab_dict:
            t = self._bm25.vocab_dict[token]
            indptr = self._bm25.scores["indptr"]
            rows.append(np.asarray(self._bm25.scores["indices"][indptr[t]:indptr[t + 1]],
                                   np.int64))
        posting = self._tail.postings.get(token)
        if posting is not None:
            rows.append(self.snapshot_n + np.asarray(posting[0], np.int64))
        if not rows:
            return False
        found = np.concatenate(rows)
        keep = self._alive if mask is None else mask
        return bool(keep[found].any())

    def words(self) -> WordCounts | None:
        """The passages' words as written (snapshot and tail), for spelling
        correction; None when the snapshot on disk has no word count (one
        saved by an older presscon: the caller counts from the store)."""
        snapshot = self._words.get()
        return None if snapshot is None else snapshot + self._tail_words

    def _snapshot_df(self, tok: str) -> int:
        if self._bm25 is None or tok not in self._bm25.vocab_dict:
            return 0
        t = self._bm25.vocab_dict[tok]
        indptr = self._bm25.scores["indptr"]
        return int(indptr[t + 1] - indptr[t])

    def mask(self, questioner: str | None = None,
             spokesperson: str | Sequence[str] | None = None,
             date_from: dt.date | None = None, date_to: dt.date | None = None,
             publisher: str | None = None) -> np.ndarray | None:
        """Rows that pass the filters (None: no filter). Names compare without
        case; ``spokesperson`` may be every stored form of one person's name."""
        if not (questioner or spokesperson or date_from or date_to or publisher):
            return None
        m = self._alive.copy()
        c = self.columns
        if questioner:
            name = (normalize_outlet(questioner) or questioner).casefold()
            m &= c.questioners == self._names["questioner"].get(name, -2)
        if spokesperson:
            forms = [spokesperson] if isinstance(spokesperson, str) else spokesperson
            codes = [self._names["spokesperson"].get(f.casefold(), -2) for f in forms]
            m &= np.isin(c.spokespersons, codes)
        if publisher:
            m &= c.publishers == self._names["publisher"].get(publisher.casefold(), -2)
        if date_from:
            m &= c.days >= date_from.toordinal()
        if date_to:
            m &= c.days <= date_to.toordinal()
        return m

    def top(self, scores: np.ndarray, k: int, mask: np.ndarray | None = None
            ) -> list[tuple[int, float]]:
        """(passage id, score) of the k best rows with a score, best first."""
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        hit = np.flatnonzero(scores > 0)
        if len(hit) > k:
            hit = hit[np.argpartition(-scores[hit], k - 1)[:k]]
        hit = hit[np.lexsort((self.columns.ids[hit], -scores[hit]))]
        return [(int(self.columns.ids[r]), float(scores[r])) for r in hit]

    def rows(self, passage_ids: Sequence[int]) -> np.ndarray:
        """Row of each passage id (-1 where unknown)."""
        ids = np.asarray(passage_ids, np.int64)
        sorted_ids = self._sorted_ids
        if not len(sorted_ids):
            return np.full(len(ids), -1)
        pos = np.searchsorted(sorted_ids, ids).clip(0, len(sorted_ids) - 1)
        found = sorted_ids[pos] == ids
        return np.where(found, self._order[pos], -1)

    def of(self, scores: np.ndarray, passage_ids: Sequence[int]) -> dict[int, float]:
        """Scores of the given passages (those the dense side found)."""
        rows = self.rows(passage_ids)
        return {int(p): float(scores[r]) for p, r in zip(passage_ids, rows)
                if r >= 0 and scores[r] > 0}

    def allowed(self, mask: np.ndarray, passage_ids: Sequence[int]) -> set[int]:
        rows = self.rows(passage_ids)
        return {int(p) for p, r in zip(passage_ids, rows) if r >= 0 and mask[r]}
