"""White House press briefings (the ``whitehouse`` profile): txt/Markdown -> :class:`Conference`.

The ministry parser (:mod:`rag.parse`) reads "Outlet: ..." / "Zhao Lijian: ..."
transcripts. White House briefings look different enough to get their own
walker, but the output obeys the same contract: every paragraph of an
exchange's ``text`` and ``question`` is a verbatim substring of the
whitespace-collapsed source paragraphs (a leading turn label removed), and
every unusable file raises :class:`ParseError` naming the file and the reason.

Formats
-------
* ``.txt`` (the corpus rendering): title line, then one paragraph per block.
  Use :func:`rag.parse.split_text_paragraphs`; the first paragraph is the title.
* ``.md`` (pandoc Markdown as scraped): YAML front matter (``title``, ``date``,
  ``source_url``, ...) read with PyYAML; the body is parsed with markdown-it-py
  and only the token stream is used: each ``paragraph_open``/``inline`` pair is
  one paragraph (tight-list items too), its text is the inline children's text
  with soft and hard line breaks as a space and inline HTML tags (``<s>``)
  dropped, so ``**emphasis**`` markers and ``\\`` escapes vanish the way the
  txt rendering removed them. Then whitespace is collapsed (no-break spaces
  included). All 100 corpus pairs give identical paragraph lists.

Turns
-----
* Reporter: a bare ``Q`` and a space (no colon; ``Q`` + no-break space in the
  source; the one ``Q``` typo too), or ``PHOTOJOURNALIST:``/``REPORTER:``.
  Reporters are never named: ``questioner`` is None, ``questioner_label`` the
  label (``"Q"``).
* Official: an upper-case label with a title word and a colon -
  ``MS. PSAKI:``, ``MR SULLIVAN:``, ``Mr. KIRBY:``, ``VICE ADMIRAL GAUTIER:``,
  ``MS. PÉREZ FERNÁNDEZ:``, ``THE PRESIDENT:``; a mistyped title word
  (``ADMINSITRATOR``) is accepted by fuzzy match, a glued ``QMS. PSAKI:`` is an
  official label. Upper-case words without a title (``CBS:`` quoting a headline
  inside a reply) are plain text.
* Staff: ``AIDE:``, ``WHITE HOUSE AIDE:`` ("we have to wrap"), a phone
  briefing's ``OPERATOR:`` - skipped with a note; they end the current
  exchange and never give a reply. So does an aide with a name label ("MS.
  DALTON: Karine, you've got about two minutes."): an official the title does
  not name who never says more than 15 words a turn and either never speaks
  first after a reporter or is never named in the briefing.
* Skipped with a note: everything before the first turn (venue, start time,
  correction notice), time lines (``2:13 P.M. EST``, ``END 1:53 P.M. EST``),
  separators (``###``) and stage directions standing alone (``(Laughter.)``,
  ``(Cross-talk.)``). Inline ``(laughs)``/``[sic]`` stay: replies are verbatim.

Who spoke
---------
Labels are keyed by surname (the words after the title words). A surname
not named in the title and rarer than a similar one in the same briefing is a
typo of it (rapidfuzz ratio >= 85: ``MAYORAKAS`` -> Mayorkas, ``BUTTITGIEG`` ->
Buttigieg; ``MS. DEESE`` is Mr. Deese by surname). Display names: the press
secretary's name from the title ("Jen Psaki"); others "First Surname" when the
title or the briefing names them ("John Kirby", "Anthony Fauci"), else the
surname as the briefing spells it ("Criswell", "McBath"). ``THE PRESIDENT`` is
"The President" (the label is followed, though both corpus uses read like
mislabelled press-secretary lines).

Exchanges
---------
* A reporter turn opens a question; reporter paragraphs (labelled or not)
  before the first official paragraph all belong to it. An unlabelled
  paragraph after a question is the question continuing when an official label
  follows before the next reporter turn; otherwise it is a reply without a
  label by the last official who spoke (the ministry's rule).
* Asides: a reporter's few words (<= 40 characters) into an open reply -
  "Q Yeah.", "Q (Inaudible.)", "Q But -", "Q Right." - that the same official
  then carries on are part of that reply: the aside keeps its label ("Q
  Yeah.") and so does the official taking the reply back ("MS. PSAKI: - just
  for your information"), every paragraph verbatim, the whole reply cited to
  the question it answers. A short question ("Why?", "And on Ukraine?") or
  the start of one ("Going back to the Venezuelan -") gets its own reply
  unless the reply was cut off mid-sentence, or resumes mid-sentence, or was
  only an acknowledgement so far ("Okay."). An aside the official answers by
  handing the floor on ("Q Me?" / "Yes. Go ahead." / "Q ...") is neither a
  question nor a reply; an aside left as the reply's last word is dropped,
  and so are pleasantries traded after the reply ("Q Karine, Happy
  Valentine's Day." / "Happy Valentine's Day."). A reporter's tag question
  ("Q Right?") is an aside, and so is cross-talk with both sides
  mid-sentence once the official has said more than a few words ("I can
  give you some economics on that -" / "Q - for the lag? Yeah." / "- the lag
  structure."). Any other reporter turn after the reply has begun ends that
  exchange and opens a new one with that turn as its question.
* Quips: a reporter's short remark without a question mark during the
  opening remarks or a topper ("Q Bonjour!", "Q Good luck with that.
  (Laughter.)"), with the official going on, is skipped with a note: the
  remarks stay statements (not "answering a reporter"). A cut-off start
  ("Q Jen, on the budget -") or one given the floor is a question. Remarks
  read as a long reply to a quip are remarks again: the official's first
  reply of the briefing (unless remarks of theirs already gave the floor to
  questions), to a question of at most 15 words, whose first paragraph
  reacts in at most 40 words and whose rest runs as remarks do (4+
  paragraphs, 200+ words), is that reaction and then statements ("Q Chicks
  perhaps?" / "Chicks. Maybe candy." / "A couple of updates ... at the
  top."); a first paragraph that greets the room or names people and
  places is remarks too, and the quip gets no reply.
* Greetings: a reporter turn that is only a pleasantry ("Good afternoon.",
  "Happy New Year.", "Thank you, Jen.", "Hi, Karine.", "Hi. How are you?") and comes when no real
  question is pending is not a question: it is skipped with a note and the
  official's next paragraphs are statements. So greetings never end the
  opening remarks, and the press secretary's "topper" after a co-briefer
  leaves ("Q Thank you." / "MS. PSAKI: Okay. I have a couple of things at the
  top.") is statements too. Before the first real exchange, noise-only turns
  ("Q (Inaudible.)") are treated the same way.
* Statements: official paragraphs with no question pending - opening remarks,
  a co-briefer's remarks after being introduced (attributed to the
  co-briefer), toppers. One statement a topic: one official's uninterrupted
  remarks are cut where the official turns to another topic ("Moving on to
  the hurricane", "Also today,", or a "Next," / "Second," onto new words)
  and before 400 words (rag/parse/segments.py); a lead-in ending with a
  colon keeps the list after it. Statement
  paragraphs that are only pleasantries or floor management ("Good afternoon,
  everybody.", "Go ahead.", "Thanks, Jen.") are skipped with a note. An
  official greeting the room or saying what is at the top, past the first
  paragraph of a reply ("Okay, good afternoon, everybody. Today I'm joined
  by ...") or first after a question once a real exchange has been ("Q
  Doctor Jha, why ...?" shouted as he leaves / "All right, guys. I have a
  few things for you at the top."), opens remarks: small talk before them
  that read as an exchange does not swallow them, and a question shouted
  past a departing co-briefer gets no reply.
* Floor management: a reply's last paragraphs that call on the next reporter
  ("Go ahead, Owen.", "Okay. Go ahead.") or hand the floor over ("With
  that, I will turn it over to Dr. Fauci.", "The podium is yours.") are
  dropped with a note, and so are remarks' closing lines of up to 40 words
  that do ("Go ahead, Owen. I haven't called on you in a while."). Once a
  reply has begun, an official's labelled paragraph that is only moderation ("MS. PSAKI: Kaitlan.", "Go ahead, Mary.", "Thank
  you so much, Admiral.", "We got to start wrapping up.") ends the exchange
  and is skipped with a note; what that official says next, before a new
  question, is a statement.
* The press secretary speaking into a co-briefer's open reply is part of that
  reply only when the co-briefer then carries on ("MS. PSAKI: We'll have a
  whole briefing after this." / "SECRETARY GRANHOLM: Yeah, I mean, ...");
  otherwise she is managing the floor or taking it back ("Go ahead, Mary.",
  "Brian has got to go."), which ends the exchange: her paragraph is skipped
  when it is only moderation, else a statement of hers. Her thanks seeing
  the co-briefer off ("Okay. Thank you, Mr. Secretary.") end the reply even
  when the co-briefer answers them, and a farewell of theirs of up to 25
  words ("Thanks very much. Real honored to be here.") is skipped. On the corpus nearly
  every such paragraph is floor management, so this keeps the co-briefer's
  replies clean.
* Several officials in one reply otherwise: a substantive labelled paragraph
  by another official while a reply is open (both mayors answering one
  question, a co-briefer adding to the press secretary's answer, cross-talk)
  stays in the same exchange. ``spokesperson`` is whoever spoke first (unless
  they only handed the reply over in a few words naming the next: "MR.
  ZIENTS: Dr. Fauci." makes it Fauci's), ``speakers`` lists all of them in
  order of first speaking, and the paragraph
  keeps its label ("MAYOR SUAREZ: I support it too.") - still verbatim, and
  the quoted reply shows who said what. Only the first speaker's label is
  removed.
* A lead-in the official nods to ("Q I have a question on the eviction
  moratorium." / "MS. PSAKI: Sure." / "Q Some states are reporting ...?"):
  while the question has no question mark and the reply is only nods
  ("Sure.", "Yes.", "Mm-hmm."), the next reporter turn continues the question
  and the nod is dropped with a note. So does a second part after a nod to a
  question with its question mark ("Q ... What's your response?" /
  "Yeah." / "Q And to what extent ...?") when the same official then
  answers: the nod is "Sure.", "Mm-hmm." or the like, or "Yeah." / "Right."
  to a "what" or "can you" question; "Yes." and "No." are answers.
* A reporter turn starting with a dash ("Q - a reason why ...") after a reply
  that is only short asides ("Yeah.", "Go ahead.", "You know -", each <= 40
  characters) continues the question: the asides are dropped with a note and
  the question keeps both reporter paragraphs.

Known limits: a reporter paragraph that lacks its ``Q`` label in the source
reads as the official's text (a statement or part of a reply); two corpus
briefings label a press-secretary line ``THE PRESIDENT:``, and it is
attributed as printed. Display names are per briefing: "Fauci" where the
briefing only says "Dr. Fauci" (the store shows one name per person across
briefings: rag/people.py).
"""
from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field, replace

