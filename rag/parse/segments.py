"""Remarks cut into topics: which paragraphs of one official's uninterrupted
statement belong in one passage.

Why: a briefing's opening remarks run over many paragraphs and several
topics ("Now, moving on to the hurricane ...", "And finally, ..."). Stored a
paragraph a passage, the paragraph that answers a question competes with its
own neighbours on the same topic (the outbreak's announcement ranks above
the risk assessment two paragraphs on), and a hit shows a sentence without
the paragraphs it belongs with. Stored as one passage, a run of remarks
would be pages long. So a run is cut where the topic changes: at a
paragraph that opens with a turn of topic ("Now,", "Next,", "Also today,",
"Two other items"), or that shares no topical word with the paragraphs
before it; and before a passage grows past :data:`MAX_WORDS`.

A topical word is a content word's stem (rag.index.tokenize) that is not
common in the briefing: one the official says in at most
:data:`COMMON_SHARE` of its paragraphs (a briefing says "President" and
"today" everywhere; "Marburg" only where it is the topic).
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

from ..index.tokenize import STOPWORDS, tokens

__all__ = ["MAX_WORDS", "COMMON_SHARE", "Topics"]

#: No statement longer than the longest replies (their 99th percentile: 377
#: words at the White House, 555 at the ministry).
MAX_WORDS = 400
COMMON_SHARE = 0.2
#: A paragraph this short carries on the topic whatever its words ("Please,
#: please, please listen to local officials. It could save your life.").
SHORT_WORDS = 15

#: A paragraph opening with a change of topic.
_TURN_RE = re.compile(
    r"^(?:(?:and|but|okay|ok|so|all\s+right|sorry)[,.]?\s+)*"
    r"(?:now|next|finally|lastly|also|separately|additionally|meanwhile"
    r"|first|second|third|fourth|fifth|first\s+up|last\s+but\s+not\s+least"
    r"|moving\s+on|turning\s+to|switching\s+gears|on\s+another\s+note"
    r"|(?:one|two|three|a\s+couple\s+of|a\s+few)\s+(?:more|other|last|additional|quick)\b"
    r"|(?:the\s+)?last\s+(?:thing|item|one)"
    r"|(?:one\s+)?(?:other|another|more)\s+(?:thing|item|update|announcement)s?)\b", re.I)

_STOP = frozenset(t for w in STOPWORDS for t in tokens(w))


def _stems(text: str) -> set[str]:
    return {t for t in tokens(text) if t not in _STOP and len(t) > 2 and not t.isdigit()}


class Topics:
    """The topic cuts of one briefing's remarks; made from all its official
    paragraphs so that "common" means common in this briefing."""

    def __init__(self, paragraphs: Iterable[str]):
        counts: Counter[str] = Counter()
        n = 0
        for p in paragraphs:
            counts.update(_stems(p))
            n += 1
        limit = max(2, COMMON_SHARE * n)
        self._common = frozenset(t for t, c in counts.items() if c > limit)

    def topical(self, text: str) -> set[str]:
        return _stems(text) - self._common

    def continues(self, segment: Sequence[str], paragraph: str) -> bool:
        """Does ``paragraph`` carry on the topic of ``segment`` (the paragraphs
        of the passage so far, same official, nothing between them)?"""
        if not segment:
            return False
        so_far, words = sum(len(p.split()) for p in segment), len(paragraph.split())
        if so_far + words > MAX_WORDS or _TURN_RE.match(paragraph):
            return False
        if words <= SHORT_WORDS or so_far <= SHORT_WORDS:
            return True   # a short paragraph, or a lead-in ("So, today is a solemn day.")
        seen = set().union(*(self.topical(p) for p in segment))
        return bool(self.topical(paragraph) & seen)
