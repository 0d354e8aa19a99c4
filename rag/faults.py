"""Named crash and fail points, so the fault tests kill a process, or make a
write fail, exactly where they mean to.

``PRESSCON_CRASH_AT=name`` (or ``name:n``) makes the process SIGKILL itself,
as ``kill -9`` would, the n-th time it passes that point (default: the first).
Unset, a crash or fail point costs one dictionary lookup. Points:

* ``ingest.file_committed`` - a file's SQLite transaction has committed
* ``faiss.write`` - the FAISS temp file is written, not yet renamed into place
* ``faiss.before_manifest`` - the FAISS file is in place, its manifest not yet written
* ``bm25.write`` - the BM25 snapshot's arrays are written, ``snapshot.json`` not yet
* ``bm25.before_rename`` - the snapshot's temp folder is complete, not yet renamed
* ``reindex.batch`` - a batch of new vectors has committed
* ``reindex.switch`` - inside the switch transaction, before its commit

``PRESSCON_FAIL_AT=name[:n][=kind]`` makes the n-th pass of a fail point
(default: the first) and every later one raise the error SQLite raises when
a write fails, as a full disk or a file size limit would make it fail for
good: ``kind`` ``io`` (default; "disk I/O error", what EFBIG under
``ulimit -f`` becomes) or ``full`` ("database or disk is full"). Points:

* ``ingest.file_write`` - inside a file's transaction, before its commit
"""
from __future__ import annotations

import os
import signal
import sqlite3

__all__ = ["crash_point", "fail_point", "ENV", "FAIL_ENV"]

ENV = "PRESSCON_CRASH_AT"
FAIL_ENV = "PRESSCON_FAIL_AT"
_passed: dict[str, int] = {}
_failed: dict[str, int] = {}
#: kind -> (SQLite's message, its extended result code)
_FAILURES = {"io": ("disk I/O error", 778), "full": ("database or disk is full", 13)}


def crash_point(name: str) -> None:
    spec = os.environ.get(ENV)
    if not spec:
        return
    wanted, _, nth = spec.partition(":")
    if wanted != name:
        return
    _passed[name] = _passed.get(name, 0) + 1
    if _passed[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


def fail_point(name: str) -> None:
    spec = os.environ.get(FAIL_ENV)
    if not spec:
        return
    point, _, kind = spec.partition("=")
    wanted, _, nth = point.partition(":")
    if wanted != name:
        return
    _failed[name] = _failed.get(name, 0) + 1
    if _failed[name] >= int(nth or 1):
        message, code = _FAILURES[kind or "io"]
        error = sqlite3.OperationalError(message)
        error.sqlite_errorcode = code   # as sqlite3 sets it on the errors it raises
        raise error
