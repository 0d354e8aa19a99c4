"""Errors a user can act on; the CLI prints them as one line and exits 1."""


class PressconError(Exception):
    pass


class ModelMismatchError(PressconError):
    """The index was built with another embedding model."""


class IngestBusyError(PressconError):
    """Another process is writing to the same index."""
