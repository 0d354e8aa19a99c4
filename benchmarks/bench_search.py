"""Search at scale (issue 6): query latency, ANN recall, encode throughput, memory.

    python benchmarks/bench_search.py [--base /tmp/idx-base] [--scales 30000,300000]
                                      [--work /tmp/presscon-bench] [--model all-MiniLM-L6-v2]

What it measures, each scale against the real corpus measured in the same run:

- query latency through ``Retriever.search`` (hybrid, the default ranking;
  warm; median and p95 over the 100 dev questions, their filters applied),
  once with the real query encoder and once with the query vectors
  precomputed (what the index, SQLite and fusion cost without the model),
  and with vectors precomputed under filters from narrow to wide (one outlet,
  a year, a spokesperson, the newer half of the passages);
- recall@10 and @100 of the HNSW index against exact search, with the real
  query embeddings, unfiltered and under narrow and wide filters;
- encode throughput of the real model for ingest (chunks/s, passages/s);
- resident memory and index bytes per vector.

Scales past the real corpus are synthetic: the real passages replicated with
their dates shifted back one corpus-span per copy (so a month still holds
about one month of conferences) and each copy's vectors perturbed with
Gaussian noise shaped like the real vectors' own covariance (so copies stay on
the embedding manifold, effective dimension ~60, rather than spreading over
all 384 dimensions as isotropic noise would), scaled to a cosine of ~0.9 with
the original, then renormalized. They are written
straight into SQLite through the Store API and the FAISS index is rebuilt
from SQLite by ``Retriever.open`` (timed). Stores are cached in --work and
reused by later runs (and by bench_open.py); delete the folder to rebuild.

--base is a real-model index to replicate; it is copied, never written.
Without it the corpus is ingested with the model into --work/real first.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import shutil
import sqlite3
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from embeddings import faiss_index  # noqa: E402
from embeddings.base import DEFAULT_MODEL
from embeddings.registry import load_encoder  # noqa: E402
from embeddings.faiss_index import VectorIndex  # noqa: E402
from rag import Retriever  # noqa: E402
from rag.ids import stable_id
from rag.store import Store  # noqa: E402

SHARED = ROOT.parent / "shared"
EVAL_FILES = ("dev_questions.jsonl", "dev_hard.jsonl")
COSINE = 0.9            # of a synthetic copy to its real original
COMPLETE = ".bench-complete"


# -- measuring -------------------------------------------------------------------
def rss_mb() -> float:
    """Resident memory now (VmRSS), MiB."""
    try:
        import psutil
        return psutil.Process().memory_info().rss / 2 ** 20
    except ImportError:
        pass
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(times: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(times) * 1000, q))


def load_questions() -> list[dict]:
    out = []
    for name in EVAL_FILES:
        path = SHARED / "eval" / name
        if path.is_file():
            out.extend(json.loads(line) for line in path.read_text().splitlines() if line.strip())
    if not out:
        sys.exit(f"no dev questions in {SHARED / 'eval'}")
    return out


class RecordingEncoder:
    """The real encoder, remembering every query vector it made; with
    ``replay`` on it answers known queries from memory (no model call)."""

    def __init__(self, inner):
        self.inner = inner
        self.model_id, self.dim = inner.model_id, inner.dim
        self.cache: dict[str, np.ndarray] = {}
        self.replay = False
        self.misses = 0

    def encode(self, texts, **kw):
        return self.inner.encode(texts, **kw)

    def encode_query(self, text: str) -> np.ndarray:
        if self.replay and text in self.cache:
            return self.cache[text]
        self.misses += self.replay
        v = self.cache[text] = self.inner.encode_query(text)
        return v


def time_queries(r: Retriever, questions: list[dict], warmup: int = 10) -> list[float]:
    for q in questions[:warmup]:
        r.search(q["question"], k=5, **q.get("filters", {}))
    times = []
    for q in questions:
        t0 = time.perf_counter()
        r.search(q["question"], k=5, **q.get("filters", {}))
        times.append(time.perf_counter() - t0)
    return times


# -- stores --------------------------------------------------------------------------
def copy_index(src: Path, dest: Path) -> None:
    """Copy a live index's database without writing to it (db + wal, then check)."""
    dest.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):
        f = src / f"presscon.db{suffix}"
        if f.exists():
            shutil.copyfile(f, dest / f.name)
    db = sqlite3.connect(dest / "presscon.db")
    try:
        ok = db.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        db.close()
    if ok != "ok":
        sys.exit(f"copy of {src} is not consistent ({ok}); retry when its ingest has finished")


