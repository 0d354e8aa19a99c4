"""The JSON manifest beside the FAISS file: what made the derived files, their
checksums, and which files in the folder presscon made.

It lets ``Retriever.open`` tell in O(1) whether the FAISS file still matches
the database (same model, same generation) or must be rebuilt from it. It is
also presscon's ledger of the derived files it wrote:

* ``owned``: every derived file or folder name presscon created here and has
  not removed yet. A name goes in *before* the file is renamed into place (a
  kill in between leaves a name that is owned, never a file that is not), and
  presscon deletes only names in this list: an index folder may hold files of
  its own user (``vectors.mine.faiss``, ``lexical.1/``) and they stay. Inside
  a snapshot folder it deletes only the file names it writes there
  (``SNAPSHOT_FILES``), and the folder only when that empties it.
* ``faiss_record`` and ``lexical.files``: the size, SHA-256 and stat stamps
  of each derived file as written, so a file damaged since (bytes
  overwritten, truncated) is detected at open and rebuilt from SQLite instead
  of served (see ``matches``). SHA-256 rather than BLAKE2: with the CPU's SHA
  extensions it hashes about twice as fast here (820 vs 420 MB/s).

A copy of the ledger, each name with the records of what was written under it,
is kept in ``presscon.db`` (meta ``derived_files``, ``record_owned``): when
``manifest.json`` is lost, a derived file it listed is still presscon's if it
is still the file presscon wrote there (the recorded stamps or SHA-256), and
only then. Temp files are presscon's by their name alone (embeddings/atomic.py:
``<final>.presscon-tmp-<pid>-<token>``), which no other program makes.

Only a process holding the writer lock writes the manifest, so its
read-modify-write updates never race each other.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from embeddings.atomic import parse_temp_name, pid_alive, write_json_atomic

from ..errors import PressconError

if TYPE_CHECKING:
    from ..store import Store

MANIFEST = "manifest.json"
WRITER = "presscon"      # the ``written_by`` marker of a manifest presscon wrote
#: "full": always hash; "0": sizes only. For benchmarks/bench_open.py, which
#: measures what verification costs; not for production use.
VERIFY_ENV = "PRESSCON_VERIFY"
TEMP_MAX_AGE = 3600      # s: a temp file this old is nobody's save in progress
LEDGER_KEY = "derived_files"   # presscon.db meta: the ledger, with each name's records

#: Every file name presscon writes inside a BM25 snapshot folder (bm25s's
#: files, the filter columns, the word count, snapshot.json): the only names
#: it ever deletes there.
SNAPSHOT_FILES = frozenset({
    "data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy",
    "nonoccurrence_array.index.npy", "vocab.index.json", "params.index.json",
    "ids.npy", "days.npy", "questioners.npy", "spokespersons.npy", "publishers.npy",
    "words.json", "snapshot.json"})

# The final names of the files presscon's saves write here through a temp file
# (a temp of another final name is not one presscon made here).
_TEMP_FINAL = re.compile(r"vectors\.\d+(-\d+)?\.faiss|lexical\.\d+(-\d+)?|manifest\.json"
                         r"|query_adapter\.(npy|json)")
# Names that look like a derived or temp file of presscon's (for ``unproven_files``).
_LOOKALIKE = re.compile(r"(vectors|lexical)\..+|(manifest\.json|query_adapter\.(npy|json))\..+")

log = logging.getLogger("presscon.index")


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
def _plain(name: Any) -> bool:
    return isinstance(name, str) and "/" not in name and "\0" not in name \
        and name not in ("", ".", "..")


def owned(manifest: dict[str, Any] | None) -> set[str]:
    """The names the manifest's ``owned`` list holds."""
    names = (manifest or {}).get("owned")
    return {n for n in names if _plain(n)} if isinstance(names, list) else set()


