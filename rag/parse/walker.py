"""Classified paragraphs -> exchanges: the order of turns, for any label profile.

A question turn opens an exchange; answer-labelled and unlabeled paragraphs
after it are the reply; unlabeled paragraphs before the first question, or
after a separator, are statements. What a label looks like is the profile's
business (rag/parse/profiles.py); this module only knows the order.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .profiles import (ANSWER, BOILERPLATE, FOLLOW_UP, HEADING, INTERJECTION, QUESTION,
                       SEPARATOR, Profile)
from .records import Conference, Exchange, ParseError

__all__ = ["conference", "stem_date"]

_STEM_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?!\d)")


def stem_date(source: str) -> dt.date | None:
    m = _STEM_DATE_RE.match(Path(source).name)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


# ----------------------------------------------------------------- walker
@dataclass
class _Pending:
    kind: str                              # "answer" | "statement"
    question: list[str] = field(default_factory=list)
    reply: list[str] = field(default_factory=list)
    questioner: str | None = None
    label: str | None = None
    spokesperson: str | None = None
    answered: bool = False                 # an answer label (or unlabeled reply) began


def conference(profile: Profile, title: str, paras: list[str], source: str, sha256: str,
                url: str | None, notes: list[str], first_index: int) -> Conference:
    """Title + body paragraphs -> Conference (shared by txt and HTML)."""
    info = profile.parse_title(title)
    if info is None:
        raise ParseError(source, "no title line naming a press conference, briefing or "
                                 "gaggle and its date (not a transcript?)")
    stem = stem_date(source)
    year = info.year
    if year is None:
        if stem is None:
            raise ParseError(source, f"title {title!r} has no year and the file name "
                                     "does not start with a YYYY-MM-DD date")
        year = stem.year
    try:
        date = dt.date(year, info.month, info.day)
    except ValueError:
        raise ParseError(source, f"title {title!r} names an impossible date") from None
    if stem is not None and stem != date:
        notes.append(f"title date {date.isoformat()} differs from file name date "
                     f"{stem.isoformat()}; using the title's")
    exchanges = _exchanges(profile, paras, info.spokesperson, notes, first_index)
    if not exchanges:
        raise ParseError(source, "no exchanges or statements after the title "
                                 "(truncated or not a transcript)")
    return Conference(date=date, spokesperson=info.spokesperson, title=title,
                      source=source, sha256=sha256, exchanges=tuple(exchanges),
                      url=url, skipped=tuple(notes), publisher=profile.publisher,
                      profile=profile.name)


def _exchanges(profile: Profile, paras: list[str], spokesperson: str, notes: list[str],
               first_index: int) -> list[Exchange]:
    """Walk classified paragraphs and group them into exchanges.

    Rules (see module docs): a question turn opens an exchange; answer-labelled
    and unlabeled paragraphs after it are the reply; unlabeled paragraphs
    before the first question, or after a separator, are statements (one per
    paragraph); a "Journalist:" interjection before any reply continues the
    question, after a reply it opens a new question by an unknown asker.
    """
    own = frozenset({spokesperson.lower()})
    turns = [profile.classify(p, own) for p in paras]
    labelled = any(t.kind == ANSWER and t.label for t in turns)
    out: list[Exchange] = []
    cur: _Pending | None = None
    last_questioner: str | None = None

    def close() -> None:
        nonlocal cur
        if cur is None:
            return
        if cur.kind == "answer" and not cur.reply:
            if cur.question:
                notes.append("question without a reply: " + " ".join(cur.question)[:80])
        elif cur.reply:
            out.append(Exchange(
                ordinal=len(out), kind=cur.kind, text="\n\n".join(cur.reply),
                question="\n\n".join(cur.question) if cur.kind == "answer" else None,
                questioner=cur.questioner, questioner_label=cur.label,
                spokesperson=cur.spokesperson or spokesperson))
        cur = None

    def open_question(t, questioner: str | None) -> None:
        nonlocal cur
        close()
        cur = _Pending("answer", [t.body] if t.body else [], questioner=questioner,
                       label=t.label)

    for i, t in enumerate(turns):
        where = f"paragraph {i + first_index}"
        if t.kind == SEPARATOR:
            close()
            notes.append(f"{where}: separator {paras[i][:20]!r}")
        elif t.kind == BOILERPLATE:
            notes.append(f"{where}: site text {paras[i]!r}")
        elif t.kind == HEADING:
            # "The following questions were raised after the press conference:"
            # - the question itself (labelled or not) comes next.
            notes.append(f"{where}: heading {paras[i][:80]!r}")
            open_question(t, None)
        elif t.kind == QUESTION and labelled and cur is not None and cur.kind == "answer" \
                and cur.answered and cur.reply and not _answered_later(turns, i) \
                and t.questioner is not None \
                and (t.label or "").lower() not in profile.outlet_aliases:
            # "President Xi Jinping: ..." inside a reply, on a page whose every
            # reply has its spokesperson's label: no question (none answers
            # it), but the reply's own words, kept whole and verbatim
            cur.reply.append(paras[i])
            notes.append(f"{where}: {t.label!r} read as part of the reply (no reply follows it)")
        elif t.kind == QUESTION:
            open_question(t, t.questioner)
            last_questioner = t.questioner
        elif t.kind == FOLLOW_UP:
            open_question(t, last_questioner)
        elif t.kind == INTERJECTION:
            if cur is not None and cur.kind == "answer" and not cur.answered:
                if t.body:
                    cur.question.append(t.body)
            else:
                open_question(t, None)
        elif t.kind == ANSWER:
            if cur is not None and cur.kind == "answer":
                if not cur.answered:
                    cur.answered = True
                    cur.spokesperson = t.spokesperson
                if t.body:
                    cur.reply.append(t.body)
            else:
                # The spokesperson speaks before any question: an announcement.
                close()
                if t.body:
                    cur = _Pending("statement", reply=[t.body], spokesperson=t.spokesperson,
                                   answered=True)
                    if not t.body.endswith((":", "：")):
                        close()
        else:  # TEXT
            if cur is not None and cur.kind == "answer":
                if not cur.answered and not cur.question:
                    cur.question.append(t.body)          # "Q:" alone, question below
                elif not cur.answered and _answered_later(turns, i):
                    cur.question.append(t.body)          # multi-paragraph question
                else:
                    cur.answered = True                  # reply without "A:"
                    cur.reply.append(t.body)
            elif cur is not None and cur.kind == "statement":
                cur.reply.append(t.body)                 # after "... as follows:"
                close()
            else:
                # One statement per paragraph: announcements on different topics
                # are separate paragraphs. A lead-in ending with a colon ("I have
                # two announcements to make today:") keeps the next one with it.
                close()
                cur = _Pending("statement", reply=[t.body], answered=True)
                if not t.body.endswith((":", "：")):
                    close()
    close()
    return out


def _answered_later(turns, i: int) -> bool:
    """Does an answer label follow turn ``i`` before the next question or separator?

    For an unlabeled paragraph after an unanswered question: it is still the
    question (the reporter spoke for several paragraphs), else the reply
    lacks its "A:" label. For a "Name:" paragraph inside a reply: no reply
    answers it, so it is the reply's own words."""
    for t in turns[i + 1:]:
        if t.kind == ANSWER:
            return True
        if t.kind in (QUESTION, FOLLOW_UP, INTERJECTION, SEPARATOR, HEADING):
            return False
    return False


