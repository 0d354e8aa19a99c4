"""The web chat under load, over loopback only, with the real default model.

1. start-up: `presscon serve` (as `python -m rag.cli serve`) on a fresh temporary
   index, which first builds it from the bundled data/; time to the first answer;
2. latency: N questions, one at a time, through gradio_client's /ask (median, p95);
3. load: C concurrent clients asking for D seconds: errors (must be 0), p95, rate.

    .venv/bin/python benchmarks/bench_chat.py [--questions 50] [--clients 20]
        [--duration 30] [--corpus ../shared/corpus/txt | --index DIR]
        [--url http://127.0.0.1:7860/]

With --url it measures a server already running (no start-up figure). With
--corpus the temporary index also gets that folder (ingested before the
server starts, not counted in the start-up time); with --index the server opens
that existing index (use a copy: the server may rewrite its derived files).
Bounded: every loop ends.
Exits 1 if any request failed.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"     # also turns off gradio_client's telemetry
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

FALLBACK_QUESTIONS = [
    "What did China say about Japan and the Beijing Winter Olympics?",
    "Is China blocking imports containing parts from Lithuania?",
    "How did China respond to the Uyghur Forced Labor Prevention Act?",
    "What does China think of American democracy?",
    "Will China attend the JCPOA talks in Vienna?",
    "What did Putin say about relations with China?",
    "Did Intel apologize over Xinjiang supply chains?",
    "What is China's view of the Summit for Democracy?",
    "Is there a US-Japan plan for a Taiwan emergency?",
    "What did the UN General Assembly adopt on peaceful uses of technology?",
]


def questions(n: int) -> list[str]:
    qs: list[str] = []
    shared = ROOT.parent / "shared" / "eval"
    for name in ("dev_questions.jsonl", "dev_hard.jsonl"):
        path = shared / name
        if path.is_file():
            qs += [json.loads(line)["question"] for line in path.read_text().splitlines()
                   if line.strip()]
    qs = qs or FALLBACK_QUESTIONS
    return [qs[i % len(qs)] for i in range(n)]


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client(url: str):
    from gradio_client import Client
    return Client(url, verbose=False, analytics_enabled=False, download_files=False)


def ask(c, question: str) -> dict:
    return c.predict(question, 5, "", "", "", "", api_name="/ask")


def wait_listening(proc: subprocess.Popen, log, port: int, t0: float, timeout: float,
                   poll: float = 0.05) -> float:
    """Seconds from ``t0`` until the server's log says it listens on ``port``;
    exits with the log if the server dies, and kills it after ``timeout``."""
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            log.seek(0)
            raise SystemExit(f"server exited {proc.returncode}:\n{log.read()}")
        log.seek(0)
        if f"127.0.0.1:{port}" in log.read():
            return time.perf_counter() - t0
        time.sleep(poll)
    proc.kill()
    raise SystemExit(f"server not up after {timeout:.0f} s")


def start_server(index: Path, port: int, log_path: Path, timeout: float = 600):
    """(process, url, seconds to 'listening', seconds to the first answer)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    log = open(log_path, "w+")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "rag.cli", "serve", "--index", str(index),
                             "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    listening = wait_listening(proc, log, port, t0, timeout)
    c = client(url)
    out = ask(c, "What did China say about the Winter Olympics?")
    first = time.perf_counter() - t0
    c.close()
    assert out["hits"], "the first answer is empty"
    return proc, url, listening, first


def latency(url: str, qs: list[str]) -> list[float]:
    c = client(url)
    ask(c, qs[0])                                   # this client's own warm-up
    times = []
    for q in qs:
        t = time.perf_counter()
        out = ask(c, q)
        times.append(time.perf_counter() - t)
        assert out["hits"], q
    c.close()
    return times


def load(url: str, qs: list[str], clients: int, duration: float):
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + duration

    def user(i: int) -> None:
        try:
            c = client(url)
        except Exception as e:  # noqa: BLE001 - counted, reported
            with lock:
                errors.append(f"connect: {e!r}")
            return
        j = i
        while time.perf_counter() < stop:
            q = qs[j % len(qs)]
            j += clients
            t = time.perf_counter()
            try:
                out = ask(c, q)
                ok = bool(out.get("hits"))
            except Exception as e:  # noqa: BLE001
                ok, out = False, repr(e)
            dt = time.perf_counter() - t
            with lock:
                times.append(dt)
                if not ok:
                    errors.append(f"{q!r}: {out!r}"[:300])
        c.close()

    threads = [threading.Thread(target=user, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + 120)
    return times, errors, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="measure this running server instead of starting one")
    ap.add_argument("--questions", type=int, default=50)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--corpus", type=Path, help="also ingest this folder before starting")
    ap.add_argument("--index", type=Path, help="serve this existing index instead of a fresh one")
    args = ap.parse_args()
    if args.url and not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        ap.error("loopback only")
    qs = questions(max(args.questions, args.clients))

    proc = None
    with tempfile.TemporaryDirectory(prefix="presscon-bench-") as tmp:
        try:
            if args.url:
                url = args.url
            else:
                index = args.index or Path(tmp) / "index"
                if args.corpus and not args.index:
                    from rag import Retriever
                    t = time.perf_counter()
                    with Retriever.open(index) as r:
                        r.ingest([args.corpus, ROOT / "data"], progress=False)
                        info = r.info()
                    print(f"corpus: {info['conferences']} conferences, {info['passages']} "
                          f"passages ingested in {time.perf_counter() - t:.1f}s (not counted)")
                proc, url, listening, first = start_server(index, free_port(),
                                                           Path(tmp) / "server.log")
                what = ("existing index" if args.corpus or args.index
                        else "fresh index, builds from data/")
                print(f"start-up ({what}): listening after {listening:.1f}s, "
                      f"first answer after {first:.1f}s")

            lat = latency(url, qs[:args.questions])
            print(f"latency over {len(lat)} questions via gradio_client /ask: "
                  f"median {statistics.median(lat) * 1000:.0f} ms, "
                  f"p95 {pct(lat, 95) * 1000:.0f} ms, max {max(lat) * 1000:.0f} ms")

            times, errors, wall = load(url, qs, args.clients, args.duration)
            print(f"load: {args.clients} clients for {args.duration:.0f}s: {len(times)} requests, "
                  f"{len(errors)} errors, {len(times) / wall:.1f} req/s, "
                  f"median {statistics.median(times) * 1000:.0f} ms, "
                  f"p95 {pct(times, 95) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
                  if times else f"load: no request completed; {len(errors)} errors")
            for e in errors[:5]:
                print("  error:", e)
            return 1 if errors or not times else 0
        finally:
            if proc is not None:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


if __name__ == "__main__":
    sys.exit(main())
