"""A question -> an :class:`Answer`: checks, query understanding, candidates,
fusion, a preferred period, and repeated replies collapsed."""
from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re
from dataclasses import dataclass, replace
from typing import Any, Sequence

from ..errors import PressconError
from ..index.lexical import LexicalIndex
from ..index.live import LiveIndex
from ..index.tokenize import STOPWORDS, query_terms, tokens
from ..index.words import WordCounts
from ..parse import valid_text
from ..parse.records import FUTURE_SLACK
from ..parse.registry import (OUTLET_ALIASES, publisher_names, resolve_outlet,
                              resolve_publisher)
from ..results import Answer, Hit
from ..store import Store
from .candidates import Candidates, Query
from .closeness import judge, uncovered_period
from .collapse import collapse_repeats, plain_hits
from .fusion import (METHODS, SHORT_REPLY_CHARS, demote_short, fuse, fusion_for, keyword_search,
                     prefer_passages, prefer_period)
from .phrases import (NEAR_MIN_WORDS, contraction_forms, may_be_a_quote, nearly_holds,
                      outside_quotes, pasted_phrases, prefer_phrases, quoted_spans, shingles,
                      verbatim)
from .roles import OfficeBook
from .speakers import (mistyped_part, near_spokesperson, nearest_note, resolve_person,
                       unknown_spokesperson)
from .spelling import Correction, Vocabulary, english_words, unknown_words
from .periods import period_of
from .understand import (FILTER_KEYS, QueryPlan, applied_notes, nearest_briefings, note_group,
                         overridden_notes, understand)

__all__ = ["Searcher", "MAX_QUESTION_CHARS", "MAX_K", "as_date"]

MAX_QUESTION_CHARS = 2000

MAX_K = 100
#: How many of the best hits "No close match" judges: the chat's and the CLI's default k.
CLOSE_DEPTH = 5