from .records import Conference, Exchange, ParseError
from .segments import Topics
from .profiles import collapse_whitespace
from .walker import stem_date
from .whitehouse_labels import (PODIUM_RE, Q_RE, TITLE_RE, Turn, canonical_keys, classify,
                                fixed_official, full_names, is_greeting, is_moderation, is_noise,
                                moderator_label, parse_title, unnamed_official)

__all__ = ["WHITE_HOUSE", "WhiteHouseProfile", "detect", "parse", "PUBLISHER", "NAME"]

PUBLISHER = "The White House"
NAME = "whitehouse"


class WhiteHouseProfile:
    """The White House's press briefings (txt and scraped Markdown); a
    :class:`rag.parse.profiles.BriefingProfile`."""

    name = NAME
    publisher = PUBLISHER
    event_name = "White House press briefing"
    statement_name = "statement"      # toppers and co-briefers' remarks come mid-briefing too
    unnamed_questioner = "a reporter"
    self_names = ("White House", "the administration", "the administration's",
                  "press secretary", "Biden administration", "Biden-Harris administration")
    outlet_aliases: dict[str, str] = {}     # reporters are never named ("Q")
    html_title_selectors: tuple[str, ...] = ()
    html_body_selector = ""

    def parse_title(self, line: str) -> object | None:
        """(date, press secretary) for a briefing title, else None."""
        if re.search(r"\bForeign\s+Ministry\b", line, re.I) or not TITLE_RE.search(line):
            return None
        # a title without its date is still one ("Press Gaggle by Press Secretary
        # Karine Jean-Pierre Aboard Air Force One"): parse() dates it by the file name
        return parse_title(line)

    def event_of(self, title: str) -> str:
        """The podium the title opens with ("Background Press Call on ..." ->
        "White House background press call", "On-the-Record Press Gaggle by
        ..." -> "White House on-the-record press gaggle"); "White House press
        briefing" for the press secretary's briefings and any other title."""
        m = PODIUM_RE.match(title or "")
        if m is None:
            return self.event_name
        words = re.sub(r"(?i)^white\s+house\s+", "", " ".join(m.group(0).split()))
        return "White House " + re.sub(r"(?i)on the record", "on-the-record", words).lower()

    def conference(self, title: str, paras: list[str], source: str, sha256: str,
                   url: str | None, notes: list[str], first_index: int) -> Conference:
        conf = parse(title, paras, source, sha256, url)
        return conf if not notes else Conference(**{**conf.__dict__,
                                                     "skipped": tuple(notes) + conf.skipped})


_YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")

WHITE_HOUSE = WhiteHouseProfile()

# ------------------------------------------------------------------ detect
_WH_LABEL_RE = re.compile(r"^Q?(?:MS|MR|MRS|DR)\.?\s+[A-Z][A-Z'’\-]+(?:\s+[A-Z'’\-]+)?:\s")


def detect(title: str, paragraphs: list[str]) -> bool:
    """Is this a White House briefing?

    Yes when the title is a "Press Briefing by Press Secretary ..." title with
    a date, or when the first paragraphs have both an upper-case official
    label ("MS. PSAKI:") and a bare "Q " reporter turn. Ministry files
    ("Foreign Ministry Spokesperson ...", "Zhao Lijian:" labels) have neither.
    """
    if re.search(r"\bForeign\s+Ministry\b", title or "", re.I):
        return False
    if TITLE_RE.search(title or "") and parse_title(title)[0] is not None:
        return True
    head = paragraphs[:300]
    officials = sum(1 for p in head if _WH_LABEL_RE.match(p))
    reporters = sum(1 for p in head if Q_RE.match(p) and not p.startswith("Q:"))
    return officials >= 2 and reporters >= 1



# ------------------------------------------------------------------ walker
@dataclass
class _Pending:
    kind: str                                  # answer | statement
    question: list[str] = field(default_factory=list)
    label: str | None = None
    reply: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)   # display names
    keys: list[str] = field(default_factory=list)       # their label keys
    last_key: str | None = None                # key of the latest reply paragraph's speaker
    asides: list[int] = field(default_factory=list)     # reply paragraphs that are a reporter's
    first_resumed: bool = False                # its first speaker spoke again after another
    first_part: list[str] = field(default_factory=list)  # what its first speaker said before
    relabel: bool = False                      # after an aside: the official's next label stays
    first_para: str | None = None              # the reply's first paragraph with its label

    def restart_reply(self) -> None:
        """Forget the official's words so far: the question goes on (they
        were a nod, or asked what was meant)."""
        self.reply, self.speakers, self.keys, self.asides, self.first_part = [], [], [], [], []
        self.last_key, self.first_para, self.first_resumed, self.relabel = None, None, False, False

    def note_resumed(self, key: str, body: str) -> None:
        """The reply's first speaker says ``body`` after another official:
        theirs again, unless it is only floor talk ("Dr. Walensky?" / her
        answer / "Next question." stays Walensky's reply)."""
        if len(self.keys) > 1 and key == self.keys[0] and not _floor_talk(body):
            self.first_resumed = True


