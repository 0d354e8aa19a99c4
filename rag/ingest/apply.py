"""Files -> parse -> diff by content hash -> SQLite (+ vectors) -> the live index.

Each file is one SQLite transaction, so a crash loses at most the file in
flight; the FAISS file is derived and rebuilt from SQLite when stale.
Only chunk texts whose (model, text hash) has no stored vector are encoded.

Files go through in windows: a window's files are read, parsed and chunked,
their missing chunk texts encoded in one call (sorted by length, so batches
carry little padding), then each file is written in its own transaction, in
order. A crash loses the vectors of the window in flight, never a file's
consistency (benchmarks/bench_ingest.py: per-file encoding spent most of the
non-model time in tiny, padded batches).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from embeddings.base import Encoder

from ..errors import DiskError, StoreError
from ..faults import crash_point, fail_point
from ..ids import stable_id, text_hash
from ..index.chunking import chunk_rows
from ..index.dense import DenseIndex
from ..index.embed import missing_vectors
from ..index.repeats import update_groups
from ..parse import PARSER_VERSION, Conference, Exchange, ParseError, parse_file
from ..parse.records import FUTURE_SLACK
from ..store import ConferenceRecord, PassageRecord, Store, StoredConference
from .discover import discover
from .report import FileResult, IngestReport

__all__ = ["Ingestor", "fingerprint", "WINDOW_CHUNKS"]

# Chunk texts (about 12 files) read ahead and encoded in one call. Bigger
# calls let the length sort pack batches tightly; past a few hundred texts it
# gains nothing, and a crash re-encodes at most one window.
WINDOW_CHUNKS = 256

#: A file whose exchanges are this share of a stored conference's of the same
#: day, word for word, is a copy of it (5 of the 100 White House .txt/.md
#: pairs differ in one or two exchanges of 55-139; two briefings of one day
#: share far less).
NEAR_COPY = 0.9


def fingerprint(conf: Conference) -> str:
    """Identity of a conference's content, independent of file name and format."""
    h = hashlib.sha256(conf.date.isoformat().encode())
    for ex in conf.exchanges:
        h.update(b"\x1e" + (ex.question or "").encode() + b"\x1f" + ex.text.encode())
    return h.hexdigest()


@dataclass
class _PreparedPassage:
    id: int
    exchange: Exchange
    chunks: list[tuple[int, int, str, str]]   # (chunk id, ordinal, text, hash)

    def record(self, conf: Conference) -> PassageRecord:
        ex = self.exchange
        return PassageRecord(self.id, ex.ordinal, ex.kind, ex.spokesperson or conf.spokesperson,
                             ex.questioner, ex.questioner_label, ex.question, ex.text,
                             ex.speakers if len(ex.speakers) > 1 else ())


def _prepare(conf: Conference, source: str) -> list[_PreparedPassage]:
    """The passages of a conference read from ``source`` (its resolved path)."""
    seen: dict[str, int] = {}
    out = []
    for ex in conf.exchanges:
        content = text_hash((ex.question or "") + "\x00" + ex.text)
        n = seen.get(content, 0)
        seen[content] = n + 1
        # Ids depend on content, not position: editing one reply keeps the
        # others' ids (and their cached vectors) as they were. The file's
        # resolved path is part of them: two files of one name in two folders
        # (one reply edited) share most contents and would share ids.
        pid = stable_id(source, conf.date.isoformat(), content, n)
        out.append(_PreparedPassage(pid, ex, chunk_rows(pid, ex.question, ex.text)))
    return out


@dataclass
class _Read:
    """A file read, parsed and chunked, not yet stored."""
    source: str
    sha: str
    conf: Conference
    prepared: list[_PreparedPassage]


def _changed(before: os.stat_result, after: os.stat_result) -> bool:
    return (before.st_size, before.st_mtime_ns, before.st_ino) != \
        (after.st_size, after.st_mtime_ns, after.st_ino)


def _warnings(conf: Conference) -> list[str]:
    """What is odd about a conference that is stored all the same."""
    out = []
    if conf.date > dt.date.today() + FUTURE_SLACK:
        out.append(f"dated {conf.date.isoformat()}, in the future: check the title's date "
                   "(\"last month\" in questions counts from the newest date that is not)")
    return out


