"""Stage 2: SQLite, the source of truth. Every SQL statement of presscon is
in this package: ``schema`` (named migrations), ``database`` (connections,
transactions, meta), and one module per group of tables."""
from __future__ import annotations

from .conferences import (ConferenceRecord, ConferenceTables, PassageRecord, PassageRow,
                          StoredConference)
from .database import StoreError
from .groups import GroupTables
from .phrases import PhraseTables
from .schema import SCHEMA_VERSION
from .vectors import ChunkRow, VectorTables

__all__ = ["Store", "StoreError", "PassageRow", "PassageRecord", "ConferenceRecord",
           "StoredConference", "ChunkRow", "SCHEMA_VERSION"]


class Store(ConferenceTables, VectorTables, GroupTables, PhraseTables):
    """The index's database: conferences and passages, chunks and vectors,
    groups of repeated replies. A connection per thread, writes serialized
    (``with store.write(): ...`` is one transaction)."""
