"""Phrase look-ups in the FTS5 table: which replies contain a run of words.

BM25 ranks by shared words; a pasted sentence of a reply is better evidence
than any sum of word scores, and FTS5 answers a phrase query from its
position lists in milliseconds (rag/rank/phrases.py decides when to ask).
"""
from __future__ import annotations

from typing import Sequence

from .database import Database

#: More containers than this are a stock phrase, not one reply: the first are enough.
PHRASE_LIMIT = 200


class PhraseTables(Database):
    def passages_with_phrase(self, words: Sequence[str], limit: int = PHRASE_LIMIT,
                             column: str = "text") -> list[int]:
        """Ids of passages whose reply (``column`` "text"), reporter's question
        ("question") or either ("either") holds ``words`` in this order, as
        FTS5's tokenizer reads them (stemmed, no accents, no punctuation),
        ascending; [] for no words."""
        columns = {"text": "text", "question": "question", "either": "{question text}"}
        if column not in columns:
            raise ValueError(column)
        words = [w for w in words if w]
        if not words:
            return []
        # one FTS5 string: each word quoted ("" escapes a quote), the run a phrase
        phrase = " + ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = self.db.execute(
            "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rowid LIMIT ?",
            (f"{columns[column]} : ({phrase})", int(limit))).fetchall()
        return [int(r[0]) for r in rows]

    def passages_with_any_phrase(self, phrases: Sequence[Sequence[str]],
                                 limit: int = PHRASE_LIMIT) -> dict[int, str]:
        """Reply text by passage id of the passages whose reply holds at
        least one of ``phrases`` (runs of words, as :meth:`passages_with_phrase`
        reads them): the candidates of a quote cleaned up a little."""
        runs = [" + ".join('"' + w.replace('"', '""') + '"' for w in words if w)
                for words in phrases]
        runs = [r for r in runs if r]
        if not runs:
            return {}
        query = "text : (" + " OR ".join(f"({r})" for r in runs) + ")"
        rows = self.db.execute(
            # best first (FTS5's rank): the reply holding most of the runs
            # must not be cut by the limit when a run is a stock phrase
            "SELECT p.id, p.text FROM passages p WHERE p.id IN (SELECT rowid FROM passages_fts "
            "WHERE passages_fts MATCH ? ORDER BY rank LIMIT ?)", (query, int(limit))).fetchall()
        return {int(pid): text for pid, text in rows}
