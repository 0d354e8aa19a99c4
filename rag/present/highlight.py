"""The question's words marked in a transcript, the transcript kept verbatim.

A word of the reply is marked when its stem is the stem of a content word of
the question (the lexical side's own tokenizer, ``rag.index.tokenize``, so
"sanctioned" marks "sanctions" exactly when BM25 matched them); a phrase the
question puts in quotes is marked as one span, and only where it occurs as a
phrase. Every character outside ``<mark>`` and inside it goes through
:func:`rag.present.chat.escape_text`, so what a reader sees is the transcript,
character for character: highlighting only wraps spans, it never rewrites one.
The words of a quoted phrase are marked only where the whole phrase occurs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from ..index.tokenize import query_terms, tokens

__all__ = ["Marks", "marks_for", "highlight", "MARK_OPEN", "MARK_CLOSE"]

MARK_OPEN = '<mark class="pc-hl">'
MARK_CLOSE = "</mark>"
# Quoted phrases: straight or curly double quotes, at least two words inside.
_QUOTED = re.compile(r'["“”„]([^"“”„]{2,200})["“”„]')
_WORDS = re.compile(r"[^\W_]+")
MAX_PHRASES = 8


@dataclass(frozen=True)
class Marks:
    """What to mark: stems of the question's content words, and its quoted phrases."""
    stems: frozenset[str] = frozenset()
    phrases: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.stems or self.phrases)


def marks_for(question: str | None) -> Marks:
    """The :class:`Marks` of a question ("" or None marks nothing)."""
    if not question:
        return Marks()
    phrases = []
    for m in _QUOTED.finditer(question):
        words = _WORDS.findall(m.group(1))
        if len(words) >= 2 and len(phrases) < MAX_PHRASES:
            phrases.append(" ".join(words))
    # A quoted phrase's words are marked only as that phrase, not one by one.
    rest = _QUOTED.sub(" ", question) if phrases else question
    stems = {t for term in query_terms(rest) for t in tokens(term)}
    return Marks(frozenset(s for s in stems if len(s) >= 2), tuple(phrases))


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    # Words in order, anything that is not a word between them ("Forced-Labor  Act").
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<![^\W_])" + r"[\W_]+".join(words) + r"(?![^\W_])", re.IGNORECASE)


def spans(text: str, marks: Marks) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) spans of ``text`` to mark."""
    if not marks or not text:
        return []
    taken: list[tuple[int, int]] = []
    for phrase in marks.phrases:
        taken.extend(m.span() for m in _phrase_pattern(phrase).finditer(text))
    taken = _merge(taken)
    if marks.stems:
        stem_of: dict[str, bool] = {}
        for m in _WORDS.finditer(text):
            word = m.group()
            hit = stem_of.get(word)
            if hit is None:
                hit = stem_of[word] = any(t in marks.stems for t in tokens(word))
            if hit and not _inside(m.span(), taken):
                taken.append(m.span())
    return _join_adjacent(text, _merge(taken))


# Marks separated only by spaces or a hyphen read as one ("Hong Kong", "one-China").
_GAP = re.compile(r"[ \t\-‐–]{1,2}")


def _join_adjacent(text: str, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in found:
        if out and _GAP.fullmatch(text[out[-1][1]:a]):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _inside(span: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in taken)


def _merge(found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(found):
        if out and a < out[-1][1]:       # overlapping phrases: one span
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def _escaped(text: str) -> str:
    from .chat import escape_text
    # A lone newline inside a paragraph is a line break.
    return "<br>".join(escape_text(line) for line in text.split("\n"))


def highlight(text: str, marks: Marks | None) -> str:
    """``text`` as escaped HTML (newlines as ``<br>``) with the spans ``marks``
    finds wrapped in ``<mark class="pc-hl">``."""
    if not marks:
        return _escaped(text)
    out, pos = [], 0
    for a, b in spans(text, marks):
        out.append(_escaped(text[pos:a]))
        out.append(MARK_OPEN + _escaped(text[a:b]) + MARK_CLOSE)
        pos = b
    out.append(_escaped(text[pos:]))
    return "".join(out)
