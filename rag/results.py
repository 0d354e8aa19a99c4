"""What travels upward from search: hits, their citations, an answer.

Plain frozen dataclasses built from stored passage rows, so every layer
above the ranking (analysis, export, the chat, the CLI) depends on this
module only, never on the retriever.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .store import PassageRow

__all__ = ["Hit", "Answer", "Citation", "format_citation", "hit_from_row", "citation_from_row"]


def format_citation(spokesperson: str | None, date: dt.date, questioner: str | None,
                    kind: str, publisher: str = "", speakers: tuple[str, ...] = (),
                    title: str = "") -> str:
    """"Zhao Lijian, press conference of 24 December 2021, answering Bloomberg";
    "Karine Jean-Pierre, White House press briefing of 7 October 2024,
    answering a reporter": the publisher's profile names its events (by the
    event's ``title`` where it has several kinds: "White House background
    press call of 27 November 2024")."""
    from .parse.registry import citation_style, statement_name
    event, unnamed = citation_style(publisher, title)
    # "A and B", "A, B and C"
    who = (", ".join(speakers[:-1]) + " and " + speakers[-1]) if len(speakers) > 1 \
        else (spokesperson or "Spokesperson")
    when = f"{event} of {date.day} {date:%B %Y}"
    if kind == "statement":
        return f"{who}, {when}, {statement_name(publisher)}"
    return f"{who}, {when}, answering {questioner or unnamed}"


@dataclass(frozen=True)
class Citation:
    """One occasion a (grouped) reply was given: its own verbatim wording and source."""

    passage_id: int
    date: dt.date
    questioner: str | None
    spokesperson: str
    question: str | None
    text: str                  # this occasion's reply, verbatim
    citation: str              # e.g. "Zhao Lijian, press conference of 24 December 2021, answering AFP"
    kind: str = "answer"
    source: str = ""
    url: str | None = None
    title: str = ""
    publisher: str = ""
    speakers: tuple[str, ...] = ()    # every official who spoke, when more than one

    def to_dict(self) -> dict[str, Any]:
        return {"passage_id": self.passage_id, "date": self.date.isoformat(),
                "questioner": self.questioner, "spokesperson": self.spokesperson,
                "question": self.question, "text": self.text, "citation": self.citation,
                "kind": self.kind, "source": self.source, "url": self.url, "title": self.title,
                "publisher": self.publisher, "speakers": list(self.speakers)}


@dataclass(frozen=True)
class Hit:
    text: str                  # the whole reply, verbatim
    date: dt.date
    questioner: str | None
    spokesperson: str
    question: str | None
    score: float
    citation: str
    passage_id: int
    kind: str = "answer"       # "answer" | "statement"
    source: str = ""           # file the passage came from
    url: str | None = None
    title: str = ""
    publisher: str = ""        # "Ministry of Foreign Affairs of China", "The White House"
    speakers: tuple[str, ...] = ()   # every official who spoke in the reply, when more than one
    close: bool = True         # this hit addresses the question closely (False: only nearest)
    # Every occasion this reply (or a near-identical wording of it) was given,
    # oldest first, this hit's own included; see rag/index/repeats.py.
    citations: tuple[Citation, ...] = ()

    @property
    def count(self) -> int:
        """How many times the reply was given (1 for a reply never repeated)."""
        return len(self.citations) or 1

    @property
    def first_date(self) -> dt.date:
        return self.citations[0].date if self.citations else self.date

    @property
    def last_date(self) -> dt.date:
        return self.citations[-1].date if self.citations else self.date

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["date"] = self.date.isoformat()
        d["citations"] = [c.to_dict() for c in self.citations]
        d["speakers"] = list(self.speakers)
        d.update(count=self.count, first_date=self.first_date.isoformat(),
                 last_date=self.last_date.isoformat())
        return d


@dataclass(frozen=True)
class Answer:
    """What ``Retriever.ask`` found, and what it read from the question."""
    hits: list[Hit]
    understood: tuple[str, ...] = ()   # applied: filters or a preferred period from the words
    dropped: tuple[str, ...] = ()      # read, but matched nothing: the hits are without them
    # False when no returned reply addresses the question closely: the hits
    # are only the nearest replies (see rag/rank/ for the evidence used)
    close_match: bool = True
    searched_for: str | None = None    # the question as searched, when words were corrected
    not_found: tuple[str, ...] = ()    # words of the question the index never uses
    # a person the question names, not applied because a filter given names another
    overridden: tuple[str, ...] = ()
    # the person or office whose words are asked for, when the index has no
    # one by that name ("no spokesperson called Wang Wenbin in this index
    # (nearest: ...)"): the hits are then from any spokesperson
    no_such_speaker: str | None = None
    # the publisher the question asks to hear ("What did China say ...?" of an
    # index that holds others too): only its replies are judged close
    asked_of: str | None = None


def citation_from_row(p: "PassageRow") -> Citation:
    spokesperson = p.spokesperson or ""
    return Citation(passage_id=p.id, date=p.date, questioner=p.questioner,
                    spokesperson=spokesperson, question=p.question, text=p.text,
                    citation=format_citation(spokesperson, p.date, p.questioner, p.kind,
                                             p.publisher, p.speakers, p.title),
                    kind=p.kind, source=p.source, url=p.url, title=p.title,
                    publisher=p.publisher, speakers=p.speakers)


def hit_from_row(p: "PassageRow", score: float, citations: tuple[Citation, ...] = ()) -> Hit:
    c = citation_from_row(p)
    return Hit(text=c.text, date=c.date, questioner=c.questioner, spokesperson=c.spokesperson,
               question=c.question, score=round(score, 6), citation=c.citation,
               passage_id=c.passage_id, kind=c.kind, source=c.source, url=c.url, title=c.title,
               publisher=c.publisher, speakers=c.speakers, citations=citations)
