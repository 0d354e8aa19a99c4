"""A spokesperson the question names whom the index does not know.

"What did Wang Wenbin say about ..." on an index of 2018-2020 briefings
cannot become a spokesperson filter (understand.py reads only names the index
knows), and silently answering with other officials' replies misleads: the
user gets a note naming who the index does have.
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from ..people import name_words as _words, same_person

__all__ = ["SAY", "asked_about", "unknown_spokesperson", "speaker_names", "near_spokesperson",
           "mistyped_part", "resolve_person", "nearest_names", "nearest_note"]

# Verbs of saying: a name or an office before one is the speaker ("did Kirby say"),
# a period right after one ("tell AFP in May 2020") dates the reply.
SAY = re.compile(r"\b(?:say|says|said|saying|tell|tells|told|answer(?:s|ed|ing)?|respond(?:s|ed)?|"
                 r"react(?:s|ed)?|comment(?:s|ed)?|announce(?:s|d)?|state(?:s|d)?|repl(?:y|ied|ies)|"
                 r"remark(?:s|ed)?|stress(?:es|ed)?|explain(?:s|ed)?|ask(?:s|ed)?|describe(?:s|d)?|"
                 r"den(?:y|ied|ies)|urge(?:s|d)?|warn(?:s|ed)?|insist(?:s|ed)?|confirm(?:s|ed)?)\b", re.I)
_TITLES = (r"(?:Secretary|Ambassador|Administrator|Admiral|General|Director|Governor|Senator|Mayor|"
           r"Commissioner)")
# a capitalized word, double-barrelled too ("Thomas-Greenfield", "Jean-Pierre")
_WORD = r"[A-Z][a-z'’]+(?:-[A-Za-z][a-z'’]+)*"
_NAME = rf"((?:{_WORD}\s+){{0,2}}{_WORD})"
_CUES = (
    re.compile(rf"\bspokes(?:person|man|woman)\s+{_NAME}"),
    re.compile(rf"\b(?:Mr|Ms|Mrs|Dr)\.?\s+{_NAME}"),
    # a title before a surname ("Secretary Blinken", "Ambassador Rice"): a person
    re.compile(rf"\b{_TITLES}\s+{_NAME}"),
    # not after "of": "the chair of the Council of Economic Advisers say" names an office
    re.compile(rf"(?<!\bof\s)\b{_NAME}(?:['’]s)?\s+(?:say|said|says|tell|told|answer|answered|reply|replied|"
               r"respond|responded|comment|commented|announce|announced|state|stated)\b"),
)
# capitalized words that start questions or name institutions, not people
_NOT_NAMES = frozenset("""What When Where Why How Who Which Did Does Do Has Have Had Is Are Was
Were Will Would Can Could Should China Chinese Beijing Ministry Foreign Spokesperson
The US U.S. America American Washington Japan Russia India Taiwan Hong Kong White House
President Premier Minister Secretary State Government Embassy Council Department Office
Agency Committee Commission Board Bureau Service Administration Advisers Advisors Senate Congress
Court Pentagon General Admiral Ambassador Governor Senator Mayor Director Administrator""".split())


def speaker_names(question: str, *, single: bool = False) -> list[tuple[str, tuple[int, int]]]:
    """(name, span) of each person the question presents as the one who spoke
    ("did Wang Wenbin say", "spokesperson Zhao", "Dr. Jha's answer"). A lone
    word before a verb of saying only with ``single`` ("did Trump say" is as
    often a leader as a spokesperson)."""
    out = []
    for cue in _CUES:
        for m in cue.finditer(question):
            words = [w for w in m.group(1).split() if w not in _NOT_NAMES]
            if not words or (cue is _CUES[-1] and len(words) < 2 and not single):
                continue
            # "did the Coast Guard say": a body, not a person; nor is its last
            # word alone ("Guard") when the run it ends was passed over
            before = question[:m.start(1)]
            if cue is _CUES[-1] and (re.search(r"\bthe\s+$", before, re.I)
                                     or (len(words) < 2 and re.search(r"[A-Z]\w*\s+$", before))):
                continue
            out.append((" ".join(words), m.span(1)))
    return out


_ASKING = re.compile(r"(?:^|\b(?:did|does|do|has|have|had|will|would|can|could|was|is|were|"
                     rf"according\s+to)\s)\s*(?:the\s+)?(?:(?:Mr|Ms|Mrs|Dr)\.?\s+|{_TITLES}\s+)?$",
                     re.I)
_ANSWER_NOUN = re.compile(r"['’]s\s+(?:own\s+)?(?:answer|response|reply|remarks?|comments?|view|"
                          r"position|explanation|words)\b", re.I)


def asked_about(question: str, span: tuple[int, int]) -> bool:
    """Is the speaker at ``span`` the one whose words are asked for ("What did
    Kirby say", "according to the NEC director", "the FEMA administrator's
    answer"), not one the question only quotes ("How did China respond after
    Mike Pompeo said ...")?"""
    return bool(_ASKING.search(question[:span[0]]) or _ANSWER_NOUN.match(question, span[1]))


def unknown_spokesperson(question: str, spokespersons: Iterable[str]) -> str | None:
    """A person's name the question presents as the one whose words are asked
    for when no spokesperson of the index has it (full name or surname); None
    otherwise."""
    known = [s.casefold() for s in spokespersons if s]
    parts = {p for s in known for p in re.split(r"[\s-]+", s)}
    for name, span in speaker_names(question):
        words = re.split(r"[\s-]+", name)   # "Sherwood Randall" is a part of "Sherwood-Randall"
        if name.casefold() in known or any(w.casefold() in parts for w in words) \
                or not asked_about(question, span):
            continue
        return name
    return None


#: How alike (0-100: rapidfuzz's edit ratio, or its word-set ratio for a name
#: given in part) a name in a question must be to a spokesperson's to be read
#: as theirs ("Jen Psaky", "Sherwood Randall", "Karine"), and by how much it
#: must beat the next name.
NEAR_NAME = 88
NEAR_NAME_MARGIN = 5


def near_spokesperson(question: str, spokespersons: Sequence[str]
                      ) -> tuple[str, tuple[int, int], str] | None:
    """(spokesperson, span, as typed) for a name the question presents as the
    speaker that is close to one spokesperson's and to no other's: a typo
    ("Jen Psaky"), a missing hyphen ("Sherwood Randall"), a first name alone
    ("What did Karine say")."""
    from rapidfuzz import fuzz
    from rapidfuzz.distance import OSA

    from .spelling import english_words

    def plain(name: str) -> str:
        return " ".join(_words(name.replace("-", " ")))

    def likeness(typed: str, name: str) -> float:
        t, n = plain(typed), plain(name)
        best = max(fuzz.ratio(t, n), fuzz.token_set_ratio(t, n))   # "Karine", "Sherwood Randall"
        if " " not in t:   # one word: a surname or first name mistyped ("Kirbyy")
            best = max([best, *(fuzz.ratio(t, w) for w in n.split() if len(w) >= 3)])
            # one letter off a surname of 5 or more ("Psaky": an edit ratio of
            # only 80) when the word is no English one ("Price" is not "Rice")
            if best < NEAR_NAME and len(t) >= 5 and t not in english_words() and any(
                    OSA.distance(t, w) <= 1 for w in n.split() if len(w) >= 5):
                best = NEAR_NAME
        tw, nw = t.split(), n.split()
        if len(tw) >= 2 and len(nw) >= 2 and tw[0] == nw[0] and len(nw[-1]) >= 5 \
                and OSA.distance(tw[-1], nw[-1]) <= 2:
            # the first name as the index has it and a surname two letters off
            # ("Jen Psakey"): that person
            best = max(best, NEAR_NAME)
        return best

    names = [n for n in spokespersons if n and not n.lower().startswith("the ")]
    for typed, span in speaker_names(question, single=True):
        ranked = sorted(((likeness(typed, n), n) for n in names), reverse=True)[:2]
        if not ranked or ranked[0][0] < NEAR_NAME:
            continue
        if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < NEAR_NAME_MARGIN:
            continue
        return ranked[0][1], span, typed
    return None


def resolve_person(name: str, stored: Iterable[str]) -> str | None:
    """The stored spokesperson ``name`` means: the same name in any case, else
    the one name that its words (titles left out) contain or are contained
    in: "Dr. Fauci" is "Anthony Fauci", "Kirby" is "John Kirby".
    None when no stored name, or more than one, fits."""
    stored = [s for s in stored if s]
    want = " ".join(name.split()).casefold()
    for s in stored:
        if s.casefold() == want:
            return s
    mine = set(_words(name))
    if not mine:
        return None
    fits = [s for s in stored if (theirs := set(_words(s))) and (theirs <= mine or mine <= theirs)
            or same_person(name, s)]   # "Jen Klein" is the index's "Jennifer Klein"
    return fits[0] if len(fits) == 1 else None


def nearest_names(name: str, stored: Iterable[str], limit: int = 3) -> list[str]:
    """The stored names most like ``name`` (for "did you mean"), best first."""
    from rapidfuzz import fuzz, process
    found = process.extract(name, list(stored), scorer=fuzz.WRatio, limit=limit, score_cutoff=60)
    return [match for match, _, _ in found]


def nearest_note(name: str, stored: Iterable[str]) -> str:
    """"nearest: 'Jen Psaki'" (or "none is close") for an error naming nobody."""
    near = nearest_names(name, stored)
    return ("nearest: " + ", ".join(repr(n) for n in near)) if near else "none is close"


def mistyped_part(word: str, name: str) -> bool:
    """``word`` is a part of ``name`` as typed in a hurry ("Gen" of Geng
    Shuang, "Huaa" of Hua Chunying): one of its words, one edit away."""
    from rapidfuzz.distance import OSA
    low = word.lower()
    return any(OSA.distance(low, part) <= 1 for part in _words(name.replace("-", " ")))