#: A reporter turn starting with a dash continues the question when the reply so
#: far is only asides this short ("Yeah.", "Right.", "You know -").
_DASHES = ("—", "–", "-", "…")
_MAX_ACK_CHARS = 40

#: An official's nod that lets a reporter go on ("Sure.", "Mm-hmm.", "Yes, go ahead.").
_ACK_RE = re.compile(r"^(?:(?:yes|yeah|yep|sure|okay|ok|oh|mm-hmm|uh-huh|right|please|of course"
                     r"|absolutely|got it|all right|go ahead)[.,!]?\s*)+$", re.I)

#: A reply's last paragraph that only nods ("Yeah.", "Yep."), after the
#: official's own words and not after a reporter's aside: calling on the
#: next reporter (Jake Sullivan's way), not part of the reply.
_NOD_RE = re.compile(r"^(?:yeah|yep|yes|yup|okay|ok)[.!]?$", re.I)

#: A lead-in statement ("He also issued:") keeps at most this many paragraphs.
_MAX_LIST_ITEMS = 12


def parse(title: str, paragraphs: list[str], source: str, sha256: str = "",
          url: str | None = None) -> Conference:
    """Title + body paragraphs of a White House briefing -> Conference (rules: module docs)."""
    title = collapse_whitespace(title)
    date, secretary = parse_title(title)
    notes: list[str] = []
    stem = stem_date(source)
    if date is None and stem is not None and not _YEAR_RE.search(title):
        # the scraper's gaggles aboard Air Force One are often titled without
        # a date; the file name's (2022-10-27-press-gaggle-...) is the day's.
        # A title with a date that is no day ("2/30/2023") is refused instead.
        date = stem
        notes.append(f"title names no date; using the file name's {stem.isoformat()}")
    if date is None:
        raise ParseError(source, f"title {title[:120]!r} names no date ('Month D, YYYY' or "
                                 "'M/D/YYYY'), nor does the file name (YYYY-MM-DD...): "
                                 "not a White House briefing transcript?")
    if stem is not None and stem != date:
        notes.append(f"title date {date.isoformat()} differs from file name date "
                     f"{stem.isoformat()}; using the title's")
    paras = [p for p in (collapse_whitespace(p) for p in paragraphs) if p]
    turns = _after_closing_time(_labels_joined(classify(p) for p in paras))
    canon = canonical_keys(title, turns, notes)
    keys = list(dict.fromkeys(canon[t.key] for t in turns if t.kind == "official"))
    surnames = [k for k in keys if fixed_official(k) is None]
    names = full_names(title, paras, surnames)
    names.update({k: fixed_official(k) for k in keys if k not in surnames})
    sec_key = None
    if secretary:
        for k in surnames:
            if secretary.upper().endswith(k) or secretary.upper().split()[-1] == k.split()[-1]:
                names[k] = secretary
                sec_key = k
                break
    counts = Counter(canon[t.key] for t in turns if t.kind == "official")
    if not counts:
        raise ParseError(source, "no exchanges or statements: no official's turn label "
                                 "(such as 'MS. PSAKI:' or 'MR. KIRBY:') found (truncated, "
                                 "not a briefing transcript, or labels in a form not known)")
    if secretary is None:
        sec_key = counts.most_common(1)[0][0]
        secretary = names[sec_key]
        notes.append(f"title names no press secretary; using the most frequent speaker {secretary}")
    elif sec_key is None:   # the title's press secretary has no label of their own
        sec_key = counts.most_common(1)[0][0]
        notes.append(f"no turn label is the title's press secretary {secretary}; remarks "
                     f"before a label are given to the most frequent speaker {names[sec_key]}")

    exchanges = _walk(turns, canon, names, sec_key, notes, _aides(title, turns, canon, sec_key))
    if not any(e.kind == "answer" for e in exchanges) and not exchanges:
        raise ParseError(source, "no exchanges or statements after the title "
                                 "(truncated or not a transcript)")
    return Conference(date=date, spokesperson=secretary, title=title, source=source,
                      sha256=sha256, exchanges=tuple(exchanges), url=url,
                      skipped=tuple(notes), publisher=PUBLISHER, profile=NAME)


def _after_closing_time(turns: list[Turn]) -> list[Turn]:
    """Unlabelled text after the briefing's closing time line ("11:44 A.M.
    EST", then "To view the COVID Press Briefing slides, visit <...>") is the
    page's, not the last speaker's: skipped, not appended to the last reply."""
    first = next((i for i, t in enumerate(turns) if t.kind == "official"), None)
    last = next((i for i in range(len(turns) - 1, -1, -1) if turns[i].kind == "skip"
                 and turns[i].why in ("time line", "end line")), None)
    if first is None or last is None or last < first \
            or any(t.kind != "text" for t in turns[last + 1:] if t.kind != "skip"):
        return turns
    return turns[:last + 1] + [replace(t, kind="skip", why="after the closing time line")
                               if t.kind == "text" else t for t in turns[last + 1:]]


def _labels_joined(turns: Iterable[Turn]) -> list[Turn]:
    """A label on a line of its own ("MR. KIRBY:", then the reply's first
    paragraph) joined to the paragraph after it, so that no reply or question
    starts with an empty paragraph."""
    out: list[Turn] = []
    for t in turns:
        prev = out[-1] if out else None
        if prev is not None and prev.kind in ("official", "staff", "reporter") \
                and not prev.body.strip() and t.kind == "text":
            out[-1] = replace(prev, body=t.para)
            continue
        out.append(t)
    return out


#: An aide's turns are short: at most this many words, with the paragraphs after the label.
_AIDE_MAX_WORDS = 15


def _aides(title: str, turns: list[Turn], canon: dict[str, str], sec_key: str | None
           ) -> set[str]:
    """Officials of this briefing who only manage the floor: never more than
    a few words a turn, and either never the first to speak after a reporter
    or never named in the briefing ("MS. DALTON: We have time for a couple
    more.", "Karine, you've got about two minutes."; a guest's "Thank you.").
    Not the press secretary, nor anyone the title names (a co-briefer who
    only adds "I support it too.")."""
    answered: set[str] = set()
    longest: Counter = Counter()
    last: str | None = None        # the official whose turn is running
    words = 0
    prev = None                    # kind of the latest labelled turn
    for t in turns + [Turn("reporter", "", "")]:   # the sentinel ends the last turn
        if t.kind == "skip":
            continue
        if t.kind == "text":
            words += len(t.body.split())
            continue
        if last is not None:
            longest[last] = max(longest[last], words)
        last = None
        if t.kind == "official":
            last, words = canon[t.key], len(t.body.split())
            if prev == "reporter":
                answered.add(last)
        prev = t.kind
    named = title.upper()
    short = [k for k, n in longest.items()   # never the President, nor "FBI OFFICIAL"
             if k != sec_key and n <= _AIDE_MAX_WORDS and k.split()[-1] not in named
             and fixed_official(k) is None]

    def mentioned(k: str) -> bool:
        # named in the briefing's own words (introduced, thanked, asked): a
        # guest or co-briefer, unless they never answer a reporter
        return any(re.search(rf"\b{re.escape(k.split()[-1])}\b", t.body, re.I)
                   for t in turns if t.kind != "skip")

    return {k for k in short if k not in answered or not mentioned(k)}


