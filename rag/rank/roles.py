"""An official the question names by office: "What did the Transportation
Secretary say about the Key Bridge?" means Pete Buttigieg's replies.

The offices come from the index itself, not from a list kept here: a White
House title line introduces every briefer by office ("Press Briefing by Press
Secretary Karine Jean-Pierre, Secretary of Transportation Pete Buttigieg, and
..."), so each stored conference says who held which office on its date. An
office becomes a spokesperson filter only when

* the question presents its holder as the one who spoke ("did the Energy
  Secretary say", "the NEC director's answer", "according to the national
  security adviser"): "Who replaced the Commerce Secretary?" asks about the
  office, not what its holder said;
* one person holds it: in the index, counting the briefings that give each
  holder the office, so that one title line's slip ("White House National
  Security Advisor John Kirby") does not make Jake Sullivan's office
  ambiguous; or in every briefing of the period the question names ("the
  press secretary" in October 2024 is Karine Jean-Pierre).
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .speakers import SAY, asked_about

__all__ = ["OfficeBook", "office_of", "office_forms"]

#: the share of an office's briefings its holder must have for the office to
#: stand for them (one slip in a title line is outvoted)
HOLDER_SHARE = 0.75
_SPLIT = re.compile(r",\s*(?:and\s+)?|\s+and\s+|\s+&\s+|\bby\s+", re.I)
# the heads of offices that are turned around ("Energy Secretary" / "Secretary of Energy")
_HEADS = frozenset("""secretary director administrator advisor coordinator chair chairman
chairwoman commissioner spokesperson spokesman spokeswoman""".split())
_BODIES = frozenset("council office agency administration committee commission board".split())
_SMALL = frozenset({"of", "the", "for", "to", "and", "on"})
# a department's initials are no rule of its words (Homeland Security is DHS,
# not HS): the US executive departments' own, as reporters write them
_DEPARTMENTS = {"homeland security": "dhs", "health and human services": "hhs",
                "defense": "dod", "energy": "doe", "transportation": "dot",
                "justice": "doj", "agriculture": "usda",
                "housing and urban development": "hud", "interior": "doi", "labor": "dol"}
# words a title line puts around the offices that are no part of them
_PREFIX = re.compile(r"^(?:the\s+)?(?:white\s+house\s+|u\.?\s?s\.?\s+|united\s+states\s+)", re.I)
# a rank or honorific the title puts between office and name ("... Coordinator
# for the Southern Border Ambassador Roberta Jacobson", "... Coast Guard Vice
# Admiral Peter Gautier"): the person's, not the office's. "General" only with
# its rank: the Surgeon General and the Attorney General hold offices.
_HONORIFIC = re.compile(r"(?:^|\s+)(?:Ambassador|(?:Vice\s+|Rear\s+)?Admiral|(?:Lieutenant|Major|"
                        r"Brigadier)\s+General|Colonel|Captain|Dr\.?)$")
# what the holder of an office said: a verb of saying, or the noun for it
# ("the NEC director's answer")
_SAID = rf"(?:{SAY.pattern}|answer|response|remarks?|view|position)"

# any office, known or not, the question has speak: up to four words and a
# head ("the Secretary of State say", "the deputy national security advisor's answer")
_ANY_HEAD = r"(?:" + "|".join(sorted(_HEADS | {"representative", "ambassador", "envoy",
                                                 "general"})) + r")"
# words no office's name holds: "the White House respond after Secretary
# Blinken said" names no office "respond after Secretary"
_NOT_OFFICE = (rf"(?:the|after|before|when|while|about|to|on|in|at|for|with|that|and|or|by|"
               rf"{SAY.pattern[2:-2]})\b")
_ANY_OFFICE = re.compile(
    rf"\bthe\s+(?:white\s+house\s+|us\s+|united\s+states\s+)?(?P<office>(?:(?!{_NOT_OFFICE})[a-z]+\s+){{0,4}}?"
    rf"{_ANY_HEAD}(?:\s+of\s+(?:the\s+)?[a-z]+(?:\s+[a-z]+){{0,2}}?)?)"
    rf"(?=['’]s\b|(?:\s+\w+){{0,2}}?\s+{_SAID}\b)")


def _speaks(plain: str, start: int, end: int) -> bool:
    """The office at plain[start:end] ("the ...") is the one whose words are
    asked for: "did the Energy Secretary say", "according to the ...", "the
    ...'s answer"; not "How did the White House respond after the Energy
    Secretary said ..." (speakers.asked_about), and not "Who replaced the
    Commerce Secretary?" (no verb of saying)."""
    if not asked_about(plain, (start, end)):
        return False
    return bool(re.match(rf"['’]s\b|(?:\s+\w+){{0,2}}?\s+{_SAID}\b", plain[end:])
                or re.search(r"according\s+to\s+$", plain[:start]))


def _plain(text: str) -> str:
    """Lower case, one spelling of "adviser", no dots ("U.S." is "us"), one
    space between words: an office as :func:`_plain_offsets` spells questions."""
    return " ".join(_plain_offsets(text)[0].split())


def office_of(title: str, person: str) -> str | None:
    """The office ``title`` gives ``person`` ("Secretary of Transportation"
    for Pete Buttigieg in "Press Briefing by Press Secretary Karine
    Jean-Pierre, Secretary of Transportation Pete Buttigieg, and ..."), found
    by the full name or else the surname; None when the title does not name
    them or names no office before them."""
    title = " ".join(title.split())
    for name in (person, person.split()[-1]) if person.split() else ():
        m = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", title)
        if not m:
            continue
        before = _SPLIT.split(title[:m.start()])[-1].strip()
        before = _HONORIFIC.sub("", _PREFIX.sub("", before)).strip()
        words = before.split()
        # an office has a capitalized head word; "Press Briefing by" has none left
        if words and words[-1][:1].isupper() and not re.search(r"\bBriefing\b", before):
            return before
        return None
    return None


