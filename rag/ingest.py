"""Files -> parse -> diff by content hash -> SQLite (+ vectors) -> FAISS.

Each file is one SQLite transaction, so a crash loses at most the file in
flight; the FAISS file is derived and rebuilt from SQLite when stale.
Only chunk texts whose (model, text hash) has no stored vector are encoded.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from embeddings.encoder import ENCODE_BATCH, Encoder
from embeddings.faiss_index import VectorIndex

from .chunking import chunk_rows
from .models import Conference, ParseError
from .parse import PARSER_VERSION, SUPPORTED_SUFFIXES, parse_file
from .store import Store, stable_id, text_hash
from .groups import update_groups

STATUSES = ("added", "updated", "unchanged", "duplicate", "removed", "failed")


@dataclass
class FileResult:
    path: str
    status: str                 # one of STATUSES
    reason: str = ""            # why it failed, or what it duplicates
    passages: int = 0
    encoded: int = 0            # chunk texts sent to the encoder for this file
    date: str | None = None


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    def by_status(self, status: str) -> list[FileResult]:
        return [f for f in self.files if f.status == status]

    @property
    def counts(self) -> dict[str, int]:
        return {s: len(self.by_status(s)) for s in STATUSES}

    @property
    def encoded(self) -> int:
        return sum(f.encoded for f in self.files)

    @property
    def ok(self) -> bool:
        return not self.by_status("failed")

    def summary(self) -> str:
        parts = [f"{n} {s}" for s, n in self.counts.items() if n]
        return (", ".join(parts) or "nothing to do") + \
            f"; {self.encoded} chunks encoded in {self.seconds:.1f}s"


def discover(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[FileResult]]:
    """Transcript files under the given files and folders, and failures for
    paths that do not exist or have an unsupported suffix."""
    found: list[Path] = []
    failed: list[FileResult] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found.extend(sorted(f for f in path.rglob("*")
                                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
                                and not f.name.startswith(".")))
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(path)
            else:
                failed.append(FileResult(str(path), "failed",
                                         f"unsupported file type {path.suffix or '(none)'!r}; "
                                         f"expected one of {', '.join(SUPPORTED_SUFFIXES)}"))
        else:
            failed.append(FileResult(str(path), "failed", "no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for f in found:
        r = f.resolve()
        if r not in seen:
            seen.add(r)
            unique.append(r)
    return unique, failed


def fingerprint(conf: Conference) -> str:
    """Identity of a conference's content, independent of file name and format."""
    h = hashlib.sha256(conf.date.isoformat().encode())
    for ex in conf.exchanges:
        h.update(b"\x1e" + (ex.question or "").encode() + b"\x1f" + ex.text.encode())
    return h.hexdigest()


@dataclass
class _PreparedPassage:
    id: int
    ordinal: int
    exchange: object
    chunks: list[tuple[int, int, str, str]]   # (chunk id, ordinal, text, hash)


def _prepare(conf: Conference) -> list[_PreparedPassage]:
    stem = Path(conf.source).stem
    seen: dict[str, int] = {}
    out = []
    for ex in conf.exchanges:
        content = text_hash((ex.question or "") + "\x00" + ex.text)
        n = seen.get(content, 0)
        seen[content] = n + 1
        # Ids depend on content, not position: editing one reply keeps the
        # others' ids (and their cached vectors) as they were.
        pid = stable_id(stem, conf.date.isoformat(), content, n)
        out.append(_PreparedPassage(pid, ex.ordinal, ex, chunk_rows(pid, ex.question, ex.text)))
    return out