def _walk(turns: list[Turn], canon: dict[str, str], names: dict[str, str],
          sec_key: str | None, notes: list[str], aides: Container[str] = frozenset()
          ) -> list[Exchange]:
    out: list[Exchange] = []
    in_aide_turn = False                 # the paragraphs of an aide's turn are theirs too
    in_staff_turn = False                # and those of a moderator's or operator's
    cur: _Pending | None = None
    speaker: str | None = sec_key        # who is talking when a paragraph has no label
    started = False                      # a first turn (any label) was seen
    real_exchange = False                # a real question got a reply
    greeting: Turn | None = None        # greeting turn just skipped (may turn into a question)
    # which paragraphs of one official's remarks make one statement (rag/parse/segments.py)
    topics = Topics(t.body for t in turns if t.kind in ("official", "text"))

    def where(i: int | None) -> str:
        return f"paragraph {i + 1}" if i is not None else "remarks after a quip"

    # how many exchanges came before the floor was last given to questions
    # ("With that, ...", "Go ahead, Owen."): remarks before it are over
    floor_given_after = 0

    def close() -> None:
        nonlocal cur, real_exchange, floor_given_after
        if cur is None:
            return
        given_before = floor_given_after   # this reply's own last line may give the floor
        while cur.asides and cur.asides[-1] == len(cur.reply) - 2 and len(cur.reply) > 2 \
                and is_greeting(classify(cur.reply[-1]).body):
            # "... Q Karine, Happy Valentine's Day." / "Happy Valentine's Day.":
            # pleasantries traded after the reply, not part of it
            notes.append(f"pleasantries after a reply {cur.reply[-2][:60]!r}")
            del cur.reply[-2:]
            cur.asides.pop()
        while cur.asides and cur.asides[-1] == len(cur.reply) - 1:
            # the reporter had the last word (the official moved on): not part of the reply
            notes.append(f"reporter's aside after a reply {cur.reply.pop()[:60]!r}")
            cur.asides.pop()
        while len(cur.reply) > 1 and (_gives_floor(cur.reply[-1]) or (
                cur.kind == "answer" and (_calls_on_next(cur.reply[-1]) or (
                    _NOD_RE.match(cur.reply[-1]) and len(cur.reply) - 2 not in cur.asides)))) \
                and len(cur.reply) - 1 not in cur.asides:
            # "... Go ahead, Owen." closing a reply, or "And with that, Aamer."
            # closing remarks, calls on the next reporter (a last "Yes." after
            # an aside is an answer: it stays)
            notes.append(f"floor management after a {'reply' if cur.kind == 'answer' else 'statement'}"
                         f" {cur.reply.pop()[:60]!r}")
            floor_given_after = len(out) + 1
        while cur.kind == "statement" and cur.reply and _closes_remarks(cur.reply[-1]):
            notes.append(f"floor management closing remarks {cur.reply.pop()[:60]!r}")
            floor_given_after = len(out) + 1
        if cur.kind == "answer" and cur.reply and _passed_over(cur):
            # "Q Is that a concern to this administration?" / "Go ahead, April.":
            # the official called on someone else; that question got no reply
            notes.append(f"question passed over {' / '.join(cur.reply)[:60]!r}: "
                         + " ".join(cur.question)[:60])
            floor_given_after = len(out)
        elif cur.kind == "answer" and not cur.reply:
            notes.append("question without a reply: " + " ".join(cur.question)[:80])
        elif cur.kind == "answer" and _remarks_after_quip(cur, out, given_before):
            # "Q Chicks perhaps?" / "Chicks. Maybe candy." / "A couple of updates
            # for all of you at the top. ...": the quip gets its one-paragraph
            # reply, the rest are the official's remarks (statements by topic)
            # (when that paragraph already greets the room or names what is at
            # the top, the quip was an aside and all of it is remarks)
            opens = _opens_remarks(cur.reply[0]) or _names_things(cur.reply[0])
            # (an official's paragraph after a reporter's aside kept its label
            # inside the reply; a statement holds the words only)
            key, rest = cur.keys[0], [classify(p).body if j - 1 in cur.asides else p
                                      for j, p in enumerate(cur.reply)
                                      if j not in cur.asides and (j > 0 or opens)]
            notes.append(f"{'aside during' if opens else 'quip before'} remarks "
                         f"{' '.join(cur.question)[:60]!r}")
            if opens:
                cur = None
            else:
                cur.reply, cur.asides = cur.reply[:1], []
                close()
            for body in rest:
                statement(body, key, None)
            close()
            if floor_given_after != given_before:   # the remarks' last line gave it
                floor_given_after = len(out)
        elif cur.reply:
            if cur.kind == "answer":
                real_exchange = True
            out.append(Exchange(
                ordinal=len(out), kind=cur.kind, text="\n\n".join(cur.reply),
                question="\n\n".join(cur.question) if cur.kind == "answer" else None,
                questioner=None, questioner_label=cur.label if cur.kind == "answer" else None,
                spokesperson=_answerer(cur) or names.get(sec_key or "", None),
                speakers=tuple(cur.speakers) if len(cur.speakers) > 1 else ()))
        cur = None

    def add_reply(body: str, para: str, key: str) -> None:
        assert cur is not None
        name = names[key]
        if not cur.reply:
            cur.reply.append(body)
            cur.first_para = para
        elif key != cur.last_key or cur.relabel or (para != body and unnamed_official(key)):
            # keep the second speaker's label, and every "SENIOR ADMINISTRATION
            # OFFICIAL:" after the first: under it may speak another person
            cur.reply.append(para if para != body else body)
        else:
            cur.reply.append(body)
        cur.relabel = False
        cur.note_resumed(key, body)
        if not cur.speakers or (name == cur.speakers[0] and len(cur.speakers) == 1):
            cur.first_part.append(body)
        if name not in cur.speakers:
            cur.speakers.append(name)
            cur.keys.append(key)
        cur.last_key = key

    def statement(body: str, key: str, i: int | None) -> None:
        nonlocal cur, floor_given_after
        if _floor_talk(body) or _hands_over(body):
            notes.append(f"{where(i)}: pleasantry/floor management {body[:60]!r}")
            if _hands_over(body) or _gives_floor(body):
                floor_given_after = len(out) + (cur is not None)
            return
        if cur is not None and cur.kind == "statement" and cur.reply and cur.last_key == key \
                and cur.reply[0].endswith(":") and len(cur.reply) < _MAX_LIST_ITEMS \
                and (len(cur.reply) == 1 or body[:1].islower()):
            # "The President also signed:" + the next paragraph, and the list
            # items after it that continue the sentence ("an executive order ...").
            cur.reply.append(body)
            return
        if cur is not None and cur.kind == "statement" and cur.last_key == key \
                and topics.continues(cur.reply, body):
            cur.reply.append(body)   # the same topic of the same remarks: one passage
            return
        close()
        cur = _Pending("statement", reply=[body], speakers=[names[key]], keys=[key], last_key=key)

    farewells: set[int] = set()    # a co-briefer's words taking leave (ids of their turns)
    for i, t in enumerate(turns):
        if id(t) in farewells:
            notes.append(f"{where(i)}: farewell {t.para[:60]!r}")
            continue
        if t.kind == "skip":
            notes.append(f"{where(i)}: {t.why} {t.para[:40]!r}")
            continue
        if not started:
            if t.kind == "text":
                notes.append(f"{where(i)}: before the first turn {t.para[:60]!r}")
                continue
            started = True
        prev_greeting, greeting = greeting, None
        if (t.kind == "official" and canon[t.key] in aides) or (t.kind == "text" and in_aide_turn):
            # the floor managed, not a reply or a statement; like staff, it ends
            # the exchange ("We have time for one more." comes between them)
            if not in_aide_turn:
                close()
            in_aide_turn = True
            notes.append(f"{where(i)}: an aide managing the floor {t.para[:60]!r}")
            continue
        in_aide_turn = False
        if t.kind == "text" and in_staff_turn:
            # the moderator's turn goes on ("MODERATOR: We'll take the China
            # question ..." / "We'll take your first question. Over to ..."):
            # neither the question nor anyone's reply
            notes.append(f"{where(i)}: staff {t.para[:60]!r}")
            continue
        in_staff_turn = t.kind == "staff"

        if t.kind == "reporter":
            pending_question = cur is not None and cur.kind == "answer" and not cur.reply
            replying = cur is not None and cur.kind == "answer" and bool(cur.reply)
            nxt = _next_official(turns, i)
            same = replying and nxt is not None and canon[nxt.key] == cur.last_key
            # "Q <question>" / "Sure." / "Q Thank you." / "Well, look, ...": thanks
            # for the nod, not the end of the exchange (the answer is still to come)
            nodded = same and all(_ACK_RE.match(p) for p in cur.reply)
            if not pending_question and not nodded and (
                    is_greeting(t.body) or (not real_exchange and not replying and is_noise(t.body))):
                close()
                greeting = t
                notes.append(f"{where(i)}: greeting, not a question {t.para[:60]!r}")
                continue
            if pending_question:
                if t.body and not (is_greeting(t.body) and not cur.question):
                    cur.question.append(t.body)
                continue
            # "Q ... How much does the President want to spend?" / "How much?" /
            # "Q How much?" / "Wait - wait until ...": the official asked what
            # was meant and the same official then answers; the question is all
            # of it, the official's words kept verbatim with their label
            if replying and same and _clarifies(cur):
                notes.append(f"{where(i)}: the official asks what was meant {cur.reply[0][:60]!r}")
                cur.question.extend([cur.first_para or cur.reply[0], t.para])
                cur.restart_reply()
                continue
            if _is_aside(t.body):
                then = _floor_given_to(turns, i)
                if nxt is not None and then is not None and then.body[:1] not in _DASHES and (
                        _gives_floor(nxt.body) or ("?" not in t.body and _ACK_RE.match(nxt.body))):
                    # "Q Me?" / "Yes. Go ahead." / "Q <question>", "Q And last
                    # question." / "Sure." / "Q <question>": neither is an exchange
                    # (unless the reporter goes on: "Q Jen, on the budget -" /
                    # "Go ahead." / "Q - will he sign it?"). After a question only
                    # a hand-over counts: "Q Where to?" / "To Ohio." is a reply.
                    close()
                    notes.append(f"{where(i)}: aside before floor management {t.para[:60]!r}")
                    continue
                said = [p for j, p in enumerate(cur.reply) if j not in cur.asides] if cur else []
                if nxt is None and replying and said[-1][-1:] in _DASHES:
                    # "... So, I will pass that off to -" / "Q Keep going." / "Q Not
                    # a problem with that here." / "- I will pass that off to
                    # Karine.": asides in a row, and the official then finishes
                    # the sentence they broke off
                    after = _official_after_asides(turns, i)
                    if after is not None and canon[after.key] == cur.last_key \
                            and after.body[:1] in _DASHES:
                        nxt, same = after, True
                crosstalk = same and t.body[:1] in _DASHES and said[-1][-1:] in _DASHES \
                    and nxt.body[:1] in _DASHES \
                    and not all(len(p) <= _MAX_ACK_CHARS for p in cur.reply)
                if crosstalk or (same and t.body[:1] not in _DASHES
                                 and _resumes(t.body, said, nxt.body)):
                    # "Q Yeah." / "Q (Inaudible.)" / "Q Why?" and the same official
                    # carries on: one reply to the question asked, the aside kept
                    # verbatim with its label (and the official's next label too).
                    # So is cross-talk, both mid-sentence, once the official has
                    # said more than a few words ("I can give you some economics
                    # on that -" / "Q - for the lag? Yeah." / "- the lag structure.").
                    cur.asides.append(len(cur.reply))
                    cur.reply.append(t.para)
                    cur.relabel = True
                    continue
            in_remarks = cur.kind == "statement" if cur is not None \
                else (not out or out[-1].kind == "statement")
            if in_remarks and _is_quip(t.body, nxt):
                # "Q Bonjour!" / "Q Good luck with that. (Laughter.)" during the
                # opening remarks or a topper, and the official goes on: a quip
                # (the remarks' topic goes on too)
                if cur is not None and cur.kind != "statement":
                    close()
                greeting = t
                notes.append(f"{where(i)}: aside during remarks, not a question {t.para[:60]!r}")
                continue
            # The reporter goes on and the official's words so far are dropped:
            # "Q I have a question on the eviction moratorium." / "Sure." / "Q Some
            # states are reporting ...?" (a lead-in, a nod, the question), and
            # "Q ... the NATO Secretary-General said -" / "Yeah." / "Q - a reason why".
            lead_in = replying and bool(cur.question) and not cur.asides and all(
                _ACK_RE.match(p) or _GO_AHEAD_RE.match(p) or _gives_floor(p) for p in cur.reply) and (
                "?" not in cur.question[-1] or _PERMISSION_RE.search(cur.question[-1]) is not None)
            # ... and "Q Is he going to Ohio?" / "So -" / "Q And will he see the
            # plant?": the official broke off before saying anything
            cut_off = replying and all(len(p) <= _MAX_ACK_CHARS for p in cur.reply) and (
                t.body[:1] in _DASHES or (not cur.asides and _broke_off(cur.reply)))
            # "Q ... What's the White House's response to that?" / "Yeah." / "Q
            # And to what extent are you concerned ...?" and the same official
            # answers: a nod to a question in two parts ("Yes." / "No." answer:
            # they stay replies)
            two_part = replying and same and _FOLLOW_ON_RE.match(t.body) is not None \
                and _nods_only(cur.reply, cur.question)
            if lead_in or cut_off or two_part:
                notes.append(f"{where(i)}: question continues after {' / '.join(cur.reply)[:60]!r}")
                cur.restart_reply()
                cur.question.append(t.body)
                continue
            begun: list[str] = []
            if replying and t.body[:1] in _DASHES and cur.asides \
                    and cur.asides[-1] == len(cur.reply) - 2:
                # "... there's a clear -" / "Q So, the President would support
                # those -" / "- a clear connection." / "Q - workers?": the aside
                # was this question's start, the official finishing a sentence
                started_q = classify(cur.reply[-2]).body
                finished = classify(cur.reply[-1]).body
                if started_q[-1:] in _DASHES and finished[:1] in _DASHES:
                    notes.append(f"{where(i)}: question begun inside a reply {started_q[:60]!r}")
                    cur.reply[-2:] = [finished]
                    cur.asides.pop()
                    begun = [started_q]
            close()
            cur = _Pending("answer", begun + ([t.body] if t.body else []), label=t.label)
        elif t.kind == "staff":
            if not (cur is not None and cur.kind == "answer" and not cur.reply
                    and moderator_label(t.label or "") and _question_continues(turns, i)):
                # a call's moderator between a question and its reply ("We'll
                # take the China question ... [official], over to you.") keeps
                # it open; an aide's "We have to go." ends it
                close()
            notes.append(f"{where(i)}: staff {t.para[:60]!r}")
        elif t.kind == "official":
            key = canon[t.key]
            speaker = key
            if cur is not None and cur.kind == "statement" and cur.last_key == key \
                    and unnamed_official(key):
                close()   # one label, maybe another person: remarks of their own
            if cur is not None and cur.kind == "answer" and _opens_remarks(t.body) \
                    and (cur.reply or real_exchange):
                # a reply does not greet the room; nor does the first word
                # after a question shouted as a co-briefer leaves ("Q Doctor
                # Jha, why ...?" / "All right, guys. I have a few things for
                # you at the top."): that question got no reply
                close()
                statement(t.body, key, i)
            elif cur is not None and cur.kind == "answer":
                first = cur.keys[0] if cur.keys else None
                if not cur.reply or key == cur.last_key:
                    add_reply(t.body, t.para, key)
                elif key == sec_key and first != sec_key:
                    # The press secretary speaks into a co-briefer's reply: part
                    # of it if the co-briefer then carries on, else she is
                    # managing the floor (or taking it back). Thanks alone
                    # ("Okay. Thank you, Mr. Secretary.") see the co-briefer off
                    # when what they say back is a few words of farewell.
                    after = _next_official(turns, i)
                    if is_greeting(t.body) and not _ACK_RE.match(t.body) and (
                            after is None or (after.body[:1] not in _DASHES
                                              and not after.body[:1].islower()
                                              and len(after.body.split()) <= _FAREWELL_WORDS)):
                        close()
                        notes.append(f"{where(i)}: floor management {t.para[:60]!r}")
                        if after is not None and canon[after.key] == first:
                            farewells.add(id(after))   # "Thanks very much. Real honored ..."
                    elif _carries_on(turns, i, first, canon):
                        add_reply(t.body, t.para, key)
                    else:
                        close()
                        statement(t.body, key, i)
                elif _floor_talk(t.body) \
                        and not (key in cur.keys and _carries_on(turns, i - 1, key, canon)):
                    close()
                    notes.append(f"{where(i)}: floor management {t.para[:60]!r}")
                else:
                    add_reply(t.body, t.para, key)
            else:
                statement(t.body, key, i)
        else:  # unlabelled text
            if cur is not None and cur.kind == "answer" and not cur.reply:
                if not cur.question or _question_continues(turns, i):
                    cur.question.append(t.body)
                else:
                    add_reply(t.body, t.body, speaker or sec_key)
            elif cur is not None and cur.kind == "answer" and _opens_remarks(t.body):
                close()
                statement(t.body, speaker or sec_key, i)
            elif cur is not None and cur.kind == "answer":
                if cur.last_key != speaker and speaker is not None:
                    add_reply(t.body, t.body, speaker)
                else:
                    cur.reply.append(t.body)
                    if cur.last_key is not None:   # past "Okay. It's okay.": theirs
                        cur.note_resumed(cur.last_key, t.body)
            elif prev_greeting is not None and _question_continues(turns, i):
                # "Q Thanks, Jen." + the question in the next paragraph.
                notes.pop() if notes and notes[-1].startswith(f"{where(i - 1)}: greeting") else None
                close()
                cur = _Pending("answer", [prev_greeting.body, t.body], label=prev_greeting.label)
            else:
                statement(t.body, speaker or sec_key, i)
    close()
    return out


