"""`presscon ingest --watch`: re-run the (incremental) ingest when files change,
storing only files that are complete.

watchdog reports file events; a burst (a scraper writing many files) is
collapsed into one ingest after ``settle`` quiet seconds. That alone is not
enough: a scraper that stalls mid-file for longer than ``settle`` would have
its half-written file stored and served. So a :class:`WriteTracker` follows
each file's writes and hands the ingest a ``defer`` check: a file still open
for writing (Linux inotify reports the close after writing; a rename into
place completes the new name) is left for a later round. Where closes are not
reported (the polling observer), a file counts as complete once its size and
modification time have stayed the same for ``settle`` seconds. Files no event
touched are never held; the ingest skips unchanged ones by hash, and itself
defers a file whose bytes change while it is read.

Reading a file (our own ingest hashing it) produces "opened" and
"closed_no_write" events; they are not changes, or every round would start
the next.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Callable, Sequence

from .report import IngestReport

__all__ = ["watch_paths", "WriteTracker", "DeferCheck"]

log = logging.getLogger("presscon.watch")

#: ``defer(path)``: why a file must wait for a later round, or None to read it now.
DeferCheck = Callable[[Path], "str | None"]

_WRITES = ("created", "modified")
_CHANGES = frozenset({*_WRITES, "closed", "moved", "deleted"})


class WriteTracker:
    """Which files are still being written, from watchdog's file events."""

    def __init__(self, settle: float, closes_reported: bool):
        self.settle = settle
        #: whether the observer reports a close after writing (inotify does);
        #: without it, "complete" means unchanged for ``settle`` seconds
        self.closes_reported = closes_reported
        self._lock = threading.Lock()
        # resolved path -> (time of the last look, (size, mtime_ns) then)
        self._writing: dict[str, tuple[float, tuple[int, int] | None]] = {}

    def event(self, event_type: str, src: str, dest: str = "") -> bool:
        """Record one event; whether it changes what an ingest would see."""
        if event_type not in _CHANGES:
            return False
        key = os.path.realpath(src)
        with self._lock:
            if event_type in _WRITES:
                self._writing[key] = (time.monotonic(), None)
            else:   # closed after writing, moved away, deleted: no longer being written
                self._writing.pop(key, None)
                if event_type == "moved" and dest:
                    # renamed into place: complete, whatever happened to the old name
                    self._writing.pop(os.path.realpath(dest), None)
        return True

    def defer(self, path: Path) -> str | None:
        """Why ``path`` must wait (still being written), or None if it looks complete."""
        key = os.path.realpath(path)
        with self._lock:
            seen = self._writing.get(key)
            if seen is None:
                return None
            if self.closes_reported:
                return "still open for writing, will retry once it is closed"
            try:
                st = os.stat(key)
                now_stat = (st.st_size, st.st_mtime_ns)
            except OSError:
                return None   # gone: the ingest reports that itself
            last_look, last_stat = seen
            if last_stat != now_stat:
                self._writing[key] = (time.monotonic(), now_stat)
                return f"changed in the last {self.settle:g}s, will retry"
            if time.monotonic() - last_look < self.settle:
                return f"changed in the last {self.settle:g}s, will retry"
            del self._writing[key]
            return None

    def writing(self) -> list[str]:
        with self._lock:
            return sorted(self._writing)


def watch_paths(paths: Sequence[str | os.PathLike], on_change: Callable[[DeferCheck], object],
                *, settle: float = 2.0, stop: threading.Event | None = None,
                initial: bool = False,
                on_error: Callable[[BaseException], object] | None = None) -> None:
    """Call ``on_change(defer)`` after every settled burst of file events under
    ``paths`` (and once at the start with ``initial``), until ``stop`` is set
    or Ctrl-C. ``defer`` is the :class:`WriteTracker`'s check to pass to the
    ingest. A round whose report (if ``on_change`` returns one) left files
    "deferred" is run again after ``settle`` seconds even without an event.
    An exception in a round goes to ``on_error`` (default: logged) and the
    watch goes on: one bad round must not end it.
    """
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    changed = threading.Event()
    stop = stop or threading.Event()
    observer = Observer()
    # Observer is inotify's on Linux (close-after-write reported), else a
    # platform observer or polling that does not report closes.
    tracker = WriteTracker(settle, closes_reported=type(observer).__name__ == "InotifyObserver")

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event):
            if event.is_directory:
                return
            dest = getattr(event, "dest_path", "") or ""
            if tracker.event(event.event_type, os.fsdecode(event.src_path), os.fsdecode(dest)):
                changed.set()

    for p in paths:
        folder = p if os.path.isdir(p) else os.path.dirname(os.path.abspath(p))
        observer.schedule(Handler(), str(folder), recursive=True)
    observer.start()   # before the first round: nothing written meanwhile is missed
    pending = initial    # a round is due without an event: the first, or a retry
    at_once = initial    # the first round does not wait
    try:
        while not stop.is_set():
            if not pending and not changed.wait(timeout=0.5):
                continue
            while not at_once and not stop.is_set():
                # wait until the burst settles: ``settle`` seconds without an event
                changed.clear()
                stop.wait(settle)
                if not changed.is_set():
                    break
            at_once = False
            if stop.is_set():
                break
            try:
                result = on_change(tracker.defer)
            except Exception as e:  # noqa: BLE001 - the watch outlives one bad round
                if on_error is None:
                    log.exception("ingest round failed")
                else:
                    on_error(e)
                result = None
            # a file left for later is looked at again even if no event comes
            # (where closes are not reported, nothing else would wake us)
            pending = isinstance(result, IngestReport) and bool(result.by_status("deferred"))
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        observer.join()
