"""What grouping repeated replies costs at ingest, what it finds, what it saves.

    .venv/bin/python benchmarks/bench_groups.py                 # cost + groups (fake encoder)
    .venv/bin/python benchmarks/bench_groups.py --verify        # + all-pairs check (~2 min)
    .venv/bin/python benchmarks/bench_groups.py --dups INDEX    # + duplicate top-5 slots
                                                                #   before/after on dev questions

Cost: the corpus is ingested into fresh indexes with and without grouping
(``update_groups`` replaced by a no-op; the queueing triggers still run), in
alternating rounds because the machine may be shared; then held-out files
are added one at a time to the full index, which is what a scraper feeding
``presscon ingest --watch`` does. The fake encoder is the default so that
encoding does not hide the cost; with MiniLM the relative cost is smaller.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from embeddings.testing import FakeEncoder  # noqa: E402
from rag.index import repeats as G  # noqa: E402
from rag.ingest import apply as ingest_module  # noqa: E402
from rag.retriever import Retriever  # noqa: E402

SHARED = ROOT.parent / "shared"


ENCODER = {"model": None}   # None: the fake encoder; else a model id (--model)


def _encoder():
    if ENCODER["model"] is None:
        return FakeEncoder()
    from embeddings.registry import load_encoder
    return load_encoder(ENCODER["model"])


def _ingest(files: list[Path], folder: Path, grouping: bool) -> tuple[float, Retriever]:
    saved = ingest_module.update_groups
    if not grouping:
        ingest_module.update_groups = lambda store: G.GroupUpdate()
    try:
        r = Retriever.open(folder, encoder=_encoder())
        t0 = time.perf_counter()
        report = r.ingest(files)
        seconds = time.perf_counter() - t0
    finally:
        ingest_module.update_groups = saved
    assert report.ok, [f for f in report.files if f.status == "failed"][:3]
    return seconds, r


def bench_cost(files: list[Path], rounds: int, held_out: int) -> None:
    base, held = files[:-held_out], files[-held_out:]
    full = {True: [], False: []}
    one = {True: [], False: []}
    for _ in range(rounds):
        for grouping in (False, True):
            tmp = Path(tempfile.mkdtemp(prefix="bench-groups-"))
            try:
                seconds, r = _ingest(base, tmp / "idx", grouping)
                full[grouping].append(seconds)
                saved = ingest_module.update_groups
                if not grouping:
                    ingest_module.update_groups = lambda store: G.GroupUpdate()
                try:
                    for f in held:
                        t0 = time.perf_counter()
                        r.ingest([f])
                        one[grouping].append(time.perf_counter() - t0)
                finally:
                    ingest_module.update_groups = saved
                r.close()
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    med = {g: statistics.median(v) for g, v in full.items()}
    print(f"ingest of {len(base)} files into a fresh index, "
          f"{ENCODER['model'] or 'fake'} encoder, median of {rounds}:")
    print(f"  without grouping {med[False]:7.2f} s")
    print(f"  with grouping    {med[True]:7.2f} s   (+{med[True] - med[False]:.2f} s, "
          f"+{100 * (med[True] / med[False] - 1):.0f}%, "
          f"{1000 * (med[True] - med[False]) / len(base):.1f} ms per file)")
    m1 = {g: 1000 * statistics.median(v) for g, v in one.items()}
    print(f"adding one file to the {len(base)}-file index (median of {len(one[True])}):")
    print(f"  without grouping {m1[False]:7.1f} ms")
    print(f"  with grouping    {m1[True]:7.1f} ms   (+{m1[True] - m1[False]:.1f} ms)")


def group_report(r: Retriever, top: int) -> None:
    rows = r.repeats(min_size=2, limit=None)
    members = sum(g["size"] for g in rows)
    print(f"\ngroups of repeated replies (threshold {G.THRESHOLD:g}): {len(rows)} groups, "
          f"{members} passages in them, of {r.info()['passages']}")
    print(f"largest {min(top, len(rows))}:")
    for g in rows[:top]:
        words = " ".join(g["text"].split())
        print(f"  {g['size']:>3}x  {g['first_date']} .. {g['last_date']}  {words[:70]}")
    same_day = r.store.db.execute(
        "SELECT count(DISTINCT g.group_id) FROM passage_groups g JOIN passages p "
        "ON p.id = g.passage_id JOIN conferences c ON c.id = p.conference_id "
        "WHERE c.source LIKE '%2019-04-29_2%' AND g.group_id IN (SELECT g2.group_id "
        "FROM passage_groups g2 JOIN passages p2 ON p2.id = g2.passage_id JOIN conferences c2 "
        "ON c2.id = p2.conference_id WHERE c2.source LIKE '%2019-04-29.%')").fetchone()[0]
    total = r.store.db.execute(
        "SELECT count(*) FROM passages p JOIN conferences c ON c.id = p.conference_id "
        "WHERE c.source LIKE '%2019-04-29_2%'").fetchone()[0]
    if total:
        print(f"2019-04-29_2 (second translation): {same_day} of its {total} replies grouped "
              f"with their 2019-04-29 counterpart")


def _components(n: int, pairs: list[tuple[int, int]]) -> list[set[int]]:
    ds = G.DisjointSet(n)
    for i, j in pairs:
        ds.union(i, j)
    return [set(c) for c in ds.sets() if len(c) > 1]


def verify(r: Retriever) -> None:
    """All pairs, brute force (rapidfuzz cdist): the groups other thresholds
    would give, and whether the incremental groups equal the all-pairs ones."""
    import numpy as np
    from rapidfuzz import fuzz, process
    rows = r.store.db.execute("SELECT id, text FROM passages ORDER BY id").fetchall()
    norms = [G.normalize(t) for _, t in rows]
    t0 = time.perf_counter()
    m = process.cdist(norms, norms, scorer=fuzz.ratio, score_cutoff=75, dtype=np.uint8,
                      workers=-1)
    close = [(i, j) for i, j in np.argwhere(np.triu(m, 1)).tolist()]
    print(f"\nall-pairs check ({len(rows)} passages, {time.perf_counter() - t0:.0f} s):")
    for t in (75, 80, 85, 90, 95):
        pairs = [(i, j) for i, j in close if m[i, j] >= t and G.same_reply(rows[i][1], rows[j][1], t)]
        comps = _components(len(rows), pairs)
        line = (f"  threshold {t}: {len(pairs)} near-identical pairs, {len(comps)} groups, "
                f"{sum(map(len, comps))} passages, largest {max(map(len, comps), default=0)}")
        if t == G.THRESHOLD:
            brute = {frozenset(rows[i][0] for i in c) for c in comps}
            stored: dict[int, set[int]] = {}
            for pid, gid in r.store.db.execute("SELECT passage_id, group_id FROM passage_groups"):
                stored.setdefault(gid, set()).add(pid)
            inc = {frozenset(c) for c in stored.values() if len(c) > 1}
            line += f"  <- in use; incremental groups {'IDENTICAL' if brute == inc else 'DIFFER'}"
        print(line)


def dups(index: Path, question_files: list[Path], k: int = 5) -> None:
    """Share of top-k slots holding a reply near-identical to a higher-ranked one."""
    from rag.evaluate import first_correct
    r = Retriever.open(index)
    pending = r.store.pending_count()
    if pending:
        print(f"\n{index}: grouping {pending} queued passages first", flush=True)
        r.update_groups()
    sets = [(p.name, [json.loads(line) for line in p.read_text().splitlines() if line.strip()])
            for p in question_files]
    # Questions where repeats exist: what reporters asked when a grouped reply
    # was given (the newest member's question); any wording of the group is a
    # correct answer. The dev questions target specific events and rarely meet
    # a repeated reply.
    probe = []
    for g in r.repeats(min_size=2, limit=None):
        row = r.store.passages([g["passage_id"]])[g["passage_id"]]
        if row.question:
            probe.append({"question": row.question[:2000],
                          "gold": [" ".join(v.text.split()) for v in r.versions(row.id)]})
    sets.append(("questions of grouped replies", probe))
    for name, qs in sets:
        out = {}
        for grouped in (False, True):
            r.group_repeats = grouped
            slots = dup = found = 0
            t0 = time.perf_counter()
            for q in qs:
                hits = r.search(q["question"], k=k, **q.get("filters", {}))
                slots += len(hits)
                dup += G.duplicate_slots(h.text for h in hits)
                found += first_correct(hits, q["gold"]) is not None
            out[grouped] = (slots, dup, found, (time.perf_counter() - t0) / len(qs) * 1000)
        print(f"\n{name} ({len(qs)} questions, top {k}, model {r.encoder.model_id}):")
        for grouped, label in ((False, "before (every copy)"), (True, "after (grouped)")):
            slots, dup, found, ms = out[grouped]
            print(f"  {label:<20} duplicate slots {dup:>3}/{slots} = {100 * dup / max(slots, 1):4.1f}%"
                  f"   recall@{k} {found / len(qs):.3f}   {ms:.0f} ms/question")
    r.group_repeats = True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "txt")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--files", type=int, default=0, help="use only the first N files (0: all)")
    ap.add_argument("--model", default=None,
                    help="time with this embedding model instead of the fake encoder")
    ap.add_argument("--held-out", type=int, default=10,
                    help="files added one at a time to the full index")
    ap.add_argument("--top", type=int, default=10, help="largest groups to list")
    ap.add_argument("--no-cost", action="store_true", help="skip the timing runs")
    ap.add_argument("--verify", action="store_true", help="compare with an all-pairs grouping")
    ap.add_argument("--dups", type=Path, metavar="INDEX",
                    help="an index (real model) to measure duplicate top-5 slots on")
    ap.add_argument("--questions", type=Path, nargs="*",
                    default=[SHARED / "eval" / "dev_questions.jsonl",
                             SHARED / "eval" / "dev_hard.jsonl"])
    args = ap.parse_args()
    files = sorted(p for p in args.corpus.iterdir() if p.suffix in (".txt", ".html"))
    if args.files:
        files = files[:args.files]
    ENCODER["model"] = args.model
    if not files:
        sys.exit(f"no transcripts in {args.corpus}")
    if not args.no_cost:
        bench_cost(files, args.rounds, args.held_out)
    tmp = Path(tempfile.mkdtemp(prefix="bench-groups-"))
    try:
        _, r = _ingest(files, tmp / "idx", True)
        group_report(r, args.top)
        if args.verify:
            verify(r)
        r.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.dups:
        dups(args.dups, [q for q in args.questions if q.is_file()])


if __name__ == "__main__":
    main()
