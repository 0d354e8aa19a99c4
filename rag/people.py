"""One display name per person across an index.

A briefing names an official as its title line or an introduction does, else
by the label's surname ("DR. FAUCI:" with nobody introducing him is "Fauci"),
so one index holds "Fauci" from some briefings and "Anthony Fauci" from
others, "Jen Klein" and "Jennifer Klein", "Jha" and "Ashish Jha". Each
conference is parsed on its own (its result must not depend on which others
were ingested first), so the names are joined where they are read: the store
shows every stored form of a person under one display name, and a filter on
that name matches them all.
"""
from __future__ import annotations

import functools
import re
from typing import Iterable

__all__ = ["name_words", "same_person", "display_names"]

#: Words before a name that are not part of it ("Dr. Fauci", "Secretary Mayorkas").
TITLES = frozenset("""mr mrs ms miss dr doctor secretary ambassador admiral general
spokesperson spokesman spokeswoman press administrator director mayor senator governor
deputy vice adviser advisor coordinator chair""".split())


def name_words(name: str) -> list[str]:
    """The words of a person's name, case folded, titles and punctuation left out."""
    return [w for w in re.sub(r"[.,]", " ", name).casefold().split() if w not in TITLES]


@functools.cache
def _nicknamer():
    """The nicknames package's curated English given names and their short
    forms ("Liz" of Elizabeth, "Tony" of Anthony): loaded (~60 ms) only when
    two first names differ."""
    from nicknames import NickNamer
    return NickNamer()


def _first_names_fit(a: str, b: str) -> bool:
    """One person's first name in two forms: the same, one the start of the
    other ("Jen" / "Jennifer"), or a nickname of it ("Liz" / "Elizabeth")."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 3 and long_.startswith(short):
        return True
    names = _nicknamer()
    return b in names.nicknames_of(a) or a in names.nicknames_of(b)


def _given_fit(mine: list[str], theirs: list[str]) -> bool:
    """Given names that may be one person's: one set inside the other, initials
    optional ("Vivek H. Murthy" / "Vivek Murthy"), first names that fit."""
    a = [w for w in mine if len(w) > 1]
    b = [w for w in theirs if len(w) > 1]
    if not a or not b:
        return True
    if not _first_names_fit(a[0], b[0]):
        return False
    return set(a[1:]) <= set(b[1:]) or set(b[1:]) <= set(a[1:])


def same_person(a: str, b: str) -> bool:
    """Whether two stored names can be one person: the same surname (last
    word) and given names that fit. A title standing for a person ("The
    President") is nobody's other name."""
    wa, wb = name_words(a), name_words(b)
    if not wa or not wb or wa[-1] != wb[-1] or "the" in (wa[0], wb[0]):
        return False
    return _given_fit(wa[:-1], wb[:-1])


def display_names(counts: Iterable[tuple[str, int]]) -> dict[str, str]:
    """stored name -> display name, for the stored names that are shown as
    another (absent: shown as stored). ``counts``: (name, passages) pairs.

    Full names of a surname join when every pair fits; a surname alone joins
    them only when they are one person ("Klein" beside "Jennifer Klein" and
    "Ron Klein" stays "Klein"). The display name is the fullest form, then
    the most used."""
    used = {n: c for n, c in counts if n and n.strip()}
    by_surname: dict[str, list[str]] = {}
    for name in used:
        words = name_words(name)
        if words and words[0] != "the":
            by_surname.setdefault(words[-1], []).append(name)
    out: dict[str, str] = {}
    for names in by_surname.values():
        if len(names) < 2:
            continue
        # fullest first: the first of each cluster is its display name
        names.sort(key=lambda n: (-len(name_words(n)), -len(n), -used[n], n))
        clusters: list[list[str]] = []
        bare = [n for n in names if len(name_words(n)) == 1]
        for name in (n for n in names if len(name_words(n)) > 1):
            for cluster in clusters:
                if all(same_person(name, other) for other in cluster):
                    cluster.append(name)
                    break
            else:
                clusters.append([name])
        if len(clusters) == 1:
            clusters[0].extend(bare)
        elif not clusters:
            clusters.append(bare)   # "Fauci" and "FAUCI": one spelling shown
        for cluster in clusters:
            for name in cluster[1:]:
                out[name] = cluster[0]
    return out
