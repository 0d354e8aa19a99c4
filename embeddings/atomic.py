"""Writing a file so a reader sees the old one or the new one, never half: a
temp file beside it, fsync, rename. Used by the index manifest, the FAISS
file, the BM25 snapshot and the model export's record (this package is the
lowest layer all of them can import).

Every temp file or folder presscon makes is named ``<final name>.presscon-tmp-
<pid>-<token>`` (the writing process's id, 16 random hex digits): a name no
other program makes, so a temp a killed save left behind can be told from a
user's ``vectors.1.faiss.old.tmp`` and cleaned up (``parse_temp_name``), and
nothing else is.
"""
from __future__ import annotations

import json
import os
import re
import secrets
from pathlib import Path
from typing import Any, NamedTuple

__all__ = ["write_json_atomic", "new_temp_file", "new_temp_dir", "parse_temp_name",
           "pid_alive", "TempName", "TEMP_MARK"]

TEMP_MARK = ".presscon-tmp-"
_TEMP_NAME = re.compile(r"^(?P<final>.+)" + re.escape(TEMP_MARK)
                        + r"(?P<pid>[1-9]\d{0,9})-(?P<token>[0-9a-f]{16})$")


class TempName(NamedTuple):
    final: str      # the name the temp was to be renamed to
    pid: int        # the process that made it


def parse_temp_name(name: str) -> TempName | None:
    """The final name and writer's pid of a presscon temp name, else None."""
    m = _TEMP_NAME.match(name)
    return TempName(m["final"], int(m["pid"])) if m else None


def pid_alive(pid: int) -> bool:
    """Is the process that made a temp (its pid from ``parse_temp_name``)
    still running? Another user's process counts as running."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True         # there, another user's
    return True


def _temp_path(path: Path) -> Path:
    return path.parent / f"{path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(8)}"


def new_temp_file(path: Path) -> tuple[int, str]:
    """A new empty temp file beside ``path`` (mode 0600), opened for writing:
    (file descriptor, its path)."""
    while True:
        tmp = _temp_path(Path(path))
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), str(tmp)
        except FileExistsError:    # 64 random bits: never in practice
            continue


def new_temp_dir(path: Path) -> Path:
    """A new empty temp folder beside ``path`` (mode 0700)."""
    while True:
        tmp = _temp_path(Path(path))
        try:
            os.mkdir(tmp, 0o700)
            return tmp
        except FileExistsError:
            continue


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    fd, tmp = new_temp_file(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, sort_keys=True)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # made 0600; the index may be read by others
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
