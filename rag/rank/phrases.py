"""Pasted quotes: a run of a reply's own words is matched as a phrase.

A sentence copied from a reply is the strongest evidence a question can
carry, and the one BM25 and the dense side both blur (the lexical side is
even gated down when its words are common ones: "I have no information to
offer to you at this point"). A phrase in double quotes, or a whole question
of PASTE_MIN_WORDS words or more, is looked up as an FTS5 phrase in the
replies; the replies that contain it come first (ordered among themselves
by the usual fused score), whatever else ranks.
"""
from __future__ import annotations

import re
from typing import Mapping, Sequence

__all__ = ["quoted_spans", "pasted_phrases", "outside_quotes", "prefer_phrases", "verbatim",
           "shingles", "nearly_holds", "may_be_a_quote", "PASTE_MIN_WORDS", "PASTE_MAX_WORDS",
           "QUOTE_MIN_WORDS", "PHRASE_BOOST", "NEAR_MIN_WORDS"]

PASTE_MIN_WORDS = 6    # an unquoted question this long may be a pasted sentence
PASTE_MAX_WORDS = 60   # longer is a pasted paragraph: its sentences would each be phrases
QUOTE_MIN_WORDS = 2    # "Meng Wanzhou" in quotes is a phrase; one quoted word is a word
PHRASE_BOOST = 1.0     # above any fused score (cosine <= 1 plus at most 0.3 + boosts)

_QUOTE = re.compile(r'"([^"]+)"|“([^”]+)”')
_WORD = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s+")
EXACT_BOOST = 0.5      # a verbatim container above one matching word for word only


def quoted_spans(question: str) -> list[tuple[int, int]]:
    """(start, end) of each double-quoted part, quotes included."""
    return [m.span() for m in _QUOTE.finditer(question)]


def phrase_words(text: str) -> list[str]:
    """The words FTS5 would see (it drops punctuation itself)."""
    return _WORD.findall(text)


# A quote typed with its contractions spelt out ("we do not", "they are")
# or put in ("don't") where the transcript has the other: FTS5 splits
# "don't" into "don" + "t", so each is a run of words the other is not.
_NOT = {"do": "don", "does": "doesn", "did": "didn", "is": "isn", "are": "aren", "was": "wasn",
        "were": "weren", "have": "haven", "has": "hasn", "had": "hadn", "would": "wouldn",
        "could": "couldn", "should": "shouldn", "will": "won", "must": "mustn", "can": "can"}
_FULL = {short: full for full, short in _NOT.items()}   # "don" -> "do", "won" -> "will"
_PRONOUNS = {"i", "we", "you", "they", "he", "she", "it", "that", "there", "who", "what"}
_SHORT = {"are": ("re", {"we", "you", "they", "who", "what"}), "am": ("m", {"i"}),
          "have": ("ve", {"i", "we", "you", "they", "would", "could", "should", "might",
                          "must", "who"}),
          "will": ("ll", _PRONOUNS), "is": ("s", {"it", "that", "there", "what", "here",
                                                  "who", "where", "how"}),
          "us": ("s", {"let"})}
#: at most this many spellings of one phrase are looked up
MAX_FORMS = 8


def contraction_forms(words: Sequence[str]) -> list[list[str]]:
    """``words`` as typed, then with each contraction spelt the other way
    ("we do not have" -> "we don t have", "don t" -> "do not"), at most
    MAX_FORMS: the spellings of one quote a transcript may hold."""
    options: list[list[list[str]]] = []   # per step: the ways to write what stands there
    i = 0
    low = [w.lower() for w in words]
    while i < len(words):
        a, b = low[i], low[i + 1] if i + 1 < len(words) else None
        if a == "cannot":                                  # "cannot" / "can t"
            options.append([[words[i]], ["can", "t"]])
            i += 1
            continue
        if a == "can" and b == "t":
            options.append([[words[i], words[i + 1]], ["cannot"]])
        elif b == "not" and a in _NOT:                     # "do not" / "don t"
            options.append([[words[i], words[i + 1]], [_NOT[a], "t"]])
        elif b == "t" and a in _FULL:                      # "don t" / "do not"
            options.append([[words[i], words[i + 1]], [_FULL[a], "not"]])
        elif b in _SHORT and a in _SHORT[b][1]:            # "they are" / "they re"
            options.append([[words[i], words[i + 1]], [words[i], _SHORT[b][0]]])
        elif b and a in _PRONOUNS | {"let", "would", "could", "should", "might", "must"} and \
                (long := next((k for k, (short, before) in _SHORT.items()
                               if short == b and a in before), None)):
            options.append([[words[i], words[i + 1]], [words[i], long]])   # "they re" / "they are"
        else:
            options.append([[words[i]]])
            i += 1
            continue
        i += 2
    forms: list[list[str]] = [[]]
    for choice in options:
        forms = [f + c for f in forms for c in choice][:MAX_FORMS]
    return forms


