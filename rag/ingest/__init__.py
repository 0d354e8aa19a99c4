"""Stage 4 (writing): discover files -> diff by hash -> apply to the store and
the live index -> prune; reindex with another model; watch folders."""
from __future__ import annotations

from .apply import Ingestor
from .report import STATUSES, FileResult, IngestReport

__all__ = ["Ingestor", "IngestReport", "FileResult", "STATUSES"]