#: An official greeting the room: remarks begin ("Okay, good afternoon, everybody.",
#: "All right. It's Tuesday. Happy Tuesday, everybody.", "All right, everybody.",
#: "Anyway, good afternoon, everybody.").
_OPENS_REMARKS_RE = re.compile(
    r"^(?:(?:okay|ok|all\s+right|alright|well|so|yeah|oh|again|anyway)[,.!?]?\s+)*"
    r"(?:it(?:'|’)s\s+\w+day[.!]\s+)?"
    r"(?:good\s+(?:morning|afternoon|evening)\b"
    r"|happy\s+(?:monday|tuesday|wednesday|thursday|friday|new\s+year)\b"
    r"|(?:hi|hello|all\s+right),?\s+(?:everybody|everyone|folks)\b)", re.I)


#: An official announcing the items of remarks ("So I have a few things at the
#: top.", "All right, guys. I have a few things for you at the top.").
_AT_THE_TOP_RE = re.compile(
    r"\b(?:have|got)\b[^.?!]{0,40}?\b(?:things|items|announcements|updates?|news)\s+"
    r"(?:(?:for|with)\s+(?:you|you\s+all|all\s+of\s+you)\s+)?at\s+the\s+top\b"
    # "I just have one more thing, and then I'll go into your questions."
    r"|\bthen\s+I(?:'|’)ll\s+(?:go|get|turn|move)\s+(?:in)?to\s+(?:your\s+)?questions\b"
    r"|\bbefore\s+I\s+(?:take|go\s+to|get\s+to|turn\s+to)\s+(?:your\s+)?questions\b", re.I)


