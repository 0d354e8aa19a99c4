"""Hurried typing: query words the index never uses, corrected against the
index's own vocabulary.

Only a word absent from the index (neither the word nor its stem occurs in
any passage), not a stopword and not an English word (pyspellchecker's word
list: "lenders" is not a typo of "leaders" because the transcripts never
speak of lenders) is a candidate; a word the index knows is never changed. Its correction is the nearest frequent-enough index word by
optimal string alignment (a swap of two neighbouring letters is one edit),
a name (a word the transcripts mostly capitalize) first when the typed word
is capitalized, then the most frequent. A word still absent after that is
"not found": evidence that the index does not cover the question (a name
the corpus never mentions), see rag/rank/closeness.py.

Settings chosen by cross-validation on date folds of the corpus
(benchmarks/cv_query.py): vocabulary from the other folds, the held-out
reporters' questions with two letters swapped in their two longest words.
"""
from __future__ import annotations

import copy
import functools
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Container, Iterable, Sequence

from ..index.tokenize import STOPWORDS, tokens
from ..index.words import WORD, WordCounts, english_frequencies
from .phrases import quoted_spans

__all__ = ["Vocabulary", "Correction", "MIN_COUNT", "MIN_LENGTH", "max_edits", "unknown_words",
           "english_words"]

MIN_COUNT = 1     # passages a word must occur in to be offered as a correction
MIN_LENGTH = 5    # shorter words are left as typed: one edit away from too many others
LONG_WORD = 10    # from this length two edits are allowed, below it one



@functools.lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lower-case English words (rag/index/words.english_frequencies); empty
    when pyspellchecker is missing, so that then only the index's own
    vocabulary decides."""
    return frozenset(english_frequencies())


def max_edits(word: str, long_word: int | None = None) -> int:
    return 2 if len(word) >= (LONG_WORD if long_word is None else long_word) else 1


def unknown_words(question: str, known: Callable[[str], bool]) -> list[str]:
    """Content words of ``question`` whose index tokens ``known`` rejects
    (e.g. ``lambda t: lexical.document_frequency(t) > 0``): when there are
    none, no vocabulary needs to be read."""
    return [w for w in WORD.findall(question) if len(w) >= 3 and w.lower() not in STOPWORDS
            and not any(known(t) for t in tokens(w.lower()))]


@dataclass(frozen=True)
class Correction:
    """A question as searched: its corrected text, the words changed and the
    content words the index does not know even after correction."""
    text: str
    changes: tuple[tuple[str, str], ...] = ()
    not_found: tuple[str, ...] = ()
    names_not_found: tuple[str, ...] = ()   # of those, the capitalized ones (names)


class Vocabulary:
    """The words of an index's passages: how many passages use each (lower
    case), how it is usually written, and their stems."""

    def __init__(self, texts: "WordCounts | Iterable[str]", *, min_count: int = MIN_COUNT,
                 min_length: int = MIN_LENGTH, long_word: int = LONG_WORD,
                 english: Container[str] = frozenset(), guarded: bool | str = False):
        """``texts``: the passages' texts, or their words already counted
        (the lexical snapshot keeps them, rag/index/words.py)."""
        words = texts if isinstance(texts, WordCounts) else WordCounts.from_texts(texts)
        counts, forms = words.passages, words.forms
        self.counts = counts
        # the usual spelling: "Huawei", "extradition"
        self.display: dict[str, str] = {}
        capital: Counter[str] = Counter()
        for form, n in forms.items():
            low = form.lower()
            if form[:1].isupper():
                capital[low] += n
            best = self.display.get(low)
            if best is None or n > forms[best]:
                self.display[low] = form
        total: Counter[str] = Counter()
        for form, n in forms.items():
            total[form.lower()] += n
        # a name: mostly written with a capital (sentence starts make up the rest)
        self.names = {w for w, n in capital.items() if n >= 0.6 * total[w]}
        self.stems = {t for w in counts for t in tokens(w)}
        self.english = english    # real words the index lacks: not found, never "corrected"
        self.guarded = guarded
        self.min_length = min_length
        self.long_word = long_word
        self._choices = [w for w, n in counts.items() if n >= min_count and len(w) >= 3]

    def tuned(self, *, min_count: int, min_length: int, long_word: int,
              english: Container[str], guarded: bool | str = False) -> "Vocabulary":
        """The same words under other settings (cross-validation tries many)."""
        other = copy.copy(self)
        other.min_length, other.long_word, other.english = min_length, long_word, english
        other.guarded = guarded
        other._choices = [w for w, n in self.counts.items() if n >= min_count and len(w) >= 3]
        return other

    def __len__(self) -> int:
        return len(self.counts)

    def known(self, word: str) -> bool:
        low = word.lower()
        return low in self.counts or any(t in self.stems for t in tokens(low))

    def nearest(self, word: str) -> str | None:
        """The index word a mistyped ``word`` most likely meant, or None."""
        from rapidfuzz import process
        from rapidfuzz.distance import OSA
        low = word.lower()
        limit = max_edits(low, self.long_word)
        found = process.extract(low, self._choices, scorer=OSA.distance,
                                score_cutoff=limit, limit=20)
        if not found:
            return None
        capitalized = word[:1].isupper()
        if self.guarded:
            # typists rarely miss the first letter, and a name stays a name
            # ("Tinto" is not "tint", "Razak" not "Kazak")
            found = [c for c in found if (self.guarded == "names" or c[0][:1] == low[:1])
                     and (not capitalized or c[0] in self.names)]
            if not found:
                return None
        best = min(found, key=lambda c: (c[1], (c[0] in self.names) != capitalized,
                                         -self.counts[c[0]], c[0]))
        return best[0]

    def correct(self, question: str, keep: Sequence[tuple[int, int]] = ()) -> Correction:
        """``question`` with each unknown word of MIN_LENGTH letters or more
        replaced by its nearest index word (spelled as the typist did: a name
        as the transcripts write it, other words in the typed case). Words in
        the ``keep`` spans (a person's name as mistyped, read as that person)
        are left as typed, like quoted ones."""
        out: list[str] = []
        changes: list[tuple[str, str]] = []
        missing: list[str] = []
        names: list[str] = []
        last = 0
        quoted = [*quoted_spans(question), *keep]   # a quoted word is searched as typed
        for m in WORD.finditer(question):
            word = m.group(0)
            if any(a <= m.start() < b for a, b in quoted):
                continue
            low = word.lower()
            if len(word) < 3 or low in STOPWORDS or self.known(word):
                continue
            new = self.nearest(word) if len(word) >= self.min_length \
                and low not in self.english else None
            if new is None:
                missing.append(word)
                # a capital inside the question (not its first word) marks a name
                if word[:1].isupper() and question[:m.start()].strip():
                    names.append(word)
                continue
            shown = self.display.get(new, new)
            if shown.isupper() and not word.isupper() and len(shown) > 1:
                # a name written most often as a turn label ("MR. KIRBY:"): in
                # the case the user types it ("Kirbyy" -> "Kirby", not "KIRBY")
                shown = shown.capitalize()
            if new not in self.names:
                shown = new.upper() if word.isupper() else \
                    new.capitalize() if word[:1].isupper() else new
            out.append(question[last:m.start()] + shown)
            last = m.end()
            changes.append((word, shown))
        out.append(question[last:])
        return Correction("".join(out), tuple(changes), tuple(dict.fromkeys(missing)),
                          tuple(dict.fromkeys(names)))
