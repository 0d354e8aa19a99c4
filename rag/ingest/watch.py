"""`presscon ingest --watch`: re-run the (incremental) ingest when files change.

watchdog reports file events; a burst (a scraper writing many files) is
collapsed into one ingest after ``settle`` quiet seconds. The ingest itself
skips unchanged files by hash, so a spurious event costs only hashing.
"""
from __future__ import annotations

import os
import threading
from typing import Callable, Sequence


def watch_paths(paths: Sequence[str | os.PathLike], on_change: Callable[[], object], *,
                settle: float = 2.0, stop: threading.Event | None = None) -> None:
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    changed = threading.Event()
    stop = stop or threading.Event()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event):
            if not event.is_directory:
                changed.set()

    observer = Observer()
    for p in paths:
        folder = p if os.path.isdir(p) else os.path.dirname(os.path.abspath(p))
        observer.schedule(Handler(), str(folder), recursive=True)
    observer.start()
    try:
        while not stop.is_set():
            if not changed.wait(timeout=0.5):
                continue
            # wait until the burst settles, then ingest once
            while changed.is_set() and not stop.is_set():
                changed.clear()
                stop.wait(settle)
            on_change()
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        observer.join()
