"""The public API: open an index, ingest transcripts, search for verbatim replies."""
from __future__ import annotations

import datetime as dt
import os
import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

import numpy as np

from embeddings.encoder import ENCODE_BATCH, DEFAULT_MODEL, Encoder, load_encoder
from embeddings.faiss_index import EXACT_FILTER_MAX, VectorIndex

from .chunking import STRATEGY, chunk_rows
from .errors import IngestBusyError, ModelMismatchError, PressconError
from .fusion import METHODS, fuse, prefer_period
from .groups import Citation
from .ingest import Ingestor, IngestReport
from .bm25_index import LexicalIndex
from .manifest import read_manifest, write_manifest
from .store import SCHEMA_VERSION, Store

if TYPE_CHECKING:
    from .analysis import AnswerChange, MonthCount
    from .query import QueryPlan

DB_FILE = "presscon.db"
LOCK_FILE = "ingest.lock"
MAX_QUESTION_CHARS = 2000
MAX_K = 100
DENSE_CANDIDATES = 100    # chunks fetched from FAISS before grouping by passage
LEXICAL_CANDIDATES = 50


def default_index_dir() -> Path:
    """$PRESSCON_INDEX, else the user's data folder (e.g. ~/.local/share/presscon/index)."""
    env = os.environ.get("PRESSCON_INDEX")
    if env:
        return Path(env).expanduser()
    import platformdirs
    return Path(platformdirs.user_data_dir("presscon", appauthor=False)) / "index"


def _as_date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise PressconError(f"{name} must be a date like 2020-05-14, not {value!r}") from None


def format_citation(spokesperson: str | None, date: dt.date, questioner: str | None,
                    kind: str) -> str:
    who = spokesperson or "Spokesperson"
    when = f"press conference of {date.day} {date:%B %Y}"
    if kind == "statement":
        return f"{who}, {when}, opening statement"
    return f"{who}, {when}, answering {questioner or 'an unnamed questioner'}"


@dataclass(frozen=True)
class Hit:
    text: str                  # the whole reply, verbatim
    date: dt.date
    questioner: str | None
    spokesperson: str
    question: str | None
    score: float
    citation: str
    passage_id: int
    kind: str = "answer"       # "answer" | "statement"
    source: str = ""           # file the passage came from
    url: str | None = None
    title: str = ""
    # Every occasion this reply (or a near-identical wording of it) was given,
    # oldest first, this hit's own included; see rag/groups.py.
    citations: tuple[Citation, ...] = ()

    @property
    def count(self) -> int:
        """How many times the reply was given (1 for a reply never repeated)."""
        return len(self.citations) or 1

    @property
    def first_date(self) -> dt.date:
        return self.citations[0].date if self.citations else self.date

    @property
    def last_date(self) -> dt.date:
        return self.citations[-1].date if self.citations else self.date

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["date"] = self.date.isoformat()
        d["citations"] = [c.to_dict() for c in self.citations]
        d.update(count=self.count, first_date=self.first_date.isoformat(),
                 last_date=self.last_date.isoformat())
        return d


@dataclass(frozen=True)
class Answer:
    """What ``Retriever.ask`` found, and what it read from the question."""
    hits: list[Hit]
    understood: tuple[str, ...] = ()   # applied: filters or a preferred period from the words
    dropped: tuple[str, ...] = ()      # read, but matched nothing: the hits are without them