class Ingestor:
    """Applies files to a store and its dense index with one encoder."""

    def __init__(self, store: Store, dense: DenseIndex, encoder: Encoder,
                 batch_size: int | None = None, window: int = WINDOW_CHUNKS):
        self.store = store
        self.dense = dense
        self.encoder = encoder
        self.batch_size = batch_size
        # chunk texts read ahead before one encode call; <= 1: file by file
        self.window = window
        # Duplicates released by the last write (their original now holds
        # another conference): ingested again before the next file.
        self._released: list[str] = []

    def ingest(self, paths: Sequence[str | os.PathLike], *, prune: bool = False,
               progress: Callable[[Iterable], Iterable] | None = None,
               defer: Callable[[Path], str | None] | None = None) -> IngestReport:
        """Ingest every transcript under ``paths``. ``defer(path)`` may give a
        reason to leave a file for a later run ("still open for writing", from
        ``ingest --watch``); such a file is reported "deferred" and not read.

        A StoreError (the database's own trouble: a full disk, a file size
        limit, an I/O error, damage) stops the ingest, as every later file
        would fail the same way; it is raised with ``report`` set to what was
        done up to there, the file it stopped at named as failed."""
        report = IngestReport()
        try:
            with self.store.reporting_errors():
                self._ingest(report, paths, prune, progress, defer)
        except StoreError as e:
            report.stopped = str(e)
            e.report = report
            raise
        return report

    def _ingest(self, report: IngestReport, paths: Sequence[str | os.PathLike], prune: bool,
                progress: Callable[[Iterable], Iterable] | None,
                defer: Callable[[Path], str | None] | None) -> None:
        files, failed = discover(paths)
        report.files.extend(failed)
        iterator: Iterable[Path] = progress(files) if progress else files
        promoted: set[str] = set()
        window: list[tuple[Path, "FileResult | _Read"]] = []
        pending = 0

        def flush() -> None:
            pool = self._encode_window([r for _, r in window if isinstance(r, _Read)])
            for path, item in window:
                if str(path) in promoted:
                    continue   # already stored in full as a promoted duplicate, this run
                if isinstance(item, FileResult):
                    report.files.append(item)
                else:
                    self._store_into(report.files, item, pool)
                done = len(report.files)
                self._promote_released(report.files)
                promoted.update(f.path for f in report.files[done:])
            window.clear()

        for path in iterator:
            if str(path) in promoted:
                continue   # already stored in full as a promoted duplicate, this run
            reason = defer(path) if defer else None
            item = FileResult(str(path), "deferred", reason) if reason else self._read(path)
            window.append((path, item))
            if isinstance(item, _Read):
                pending += sum(len(p.chunks) for p in item.prepared)
            if pending >= self.window:
                flush()
                pending = 0
        flush()
        if prune:
            self._prune(report.files, paths, {str(f) for f in files})
        update_groups(self.store)  # a backlog (index from before grouping) even if nothing changed

    def _store_into(self, results: list[FileResult], item: "_Read",
                    pool: dict[str, np.ndarray], note: str = "") -> None:
        """Store one read file, its result appended to ``results`` (``note``:
        the reason given to one added or updated without one). A StoreError
        is the database's, not the file's: it is appended as this file's
        failure, then raised to stop the ingest."""
        try:
            result = self._finish(item, pool)
        except StoreError as e:
            what = e.what if isinstance(e, DiskError) else str(e)
            results.append(FileResult(item.source, "failed", f"nothing of it was stored: {what}"))
            raise
        if note and result.status in ("added", "updated") and not result.reason:
            result.reason = note
        results.append(result)
        # after its commit: a failure here stops the ingest, the file stays stored
        # (and its passages queued for grouping, which the next ingest does)
        update_groups(self.store)

    def _read(self, path: Path) -> "FileResult | _Read":
        """Read, hash, parse and chunk one file (nothing written): a result
        when there is nothing to store (unchanged, deferred, failed)."""
        source = str(Path(path).resolve())
        try:
            before = os.stat(path)
            raw = Path(path).read_bytes()
            after = os.stat(path)
        except OSError as e:
            return FileResult(source, "failed", f"cannot read: {e.strerror or e}")
        if _changed(before, after) or len(raw) != after.st_size:
            # a writer is at work: storing these bytes would serve half a file
            return FileResult(source, "deferred", "changed while reading, will retry "
                                                  "(ingested on the next run once it is stable)")
        sha = hashlib.sha256(raw).hexdigest()
        if self._unchanged(source, sha)[0]:
            return FileResult(source, "unchanged")
        try:
            conf = parse_file(path, raw=raw)   # the bytes hashed, not a second read
        except ParseError as e:
            return FileResult(source, "failed", e.reason)
        except Exception as e:  # a parser bug must not stop the other files
            return FileResult(source, "failed", f"could not parse ({type(e).__name__}: {e})")
        try:
            prepared = _prepare(conf, str(Path(conf.source).resolve()))
        except Exception as e:  # noqa: BLE001
            return FileResult(source, "failed", f"could not store ({type(e).__name__}: {e})")
        return _Read(source, sha, conf, prepared)

    def _unchanged(self, source: str, sha: str) -> tuple[bool, StoredConference | None, bool]:
        """(stored as these bytes by this parser, the stored conference, orphaned)."""
        existing = self.store.conference_by_source(source)
        # a duplicate whose original now holds another conference (left so by
        # an older presscon) must be stored in full, unchanged bytes or not
        orphaned = (existing is not None and existing.duplicate_of is not None
                    and self.store.is_stale_duplicate(existing.id))
        same = bool(existing and existing.sha256 == sha
                    and existing.parser_version == PARSER_VERSION and not orphaned)
        return same, existing, orphaned

    def _encode_window(self, reads: Sequence["_Read"]) -> dict[str, np.ndarray]:
        """Vectors of every chunk text of ``reads`` this model has not stored,
        in one encode call. A failure here is left to each file's own write
        (which encodes what it still lacks and reports its own failure)."""
        try:
            # a copy of a conference already stored keeps no vectors: encoding the
            # few chunks it words differently would only load the model for nothing
            texts = {h: t for r in reads if not self._copy_of_stored(r.conf)
                     for p in r.prepared for (_, _, t, h) in p.chunks}
            return missing_vectors(self.store, self.encoder, texts, batch_size=self.batch_size)
        except Exception:  # noqa: BLE001
            return {}

    def _finish(self, item: "_Read", pool: dict[str, np.ndarray]) -> FileResult:
        """Store one read file (its own transaction), with vectors from ``pool``.
        What is stored is looked up again: a file earlier in the window may
        have changed it (released a duplicate)."""
        try:
            with self.store.reporting_errors():
                return self._write_read(item, pool)
        except StoreError:
            raise   # the database's trouble, not this file's: see _store_into
        except Exception as e:  # noqa: BLE001 - one file's failure must not stop the others
            # The transaction rolled back (or, after the commit, the derived
            # FAISS index is rebuilt from SQLite when next opened).
            return FileResult(item.source, "failed",
                              f"could not store ({type(e).__name__}: {e})")

    def _write_read(self, item: "_Read", pool: dict[str, np.ndarray]) -> FileResult:
        same, existing, orphaned = self._unchanged(item.source, item.sha)
        if same:
            return FileResult(item.source, "unchanged")
        if existing and existing.sha256 == item.sha and not orphaned and (
                existing.duplicate_of is not None
                or self._parsed_as_stored(existing.id, item.conf, item.prepared)):
            # an older parser read this file the same way: only record the version
            with self.store.write():
                self.store.set_parser_version(existing.id, PARSER_VERSION)
            return FileResult(item.source, "unchanged")
        return self._apply(item.conf, item.sha, existing, item.prepared, pool)

    def _parsed_as_stored(self, conference_id: int, conf: Conference,
                          prepared: list[_PreparedPassage]) -> bool:
        return self.store.passage_fields(conference_id) == [
            (*p.record(conf)[:6], conf.publisher, p.record(conf).speakers) for p in prepared]

    def _apply(self, conf: Conference, sha: str, existing: StoredConference | None,
               prepared: list[_PreparedPassage], pool: dict[str, np.ndarray]) -> FileResult:
        source = str(Path(conf.source).resolve())
        fp = fingerprint(conf)
        status = "updated" if existing else "added"
        original, near = self._original_of(conf, source)
        # Of two files of one conference the one whose path sorts first carries
        # it, whichever came first (what one run over both stores: the .md
        # before the .txt of a folder), so the index is the same for the same
        # files; the stored one, and its copies, become copies of this one.
        demoted = original if original and source < original[1] else None
        if demoted:
            original = near = None
        elif near is not None:
            # stored as a copy of it: the copy's fingerprint is the one it
            # stands for, so a change to the original releases it (stale)
            fp = near[2]
        old_chunks = self.store.chunk_ids_of_conference(existing.id) if existing else []
        if demoted:
            old_chunks += self.store.chunk_ids_of_conference(demoted[0])
        if original:
            prepared = []
        texts = {h: t for p in prepared for (_, _, t, h) in p.chunks}
        # this file's texts still without a vector: from the window's encode
        # call, or (not in it: a failed window) encoded now
        missing = self.store.missing_hashes(self.encoder.model_id, texts)
        new_vectors = {h: pool[h] for h in missing if h in pool}
        lacking = {h: texts[h] for h in missing if h not in pool}
        if lacking:
            new_vectors.update(missing_vectors(self.store, self.encoder, lacking,
                                               batch_size=self.batch_size))
        conf_id = stable_id("conference", source)
        # microseconds: the BM25 snapshot compares it with its own build time
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
        record = ConferenceRecord(conf_id, source, sha, fp, original[0] if original else None,
                                  conf.date.isoformat(), conf.spokesperson, conf.title, conf.url,
                                  now, PARSER_VERSION, conf.publisher)
        with self.store.write():
            if existing:
                self.store.delete_conference(existing.id)
            self.store.put_conference(record, [p.record(conf) for p in prepared])
            if original and conf.url:
                # the .md of a briefing stored from its .txt (e.g. re-added after
                # a remove promoted the .txt): its URL still reaches the citations
                self.store.lend_url(original[0], conf.url)
            if demoted:
                url = self.store.conference_url(demoted[0])
                self.store.demote_to_duplicate(demoted[0], conf_id, fp)
                if url:   # the page of the copy it replaces still reaches the citations
                    self.store.lend_url(conf_id, url)
            self.store.put_chunks([(c[0], p.id, c[1], c[3]) for p in prepared for c in p.chunks])
            self.store.put_vectors(self.encoder.model_id, new_vectors.items())
            if existing:
                # copies that stood in for what this file held before
                self._released.extend(self.store.release_stale_duplicates(conf_id))
            fail_point("ingest.file_write")
        crash_point("ingest.file_committed")
        # SQLite has committed; now mirror the change in the in-memory index.
        self.dense.remove(old_chunks)
        if prepared:
            self.dense.add(*self._vectors_for(prepared, new_vectors))
        # the groups of repeated replies follow in _store_into, once the file is reported stored
        read = {"date": conf.date.isoformat(), "profile": conf.profile,
                "encoding": conf.encoding, "warnings": _warnings(conf)}
        if original:
            nearly = f" but for {near[3]} exchange(s)" if near else ""
            return FileResult(source, "duplicate", f"same conference as {original[1]}{nearly}",
                              **read)
        if demoted:
            reason = f"stands for {demoted[1]} (stored before, now its duplicate)"
        elif existing and existing.sha256 == sha:   # the same bytes: a newer parser's reading
            reason = f"re-read by parser version {PARSER_VERSION}, was {existing.parser_version}"
        else:
            reason = ""
        return FileResult(source, status, passages=len(prepared), encoded=len(new_vectors),
                          reason=reason, **read)

    def _original_of(self, conf: Conference, source: str
                     ) -> tuple[tuple[int, str] | None, tuple[int, str, str, int] | None]:
        """((id, source) of the stored original this conference copies, or
        None; the near-copy match when it is one, else None)."""
        original = self.store.original_by_fingerprint(fingerprint(conf), source)
        near = None if original else self._near_original(conf, source)
        return (original or (near[:2] if near else None)), near

    def _copy_of_stored(self, conf: Conference) -> bool:
        """Stored as a copy, not in full (then it needs no vectors)."""
        source = str(Path(conf.source).resolve())
        original, _ = self._original_of(conf, source)
        return original is not None and original[1] < source

    def _near_original(self, conf: Conference, source: str) -> tuple[int, str, str, int] | None:
        """(id, source, fingerprint, exchanges differing) of a stored conference this one copies all
        but a few replies of (the same day and publisher, NEAR_COPY of its
        exchanges word for word): one briefing's .txt that drops a word its
        .md has. Stored twice, every search would show the briefing twice."""
        mine = Counter((e.question, e.text) for e in conf.exchanges)
        for cid, src, fp in self.store.originals_on(conf.date.isoformat(), conf.publisher, source):
            theirs = Counter(self.store.exchange_texts(cid))
            size = max(sum(mine.values()), sum(theirs.values()))
            same = sum((mine & theirs).values())
            # all the same and yet another fingerprint: that row is not to be
            # trusted (an older presscon's damage), not an original to copy
            if size and NEAR_COPY * size <= same < size:
                return cid, src, fp, size - same
        return None

    def _vectors_for(self, prepared: list[_PreparedPassage], fresh: dict[str, np.ndarray]
                     ) -> tuple[np.ndarray, np.ndarray]:
        chunks = [(cid, h) for p in prepared for (cid, _, _, h) in p.chunks]
        need = [h for _, h in chunks if h not in fresh]
        cached = self.store.vectors(self.encoder.model_id, need) if need else {}
        ids = np.array([cid for cid, _ in chunks], dtype=np.int64)
        vecs = np.stack([fresh[h] if h in fresh else cached[h] for _, h in chunks])
        return ids, vecs

    def remove(self, sources: Iterable[str | os.PathLike]) -> list[FileResult]:
        """Remove the conferences stored from ``sources``, promoting the copies
        that stood in for them. A StoreError stops it, as in :meth:`ingest`,
        with ``report`` set to what was done up to there."""
        results: list[FileResult] = []
        try:
            with self.store.reporting_errors():
                self._remove_into(results, sources)
        except StoreError as e:
            e.report = IngestReport(files=results, stopped=str(e))
            raise
        return results

    def _remove_into(self, results: list[FileResult], sources: Iterable[str | os.PathLike]
                     ) -> None:
        for s in sources:
            source = str(Path(s).resolve())
            existing = self.store.conference_by_source(source)
            if not existing:
                results.append(FileResult(str(s), "failed", "not in the index"))
                continue
            old_chunks = self.store.chunk_ids_of_conference(existing.id)
            with self.store.write():
                n = self.store.delete_conference(existing.id)
                # A copy that stood in for this conference must now carry it:
                # its hash is forgotten, so it is ingested again below.
                orphans = self.store.release_duplicates(existing.id)
            self.dense.remove(old_chunks)
            results.append(FileResult(source, "removed", passages=n))
            update_groups(self.store)  # its replies leave their groups of repeats
            self._released.extend(orphans)
            self._promote_released(results)

    def ingest_file(self, path: Path) -> FileResult:
        """Add, update or skip one file; any failure of the file is a failed
        result naming it (a StoreError is raised, as in :meth:`ingest`)."""
        results: list[FileResult] = []
        self._ingest_file_into(results, path)
        return results[0]

    def _ingest_file_into(self, results: list[FileResult], path: Path, note: str = "") -> None:
        item = self._read(path)
        if isinstance(item, FileResult):
            results.append(item)
        else:
            self._store_into(results, item, self._encode_window([item]), note)

    def _promote_released(self, results: list[FileResult]) -> None:
        """Store in full each released duplicate (its original changed or
        went), appending to ``results``; one whose file is gone too is removed."""
        while self._released:
            orphan = self._released.pop(0)
            if Path(orphan).is_file():
                self._ingest_file_into(results, Path(orphan),
                                       "promoted: the file it duplicated changed or is gone")
            else:
                self._remove_into(results, [orphan])

    def _prune(self, results: list[FileResult], paths: Sequence[str | os.PathLike],
               present: set[str]) -> None:
        """Remove stored files that lived under the given folders but are gone."""
        folders = [str(Path(p).resolve()) + os.sep for p in paths if Path(p).is_dir()]
        gone = [s for s in self.store.sources()
                if any(s.startswith(f) for f in folders) and s not in present
                and not Path(s).exists()]
        self._remove_into(results, gone)