def pasted_phrases(question: str) -> list[tuple[str, list[str]]]:
    """The phrases to look up, as typed and as words: each quoted part of
    QUOTE_MIN_WORDS or more words; else the whole question when it is
    PASTE_MIN_WORDS..PASTE_MAX_WORDS words."""
    quoted = [(m.group(1) or m.group(2)).strip() for m in _QUOTE.finditer(question)]
    found = [(q, phrase_words(q)) for q in quoted if len(phrase_words(q)) >= QUOTE_MIN_WORDS]
    if found or quoted:
        return found
    words = phrase_words(question)
    return [(question.strip(), words)] if PASTE_MIN_WORDS <= len(words) <= PASTE_MAX_WORDS \
        else []


def verbatim(phrases: Sequence[str], texts: Mapping[int, str]) -> list[int]:
    """Passages whose text holds one of ``phrases`` character for character
    (whitespace collapsed): above those FTS5 matched only word for word
    ("opening-up" for "opening up", a sentence's final full stop)."""
    wanted = [_SPACE.sub(" ", p).strip() for p in phrases]
    return [pid for pid, text in texts.items()
            if any(w and w in _SPACE.sub(" ", text) for w in wanted)]


#: A pasted sentence this long that no reply holds word for word may be a
#: quote cleaned up ("during — during the time" quoted as "during the time",
#: a lead clause cut): a reply holding most of its runs of SHINGLE words
#: (NEAR_SHARE of them) holds it nearly, and comes first as a container does.
#: A word left out breaks the SHINGLE - 1 runs across it: runs of 3 leave an
#: 8-word quote 4 of its 6.
NEAR_MIN_WORDS = 8
SHINGLE = 3
NEAR_SHARE = 0.6


_ASKS = re.compile(r"^\W*(?:what|when|where|why|how|who|whom|which|whose|did|does|do|is|are|was|"
                   r"were|has|have|had|will|would|can|could|should|may|might|tell|show|find)\b",
                   re.I)


def may_be_a_quote(text: str, quoted: bool) -> bool:
    """Worth a near-verbatim look-up: a quoted phrase, or an unquoted one
    that is no question ("... rise by $2.00 per gallon."; not "What did
    Kirby say about ...?"), which keeps its cost off ordinary questions."""
    return quoted or not (text.rstrip().endswith("?") or _ASKS.match(text))


def shingles(words: Sequence[str], n: int = SHINGLE) -> list[tuple[str, ...]]:
    """Every run of ``n`` consecutive words, lower case, in order, once."""
    low = [w.lower() for w in words]
    return list(dict.fromkeys(tuple(low[i:i + n]) for i in range(len(low) - n + 1)))


def nearly_holds(words: Sequence[str], texts: Mapping[int, str],
                 share: float = NEAR_SHARE) -> list[int]:
    """Passages (of ``texts``) holding at least ``share`` of the runs of
    ``words``: the quote with a stutter or a clause left out."""
    runs = shingles(words)
    if not runs:
        return []
    out = []
    for pid, text in texts.items():
        have = set(shingles(phrase_words(text)))
        if sum(r in have for r in runs) >= share * len(runs):
            out.append(pid)
    return sorted(out)


def outside_quotes(question: str) -> str:
    """The question without its quoted parts (what query understanding may
    read); "" for a question with no quotes, all of it a pasted sentence."""
    if not _QUOTE.search(question):
        return ""
    return re.sub(r"\s+", " ", _QUOTE.sub(" ", question)).strip()


def prefer_phrases(scores: Mapping[int, float], containers: Sequence[int],
                   exact: Sequence[int] = (), boost: float = PHRASE_BOOST) -> dict[int, float]:
    """Replies that contain the pasted phrase first, verbatim ones (``exact``)
    before those: raised by ``boost`` (added with that alone when no side
    found them), and by EXACT_BOOST more."""
    out = dict(scores)
    exact = set(exact)
    for pid in containers:
        out[pid] = out.get(pid, 0.0) + boost + (EXACT_BOOST if pid in exact else 0.0)
    return out