class Retriever:
    def __init__(self, index_dir: Path, store: Store, encoder: Encoder):
        self.index_dir = index_dir
        self.store = store
        self.encoder = encoder
        self._index_lock = threading.RLock()
        self._ingesting = False
        self._index = VectorIndex(encoder.dim)
        self._generation = -1
        self._vocabulary: tuple | None = None
        self._lexical: LexicalIndex | None = None
        self._load_index()

    # -- opening ------------------------------------------------------------
    @classmethod
    def open(cls, index_dir: str | os.PathLike | None = None, *, encoder: Encoder | None = None,
             model: str | None = None) -> "Retriever":
        """Open (or create) the index in ``index_dir``.

        The model is the one the index was built with; asking for another is
        an error that names ``presscon reindex`` rather than mixing vectors.
        """
        path = Path(index_dir) if index_dir is not None else default_index_dir()
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise PressconError(f"cannot create index folder {path}: {e.strerror or e}") from None
        if path.joinpath(DB_FILE).exists() and not os.access(path / DB_FILE, os.R_OK):
            raise PressconError(f"cannot read {path / DB_FILE}")
        store = Store(path / DB_FILE)
        stored = store.get_meta("model_id")
        wanted = encoder.model_id if encoder is not None else (model or stored or DEFAULT_MODEL)
        if stored is not None and stored != wanted:
            store.close()
            raise ModelMismatchError(
                f"the index in {path} was built with model {stored!r}, not {wanted!r}; "
                f"open it without a model, or run `presscon reindex --index {path} "
                f"--model {wanted}` to re-encode it")
        chunking = store.get_meta("chunking")
        if chunking is not None and chunking != STRATEGY:
            store.close()
            raise PressconError(
                f"the index in {path} was chunked as {chunking!r}; this presscon chunks as "
                f"{STRATEGY!r}: run `presscon reindex --index {path}` once")
        if encoder is None:
            encoder = load_encoder(wanted)
        if stored is None:
            store.set_meta("model_id", encoder.model_id)
            store.set_meta("chunking", STRATEGY)
        return cls(path, store, encoder)

    @classmethod
    def reindex(cls, index_dir: str | os.PathLike | None = None, *, model: str | None = None,
                encoder: Encoder | None = None, progress: bool = False,
                batch: int = 256) -> "Retriever":
        """Re-chunk and re-encode every passage with ``model``, then switch to it.

        New vectors go into SQLite beside the old model's, a batch per
        transaction, so a crash loses at most one batch and a rerun resumes;
        the switch itself (chunk rows + model id) is one transaction, so
        readers see the old index or the new one, never a mix.
        """
        path = Path(index_dir) if index_dir is not None else default_index_dir()
        if not (path / DB_FILE).exists():
            raise PressconError(f"no index in {path}")
        store = Store(path / DB_FILE)
        enc = encoder or load_encoder(model or store.get_meta("model_id") or DEFAULT_MODEL)
        with _ingest_lock(path):
            plan = []  # (passage id, chunk id, ordinal, text, hash)
            for p in store.all_passages():
                plan.extend((p.id, *row) for row in chunk_rows(p.id, p.question, p.text))
            texts = {h: t for *_, t, h in plan}
            todo = sorted(store.missing_hashes(enc.model_id, texts))
            bar = None
            if progress and todo:
                from tqdm.auto import tqdm
                bar = tqdm(total=len(todo), desc=f"reindex {enc.model_id}", unit="chunk")
            for i in range(0, len(todo), batch):
                part = todo[i:i + batch]
                vecs = enc.encode([texts[h] for h in part], batch_size=ENCODE_BATCH)
                with store.write() as db:
                    Store.put_vectors(db, enc.model_id, zip(part, vecs))
                if bar is not None:
                    bar.update(len(part))
            if bar is not None:
                bar.close()
            with store.write() as db:
                db.execute("DELETE FROM chunks")
                db.executemany("INSERT INTO chunks(id, passage_id, ordinal, text_hash) VALUES (?,?,?,?)",
                               [(cid, pid, o, h) for pid, cid, o, _, h in plan])
                Store._set_meta(db, "model_id", enc.model_id)
                Store._set_meta(db, "chunking", STRATEGY)
                # Vectors no chunk uses any more (other models, old chunk texts).
                db.execute("DELETE FROM vectors WHERE model_id != ? OR text_hash NOT IN "
                           "(SELECT text_hash FROM chunks)", (enc.model_id,))
        return cls(path, store, enc)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Retriever":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- the derived FAISS file -----------------------------------------------
    def _manifest(self, generation: int, faiss_file: str) -> dict[str, Any]:
        counts = self.store.counts()
        return {
            "schema_version": SCHEMA_VERSION,
            "model_id": self.encoder.model_id,
            "dim": self.encoder.dim,
            "normalized": True,
            "metric": "inner_product",
            "chunking": STRATEGY,
            "generation": generation,
            "faiss_file": faiss_file,
            "index_type": self._index.kind,
            "vectors_in_index": len(self._index),
            **counts,
        }

    def _load_index(self) -> None:
        """Load the FAISS file if the manifest vouches for it, else rebuild it
        from the vectors stored in SQLite (encoding only what is missing)."""
        with self._index_lock:
            generation = self.store.generation()
            m = read_manifest(self.index_dir)
            self._sync_lexical()
            chunks = self.store.count("chunks")
            if (m and m.get("model_id") == self.encoder.model_id
                    and m.get("generation") == generation and m.get("chunking") == STRATEGY):
                try:
                    index = VectorIndex.load(self.index_dir / m["faiss_file"])
                    if len(index) == chunks and index.dim == self.encoder.dim:
                        self._index, self._generation = index, generation
                        return
                except (RuntimeError, OSError, KeyError):
                    pass  # unreadable or missing: rebuild below
            self._rebuild(generation)

    def _rebuild(self, generation: int) -> None:
        self._encode_missing()
        index = VectorIndex(self.encoder.dim)
        for ids, vecs in self.store.iter_chunk_vectors(self.encoder.model_id):
            index.add(ids, vecs)
        self._index, self._generation = index, generation
        self._save_index()

    def _encode_missing(self) -> int:
        """Vectors for chunks this model never encoded (after a crash or a reindex)."""
        missing = self.store.chunks_without_vector(self.encoder.model_id)
        if not missing:
            return 0
        wanted = {h for _, h in missing}
        texts = {h: t for p in self.store.passages(sorted({pid for pid, _ in missing})).values()
                 for _, _, t, h in chunk_rows(p.id, p.question, p.text) if h in wanted}
        order = sorted(texts)
        vecs = self.encoder.encode([texts[h] for h in order])
        with self.store.write() as db:
            Store.put_vectors(db, self.encoder.model_id, zip(order, vecs))
        return len(order)

    def _save_index(self) -> None:
        """FAISS file named by generation, then the manifest that points at it:
        a reader never pairs a manifest with a FAISS file of another state."""
        with self._index_lock:
            generation = self.store.generation()
            if generation != self._generation:
                return  # someone wrote since; the next open rebuilds
            name = f"vectors.{generation}.faiss"
            try:
                self._index.save(self.index_dir / name)
                write_manifest(self.index_dir, self._manifest(generation, name))
            except OSError:
                return  # read-only index folder: serve from memory
            for old in self.index_dir.glob("vectors.*.faiss"):
                if old.name != name:
                    try:
                        old.unlink()
                    except OSError:
                        pass

    def _sync_lexical(self, rebuild_if_stale: bool = False) -> None:
        """Catch the BM25 index up with SQLite: the newest snapshot on disk (or
        a new one if there is none, or, after an ingest, if the passages added
        and removed since outgrew it), plus the passages added since."""
        ids = self.store.passage_ids()
        lex = self._lexical
        newest = LexicalIndex.load(self.index_dir) if (
            lex is None or lex.path != LexicalIndex.newest(self.index_dir)) else lex
        if newest is not None:
            newest = newest.synced(ids, self.store.lexical_rows, self.store.lexical_rows_since)
        if newest is None or (rebuild_if_stale and newest.stale):
            generation = self.store.generation()
            newest = LexicalIndex.build(self.store.lexical_rows(), writer=rebuild_if_stale)
            try:
                newest.save(self.index_dir, generation)
            except OSError:
                pass  # read-only index folder: serve from memory
        self._lexical = newest

    def _refresh(self) -> None:
        """Pick up what another process (an ingest beside a running chat) committed."""
        if self._ingesting:
            return
        if self.store.generation() != self._generation:
            self._load_index()

    # -- writing --------------------------------------------------------------
    @contextmanager
    def _writer(self) -> Iterator[None]:
        with _ingest_lock(self.index_dir):
            self._refresh()
            self._ingesting = True
            try:
                yield
            finally:
                self._generation = self.store.generation()
                self._ingesting = False
                self._save_index()
                with self._index_lock:
                    self._sync_lexical(rebuild_if_stale=True)

    def ingest(self, paths: Sequence[str | os.PathLike] | str | os.PathLike, *,
               prune: bool = False, progress: bool = False) -> IngestReport:
        """Add, update or skip each transcript under ``paths`` (files or folders)."""
        import time
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        t0 = time.perf_counter()
        bar = None
        if progress:
            from tqdm.auto import tqdm

            def bar(it):
                return tqdm(it, desc="ingest", unit="file")
        with self._writer():
            ing = Ingestor(self.store, _LockedIndex(self._index, self._index_lock), self.encoder)
            report = ing.ingest(list(paths), prune=prune, progress=bar)
        report.seconds = time.perf_counter() - t0
        return report

    def remove(self, paths: Sequence[str | os.PathLike] | str | os.PathLike) -> IngestReport:
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        with self._writer():
            ing = Ingestor(self.store, _LockedIndex(self._index, self._index_lock), self.encoder)
            return IngestReport(files=ing.remove(list(paths)))

    # -- reading ----------------------------------------------------------------
    def search(self, question: str, k: int = 5, questioner: str | None = None,
               spokesperson: str | None = None, date_from: dt.date | str | None = None,
               date_to: dt.date | str | None = None, *, ranking: str = "hybrid",
               understand: bool = True) -> list[Hit]:
        """The k replies that best answer ``question``, best first, verbatim.

        With ``understand`` (the default), a period, an outlet or a spokesperson
        named in the question ("tell AFP in May 2020") fills the filters the
        caller left empty; ``ask`` says what was taken.
        If those inferred filters leave nothing, the search runs without them.
        """
        return self.ask(question, k, questioner, spokesperson, date_from, date_to,
                        ranking=ranking, understand=understand).hits

    def ask(self, question: str, k: int = 5, questioner: str | None = None,
            spokesperson: str | None = None, date_from: dt.date | str | None = None,
            date_to: dt.date | str | None = None, *, ranking: str = "hybrid",
            understand: bool = True) -> "Answer":
        """``search``, also saying what the question's own words changed: the
        notes of what was applied, or of what was dropped for matching nothing."""
        if not isinstance(question, str) or not question.strip():
            raise PressconError("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise PressconError(f"the question is {len(question):,} characters long; "
                                f"the limit is {MAX_QUESTION_CHARS:,}")
        if not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise PressconError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}")
        if ranking not in METHODS:
            raise PressconError(f"unknown ranking {ranking!r}; choose from {', '.join(METHODS)}")
        d_from, d_to = _as_date(date_from, "date_from"), _as_date(date_to, "date_to")
        if d_from and d_to and d_from > d_to:
            raise PressconError(f"date_from {d_from} is after date_to {d_to}")
        self._refresh()
        given = {"questioner": questioner or None, "spokesperson": spokesperson or None,
                 "date_from": d_from, "date_to": d_to}
        text, filters, prefer, notes = question, dict(given), None, ()
        if understand:
            from .query import applied_notes
            plan = self.understand(question)
            inferred = {key: v for key, v in plan.filters.items() if given.get(key) is None}
            # a period is taken whole or not at all: half of one would be a new filter
            if given["date_from"] or given["date_to"]:
                inferred.pop("date_from", None)
                inferred.pop("date_to", None)
            elif plan.prefer_from:
                prefer = (plan.prefer_from, plan.prefer_to)
            if inferred or prefer:
                text = plan.text
                filters.update(inferred)
                notes = tuple(applied_notes(plan.notes, given))
        hits = self._ranked(text, k, ranking, filters, prefer)
        if not hits and filters != given:
            return Answer(self._ranked(question, k, ranking, given), dropped=notes)
        return Answer(hits, understood=notes)

    def _ranked(self, text: str, k: int, ranking: str, filters: dict,
                prefer: tuple[dt.date, dt.date] | None = None) -> list[Hit]:
        scores = self._scores(text, k, ranking, filters, prefer)
        if self.group_repeats:  # one hit per group of repeated replies, citing every date
            return self._collapse(scores, k, text, ranking, filters, prefer)
        best = sorted(scores, key=lambda p: (-scores[p], p))[:k]
        rows = self.store.passages(best)
        return [self._hit(rows[p], scores[p]) for p in best if p in rows]

    def understand(self, question: str) -> "QueryPlan":
        """The filters ``search`` would infer from the question, with notes for the user."""
        from .profiles import MFA_PROFILE
        from .query import understand
        cached = self._vocabulary
        if cached is None or cached[0] != self.store.generation():
            # names the index knows, refreshed only when the index changes
            _, last = self.store.date_range()
            cached = self._vocabulary = (
                self.store.generation(),
                [name for name, _ in self.questioners()],
                [name for name, _ in self.spokespersons()],
                dt.date.fromisoformat(last) if last else None)
        _, questioners, spokespersons, reference = cached
        return understand(question, questioners=questioners, spokespersons=spokespersons,
                          aliases=MFA_PROFILE.outlet_aliases, reference=reference)

    def candidates(self, question: str, k: int = 10, ranking: str = "hybrid", *,
                   questioner: str | None = None, spokesperson: str | None = None,
                   date_from: dt.date | None = None, date_to: dt.date | None = None
                   ) -> tuple[dict[int, float], dict[int, float]]:
        """Dense (best-chunk cosine) and lexical (BM25) scores by passage id.

        For the fused rankings every candidate gets both scores, whichever
        side found it, so fusion compares like with like.
        """
        lex = self._lexical
        mask = lex.mask(questioner, spokesperson, date_from, date_to)
        bm25 = lex.scores(question) if ranking != "dense" else None
        dense: dict[int, float] = {}
        lexical: dict[int, float] = {}
        if ranking != "lexical":
            qv = self.encoder.encode_query(question)
            dense = self._dense(qv, max(DENSE_CANDIDATES, 10 * k), lex, mask)
        if ranking != "dense":
            lexical = dict(lex.top(bm25, max(LEXICAL_CANDIDATES, 5 * k), mask))
        if ranking in ("hybrid", "rrf"):
            dense.update(self._dense_scores(qv, [p for p in lexical if p not in dense]))
            lexical.update(lex.of(bm25, [p for p in dense if p not in lexical]))
        return dense, lexical

    def _dense(self, qv: np.ndarray, n: int, lex: LexicalIndex,
               mask: np.ndarray | None) -> dict[int, float]:
        """Best-chunk cosine by passage id of the n nearest chunks passing the filters.

        A narrow filter hands FAISS the allowed chunk ids (the passages come
        from the filter columns in memory, their chunks from SQLite); a wide one
        would make that list the cost of the query (0.5 s for 460k ids), so it
        searches more widely without it and drops what fails the filter.
        """
        allowed, keep = None, None
        if mask is not None:
            share = mask.sum() / max(1, len(lex))
            if share * len(self._index) <= EXACT_FILTER_MAX:
                allowed = self.store.chunk_ids_of(lex.columns.ids[mask])
            else:
                keep = mask
                n = min(len(self._index), int(2 * n / share) + 1)
        with self._index_lock:
            scores, ids = self._index.search(qv, n, allowed)
        owner = self.store.chunk_passages(ids)
        if keep is not None:
            passing = lex.allowed(keep, list(set(owner.values())))
            owner = {c: p for c, p in owner.items() if p in passing}
        dense: dict[int, float] = {}
        for s, cid in zip(scores, ids):
            pid = owner.get(int(cid))
            if pid is not None and s > dense.get(pid, -1.0):
                dense[pid] = float(s)
        return dense

    def _dense_scores(self, qv: np.ndarray, passage_ids: list[int]) -> dict[int, float]:
        if not passage_ids:
            return {}
        out: dict[int, float] = {}
        q = ",".join("?" * len(passage_ids))
        for pid, blob in self.store.db.execute(
                f"SELECT ch.passage_id, v.vector FROM chunks ch CROSS JOIN vectors v "
                f"ON v.text_hash = ch.text_hash AND v.model_id = ? WHERE ch.passage_id IN ({q})",
                (self.encoder.model_id, *passage_ids)):
            s = float(np.frombuffer(blob, dtype=np.float32) @ qv)
            if s > out.get(pid, -1.0):
                out[pid] = s
        return out

    @staticmethod
    def _hit(p, score: float) -> Hit:
        spokesperson = p.spokesperson or ""
        return Hit(text=p.text, date=p.date, questioner=p.questioner,
                   spokesperson=spokesperson, question=p.question, score=round(score, 6),
                   citation=format_citation(spokesperson, p.date, p.questioner, p.kind),
                   passage_id=p.id, kind=p.kind, source=p.source, url=p.url, title=p.title)

    # -- facts ---------------------------------------------------------------------
    def questioners(self) -> list[tuple[str, int]]:
        return self.store.facet("questioner")

    def spokespersons(self) -> list[tuple[str, int]]:
        return self.store.facet("spokesperson")

    def info(self) -> dict[str, Any]:
        first, last = self.store.date_range()
        size = sum(f.stat().st_size for f in self.index_dir.rglob("*") if f.is_file())
        return {
            "index_dir": str(self.index_dir),
            "model_id": self.encoder.model_id,
            "dim": self.encoder.dim,
            "chunking": STRATEGY,
            **self.store.counts(),
            "vectors_in_index": len(self._index),
            # passages BM25 scores from its saved snapshot, and those added since
            "bm25_snapshot": self._lexical.snapshot_n,
            "bm25_since_snapshot": len(self._lexical.columns.ids) - self._lexical.snapshot_n,
            "first_date": first,
            "last_date": last,
            "size_bytes": size,
            "generation": self.store.generation(),
        }

    # -- repeated replies, positions over time, questioners (groups.py, analysis.py) --
    # Collapse near-identical replies in search results (set False to see every
    # copy, e.g. to measure what grouping saves).
    group_repeats: bool = True

    def _scores(self, text: str, k: int, ranking: str, filters: dict,
                prefer: tuple[dt.date, dt.date] | None) -> dict[int, float]:
        """Fused scores by passage id of about the k best candidates."""
        dense, lexical = self.candidates(text, k, ranking, **filters)
        scores = fuse(dense, lexical, ranking)
        if prefer:
            scores = prefer_period(scores, self.store.passage_dates(list(scores)), *prefer)
        return scores

    def _collapse(self, scores: dict[int, float], k: int, text: str, ranking: str,
                  filters: dict, prefer: Any = None) -> list[Hit]:
        """The k best distinct groups of repeated replies, each as one hit.

        The hit is ranked by its best-scoring member but shows the most recent
        wording that passes the filters (date, questioner and text of that one
        member, so the text stays a verbatim transcript reply; within a period
        the question prefers, if one was given then), and cites every member
        that passes the filters, oldest first. When copies crowd the candidate
        pool, the pool is widened (same scoring as ``_ranked``).
        """
        f = {key: filters.get(key) for key in ("questioner", "spokesperson", "date_from", "date_to")}
        best: dict[int, int] = {}
        for depth in (k, 4 * k, 16 * k):
            if depth > k:
                if len(best) >= k:
                    break
                wider = self._scores(text, depth, ranking, f, prefer)
                if len(wider) <= len(scores):
                    break
                scores = wider
            ranked = sorted(scores, key=lambda p: (-scores[p], p))
            group = self.store.group_of(ranked)
            best = {}
            for p in ranked:
                best.setdefault(group[p], p)
                if len(best) == k:
                    break
        where, args = self.store.filter_sql(*f.values())
        members = self.store.group_members(list(best), where, args)
        loose = self.store.passages([p for g, p in best.items() if g not in members])
        hits = []
        for g, p in best.items():
            rows = members.get(g) or ([loose[p]] if p in loose else [])
            if not rows:
                continue
            within = [m for m in rows if prefer and prefer[0] <= m.date <= prefer[1]]
            shown = max(within or rows,
                        key=lambda m: (m.date, scores.get(m.id, float("-inf")), -m.id))
            hit = self._hit(shown, scores[p])
            hits.append(replace(hit, citations=tuple(self._citation(m) for m in rows)))
        return hits

    @staticmethod
    def _citation(m) -> Citation:
        spokesperson = m.spokesperson or ""
        return Citation(passage_id=m.id, date=m.date, questioner=m.questioner,
                        spokesperson=spokesperson, question=m.question, text=m.text,
                        citation=format_citation(spokesperson, m.date, m.questioner, m.kind),
                        kind=m.kind, source=m.source, url=m.url, title=m.title)

    def versions(self, passage_id: int) -> list[Citation]:
        """Every occasion of the reply ``passage_id`` belongs to, oldest first,
        each with its own wording (compare them with ``groups.word_diff``)."""
        gid = self.store.group_of([passage_id])[passage_id]
        rows = self.store.group_members([gid]).get(gid) or list(
            self.store.passages([passage_id]).values())
        return [self._citation(m) for m in rows]

    def repeats(self, min_size: int = 2, limit: int | None = 20) -> list[dict[str, Any]]:
        """The largest groups of repeated replies: size, first/last date, newest wording."""
        from .groups import group_stats
        self._refresh()
        return group_stats(self.store, min_size=min_size, limit=limit)

    def update_groups(self) -> dict[str, int]:
        """Group passages still queued (an index built before grouping existed);
        ingest does this by itself, this is for an index that is only read."""
        from .groups import update_groups
        with self._writer():
            done = update_groups(self.store)
        return {"grouped": done.grouped, "joined": done.joined, "regrouped": done.regrouped}

    def timeline(self, question: str, *, limit: int = 30, relative: float = 0.8,
                 **search: Any) -> list["MonthCount"]:
        """Replies matching ``question`` per month, for a plot of a position over
        time: the top ``limit`` results scoring at least ``relative`` x the best,
        every occasion of a repeated reply counted. ``search`` takes the
        filters and options of :meth:`search`."""
        from .analysis import matching, timeline
        return timeline(matching(self.search(question, k=limit, **search), relative))

    def answer_change(self, question: str, *, limit: int = 10, relative: float = 0.8,
                      n: int = 1, **search: Any) -> "AnswerChange":
        """How the answer to ``question`` has changed: the ``n`` earliest and
        latest matching replies (as for :meth:`timeline`), verbatim with dates."""
        from .analysis import answer_change, matching
        return answer_change(matching(self.search(question, k=limit, **search), relative), n=n)

    def topic_questioners(self, question: str, *, limit: int = 30, relative: float = 0.8,
                          **search: Any) -> list[tuple[str | None, int]]:
        """Which outlets asked about ``question`` and how often (None: unnamed),
        most first, over the matching replies (as for :meth:`timeline`) and all
        their occasions."""
        from .analysis import matching, questioner_counts
        return questioner_counts(matching(self.search(question, k=limit, **search), relative))


@contextmanager
def _ingest_lock(index_dir: Path) -> Iterator[None]:
    """One writer per index: a second ingest is refused at once, not queued."""
    from filelock import FileLock, Timeout
    lock = FileLock(str(index_dir / LOCK_FILE))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise IngestBusyError(f"another ingest or reindex is writing to {index_dir}; "
                              "wait for it to finish") from None
    try:
        yield
    finally:
        lock.release()


class _LockedIndex:
    """The live index, mutated under the lock searches take."""

    def __init__(self, index: VectorIndex, lock: threading.RLock):
        self._index, self._lock = index, lock

    def add(self, ids, vectors) -> None:
        with self._lock:
            self._index.add(ids, vectors)

    def remove(self, ids) -> int:
        with self._lock:
            return self._index.remove(ids)