def _opens_remarks(body: str) -> bool:
    """An official's paragraph that greets the room, or announces what they
    have "at the top", opens remarks, also when it follows small talk the
    parser took for an exchange ("Q If you have time to bake, I'll be truly
    impressed." / "... Oh, I know." / "Okay, good afternoon, everybody. Today
    I'm joined by ...", "Q Do you mean previous Monday or next Monday?" /
    "Ahh, whatever Monday you want is yours." / "Okay. So, again, good
    afternoon, everyone. ... I have a few things at the top."): a reply does
    not greet the room in its second paragraph."""
    return (_OPENS_REMARKS_RE.match(body) is not None
            or _AT_THE_TOP_RE.search(body[:300]) is not None)


#: Remarks read as a long reply to a quip, when no words of the official's
#: announce them: the quip is short, the official's first paragraph reacts
#: to it in a few words, and the rest runs as long as remarks do.
_QUIP_MAX_WORDS = 15
_REACTION_MAX_WORDS = 40
_REMARKS_MIN_PARAGRAPHS = 4
_REMARKS_MIN_WORDS = 200
#: the official gave remarks and then the floor: a long reply after them answers a question
_GAVE_REMARKS_WORDS = 150


def _remarks_after_quip(cur: _Pending, out: Sequence[Exchange], floor_given_after: int) -> bool:
    """A reply that is an official's opening remarks interrupted by a quip
    ("Q Chicks perhaps?" / "Chicks. Maybe candy." / "A couple of updates
    ... at the top"; "Q They don't say 'good afternoon' to you at the
    Pentagon?" / "No, it's not quite as enthusiastic. (Laughter.)" / "I
    think this week, as you all have seen, Russia ..."): one official, the
    first reply they give in the briefing, and not after remarks of theirs
    that gave the floor to questions (remarks interrupted halfway, "Q
    President Obama -" / "I know, I know. We're going back ...", go on)."""
    if len(cur.speakers) != 1 or not cur.reply:
        return False
    paras = [p for j, p in enumerate(cur.reply) if j not in cur.asides]
    if len(" ".join(cur.question).split()) > _QUIP_MAX_WORDS \
            or len(paras) < _REMARKS_MIN_PARAGRAPHS \
            or len(paras[0].split()) > _REACTION_MAX_WORDS \
            or sum(len(p.split()) for p in paras) < _REMARKS_MIN_WORDS:
        return False
    name = cur.speakers[0]
    said = [i for i, e in enumerate(out) if e.spokesperson == name or name in e.speakers]
    if any(out[i].kind == "answer" for i in said):
        return False
    gave = sum(len(out[i].text.split()) for i in said) >= _GAVE_REMARKS_WORDS
    return not (gave and floor_given_after > said[-1])


#: words of a proper name in a sentence ("Jake Sullivan is in Israel today"),
#: not the pronoun I or a sentence's first word
_PROPER_RE = re.compile(r"(?<![.!?]\s)(?<![.!?]\s\s)(?<!^)\b(?!I\b|I['’])[A-Z][a-z]+")


def _names_things(body: str) -> bool:
    """A paragraph that names people or places ("All right. (Laughs.) Look,
    as you all know, National Security Advisor Jake Sullivan is in Israel
    today.") is not a reaction to a quip but the remarks themselves."""
    return len(_PROPER_RE.findall(body)) >= 3


#: A co-briefer's words after the press secretary's thanks, at most this long,
#: take leave ("Thanks very much. Real honored to be here."); longer ones go on
#: with the reply.
_FAREWELL_WORDS = 25


