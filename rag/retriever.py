"""The public API: open an index, ingest transcripts, search for verbatim replies.

A thin front end: it opens the store, assembles the parts below (the live
index, the ingestor, the searcher) and hands each call to the one that does
the work. Every collaborator is passed in to the part that uses it.
"""
from __future__ import annotations

import functools
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence, TypeVar

from embeddings.base import DEFAULT_MODEL, Encoder
from embeddings.registry import load_encoder

from .errors import (DatabaseDamagedError, ModelMismatchError, PressconError, ReadOnlyIndexError,
                     StoreError)
from .index.chunking import STRATEGY
from .index.live import LiveIndex
from .index.manifest import MANIFEST, read_manifest, unproven_files
from .index.repeats import update_groups
from .ingest import Ingestor, IngestReport
from .ingest.reindex import reindex_store
from .parse import valid_text
from .parse.registry import resolve_publisher
from .rank.candidates import Candidates
from .rank.search import Searcher
from .results import Answer, Citation, Hit, citation_from_row
from .store import Store

if TYPE_CHECKING:  # pragma: no cover
    import datetime as dt

    from .present.analysis import AnswerChange, MonthCount
    from .rank.understand import QueryPlan

__all__ = ["Retriever", "Hit", "Answer", "default_index_dir", "DB_FILE"]

DB_FILE = "presscon.db"

_F = TypeVar("_F", bound=Callable[..., Any])


def _store_errors(method: _F) -> _F:
    """SQLite's errors about the database file (damaged, full, read-only) met
    by this call are raised as presscon's, naming the file and what to do."""
    @functools.wraps(method)
    def wrapper(self: "Retriever", *args: Any, **kwargs: Any) -> Any:
        with self.store.reporting_errors():
            return method(self, *args, **kwargs)
    return wrapper  # type: ignore[return-value]


def _writable(folder: Path, db: Path) -> bool:
    return os.access(folder, os.W_OK) and os.access(db, os.W_OK)


def _refuse_lost_database(folder: Path, db: Path) -> None:
    """A database that is missing or of zero length beside a manifest that
    says it held conferences was lost, not new: opening it would answer every
    question with "No passage found"."""
    m = read_manifest(folder)
    n = (m or {}).get("conferences")
    if not (isinstance(n, int) and n > 0 and "model_id" in (m or {})):
        return
    if db.exists() and db.stat().st_size > 0:
        return
    state = "empty (0 bytes)" if db.exists() else "missing"
    raise DatabaseDamagedError(
        f"{db} is {state}, but {folder / MANIFEST} says this index held {n} conferences: the "
        f"database was lost or truncated. Restore {DB_FILE} from a backup, or start the "
        f"index again: move {DB_FILE} and {MANIFEST} out of {folder} and run "
        f"`presscon ingest PATH... --index {folder}`")


def _query_adapted(path: Path, encoder: Encoder) -> Encoder:
    from embeddings.adapter import AdapterError, with_query_adapter
    try:
        return with_query_adapter(path, encoder)
    except AdapterError as e:
        raise PressconError(str(e)) from None


def default_index_dir() -> Path:
    """$PRESSCON_INDEX, else the user's data folder (e.g. ~/.local/share/presscon/index)."""
    env = os.environ.get("PRESSCON_INDEX")
    if env:
        return Path(env).expanduser()
    import platformdirs
    return Path(platformdirs.user_data_dir("presscon", appauthor=False)) / "index"


