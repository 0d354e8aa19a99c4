"""What gets embedded: a passage becomes one or more overlapping paragraph windows.

MiniLM reads 256 word pieces; 28% of replies are longer, so a long reply is
cut into windows of whole paragraphs and the passage scores as its best
window. A passage with no question (remarks, a statement) is embedded a
paragraph a chunk: remarks are stored a topic a passage
(rag/parse/segments.py), and a topic's paragraphs each make their own point
("CDC assesses that the risk ... is low" two paragraphs after the outbreak's
announcement); packed in one window, the point is averaged away with its
neighbours. The strategy name is recorded in the manifest: changing it
changes chunk texts, and only the new texts are encoded.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..ids import stable_id, text_hash

MAX_WORDS = 160     # ~ 220 word pieces: leaves room for the question prefix
QUESTION_WORDS = 40  # a long question must not crowd the reply out of the window
STRATEGY = "qwin-160-40-p"   # -p: statements a paragraph a chunk


@dataclass(frozen=True)
class Chunk:
    ordinal: int
    text: str


def _words(s: str) -> int:
    return len(s.split())


def _windows(paragraphs: list[str], max_words: int) -> list[str]:
    """Consecutive paragraphs packed up to max_words, each window overlapping
    the previous by its last paragraph so no sentence pair is split unseen."""
    windows: list[str] = []
    i = 0
    while i < len(paragraphs):
        window = [paragraphs[i]]
        n = _words(paragraphs[i])
        j = i + 1
        while j < len(paragraphs) and n + _words(paragraphs[j]) <= max_words:
            window.append(paragraphs[j])
            n += _words(paragraphs[j])
            j += 1
        windows.append("\n".join(window))
        if j >= len(paragraphs):
            break
        i = j - 1 if j - 1 > i else j
    return windows


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()] or [text]


def reply_windows(text: str) -> list[str]:
    """A reply's windows as :func:`chunk_passage` embeds them, without the
    question's prefix (what cross-validation scores a held-out reply by)."""
    return _windows(_paragraphs(text), MAX_WORDS)


def chunk_passage(question: str | None, text: str) -> list[Chunk]:
    paragraphs = _paragraphs(text)
    if not question:
        return [Chunk(i, p) for i, p in enumerate(paragraphs)]
    words = question.split()
    prefix = " ".join(words[:QUESTION_WORDS]) + "\n"
    return [Chunk(i, prefix + w) for i, w in enumerate(_windows(paragraphs, MAX_WORDS))]


def chunk_rows(passage_id: int, question: str | None, text: str) -> list[tuple[int, int, str, str]]:
    """(chunk id, ordinal, text, text hash) of a passage's chunks; ids are stable."""
    rows = []
    for ch in chunk_passage(question, text):
        h = text_hash(ch.text)
        rows.append((stable_id(passage_id, ch.ordinal, h), ch.ordinal, ch.text, h))
    return rows
