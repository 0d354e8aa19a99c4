"""Named crash points, so the crash tests kill a process exactly where they mean to.

``PRESSCON_CRASH_AT=name`` (or ``name:n``) makes the process SIGKILL itself,
as ``kill -9`` would, the n-th time it passes that point (default: the first).
Unset, a crash point costs one dictionary lookup. Points:

* ``ingest.file_committed`` - a file's SQLite transaction has committed
* ``faiss.write`` - the FAISS temp file is written, not yet renamed into place
* ``faiss.before_manifest`` - the FAISS file is in place, its manifest not yet written
* ``bm25.write`` - the BM25 snapshot's arrays are written, ``snapshot.json`` not yet
* ``bm25.before_rename`` - the snapshot's temp folder is complete, not yet renamed
* ``reindex.batch`` - a batch of new vectors has committed
* ``reindex.switch`` - inside the switch transaction, before its commit
"""
from __future__ import annotations

import os
import signal

__all__ = ["crash_point", "ENV"]

ENV = "PRESSCON_CRASH_AT"
_passed: dict[str, int] = {}


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