class Retriever:
    def __init__(self, index_dir: Path, store: Store, encoder: Encoder, *,
                 read_only: bool = False):
        self.index_dir = index_dir
        self.store = store
        self.encoder = encoder
        self.read_only = read_only
        with store.reporting_errors():
            self.live = LiveIndex(index_dir, store, encoder, read_only=read_only)
        self.searcher = Searcher(store, self.live, Candidates(store, self.live.dense, encoder))

    # -- opening ------------------------------------------------------------
    @classmethod
    def open(cls, index_dir: str | os.PathLike | None = None, *, encoder: Encoder | None = None,
             model: str | None = None, read_only: bool | None = None) -> "Retriever":
        """Open (or create) the index in ``index_dir``.

        The model is the one the index was built with; asking for another is
        an error that names ``presscon reindex`` rather than mixing vectors.
        ``read_only``: open without writing anything (SQLite read-only, the
        derived files rebuilt in memory if stale); None (the default) does so
        when the folder or its database is not writable (a shared drive).
        """
        if index_dir is not None and (not isinstance(index_dir, (str, os.PathLike))
                                      or not str(index_dir).strip()):
            # Path("") is the working directory: an index made there by mistake
            raise PressconError(f"the index folder must be a path, not {index_dir!r}")
        path = Path(index_dir) if index_dir is not None else default_index_dir()
        db_path = path / DB_FILE
        if read_only is None:
            read_only = db_path.exists() and not _writable(path, db_path)
        if read_only:
            if not db_path.exists():
                raise PressconError(f"no index in {path} ({DB_FILE} not found)")
        else:
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise PressconError(
                    f"cannot create index folder {path}: {e.strerror or e}") from None
        _refuse_lost_database(path, db_path)
        if db_path.exists() and not os.access(db_path, os.R_OK):
            raise PressconError(f"cannot read {db_path}")
        store = Store(db_path, read_only=read_only)
        try:
            with store.reporting_errors():
                stored = store.get_meta("model_id")
                wanted = encoder.model_id if encoder is not None else (
                    model or stored or DEFAULT_MODEL)
                if stored is not None and stored != wanted:
                    raise ModelMismatchError(
                        f"the index in {path} was built with model {stored!r}, not {wanted!r}; "
                        f"open it without a model, or run `presscon reindex --index {path} "
                        f"--model {wanted}` to re-encode it")
                chunking = store.get_meta("chunking")
                if chunking is not None and chunking != STRATEGY:
                    raise PressconError(
                        f"the index in {path} was made by an older presscon (chunked as "
                        f"{chunking!r}, now {STRATEGY!r}): run `presscon reindex --index {path}` "
                        "once (it encodes only the chunks that changed), then `presscon ingest` "
                        "your transcripts again to re-read those whose parser changed")
                if encoder is None:
                    encoder = load_encoder(wanted)
                if stored is None and not read_only:
                    with store.write():
                        store.set_meta("model_id", encoder.model_id)
                        store.set_meta("chunking", STRATEGY)
            # a query adapter trained for this model (presscon adapt) maps the questions
            return cls(path, store, _query_adapted(path, encoder), read_only=read_only)
        except BaseException:
            store.close()
            raise

    @classmethod
    def reindex(cls, index_dir: str | os.PathLike | None = None, *, model: str | None = None,
                encoder: Encoder | None = None, progress: bool = False,
                batch: int = 256) -> "Retriever":
        """Re-chunk and re-encode every passage with ``model``, then switch to it
        (see rag/ingest/reindex.py: a crash loses at most one batch)."""
        path = Path(index_dir) if index_dir is not None else default_index_dir()
        if not (path / DB_FILE).exists():
            raise PressconError(f"no index in {path}")
        _refuse_lost_database(path, path / DB_FILE)
        if not _writable(path, path / DB_FILE):      # a read-only folder or mount
            raise ReadOnlyIndexError.for_index(path)
        store = Store(path / DB_FILE)
        try:
            with store.reporting_errors():
                enc = encoder or load_encoder(model or store.get_meta("model_id") or DEFAULT_MODEL)
                reindex_store(path, store, enc, progress=progress, batch=batch)
            return cls(path, store, enc)
        except BaseException:
            store.close()
            raise

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Retriever":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing --------------------------------------------------------------
    @_store_errors
    def ingest(self, paths: Sequence[str | os.PathLike] | str | os.PathLike, *,
               prune: bool = False, progress: bool = False,
               defer: "Callable[[Path], str | None] | None" = None,
               window: int | None = None) -> IngestReport:
        """Add, update or skip each transcript under ``paths`` (files or folders);
        ``defer(path)``, a reason to leave a file for later (see Ingestor.ingest);
        ``window``, how many chunks' worth of files are encoded in one call
        (default rag.ingest.apply.WINDOW_CHUNKS; 1 = file by file).

        A damaged database is refused before anything is written
        (DatabaseDamagedError). A StoreError met on the way (a full disk, a
        file size limit, an I/O error) stops the ingest; its ``report`` holds
        what was done up to there, the files already stored included."""
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        try:
            paths = list(paths)
        except TypeError:
            paths = [paths]
        if not all(isinstance(p, (str, os.PathLike)) and str(p) for p in paths):
            raise PressconError(f"ingest takes files or folders (paths), not {paths!r}")
        t0 = time.perf_counter()
        bar = None
        if progress:
            from tqdm.auto import tqdm

            def bar(it):
                return tqdm(it, desc="ingest", unit="file")
        try:
            with self.live.writing():
                report = self._ingestor(window).ingest(list(paths), prune=prune, progress=bar,
                                                       defer=defer)
        except StoreError as e:
            if e.report is not None:
                e.report.seconds = time.perf_counter() - t0
            raise
        report.seconds = time.perf_counter() - t0
        return report

    @_store_errors
    def remove(self, paths: Sequence[str | os.PathLike] | str | os.PathLike) -> IngestReport:
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        with self.live.writing():
            return IngestReport(files=self._ingestor().remove(list(paths)))

    def _ingestor(self, window: int | None = None) -> Ingestor:
        if window is None:
            return Ingestor(self.store, self.live.dense, self.encoder)
        return Ingestor(self.store, self.live.dense, self.encoder, window=window)

    @_store_errors
    def update_groups(self) -> dict[str, int]:
        """Group passages still queued (an index built before grouping existed);
        ingest does this by itself, this is for an index that is only read."""
        with self.live.writing():
            done = update_groups(self.store)
        return {"grouped": done.grouped, "joined": done.joined, "regrouped": done.regrouped}

    @_store_errors
    def rebuild_groups(self) -> dict[str, int]:
        """Forget every group of repeated replies and group all passages again."""
        from .index.repeats import rebuild_groups
        with self.live.writing():
            done = rebuild_groups(self.store)
        return {"grouped": done.grouped, "joined": done.joined, "regrouped": done.regrouped}

    # -- reading ----------------------------------------------------------------
    def search(self, question: str, k: int = 5, questioner: str | None = None,
               spokesperson: str | None = None, date_from: "dt.date | str | None" = None,
               date_to: "dt.date | str | None" = None, *, publisher: str | None = None,
               ranking: str = "hybrid", understand: bool = True,
               group_repeats: bool = True) -> list[Hit]:
        """The k replies that best answer ``question``, best first, verbatim.

        With ``understand`` (the default), a period, an outlet or a spokesperson
        named in the question ("tell AFP in May 2020") fills the filters the
        caller left empty; ``ask`` says what was taken.
        If those inferred filters leave nothing, the search runs without them.
        ``publisher`` keeps one publisher's conferences ("The White House");
        ``group_repeats=False`` shows every copy of a repeated reply.
        """
        return self.ask(question, k, questioner, spokesperson, date_from, date_to,
                        publisher=publisher, ranking=ranking, understand=understand,
                        group_repeats=group_repeats).hits

    @_store_errors
    def ask(self, question: str, k: int = 5, questioner: str | None = None,
            spokesperson: str | None = None, date_from: "dt.date | str | None" = None,
            date_to: "dt.date | str | None" = None, *, publisher: str | None = None,
            ranking: str = "hybrid", understand: bool = True,
            group_repeats: bool = True) -> Answer:
        """``search``, also saying what the question's own words changed: the
        notes of what was applied, or of what was dropped for matching nothing."""
        return self.searcher.ask(question, k, questioner, spokesperson, date_from, date_to,
                                 publisher=publisher, ranking=ranking, understand=understand,
                                 group_repeats=group_repeats)

    @_store_errors
    def understand(self, question: str) -> "QueryPlan":
        """The filters ``search`` would infer from the question, with notes for the user."""
        if not isinstance(question, str):
            raise PressconError(f"the question must be text, not {question!r}")
        return self.searcher.understand(valid_text(question))

    @_store_errors
    def candidates(self, question: str, k: int = 10, ranking: str = "hybrid", *,
                   questioner: str | None = None, spokesperson: str | None = None,
                   date_from: "dt.date | None" = None, date_to: "dt.date | None" = None
                   ) -> tuple[dict[int, float], dict[int, float]]:
        """Dense (best-chunk cosine) and lexical (BM25) scores by passage id."""
        return self.searcher.candidate_scores(question, k, ranking, questioner=questioner,
                                              spokesperson=spokesperson, date_from=date_from,
                                              date_to=date_to)

    # -- facts ---------------------------------------------------------------------
    @_store_errors
    def questioners(self, publisher: str | None = None) -> list[tuple[str, int]]:
        """Outlets that asked, with their passage counts (of one publisher's
        conferences when ``publisher`` is given: a stored name or an alias)."""
        return self.store.facet("questioner", self._publisher(publisher))

    @_store_errors
    def spokespersons(self, publisher: str | None = None) -> list[tuple[str, int]]:
        """Who answered, with passage counts (of one publisher's, as above)."""
        return self.store.facet("spokesperson", self._publisher(publisher))

    @_store_errors
    def offices(self) -> dict[str, list[str]]:
        """Spokesperson -> the offices the index's title lines give them, most
        often first ("Pete Buttigieg": ["Secretary of Transportation"]): a
        question naming one ("What did the Transportation Secretary say")
        is read as that person's (rag/rank/roles.py)."""
        return self.searcher.offices()

    @_store_errors
    def unknown_office(self, question: str) -> str | None:
        """An office ``question`` asks to hear from ("What did the Secretary of
        State say ...") that no briefing of the index gives anyone; None when
        there is none or the index knows it. The search then answers with
        every official's replies: worth telling the user."""
        return self.searcher.unknown_office(valid_text(question))

    def _publisher(self, name: str | None) -> str | None:
        if not name:
            return None
        return resolve_publisher(name, [p for p, _ in self.publishers()]) or name

    @_store_errors
    def publishers(self) -> list[tuple[str, int]]:
        return self.store.facet("publisher")

    @_store_errors
    def info(self) -> dict[str, Any]:
        first, last = self.store.date_range()
        size = _folder_size(self.index_dir)
        lexical = self.live.lexical
        return {
            "index_dir": str(self.index_dir),
            "model_id": self.encoder.model_id,
            "query_adapter": getattr(self.encoder, "adapter_id", None),
            "dim": self.encoder.dim,
            "chunking": STRATEGY,
            **self.store.counts(),
            "vectors_in_index": len(self.live.dense),
            "index_type": self.live.dense.kind,
            # passages BM25 scores from its saved snapshot, and those added since
            "bm25_snapshot": lexical.snapshot_n,
            "bm25_since_snapshot": len(lexical.columns.ids) - lexical.snapshot_n,
            "publishers": dict(self.store.facet("publisher")),
            "first_date": first,
            "last_date": last,
            "size_bytes": size,
            "generation": self.store.generation(),
            "groups_pending": self.store.pending_count(),
            "read_only": self.read_only,
            # names that look like presscon's files but are not provably its own:
            # never deleted (README "Stored and derived files")
            "left_in_place": unproven_files(self.index_dir, self.store),
        }

    # -- repeated replies, positions over time, questioners (rag/present/analysis.py) --
    @_store_errors
    def versions(self, passage_id: int) -> list[Citation]:
        """Every occasion of the reply ``passage_id`` belongs to, oldest first,
        each with its own wording (compare them with ``present.diff.word_diff``);
        [] for an id no passage has."""
        if isinstance(passage_id, bool) or not isinstance(passage_id, int):
            raise PressconError(f"passage_id must be a whole number, not {passage_id!r}")
        if not 0 <= passage_id < 2 ** 63:   # ids are SQLite's 64-bit integers
            return []
        gid = self.store.group_of([passage_id])[passage_id]
        rows = self.store.group_members([gid]).get(gid) or list(
            self.store.passages([passage_id]).values())
        return [citation_from_row(m) for m in rows]

    @_store_errors
    def repeats(self, min_size: int = 2, limit: int | None = 20,
                min_words: int = 1) -> list[dict[str, Any]]:
        """The largest groups of repeated replies: size, first/last date, newest
        wording; ``min_words``: only replies of at least that many words (a
        briefing's "Sure." and "Mm-hmm." repeat more than any position)."""
        self.live.refresh()
        return self.store.group_sizes(min_size=min_size, limit=limit, min_words=min_words)

    def timeline(self, question: str, *, limit: int = 30, relative: float = 0.8,
                 **search: Any) -> list["MonthCount"]:
        """Replies matching ``question`` per month, for a plot of a position over
        time: the top ``limit`` results scoring at least ``relative`` x the best,
        every occasion of a repeated reply counted. ``search`` takes the
        filters and options of :meth:`search`."""
        from .present.analysis import matching, timeline
        return timeline(matching(self.search(question, k=limit, **search), relative))

    def answer_change(self, question: str, *, limit: int = 10, relative: float = 0.8,
                      n: int = 1, **search: Any) -> "AnswerChange":
        """How the answer to ``question`` has changed: the ``n`` earliest and
        latest matching replies (as for :meth:`timeline`), verbatim with dates."""
        from .present.analysis import answer_change, matching
        return answer_change(matching(self.search(question, k=limit, **search), relative), n=n)

    def topic_questioners(self, question: str, *, limit: int = 30, relative: float = 0.8,
                          **search: Any) -> list[tuple[str | None, int]]:
        """Which outlets asked about ``question`` and how often (None: unnamed),
        most first, over the matching replies (as for :meth:`timeline`) and all
        their occasions."""
        from .present.analysis import matching, questioner_counts
        return questioner_counts(matching(self.search(question, k=limit, **search), relative))


def _folder_size(folder: Path) -> int:
    """Bytes of the files under ``folder``. An ingest running beside it
    (`--watch`) renames its temporary files away between the listing and
    their stat: those are skipped, not an error."""
    size = 0
    for f in folder.rglob("*"):
        try:
            if f.is_file():
                size += f.stat().st_size
        except FileNotFoundError:
            continue
    return size