def office_forms(office: str) -> set[str]:
    """The ways a question may name ``office``, lower case: as written, its
    words turned around ("Secretary of Energy" / "Energy Secretary",
    "Director of the National Economic Council" / "National Economic Council
    Director") and with the body's initials ("NEC Director"). Forms of one
    word are left out: "the administrator" is a word every question may use."""
    plain = _plain(_PREFIX.sub("", office.strip()))
    forms = {plain}
    m = re.fullmatch(r"(\w+) of (?:the )?(.+)", plain)
    if m and m.group(1) in _HEADS:
        forms.add(f"{m.group(2)} {m.group(1)}")
        if m.group(1) == "secretary" and m.group(2) in _DEPARTMENTS:
            forms.add(f"{_DEPARTMENTS[m.group(2)]} secretary")
    m = re.fullmatch(r"(.+) (\w+)", plain)
    if m and m.group(2) in _HEADS and not set(m.group(1).split()) & _SMALL:
        forms.update({f"{m.group(2)} of {m.group(1)}", f"{m.group(2)} of the {m.group(1)}"})
    for form in list(forms):
        *body, head = form.split()
        # a body's initials only for a body ("National Economic Council" is
        # the NEC; "National Security Communications" is no NSC)
        if head in _HEADS and len(body) >= 3 and body[-1] in _BODIES \
                and all(w.isalpha() and w not in _SMALL for w in body):
            forms.add("".join(w[0] for w in body) + " " + head)
    return {f for f in forms if len(f.split()) >= 2}


@dataclass
class OfficeBook:
    """Who held which office on which dates, read from the index's titles."""

    holders: dict[str, Counter] = field(default_factory=dict)   # form -> Counter((person, date))
    offices: dict[str, Counter] = field(default_factory=dict)   # person -> Counter(office as written)

    @classmethod
    def from_titles(cls, rows: Iterable[tuple[str, str, Sequence[str]]]) -> "OfficeBook":
        """``rows``: (ISO date, title, the conference's spokespersons as shown)."""
        book = cls()
        for date, title, people in rows:
            for person in people:
                if not person or person.lower().startswith("the "):
                    continue
                office = office_of(title, person)
                if not office:
                    continue
                book.offices.setdefault(person, Counter())[office] += 1
                for form in office_forms(office):
                    book.holders.setdefault(form, Counter())[(person, date)] += 1
        return book

    def holder(self, form: str, date_from: dt.date | None = None,
               date_to: dt.date | None = None) -> str | None:
        """The one person ``form`` stands for (in the period, when given)."""
        count: Counter = Counter()
        for (person, date), n in self.holders.get(form, {}).items():
            day = dt.date.fromisoformat(date)
            if (date_from and day < date_from) or (date_to and day > date_to):
                continue
            count[person] += n
        if not count:
            return None
        person, n = count.most_common(1)[0]
        # in a period the question names, every briefing must agree: the
        # ministry's spokespersons take turns, and "the spokesperson" of a
        # month two of them shared is either
        share = 1.0 if (date_from or date_to) else HOLDER_SHARE
        return person if n >= share * sum(count.values()) else None

    def has_briefings(self, date_from: dt.date, date_to: dt.date) -> bool:
        """Does any briefing that names an office fall in the period?"""
        return any(date_from <= dt.date.fromisoformat(date) <= date_to
                   for forms in self.holders.values() for (_, date) in forms)

    def find(self, question: str, date_from: dt.date | None = None,
             date_to: dt.date | None = None) -> tuple[str, tuple[int, int], str] | None:
        """(person, span, the office as typed) for an office the question
        presents as the speaker and one person held; None otherwise."""
        if not self.holders:
            return None
        plain, where = _plain_offsets(question)
        collapsed = " ".join(plain.split())
        for form in sorted(self.holders, key=len, reverse=True):
            if form not in collapsed:   # a cheap test first: most questions name no office
                continue
            words = r"\s+".join(map(re.escape, form.split()))
            office = rf"(?:white\s+house\s+|us\s+|united\s+states\s+)?(?P<office>{words})"
            for m in re.finditer(rf"\bthe\s+{office}\b", plain):
                spoke = _speaks(plain, m.start(), m.end())
                person = spoke and self.holder(form, date_from, date_to)
                if person:
                    a, b = where[m.start("office")], where[m.end("office") - 1] + 1
                    return person, (a, b), question[a:b]
        return None

    def unknown(self, question: str) -> str | None:
        """An office the question presents as the speaker ("What did the
        Secretary of State say") that no briefing of the index gives anyone,
        as typed; None when there is none, or the index knows it (held by
        one person or several)."""
        plain, where = _plain_offsets(question)
        for m in _ANY_OFFICE.finditer(plain):
            office = " ".join(m.group("office").split())
            if len(office.split()) < 2 or office in self.holders \
                    or not _speaks(plain, m.start(), m.end("office")):
                continue
            a, b = where[m.start("office")], where[m.end("office") - 1] + 1
            return question[a:b]
        return None


def _plain_offsets(text: str) -> tuple[str, list[int]]:
    """``text`` as :func:`_plain` spells it (dots dropped, lower case, one
    "advisor"), with each character's offset in ``text``: the span of what
    was matched is the user's own words."""
    chars, where = [], []
    for i, c in enumerate(text):
        if c == ".":
            continue
        low = c.lower()
        chars.append(low if len(low) == 1 else c)
        where.append(i)
    return "".join(chars).replace("adviser", "advisor"), where   # same length: offsets hold
