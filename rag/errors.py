"""Errors a user can act on; the CLI prints them as one line and exits 1."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .ingest.report import IngestReport


class PressconError(Exception):
    pass


class ModelMismatchError(PressconError):
    """The index was built with another embedding model (or re-encoded with
    another one while this process was serving it)."""


class IngestBusyError(PressconError):
    """Another process is writing to the same index."""


class StoreError(PressconError):
    """The index's database cannot be used as it is."""

    #: Set when it stopped an ingest: what that ingest did up to there (the
    #: files stored before it, and the file it stopped at, failed), so the
    #: caller can still report them.
    report: IngestReport | None = None


class NotAnIndexError(StoreError):
    """The database in the index folder belongs to another program."""


class DatabaseDamagedError(StoreError):
    """The database is damaged, truncated or missing beside a manifest that
    says it held conferences."""


class DiskError(StoreError):
    """Writing (or reading) the database file failed for a reason outside it:
    a full disk, the process's file size limit, an I/O error. Not damage:
    what was stored before is intact."""

    def __init__(self, message: str, what: str = ""):
        super().__init__(message)
        #: what happened, in a few words ("the disk holding x is full"), for
        #: the line of the file that could not be stored
        self.what = what or message


class DiskFullError(DiskError):
    """The disk holding the index is full."""


class ReadOnlyIndexError(StoreError):
    """The index was opened read-only (or its folder is not writable) and
    the command would write to it."""

    @classmethod
    def for_index(cls, folder: object) -> "ReadOnlyIndexError":
        return cls(f"the index in {folder} was opened read-only; this command writes to it: "
                   "run it as a user who may write to that folder")
