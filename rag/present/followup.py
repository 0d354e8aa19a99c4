"""A follow-up question in the chat: "What about masks?", "And in 2022?",
"How about Kirby?" asked after "What did Psaki say about vaccines between
March and May 2021?".

A question asked on its own gets only its own filters (those the last
question's words set are cleared). A follow-up keeps what it does not say
again: the spokesperson, outlet and dates the question before read, and,
when it names no topic of its own ("And in 2022?"), that question's topic;
and the publisher it asked ("What did China say about vaccines?" then "What
about masks?": China's replies), unless it names one itself.
The chat says so above the answer, so it can be undone by asking in full.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from ..index.tokenize import STOPWORDS, tokens
from ..rank.understand import note_said

if TYPE_CHECKING:  # pragma: no cover
    from ..rank.understand import QueryPlan

__all__ = ["FollowUp", "follow_up", "FILTERS"]

#: the filters a follow-up may keep from the question before, in the order of
#: the chat's controls
FILTERS = ("questioner", "spokesperson", "date_from", "date_to")
# "what about ...", "how about ...", "and ...", "and what about ..."
_FOLLOW_UP = re.compile(r"^\s*(?:and\s+)?(?:(?:what|how)\s+about|and)\s+(?P<rest>\S.*)$", re.I)
#: longer than this, a question starting "And ..." is a question of its own
MAX_WORDS = 8


@dataclass(frozen=True)
class FollowUp:
    """What a follow-up searches: ``question`` (its own words, or the topic
    before with its own), keeping the filters ``keep`` from the question before."""

    question: str
    keep: tuple[str, ...]
    topic_kept: bool          # the question before's topic was searched again
    # with the topic kept, the filters the follow-up's own words name ("in 2022",
    # "Kirby"), which its text (the topic before) no longer holds
    filters: dict
    # a publisher the follow-up names ("And the White House?"): the one the
    # question before asked is not kept; with the topic kept, it is the one asked
    publisher: str | None = None


def _publisher_words(plan: "QueryPlan") -> set[str]:
    """The tokens of the publisher's name ``plan`` read ("Beijing", "White House")."""
    return {t for n in plan.notes if n.startswith("publisher") and (said := note_said(n))
            for t in tokens(said)}


def follow_up(question: str, previous: str | None,
              understand: Callable[[str], "QueryPlan"]) -> FollowUp | None:
    """``question`` read as a follow-up of ``previous`` (the question asked
    before, as searched), or None when it is a question of its own.
    ``understand`` reads a question's filters (``Retriever.understand``)."""
    if not previous:
        return None
    m = _FOLLOW_UP.match(question)
    if not m or len(question.split()) > MAX_WORDS:
        return None
    rest = m["rest"].strip().rstrip("?.! ")
    now = understand(question)
    named = _publisher_words(now)   # who is asked, not a topic ("And the White House?")
    topic = [w for w in tokens(now.text) if w not in STOPWORDS and w not in named]
    if re.fullmatch(r"(?:[A-Z][\w'’-]+\s*){1,3}", rest) and not now.filters:
        # "What about Kirby?", "What about AFP?": a name alone is who spoke or who
        # asked, if the index has them
        for asked in (f"What did {rest} say?", f"What did they tell {rest}?"):
            as_name = understand(asked)
            if as_name.spokesperson or as_name.questioner:
                now, topic = as_name, []
                break
    said = set(now.filters)
    if now.date_from or now.date_to or now.prefer_from:
        # a period of its own, even one only preferred, replaces the one before, whole
        said |= {"date_from", "date_to"}
    keep = tuple(key for key in FILTERS if key not in said)
    own_publisher = now.prefer_publisher
    if topic:
        return FollowUp(question, keep, False, {}, own_publisher)
    # "And in 2022?": the question before's topic (its words without the filters
    # it read, and without "what did ... say about") with the filters these words name
    before = understand(previous)
    # asked of another publisher ("And the White House?" after "What did Beijing
    # say ..."): the name of the one asked before is no part of the topic
    gone = _publisher_words(before) if own_publisher else set()
    words = [w for w in re.findall(r"[\w'’-]+", before.text) if w.lower() not in STOPWORDS
             and not (gone and set(tokens(w)) <= gone)]
    text = before.text
    return FollowUp(" ".join(words) or text, keep, True, dict(now.filters), own_publisher)
