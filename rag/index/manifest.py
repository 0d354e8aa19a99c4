"""The JSON manifest beside the FAISS file: what made the derived files, their
checksums, and which files in the folder presscon made.

It lets ``Retriever.open`` tell in O(1) whether the FAISS file still matches
the database (same model, same generation) or must be rebuilt from it. It is
also presscon's ledger of the derived files it wrote:

* ``owned``: every derived file or folder name presscon created here and has
  not removed yet. A name goes in *before* the file is renamed into place (a
  kill in between leaves a name that is owned, never a file that is not), and
  presscon deletes only names in this list: an index folder may hold files of
  its own user (``vectors.mine.faiss``, ``lexical.1/``) and they stay.
* ``faiss_record`` and ``lexical.files``: the size, SHA-256 and stat stamps
  of each derived file as written, so a file damaged since (bytes
  overwritten, truncated) is detected at open and rebuilt from SQLite instead
  of served (see ``matches``). SHA-256 rather than BLAKE2: with the CPU's SHA
  extensions it hashes about twice as fast here (820 vs 420 MB/s).

Only a process holding the writer lock writes the manifest, so its
read-modify-write updates never race each other.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any, Iterable

from embeddings.atomic import write_json_atomic

MANIFEST = "manifest.json"
WRITER = "presscon"      # the ``written_by`` marker of a manifest presscon wrote
#: "full": always hash; "0": sizes only. For benchmarks/bench_open.py, which
#: measures what verification costs; not for production use.
VERIFY_ENV = "PRESSCON_VERIFY"
TEMP_MAX_AGE = 3600      # s: a temp file this old is nobody's save in progress

# Temp names presscon's own saves make (tempfile.mkstemp/mkdtemp: the final
# name, a dot, 8 random characters, ".tmp"), left behind by a killed save.
_TEMP = re.compile(r"^(vectors\.\d+(-\d+)?\.faiss|lexical\.\d+(-\d+)?|manifest\.json)"
                   r"\.[a-z0-9_]+\.tmp$")




def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    """The manifest, or None when it is missing, unreadable or not a JSON
    object (then every derived file is rebuilt, and none is deleted)."""
    try:
        data = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_manifest(index_dir: Path, data: dict[str, Any]) -> None:
    write_json_atomic(index_dir / MANIFEST, {**data, "written_by": WRITER})


def update_manifest(index_dir: Path, **changes: Any) -> dict[str, Any]:
    """Merge ``changes`` into the manifest (keys not named are kept)."""
    data = {**(read_manifest(index_dir) or {}), **changes}
    write_manifest(index_dir, data)
    return data


# -- ownership -----------------------------------------------------------------
def owned(manifest: dict[str, Any] | None) -> set[str]:
    names = (manifest or {}).get("owned")
    return {n for n in names if isinstance(n, str) and "/" not in n and n not in ("", ".", "..")
            } if isinstance(names, list) else set()


def fresh_name(index_dir: Path, stem: str, suffix: str) -> str:
    """``stem + suffix``, or ``stem-1 + suffix``, ...: the first name that is
    free or already presscon's (a name held by someone else's file is skipped)."""
    mine = owned(read_manifest(index_dir))
    n = 0
    while True:
        name = f"{stem}{f'-{n}' if n else ''}{suffix}"
        if name in mine or not (index_dir / name).exists():
            return name
        n += 1


def _legacy_owned(index_dir: Path, m: dict[str, Any]) -> set[str]:
    """What a presscon from before the ``owned`` list left here: the FAISS file
    its manifest names and the BM25 snapshots bearing its format marker."""
    found = set()
    if re.fullmatch(r"vectors\.\d+\.faiss", str(m.get("faiss_file", ""))) and "model_id" in m:
        found.add(m["faiss_file"])
    for d in index_dir.glob("lexical.*"):
        if not re.fullmatch(r"lexical\.\d+", d.name) or d.is_symlink():
            continue
        try:
            meta = json.loads((d / "snapshot.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(meta, dict) and str(meta.get("format", "")).startswith(
                "bm25s-robertson-porter-"):
            found.add(d.name)
    return found


def claim(index_dir: Path, name: str) -> None:
    """Record ``name`` as presscon's before it is put in place."""
    m = read_manifest(index_dir) or {}
    have = owned(m)
    if "owned" not in m:
        have |= _legacy_owned(index_dir, m)
    if name not in have or "owned" not in m:
        update_manifest(index_dir, owned=sorted(have | {name}))


def release_others(index_dir: Path, prefix: str, keep: Iterable[str]) -> None:
    """Delete the names starting with ``prefix`` that presscon owns here, but
    those in ``keep``, and forget them. A reader that has them open keeps its
    copy (POSIX keeps an unlinked file's data while it is open or mapped)."""
    m = read_manifest(index_dir)
    have = owned(m)
    keep = set(keep)
    gone = {n for n in have if n.startswith(prefix) and n not in keep}
    if not gone:
        return
    for name in gone:
        path = index_dir / name
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
        except OSError:
            keep.add(name)  # still there: still ours, try again next time
    update_manifest(index_dir, owned=sorted((have - gone) | (keep & have)))


def clear_stale_temp_files(index_dir: Path, max_age: float = TEMP_MAX_AGE) -> None:
    """Remove temp files and folders of presscon's own saves (by the names
    those saves make) that are old enough to be nobody's save in progress:
    a save killed half-way leaves one."""
    now = time.time()
    try:
        entries = list(os.scandir(index_dir))
    except OSError:
        return
    for entry in entries:
        if not _TEMP.match(entry.name):
            continue
        try:
            if now - entry.stat(follow_symlinks=False).st_mtime <= max_age:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            pass


# -- checksums -----------------------------------------------------------------
def file_record(path: Path) -> dict[str, Any]:
    """Size, SHA-256 and stat stamps of a file as written (after its rename:
    a rename may touch the ctime)."""
    with open(path, "rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
        st = os.fstat(f.fileno())
    return {"size": st.st_size, "sha256": digest, "mtime_ns": st.st_mtime_ns,
            "ctime_ns": st.st_ctime_ns, "inode": st.st_ino}


def matches(path: Path, record: Any) -> bool:
    """True if the file is as written: the recorded size, and either the very
    same inode, mtime and ctime (nothing wrote to it since: any write moves
    both times, and no program can set the ctime back) or, when a stamp
    differs (the folder was copied or restored, a program wrote to the file),
    the same SHA-256 over its bytes. The stamp fast path keeps the check
    under a tenth of open time (hashing 68 MB of FAISS file at 30k passages
    took 40% of it; benchmarks/bench_open.py); PRESSCON_VERIFY=full always
    hashes, PRESSCON_VERIFY=0 checks sizes only (both for measuring)."""
    if not isinstance(record, dict):
        return False
    mode = os.environ.get(VERIFY_ENV, "1")
    try:
        st = path.stat()
        if st.st_size != record.get("size"):
            return False
        if mode == "0":
            return True
        if mode != "full" and (st.st_ino, st.st_mtime_ns, st.st_ctime_ns) == (
                record.get("inode"), record.get("mtime_ns"), record.get("ctime_ns")):
            return True
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest() == record.get("sha256")
    except OSError:
        return False