def as_date(value: dt.date | str | None, name: str, *, end: bool = False) -> dt.date | None:
    """A date bound as the API takes it: a date, an ISO day, or a period as
    the CLI and the chat's date boxes take it ("2020-05", "2020", "May 2020",
    "late 2019"), by its first day, or its last with ``end``."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)   # a month, as the chat's date boxes take it
    if m and 1 <= int(m[2]) <= 12:
        year, month = int(m[1]), int(m[2])
        period = (dt.date(year, month, 1),
                  dt.date(year, month, calendar.monthrange(year, month)[1]))
    else:
        period = period_of(text)
    if period is None:
        raise PressconError(f"{name} must be a date like 2020-05-14 (or a period: 2020-05, "
                            f"May 2020, 2020), not {value!r}")
    return period[1] if end else period[0]


@dataclass(frozen=True)
class _Reading:
    """A question as ``Searcher._read`` understood it."""
    text: str                                   # what is ranked
    filters: dict[str, Any]
    prefer: tuple[dt.date, dt.date] | None = None   # a period ranked higher, not a filter
    publisher: str | None = None                # a publisher ranked higher
    speaking: str | None = None                 # that publisher, named as the one who speaks
    lexical_text: str | None = None             # ``text`` without its name, for BM25
    notes: tuple[str, ...] = ()
    uncovered: tuple[str, ...] = ()             # a period named that no conference falls in
    overridden: tuple[str, ...] = ()            # a person named, but a given filter differs


#: Capitalized words that name nothing ("What did they tell ... I ...").
_STOP_TOKENS = frozenset(t for w in STOPWORDS for t in tokens(w))

#: Filters read from a question, in the order a search that matched nothing
#: drops them (the keys each sets: understand.FILTER_KEYS).
_DROP_ORDER = ("questioner", "spokesperson", "dates")


#: A name in more than this share of the index's passages names no topic
#: ("American": a fifth of the White House's; "China": most of the ministry's).
COMMON_NAME_SHARE = 0.15


def _off_topic(hits: list[Hit], text: str, lex: LexicalIndex) -> set[int]:
    """Hits (passage ids) naming none of the names left in ``text`` once the
    filters' words are gone ("about Hong Kong" of "What did Hua Chunying tell
    Reuters in May 2020 about Hong Kong?"): a search kept to one person is
    judged by names, and a reply to Reuters about tariffs is not about Hong
    Kong. Empty when ``text`` names nothing but what most passages name (the
    oil reply Granholm was asked for need not say "American")."""
    terms = query_terms(text)
    if keyword_search(len(terms)):   # its words, in any case, are the topic
        names = {t for w in terms for t in tokens(w)} - _STOP_TOKENS
    else:
        words = text.split()[1:]   # the first is capitalized as any question's first word
        names = {t for w in words if w[:1].isupper() for t in tokens(w)} - _STOP_TOKENS
    common = COMMON_NAME_SHARE * len(lex)
    names = {t for t in names if lex.document_frequency(t) <= common}
    if not names:
        return set()
    return {h.passage_id for h in hits if not names & set(tokens(f"{h.question or ''} {h.text}"))}


@dataclass(frozen=True)
class _Facets:
    """The names an index knows, as query understanding and spelling need them."""
    questioners: list[str]
    spokespersons: list[str]
    reference: dt.date | None                   # what "last month" counts from
    publishers: dict[str, tuple[str, ...]]      # publisher -> the names questions call it by
    name_words: WordCounts                      # the words of all those names
    all_publishers: list[str]                   # as stored (with or without a profile)
    offices: OfficeBook                         # who held which office when
    people_of: dict[str, frozenset[str]]        # publisher -> its spokespersons


class Searcher:
    """Ranks the passages of a live index for a question."""

    def __init__(self, store: Store, live: LiveIndex, candidates: Candidates):
        self.store = store
        self.live = live
        self.candidates = candidates
        self._vocabulary: tuple | None = None
        self._words: tuple[int, Vocabulary] | None = None

    def ask(self, question: str, k: int = 5, questioner: str | None = None,
            spokesperson: str | None = None, date_from: dt.date | str | None = None,
            date_to: dt.date | str | None = None, *, publisher: str | None = None,
            ranking: str = "hybrid", understand: bool = True,
            group_repeats: bool = True) -> Answer:
        if not isinstance(question, str):
            raise PressconError(f"the question must be text, not {question!r}")
        question = valid_text(question)
        if not question.strip():
            raise PressconError("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise PressconError(f"the question is {len(question):,} characters long; "
                                f"the limit is {MAX_QUESTION_CHARS:,}")
        for name, value in (("questioner", questioner), ("spokesperson", spokesperson),
                            ("publisher", publisher)):
            if value is not None and not isinstance(value, str):
                raise PressconError(f"{name} must be text (a name), not {value!r}")
        questioner, spokesperson, publisher = (
            valid_text(v) if v is not None else None for v in (questioner, spokesperson, publisher))
        # bool is an int to Python, not to a user: k=True is a mistake
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise PressconError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}")
        if ranking not in METHODS:
            raise PressconError(f"unknown ranking {ranking!r}; choose from {', '.join(METHODS)}")
        if publisher:   # "white house" is "The White House", "mfa" the ministry
            stored = self._facets().all_publishers
            known = resolve_publisher(publisher, stored)
            if known is None and stored:
                raise PressconError(f"no publisher {publisher!r} in this index; it holds "
                                    + ", ".join(repr(p) for p in stored))
            publisher = known or publisher
        # a name the index does not hold is a mistake to report, not an empty
        # answer (like a publisher): "Dr. Fauci" / "Fauci" is its "Anthony Fauci"
        if spokesperson:
            stored = self._facets().spokespersons
            known = resolve_person(spokesperson, stored)
            if known is None and stored:
                raise PressconError(f"no spokesperson {spokesperson!r} in this index; "
                                    f"{nearest_note(spokesperson, stored)}")
            spokesperson = known or spokesperson
        if questioner:
            stored = self._facets().questioners
            if not stored and self._facets().spokespersons:
                raise PressconError(f"no questioner {questioner!r} in this index: its "
                                    "transcripts name none (a bare \"Q\" asks)")
            if stored and resolve_outlet(questioner, stored) is None:
                raise PressconError(f"no questioner {questioner!r} in this index; "
                                    f"{nearest_note(questioner, stored)}")
        d_from, d_to = as_date(date_from, "date_from"), as_date(date_to, "date_to", end=True)
        if d_from and d_to and d_from > d_to:
            raise PressconError(f"date_from {d_from} is after date_to {d_to}")
        self.live.refresh()
        lex = self.live.lexical   # one snapshot for the whole search
        fixed = self.correct(question, lex)
        question = fixed.text
        quoted = bool(quoted_spans(question))
        # one lookup over both columns first: most questions are in no passage at all;
        # each phrase as the transcripts spell it ("we do not" held as "we don't")
        forms = [(raw, *self._held_form(words)) for raw, words in pasted_phrases(question)]
        pasted = [(raw, words) for raw, words, _ in forms]
        held = [words for _, words, found in forms if found]
        phrase_ids = sorted({p for words in held for p in self.store.passages_with_phrase(words)})
        in_question = not phrase_ids and bool(held)
        if in_question:   # a reporter's words pasted: that exchange (a reply's come first)
            phrase_ids = sorted({p for words in held
                                 for p in self.store.passages_with_phrase(words, column="question")})
        exact = verbatim([raw for raw, _ in pasted], {
            pid: (row.question or "") if in_question else row.text
            for pid, row in self.store.passages(phrase_ids).items()}) if phrase_ids else []
        if not held:   # no reply or question holds it word for word: a quote cleaned up?
            phrase_ids, held = self._nearly(pasted, quoted)
        given = {"questioner": questioner or None, "spokesperson": spokesperson or None,
                 "date_from": d_from, "date_to": d_to, "publisher": publisher or None}
        # a phrase the user put in quotes that no passage holds: said, and no
        # reply is close ('"Fifteen minutes"' must not quietly give "a few minutes")
        absent = tuple(raw for raw, words in pasted if quoted and words not in held)
        # a quote's own words ("In May 2020, ...", "to AFP", "MR. KIRBY") are
        # not the user's cues, found or not
        cues = outside_quotes(question) if phrase_ids or quoted else question
        read = self._read(question, cues, given, lex, verbatim_text=bool(phrase_ids)) \
            if understand and cues else _Reading(question, dict(given))
        notes, dropped = read.notes, ()
        # closeness is judged on the same top CLOSE_DEPTH hits whatever k is
        # asked (`search -k 1`, the chat's 5, `eval`'s 10 agree)
        depth = max(k, CLOSE_DEPTH)
        hits = self._ranked(self.candidates.query(read.text, lex, read.lexical_text), lex, depth, ranking,
                            read.filters, read.prefer, group_repeats, read.publisher,
                            phrase_ids, exact)
        if not hits and read.filters != given:
            hits, notes, dropped, filters = self._relaxed(question, read, given, lex, depth,
                                                         ranking, group_repeats, phrase_ids,
                                                         exact)
            dropped = tuple(self._when_they_replied(n, read.filters.get("spokesperson"))
                            for n in dropped)
            read = replace(read, filters=filters)
        # a word read as a filter is not missing ("Gen" of "What did Gen Shuang
        # say", read as Geng Shuang): out of the text ranked, or a part of the
        # inferred spokesperson's name as mistyped
        person = read.filters.get("spokesperson") if not given["spokesperson"] else None

        def searched(words: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(w for w in words if re.search(rf"\b{re.escape(w)}\b", read.text)
                         and not (person and mistyped_part(w, person)))

        missing = searched(fixed.names_not_found) + read.uncovered + absent
        used = read.filters
        by_person = bool(used.get("questioner") or used.get("spokesperson"))
        # "What did China say about the AUKUS pact?" on an index that also holds
        # the White House: only the ministry's replies can answer, and a name
        # none of them uses is not found for it, whoever else speaks of it
        asked_of = read.speaking if not by_person else None
        if asked_of:
            missing += self._unused_by(asked_of, read.text, lex, missing)
        hits, _ = judge(hits, ranking, missing, phrase_ids, by_person=by_person,
                        publisher=asked_of, lifted=read.publisher,
                        off_topic=_off_topic(hits, read.text, lex) if by_person else (),
                        # a quoted phrase no passage holds, or a period the
                        # reply was asked of ("say ... in August 2022") that no
                        # conference falls in, so left out: what was asked is
                        # not there, and no reply of other dates is close to it
                        # (a period of the event only raises the bar: replies
                        # come after events, across the index's gaps too)
                        named=float("inf") if absent or (read.uncovered and any(
                            note_group(n) == "dates" for n in dropped)) else None)
        close = any(h.close for h in hits[:CLOSE_DEPTH])
        hits = hits[:k]
        if read.publisher and hits and all(h.publisher != read.publisher for h in hits):
            # "What did China say about the AUKUS pact?" on a mixed index: only the
            # White House's replies match; say so rather than seem to answer for China
            notes = tuple(f"{n}, but none of its replies is among these"
                          if note_group(n) == "publisher" else n for n in notes)
        nobody = self._no_such_speaker(cues) \
            if understand and cues and not read.filters.get("spokesperson") else None
        return Answer(hits, understood=notes, dropped=dropped, close_match=close,
                      overridden=read.overridden, no_such_speaker=nobody, asked_of=asked_of,
                      searched_for=fixed.text if fixed.changes else None,
                      not_found=tuple(dict.fromkeys(searched(fixed.not_found) + missing)))

    def _unused_by(self, publisher: str, text: str, lex: LexicalIndex,
                   known_missing: Sequence[str]) -> tuple[str, ...]:
        """The names of ``text`` (capitalized words after the first) that the
        index uses but no passage of ``publisher`` does; its own names
        ("China", "Beijing") and words already missing aside."""
        own = {t for name in self._facets().publishers.get(publisher, ())
               for t in tokens(name.lower())}
        mask = lex.mask(publisher=publisher)
        out = []
        for word in dict.fromkeys(w.strip(".,;:!?\"'()’") for w in text.split()[1:]):
            toks = [t for t in tokens(word.lower()) if t not in _STOP_TOKENS]
            if (len(word) < 3 or not word[:1].isupper() or word in known_missing
                    or not toks or set(toks) <= own):
                continue
            if not any(lex.used_in(t, mask) for t in toks):
                out.append(word)
        return tuple(out)

    def _when_they_replied(self, note: str, person: str | None) -> str:
        """A spokesperson note left out, with the dates that person's replies
        span ("What did Zhao Lijian say on 2020-03-12?": Geng Shuang briefed)."""
        if note_group(note) != "spokesperson" or not person:
            return note
        first, last = self.store.replies_span(self.store.stored_names(person))
        return f"{note} (whose replies here are from {first} to {last})" if first else note

    def _held_form(self, words: list[str]) -> tuple[list[str], bool]:
        """The spelling of a pasted phrase some reply or question holds (as
        typed, else with its contractions the other way), and whether one
        does; as typed when none does."""
        for form in contraction_forms(words):
            if self.store.passages_with_phrase(form, 1, "either"):
                return form, True
        return words, False

    def _nearly(self, pasted: list[tuple[str, list[str]]], quoted: bool
                ) -> tuple[list[int], list[list[str]]]:
        """Replies holding most runs of a long pasted sentence (a quote with
        a stutter or a clause left out), and the phrases so held."""
        ids: set[int] = set()
        held = []
        for raw, words in pasted:
            if len(words) >= NEAR_MIN_WORDS and may_be_a_quote(raw, quoted):
                found = nearly_holds(words, self.store.passages_with_any_phrase(shingles(words)))
                if found:
                    ids.update(found)
                    held.append(words)
        return sorted(ids), held

    def _relaxed(self, question: str, read: "_Reading", given: dict[str, Any],
                 lex: LexicalIndex, k: int, ranking: str, group_repeats: bool,
                 phrase_ids: list[int], exact: list[int]
                 ) -> tuple[list[Hit], tuple[str, ...], tuple[str, ...], dict[str, Any]]:
        """The filters read from the question matched nothing together: drop as
        few as will match (an outlet first: outlets go unnamed in older
        transcripts; then a spokesperson, then a period), keeping the rest.
        (hits, notes kept, notes dropped, filters used)."""
        read_keys = [g for g in _DROP_ORDER
                     if any(read.filters.get(key) != given.get(key) for key in FILTER_KEYS[g])]
        # ranked by the question without the filters' words, as it was before
        # one was dropped: "Karine Jean-Pierre" and "in March 2025" back in the
        # text made the replies naming "JEAN-PIERRE" in a turn label (and any
        # "March") outrank those on the inauguration the question is about
        query = self.candidates.query(read.text, lex, read.lexical_text)
        for n in range(1, len(read_keys) + 1):
            for gone in itertools.combinations(read_keys, n):
                filters = {**read.filters, **{key: given.get(key) for g in gone for key in FILTER_KEYS[g]}}
                hits = self._ranked(query, lex, k, ranking, filters,
                                    None if "dates" in gone else read.prefer, group_repeats,
                                    read.publisher, phrase_ids, exact)
                if hits or n == len(read_keys):
                    kept = tuple(x for x in read.notes if note_group(x) not in gone)
                    lost = tuple(x for x in read.notes if note_group(x) in gone)
                    return hits, kept, lost, filters
        hits = self._ranked(query, lex, k, ranking, given, None, group_repeats, None,
                            phrase_ids, exact)
        return hits, (), read.notes, dict(given)

    def _read(self, question: str, cues: str, given: dict[str, Any], lex: LexicalIndex, *,
              verbatim_text: bool) -> "_Reading":
        """What the question's own words ask for (``cues``: the question outside
        any pasted quote), merged with the filters the caller ``given``: those
        win, and a period is taken whole or not at all."""
        plan = self.understand(cues)
        dated = bool(given["date_from"] or given["date_to"])
        inferred = {key: v for key, v in plan.filters.items() if given.get(key) is None}
        boost = plan.prefer_publisher if plan.prefer_publisher and not given["publisher"] \
            else None
        # the publisher asked to speak ("What did China say"), unless the search
        # is kept to a person (judged by names, whoever they speak for)
        people = {**given, **inferred}
        speaking = plan.speaking_publisher if boost and not (
            people.get("questioner") or people.get("spokesperson")) else None
        # a period no conference of the index (of the publisher asked) falls in
        # is evidence like a name not found
        uncovered = () if dated else uncovered_period(plan, lex, speaking)
        prefer = None
        if dated:   # half of a period would be a new filter
            inferred.pop("date_from", None)
            inferred.pop("date_to", None)
        elif plan.prefer_from:
            prefer = (plan.prefer_from, plan.prefer_to)
        overridden = tuple(overridden_notes(plan, given))
        if not (inferred or prefer or boost):
            return _Reading(question, dict(given), uncovered=uncovered, overridden=overridden)
        # a pasted sentence is searched whole; else without the words read as filters
        return _Reading(question if verbatim_text else plan.text, {**given, **inferred}, prefer,
                        boost, speaking,
                        None if verbatim_text or not boost else plan.lexical_text,
                        tuple(applied_notes(plan.notes, given)), uncovered, overridden)

    def correct(self, question: str, lex: LexicalIndex | None = None) -> Correction:
        """``question`` with the words the index never uses corrected against
        its vocabulary (rag/rank/spelling.py), and those it still lacks."""
        lex = lex or self.live.lexical
        names = self._facets().name_words
        if not unknown_words(question, lambda t: lex.document_frequency(t) > 0
                             or t in names.passages):
            return Correction(question)
        generation = self.store.generation()
        if self._words is None or self._words[0] != generation:
            # made once per index generation, and only when a word is unknown:
            # from the lexical snapshot's word count, else (a snapshot saved by
            # an older presscon) by reading every passage
            counted = lex.words()
            if counted is None:
                counted = WordCounts.from_texts(
                    f"{r[4] or ''} {r[5]}" for r in self.store.lexical_rows())
            # the outlets, spokespersons and publishers are turn labels and
            # metadata, not passage text: known words all the same ("TASS")
            self._words = (generation, Vocabulary(counted + names, english=english_words()))
        # "What did Jen Sakip say": a name close to one spokesperson's is read
        # as theirs by query understanding, not corrected to "Skip" first
        near = near_spokesperson(question, self._facets().spokespersons)
        return self._words[1].correct(question, keep=[near[1]] if near else ())

    def _ranked(self, query: Query, lex: LexicalIndex, k: int, ranking: str,
                filters: dict[str, Any], prefer: tuple[dt.date, dt.date] | None,
                group_repeats: bool, publisher: str | None = None,
                phrase_ids: list[int] | None = None, exact: list[int] | None = None
                ) -> list[Hit]:
        mask = lex.mask(**self._stored_forms(filters))
        settings = fusion_for(len(query_terms(query.text)))   # "premature": a keyword search
        preferred = lex.mask(publisher=publisher) if publisher else None
        phrase = phrase_ids or []
        if phrase and mask is not None:
            phrase = sorted(lex.allowed(mask, phrase))

        def scores(depth: int) -> dict[int, float]:
            dense, lexical = self.candidates.scores(query, lex, depth, ranking, mask, phrase)
            fused = fuse(dense, lexical, ranking, **settings)
            if ranking in ("hybrid", "dense"):
                fused = demote_short(fused, self.store.short_replies(list(fused),
                                                                     SHORT_REPLY_CHARS))
            if phrase:
                fused = prefer_phrases(fused, phrase, exact or ())
            if prefer:
                fused = prefer_period(fused, self.store.passage_dates(list(fused)), *prefer)
            if preferred is not None:
                fused = prefer_passages(fused, lex.allowed(preferred, list(fused)))
            return fused

        first = scores(k)
        if group_repeats:  # one hit per group of repeated replies, citing every date
            return collapse_repeats(self.store, lex, first, k, scores, mask, prefer)
        return plain_hits(self.store, first, k)

    def understand(self, question: str) -> QueryPlan:
        """The filters ``ask`` would infer from the question, with notes for the user."""
        f = self._facets()
        plan = understand(question, questioners=f.questioners, spokespersons=f.spokespersons,
                          aliases=OUTLET_ALIASES, reference=f.reference,
                          publishers=f.publishers if len(f.publishers) > 1 else None,
                          offices=f.offices,
                          people_of=f.people_of if len(f.publishers) > 1 else None)
        return nearest_briefings(plan, self.store.dates_around)

    def offices(self) -> dict[str, list[str]]:
        """Each spokesperson's offices as the title lines give them, most
        often first: what "the Energy Secretary say" is read by."""
        return {person: [o for o, _ in count.most_common()]
                for person, count in self._facets().offices.offices.items()}

    def _no_such_speaker(self, cues: str) -> str | None:
        """What to tell a user whose question asks for the words of someone
        the index does not have (a name, else an office), or None."""
        known = self._facets().spokespersons
        if name := unknown_spokesperson(cues, known):
            return f"no spokesperson called {name} in this index ({nearest_note(name, known)})"
        if office := self.unknown_office(cues):
            return f"no briefing in this index names anyone {office}"
        return None

    def unknown_office(self, question: str) -> str | None:
        """An office the question has speak that no briefing of the index
        gives anyone ("the Secretary of State" on White House briefings that
        never had one), as typed; None otherwise."""
        return self._facets().offices.unknown(question)

    def _facets(self) -> "_Facets":
        """The names the index knows and its reference date, refreshed only
        when the index changes (or the day does)."""
        today = dt.date.today()
        key = (self.store.generation(), today)
        if self._vocabulary is None or self._vocabulary[0] != key:
            questioners = [name for name, _ in self.store.facet("questioner")]
            spokespersons = [name for name, _ in self.store.facet("spokesperson")]
            stored = [name for name, _ in self.store.facet("publisher")]
            publishers = publisher_names(stored)
            self._vocabulary = (key, _Facets(
                questioners, spokespersons, self._reference_date(today), publishers,
                WordCounts.from_texts([*questioners, *spokespersons, *publishers,
                                       *(n for names in publishers.values() for n in names),
                                       *OUTLET_ALIASES]), stored,
                OfficeBook.from_titles(self.store.titles_and_speakers()),
                {p: frozenset(name for name, _ in self.store.facet("spokesperson", publisher=p))
                 for p in stored}))
        return self._vocabulary[1]

    def _reference_date(self, today: dt.date) -> dt.date | None:
        """What "last month" counts from: the newest conference that is not in
        the future (a title misdated 2099 must not make it a month of 2099),
        else today; None for an empty index."""
        newest = self.store.newest_date((today + FUTURE_SLACK).isoformat())
        if newest:
            return dt.date.fromisoformat(newest)
        return today if self.store.date_range()[1] else None

    def candidate_scores(self, question: str, k: int = 10, ranking: str = "hybrid",
                         **filters: Any) -> tuple[dict[int, float], dict[int, float]]:
        """Dense and lexical scores by passage id for ``question`` as typed
        (no understanding), under the given filters."""
        lex = self.live.lexical
        return self.candidates.scores(self.candidates.query(question, lex), lex, k, ranking,
                                      lex.mask(**self._stored_forms(filters)))

    def _stored_forms(self, filters: dict[str, Any]) -> dict[str, Any]:
        """``filters`` for the lexical mask: a spokesperson by every form of
        the name the index stores for that person ("Fauci", "Anthony Fauci")."""
        if not filters.get("spokesperson"):
            return filters
        return {**filters, "spokesperson": self.store.stored_names(filters["spokesperson"])}
