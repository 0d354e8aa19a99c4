"""The conferences and passages tables: every statement that reads or writes them."""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, NamedTuple, Sequence

import numpy as np

from ..people import display_names
from .database import Database


@dataclass(frozen=True)
class PassageRow:
    id: int
    conference_id: int
    ordinal: int
    kind: str
    date: dt.date
    spokesperson: str | None
    questioner: str | None
    questioner_label: str | None
    question: str | None
    text: str
    source: str
    title: str
    url: str | None
    publisher: str = ""
    #: Every official who spoke in the reply, when more than one (else ()).
    speakers: tuple[str, ...] = ()


class StoredConference(NamedTuple):
    """What ingest needs to know of the conference stored for a file."""
    id: int
    sha256: str
    duplicate_of: int | None
    parser_version: int


class ConferenceRecord(NamedTuple):
    """One conference row to write (see :meth:`ConferenceTables.put_conference`)."""
    id: int
    source: str
    sha256: str
    fingerprint: str
    duplicate_of: int | None
    date: str
    spokesperson: str
    title: str
    url: str | None
    ingested_at: str
    parser_version: int
    publisher: str


class PassageRecord(NamedTuple):
    id: int
    ordinal: int
    kind: str
    spokesperson: str | None
    questioner: str | None
    questioner_label: str | None
    question: str | None
    text: str
    speakers: tuple[str, ...] = ()


PASSAGE_COLUMNS = """p.id, p.conference_id, p.ordinal, p.kind, p.date, p.spokesperson,
    p.questioner, p.questioner_label, p.question, p.text, c.source, c.title, c.url,
    p.publisher, p.speakers"""
PASSAGE_FROM = "FROM passages p JOIN conferences c ON c.id = p.conference_id"
_LEXICAL_COLUMNS = "id, date, questioner, spokesperson, question, text, publisher"


def passage_row(row: Sequence, shown: Mapping[str, str] | None = None) -> PassageRow:
    """A PassageRow of a PASSAGE_COLUMNS row; ``shown``: stored name -> the
    name shown for that person (Store.display_names)."""
    speakers = tuple(json.loads(row[14])) if row[14] else ()
    spokesperson = row[5]
    if shown:
        spokesperson = shown.get(spokesperson, spokesperson)
        speakers = tuple(shown.get(s, s) for s in speakers)
    return PassageRow(row[0], row[1], row[2], row[3], dt.date.fromisoformat(row[4]),
                      spokesperson, *row[6:14], speakers)