def _ledger(store: "Store | None") -> dict[str, dict[str, Any]]:
    """The copy of the ledger in presscon.db: name -> records of what was written."""
    if store is None:
        return {}
    try:
        data = json.loads(store.get_meta(LEDGER_KEY) or "{}")
    except (ValueError, sqlite3.Error, PressconError, OSError):
        return {}
    return {n: v for n, v in data.items() if _plain(n) and isinstance(v, dict)
            } if isinstance(data, dict) else {}


_proofs: dict[tuple, bool] = {}     # (path, size, inode, mtime, ctime, sha) -> matched


def _is_as_written(path: Path, record: Any) -> bool:
    """``matches`` for a regular file (never a link), remembered while the
    file's stamps stay the same: ``presscon info`` asks on every page load."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or not isinstance(record, dict):
        return False
    key = (str(path), st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns,
           record.get("sha256"))
    if key not in _proofs:
        if len(_proofs) > 256:
            _proofs.clear()
        _proofs[key] = matches(path, record)
    return _proofs[key]


def _proven(index_dir: Path, name: str, records: dict[str, Any]) -> bool:
    """``name`` is still what presscon recorded writing there: a file with the
    recorded size and stamps or SHA-256; a snapshot folder (not a link) whose
    ``snapshot.json`` is the one presscon wrote into it."""
    path = index_dir / name
    if "file" in records:
        return _is_as_written(path, records["file"])
    files = records.get("files")
    return (isinstance(files, dict) and path.is_dir() and not path.is_symlink()
            and _is_as_written(path / "snapshot.json", files.get("snapshot.json")))


def ownership(index_dir: Path, store: "Store | None" = None) -> set[str]:
    """The derived files and folders presscon can show it made here: the
    manifest's ``owned`` list; for a manifest of a presscon from before that
    list, the FAISS file it names and the snapshot folders bearing presscon's
    format. With no manifest of presscon's (deleted, or not a JSON object):
    the names of the copy in presscon.db that are still the very files
    presscon wrote (``_proven``), and nothing else."""
    m = read_manifest(index_dir)
    if m is not None and "owned" in m:
        return owned(m)
    found = {n for n, records in _ledger(store).items() if _proven(index_dir, n, records)}
    if m is not None and "model_id" in m:
        found |= _legacy_owned(index_dir, m)
    return found


def _free(path: Path) -> bool:
    return not os.path.lexists(path)


def _of_its_kind(path: Path) -> bool:
    """What presscon makes at that name: a snapshot folder at ``lexical.*``,
    a file elsewhere; never a link."""
    return not path.is_symlink() and path.is_dir() == path.name.startswith("lexical.")


def fresh_name(index_dir: Path, stem: str, suffix: str, store: "Store | None" = None,
               skip: Iterable[str] = ()) -> str:
    """``stem + suffix``, or ``stem-1 + suffix``, ...: the first name that is
    free or already presscon's (a name held by someone else's file, a link, or
    one in ``skip`` is passed over)."""
    mine = ownership(index_dir, store)
    skip = set(skip)
    n = 0
    while True:
        name = f"{stem}{f'-{n}' if n else ''}{suffix}"
        path = index_dir / name
        if name not in skip and (_free(path) or (name in mine and _of_its_kind(path))):
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


def claim(index_dir: Path, name: str, store: "Store | None" = None) -> None:
    """Record ``name`` as presscon's before it is put in place (with what
    ``ownership`` shows is presscon's when the manifest has no list yet)."""
    m = read_manifest(index_dir) or {}
    have = ownership(index_dir, store)
    if name not in have or "owned" not in m:
        update_manifest(index_dir, owned=sorted(have | {name}))


