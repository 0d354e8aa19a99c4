"""The chunks and vectors tables: what is embedded, and every model's vectors.

Vectors are keyed by (model id, text hash), so an unchanged chunk text is
never encoded twice and two models' vectors never mix.
"""
from __future__ import annotations

import json
from typing import Iterable, Iterator, Sequence

import numpy as np

from .database import Database, damaged_error

#: How far from 1 a stored vector's length may be: every encoder stores
#: L2-normalized float32 rows, so a vector beyond this was damaged in the file
#: (bytes overwritten inside the database: a rebuilt FAISS index then ranked
#: one reply first for every question with a score of 2e36).
UNIT_TOLERANCE = 0.01

#: (chunk id, passage id, ordinal, text hash): one chunk row to write.
ChunkRow = tuple[int, int, int, str]


class VectorTables(Database):
    """Chunks (paragraph windows of passages) and their vectors."""

    # -- writes (inside the caller's ``write()`` transaction) -------------------
    def put_chunks(self, rows: Iterable[ChunkRow]) -> None:
        self.db.executemany(
            "INSERT INTO chunks(id, passage_id, ordinal, text_hash) VALUES (?,?,?,?)", rows)

    def replace_all_chunks(self, rows: Iterable[ChunkRow]) -> None:
        """Every chunk row at once (a reindex switching chunking or model)."""
        self.db.execute("DELETE FROM chunks")
        self.put_chunks(rows)

    def put_vectors(self, model_id: str, items: Iterable[tuple[str, np.ndarray]]) -> None:
        """Store (text hash, vector) pairs for a model; a vector already stored
        for that hash is kept."""
        self.db.executemany(
            "INSERT OR IGNORE INTO vectors(model_id, text_hash, vector) VALUES (?,?,?)",
            [(model_id, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items])

    def drop_unused_vectors(self, model_id: str) -> None:
        """Vectors no chunk uses any more (other models, old chunk texts)."""
        self.db.execute("DELETE FROM vectors WHERE model_id != ? OR text_hash NOT IN "
                        "(SELECT text_hash FROM chunks)", (model_id,))

    # -- reads ------------------------------------------------------------------
    def chunk_ids_of_conference(self, conference_id: int) -> list[int]:
        return [r[0] for r in self.db.execute(
            "SELECT ch.id FROM chunks ch JOIN passages p ON p.id = ch.passage_id "
            "WHERE p.conference_id = ?", (conference_id,))]

    def missing_hashes(self, model_id: str, hashes: Iterable[str]) -> set[str]:
        """The text hashes that have no stored vector for this model yet."""
        wanted = set(hashes)
        have = {r[0] for r in self._in_batches(
            "SELECT text_hash FROM vectors WHERE model_id = ? AND text_hash IN ({marks})",
            list(wanted), model_id)}
        return wanted - have

    def vectors(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by text hash, for the hashes this model has encoded."""
        rows = list(self._in_batches(
            "SELECT text_hash, vector FROM vectors WHERE model_id = ? AND text_hash IN ({marks})",
            list(dict.fromkeys(hashes)), model_id))
        return dict(zip((h for h, _ in rows), self._decoded([blob for _, blob in rows])))

    def passage_vectors(self, model_id: str, passage_ids: Sequence[int]
                        ) -> Iterator[tuple[int, np.ndarray]]:
        """(passage id, vector) of every chunk of the given passages."""
        rows = list(self._in_batches(
            "SELECT ch.passage_id, v.vector FROM chunks ch CROSS JOIN vectors v "
            "ON v.text_hash = ch.text_hash AND v.model_id = ? "
            "WHERE ch.passage_id IN ({marks})", passage_ids, model_id))
        yield from zip((pid for pid, _ in rows), self._decoded([blob for _, blob in rows]))

    def _decoded(self, blobs: Sequence[bytes]) -> np.ndarray:
        """Vector BLOBs as float32 rows, each checked to be what was stored:
        of one size and of unit length (else DatabaseDamagedError)."""
        if not blobs:
            return np.zeros((0, 0), dtype=np.float32)
        try:
            vecs = np.stack([np.frombuffer(b, dtype=np.float32) for b in blobs])
        except (TypeError, ValueError):
            raise damaged_error(self.path, "stored vectors of different sizes") from None
        with np.errstate(over="ignore", invalid="ignore"):   # garbage overflows to inf: bad
            norms = np.linalg.norm(vecs, axis=1)
        bad = ~(np.abs(norms - 1.0) <= UNIT_TOLERANCE)       # NaN and inf are bad too
        if bad.any():
            raise damaged_error(self.path, f"{int(bad.sum())} of the stored vectors read are "
                                           "not what was stored (not of unit length)")
        return vecs

    def iter_chunk_vectors(self, model_id: str, batch: int = 20000
                           ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(chunk ids, vectors) of every stored chunk, in batches, for a rebuild."""
        cur = self.db.execute(
            "SELECT ch.id, v.vector FROM chunks ch JOIN vectors v "
            "ON v.text_hash = ch.text_hash AND v.model_id = ? ORDER BY ch.id", (model_id,))
        while True:
            rows = cur.fetchmany(batch)
            if not rows:
                return
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            yield ids, self._decoded([r[1] for r in rows])

    def chunks_without_vector(self, model_id: str) -> list[tuple[int, str]]:
        """(passage id, text hash) of chunks the model has not encoded yet."""
        return self.db.execute(
            "SELECT ch.passage_id, ch.text_hash FROM chunks ch LEFT JOIN vectors v "
            "ON v.text_hash = ch.text_hash AND v.model_id = ? WHERE v.text_hash IS NULL",
            (model_id,)).fetchall()

    def chunk_ids_of(self, passage_ids: Sequence[int]) -> np.ndarray:
        """Chunk ids of the given passages, in one query whatever their number
        (json_each walks the passage index; an IN list is capped by SQLite)."""
        rows = self.db.execute(
            "SELECT id FROM chunks WHERE passage_id IN (SELECT value FROM json_each(?))",
            (json.dumps([int(p) for p in passage_ids]),)).fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def chunk_passages(self, chunk_ids: Sequence[int]) -> dict[int, int]:
        """Passage id by chunk id."""
        return dict(self._in_batches("SELECT id, passage_id FROM chunks WHERE id IN ({marks})",
                                     [int(i) for i in chunk_ids]))

    def distinct_chunk_texts(self) -> int:
        return int(self.db.execute("SELECT count(DISTINCT text_hash) FROM chunks").fetchone()[0])
