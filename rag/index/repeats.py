"""Repeated replies: near-identical passages grouped once, at ingest time.

Why: spokespeople repeat set lines ("I'm not aware of the situation you
mentioned", the standard paragraph on a dispute) across hundreds of dates. A
search that shows five copies of one sentence wastes the user's slots; one
that drops the copies loses their citations. With groups, search shows one
result that cites every date it was given.

What a group is: the connected components of the graph "two replies are
near-identical" (:func:`same_reply`). Components do not depend on the order in
which passages arrive, so ingesting files one at a time yields the same groups
as ingesting them all at once, and a group's id is its smallest passage id
(so it is a pure function of its membership).

How it stays incremental: triggers (migration 2, rag/store/schema.py) queue every
inserted passage in ``groups_pending`` and mark the group of every deleted
passage in ``groups_dirty``, inside the file's own transaction. After that
transaction commits, :func:`update_groups` drains both queues: a new passage
costs an exact-hash lookup, an indexed look-up of look-alikes (short replies
of a compatible length, or long replies sharing word-shingle sketch keys) and
a few dozen edit-similarity checks at most, never a pass over the corpus; a
dirty group is re-split among its remaining members only. A crash between
the two commits leaves the queues filled and the next ingest finishes the job.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

from rapidfuzz import fuzz

if TYPE_CHECKING:  # pragma: no cover
    from ..store import Store

# Normalized edit similarity (rapidfuzz ``fuzz.ratio``, 0-100) at or above
# which two replies are "the same reply with small edits". Measured on the
# dev corpus (all 8.3M pairs: benchmarks/bench_groups.py --verify). From 85
# up the pairs are set phrases re-used ("I have no information on that and
# refer you to (the) competent authorities": 97), the two translations of the
# 2019-04-29 conference (87-99) and standing positions re-worded by a word or
# two (Meng Wanzhou 89, the Afghan peace process 85-97). From 80 to 85 they
# are rewordings rather than edits (New START 84, clauses re-ordered; "I am
# not aware of what you mentioned" / "I'm not aware of the situation you
# mentioned" 83); below 80, paraphrases ("I'm not aware of that" / "I'm not
# aware of what you said" 79) and template announcements naming other
# visitors (70-88, kept apart by their differing dates as well).
THRESHOLD = 85.0
# Candidate look-alikes per new passage. Replies up to SHORT normalized
# characters are compared with every short reply of a compatible length (word
# shingles are too few to find "I don't have relevant information." from "I
# have no relevant information."). Longer replies are found through a sketch:
# the SKETCH_KEYS smallest hashes of their word SHINGLE-grams, stored in
# group_keys; the CANDIDATES passages sharing the most keys are checked. On
# the dev corpus this finds exactly the groups an all-pairs comparison finds.
SHORT = 160
# Replies of fewer words are never grouped: "Sure.", "Mm-hmm.", "Thank you."
# are a nod, not a set line (a White House briefing says "Sure." dozens of
# times, to as many questions); "I have no information." (4) still groups.
MIN_GROUP_WORDS = 4
SHINGLE = 4
SKETCH_KEYS = 12
KEY_POSTINGS = 50      # a key shared by very many replies only needs a few of them
CANDIDATES = 40
# Near-identical long pairs in the dev corpus share 4 to 12 of the 12 keys;
# unrelated replies that share a stock 4-gram ("the one-China principle and")
# share 1. Two keeps a wide margin and skips ~90% of the edit-distance checks.
MIN_SHARED = 2
# Pending passages handled per transaction: a migrated index groups its whole
# backlog in bounded transactions, so a chat reading meanwhile is not blocked.
BATCH = 200

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "`": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"', "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-",
    "\u2012": "-", "\u2212": "-", "\u00a0": " ", "\u3000": " ",
})
_SPACE_BEFORE_PUNCT = re.compile(r" ([,.;:?!)])")
_SPACED_PUNCT = (" ,", " .", " ;", " :", " ?", " !", " )")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NEGATION = re.compile(r"\b(?:not|no|never|nor|neither|none|nothing|cannot)\b|n't\b")
_WORD = re.compile(r"\w+")


def normalize(text: str) -> str:
    """The text compared for grouping: quotes, dashes, case and spacing folded.

    Curly vs straight quotes and a space before a question mark are typesetting
    (the two translations of 2019-04-29 differ in exactly these), not wording.
    """
    t = " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).lower().split())
    if any(p in t for p in _SPACED_PUNCT):
        t = _SPACE_BEFORE_PUNCT.sub(r"\1", t)
    return t


def norm_hash(normalized: str) -> str:
    return hashlib.sha1(normalized.encode("utf-8")).hexdigest()


def numbers(normalized: str) -> frozenset[str]:
    """The figures in a text, thousands separators dropped ("6,000" == "6000")."""
    return frozenset(n.replace(",", "") for n in _NUMBER.findall(normalized))


def similarity(a: str, b: str) -> float:
    """Normalized edit similarity 0-100 of two replies (after :func:`normalize`)."""
    return float(fuzz.ratio(normalize(a), normalize(b)))


def _numbers_conflict(a: frozenset[str], b: frozenset[str]) -> bool:
    # Each side has a figure the other lacks: a changed fact (other date, other
    # case count, the 15th vs the 16th Expo), not a re-worded set phrase. One
    # side only adding figures (an extra sentence) is still the same reply.
    return bool(a - b) and bool(b - a)


class _Norm:
    """A normalized reply; its figures are extracted only when needed."""

    __slots__ = ("text", "_figures")

    def __init__(self, text: str):
        self.text = text
        self._figures: frozenset[str] | None = None

    @classmethod
    def of(cls, raw: str) -> "_Norm":
        return cls(normalize(raw))

    @property
    def figures(self) -> frozenset[str]:
        if self._figures is None:
            self._figures = numbers(self.text)
        return self._figures


def _negations(normalized: str) -> int:
    return len(_NEGATION.findall(normalized))


def _groupable(n: "_Norm") -> bool:
    return len(n.text.split()) >= MIN_GROUP_WORDS


def _same(a: _Norm, b: _Norm, threshold: float = THRESHOLD) -> bool:
    if not (_groupable(a) and _groupable(b)):
        return False
    if a.text == b.text:
        return True
    if fuzz.ratio(a.text, b.text, score_cutoff=threshold) < threshold:
        return False
    if _numbers_conflict(a.figures, b.figures):
        return False
    # In a one-line reply four characters can flip it: "I'm (not) aware of that."
    # Long replies are judged by their substance; translations of one reply
    # often negate differently ("I don't see how" / "no one can see").
    if min(len(a.text), len(b.text)) <= SHORT and _negations(a.text) != _negations(b.text):
        return False
    return True


def same_reply(a: str, b: str, threshold: float = THRESHOLD) -> bool:
    """True when two replies are the same reply with small edits.

    Edit similarity at or above ``threshold`` on normalized text, and no
    substituted figure (dates, counts): the daily COVID-19 figures share 95%
    of their characters but are different replies.
    """
    return _same(_Norm.of(a), _Norm.of(b), threshold)


# -- maintaining groups ----------------------------------------------------------
@dataclass
class GroupUpdate:
    """What one :func:`update_groups` call did (for benchmarks and logs)."""

    grouped: int = 0       # pending passages given a group
    joined: int = 0        # of those, how many joined an existing group
    regrouped: int = 0     # dirty groups re-split after a deletion


def _window(n: int, threshold: float = THRESHOLD) -> tuple[int, int]:
    """Lengths another normalized reply can have and still reach ``threshold``
    with one of length ``n`` (ratio <= 200 * shorter / (sum of lengths))."""
    f = threshold / (200.0 - threshold)
    return int(n * f) - 1, int(n / f) + 1


def sketch(normalized: str) -> list[int]:
    """Bottom-``SKETCH_KEYS`` hashes of the word 4-grams: two near-identical
    long replies share most 4-grams, so they share some of these keys. CRC32
    is stable across processes and fast; a collision only costs one check."""
    words = _WORD.findall(normalized)
    grams = {" ".join(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    return sorted({zlib.crc32(g.encode("utf-8")) for g in grams})[:SKETCH_KEYS]


def _candidates(store: "Store", pid: int, me: _Norm, h: str, keys: list[int]
                ) -> dict[int, tuple[int, str]]:
    """{passage id: (group id, text)} of grouped passages that may be
    near-identical to ``me`` (text "" for an identical copy).

    Three bounded lookups, none a pass over the corpus: an identical copy (by
    hash); every short reply of a compatible length (short replies share too
    few word 4-grams, and there are few of them); and for a long reply the
    passages sharing the most sketch keys.
    """
    out: dict[int, tuple[int, str]] = {}
    row = store.identical_group(h)
    if row:
        out[row[0]] = (row[1], "")
    lo, hi = _window(len(me.text))
    if lo <= SHORT:
        for q, g, text in store.grouped_by_length(lo, min(hi, SHORT)):
            out.setdefault(q, (g, text))
    if keys:
        shared: dict[int, int] = {}
        for q in store.sharing_keys(keys, lo, hi, KEY_POSTINGS):
            shared[q] = shared.get(q, 0) + 1
        best = [q for q in sorted(shared, key=lambda q: (-shared[q], q))[:CANDIDATES]
                if shared[q] >= MIN_SHARED and q not in out and q != pid]
        for q, g, text in store.grouped_texts(best):
            out[q] = (g, text)
    out.pop(pid, None)
    return out


def _assign(store: "Store", pid: int, text: str) -> bool:
    """Give one passage its group; True when it joined (and maybe merged) groups."""
    me = _Norm.of(text)
    h = norm_hash(me.text)
    n = len(me.text)
    keys = sketch(me.text) if n > SHORT else []
    groups = set()
    found = _candidates(store, pid, me, h, keys) if _groupable(me) else {}
    for g, ctext in found.values():
        if g not in groups and (not ctext or _same(me, _Norm.of(ctext))):
            groups.add(g)
    target = min(groups | {pid})
    if groups:
        store.merge_groups(target, sorted(groups))
    store.put_group(pid, target, h, n, keys)
    return bool(groups)


class DisjointSet:
    """Union-find over 0..n-1 (path halving): the connected components of a
    "near-identical" relation."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)

    def sets(self) -> list[list[int]]:
        """Every component, members ascending, in order of their first member."""
        out: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            out.setdefault(self.find(i), []).append(i)
        return list(out.values())


