"""Re-chunk and re-encode every passage with a model, then switch to it.

New vectors go into SQLite beside the old model's, a batch per transaction,
so a crash loses at most one batch and a rerun resumes; the switch itself
(chunk rows + model id) is one transaction, so readers see the old index or
the new one, never a mix.
"""
from __future__ import annotations

from pathlib import Path

from embeddings.base import Encoder

from ..faults import crash_point
from ..index.chunking import STRATEGY, chunk_rows
from ..index.embed import missing_vectors
from ..index.live import writer_lock
from ..store import Store

__all__ = ["reindex_store"]


def reindex_store(index_dir: Path, store: Store, encoder: Encoder, *, progress: bool = False,
                  batch: int = 256) -> None:
    with writer_lock(index_dir):
        store.verify()   # rewriting every chunk row of a damaged file would not mend it
        plan = []  # (passage id, chunk id, ordinal, text, hash)
        for p in store.all_passages():
            plan.extend((p.id, *row) for row in chunk_rows(p.id, p.question, p.text))
        texts = {h: t for *_, t, h in plan}
        todo = sorted(store.missing_hashes(encoder.model_id, texts))
        bar = None
        if progress and todo:
            from tqdm.auto import tqdm
            bar = tqdm(total=len(todo), desc=f"reindex {encoder.model_id}", unit="chunk")
        for i in range(0, len(todo), batch):
            part = {h: texts[h] for h in todo[i:i + batch]}
            vectors = missing_vectors(store, encoder, part)
            with store.write():
                store.put_vectors(encoder.model_id, vectors.items())
            crash_point("reindex.batch")
            if bar is not None:
                bar.update(len(part))
        if bar is not None:
            bar.close()
        with store.write():
            store.replace_all_chunks([(cid, pid, o, h) for pid, cid, o, _, h in plan])
            store.set_meta("model_id", encoder.model_id)
            store.set_meta("chunking", STRATEGY)
            store.drop_unused_vectors(encoder.model_id)
            crash_point("reindex.switch")