def ensure_base(args, encoder) -> Path:
    base = Path(args.work) / "real"
    if (base / COMPLETE).exists():
        return base
    shutil.rmtree(base, ignore_errors=True)
    if args.base:
        print(f"copying {args.base} -> {base}", flush=True)
        copy_index(Path(args.base), base)
        with Retriever.open(base, encoder=encoder) as r:
            if r.encoder.model_id != encoder.model_id:
                sys.exit(f"{args.base} was built with {r.encoder.model_id}")
    else:
        corpus = Path(args.corpus)
        print(f"ingesting {corpus} with {encoder.model_id} into {base} (once)", flush=True)
        with Retriever.open(base, encoder=encoder) as r:
            r.ingest([corpus])
    (base / COMPLETE).write_text("ok\n")
    return base


def _shift(iso: str, days: int) -> str:
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=days)).isoformat()


def ensure_scaled(base: Path, passages_wanted: int, args, encoder) -> tuple[Path, dict]:
    """A store of ~passages_wanted passages: the base replicated (see module doc)."""
    src = sqlite3.connect(base / "presscon.db")
    n_base = src.execute("SELECT count(*) FROM passages").fetchone()[0]
    copies = max(1, round(passages_wanted / n_base))
    dest = Path(args.work) / f"x{copies}"
    info: dict = {"copies": copies}
    if (dest / COMPLETE).exists():
        src.close()
        return dest, json.loads((dest / COMPLETE).read_text())
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    first, last = src.execute("SELECT min(date), max(date) FROM conferences").fetchone()
    span = (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days + 30
    confs = src.execute("SELECT id, source, sha256, fingerprint, date, spokesperson, title, url, "
                        "ingested_at FROM conferences WHERE duplicate_of IS NULL").fetchall()
    keep = {c[0] for c in confs}
    passages = [p for p in src.execute(
        "SELECT id, conference_id, ordinal, kind, date, spokesperson, questioner, "
        "questioner_label, question, text FROM passages ORDER BY id") if p[1] in keep]
    pids = {p[0] for p in passages}
    chunks = [c for c in src.execute("SELECT id, passage_id, ordinal, text_hash FROM chunks")
              if c[1] in pids]
    vec = {h: np.frombuffer(b, dtype=np.float32) for h, b in src.execute(
        "SELECT text_hash, vector FROM vectors WHERE model_id = ?", (encoder.model_id,))}
    meta = dict(src.execute("SELECT key, value FROM meta WHERE key IN ('model_id', 'chunking')"))
    src.close()
    print(f"building {dest.name}: {copies} copies of {len(passages)} passages "
          f"({len(chunks)} chunks) ...", flush=True)
    rng = np.random.default_rng(copies)
    real = np.stack([vec[c[3]] for c in chunks])
    _, sing, basis = np.linalg.svd(real - real.mean(0), full_matrices=False)
    sd = sing / np.sqrt(len(real))                      # std along each principal axis
    scale = np.sqrt((1 / COSINE ** 2 - 1) / float((sd ** 2).sum()))
    t0 = time.perf_counter()
    store = Store(dest / "presscon.db")
    for key, value in meta.items():
        store.set_meta(key, value)
    for r in range(copies):
        days = r * span
        cid = {c[0]: (c[0] if r == 0 else stable_id("bench-conf", r, c[0])) for c in confs}
        pid = {p[0]: (p[0] if r == 0 else stable_id("bench-passage", r, p[0])) for p in passages}
        hashes = {c[3]: (c[3] if r == 0 else hashlib.sha256(f"{c[3]}:{r}".encode()).hexdigest())
                  for c in chunks}
        originals = list(hashes)
        mat = np.stack([vec[h] for h in originals])
        if r:
            noise = (rng.standard_normal(mat.shape).astype(np.float32) * sd * scale) @ basis
            mat = mat + noise.astype(np.float32)
            mat /= np.linalg.norm(mat, axis=1, keepdims=True)
        with store.write() as db:
            db.executemany(
                "INSERT INTO conferences(id, source, sha256, fingerprint, duplicate_of, date, "
                "spokesperson, title, url, ingested_at) VALUES (?,?,?,?,NULL,?,?,?,?,?)",
                [(cid[c[0]], c[1] if r == 0 else f"bench-copy-{r}:{c[1]}", c[2],
                  c[3] if r == 0 else f"{c[3]}:{r}", _shift(c[4], days), *c[5:]) for c in confs])
            db.executemany(
                "INSERT INTO passages(id, conference_id, ordinal, kind, date, spokesperson, "
                "questioner, questioner_label, question, text) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(pid[p[0]], cid[p[1]], p[2], p[3], _shift(p[4], days), *p[5:]) for p in passages])
            db.executemany(
                "INSERT INTO chunks(id, passage_id, ordinal, text_hash) VALUES (?,?,?,?)",
                [(c[0] if r == 0 else stable_id("bench-chunk", r, c[0]), pid[c[1]], c[2],
                  hashes[c[3]]) for c in chunks])
            db.executemany(
                "INSERT OR IGNORE INTO vectors(model_id, text_hash, vector) VALUES (?,?,?)",
                [(encoder.model_id, hashes[h], row.astype(np.float32).tobytes())
                 for h, row in zip(originals, mat)])
    store.close()
    info["sqlite_s"] = time.perf_counter() - t0
    # The FAISS file is derived: the first open rebuilds it from SQLite.
    t0 = time.perf_counter()
    with Retriever.open(dest, encoder=encoder) as r:
        info["rebuild_s"] = time.perf_counter() - t0
        info.update({k: v for k, v in r.info().items() if k in ("passages", "chunks")})
        info["kind"] = r.live.dense.kind
    print(f"  SQLite {info['sqlite_s']:.0f} s, FAISS rebuild from SQLite "
          f"{info['rebuild_s']:.1f} s ({info['kind']})", flush=True)
    (dest / COMPLETE).write_text(json.dumps(info) + "\n")
    return dest, info


# -- recall ----------------------------------------------------------------------------
def recall(approx: VectorIndex, exact: VectorIndex, queries: np.ndarray, k: int,
           allowed: np.ndarray | None = None) -> float:
    got = []
    for q in queries:
        truth = exact.search(q, k, allowed)[1]
        if len(truth) == 0:
            continue
        found = approx.search(q, k, allowed)[1]
        got.append(len(set(found) & set(truth)) / len(truth))
    return float(np.mean(got)) if got else float("nan")


def near_recall(approx: VectorIndex, exact: VectorIndex, queries: np.ndarray, k: int = 10,
                tol: float = 0.01) -> float:
    """Share of the approximate top-k scoring within ``tol`` of the exact k-th
    score: misses among near-ties (replicated vectors) are not ranking errors."""
    got = []
    for q in queries:
        s_exact = exact.search(q, k)[0]
        s_found = approx.search(q, k)[0]
        if len(s_exact):
            got.append(float(np.mean(s_found >= s_exact[-1] - tol)) if len(s_found) else 0.0)
    return float(np.mean(got)) if got else float("nan")


def ann_report(index: VectorIndex, queries: np.ndarray, store: Store, label: str) -> dict:
    """HNSW vs exact on the same vectors (whichever of the two the index is)."""
    ids, vecs = index.live()
    t0 = time.perf_counter()
    if index.kind == "hnsw":
        hnsw, build_s = index, None
        flat = VectorIndex.build(ids, vecs, hnsw_threshold=10 ** 12)
    else:
        flat = index
        hnsw = VectorIndex.build(ids, vecs, hnsw_threshold=0)
        build_s = time.perf_counter() - t0
    out = {"n": len(ids), "hnsw_build_s": build_s, "ef": {}}
    default_ef = hnsw.ef_search
    for ef in (128, 256, 512, 1024):
        hnsw.ef_search = ef
        times = []
        for q in queries:
            t1 = time.perf_counter()
            hnsw.search(q, 100)
            times.append(time.perf_counter() - t1)
        out["ef"][ef] = {"recall@10": recall(hnsw, flat, queries, 10),
                         "near@10": near_recall(hnsw, flat, queries),
                         "recall@100": recall(hnsw, flat, queries, 100), "ms": pct(times, 50)}
    hnsw.ef_search = default_ef
    for k in (10, 100):
        out[f"recall@{k}"] = recall(hnsw, flat, queries, k)
    for name, idx in (("flat", flat), ("hnsw", hnsw)):
        times = []
        for q in queries:
            t1 = time.perf_counter()
            idx.search(q, 100)
            times.append(time.perf_counter() - t1)
        out[f"{name}_ms"] = pct(times, 50)
    # filters: the busiest month and year, one outlet, the newest 5/20/50% of
    # passages, everything but one outlet: shares from ~0.1% to ~98%
    month, year = busiest(store, 7), busiest(store, 4)
    top = store.facet("questioner")[0][0]
    first = dt.date.fromisoformat(month + "-01")
    filters = {
        f"month {month}": store.filter_sql(None, None, first,
                                           (first + dt.timedelta(days=31)).replace(day=1)
                                           - dt.timedelta(days=1)),
        f"year {year}": store.filter_sql(None, None, dt.date(int(year), 1, 1),
                                         dt.date(int(year), 12, 31)),
        f"questioner {top}": store.filter_sql(top, None, None, None),
    }
    n_passages = store.counts()["passages"]
    for share in (0.05, 0.2, 0.5):
        since = store.db.execute("SELECT date FROM passages ORDER BY date DESC LIMIT 1 OFFSET ?",
                                 (int(share * n_passages),)).fetchone()[0]
        filters[f"newest {share:.0%}"] = store.filter_sql(None, None,
                                                          dt.date.fromisoformat(since), None)
    filters["all but one outlet"] = ("coalesce(p.questioner, '') != ?", [top])
    out["filters"] = {}
    exact_max = faiss_index.EXACT_FILTER_MAX
    for name, (where, fargs) in filters.items():
        allowed = chunk_ids_where(store, where, fargs)
        row = {"allowed": int(allowed.size)}
        for mode, limit in (("auto", exact_max), ("graph", 0)):
            faiss_index.EXACT_FILTER_MAX = limit
            times = []
            for q in queries[:30]:
                t1 = time.perf_counter()
                hnsw.search(q, 100, allowed)
                times.append(time.perf_counter() - t1)
            row[mode] = {"recall@10": recall(hnsw, flat, queries[:30], 10, allowed),
                         "ms": pct(times, 50)}
        faiss_index.EXACT_FILTER_MAX = exact_max
        t1 = time.perf_counter()
        for _ in range(5):
            chunk_ids_where(store, where, fargs)
        row["sql_ms"] = (time.perf_counter() - t1) / 5 * 1000
        out["filters"][name] = row
    print(f"  [{label}] HNSW vs exact on {out['n']:,} vectors: recall@10 {out['recall@10']:.3f}, "
          f"recall@100 {out['recall@100']:.3f}; one query (k=100): flat {out['flat_ms']:.2f} ms, "
          f"hnsw {out['hnsw_ms']:.2f} ms" +
          (f"; HNSW build {build_s:.1f} s" if build_s is not None else ""), flush=True)
    print("      efSearch sweep (k=100 timing): " + "; ".join(
        f"ef {ef}: R@10 {v['recall@10']:.3f} (within 0.01: {v['near@10']:.3f}) "
        f"R@100 {v['recall@100']:.3f} {v['ms']:.2f} ms"
        for ef, v in out["ef"].items()), flush=True)
    for name, f in out["filters"].items():
        a, g = f["auto"], f["graph"]
        print(f"      filter {name:<22} {f['allowed']:>8,} ids ({f['sql_ms']:.0f} ms to list them): "
              f"as shipped R@10 {a['recall@10']:.3f} {a['ms']:.2f} ms; graph walk R@10 "
              f"{g['recall@10']:.3f} {g['ms']:.2f} ms", flush=True)
    return out


def chunk_ids_where(store: Store, where: str, args: list) -> np.ndarray:
    """Chunk ids passing a SQL filter over passages ``p`` (any filter, not just the API's)."""
    rows = store.db.execute(
        f"SELECT ch.id FROM chunks ch JOIN passages p ON p.id = ch.passage_id WHERE {where}",
        args).fetchall()
    return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))