def components(items: Sequence[tuple[int, str]], threshold: float = THRESHOLD
               ) -> list[list[int]]:
    """Connected components of "near-identical" over (id, text) pairs, each
    sorted by id, components ordered by their smallest id. Identical texts are
    compared once, so a group of 300 copies of one sentence costs nothing."""
    by_text: dict[str, list[int]] = {}
    norms: dict[str, _Norm] = {}
    for pid, text in items:
        n = _Norm.of(text)
        by_text.setdefault(n.text, []).append(pid)
        norms[n.text] = n
    keys = list(by_text)
    ds = DisjointSet(len(keys))
    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            if ds.find(i) != ds.find(j) and _same(norms[keys[i]], norms[keys[j]], threshold):
                ds.union(i, j)
    comps = [sorted(pid for i in members for pid in by_text[keys[i]]) for members in ds.sets()
             if _groupable(norms[keys[members[0]]])]
    # copies of a reply too short to group stay one apiece
    comps += [[pid] for t in keys if not _groupable(norms[t]) for pid in by_text[t]]
    return sorted(comps, key=lambda c: c[0])


def _resplit(store: "Store", gid: int) -> None:
    rows = store.group_texts(gid)
    for comp in components(rows):
        if comp[0] != gid or len(comp) != len(rows):
            store.move_to_group(comp[0], comp)


