"""Cold starts, torch on the query path (before) against the ONNX export (after).

    python benchmarks/bench_coldstart.py --index /tmp/idx [--repeat 3]

On an existing index (copy one first: the probes open it read-write), each in
a fresh process, alternating the two paths in one run (the machine is
shared): ``presscon search --json`` wall time; ``from rag import Retriever``
+ ``Retriever.open`` + the first search in-process; ``presscon serve`` time
to listening and the first chat answer after that (over the Gradio API).
"Before" is ``PRESSCON_TORCH_QUERIES=1`` (queries through
sentence-transformers, as before the export); "after" the default. Medians
of --repeat, and after/before ratios.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_chat import ask, client, free_port, wait_listening  # noqa: E402

PY = sys.executable
QUESTION = "What did the spokesperson say about the Winter Olympics boycott?"
PROBE = r"""
import json, sys, time
t0 = time.perf_counter()
from rag import Retriever
r = Retriever.open(sys.argv[1])
hits = r.search(sys.argv[2], k=5)
print(json.dumps({"s": time.perf_counter() - t0, "torch": "torch" in sys.modules,
                  "backend": r.encoder.query_backend}))
"""
MODES = {"before": {"PRESSCON_TORCH_QUERIES": "1"}, "after": {}}


def env(mode: str) -> dict:
    e = {k: v for k, v in os.environ.items() if k != "PRESSCON_TORCH_QUERIES"}
    return {**e, **MODES[mode], "PYTHONUNBUFFERED": "1"}


def cli(index: Path, mode: str) -> float:
    t0 = time.perf_counter()
    out = subprocess.run([PY, "-m", "rag.cli", "search", QUESTION, "--index", str(index),
                          "--k", "5", "--json"], cwd=ROOT, capture_output=True, text=True,
                         env=env(mode))
    s = time.perf_counter() - t0
    if out.returncode != 0 or not json.loads(out.stdout):
        raise SystemExit(f"presscon search failed: {out.stderr[-500:]}")
    return s


def api(index: Path, mode: str) -> dict:
    out = subprocess.run([PY, "-c", PROBE, str(index), QUESTION], cwd=ROOT, capture_output=True,
                         text=True, check=True, env=env(mode))
    return json.loads(out.stdout.strip().splitlines()[-1])


def serve(index: Path, mode: str) -> tuple[float, float]:
    """(seconds to listening, seconds from listening to the first chat answer)."""
    port = free_port()
    with tempfile.TemporaryFile("w+") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen([PY, "-m", "rag.cli", "serve", "--index", str(index),
                                 "--port", str(port)], cwd=ROOT, env=env(mode), stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            listening = wait_listening(proc, log, port, t0, 300, poll=0.02)
            t1 = time.perf_counter()
            c = client(f"http://127.0.0.1:{port}/")
            out = ask(c, "What did China say about the Winter Olympics?")
            first = time.perf_counter() - t1
            c.close()
            assert out["hits"], "the first answer is empty"
        finally:
            proc.terminate()
            proc.wait(30)
    return listening, first


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"medians of {args.repeat}, modes alternating", flush=True)
    cli(args.index, "after")                       # warm-up: page cache, checksum stamps
    res: dict[str, dict[str, list[float]]] = {m: {} for m in MODES}
    for i in range(args.repeat):
        for mode in (MODES if i % 2 == 0 else reversed(list(MODES))):
            row = res[mode]
            row.setdefault("CLI search s", []).append(cli(args.index, mode))
            a = api(args.index, mode)
            assert a["torch"] == (mode == "before"), a
            row.setdefault("API import+open+first search s", []).append(a["s"])
            listening, first = serve(args.index, mode)
            row.setdefault("serve to listening s", []).append(listening)
            row.setdefault("first chat answer after listening s", []).append(first)
            print(f"  run {i + 1} {mode:<6} " + "  ".join(
                f"{k} {v[-1]:.2f}" for k, v in row.items()), flush=True)
    med = {m: {k: statistics.median(v) for k, v in res[m].items()} for m in MODES}
    print(f"\n| measure | before (torch) | after (ONNX) | after/before |\n|---|---|---|---|")
    for k in med["before"]:
        b, a = med["before"][k], med["after"][k]
        print(f"| {k} | {b:.2f} | {a:.2f} | {a / b:.2f} |")


if __name__ == "__main__":
    main()
