"""The words of the passages as written (not stemmed): what spelling
correction (rag/rank/spelling.py) chooses from.

Counting them means reading every passage: 0.5 s at 4k passages, about 35 s
at 300k, too slow for the first query with a typo. So the counts are made
where every passage is read anyway, when the lexical snapshot is built, saved
in it as ``words.json`` (checksummed with its other files), and the passages
added since the snapshot (its tail) are counted in memory. Passages removed
since the snapshot still lend their words until the next rebuild: a
correction may then name a word no reply uses any more, which only costs a
"Searched for" the user can undo.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

__all__ = ["WordCounts", "WORDS_FILE", "WORD", "english_frequencies"]

WORDS_FILE = "words.json"
WORD = re.compile(r"[^\W\d_]+")   # a run of letters


@dataclass(frozen=True)
class WordCounts:
    """How many passages use each word (lower case), and how often each
    written form occurs (what says "Huawei" is a name, spelled so)."""
    passages: Counter = field(default_factory=Counter)
    forms: Counter = field(default_factory=Counter)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> "WordCounts":
        passages: Counter[str] = Counter()
        forms: Counter[str] = Counter()
        for text in texts:
            words = WORD.findall(text)
            forms.update(words)
            passages.update({w.lower() for w in words})
        return cls(passages, forms)

    def __add__(self, other: "WordCounts") -> "WordCounts":
        return WordCounts(self.passages + other.passages, self.forms + other.forms)

    def __len__(self) -> int:
        return len(self.passages)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"passages": self.passages, "forms": self.forms},
                                   ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "WordCounts":
        """Raises OSError or ValueError for a file that is not a word count."""
        d = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(d, dict) or not all(
                isinstance(d.get(k), dict) for k in ("passages", "forms")):
            raise ValueError(f"{path}: not a presscon word count")
        return cls(Counter(d["passages"]), Counter(d["forms"]))


def english_frequencies() -> dict[str, int]:
    """Lower-case English words and their frequencies (pyspellchecker's list,
    ~160k words: 0.3 s to read; callers keep what they need of it); empty
    when that package is missing. Spelling correction takes its words,
    remarks' topic cuts (rag/parse/segments.py) its most frequent ones."""
    try:
        from spellchecker import SpellChecker
    except ImportError:  # pragma: no cover - it is a declared dependency
        return {}
    return dict(SpellChecker(distance=1).word_frequency.dictionary)
