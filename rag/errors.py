"""Errors a user can act on; the CLI prints them as one line and exits 1."""


class PressconError(Exception):
    pass


class ModelMismatchError(PressconError):
    """The index was built with another embedding model (or re-encoded with
    another one while this process was serving it)."""


class IngestBusyError(PressconError):
    """Another process is writing to the same index."""


class StoreError(PressconError):
    """The index's database cannot be used as it is."""


class NotAnIndexError(StoreError):
    """The database in the index folder belongs to another program."""


class DatabaseDamagedError(StoreError):
    """The database is damaged, truncated or missing beside a manifest that
    says it held conferences."""


class DiskFullError(StoreError):
    """The disk holding the index is full."""


class ReadOnlyIndexError(StoreError):
    """The index was opened read-only (or its folder is not writable) and
    the command would write to it."""

    @classmethod
    def for_index(cls, folder: object) -> "ReadOnlyIndexError":
        return cls(f"the index in {folder} was opened read-only; this command writes to it: "
                   "run it as a user who may write to that folder")
