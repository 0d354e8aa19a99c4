"""Opening an index cold (issue 6): a fresh process per measurement.

    python benchmarks/bench_open.py [--work /tmp/presscon-bench] [--repeat 3]

For the real corpus and each scaled store bench_search.py left in --work
(run it first), in a new Python process each time:

- import time of ``rag``, ``Retriever.open`` (SQLite + FAISS file + manifest
  check; the model loads lazily, on the first query), RSS after open;
- the first query (includes loading the model) and a second one, peak RSS;
- the CLI end to end: ``presscon search "..." --index DIR --json`` wall time
  (interpreter start, imports, open, model load, one query).

"Cold" means a cold process; the OS page cache is whatever it is (usually warm
after bench_search). Medians over --repeat runs; ratios against the real corpus.

Checksums: ``Retriever.open`` verifies the size and SHA-256 of the FAISS file
and of every BM25 snapshot file against the manifest before serving them
(rag/index/manifest.py), hashing only a file whose inode, mtime or ctime
differ from those recorded at its save. Each store is also opened with
verification off (``PRESSCON_VERIFY=0``) and with every file hashed
(``PRESSCON_VERIFY=full``), both for this measurement only, and the share of
open time each costs is printed. One warm-up open per store comes first:
a store written by an older presscon has no checksums yet and is rebuilt once.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
QUESTION = "What did the spokesperson say about the Winter Olympics boycott?"
SECOND = "How did China respond to sanctions on Xinjiang officials?"

PROBE = r"""
import json, sys, time
t0 = time.perf_counter()
from rag import Retriever
t1 = time.perf_counter()
r = Retriever.open(sys.argv[1])
t2 = time.perf_counter()
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024
rss_open = status("VmRSS:")
hits = r.search(sys.argv[2], k=5)
t3 = time.perf_counter()
r.search(sys.argv[3], k=5)
t4 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "open_s": t2 - t1, "first_query_s": t3 - t2,
                  "second_query_s": t4 - t3, "rss_open_mb": rss_open,
                  "rss_peak_mb": status("VmHWM:"), "hits": len(hits),
                  "kind": r.live.dense.kind, "passages": r.info()["passages"]}))
"""


def probe(index: Path, verify: str = "1") -> dict:
    env = {**os.environ, "PRESSCON_VERIFY": verify}
    out = subprocess.run([PY, "-c", PROBE, str(index), QUESTION, SECOND], cwd=ROOT,
                         capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def cli(index: Path) -> float:
    exe = shutil.which("presscon", path=str(Path(PY).parent)) or shutil.which("presscon")
    cmd = [exe] if exe else [PY, "-m", "rag.cli"]
    t0 = time.perf_counter()
    out = subprocess.run([*cmd, "search", QUESTION, "--index", str(index), "--k", "5", "--json"],
                         cwd=ROOT, capture_output=True, text=True)
    s = time.perf_counter() - t0
    if out.returncode != 0 or not json.loads(out.stdout):
        raise SystemExit(f"presscon search failed on {index}: {out.stderr[-500:]}")
    return s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default="/tmp/presscon-bench")
    ap.add_argument("--model", default="all-MiniLM-L6-v2")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    work = Path(args.work) / args.model
    dirs = [work / "real"] + sorted((d for d in work.glob("x*") if (d / ".bench-complete").exists()),
                                    key=lambda d: int(d.name[1:]))
    dirs = [d for d in dirs if (d / ".bench-complete").exists()]
    if not dirs:
        sys.exit(f"no benchmark stores in {work}: run benchmarks/bench_search.py first")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"medians of {args.repeat} fresh processes", flush=True)
    rows = []
    for d in dirs:
        probe(d)   # warm-up: writes checksums into a store from an older presscon
        runs = [probe(d) for _ in range(args.repeat)]
        plain = [probe(d, verify="0") for _ in range(args.repeat)]
        hashed = [probe(d, verify="full") for _ in range(args.repeat)]
        med = {k: statistics.median(r[k] for r in runs)
               for k in runs[0] if isinstance(runs[0][k], (int, float))}
        med["kind"] = runs[0]["kind"]
        med["cli_s"] = statistics.median(cli(d) for _ in range(args.repeat))
        med["label"] = d.name
        med["open_noverify_s"] = statistics.median(r["open_s"] for r in plain)
        med["open_fullhash_s"] = statistics.median(r["open_s"] for r in hashed)
        rows.append(med)
        print(f"{d.name:<6} {med['passages']:>8,.0f} passages ({med['kind']}): import {med['import_s']:.2f} s, "
              f"open {med['open_s'] * 1000:.0f} ms, RSS after open {med['rss_open_mb']:.0f} MiB; "
              f"first query {med['first_query_s']:.2f} s (model load), second "
              f"{med['second_query_s'] * 1000:.0f} ms, peak RSS {med['rss_peak_mb']:.0f} MiB; "
              f"CLI search {med['cli_s']:.2f} s", flush=True)
        base = med["open_noverify_s"]
        cost, full = med["open_s"] - base, med["open_fullhash_s"] - base
        print(f"{'':<6} checksums: open {base * 1000:.0f} ms unverified; as shipped (stamps, "
              f"hash when they differ) {med['open_s'] * 1000:.0f} ms, {cost * 1000:+.0f} ms = "
              f"{cost / med['open_s']:.1%} of open; always hashing "
              f"{med['open_fullhash_s'] * 1000:.0f} ms, {full * 1000:+.0f} ms = "
              f"{full / med['open_fullhash_s']:.1%}", flush=True)
    b = rows[0]
    print("\nratios against the real corpus")
    for row in rows[1:]:
        print(f"{row['label']:<6} passages x{row['passages'] / b['passages']:.1f}: "
              f"open x{row['open_s'] / b['open_s']:.1f}, RSS after open "
              f"x{row['rss_open_mb'] / b['rss_open_mb']:.1f} "
              f"(+{row['rss_open_mb'] - b['rss_open_mb']:.0f} MiB), CLI x{row['cli_s'] / b['cli_s']:.2f}")


if __name__ == "__main__":
    main()
