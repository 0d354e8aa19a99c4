"""Paths given to ingest -> the transcript files under them, and what will not be read.

Every path found under a folder and not ingested is named with its reason
("skipped": another file type, a broken link, a link loop, a link to a
folder), so nothing vanishes without a word; hidden files and folders (a
name starting with ".") stay silent, as they hold editor and VCS files. A
path named explicitly that cannot be ingested is "failed", as the user asked
for it.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Iterable

from ..parse import SUPPORTED_SUFFIXES, valid_text
from .report import FileResult

__all__ = ["discover"]


def _unsupported(path: Path) -> str:
    return (f"unsupported file type {path.suffix or '(none)'!r}; "
            f"expected one of {', '.join(SUPPORTED_SUFFIXES)}")


def _link_problem(path: Path) -> str | None:
    """Why a symbolic link cannot be followed to a file, or None if it can."""
    try:
        target = os.stat(path)
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symbolic link loop (the link leads back to itself)"
        if e.errno == errno.ENOENT:
            return f"broken symbolic link (its target {os.readlink(path)!r} does not exist)"
        return f"cannot follow symbolic link: {e.strerror or e}"
    if stat.S_ISDIR(target.st_mode):
        # not followed: a link back up the tree would walk it for ever
        return "symbolic link to a folder, not followed (name that folder to ingest it)"
    return None


def _walk(folder: Path, found: list[Path], skipped: list[FileResult], hidden: bool) -> None:
    """Depth first, names sorted (the order sorted full paths give)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as e:
        skipped.append(FileResult(str(folder), "failed",
                                  f"cannot list folder: {e.strerror or e}"))
        return
    for entry in entries:
        path = Path(entry.path)
        quiet = hidden or entry.name.startswith(".")
        if entry.is_symlink():
            problem = _link_problem(path)
            if problem:
                if not quiet:
                    skipped.append(FileResult(str(path), "skipped", problem))
                continue
        if entry.is_dir():
            _walk(path, found, skipped, quiet)
        elif not entry.is_file():
            if not quiet:
                skipped.append(FileResult(str(path), "skipped",
                                          "not a regular file (a pipe, socket or device)"))
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            if not quiet:
                skipped.append(FileResult(str(path), "skipped", _unsupported(path)))
        elif not entry.name.startswith("."):
            # a transcript inside a hidden folder is still read (as before)
            found.append(path)


def discover(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[FileResult]]:
    """Transcript files under the given files and folders (resolved, each
    once), and the results for every path that will not be read: "failed"
    for a path named explicitly, "skipped" for one found in a folder."""
    found: list[Path] = []
    other: list[FileResult] = []
    for p in paths:
        path = Path(p)
        if path.is_symlink() and not path.exists():    # broken, or a loop
            other.append(FileResult(str(path), "failed", _link_problem(path) or "broken link"))
        elif path.is_dir():
            _walk(path, found, other, hidden=False)
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(path)
            else:
                other.append(FileResult(str(path), "failed", _unsupported(path)))
        else:
            other.append(FileResult(str(path), "failed", "no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for f in found:
        r = f.resolve()
        if r in seen:
            continue
        seen.add(r)
        shown = valid_text(str(r))
        if shown != str(r):
            # a name in another encoding (bytes Python keeps as surrogates):
            # the index stores every path as text, so this file is refused
            # alone and the rest go in
            other.append(FileResult(shown, "failed", "the file name is not valid UTF-8 "
                                    "(rename the file to read it)"))
            continue
        unique.append(r)
    return unique, other