class ConferenceTables(Database):
    """Conferences (one a transcript file) and their passages."""

    # -- writes (inside the caller's ``write()`` transaction) -------------------
    def lend_url(self, conference_id: int, url: str) -> None:
        """Give a stored conference that has no page URL the one its duplicate
        file has (the same briefing's .md beside its .txt): hits cite it."""
        self.db.execute("UPDATE conferences SET url = ? WHERE id = ? AND url IS NULL",
                        (url, conference_id))

    def put_conference(self, conference: ConferenceRecord,
                       passages: Iterable[PassageRecord]) -> None:
        self.db.execute(
            "INSERT INTO conferences(id, source, sha256, fingerprint, duplicate_of, date, "
            "spokesperson, title, url, ingested_at, parser_version, publisher) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", conference)
        self.db.executemany(
            "INSERT INTO passages(id, conference_id, ordinal, kind, date, spokesperson, "
            "questioner, questioner_label, question, text, publisher, speakers) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [(p.id, conference.id, p.ordinal, p.kind, conference.date, p.spokesperson,
              p.questioner, p.questioner_label, p.question, p.text, conference.publisher,
              json.dumps(list(p.speakers)) if len(p.speakers) > 1 else None)
             for p in passages])

    def delete_conference(self, conference_id: int) -> int:
        """Delete a conference with its passages and their chunks; the number
        of passages removed."""
        self.db.execute("DELETE FROM chunks WHERE passage_id IN "
                        "(SELECT id FROM passages WHERE conference_id = ?)", (conference_id,))
        n = self.db.execute("DELETE FROM passages WHERE conference_id = ?",
                            (conference_id,)).rowcount
        self.db.execute("DELETE FROM conferences WHERE id = ?", (conference_id,))
        return n

    def demote_to_duplicate(self, conference_id: int, original_id: int, fingerprint: str) -> None:
        """A stored original, with the copies that stood in for it, becomes a
        copy of ``original_id`` (which now carries the conference): its
        passages and chunks go, its row stays, so its file reads as unchanged."""
        self.db.execute("DELETE FROM chunks WHERE passage_id IN "
                        "(SELECT id FROM passages WHERE conference_id = ?)", (conference_id,))
        self.db.execute("DELETE FROM passages WHERE conference_id = ?", (conference_id,))
        self.db.execute("UPDATE conferences SET duplicate_of = ?, fingerprint = ? "
                        "WHERE id = ? OR duplicate_of = ?",
                        (original_id, fingerprint, conference_id, conference_id))

    def release_duplicates(self, conference_id: int) -> list[str]:
        """Sources of the copies that stood in for a conference, each made to
        look unread (hash forgotten) so the next ingest stores it in full."""
        orphans = [r[0] for r in self.db.execute(
            "SELECT source FROM conferences WHERE duplicate_of = ?", (conference_id,))]
        self.db.execute("UPDATE conferences SET duplicate_of = NULL, sha256 = '' "
                        "WHERE duplicate_of = ?", (conference_id,))
        return orphans

    def set_parser_version(self, conference_id: int, version: int) -> None:
        self.db.execute("UPDATE conferences SET parser_version = ? WHERE id = ?",
                        (version, conference_id))

    # -- reads ------------------------------------------------------------------
    def conference_by_source(self, source: str) -> StoredConference | None:
        row = self.db.execute(
            "SELECT id, sha256, duplicate_of, parser_version FROM conferences WHERE source = ?",
            (source,)).fetchone()
        return StoredConference(*row) if row else None

    def passage_fields(self, conference_id: int) -> list[tuple]:
        """(id, ordinal, kind, spokesperson, questioner, questioner_label,
        publisher, speakers) of a conference's passages in order: what a
        re-parse is compared with."""
        return [(*r[:7], tuple(json.loads(r[7])) if r[7] else ()) for r in self.db.execute(
            "SELECT id, ordinal, kind, spokesperson, questioner, questioner_label, publisher, "
            "speakers FROM passages WHERE conference_id = ? ORDER BY ordinal", (conference_id,))]

    def conference_url(self, conference_id: int) -> str | None:
        row = self.db.execute("SELECT url FROM conferences WHERE id = ?",
                              (conference_id,)).fetchone()
        return row[0] if row else None

    def original_by_fingerprint(self, fingerprint: str, exclude_source: str
                                ) -> tuple[int, str] | None:
        """(id, source) of a stored original of the same conference from another file."""
        return self.db.execute(
            "SELECT id, source FROM conferences WHERE fingerprint = ? AND duplicate_of IS NULL "
            "AND source != ? LIMIT 1", (fingerprint, exclude_source)).fetchone()

    def originals_on(self, date: str, publisher: str, exclude_source: str
                     ) -> list[tuple[int, str, str]]:
        """(id, source, fingerprint) of the stored originals of one day and
        publisher from other files: the candidates a near-copy may stand for."""
        return self.db.execute(
            "SELECT id, source, fingerprint FROM conferences WHERE date = ? AND publisher = ? "
            "AND duplicate_of IS NULL AND source != ? ORDER BY source",
            (date, publisher, exclude_source)).fetchall()

    def exchange_texts(self, conference_id: int) -> list[tuple[str | None, str]]:
        """(question, text) of a conference's passages in order."""
        return self.db.execute("SELECT question, text FROM passages WHERE conference_id = ? "
                               "ORDER BY ordinal", (conference_id,)).fetchall()

    def sources(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT source FROM conferences ORDER BY source")]

    def passages(self, ids: Sequence[int]) -> dict[int, PassageRow]:
        shown = self.display_names()
        return {row[0]: passage_row(row, shown) for row in self._in_batches(
            f"SELECT {PASSAGE_COLUMNS} {PASSAGE_FROM} WHERE p.id IN ({{marks}})", ids)}

    def all_passages(self) -> Iterator[PassageRow]:
        shown = self.display_names()
        for row in self.db.execute(f"SELECT {PASSAGE_COLUMNS} {PASSAGE_FROM} "
                                   "ORDER BY p.date, p.conference_id, p.ordinal"):
            yield passage_row(row, shown)

    def sample_passages(self, limit: int) -> Iterator[PassageRow]:
        """About ``limit`` passages spread over the whole index (all of a
        smaller one), oldest first, the same ones every time: passage ids are
        hashes, so those in one residue class are an even, stable spread. What
        the chat draws its example questions from without reading every reply
        of a 300k-passage index at start-up."""
        step = max(1, -(-self.count("passages") // max(1, limit)))
        shown = self.display_names()
        for row in self.db.execute(f"SELECT {PASSAGE_COLUMNS} {PASSAGE_FROM} WHERE p.id % ? = 0 "
                                   "ORDER BY p.date, p.conference_id, p.ordinal", (step,)):
            yield passage_row(row, shown)

    def passage_texts(self) -> list[tuple[int, str]]:
        """(id, reply) of every passage, by id."""
        return self.db.execute("SELECT id, text FROM passages ORDER BY id").fetchall()

    def passage_ids(self) -> np.ndarray:
        """Every passage id, ascending (what the lexical index diffs itself against)."""
        # A small index holds every id too: reading it, not the table with all
        # the text, took 0.17 s instead of 0.56 s (3.4 s cold) at 300k passages.
        rows = self.db.execute(
            "SELECT id FROM passages INDEXED BY passages_conference").fetchall()
        return np.sort(np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)))

    def lexical_rows(self, ids: Sequence[int] | None = None) -> Iterator[tuple]:
        """(id, date, questioner, spokesperson, question, text) of the given
        passages, or of all of them: what the lexical index indexes."""
        if ids is None:
            yield from self.db.execute(f"SELECT {_LEXICAL_COLUMNS} FROM passages ORDER BY id")
            return
        yield from self._in_batches(
            f"SELECT {_LEXICAL_COLUMNS} FROM passages WHERE id IN ({{marks}})", ids)

    def lexical_rows_since(self, iso_time: str) -> list[tuple]:
        """lexical_rows of the passages of conferences stored at or after a UTC time."""
        # IN (subquery), not a join: the planner then walks the ingested_at
        # index (a join scanned all passages: 9 s at 300k, cold)
        return self.db.execute(
            f"SELECT {_LEXICAL_COLUMNS} FROM passages WHERE conference_id IN "
            "(SELECT id FROM conferences WHERE ingested_at >= ?) ORDER BY id",
            (iso_time,)).fetchall()

    def passage_dates(self, ids: Sequence[int]) -> dict[int, dt.date]:
        return {pid: dt.date.fromisoformat(d) for pid, d in self._in_batches(
            "SELECT id, date FROM passages WHERE id IN ({marks})", ids)}

    def short_replies(self, ids: Sequence[int], chars: int) -> set[int]:
        """The replies among ``ids`` of fewer than ``chars`` characters."""
        return {pid for (pid,) in self._in_batches(
            "SELECT id FROM passages WHERE length(text) < ? AND kind = 'answer' "
            "AND id IN ({marks})", ids, chars)}

    def count(self, table: str) -> int:
        if table not in ("conferences", "passages", "chunks", "vectors"):
            raise ValueError(table)
        return int(self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def counts(self) -> dict[str, int]:
        one = lambda sql: int(self.db.execute(sql).fetchone()[0])  # noqa: E731
        return {
            "conferences": one("SELECT count(*) FROM conferences WHERE duplicate_of IS NULL"),
            "duplicates": one("SELECT count(*) FROM conferences WHERE duplicate_of IS NOT NULL"),
            **{table: self.count(table) for table in ("passages", "chunks", "vectors")},
        }

    def date_range(self, publisher: str | None = None) -> tuple[str | None, str | None]:
        """The first and last conference date (of one publisher's, if given)."""
        if publisher:
            return tuple(self.db.execute("SELECT min(date), max(date) FROM conferences "
                                         "WHERE publisher = ?", (publisher,)).fetchone())
        return tuple(self.db.execute("SELECT min(date), max(date) FROM conferences").fetchone())

    def gaps(self, publisher: str | None = None, min_days: int = 180, limit: int = 2
             ) -> list[tuple[str, str]]:
        """The longest stretches of at least ``min_days`` with no conference
        (of one publisher's, if given), as (last date before, first date
        after), at most ``limit``, in date order: a span "2018 to 2021" that
        holds nothing of 2020-07 to 2021-11 must say so."""
        where, args = ("WHERE publisher = ?", (publisher,)) if publisher else ("", ())
        rows = self.db.execute(
            f"SELECT prev, date FROM (SELECT date, LAG(date) OVER (ORDER BY date) AS prev "
            f"FROM (SELECT DISTINCT date FROM conferences {where})) "
            f"WHERE prev IS NOT NULL AND julianday(date) - julianday(prev) >= ? "
            f"ORDER BY julianday(date) - julianday(prev) DESC LIMIT ?",
            (*args, min_days, limit)).fetchall()
        return sorted((a, b) for a, b in rows)

    def facet(self, column: str, publisher: str | None = None) -> list[tuple[str, int]]:
        """Distinct values of questioner, spokesperson or publisher with passage
        counts, most first; with ``publisher``, of that publisher's passages.
        Spokespersons by the name shown (one per person: display_names)."""
        stored = self._stored_facet(column, publisher)
        if column != "spokesperson":
            return stored
        shown = self.display_names()
        merged: Counter[str] = Counter()
        for name, n in stored:
            merged[shown.get(name, name)] += n
        return sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))

    def _stored_facet(self, column: str, publisher: str | None = None) -> list[tuple[str, int]]:
        if column not in ("questioner", "spokesperson", "publisher"):
            raise ValueError(column)
        where, args = ("AND publisher = ?", (publisher,)) if publisher else ("", ())
        return [(r[0], r[1]) for r in self.db.execute(
            f"SELECT {column}, count(*) n FROM passages WHERE {column} IS NOT NULL AND {column} != '' "
            f"{where} GROUP BY {column} ORDER BY n DESC, {column}", args)]

    # -- one name per person ------------------------------------------------------
    def display_names(self) -> dict[str, str]:
        """Stored spokesperson name -> the name shown for that person, for the
        names shown as another ("Fauci" -> "Anthony Fauci" when another
        briefing names him in full; rag/people.py). Worked out once per
        generation of the index: it depends on every conference stored."""
        generation = self.generation()
        cached = getattr(self, "_shown_names", None)
        if cached is None or cached[0] != generation:
            cached = (generation, display_names(self._stored_facet("spokesperson")))
            self._shown_names = cached
        return cached[1]

    def titles_and_speakers(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(ISO date, title, its spokespersons as shown) of every stored
        conference: who held which office when (rag/rank/roles.py)."""
        shown = self.display_names()
        return [(date, title, tuple(sorted({shown.get(n, n) for n in json.loads(names)})))
                for date, title, names in self.db.execute(
                    "SELECT c.date, c.title, json_group_array(DISTINCT p.spokesperson) "
                    "FROM conferences c JOIN passages p ON p.conference_id = c.id "
                    "WHERE c.duplicate_of IS NULL AND p.spokesperson IS NOT NULL "
                    "AND p.spokesperson != '' GROUP BY c.id")]

    def stored_names(self, person: str) -> tuple[str, ...]:
        """Every stored form of the spokesperson shown as ``person`` (any case):
        what a filter on that name matches."""
        want = person.casefold()
        return (person, *(name for name, shown in self.display_names().items()
                          if shown.casefold() == want))

    def replies_span(self, names: Sequence[str]) -> tuple[str | None, str | None]:
        """The first and last date of the replies by any of ``names`` (a
        spokesperson's stored forms); (None, None) when there are none."""
        if not names:
            return None, None
        marks = ",".join("?" * len(names))
        return tuple(self.db.execute(
            f"SELECT min(date), max(date) FROM passages WHERE spokesperson IN ({marks})",
            tuple(names)).fetchone())

    # -- duplicates whose original no longer holds their conference --------------
    _STALE_DUPLICATE = """d.duplicate_of IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM conferences o WHERE o.id = d.duplicate_of
        AND o.fingerprint = d.fingerprint AND o.duplicate_of IS NULL)"""

    def is_stale_duplicate(self, conference_id: int) -> bool:
        """Whether a duplicate's original is gone or now holds another conference."""
        return self.db.execute(
            f"SELECT 1 FROM conferences d WHERE d.id = ? AND {self._STALE_DUPLICATE}",
            (conference_id,)).fetchone() is not None

    def release_stale_duplicates(self, original_id: int) -> list[str]:
        """Sources of the duplicates of ``original_id`` it no longer stands for
        (its file now holds another conference), each made to look unread, as
        :meth:`release_duplicates` does."""
        where = f"d.duplicate_of = ? AND {self._STALE_DUPLICATE}"
        stale = [r[0] for r in self.db.execute(
            f"SELECT d.source FROM conferences d WHERE {where}", (original_id,))]
        if stale:
            self.db.execute(f"UPDATE conferences AS d SET duplicate_of = NULL, sha256 = '' "
                            f"WHERE {where}", (original_id,))
        return stale

    def dates_around(self, first: str, last: str) -> tuple[str | None, str | None] | None:
        """The nearest conference dates before ``first`` and after ``last``
        (ISO dates; None for a side with none), or None when a conference
        falls between them."""
        if self.db.execute("SELECT 1 FROM conferences WHERE date BETWEEN ? AND ? LIMIT 1",
                           (first, last)).fetchone():
            return None
        before = self.db.execute("SELECT max(date) FROM conferences WHERE date < ?",
                                 (first,)).fetchone()[0]
        after = self.db.execute("SELECT min(date) FROM conferences WHERE date > ?",
                                (last,)).fetchone()[0]
        return before, after

    def newest_date(self, not_after: str) -> str | None:
        """The newest conference date on or before an ISO date (None: none is)."""
        return self.db.execute("SELECT max(date) FROM conferences WHERE date <= ?",
                               (not_after,)).fetchone()[0]
