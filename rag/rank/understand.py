"""Query understanding without a language model: a period, an outlet or a
spokesperson named in the question become filters the user can see and undo.

"What did the spokesperson tell AFP in May 2020 about ..." searches May 2020
replies to AFP. Only explicit cues are taken: an outlet counts when a verb of
asking or telling stands before it ("tell AFP", "answering the BBC", "asked by
Reuters"), so "What did China say about Reuters journalists?" is not limited
to Reuters' questions.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping, Sequence

from .periods import find_period, impossible_day, weekday_mismatch
from .roles import OfficeBook
from .speakers import SAY, near_spokesperson

_ASK_CUE = r"(?:tell|tells|told|telling|answer|answers|answered|answering|repl(?:y|ied|ying)\s+to|asked\s+by|question\s+from|to|from|by)"


@dataclass(frozen=True)
class QueryPlan:
    """What was recognized in a question. ``text`` is the question with the
    recognized phrases taken out, for ranking; ``notes`` say what was applied."""

    question: str
    text: str
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    questioner: str | None = None
    spokesperson: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    # A period that may date the event rather than the reply ("a study of
    # summer 2019", "crashed in June 2018"): replies in it rank higher, but
    # nothing outside it is excluded.
    prefer_from: dt.date | None = None
    prefer_to: dt.date | None = None
    # A publisher the question refers to by its own names ("Beijing", "the
    # White House"): its replies rank higher when the index holds several.
    prefer_publisher: str | None = None
    # That publisher when the question names it as the one who speaks ("What
    # did China say", "How did Beijing react", "China's response to"): only its
    # replies can then answer, so only they can be a close match.
    speaking_publisher: str | None = None
    # ``text`` without that publisher's name, for BM25: a speaker's name is no
    # topic word ("China" is in most of the ministry's passages, so it weighs
    # nothing in its own index; beside the White House's it would weigh a lot)
    lexical_text: str | None = None
    # what a question's dates got wrong ("no date read from "March 32 2019":
    # ...", "2019-03-13 was a Wednesday, not a Friday"): said beside the answer
    date_warnings: tuple[str, ...] = ()

    @property
    def filters(self) -> dict:
        return {k: v for k, v in (("date_from", self.date_from), ("date_to", self.date_to),
                                  ("questioner", self.questioner),
                                  ("spokesperson", self.spokesperson)) if v is not None}


def _find_name(q: str, names: Iterable[str], cue: bool) -> tuple[str, tuple[int, int]] | None:
    folded = q.casefold()
    for name in sorted(set(names), key=len, reverse=True):
        # a name not in the question at all needs no pattern: compiling one
        # for each of the index's hundreds of names cost a fresh process 0.1-0.8 s
        if len(name) < 2 or name.casefold() not in folded:
            continue
        pattern = re.escape(name)
        if cue:
            # "according to Reuters", "reported by AFP": a source, not who asked
            m = re.search(rf"(?<!according\s)(?<!reported\s)\b{_ASK_CUE}\s+(?:the\s+)?({pattern})"
                          rf"\b(?!['’]s)", q, re.I) \
                or re.search(rf"\b({pattern})['’]s\s+question\b|\b({pattern})\s+ask(?:s|ed)?\b", q, re.I)
        else:
            m = re.search(rf"\b({pattern})\b", q, re.I)
        if m:
            g = next(i for i in range(1, (m.lastindex or 1) + 1) if m.group(i))
            return name, m.span(g)
    return None


_HONORIFIC = r"(?:(?:Mr|Ms|Mrs|Dr)\.?|Secretary|Ambassador|Administrator|Director|Admiral|Chair|Mayor)"


def _find_surname(q: str, names: Sequence[str]) -> tuple[str, tuple[int, int]] | None:
    """A spokesperson named by surname alone ("what did Kirby say", "Dr.
    Fauci's answer", "according to Buttigieg"): only with an honorific or
    "according to" before it or a verb of saying right after it, and only a
    surname one person in the index has, so a common word is not read as a
    name."""
    by_surname: dict[str, list[str]] = {}
    for name in names:
        parts = name.split()
        if len(parts) > 1 and len(parts[-1]) >= 3:
            by_surname.setdefault(parts[-1].lower(), []).append(name)
    # a name is capitalized: "young people saying" is nobody, unless the
    # whole question is typed in lower case ("what did kirby say")
    cased = q != q.lower()
    for surname, owners in sorted(by_surname.items(), key=lambda kv: -len(kv[0])):
        if len(owners) != 1:
            continue
        pattern = re.escape(surname)
        m = re.search(rf"\b{_HONORIFIC}\s+{pattern}\b", q, re.I)
        if m:   # "Dr. Jha": a title makes even a short surname a name
            return owners[0], m.span()
        for m in [*re.finditer(rf"\b({pattern})(?:['’]s)?\s+(?:\w+\s+){{0,2}}?{SAY.pattern}",
                               q, re.I),
                  *re.finditer(rf"\b(?:according\s+to|in\s+the\s+words\s+of)\s+({pattern})\b",
                               q, re.I)]:
            # a short surname ("Jha") only as typed with its capital
            if m.group(1)[0].isupper() or (not cased and len(surname) >= 4):
                return owners[0], m.span(1)
    return None


PREFER_AFTER_DAYS = 31


def _dates_the_reply(question: str, span: tuple[int, int]) -> bool:
    """A period opening the question ("In May 2020, what ...") or following a
    verb of saying within a few words ("tell Kyodo News in March 2020") dates
    the reply, unless it is an event's name ("say about the 2019 Boao
    Forum"); anywhere else it may date the event asked about."""
    before = question[:span[0]]
    if len(before.split()) <= 2:
        return True
    # "the 2019 Boao Forum", "the 2022 Winter Olympics", "the 2022 midterms", "the
    # March 2022 jobs report": the period names the event (not "the summer of 2021")
    after = question[span[1]:].lstrip()
    if re.search(r"\bthe\s*$", before, re.I) and (
            after[:1].isupper() or (question[span[0]:span[1]].lstrip()[:1].isdigit()
                                    or re.match(r"[A-Z][a-z]+\.?\s+\d", question[span[0]:span[1]].lstrip()))
            and re.match(r"[a-z]", after)):
        return False
    verbs = list(SAY.finditer(before))
    return bool(verbs) and len(before[verbs[-1].end():].split()) <= 4


def note_said(note: str) -> str | None:
    """The words of the question a note was read from ('dates ... (from "in
    May 2020")' -> "in May 2020"), or None."""
    m = re.search(r'\(from "([^"]+)"', note)
    return m.group(1) if m else None


def _counted(period) -> str:
    """What a note adds for a period counted back ("last year"): from when."""
    return f", counted back from the newest briefing, {period.counted_from.isoformat()}" \
        if period.counted_from else ""


# a publisher's name inside a place's, an outlet's or an event's ("the South China
# Sea", "China Daily", "the Beijing Olympics") names no speaker
_NAME_INSIDE_BEFORE = re.compile(r"\b(?:South|East|North|West|Mainland|Greater|Inner)\s+$")
_NAME_INSIDE_AFTER = re.compile(r"\s+(?:Sea|Daily|Radio|News|Central|Global|Media|Times|Review|"
                                r"(?:Winter\s+)?(?:Olympics|Olympic|Games|Paralympics))\b")
# "the mainland" is China's, but "the mainland United States" is not
_OTHER_MAINLAND = re.compile(r"\s+(?:United\s+States|U\.?S\.?A?|America|Europe|Japan)\b")


def _publisher_named(question: str, words: Sequence[str]) -> re.Match | None:
    """The first of a publisher's names the question uses for it ("Beijing",
    "the White House"), or None."""
    for m in re.finditer(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", question, re.I):
        if not (_NAME_INSIDE_BEFORE.search(question[:m.start()])
                or _NAME_INSIDE_AFTER.match(question, m.end())
                or (m.group(0).lower() == "mainland" and _OTHER_MAINLAND.match(question, m.end()))):
            return m
    return None


# the publisher as the subject of the question: "did China", "has the White House"
_SPEAKER_BEFORE = re.compile(r"\b(?:did|does|do|has|have|had|is|was|were|will|would|can|could|"
                             r"should|might|may|must)\s+(?:the\s+)?$", re.I)
# "China said", "Beijing responded"
_SPEAKER_VERB = re.compile(r"\s+(?:say|says|said|respond|responds|responded|react|reacts|reacted|"
                           r"comment|comments|commented|answer|answers|answered|reply|replies|"
                           r"replied|tell|tells|told|explain|explains|explained|announce|"
                           r"announces|announced|warn|warns|warned|insist|insists|insisted|"
                           r"deny|denies|denied|claim|claims|claimed)\b", re.I)
# "China's response", "the White House's official position"
_SPEAKER_WORDS = re.compile(r"\s+(?:\w+\s+)?(?:response|responses|reaction|reactions|position|"
                            r"stance|view|views|answer|reply|comment|comments|attitude|stand|"
                            r"message|explanation|statement|guidance|line)\b", re.I)


def _as_speaker(question: str, span: tuple[int, int]) -> int:
    """Whether the name at ``span`` (a publisher's, a person's) is the one who
    speaks or acts in ``question``, not what is asked about ("tariffs on
    Chinese goods", "Kirby on Beijing"): 2 as the subject ("What did China
    say", "Beijing responded"), 1 as an owner of words ("China's response
    to", "Kirby's comments"), else 0."""
    start, end = span
    if _SPEAKER_BEFORE.search(question[:start]) or _SPEAKER_VERB.match(question, end):
        return 2
    owned = question[start:end].endswith(("'s", "\u2019s"))
    possessive = owned or question.startswith(("'s", "\u2019s"), end)
    after = end if owned else end + 2 if possessive else end
    return 1 if possessive and _SPEAKER_WORDS.match(question, after) else 0


def _office_holder(offices: "OfficeBook", question: str, plan: dict, period
                   ) -> tuple[str, tuple[int, int], str] | None:
    """The person an office in the question stands for, in the period it
    names: a filter's, or a preferred period's ("the press secretary say
    about the Inflation Reduction Act in October 2024" is October 2024's);
    one preferred that no briefing falls in (the period of an event before
    the index: "the 2015 deal") leaves the index's whole span to decide."""
    if "date_from" in plan or not period:
        return offices.find(question, plan.get("date_from"), plan.get("date_to"))
    return offices.find(question, period[0], period[1]) or \
        (None if offices.has_briefings(period[0], period[1]) else offices.find(question))


def understand(question: str, *, questioners: Iterable[str] = (),
               spokespersons: Iterable[str] = (), aliases: dict[str, str] | None = None,
               reference: dt.date | None = None,
               publishers: Mapping[str, Sequence[str]] | None = None,
               offices: "OfficeBook | None" = None,
               people_of: Mapping[str, Iterable[str]] | None = None) -> QueryPlan:
    """Recognize a period, an outlet, a spokesperson and a publisher in ``question``.

    ``questioners``/``spokespersons`` are the names the index knows;
    ``aliases`` maps other spellings to them ("Kyodo News" -> "Kyodo");
    ``reference`` anchors "last year" (the newest conference in the index);
    ``publishers`` maps each publisher the index holds to the names questions
    call it by (given only when there are several to choose from);
    ``offices`` who held which office ("the Energy Secretary say"), read
    when no spokesperson is named; ``people_of`` each publisher's
    spokespersons, so that a person of another publisher is not read as the
    one asked when the question asks a publisher ("What did China say about
    Jake Sullivan's remarks?" asks the ministry, not Sullivan).
    """
    notes: list[str] = []
    spans: list[tuple[int, int]] = []
    plan: dict = {}
    # a day the calendar lacks ("March 32 2019") is no period: blanked (keeping
    # every offset) so that its year alone is not quietly searched, and said
    warnings: list[str] = []
    dated_q = question
    if bad := impossible_day(question):
        (a, b), why = bad
        typed = re.sub(r"^(?:on|in)\s+", "", question[a:b].strip(), flags=re.I)
        warnings.append(f"no date read from \"{typed}\": {why}")
        dated_q = question[:a] + " " * (b - a) + question[b:]
        # nor searched: "March" left in would be the one name a reply must hold
        spans.append((a, b))
    period = find_period(dated_q, reference)
    if period and re.search(r"\bby(?:\s+the)?\s*$", question[:period[2][0]], re.I):
        # "Will the rule be final by May 2023?": a deadline, asked about
        # before it; neither the reply's date nor the event's
        period = None
    if period and period.open_end and not _dates_the_reply(question, period.span):
        # "imposed ... before July 1997": the event's time, read as the period alone
        period = find_period(dated_q, reference, open_ends=False)
    if period and (odd := weekday_mismatch(question, period)):
        warnings.append(odd)
    if warnings:
        plan["date_warnings"] = tuple(warnings)
    if period:
        s, e, span, said = period.start, period.end, period.span, period.said
        # "before March 2022", "since 2022": the replies asked for are bounded
        if period.bounds_replies or period.open_end or _dates_the_reply(question, span):
            plan["date_from"], plan["date_to"] = s, e
            dates = f"up to {e.isoformat()}" if s is None else s.isoformat() if s == e \
                else f"{s.isoformat()} to {e.isoformat()}"
            notes.append(f"dates {dates} (from \"{said}\"{_counted(period)})")
        else:
            # replies come after the events they answer: prefer a little past it
            plan["prefer_from"], plan["prefer_to"] = s, e + dt.timedelta(days=PREFER_AFTER_DAYS)
            notes.append(f"preferring {s.isoformat()} to {e.isoformat()} "
                         f"(from \"{said}\"{_counted(period)})")
        spans.extend(_outside(span, period.kept))
    names = dict((n, n) for n in questioners)
    for alias, canonical in (aliases or {}).items():
        if canonical in names:
            names.setdefault(alias, canonical)
    found = _find_name(question, names, cue=True)
    if found:
        name, span = found
        plan["questioner"] = names[name]
        spans.append(span)
        notes.append(f"questioner {names[name]} (from \"{question[span[0]:span[1]]}\")")
    # A title standing for a person ("The President") is a phrase every
    # question may use ("meet the president"): only personal names are read.
    spokespersons = [n for n in spokespersons if not n.lower().startswith("the ")]
    found = _find_name(question, spokespersons, cue=False) or _find_surname(question, spokespersons)
    person_at = len(spans)
    if found:
        name, span = found
        plan["spokesperson"] = name
        spans.append(span)
        notes.append(f"spokesperson {name}")
    elif near := near_spokesperson(question, spokespersons):
        name, span, typed = near
        plan["spokesperson"] = name
        spans.append(span)
        notes.append(f"spokesperson {name} (from \"{typed}\")")
    elif offices and (held := _office_holder(offices, question, plan, period)):
        name, span, typed = held
        plan["spokesperson"] = name
        spans.append(span)
        notes.append(f"spokesperson {name} (from \"the {typed}\")")
    named = {pub: m for pub, words in (publishers or {}).items()
             if (m := _publisher_named(question, words))} if publishers else {}
    person = plan.get("spokesperson")
    if len(named) > 1:
        # both named: the one the question has speak is asked ("What did the White
        # House say about tariffs on Chinese goods?"); neither or both: no preference
        ranks = {pub: _as_speaker(question, m.span()) for pub, m in named.items()}
        top = max(ranks.values())
        if top and list(ranks.values()).count(top) == 1:
            named = {pub: m for pub, m in named.items() if ranks[pub] == top}
    if len(named) == 1:   # (both named and neither speaks: no preference)
        (pub, m), = named.items()
        # an official of another publisher named too: whichever the question
        # has speak is the one asked, the other is what they speak about
        other = bool(person and people_of is not None and person not in set(people_of.get(pub, ())))
        ranks = (_as_speaker(question, m.span()),
                 _as_speaker(question, spans[person_at]) if person else 0)
        if other and ranks[0] > ranks[1]:
            # "How did Beijing respond to Kirby's comments?": no spokesperson
            # filter, the name back in the text
            del plan["spokesperson"]
            del spans[person_at]
            notes = [n for n in notes if note_group(n) != "spokesperson"]
            person = None
        if not other or not person:
            # ("What did Jean-Pierre say about China's claim?" prefers nobody)
            plan["prefer_publisher"] = pub
            if ranks[0] and not person:
                plan["speaking_publisher"] = pub
                possessive = 2 if question.startswith(("'s", "\u2019s"), m.end()) else 0
                plan["lexical_text"] = _without(question, [*spans, (m.start(), m.end() + possessive)])
            notes.append(f"publisher {pub} preferred (from \"{m.group(0)}\")")
    return QueryPlan(question=question, text=_without(question, spans), notes=tuple(notes),
                     **plan)


def _outside(span: tuple[int, int], kept: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of ``span`` not in any of the ``kept`` spans inside it."""
    out, at = [], span[0]
    for a, b in sorted(kept):
        a, b = max(a, span[0]), min(b, span[1])
        if a > at:
            out.append((at, a))
        at = max(at, b)
    if at < span[1]:
        out.append((at, span[1]))
    return out


def _without(question: str, spans: Sequence[tuple[int, int]]) -> str:
    """``question`` with the ``spans`` read as filters taken out."""
    text = question
    for a, b in sorted(spans, reverse=True):
        text = text[:a] + " " + text[b:]
    return re.sub(r"\s+", " ", text).strip() or question


def applied_notes(notes: Sequence[str], given: Mapping[str, Any]) -> list[str]:
    """The notes of a QueryPlan for what a search took from the question: a
    filter the caller set wins over one read from the question."""
    dates_set = bool(given.get("date_from") or given.get("date_to"))
    out = []
    for note in notes:
        kind = note.split(" ", 1)[0]
        if (kind in ("questioner", "spokesperson", "publisher") and given.get(kind)) or \
                (kind in ("dates", "preferring") and dates_set):
            continue
        out.append(note)
    return out


def overridden_notes(plan: QueryPlan, given: Mapping[str, Any]) -> list[str]:
    """A person the question names that a filter the caller set overrode
    with another ("spokesperson John Kirby named in the question, not
    applied: the spokesperson filter is Jen Psaki"): said, so a search kept
    to someone else is never silently not what was asked; and what the
    question's dates got wrong (``date_warnings``)."""
    out = []
    for kind, read in (("questioner", plan.questioner), ("spokesperson", plan.spokesperson)):
        want = given.get(kind)
        if read and want and str(read).casefold() != str(want).casefold():
            out.append(f"{kind} {read} named in the question, not applied: "
                       f"the {kind} filter is {want}")
    # a publisher too ("What did China say ...?", the filter The White House)
    want = given.get("publisher")
    if plan.prefer_publisher and want and plan.prefer_publisher.casefold() != str(want).casefold():
        said = next((w for n in plan.notes if n.startswith("publisher") if (w := note_said(n))),
                    None)
        out.append(f"publisher {plan.prefer_publisher} named in the question"
                   + (f" (\"{said}\")" if said else "")
                   + f", not applied: the publisher filter is {want}")
    # a period too ("in March 2021" asked, --from 2022-01-01 set): the filter wins
    first, last = given.get("date_from"), given.get("date_to")
    read = (plan.date_from, plan.date_to) if plan.date_from or plan.date_to else None
    said = next((w for n in plan.notes if n.startswith("dates") if (w := note_said(n))), None)
    if read and said and (first or last) and \
            tuple(str(d) if d else None for d in read) != (str(first) if first else None,
                                                           str(last) if last else None):
        dates = f"{first} to {last}" if first and last else f"from {first}" if first \
            else f"up to {last}"
        out.append(f"period \"{said}\" named in the question, not applied: the dates "
                   f"filter is {dates}")
    return out + list(plan.date_warnings)


#: The filter keys each group of notes sets ("dates ..." sets two).
FILTER_KEYS = {"questioner": ("questioner",), "spokesperson": ("spokesperson",),
               "dates": ("date_from", "date_to")}


# a day (or a week) named that had no briefing is most often a date misremembered
# or an event's day: the briefings this near it are searched instead
NEAREST_DAYS = 7


def nearest_briefings(plan: QueryPlan,
                      around: Callable[[str, str], tuple[str | None, str | None] | None]
                      ) -> QueryPlan:
    """``plan`` with a day or a week it filters by that no conference falls
    in widened to the nearest conferences within NEAREST_DAYS either side
    ("on 25 December 2021" -> 24 to 27 December), its note saying so;
    unchanged otherwise. ``around(first, last)`` gives the nearest
    conference dates before and after a period, or None when one is in it."""
    if not (plan.date_from and plan.date_to) or (plan.date_to - plan.date_from).days >= 7:
        return plan
    found = around(plan.date_from.isoformat(), plan.date_to.isoformat())
    if not found:
        return plan
    before, after = (dt.date.fromisoformat(d) if d else None for d in found)
    start = before if before and (plan.date_from - before).days <= NEAREST_DAYS else None
    end = after if after and (after - plan.date_to).days <= NEAREST_DAYS else None
    if not (start or end):
        return plan
    start, end = start or plan.date_from, end or plan.date_to

    def widened(note: str) -> str:
        return (f"dates {start.isoformat()} to {end.isoformat()} (the briefings nearest "
                f"\"{note_said(note) or plan.date_from.isoformat()}\", which had none)")

    notes = tuple(widened(n) if note_group(n) == "dates" else n for n in plan.notes)
    return replace(plan, date_from=start, date_to=end, notes=notes)


def note_group(note: str) -> str:
    """Which filter a note of query understanding is about ("dates 2019-01-01 to
    ...", "questioner Bloomberg (from ...)")."""
    return note.split(" ", 1)[0]
