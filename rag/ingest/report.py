"""What an ingest did, file by file: the report the CLI prints and the API returns."""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["STATUSES", "FileResult", "IngestReport"]

#: "skipped": found in a folder but not a transcript to read (another file
#: type, a broken link); named with its reason, and not a failure.
#: "deferred": not read this time because it is still being written or
#: changed while it was read; the next run (or watch round) takes it.
STATUSES = ("added", "updated", "unchanged", "duplicate", "removed", "skipped", "deferred",
            "failed")


@dataclass
class FileResult:
    path: str
    status: str                 # one of STATUSES
    reason: str = ""            # why it failed or was skipped, or what it duplicates
    passages: int = 0
    encoded: int = 0            # chunk texts sent to the encoder for this file
    date: str | None = None
    profile: str = ""           # the profile that read the file ("mfa", "whitehouse")
    encoding: str = ""          # how its bytes were decoded ("utf-8", "cp1252", "utf-16")
    #: stored, but worth a look ("dated 2099-01-01, in the future")
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    #: Why it stopped before the end, if it did (a StoreError: a full disk,
    #: a file size limit, damage); the files after the one that failed were
    #: not tried.
    stopped: str = ""

    def by_status(self, status: str) -> list[FileResult]:
        return [f for f in self.files if f.status == status]

    @property
    def counts(self) -> dict[str, int]:
        return {s: len(self.by_status(s)) for s in STATUSES}

    @property
    def encoded(self) -> int:
        return sum(f.encoded for f in self.files)

    @property
    def ok(self) -> bool:
        return not self.by_status("failed") and not self.stopped

    def summary(self) -> str:
        parts = [f"{n} {s}" for s, n in self.counts.items() if n]
        stopped = "; stopped early (see the error): any file after the last one listed was " \
            "not tried" if self.stopped else ""
        return (", ".join(parts) or "nothing to do") + stopped + \
            f"; {self.encoded} chunks encoded in {self.seconds:.1f}s"
