"""Does any returned reply address the question closely?

Every question gets its nearest replies; for a question the transcripts do
not answer ("What did China say about the AUKUS pact?" on an index that ends
in 2020) those are only the nearest, and the user must be told. The evidence,
all measured on the search just made:

* the fused score of each hit (hybrid: best-chunk cosine plus the confident
  share of BM25): a hit scoring below CLOSE_SCORE is only near;
* a name in the question (a capitalized word after the first) that no
  passage uses, even after spelling correction: the corpus may never mention
  what is asked about, so a hit must then score NAMED_SCORE (a name alone is
  no proof: a reply often calls a place or person otherwise than the asker);
* a period the question names ("in August 2022") in which the index holds
  no conference: counted as a name not found when it may date the event
  rather than the reply (it raises the bar instead of deciding); when it
  dates the reply (a filter, then left out as it matched nothing), no reply
  is close (search passes ``named`` as infinity, as for a quoted phrase no
  passage holds);
* a pasted phrase found verbatim: the replies holding it are close whatever
  their scores;
* a search kept to one questioner or spokesperson ("What did they tell TASS
  about Putin?"): the scale does not hold, since what is left to rank by
  ("about Putin") is a few words whose best cosine sits below CLOSE_SCORE even
  for the very reply asked about; such a search is judged by names alone, as
  a ranking without scores is (close unless a name is not found).

Both thresholds were chosen by cross-validation on date folds of the corpus
(benchmarks/cv_query.py, benchmarks/cv_close.py; README "Questions the
transcripts do not answer").
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Sequence

from ..index.lexical import LexicalIndex
from ..results import Answer, Hit
from .fusion import PERIOD_BOOST
from .understand import QueryPlan, note_said

if TYPE_CHECKING:  # pragma: no cover
    from ..store import Store

__all__ = ["CLOSE_SCORE", "NAMED_SCORE", "judge", "notice", "answer_notice", "uncovered_period"]

CLOSE_SCORE = 0.52        # hybrid/dense score from which a hit addresses the question
NAMED_SCORE = 0.94        # the same when a name of the question is not found
SCORED = ("hybrid", "dense")   # rankings whose scores are on that scale


def judge(hits: Sequence[Hit], ranking: str, names_not_found: Sequence[str] = (),
          phrase_ids: Sequence[int] = (), threshold: float | None = None,
          named: float | None = None, by_person: bool = False,
          off_topic: "set[int] | Sequence[int]" = (), publisher: str | None = None,
          lifted: str | None = None) -> tuple[list[Hit], bool]:
    """The hits with ``close`` set, and whether any of them is close.
    ``by_person``: the search was kept to a questioner or spokesperson;
    ``off_topic``: of those hits, the ones naming none of the question's names;
    ``publisher``: the one the question asks to hear ("What did China say"):
    another's replies are not its words, so never close; ``lifted``: the
    publisher whose replies the ranking raised by PERIOD_BOOST (the question
    names it): judged on the score they earned, since the thresholds were
    chosen on indexes of one publisher, where nothing is raised so."""
    off = set(off_topic)
    threshold = CLOSE_SCORE if threshold is None else threshold
    if names_not_found:
        threshold = max(threshold, NAMED_SCORE if named is None else named)
    phrase = set(phrase_ids)
    out = []
    for h in hits:
        ids = {h.passage_id, *(c.passage_id for c in h.citations)}
        if publisher and h.publisher != publisher:
            close = False
        elif ids & phrase:
            close = True
        elif ranking in SCORED and not by_person:
            close = h.score - (PERIOD_BOOST if lifted and h.publisher == lifted else 0.0) \
                >= threshold
        else:   # no score scale to judge by: only names count
            close = not names_not_found and h.passage_id not in off
        out.append(h if h.close == close else replace(h, close=close))
    return out, any(h.close for h in out)


def uncovered_period(plan: QueryPlan, lex: LexicalIndex, publisher: str | None = None
                     ) -> tuple[str, ...]:
    """The words of the period ``plan`` read ("August 2022") when no passage
    of ``lex`` (of ``publisher``'s, the one the question asks, if given) is
    dated within it; () otherwise.

    A period that may date the event rather than the reply (a preference:
    "revive the 2015 nuclear deal") does not count when it ends before the
    index's first conference: replies come after the events they answer,
    and briefings of 2021-2025 do answer questions about the 2015 deal."""
    dated = bool(plan.date_from or plan.date_to)
    start, end = (plan.date_from, plan.date_to) if dated else (plan.prefer_from, plan.prefer_to)
    if not (start or end):
        return ()
    if not dated and end is not None and not lex.mask(date_to=end, publisher=publisher).any():
        return ()
    mask = lex.mask(date_from=start, date_to=end, publisher=publisher)
    if mask is None or mask.any():
        return ()
    said = next((w for n in plan.notes if n.startswith(("dates", "preferring"))
                 if (w := note_said(n))), None)
    return (said or f"{start} to {end}",)


def notice(close_match: bool, not_found: Sequence[str],
           date_range: tuple[str | None, str | None], asked_of: str | None = None,
           gaps: Sequence[tuple[str, str]] = ()) -> str | None:
    """The line shown above the nearest replies when none is close
    ("No close match: ..."), naming what was not found and the span of the
    transcripts searched (``date_range``: the index's, or those of the
    publisher the question asked, ``Answer.asked_of``; ``gaps``: its long
    stretches without a conference, Store.gaps); None when a reply is close."""
    if close_match:
        return None
    first, last = date_range
    holes = "".join(f", none between {a} and {b}" for a, b in gaps)
    span = f" ({first} to {last}{holes})" if first and last else ""
    whose = ""
    if asked_of:   # "The White House" -> "of the White House"
        whose = " of " + (asked_of[0].lower() + asked_of[1:] if asked_of.startswith("The ")
                          else f"the {asked_of}")
    if not_found:
        missing = ", ".join(f'"{w}"' for w in not_found)
        return (f"No close match: nothing in the transcripts{whose}{span} for {missing}; "
                "the nearest replies follow.")
    return (f"No close match: no reply in the transcripts{whose}{span} addresses this "
            "closely; the nearest replies follow.")


def answer_notice(answer: "Answer", store: "Store") -> str | None:
    """:func:`notice` for an ``Answer``, over the span and gaps of the
    transcripts it searched (those of the publisher asked, if any)."""
    return notice(answer.close_match, answer.not_found, store.date_range(answer.asked_of),
                  answer.asked_of, store.gaps(answer.asked_of))