class Ingestor:
    """Applies files to a store and its vector index with one encoder."""

    def __init__(self, store: Store, index: VectorIndex, encoder: Encoder,
                 batch_size: int = ENCODE_BATCH):
        self.store = store
        self.index = index
        self.encoder = encoder
        self.batch_size = batch_size

    def ingest(self, paths: Sequence[str | os.PathLike], *, prune: bool = False,
               progress: Callable[[Iterable], Iterable] | None = None) -> IngestReport:
        files, failed = discover(paths)
        report = IngestReport(files=list(failed))
        iterator: Iterable[Path] = progress(files) if progress else files
        for path in iterator:
            report.files.append(self.ingest_file(path))
        if prune:
            report.files.extend(self._prune(paths, {str(f) for f in files}))
        update_groups(self.store)  # a backlog (index from before grouping) even if nothing changed
        return report

    def ingest_file(self, path: Path) -> FileResult:
        source = str(path)
        try:
            raw = path.read_bytes()
        except OSError as e:
            return FileResult(source, "failed", f"cannot read: {e.strerror or e}")
        sha = hashlib.sha256(raw).hexdigest()
        existing = self.store.conference_by_source(source)
        if existing and existing[1] == sha and existing[3] == PARSER_VERSION:
            return FileResult(source, "unchanged")
        try:
            conf = parse_file(path)
        except ParseError as e:
            return FileResult(source, "failed", e.reason)
        except Exception as e:  # a parser bug must not stop the other files
            return FileResult(source, "failed", f"could not parse ({type(e).__name__}: {e})")
        if existing and existing[1] == sha and (existing[2] is not None or
                                                self._parsed_as_stored(existing[0], conf)):
            # an older parser read this file the same way: only record the version
            with self.store.write() as db:
                db.execute("UPDATE conferences SET parser_version = ? WHERE id = ?",
                           (PARSER_VERSION, existing[0]))
            return FileResult(source, "unchanged")
        return self._apply(conf, sha, existing)

    def _parsed_as_stored(self, conference_id: int, conf: Conference) -> bool:
        return self.store.passage_fields(conference_id) == [
            (p.id, p.ordinal, p.exchange.kind, p.exchange.spokesperson or conf.spokesperson,
             p.exchange.questioner, p.exchange.questioner_label) for p in _prepare(conf)]

    def _apply(self, conf: Conference, sha: str, existing) -> FileResult:
        source = str(Path(conf.source).resolve())
        fp = fingerprint(conf)
        status = "updated" if existing else "added"
        original = self.store.original_by_fingerprint(fp, source)
        old_chunks = self.store.chunk_ids_of_conference(existing[0]) if existing else []
        prepared = [] if original else _prepare(conf)
        hashes = {h: t for p in prepared for (_, _, t, h) in p.chunks}
        missing = self.store.missing_hashes(self.encoder.model_id, hashes)
        new_vectors: dict[str, np.ndarray] = {}
        if missing:
            order = sorted(missing)
            vecs = self.encoder.encode([hashes[h] for h in order], batch_size=self.batch_size)
            new_vectors = dict(zip(order, vecs))
        conf_id = stable_id("conference", source)
        # microseconds: the BM25 snapshot compares it with its own build time
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
        with self.store.write() as db:
            if existing:
                db.execute("DELETE FROM chunks WHERE passage_id IN "
                           "(SELECT id FROM passages WHERE conference_id = ?)", (existing[0],))
                db.execute("DELETE FROM passages WHERE conference_id = ?", (existing[0],))
                db.execute("DELETE FROM conferences WHERE id = ?", (existing[0],))
            db.execute(
                "INSERT INTO conferences(id, source, sha256, fingerprint, duplicate_of, date, "
                "spokesperson, title, url, ingested_at, parser_version) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (conf_id, source, sha, fp, original[0] if original else None,
                 conf.date.isoformat(), conf.spokesperson, conf.title, conf.url, now,
                 PARSER_VERSION))
            for p in prepared:
                ex = p.exchange
                db.execute(
                    "INSERT INTO passages(id, conference_id, ordinal, kind, date, spokesperson, "
                    "questioner, questioner_label, question, text) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (p.id, conf_id, p.ordinal, ex.kind, conf.date.isoformat(),
                     ex.spokesperson or conf.spokesperson, ex.questioner, ex.questioner_label,
                     ex.question, ex.text))
                db.executemany("INSERT INTO chunks(id, passage_id, ordinal, text_hash) "
                               "VALUES (?,?,?,?)", [(c[0], p.id, c[1], c[3]) for c in p.chunks])
            self.store.put_vectors(db, self.encoder.model_id, new_vectors.items())
        # SQLite has committed; now mirror the change in the in-memory index.
        self.index.remove(old_chunks)
        if prepared:
            ids, vecs = self._vectors_for(prepared, new_vectors)
            self.index.add(ids, vecs)
        update_groups(self.store)  # repeated replies: group what this file added/removed
        if original:
            return FileResult(source, "duplicate", f"same conference as {original[1]}",
                              date=conf.date.isoformat())
        return FileResult(source, status, passages=len(prepared), encoded=len(new_vectors),
                          date=conf.date.isoformat())

    def _vectors_for(self, prepared: list[_PreparedPassage], fresh: dict[str, np.ndarray]
                     ) -> tuple[np.ndarray, np.ndarray]:
        chunks = [(cid, h) for p in prepared for (cid, _, _, h) in p.chunks]
        need = [h for _, h in chunks if h not in fresh]
        cached = self.store.vectors(self.encoder.model_id, need) if need else {}
        ids = np.array([cid for cid, _ in chunks], dtype=np.int64)
        vecs = np.stack([fresh[h] if h in fresh else cached[h] for _, h in chunks])
        return ids, vecs

    def remove(self, sources: Iterable[str | os.PathLike]) -> list[FileResult]:
        results = []
        for s in sources:
            source = str(Path(s).resolve())
            existing = self.store.conference_by_source(source)
            if not existing:
                results.append(FileResult(str(s), "failed", "not in the index"))
                continue
            old_chunks = self.store.chunk_ids_of_conference(existing[0])
            with self.store.write() as db:
                db.execute("DELETE FROM chunks WHERE passage_id IN "
                           "(SELECT id FROM passages WHERE conference_id = ?)", (existing[0],))
                n = db.execute("DELETE FROM passages WHERE conference_id = ?",
                               (existing[0],)).rowcount
                db.execute("DELETE FROM conferences WHERE id = ?", (existing[0],))
                # A copy that stood in for this conference must now carry it:
                # forget its hash so it is ingested again below.
                orphans = [r[0] for r in db.execute(
                    "SELECT source FROM conferences WHERE duplicate_of = ?", (existing[0],))]
                db.execute("UPDATE conferences SET duplicate_of = NULL, sha256 = '' "
                           "WHERE duplicate_of = ?", (existing[0],))
            self.index.remove(old_chunks)
            update_groups(self.store)  # its replies leave their groups of repeats
            results.append(FileResult(source, "removed", passages=n))
            for orphan in orphans:
                if Path(orphan).is_file():
                    results.append(self.ingest_file(Path(orphan)))
        return results

    def _prune(self, paths: Sequence[str | os.PathLike], present: set[str]) -> list[FileResult]:
        """Remove stored files that lived under the given folders but are gone."""
        folders = [str(Path(p).resolve()) + os.sep for p in paths if Path(p).is_dir()]
        gone = [s for s in self.store.sources()
                if any(s.startswith(f) for f in folders) and s not in present
                and not Path(s).exists()]
        return self.remove(gone)