def _empty_snapshot_dir(path: Path) -> tuple[bool, list[str]]:
    """Delete the files presscon writes in a snapshot folder, then the folder
    if that emptied it. (done, left): ``done`` False when one of presscon's
    files could not be deleted; ``left``: what is not presscon's and stays
    (then so does the folder), as ``folder/name``."""
    try:
        entries = list(os.scandir(path))
    except FileNotFoundError:
        return True, []
    except OSError:
        return False, []
    done, left = True, []
    for e in entries:
        if e.name in SNAPSHOT_FILES and e.is_file(follow_symlinks=False):
            try:
                os.unlink(e.path)
            except FileNotFoundError:
                pass
            except OSError:
                done = False
        else:
            left.append(f"{path.name}/{e.name}")
    if done and not left:
        try:
            os.rmdir(path)
        except FileNotFoundError:
            pass
        except OSError:
            done = False      # e.g. a file put there meanwhile: seen next time
    return done, sorted(left)


def _discard(index_dir: Path, name: str) -> tuple[bool, list[str]]:
    """Delete presscon's derived file or snapshot folder ``name`` (only what
    presscon wrote of it). (done, left) as ``_empty_snapshot_dir``; what
    presscon never makes at that name (a link, a folder where it writes a
    file, a file where it makes a folder) is someone else's and is left."""
    path = index_dir / name
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return True, []
    except OSError:
        return False, []
    if not _of_its_kind(path):
        return True, [name]
    if stat.S_ISDIR(st.st_mode):
        return _empty_snapshot_dir(path)
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        return False, []
    return True, []


def _say_left(index_dir: Path, name: str, left: list[str]) -> None:
    log.warning("presscon: kept %s in %s: presscon did not write %s (only its own files "
                "in %s were deleted)", ", ".join(left), index_dir,
                "it" if len(left) == 1 else "them", name)


def discard(index_dir: Path, name: str) -> bool:
    """Delete presscon's own ``name`` (see ``_discard``) so that a new file
    can take the name; True when the name is free now. A folder that keeps a
    file presscon did not write is no longer presscon's: forgotten, with a
    warning (``presscon info`` lists it)."""
    done, left = _discard(index_dir, name)
    if done and left:
        _say_left(index_dir, name, left)
        m = read_manifest(index_dir) or {}
        update_manifest(index_dir, owned=sorted(owned(m) - {name}))
    return _free(index_dir / name)


def release_others(index_dir: Path, prefix: str, keep: Iterable[str]) -> None:
    """Delete the names starting with ``prefix`` that presscon owns here, but
    those in ``keep``, and forget them. A reader that has them open keeps its
    copy (POSIX keeps an unlinked file's data while it is open or mapped). Of
    a snapshot folder only presscon's files go (``_discard``): one that keeps
    another file stays, forgotten, with a warning."""
    m = read_manifest(index_dir)
    have = owned(m)
    keep = set(keep)
    gone = {n for n in have if n.startswith(prefix) and n not in keep}
    if not gone:
        return
    forgotten = set()
    for name in sorted(gone):
        done, left = _discard(index_dir, name)
        if done:                # else still there: still ours, try again next time
            forgotten.add(name)
            if left:
                _say_left(index_dir, name, left)
    update_manifest(index_dir, owned=sorted(have - forgotten))


def record_owned(index_dir: Path, store: "Store | None") -> None:
    """Copy the manifest's ledger into presscon.db, each name with the records
    of what was written under it (kept from the copy for names the manifest no
    longer records, such as an older generation not yet deleted), so that a
    lost manifest.json orphans none of presscon's files (``ownership``). Only
    under the writer lock; a failure (a full disk) leaves the older copy,
    which can name nothing but files presscon wrote: ``_proven`` checks them."""
    if store is None:
        return
    m = read_manifest(index_dir)
    if m is None or "owned" not in m:
        return
    have, old = owned(m), _ledger(store)
    new = {n: old[n] for n in have if n in old}
    faiss_file, record = m.get("faiss_file"), m.get("faiss_record")
    if faiss_file in have and isinstance(record, dict):
        new[faiss_file] = {"file": record}
    lex = m.get("lexical")
    if isinstance(lex, dict) and lex.get("dir") in have and isinstance(lex.get("files"), dict):
        new[lex["dir"]] = {"files": lex["files"]}
    if new == old:
        return
    try:
        store.set_meta_quietly(LEDGER_KEY, json.dumps(new, sort_keys=True))
    except (sqlite3.Error, PressconError, OSError):
        pass