def _floor_talk(body: str) -> bool:
    """Only pleasantries, floor management or stage directions ("Go ahead, Mary.",
    "Okay. It's okay. (Laughter.)")."""
    return is_moderation(body) or is_noise(body)


def _is_aside(body: str) -> bool:
    """A reporter's few words into an official's turn ("Yeah.", "(Inaudible.)", "Me?")."""
    return len(body) <= _MAX_ACK_CHARS


#: An official's nod that lets a reporter go on to a second part, never an
#: answer of its own ("Sure.", "Mm-hmm."); "Yeah." and "Right." are nods only
#: to a question they cannot answer ("What's the White House's response?"),
#: and "Yes." and "No." are always answers.
_LISTEN_RE = re.compile(r"^(?:(?:sure|mm-hmm|uh-huh|okay|ok|got\s+it)[.,!]?\s*)+$", re.I)
_YEAH_RE = re.compile(r"^(?:(?:yeah|right|sure|mm-hmm|uh-huh|okay|ok)[.,!]?\s*)+$", re.I)
_OPEN_QUESTION_RE = re.compile(r"(?:^|[.?!]\s+)(?:what|how|why|when|where|who|which|can\s+you"
                               r"|could\s+you|would\s+you)\b[^.?!]*\?\s*$", re.I)


def _nods_only(reply: list[str], question: list[str]) -> bool:
    """Is the reply so far only nods to ``question``, not an answer to it?"""
    if all(_LISTEN_RE.match(p) for p in reply):
        return True
    return all(_YEAH_RE.match(p) for p in reply) and bool(question) \
        and _OPEN_QUESTION_RE.search(question[-1]) is not None
#: A reporter asking leave to ask ("Can I ask you a quick one on Iran?", "Could
#: I follow up on that, Jen?"): the question comes in their next turn.
_PERMISSION_RE = re.compile(
    r"(?:^|[.?!]\s+)(?:(?:and|but|so|okay|ok|yeah|great|thanks|thank\s+you)[,.!]?\s+)*"
    r"(?:can|could|may)\s+(?:I|we)\s+(?:just\s+|also\s+|quickly\s+|actually\s+|real\s+quick\s+)*"
    r"(?:ask|follow|do|get|try|have|jump|squeeze|sneak|pivot|switch|turn)\b[^?]{0,80}\?\s*$", re.I)

#: An official letting the reporter go on ("Oh, go ahead.", "Yeah. Go ahead, Steve.").
_GO_AHEAD_RE = re.compile(r"^(?:(?:oh|yeah|yes|sure|okay|ok|please|all\s+right)[,.!]?\s+)*"
                          r"go\s+(?:—\s+go\s+)?ahead(?:,\s+[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)?)?[.!]?$",
                          re.I)

#: An official's question back, at most this long ("How much?", "You mean on
#: the ground, Kelly?", "Do you mean members of the party? Or the -").
_CLARIFY_WORDS = 12


#: Words that answer, so a reply holding them was not only floor management
#: ("Yes, ma'am.", "Nope. Go ahead.").
_ANSWER_WORD_RE = re.compile(r"\b(?:yes|yeah|yep|yup|no|nope|correct|right|sure|absolutely|exactly"
                             r"|of\s+course|I\s+don(?:'|’)t|we\s+don(?:'|’)t)\b", re.I)


#: A stage direction saying the official called on someone ("(Calling on
#: another reporter.) Yes."): the "Yes." that follows gives the floor.
_CALLING_ON_RE = re.compile(r"^\((?:calling\s+on|points?\s+(?:to|at)|gestures?\s+(?:to|at))\b", re.I)


def _passed_over(cur: _Pending) -> bool:
    """A reply that only calls on the next reporter ("Go ahead, Ed.", "I'll
    come back to you.", "(Calling on another reporter.) Yes.") and answers nothing."""
    if cur.reply and not cur.asides and _CALLING_ON_RE.match(cur.reply[0]) \
            and all(is_noise(p) or is_moderation(p) for p in cur.reply):
        return True
    return not cur.asides and all(
        is_noise(p) or (is_moderation(p) and _FLOOR_RE.search(p) is not None) for p in cur.reply) \
        and not any(_ANSWER_WORD_RE.search(p) for p in cur.reply)


#: An official's first words broken off, at most this long ("So -", "I -",
#: "Here's the thing -").
_BROKE_OFF_WORDS = 4


def _broke_off(reply: list[str]) -> bool:
    """Is the reply only a few words broken off, answering nothing ("No -" and
    "Yeah -" may be answers: they stay)?"""
    # words, not the dashes between them: "The President — well, I —" is four
    words = [w for w in reply[0].split() if w.strip("".join(_DASHES))] if len(reply) == 1 else []
    return len(reply) == 1 and len(words) <= _BROKE_OFF_WORDS \
        and reply[0].rstrip()[-1:] in _DASHES and _ANSWER_WORD_RE.search(reply[0]) is None


def _clarifies(cur: _Pending) -> bool:
    """Is the reply so far one short question back to the reporter?"""
    if len(cur.reply) != 1 or cur.asides or len(cur.speakers) != 1:
        return False
    body = cur.reply[0].rstrip()
    if len(body.split()) > _CLARIFY_WORDS or is_noise(body):
        return False
    return body.endswith("?") or (body[-1:] in _DASHES and "?" in body) \
        or _REPEAT_RE.search(body) is not None


#: An official asking to hear the question again ("S- — say that one more
#: time.", "Sorry, come again.", "I didn't hear you."): no reply, part of
#: the question the reporter then repeats.
_REPEAT_RE = re.compile(r"\bsay\s+(?:that|it)\s+(?:one\s+more\s+time|again)\b|\bcome\s+again\b"
                        r"|\brepeat\s+(?:that|the\s+question)\b|\bdidn(?:'|’)t\s+(?:hear|catch)\b",
                        re.I)


#: A reporter's turn going on with the same question ("And to what extent ...",
#: "But have you reached out to them?").
_FOLLOW_ON_RE = re.compile(r"^(?:and|but|also|so)\b", re.I)

#: A reporter's tag on their own point, asking nothing new ("Right?", "No?",
#: "Isn't it?"): the official's reply goes on.
_TAG_QUESTION_RE = re.compile(r"^(?:right|correct|no|true|really|is\s+that\s+right|isn(?:'|’)t\s+it"
                              r"|don(?:'|’)t\s+you\s+think)\?$", re.I)


def _resumes(body: str, reply: list[str], official: str) -> bool:
    """Does the official's next paragraph carry the open reply on past the
    reporter's aside ``body``?

    Yes when the reply was cut off or goes on mid-sentence ("Can I note two
    things -" / "Q Yes?" / "- just for your information"), or has so far
    only acknowledged the question ("Okay."). Otherwise only after a remark
    of a few words ("Yeah.", "(Inaudible.)", "Right.", "But -"):
    a short question ("Why?", "And on Ukraine?") or the start of one ("Going
    back to the Venezuelan -", "If I could just follow on the storms.") gets
    its own reply."""
    if reply[-1][-1:] in _DASHES or official[:1] in _DASHES or official[:1].islower():
        return True
    words = len(body.split())
    if _TAG_QUESTION_RE.match(body):
        return True     # "Q Of course. But so does showing up." / "- taking it seriously." / "Q Right?"
    if "?" in body:
        return False
    if body[-1:] not in _DASHES and all(len(p) <= _MAX_ACK_CHARS for p in reply
                                        if not p.startswith("Q ")):
        # the official has only acknowledged so far ("Okay." / "Q I'm going to
        # have one more, after." / "Okay. Is that okay with you?" / the answer)
        return True
    return words <= (2 if body[-1:] in _DASHES else 4)