def busiest(store: Store, width: int) -> str:
    """The month (width 7) or year (4) with the most passages."""
    return store.db.execute(f"SELECT substr(date, 1, {width}) d FROM passages GROUP BY d "
                            "ORDER BY count(*) DESC, d LIMIT 1").fetchone()[0]


def filter_cases(store: Store) -> dict[str, dict]:
    """Search filters from narrow to wide: one outlet, the busiest year, the
    busiest spokesperson (about a third), the newer half of the passages."""
    year = busiest(store, 4)
    n = store.count("passages")
    since = store.db.execute("SELECT date FROM passages ORDER BY date DESC LIMIT 1 OFFSET ?",
                             (n // 2,)).fetchone()[0]
    qn, sp = store.facet("questioner")[0][0], store.facet("spokesperson")[0][0]
    return {f"questioner {qn}": {"questioner": qn},
            f"year {year}": {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"},
            f"spokesperson {sp}": {"spokesperson": sp},
            "newest 50%": {"date_from": since}}


def time_filtered(r: Retriever, questions: list[dict], warmup: int = 10
                  ) -> dict[str, list[float]]:
    """Search times under each of filter_cases (the questions' own filters
    replaced), warm: the first ``warmup`` questions run once untimed, as in
    time_queries (a filter reads other pages of SQLite than the last one did)."""
    out = {}
    for name, case in filter_cases(r.store).items():
        for q in questions[:warmup]:
            r.search(q["question"], k=5, **case)
        times = []
        for q in questions:
            t0 = time.perf_counter()
            r.search(q["question"], k=5, **case)
            times.append(time.perf_counter() - t0)
        out[name] = times
    return out


# -- main --------------------------------------------------------------------------------
def bench_scale(path: Path, label: str, encoder, questions, queries, ann: bool) -> dict:
    rec = RecordingEncoder(encoder)
    rss0 = rss_mb()
    t0 = time.perf_counter()
    r = Retriever.open(path, encoder=rec)
    open_s = time.perf_counter() - t0
    info = r.info()
    faiss_file = next(path.glob("vectors.*.faiss"), None)
    res = {"label": label, "passages": info["passages"], "chunks": info["chunks"],
           "kind": r.live.dense.kind, "open_s": open_s, "rss_open_mb": rss_mb() - rss0,
           "faiss_bytes_per_vector": (faiss_file.stat().st_size / max(1, info["chunks"])
                                      if faiss_file else None),
           "db_mb": (path / "presscon.db").stat().st_size / 2 ** 20}
    res["e2e"] = time_queries(r, questions)          # real query encoder
    rec.replay = True
    res["retrieval"] = time_queries(r, questions)    # query vectors precomputed
    t_dense = []
    for q in questions:
        t1 = time.perf_counter()
        r.search(q["question"], k=5, ranking="dense", **q.get("filters", {}))
        t_dense.append(time.perf_counter() - t1)
    res["dense"] = t_dense
    res["filtered"] = time_filtered(r, questions)
    print(f"{label}: {info['passages']:,} passages, {info['chunks']:,} chunks, index {res['kind']}, "
          f"open {open_s * 1000:.0f} ms (warm process), +{res['rss_open_mb']:.0f} MiB RSS, "
          f"db {res['db_mb']:.0f} MiB, FAISS {res['faiss_bytes_per_vector'] or 0:.0f} B/vector", flush=True)
    print(f"  search hybrid, real encoder:      median {pct(res['e2e'], 50):6.1f} ms  "
          f"p95 {pct(res['e2e'], 95):6.1f} ms", flush=True)
    print(f"  search hybrid, vectors cached:    median {pct(res['retrieval'], 50):6.1f} ms  "
          f"p95 {pct(res['retrieval'], 95):6.1f} ms", flush=True)
    print(f"  search dense only, vectors cached: median {pct(t_dense, 50):6.1f} ms  "
          f"p95 {pct(t_dense, 95):6.1f} ms", flush=True)
    for name, times in res["filtered"].items():
        print(f"  search hybrid, cached, {name:<24} median {pct(times, 50):6.1f} ms  "
              f"p95 {pct(times, 95):6.1f} ms", flush=True)
    if ann:
        res["ann"] = ann_report(r.live.dense.vectors, queries, r.store, label)
    r.close()
    return res


def encode_throughput(encoder, base: Path, n: int = 512) -> dict:
    from rag.index.chunking import chunk_passage
    store = Store(base / "presscon.db")
    texts, passages = [], 0
    for p in store.all_passages():
        texts.extend(c.text for c in chunk_passage(p.question, p.text))
        passages += 1
        if len(texts) >= n:
            break
    store.close()
    import embeddings.base as enc_mod
    batch = getattr(enc_mod, "ENCODE_BATCH", 32)      # what ingest uses
    encoder.encode(texts[:32])
    t0 = time.perf_counter()
    encoder.encode(texts, batch_size=batch)
    s = time.perf_counter() - t0
    out = {"chunks": len(texts), "seconds": s, "chunks_per_s": len(texts) / s,
           "passages_per_s": passages / s, "batch": batch}
    qs = ["What did the spokesperson say about the trade talks with the United States?"] * 30
    t0 = time.perf_counter()
    for q in qs:
        encoder.encode_query(q)
    out["query_ms"] = (time.perf_counter() - t0) / len(qs) * 1000
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default=None, help="a real-model index to replicate (copied, not written)")
    ap.add_argument("--corpus", default=str(SHARED / "corpus" / "txt"))
    ap.add_argument("--work", default="/tmp/presscon-bench")
    ap.add_argument("--scales", default="30000,300000", help="passage counts past the real corpus")
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--queries", type=int, default=50,
                    help="dev questions timed per scale (every n-th of the 100, same set at each scale)")
    ap.add_argument("--no-ann", action="store_true", help="skip the recall measurements")
    ap.add_argument("--json", default=None, help="also write the figures to this file")
    args = ap.parse_args()
    args.work = str(Path(args.work) / args.model)
    Path(args.work).mkdir(parents=True, exist_ok=True)

    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.1f}; faiss search threads "
          f"{faiss_index.SEARCH_THREADS}; HNSW above {faiss_index.HNSW_THRESHOLD:,} vectors "
          f"(M={faiss_index.HNSW_M}, efConstruction={faiss_index.HNSW_EF_CONSTRUCTION}, "
          f"efSearch={faiss_index.HNSW_EF_SEARCH})", flush=True)
    encoder = load_encoder(args.model)
    encoder.encode(["warm up"])
    print(f"model {encoder.model_id} (the real query encoder is used for 'real encoder' rows)", flush=True)
    questions = load_questions()
    queries = encoder.encode([q["question"] for q in questions])   # all 100 for recall
    step = max(1, len(questions) // max(1, args.queries))
    questions = questions[::step][:args.queries]                  # these are timed

    base = ensure_base(args, encoder)
    scaled = []
    for n in [int(s) for s in args.scales.split(",") if s.strip()]:
        scaled.append(ensure_scaled(base, n, args, encoder))

    results = {"cores": os.cpu_count(), "load": load, "model": encoder.model_id}
    enc = encode_throughput(encoder, base)
    results["encode"] = enc
    print(f"encode for ingest ({encoder.model_id}, batch {enc['batch']}): {enc['chunks_per_s']:.0f} chunks/s, "
          f"{enc['passages_per_s']:.0f} passages/s; one query {enc['query_ms']:.1f} ms", flush=True)

    rows = [bench_scale(base, "real corpus", encoder, questions, queries, not args.no_ann)]
    for path, info in scaled:
        rows.append(bench_scale(path, f"x{info['copies']}", encoder, questions, queries,
                                not args.no_ann))
        rows[-1]["build"] = info
    results["scales"] = rows

    b = rows[0]
    print("\nsummary (ratios against the real corpus in this run)")
    print("e2e: hybrid with the real query encoder; ret: hybrid, query vectors cached; "
          "dense: dense only, cached (ms)")
    print(f"{'scale':<12} {'passages':>9} {'chunks':>9} {'index':>5} {'open ms':>8} "
          f"{'e2e p50':>8} {'e2e p95':>8} {'ret p95':>8} {'dense p95':>9} {'x e2e p95':>9} {'RSS MiB':>8}")
    for row in rows:
        print(f"{row['label']:<12} {row['passages']:>9,} {row['chunks']:>9,} {row['kind']:>5} "
              f"{row['open_s'] * 1000:>8.0f} {pct(row['e2e'], 50):>8.1f} {pct(row['e2e'], 95):>8.1f} "
              f"{pct(row['retrieval'], 95):>8.1f} {pct(row['dense'], 95):>9.1f} "
              f"{pct(row['e2e'], 95) / pct(b['e2e'], 95):>9.2f} {row['rss_open_mb']:>8.0f}")
    if args.json:
        for row in rows:
            for key in ("e2e", "retrieval", "dense"):
                row[key] = {"median_ms": pct(row[key], 50), "p95_ms": pct(row[key], 95)}
            row["filtered"] = {name: {"median_ms": pct(t, 50), "p95_ms": pct(t, 95)}
                               for name, t in row["filtered"].items()}
        Path(args.json).write_text(json.dumps(results, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
