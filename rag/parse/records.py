"""The units presscon works with: a conference and the exchanges in it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: A conference dated up to a day ahead is not "in the future": the user's
#: today may be the publisher's yesterday (Beijing is ahead of Washington).
FUTURE_SLACK = dt.timedelta(days=1)


@dataclass(frozen=True)
class Exchange:
    """One question and the spokesperson's whole reply, or an opening statement.

    ``text`` is the reply verbatim: its paragraphs joined by a blank line
    ("\\n\\n"), each paragraph exactly as in the source after whitespace runs
    are collapsed to one space.
    """

    ordinal: int                       # 0-based position in the conference
    kind: str                          # "answer" | "statement"
    text: str                          # reply verbatim, paragraphs joined by "\n\n"
    question: str | None = None        # the question verbatim (without its label)
    questioner: str | None = None      # normalized outlet, None when unknown
    questioner_label: str | None = None  # the label as printed ("Bloomberg News", "Q")
    spokesperson: str | None = None    # who answered, normalized ("Hua Chunying")
    #: Every official who spoke in the reply, in order of first speaking
    #: (a co-briefer and the press secretary both, say); () = just ``spokesperson``.
    speakers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conference:
    date: dt.date
    spokesperson: str                  # normalized, from the title line
    title: str
    source: str                        # path of the file it was parsed from
    sha256: str                        # of the file's bytes
    exchanges: tuple[Exchange, ...] = field(default_factory=tuple)
    url: str | None = None             # canonical URL when the page names one
    skipped: tuple[str, ...] = ()      # human-readable notes on paragraphs not used
    publisher: str = ""                # "Ministry of Foreign Affairs of China", "The White House"
    profile: str = ""                  # name of the profile that read the file ("mfa", "whitehouse")
    encoding: str = "utf-8"            # how the file's bytes were decoded ("cp1252", "utf-16")


class ParseError(ValueError):
    """A file that cannot be read as a transcript; the message names file and reason."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