def update_groups(store: "Store", batch: int = BATCH) -> GroupUpdate:
    """Drain the queues the passage triggers filled: re-split groups that lost
    members, then group new passages. Cheap when the queues are empty (the
    common case of an unchanged file), so callers may call it freely."""
    stats = GroupUpdate()
    if not store.groups_queued():
        return stats
    while True:
        with store.write():
            for gid in store.take_dirty_groups():
                _resplit(store, gid)
                stats.regrouped += 1
            todo = store.pending_passages(batch)
            for pid, text in todo:
                stats.joined += _assign(store, pid, text)
            # at the end, queued ids whose passage is gone leave with the rest
            store.unqueue(None if len(todo) < batch else [pid for pid, _ in todo])
            stats.grouped += len(todo)
        if len(todo) < batch:
            return stats


def rebuild_groups(store: "Store") -> GroupUpdate:
    """Forget all groups and group every passage again (after a threshold change)."""
    with store.write():
        store.reset_groups()
    return update_groups(store)


def duplicate_slots(texts: Iterable[str], threshold: float = THRESHOLD) -> int:
    """How many of a ranked list are near-identical to a higher-ranked entry
    (the "wasted slots" measure used for the before/after report)."""
    seen: list[_Norm] = []
    dup = 0
    for t in texts:
        n = _Norm.of(t)
        if any(_same(n, s, threshold) for s in seen):
            dup += 1
        seen.append(n)
    return dup
