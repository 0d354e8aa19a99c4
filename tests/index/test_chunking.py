"""What gets embedded (rag/index/chunking.py)."""
from __future__ import annotations

from rag.index.chunking import MAX_WORDS, chunk_passage, reply_windows

PARAS = [f"Paragraph {i} on its own point, " + "word " * 40 for i in range(5)]


def test_a_statement_is_embedded_a_paragraph_a_chunk():
    chunks = chunk_passage(None, "\n\n".join(PARAS))
    assert [c.text for c in chunks] == PARAS
    assert [c.ordinal for c in chunks] == list(range(5))


def test_a_reply_is_embedded_in_windows_behind_its_question():
    chunks = chunk_passage("What is the point?", "\n\n".join(PARAS))
    assert len(chunks) < len(PARAS)          # packed: 45 words a paragraph, 160 a window
    assert all(c.text.startswith("What is the point?\n") for c in chunks)
    assert all(len(c.text.split()) <= MAX_WORDS + 4 for c in chunks)
    # every paragraph is in some window; consecutive windows share a paragraph
    assert all(any(p in c.text for c in chunks) for p in PARAS)


def test_reply_windows_are_the_chunks_without_the_question():
    text = "\n\n".join(PARAS)
    assert reply_windows(text) == [c.text.split("\n", 1)[1] for c in chunk_passage("Q?", text)]
