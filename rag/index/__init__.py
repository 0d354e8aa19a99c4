"""Stage 3: derived, rebuildable indexes over the store: chunking and embedding,
the dense FAISS file, the lexical BM25 snapshot, groups of repeated replies,
and the live state a process serves (generation, refresh, writer lock)."""
