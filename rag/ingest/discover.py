"""Paths given to ingest -> the transcript files under them, and what cannot be read."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from ..parse import SUPPORTED_SUFFIXES
from .report import FileResult

__all__ = ["discover"]


def discover(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[FileResult]]:
    """Transcript files under the given files and folders, and failures for
    paths that do not exist or have an unsupported suffix."""
    found: list[Path] = []
    failed: list[FileResult] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found.extend(sorted(f for f in path.rglob("*")
                                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
                                and not f.name.startswith(".")))
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(path)
            else:
                failed.append(FileResult(str(path), "failed",
                                         f"unsupported file type {path.suffix or '(none)'!r}; "
                                         f"expected one of {', '.join(SUPPORTED_SUFFIXES)}"))
        else:
            failed.append(FileResult(str(path), "failed", "no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for f in found:
        r = f.resolve()
        if r not in seen:
            seen.add(r)
            unique.append(r)
    return unique, failed
