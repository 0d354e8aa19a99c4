"""White House briefings: the title line, turn labels, pleasantries and names.

What a paragraph of a briefing *is* (a reporter's ``Q``, an official's
``MS. PSAKI:``, staff, a time line, a stage direction), whether a short turn
is only a greeting or floor management, and which display name a label
stands for. The order of turns is rag/parse/whitehouse.py's business.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from dataclasses import dataclass

from ..index.words import english_frequencies
from .profiles import MONTHS, collapse_whitespace

__all__ = ["parse_title", "Turn", "classify", "is_greeting", "is_moderation", "is_noise",
           "full_names", "canonical_keys", "FIXED_OFFICIALS", "fixed_official", "unnamed_official",
           "moderator_label", "Q_RE", "TITLE_RE", "PODIUM_RE"]

# ------------------------------------------------------------------ title
_TITLE_DATE_RE = re.compile(
    r"\b(?P<month>[A-Z][a-z]{2,8})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\s*[,.]?\s*(?P<year>\d{4})\b")
#: "2/14/2023": one briefing of 2023 is titled so (the US order, month first).
_TITLE_NUMERIC_DATE_RE = re.compile(r"(?<![\d/])(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})\b")
#: The podium such a title opens with, which citations name ("Background Press Call").
PODIUM_RE = re.compile(r"(?:(?:On-the-Record|On\s+the\s+Record|Background|Virtual|Regional"
                       r"|White\s+House)\s+)*(?:Press\s+)?(?:Briefing|Gaggle|Call|Roundtable)s?\b", re.I)
#: A briefing's title: the press secretary's ("Press Briefing by Press Secretary
#: Jen Psaki"), or, starting the title, the White House's other podiums: "Press
#: Briefing by White House COVID-19 Response Team ...", "On-the-Record Press
#: Gaggle by ... John Kirby", "Background Press Call on ...". Anchored at the
#: start so that another department's ("Department Press Briefing") is not read
#: as the White House's.
TITLE_RE = re.compile(r"\bPress\s+(?:Briefing|Gaggle|Conference)\b.*\bPress\s+Secretary\b"
                      rf"|^(?:{PODIUM_RE.pattern})\s+(?:by|with|on|previewing|from)\b", re.I)
_PRESS_SEC_RE = re.compile(
    r"\bPress\s+Secretary\s+(?P<name>[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,3}?)"
    r"(?=\s*,|\s+and\b|\s*$|\s*&|\s+(?:Aboard|En\s+Route|at\s+the|in\s+[A-Z])\b)")



def parse_title(title: str) -> tuple[dt.date | None, str | None]:
    """(date, press secretary) named by a briefing title; None for what is missing.

    The date is the last "Month D, YYYY" in the title ("January 6. 2023,
    January 6, 2023" and "March 7th, 2022" both occur), else the last
    "M/D/YYYY" ("Karine Jean-Pierre, 2/14/2023").
    """
    date = None
    for m in _TITLE_DATE_RE.finditer(title):
        month = MONTHS.get(m.group("month").lower())
        if month is None:
            continue
        try:
            date = dt.date(int(m.group("year")), month, int(m.group("day")))
        except ValueError:
            continue
    if date is None:
        for m in _TITLE_NUMERIC_DATE_RE.finditer(title):
            try:
                date = dt.date(int(m.group("year")), int(m.group("month")), int(m.group("day")))
            except ValueError:
                continue
    m = _PRESS_SEC_RE.search(title)
    return date, (collapse_whitespace(m.group("name")) if m else None)


# ----------------------------------------------------------------- labels
#: Words that make an upper-case label an official's ("SECRETARY MAYORKAS").
_TITLE_WORDS = frozenset({
    "MR", "MS", "MRS", "MISS", "DR", "SECRETARY", "ADMINISTRATOR", "AMBASSADOR",
    "DIRECTOR", "CHAIR", "CHAIRMAN", "CHAIRWOMAN", "MAYOR", "REPRESENTATIVE", "SENATOR",
    "GOVERNOR", "VICE", "ADMIRAL", "REAR", "GENERAL", "COLONEL", "LIEUTENANT", "CAPTAIN",
    "DEPUTY", "ATTORNEY", "SURGEON", "COMMISSIONER", "COORDINATOR", "ADVISOR", "ADVISER",
    "SPEAKER", "LEADER", "CONGRESSMAN", "CONGRESSWOMAN", "SHERIFF", "CHIEF", "SERGEANT",
    "COMMANDANT", "GENTLEMAN", "JUDGE",
    # "ACTING SECRETARY SU:", "ACTING ADMINISTRATOR SLAVITT:", "ASSISTANT SECRETARY
    # WALLANDER:", "COACH KERR:" (over 360 paragraphs of the scraper's pages
    # were read as the previous speaker's words before these)
    "ACTING", "ASSISTANT", "PRINCIPAL", "SPECIAL", "UNDER", "ENVOY", "COACH"})
#: Whole labels that are not a surname-bearing official.
FIXED_OFFICIALS = {"THE PRESIDENT": "The President", "THE VICE PRESIDENT": "The Vice President",
                    "THE FIRST LADY": "The First Lady", "PRESIDENT BIDEN": "The President"}
#: An official a background call does not name: "SENIOR ADMINISTRATION
#: OFFICIAL:", "SENIOR ADMINISTRATION OFFICIAL ONE:", "FBI OFFICIAL:" (and the
#: odd typo, "SENIOR ADMINSTRATION OFFICIAL:", "WHITE HOUSE OFFICIA:"). The
#: transcript attributes the words to that description, and so does presscon.
_UNNAMED_RE = re.compile(r"^(?P<who>(?:[A-Z]+ ){0,3})(?P<official>OFF[A-Z]{2,6})"
                         r"(?: (?P<n>ONE|TWO|THREE|FOUR|#?\d))?$")
_ACRONYMS = {"FBI": "FBI", "DOD": "DoD", "NSC": "NSC", "DHS": "DHS"}
_TYPOS = {"ADMINSTRATION": "ADMINISTRATION", "ADMINISTATION": "ADMINISTRATION"}
_STAFF_LABELS = frozenset({"AIDE", "WHITE HOUSE AIDE", "STAFF", "STAFFER", "WHITE HOUSE STAFF",
                           "WHITE HOUSE STAFFER", "MODERATOR",
                           # a briefing held by phone: "OPERATOR: Zeke Miller, you're open."
                           "OPERATOR", "THE OPERATOR"})
_REPORTER_LABELS = frozenset({"PHOTOJOURNALIST", "REPORTER", "REPORTERS", "JOURNALIST",
                              "AUDIENCE MEMBER", "PARTICIPANT", "QUESTION", "PRESS"})


def fixed_official(key: str) -> str | None:
    """The display name of a label that names no surname ("THE PRESIDENT" ->
    "The President", "SENIOR ADMINISTRATION OFFICIAL" -> "Senior
    Administration Official"), None for a surname-bearing one."""
    if key in FIXED_OFFICIALS:
        return FIXED_OFFICIALS[key]
    m = _UNNAMED_RE.match(key)
    if m is None or not _near(m.group("official"), "OFFICIAL"):   # "OFFICIA", "OFFIAL"
        return None
    words = [_TYPOS.get(w, w) for w in m.group("who").split()] + ["OFFICIAL"]
    if m.group("n"):
        words.append(m.group("n"))
    return " ".join(_ACRONYMS.get(w, w.capitalize()) for w in words)


def unnamed_official(key: str) -> bool:
    """A label that names a description, not a person ("SENIOR ADMINISTRATION
    OFFICIAL"): several people may speak under it in one call."""
    return key not in FIXED_OFFICIALS and fixed_official(key) is not None


def _near(word: str, target: str, score: float = 85) -> bool:
    """``word`` is ``target`` or a typo of it ("MODERTOR", "OFFIAL")."""
    from rapidfuzz import fuzz
    return word == target or fuzz.ratio(word, target) >= score


def moderator_label(label: str) -> bool:
    """A press call's "MODERATOR:" or "OPERATOR:" (typos too: "MODERTOR:"),
    who hands questions to the officials, unlike an aide keeping time."""
    words = label.upper().replace(".", "").split()
    return bool(words) and words[:-1] in ([], ["THE"]) and len(words[-1]) >= 7 and (
        _near(words[-1], "MODERATOR") or _near(words[-1], "OPERATOR"))


def _staff_label(up: str) -> bool:
    """A moderator, operator or aide, typos included ("MOERATOR:",
    "MODEARTOR:"), and the crew ("AIR FORCE ONE CREW MEMBER:", "MILITARY AIDE:")."""
    return up in _STAFF_LABELS or up.endswith((" AIDE", " CREW", " CREW MEMBER")) \
        or moderator_label(up)


def _fixed_key(up: str) -> str | None:
    """The key a surname-less label is stored under (its typos mended), else None."""
    name = fixed_official(up)
    if name is None:
        return None
    return up if up in FIXED_OFFICIALS else name.upper()


UP = "A-Z\u00C0-\u00DE"
# a label's typos seen in transcripts: a semicolon for the colon, no space
# after it ("MS. JEAN-PIERRE:Okay"), the name in title case ("Mr. Kirby:")
_LABEL_RE = re.compile(
    rf"^(?P<glued>Q(?=(?:MR|MS|MRS|DR)\.?\s))?"
    rf"(?P<label>[A-Za-z]{{2,3}}\.?(?:\s+[{UP}][{UP}'’.\-]*){{1,3}}"
    rf"|[{UP}][{UP}'’.\-]+(?:\s+[{UP}][{UP}'’.\-]*){{0,4}}"
    rf"|[A-Z][a-z]+\.?(?:\s+[{UP}][a-z\u00DF-\u00FF'’]+(?:-[{UP}][a-z\u00DF-\u00FF'’]+)*){{1,3}})"
    rf"\s*[:;](?:\s+|$|(?=[{UP}“\"(]))")
# "Q", and its typos "Q:", "Q`", "Q.", and "Q– the test —" (a dash glued on:
# the reporter breaking in, the dash kept as the body's first character)
Q_RE = re.compile(r"^Q(?:[`:.]?(?:\s+|$)|(?=[–—]))")
# a transcript's last line: "END", or "END 2:11 P.M. EST" (_TIME_RE)
_END_RE = re.compile(r"^END\.?$")

# any zone a trip abroad prints ("12:55 P.M. BST", "3:32 P.M. CEST", "9:12 A.M. EEST")
_TIME_RE = re.compile(r"^(?:END\s+)?\d{1,2}:\d{2}\s*[AP]\.?\s?M\.?(?:\s+(?-i:[A-Z]{2,5}))?\.?$", re.I)
_SEPARATOR_RE = re.compile(r"^[#*\-_=~\s]{3,}$")
_STAGE_RE = re.compile(r"^(?:\([^()]*\)\s*)+$")
#: The page's pointer to slides shown ("To view the COVID Press Briefing
#: slides, visit: https://..."): nobody said it.
_LINK_NOTE_RE = re.compile(r"^To (?:view|see|watch|download|read)\b.{0,120}\bhttps?://\S+$", re.I)


def _title_word(word: str) -> bool:
    w = word.rstrip(".").upper()
    if w in _TITLE_WORDS:
        return True
    if len(w) >= 6:  # "ADMINSITRATOR"
        return any(_near(w, t) for t in _TITLE_WORDS if len(t) >= 6)
    return False


@dataclass(frozen=True)
class Turn:
    kind: str                 # reporter | official | staff | text | skip
    body: str                 # paragraph without its label (verbatim)
    para: str                 # the whole paragraph
    label: str | None = None  # label as printed
    key: str | None = None    # officials: surname key ("KIRBY") or fixed label
    why: str = ""             # skip: reason


def classify(para: str) -> Turn:
    if Q_RE.match(para):
        return Turn("reporter", Q_RE.sub("", para, count=1), para, "Q")
    if _TIME_RE.match(para):
        return Turn("skip", "", para, why="time line")
    if _END_RE.match(para):
        return Turn("skip", "", para, why="end line")
    if _SEPARATOR_RE.match(para):
        return Turn("skip", "", para, why="separator")
    if _STAGE_RE.match(para):
        return Turn("skip", "", para, why="stage direction")
    if _LINK_NOTE_RE.match(para):
        return Turn("skip", "", para, why="link to the briefing's materials")
    m = _LABEL_RE.match(para)
    if m:
        label = collapse_whitespace(m.group("label"))
        body = para[m.end():]
        up = label.upper().replace(".", "")
        up = re.sub(r"\s+", " ", up).strip()
        if (fixed := _fixed_key(up)) is not None:
            return Turn("official", body, para, label, fixed)
        if _staff_label(up):
            return Turn("staff", body, para, label)
        if up in _REPORTER_LABELS:
            return Turn("reporter", body, para, label)
        words = label.split()
        # The name part must be upper case; the title may be "Mr." (one typo),
        # or its letters lost but one ("S. PSAKI:" for "MS. PSAKI:"). A name
        # in title case ("Ms. Psaki:", "Secretary Granholm:") only after a title.
        upper = all(w == w.upper() for w in words[1:])
        if len(words) >= 2 and ((upper and (_title_word(words[0])
                                            or re.fullmatch(r"[A-Z]\.", words[0])))
                                or (not upper and _title_word(words[0]))):
            i = 1
            while i < len(words) - 1 and _title_word(words[i]):
                i += 1
            surname = " ".join(words[i:]).upper()
            return Turn("official", body, para, label, surname)
    return Turn("text", para, para)


# ---------------------------------------------------- greetings, moderation
_NAME_TOKEN = re.compile(r"^(?:[A-Z][\w.'’\-]*|(?i:everyone|everybody|all|guys|y’all|y'all|folks|sir|"
                         r"ma’am|ma'am|again|too|both|team|man))$")
_GREETING_PHRASE = re.compile(
    r"(?i:hi|hello|hey|howdy|good\s+(?:afternoon|morning|evening|day)|happy\s+[\w’'/\-]+"
    r"|welcome(?:\s+back)?|congratulations|congrats"
    r"|how\s+are\s+you(?:\s+(?:all|guys|doing))?(?:\s+today)?|how(?:'|’)s\s+it\s+going"
    r"|how\s+(?:was|is)\s+your\s+(?:weekend|day|holiday|trip)"
    # "Good to see everybody.", "It's great to be with you all.", "Good to be back."
    r"|(?:it(?:'|’)s\s+)?(?:so\s+|really\s+)?(?:nice|good|great)\s+to\s+(?:see|be\s+(?:here\s+)?with|be\s+back\s+with)"
    r"\s+(?:you(?:\s+all)?|everybody|everyone|all\s+of\s+you|y(?:'|’)all)"
    r"|(?:it(?:'|’)s\s+)?(?:so\s+|really\s+)?(?:nice|good|great)\s+to\s+be\s+(?:here|back)"
    r"|thank\s+you(?:\s+(?:so|very)\s+much)?(?:\s+(?:for\s+(?:having|joining|coming|doing|being)"
    r"(?:\s+(?:us|me|this|here))*))?"
    r"|thanks(?:\s+(?:so|very)\s+much)?|(?:I\s+)?(?:really\s+)?appreciate\s+(?:it|you|that|you\s+all)"
    r"|much\s+appreciated|appreciated"
    # signing off: "All right, everybody. I'll see you tomorrow.", "Have a great weekend."
    r"|(?:I(?:'|’)ll\s+)?see\s+(?:you|you\s+all|y(?:'|’)all|everybody|everyone)"
    r"(?:\s+(?:tomorrow|next\s+week|soon|later|(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday)))?"
    r"|have\s+a\s+(?:good|great|nice|wonderful|happy)\s+(?:weekend|day|one|evening|night|holiday"
    r"|thanksgiving))(?![\w’'])")
#: Words that may go with a pleasantry ("Okay. Thank you.") but are not one.
_FILLER_PHRASE = re.compile(r"(?i:and|oh|so|okay|ok|all\s+right|alright|yeah|yes|well|great|again|indeed"
                            r"|everybody|everyone|folks|guys|you\s+all|y(?:'|’)all)(?![\w’'])")
_MODERATION_PHRASE = re.compile(
    r"(?i:go\s+ahead|okay|ok|all\s+right|alright|sure|yes|yeah|yep|yup|sorry|great|please|right|um|uh"
    # a call's "Next question." / "Okay. Next question, please."
    r"|(?:the\s+)?next\s+(?:question|caller)s?"
    r"|well|wait|let(?:'|’)s\s+see|last\s+(?:one|two|three|question)s?|final\s+question|one\s+more(?:\s+questions?)?"
    r"|(?:a\s+)?couple\s+(?:of\s+)?more|(?:way\s+)?(?:in|to)\s+the\s+(?:back|middle|front|side|corner)"
    r"|you\s+have\s+the\s+last\s+(?:one|question)|you|here|there|then|now|just"
    r"|(?:let(?:'|’)s|we(?:'|’)ll|we\s+will|we(?:'|’)re\s+going\s+to|I(?:'|’)m\s+going\s+to|we(?:'|’)ve\s+got\s+to|we\s+got\s+to"
    r"|we\s+have\s+to|I\s+have\s+to|I(?:'|’)ve\s+got\s+to|need\s+to|got\s+to)\s+(?:start\s+)?"
    r"(?:wrap(?:ping)?(?:\s+it)?\s+up|go|move\s+on|keep\s+going)|kick\s+us\s+off|take\s+it\s+away"
    r"|(?:just,?\s+)?(?:like,?\s+)?(?:one|two|three|four|five|a\s+few|a\s+couple(?:\s+of)?|few|couple)"
    r"(?:\s+more)?(?:\s+(?:questions?|people))?|more|we\s+can\s+do|we(?:'|’)ll\s+do|let\s+me\s+see|I\s+think"
    r"|we\s+got\s+to|we(?:'|’)ve\s+got\s+to|I(?:'|’)ll\s+(?:go|come)\s+(?:to|back\s+to)|(?:and\s+)?then|right\s+here"
    r"|you,?\s+sir|you,?\s+ma(?:'|’)am|last|next|first|after\s+that|(?:and\s+)?after|in\s+the\s+back|behind\s+you"
    r"|start(?:ing)?|us|off|no|(?:I(?:'|’)m\s+)?sorry|my\s+apologies|again|too|of\s+course"
    # an aide keeping time: "We have time for a couple more.", "Time for one more.", "Wrap it up."
    r"|(?:we\s+(?:only\s+|just\s+)?have\s+|we(?:'|’)ve\s+(?:only\s+|just\s+)?got\s+)?(?:time|room)\s+for"
    r"|wrap(?:ping)?(?:\s+it)?\s+up"
    # calling on the next: "With that, go ahead, Aamer.", "Who have I not called on?",
    # "we'll take a couple more", "and then I'll call you"
    r"|(?:and\s+)?with\s+that|who\s+have\s+I\s+not\s+called\s+on|who\s+haven(?:'|’)t\s+I\s+called\s+on"
    r"|we(?:'|’)ll\s+take|I(?:'|’)ll\s+(?:call\s+(?:on\s+)?you|come\s+back\s+to\s+you|get\s+to\s+you))"
    r"(?![\w’'])")
_SENTENCE_SPLIT = re.compile(r"[.!?;—–]+|\s-\s|\s-$")
_ABBREV = re.compile(r"\b(Dr|Mr|Ms|Mrs|Jr|Sr|St|[A-Z])\.")
_PAREN = re.compile(r"\([^()]*\)|\[[^\]]*\]")


def _only_phrases(body: str, phrases: tuple[re.Pattern[str], ...], names: bool) -> bool:
    """Is ``body`` a run of short stock phrases (and, if ``names``, name calls)?

    Sentence by sentence: each must be stock phrases separated by spaces or
    commas, optionally ending in up to three capitalized words (a name:
    "Go ahead, Zeke.", "Thanks, Karine."); with ``names`` a sentence may be a
    bare name call ("Kaitlan.", "Matt Viser."). A plain loop, no nested
    regex quantifiers: linear in the length.
    """
    if not body or len(body) > 90:
        return False
    text = _ABBREV.sub(r"\1", _PAREN.sub(" ", body))
    seen_phrase = False
    for sent in _SENTENCE_SPLIT.split(text):
        rest = sent.strip(" ,")
        got = False        # a stock phrase in this sentence
        n_names = 0
        while rest:
            for rx in phrases:
                m = rx.match(rest)
                if m:
                    rest = rest[m.end():].lstrip(" ,")
                    got = True
                    seen_phrase = seen_phrase or rx is phrases[0]
                    break
            else:
                word, _, tail = rest.partition(" ")
                if not _NAME_TOKEN.match(word.rstrip(",")) or not (names or got):
                    return False
                n_names += 1
                if n_names > 3:
                    return False
                rest = tail.lstrip(" ,")
    return seen_phrase or names


def is_greeting(body: str) -> bool:
    """A pleasantry and nothing else ("Good afternoon.", "Thanks, Karine.", "Happy New Year.")."""
    return _only_phrases(body, (_GREETING_PHRASE, _FILLER_PHRASE), names=False)


def is_moderation(body: str) -> bool:
    """Floor management or a pleasantry ("Go ahead, Mary.", "Kaitlan.", "Thank you, Admiral.")."""
    return _only_phrases(body, (_GREETING_PHRASE, _MODERATION_PHRASE, _FILLER_PHRASE), names=True)


_NOISE_RE = re.compile(r"^(?:\s*[\[(][^)\]]*[)\]]\s*[.—–-]*)*\s*[.—–-]*$")


def is_noise(body: str) -> bool:
    """Nothing but stage directions or dashes ("(Inaudible.)", "(Cross-talk.)", "")."""
    return _NOISE_RE.match(body) is not None


# -------------------------------------------------------------- names
NOT_FIRST_NAMES = frozenset(w.lower() for w in """
Mr Ms Mrs Miss Dr Doctor Doctors Acting Assistant Coach Secretary Administrator Ambassador Director Chair Chairman Chairwoman Mayor
Representative Rep Senator Sen Governor Gov Vice Admiral Rear General Gen Colonel Lieutenant Captain
Deputy Attorney Surgeon Commissioner Coordinator Advisor Adviser Speaker Leader Congressman
Congresswoman Sheriff Chief Sergeant Commandant Judge President Member Council Communications
Strategic Security National Economic Policy Energy Homeland Transportation Commerce Treasury
Defense State Trade Office Management Budget Domestic Gender Climate Clean Innovation Senior
Special Assistant Press White House Team The And So But Thank Thanks Welcome Today With For To
From Of By At On In As Said Says Told Asked Ask Let Hi Hello Dear Professor Doctor Admin Agency
Implementation Infrastructure Operations Coast Guard FEMA OMB CEA NSC NEC USTR DHS HHS CDC Cabinet
Media Coalitions Director Principal Department Commissioner Executive Former Both Like Than Why
What When Where Who How Our Your His Her Their Its Mayors Secretaries Ambassadors Council's
""".split())
NAME_WORD = r"[A-Z][a-z\u00E0-\u00FF'’\-]+"
#: "I’m", "He’s": a word before a name that is a contraction, never a given
#: name (an apostrophe inside a name is followed by a capital: "O’Connell").
_CONTRACTION = re.compile(r"['’](?:m|s|re|ve|ll|d)$")


#: An English word at least this frequent in pyspellchecker's list is no
#: given name before another ("Advisers" 853, "Competitiveness" 271; "Keisha" 81).
_ENGLISH_COUNT = 200


@functools.lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    return frozenset(w for w, n in english_frequencies().items() if n >= _ENGLISH_COUNT)


def _english(word: str) -> bool:
    return word.lower() in _english_words()


def full_names(title: str, paras: list[str], surnames: list[str]) -> dict[str, str]:
    """Surname key -> display name, from the title first, then the briefing's text."""
    out: dict[str, str] = {}
    for s in surnames:
        # a given name and, with it, a middle name or the first half of a
        # two-word surname ("Keisha Lance Bottoms" of "MS. BOTTOMS:")
        rx = re.compile(rf"(?<![\w.])(?P<first>{NAME_WORD}(?:\s+{NAME_WORD})?(?:\s+[A-Z]\.)?)"
                        rf"\s+(?P<last>(?i:{re.escape(s)}))(?![\w’'])")
        spelled = Counter()
        found: Counter[str] = Counter()
        for text, weight in [(title.replace("_", " "), 1000)] + [(p, 1) for p in paras]:
            for m in rx.finditer(text):
                last = m.group("last")
                if last.isupper() and not s.isupper():
                    continue
                if last == last.upper() and len(last) > 2:
                    continue                   # a label, not prose
                spelled[last] += weight
                given = m.group("first").split()
                while given and (given[0].lower() in NOT_FIRST_NAMES or _CONTRACTION.search(given[0])):
                    given.pop(0)               # "Secretary Pete Buttigieg", "I’m Bob Fenton"
                named = [w for w in given if not re.fullmatch(r"[A-Z]\.", w)]
                if len(named) > 1 and (_english(given[0]) or (
                        given[0] == m.group("first").split()[0]
                        and text[:m.start()].rstrip()[-1:] in ("", ".", "!", "?", ":", '"', "“"))):
                    # a word of a title ("Council of Economic Advisers Jared
                    # Bernstein") or a sentence's first ("Join Jake Sullivan")
                    given = given[1:]
                if not given:
                    continue
                found[f"{' '.join(given)} {last}"] += weight
        if found:
            out[s] = found.most_common(1)[0][0]
        elif spelled:
            out[s] = spelled.most_common(1)[0][0]
        else:
            out[s] = " ".join("-".join(p[:1].upper() + p[1:].lower() for p in w.split("-"))
                              for w in s.split())
    return out


def canonical_keys(title: str, turns: list[Turn], notes: list[str]) -> dict[str, str]:
    """Label surname -> canonical surname: typos join the briefing's common spelling."""
    from rapidfuzz import fuzz

    counts = Counter(t.key for t in turns if t.kind == "official" and fixed_official(t.key) is None)
    title_words = {w.upper() for w in re.findall(rf"[{UP}a-z\u00E0-\u00FF][\w'’\-]+", title)}
    out: dict[str, str] = {}
    for key, n in counts.items():
        if all(w in title_words for w in key.split()):
            out[key] = key
            continue
        best, score = key, 0.0
        cands = [w for w in title_words if w[:1].isupper()] + [k for k, c in counts.items() if c > n]
        for c in cands:
            if c == key or len(c) < 4:
                continue
            r = fuzz.ratio(key, c)
            if r > score:
                best, score = c, r
        if score >= 85 and len(key) >= 5:
            out[key] = best
            notes.append(f"label surname {key!r} read as {best!r} (typo)")
        else:
            out[key] = key
    for t in turns:
        if t.kind == "official" and fixed_official(t.key) is not None:
            out[t.key] = t.key
    return out
