"""A spokesperson the question names whom the index does not know.

"What did Wang Wenbin say about ..." on an index of 2018-2020 briefings
cannot become a spokesperson filter (understand.py reads only names the index
knows), and silently answering with other officials' replies misleads: the
user gets a note naming who the index does have.
"""
from __future__ import annotations

import re
from typing import Iterable

__all__ = ["unknown_spokesperson"]

_NAME = r"((?:[A-Z][a-z'’-]+\s+){0,2}[A-Z][a-z'’-]+)"
_CUES = (
    re.compile(rf"\bspokes(?:person|man|woman)\s+{_NAME}"),
    re.compile(rf"\b(?:Mr|Ms|Mrs|Dr)\.?\s+{_NAME}"),
    re.compile(rf"\b{_NAME}(?:['’]s)?\s+(?:say|said|says|tell|told|answer|answered|reply|replied|"
               r"respond|responded|comment|commented|announce|announced|state|stated)\b"),
)
# capitalized words that start questions or name institutions, not people
_NOT_NAMES = frozenset("""What When Where Why How Who Which Did Does Do Has Have Had Is Are Was
Were Will Would Can Could Should China Chinese Beijing Ministry Foreign Spokesperson
The US U.S. America American Washington Japan Russia India Taiwan Hong Kong White House
President Premier Minister Secretary State Government Embassy""".split())


def unknown_spokesperson(question: str, spokespersons: Iterable[str]) -> str | None:
    """A person's name the question presents as the one who spoke ("did Wang
    Wenbin say", "spokesperson Zhao") when no spokesperson of the index has
    it (full name or surname); None otherwise."""
    known = [s.casefold() for s in spokespersons if s]
    parts = {p for s in known for p in s.split()}
    for cue in _CUES:
        for m in cue.finditer(question):
            words = [w for w in m.group(1).split() if w not in _NOT_NAMES]
            # "did Trump say": one word after no title is as often a leader as a spokesperson
            if not words or (cue is _CUES[2] and len(words) < 2):
                continue
            name = " ".join(words)
            if name.casefold() in known or any(w.casefold() in parts for w in words):
                continue
            return name
    return None
