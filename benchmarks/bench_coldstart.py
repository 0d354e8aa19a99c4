"""Cold starts, before against after, alternating in one run.

    python benchmarks/bench_coldstart.py --index /tmp/idx [--repeat 3] [--baseline DIR]

On an existing index (copy one first: the probes open it read-write), each in
a fresh process, alternating the two sides in one run (the machine is
shared): ``presscon search --json`` wall time; ``from rag import Retriever``
+ ``Retriever.open`` + the first search in-process; ``presscon serve``: time
until the port answers HTTP at all (a "starting" page counts), until the
starting page answers a question (``/?q=``; for code without that, the
chat's first answer), until the chat answers (``/config`` 200), and the
first chat answer after that (over the Gradio API).

Without --baseline, "before" is ``PRESSCON_TORCH_QUERIES=1`` (queries through
sentence-transformers, as before the ONNX export) and "after" the default.
With --baseline DIR (a checkout of an older commit, e.g.
``git archive <commit> | tar -x -C DIR``), "before" runs DIR's code and
"after" this tree's, both with default settings. Medians of --repeat, and
after/before ratios.
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
sys.path.insert(0, str(ROOT))
from bench_chat import ask, client, free_port  # noqa: E402
from rag.serve import STARTING_HEADER  # noqa: E402

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
TREES = {"before": ROOT, "after": ROOT}          # --baseline sets "before"'s


def env(mode: str) -> dict:
    e = {k: v for k, v in os.environ.items() if k != "PRESSCON_TORCH_QUERIES"}
    return {**e, **MODES[mode], "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(TREES[mode])}


def _cpu() -> float:
    """CPU seconds (user + sys) of this process's waited-for children so far:
    on a shared machine they move far less than wall time."""
    import resource
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def cli(index: Path, mode: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one ``presscon search``."""
    c0 = _cpu()
    t0 = time.perf_counter()
    out = subprocess.run([PY, "-m", "rag.cli", "search", QUESTION, "--index", str(index),
                          "--k", "5", "--json"], cwd=TREES[mode], capture_output=True,
                         text=True, env=env(mode))
    s = time.perf_counter() - t0
    if out.returncode != 0 or not json.loads(out.stdout):
        raise SystemExit(f"presscon search failed: {out.stderr[-500:]}")
    return s, _cpu() - c0


def api(index: Path, mode: str) -> dict:
    out = subprocess.run([PY, "-c", PROBE, str(index), QUESTION], cwd=TREES[mode],
                         capture_output=True, text=True, check=True, env=env(mode))
    return json.loads(out.stdout.strip().splitlines()[-1])


def _status(url: str) -> int | None:
    """The HTTP status of GET url, None when nothing answers."""
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def _early_answer(url: str) -> bool:
    """Ask the starting page (``/?q=``, as a browser): True when it answered with hits."""
    import urllib.error
    import urllib.parse
    import urllib.request
    req = urllib.request.Request(url + "?q=" + urllib.parse.quote_plus(QUESTION),
                                 headers={"Accept": "text/html"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            body = r.read()
    except urllib.error.HTTPError as e:
        body = e.read() if e.headers.get(STARTING_HEADER) else b""
    except OSError:
        return False
    return b'class="pc-hit' in body


def serve(index: Path, mode: str) -> tuple[float, float, float, float]:
    """(seconds until the port answers HTTP, until the starting page answers a
    question, until the chat answers (/config 200), from then to the first chat
    answer). Code without answers on the starting page: its first answer is the
    chat's (ready + first chat answer)."""
    port = free_port()
    with tempfile.TemporaryFile("w+") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen([PY, "-m", "rag.cli", "serve", "--index", str(index),
                                 "--port", str(port)], cwd=TREES[mode], env=env(mode),
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            listening = ready = early = None
            while ready is None:
                if proc.poll() is not None or time.perf_counter() - t0 > 300:
                    log.seek(0)
                    raise SystemExit(f"server exited or hung:\n{log.read()}")
                status = _status(f"http://127.0.0.1:{port}/config")
                now = time.perf_counter() - t0
                if status is not None and listening is None:
                    listening = now
                    if _early_answer(f"http://127.0.0.1:{port}/"):
                        early = time.perf_counter() - t0
                if status == 200:
                    ready = now
                time.sleep(0.01)
            t1 = time.perf_counter()
            c = client(f"http://127.0.0.1:{port}/")
            out = ask(c, "What did China say about the Winter Olympics?")
            first = time.perf_counter() - t1
            c.close()
            assert out["hits"], "the first answer is empty"
        finally:
            proc.terminate()
            proc.wait(30)
    return listening, early if early is not None else ready + first, ready, first


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline", type=Path, default=None,
                    help="a checkout of older code: 'before' runs it (default: torch queries)")
    args = ap.parse_args()
    if args.baseline:
        MODES["before"] = {}
        TREES["before"] = args.baseline.resolve()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"medians of {args.repeat}, modes alternating", flush=True)
    cli(args.index, "after")                       # warm-up: page cache, checksum stamps
    res: dict[str, dict[str, list[float]]] = {m: {} for m in MODES}
    for i in range(args.repeat):
        for mode in (MODES if i % 2 == 0 else reversed(list(MODES))):
            row = res[mode]
            wall, cpu = cli(args.index, mode)
            row.setdefault("CLI search s", []).append(wall)
            row.setdefault("CLI search CPU s", []).append(cpu)
            a = api(args.index, mode)
            assert a["torch"] == (mode == "before" and not args.baseline), a
            row.setdefault("API import+open+first search s", []).append(a["s"])
            listening, early, ready, first = serve(args.index, mode)
            row.setdefault("serve: port answers s", []).append(listening)
            row.setdefault("serve: first answer (starting page or chat) s", []).append(early)
            row.setdefault("serve: chat ready s", []).append(ready)
            row.setdefault("first chat answer after ready s", []).append(first)
            print(f"  run {i + 1} {mode:<6} " + "  ".join(
                f"{k} {v[-1]:.2f}" for k, v in row.items()), flush=True)
    med = {m: {k: statistics.median(v) for k, v in res[m].items()} for m in MODES}
    names = (f"before ({TREES['before']})", "after") if args.baseline else \
        ("before (torch)", "after (ONNX)")
    print(f"\n| measure | {names[0]} | {names[1]} | after/before |\n|---|---|---|---|")
    for k in med["before"]:
        b, a = med["before"][k], med["after"][k]
        print(f"| {k} | {b:.2f} | {a:.2f} | {a / b:.2f} |")


if __name__ == "__main__":
    main()
