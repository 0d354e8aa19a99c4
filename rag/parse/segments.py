"""Remarks cut into topics: which paragraphs of one official's uninterrupted
statement belong in one passage.

Why: a briefing's opening remarks run over many paragraphs and several
topics ("Now, moving on to the hurricane ...", "And finally, ..."). Stored a
paragraph a passage, the paragraph that answers a question competes with its
own neighbours on the same topic (the outbreak's announcement ranks above
the risk assessment two paragraphs on), and a hit shows a sentence without
the paragraphs it belongs with. Stored as one passage, a run of remarks
would be pages long. So a run is cut where the official says the topic
changes:

* at a paragraph that opens by changing the topic ("Moving on to", "In other
  news", "Also today,", "Two other items", "Finally,", "I'd also like to
  offer an update on");
* at a paragraph that opens with a step ("Now,", "Next,", "Second,") and
  shares no topical word with the paragraphs before it: the steps of one
  topic ("three elements remain constant. First, ... Second, ...") share
  its words, separate items ("I have two items. First, ... Second, I'm
  joined by ...") do not;
* before a passage grows past :data:`MAX_WORDS`.

A lead-in announcing items ("I have a couple of items for all of you at the
top.") is no topic of its own: the first item ("First, ...") goes with it.

Not where the words alone change: spoken remarks go on with a topic in new
words (Dr. Fauci's eighteen paragraphs on the pandemic share few), and cut
there they fell apart into single paragraphs (wh_dev hybrid MRR@10 0.693
kept whole, 0.668 cut; README "Remarks a topic a passage").

A topical word is a content word's stem (rag.index.tokenize) that is
neither basic English (among the :data:`BASIC_WORDS` most frequent words of
pyspellchecker's frequency list: "today", "state", "people", "continue")
nor common in the briefing (said in more than :data:`COMMON_SHARE` of the
official paragraphs: "President" everywhere; "Marburg" only where it is the
topic).
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from typing import Iterable, Sequence

from ..index.tokenize import STOPWORDS, tokens
from ..index.words import english_frequencies

__all__ = ["MAX_WORDS", "COMMON_SHARE", "BASIC_WORDS", "Topics"]

#: No statement longer than the longest replies (their 99th percentile: 377
#: words at the White House, 555 at the ministry).
MAX_WORDS = 400
#: remarks so far this short only lead in to their first item
LEAD_IN_WORDS = 20
COMMON_SHARE = 0.2
BASIC_WORDS = 1000

_LEAD = r"^(?:(?:and|but|okay|ok|so|now|all\s+right|sorry|then|just)[,.]?\s+)*"
#: A paragraph opening with a change of topic, whatever its words.
_TURN_RE = re.compile(
    _LEAD + r"(?:finally|lastly|separately|last\s+but\s+not\s+least"
    r"|moving\s+on|turning\s+to|switching\s+gears|on\s+another\s+note|in\s+other\s+news"
    r"|also\s+today|today,?\s+as\s+well"
    r"|(?:one|two|three|a\s+couple\s+of|a\s+few)\s+(?:more|other|last|additional|quick)\b"
    r"|(?:the\s+)?last\s+(?:thing|item|one)"
    r"|(?:one\s+)?(?:other|another|more)\s+(?:little\s+)?(?:thing|item|update|announcement"
    r"|bit\s+of\s+news|piece\s+of\s+news)s?"
    r"|(?:I(?:'|’)d|I\s+would|I\s+want\s+to|I\s+wanted\s+to)\s+also\s+(?:like\s+to\s+)?"
    r"(?:offer|give|provide|share|note|highlight|flag)"
    r"|we(?:'|’)ve\s+also\s+got)\b", re.I)
#: A paragraph opening with a step: a new topic only if its words are new too.
_STEP_RE = re.compile(
    _LEAD + r"(?:now|next|also|additionally|meanwhile|first|second|third|fourth|fifth"
    r"|first\s+up)\b", re.I)

#: Remarks announcing their items ("I have a couple of items for all of you at
#: the top.", "And finally, I have two shoutouts in the room.").
_LEAD_IN_RE = re.compile(
    r"\b(?:a\s+few|a\s+couple(?:\s+of)?|two|three|four|several|some|one|few)\s+(?:\w+\s+)?"
    r"(?:things|items|updates|announcements|notes|shout-?outs|toppers)\b", re.I)

_STOP = frozenset(t for w in STOPWORDS for t in tokens(w))


@functools.lru_cache(maxsize=1)
def _basic() -> frozenset[str]:
    """Stems of the BASIC_WORDS most frequent English words (empty without
    pyspellchecker: then only the briefing decides what is common)."""
    counts = english_frequencies()
    top = sorted(counts, key=counts.__getitem__, reverse=True)[:BASIC_WORDS]
    return frozenset(t for w in top for t in tokens(w))


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
        self._common = _basic() | {t for t, c in counts.items() if c > limit}

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
        if _STEP_RE.match(paragraph):
            # a lead-in ("Okay, a couple of items for you at the top.") is not a
            # topic of its own: its first item goes with it
            lead_in = len(segment) == 1 and so_far <= LEAD_IN_WORDS \
                and _LEAD_IN_RE.search(segment[0])
            return bool(lead_in) or \
                bool(self.topical(paragraph) & set().union(*map(self.topical, segment)))
        return True
