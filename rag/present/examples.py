"""Example questions drawn from the index being served: questions reporters
actually asked there (their last, question-marked sentence, short enough to
read at a glance), spread over its dates and publishers, and one that names
an outlet and a month the index holds, to show filters read from the words.
Nothing is hard-coded to one corpus.
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from ..index.tokenize import STOPWORDS
from ..results import Citation

__all__ = ["example_questions", "FALLBACK"]

FALLBACK = ["What did the spokesperson say about the Olympics?"]
_SENTENCE = re.compile(r"(?<=[.?!])\s+")
_PROPER = re.compile(r"(?<!^)(?<![.?!] )\b[A-Z][a-zA-Z-]{2,}")
# Openers that make a reporter's question unreadable on its own.
_VAGUE = re.compile(r"^(and|also|so|but|what about|how about|is that|does that|can you "
                    r"(confirm|elaborate)|any comment|what is your comment|what's your "
                    r"comment|do you have (any|a) comment)\b", re.I)
_DEICTIC = re.compile(r"\b(this|that|these|those|it|its|he|she|his|her|him|they|them|their|you|your)\b",
                      re.I)
# Capitalized words that name no topic of their own in these transcripts.
_GENERIC = STOPWORDS | frozenset("""us u.s american americans president secretary
administration government united states white house minister chinese could would can
do does is are will what when where why how which who have has did i i'm mr ms""".split())


def _candidate(question: str | None) -> str | None:
    if not question:
        return None
    last = _SENTENCE.split(question.strip())[-1].strip()
    words = last.split()
    if (not last.endswith("?") or not 6 <= len(words) <= 16 or _VAGUE.match(last)
            or "\n" in last or "—" in last or "--" in last):
        return None
    topics = [w for w in _PROPER.findall(last) if w.lower() not in _GENERIC]
    if not topics or _DEICTIC.search(last):
        return None   # no named topic, or leans on what came before
    return last


def example_questions(passages: Iterable[Citation], n: int = 5) -> list[str]:
    """Up to ``n`` example questions for an index holding ``passages`` (any
    order): ``n - 1`` real reporters' questions spread over the dates and
    publishers, then one "What did they tell OUTLET in MONTH YEAR?"."""
    found: list[tuple[str, str, Citation]] = []   # (publisher, question, passage)
    outlet_month: dict[tuple[str, str], int] = {}
    for p in passages:
        if p.questioner:
            key = (p.questioner, f"{p.date:%B %Y}")
            outlet_month[key] = outlet_month.get(key, 0) + 1
        q = _candidate(p.question)
        if q:
            found.append((p.publisher, q, p))
    if not found:
        return list(FALLBACK)
    found.sort(key=lambda t: (t[2].date, t[2].passage_id))
    by_publisher: dict[str, list[tuple[str, Citation]]] = {}
    for pub, q, p in found:
        by_publisher.setdefault(pub, []).append((q, p))
    # Round-robin over publishers, each spread evenly over its dates (newest first).
    spread = {pub: _evenly([q for q, _ in items][::-1], n) for pub, items in by_publisher.items()}
    out: list[str] = []
    while len(out) < max(1, n - 1) and any(spread.values()):
        for pub in sorted(spread):
            if spread[pub] and len(out) < max(1, n - 1):
                q = spread[pub].pop(0)
                if q not in out:
                    out.append(q)
    if outlet_month:
        (outlet, month), _ = max(outlet_month.items(), key=lambda kv: (kv[1], kv[0]))
        out.append(f"What did they tell {outlet} in {month}?")
    return out[:n]


def _evenly(items: Sequence[str], n: int) -> list[str]:
    """``n`` items at even steps through ``items`` (all if fewer)."""
    if len(items) <= n:
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]