def _presscon_temp(name: str) -> bool:
    t = parse_temp_name(name)
    return t is not None and _TEMP_FINAL.fullmatch(t.final) is not None


def clear_stale_temp_files(index_dir: Path, max_age: float = TEMP_MAX_AGE) -> None:
    """Remove the temp files and folders a killed save of presscon's left:
    named as only presscon names them (``<final>.presscon-tmp-<pid>-<token>``,
    embeddings/atomic.py, for a file presscon writes here) and made by a
    process that is gone, or more than ``max_age`` ago (its pid reused). Run
    under the writer lock, so no other process's save is in progress. Of a
    temp folder only presscon's file names go, and the folder once that
    empties it. Nothing else is touched, whatever its name or age: not even the
    temp names earlier presscons made (``vectors.N.faiss.abc12345.tmp``, by
    tempfile), which a user's ``vectors.N.faiss.old.tmp`` cannot be told from
    (``presscon info`` lists them under ``left_in_place``)."""
    now = time.time()
    try:
        entries = list(os.scandir(index_dir))
    except OSError:
        return
    for entry in entries:
        t = parse_temp_name(entry.name)
        if t is None or not _TEMP_FINAL.fullmatch(t.final):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if pid_alive(t.pid) and now - st.st_mtime <= max_age:
                continue
            if stat.S_ISDIR(st.st_mode):
                if t.final.startswith("lexical."):
                    _empty_snapshot_dir(Path(entry.path))
            elif stat.S_ISREG(st.st_mode) and not t.final.startswith("lexical."):
                os.unlink(entry.path)
        except OSError:
            pass


def unproven_files(index_dir: Path, store: "Store | None" = None) -> list[str]:
    """What presscon leaves in place because it cannot show it wrote it, among
    the names that look like its own: a FAISS file or snapshot folder the
    manifest does not list (a user's, or orphaned by a lost manifest.json),
    temp files of older presscons; and files in presscon's snapshot folders
    that it did not write (``lexical.3/notes.txt``). Folders end in "/"."""
    mine = ownership(index_dir, store)
    try:
        entries = list(os.scandir(index_dir))
    except OSError:
        return []
    out = []
    for entry in entries:
        name, is_dir = entry.name, entry.is_dir(follow_symlinks=False)
        if (name in mine and _of_its_kind(Path(entry.path))) or _presscon_temp(name):
            if is_dir:
                try:
                    out += [f"{name}/{e.name}" for e in os.scandir(entry.path)
                            if not (e.name in SNAPSHOT_FILES and e.is_file(follow_symlinks=False))]
                except OSError:
                    pass
        elif _LOOKALIKE.fullmatch(name):
            out.append(name + "/" if is_dir else name)
    return sorted(out)


# -- checksums -----------------------------------------------------------------
def file_record(path: Path) -> dict[str, Any]:
    """Size, SHA-256 and stat stamps of a file as written (after its rename:
    a rename may touch the ctime)."""
    with open(path, "rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
        st = os.fstat(f.fileno())
    return {"size": st.st_size, "sha256": digest, "mtime_ns": st.st_mtime_ns,
            "ctime_ns": st.st_ctime_ns, "inode": st.st_ino}


def stamps(path: Path) -> dict[str, int] | None:
    """Size, inode, mtime and ctime of a file, or None if it cannot be read:
    what any write to it changes (no program can set a ctime back)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return {"size": st.st_size, "inode": st.st_ino, "mtime_ns": st.st_mtime_ns,
            "ctime_ns": st.st_ctime_ns}


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