#: An official's first words into a reply that another then gives, at most this
#: long, only hand it over ("Dr. Fauci.", "I'm just trying to keep him on time.").
_HANDOFF_WORDS = 8
_HANDOFF_RATIO = 5


def _answerer(cur: _Pending) -> str | None:
    """Who gave the reply: its first speaker, unless they only handed it to
    the next one (a few words naming them, floor talk, or a few words before
    five times as many) and never spoke again: "Dr. Fauci." then Fauci's
    answer is Fauci's reply."""
    if not cur.speakers:
        return None
    first = cur.speakers[0]
    part = " ".join(cur.first_part)
    if len(cur.speakers) > 1 and not cur.first_resumed and len(part.split()) <= _HANDOFF_WORDS:
        nxt = cur.speakers[1]
        named = any(re.search(rf"\b{re.escape(w)}\b", part, re.I)
                    for w in nxt.split() if len(w) > 2)
        # or the next says nearly all of it ("I'm just trying to keep him on
        # time." before Dr. Fauci's whole answer)
        rest = sum(len(p.split()) for p in cur.reply) - len(part.split())
        if named or _floor_talk(part) or rest >= _HANDOFF_RATIO * max(1, len(part.split())):
            return nxt
    return first


def _is_quip(body: str, nxt: Turn | None) -> bool:
    """A reporter's aside during remarks: short, not asking ("?"), not cut off
    ("Jen, on the budget -"), and the official then goes on rather than giving
    the floor ("Go ahead.")."""
    return (_is_aside(body) and "?" not in body and body[-1:] not in _DASHES
            and nxt is not None and not _floor_talk(nxt.body))


def _carries_on(turns: list[Turn], i: int, key: str | None, canon: dict[str, str]) -> bool:
    """Does official ``key`` take the reply back right after turn ``i``?

    Yes when their next turn is substantive, or is only "Okay. It's okay.
    (Laughter.)" but runs on in unlabelled paragraphs (the answer itself)."""
    for j in range(i + 1, len(turns)):
        t = turns[j]
        if t.kind == "skip":
            continue
        if t.kind != "official" or canon[t.key] != key:
            return False
        if not _floor_talk(t.body):
            return True
        rest = next((u for u in itertools.islice(turns, j + 1, None) if u.kind != "skip"), None)
        return rest is not None and rest.kind == "text"
    return False


#: What an official says to hand the floor on ("Yes. Go ahead.", "You, sir.").
_FLOOR_RE = re.compile(r"\bgo\s+ahead\b|\byou\b|\bright\s+here\b|\bin\s+the\s+back\b|\bbehind\b"
                       r"|\bnext\b|\blast\s+question\b", re.I)


#: "With that, ..." opening a paragraph: the official is done and hands on.
_WITH_THAT = r"^(?:(?:and|but|so|okay|ok|all\s+right)[,.]?\s+)*with\s+that\b"

#: A line that hands the floor on ("With that, Alex, why don't you kick us off?",
#: "I'll turn it over to you, Olivia.", "did you have a question, right there?",
#: "With that, I will turn it over to Dr. Fauci.", "And I'm happy to take any
#: questions.", "And with that, Jake, the podium is yours.").
_HAND_OVER_RE = re.compile(r"\bkick\s+(?:us|it|things)\s+off\b|\bstart\s+us\s+off\b"
                           r"|\bturn\s+(?:it|this|things)\s+(?:over|back)\s+to\s+(?!the\b)"
                           r"|\btake\s+(?:some|your)\s+questions\b"
                           r"|\b(?:happy\s+to|I(?:'|’)ll|I\s+will|we(?:'|’)ll|we\s+can|I\s+can)\s+take\s+"
                           r"(?:a\s+few\s+|a\s+couple\s+(?:of\s+)?|any\s+)?questions\b"
                           rf"|{_WITH_THAT}|\b(?:podium|floor)\s+is\s+(?:all\s+)?yours\b"
                           r"|\b(?:did|do)\s+you\s+have\s+a\s+question\b|\bfirst\s+question\b", re.I)
_MAX_HAND_OVER_CHARS = 120


def _hands_over(body: str) -> bool:
    return len(body) <= _MAX_HAND_OVER_CHARS and _HAND_OVER_RE.search(body) is not None


#: Remarks' last paragraph handing the floor on in more words than a reply's
#: ("Go ahead, Owen. I haven't called on you in a while. Way in the back.",
#: "And with that, I will turn it over to my NSC colleague, Admiral John Kirby,
#: who will discuss the latest ...").
_CLOSING_RE = re.compile(rf"\bgo\s+ahead\s*(?:[,.!—–-]|$)|{_WITH_THAT}", re.I)
_MAX_CLOSING_WORDS = 40


#: A reply's last paragraph calling on the next reporter in a few more words
#: ("Go ahead, Patsy. I promised to get back to you.", "Go ahead, all the way
#: in the back.", "Go ahead. I'm going to the two ladies behind you."): it
#: opens with the go-ahead, so "We will go ahead." is no such paragraph.
_CALLS_NEXT_RE = re.compile(r"^(?:(?:okay|ok|all\s+right|so|and|yeah|yes|oh)[,.]?\s+)*go\s+ahead"
                            r"(?:\s*[,.!—–-]|\s+in\s+the\b|\s*$)", re.I)
_MAX_CALLS_NEXT_WORDS = 30


def _calls_on_next(body: str) -> bool:
    return len(body.split()) <= _MAX_CALLS_NEXT_WORDS and _CALLS_NEXT_RE.match(body) is not None


def _closes_remarks(body: str) -> bool:
    return len(body.split()) <= _MAX_CLOSING_WORDS and _CLOSING_RE.search(body) is not None


def _gives_floor(body: str) -> bool:
    """Floor management that names the next asker, not a one-word answer
    ("To Ohio.", "Thirty." pass :func:`is_moderation` too)."""
    return is_noise(body) or _hands_over(body) or (
        is_moderation(body) and _FLOOR_RE.search(body) is not None)


def _floor_given_to(turns: list[Turn], i: int) -> Turn | None:
    """The reporter's turn when turn ``i`` is followed by an official's and then
    a reporter's (the official gave the floor: "Yes. Go ahead."), else None."""
    rest = list(itertools.islice((t for t in itertools.islice(turns, i + 1, None)
                                  if t.kind != "skip"), 2))
    ok = len(rest) == 2 and rest[0].kind == "official" and rest[1].kind == "reporter"
    return rest[1] if ok else None


def _next_official(turns: list[Turn], i: int) -> Turn | None:
    """The official's turn right after turn ``i`` (skips ignored); None when the
    next turn is anything else (a reporter, unlabelled text, staff)."""
    for t in turns[i + 1:]:
        if t.kind == "skip":
            continue
        return t if t.kind == "official" else None
    return None


def _official_after_asides(turns: list[Turn], i: int) -> Turn | None:
    """The official's turn after turn ``i`` and any reporter's asides of a few
    words right after it; None when anything else comes first."""
    for t in turns[i + 1:]:
        if t.kind == "skip" or (t.kind == "reporter" and _is_aside(t.body)):
            continue
        return t if t.kind == "official" else None
    return None


def _question_continues(turns: list[Turn], i: int) -> bool:
    """Is unlabelled paragraph ``i`` still the reporter speaking?

    Yes when an official label follows before the next reporter turn. A
    moderator between them ("Q ... Gabe Gutierrez with NBC." / "Question: Have
    you spoken ...?" / "MODERATOR: We'll take the China question ..." / "SENIOR
    ADMINISTRATION OFFICIAL: ...") does not end the reporter's turn: the
    paragraph is still the question, never the reply of whoever spoke before.
    """
    for t in turns[i + 1:]:
        if t.kind == "official":
            return True
        if t.kind == "reporter":
            return False
    return False
