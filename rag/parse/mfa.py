"""The Chinese Foreign Ministry's regular press conferences: its label tables.

Measured on the 386-page development corpus (tests/parse/test_corpus.py):
every prefix accepted as an outlet there is a real outlet; answer sentences
such as "Let me stress this once again: ..." are rejected because they
contain lower-case words or start with a pronoun.
"""
from __future__ import annotations

import re

from dataclasses import dataclass

from .profiles import Profile
from .records import Conference
from .walker import conference

__all__ = ["MFA_PROFILE", "LabelProfile"]


@dataclass(frozen=True)
class LabelProfile(Profile):
    """A profile whose turns the label tables decide, read by the shared walker."""

    def conference(self, title: str, paras: list[str], source: str, sha256: str,
                   url: str | None, notes: list[str], first_index: int) -> Conference:
        return conference(self, title, paras, source, sha256, url, notes, first_index)


_MFA_OUTLETS = {
    "bloomberg news": "Bloomberg",
    "agence france-presse": "AFP", "agence france presse": "AFP", "afp": "AFP",
    "tass": "TASS", "tass news agency": "TASS", "itar-tass": "TASS",
    "kyodo news": "Kyodo", "kyodo": "Kyodo", "kyodo news agency": "Kyodo",
    "press trust of india": "PTI", "pti": "PTI",
    "china news service": "CNS", "cns": "CNS",
    "china radio international": "CRI", "cri": "CRI",
    "china national radio": "CNR", "cnr": "CNR",
    "south china morning post": "SCMP", "scmp": "SCMP",
    "reuters": "Reuters", "cctv": "CCTV", "cgtn": "CGTN",
    "phoenix tv": "Phoenix TV", "phoenix television": "Phoenix TV",
    "mastv": "MASTV", "dragon tv": "Dragon TV", "shenzhen tv": "Shenzhen TV",
    "xinhua": "Xinhua", "xinhua news agency": "Xinhua",
    "global times": "Global Times", "the global times": "Global Times",
    "yonhap": "Yonhap", "yonhap news": "Yonhap", "yonhap news agency": "Yonhap",
    "associated press of pakistan": "APP", "app": "APP",
    "china review news agency": "China Review News",
    "nihon keizai shimbun": "Nikkei", "nikkei": "Nikkei",
    "abc australia": "ABC", "australian broadcasting corporation": "ABC",
    "the financial times": "Financial Times",
    "the wall street journal": "Wall Street Journal",
    "associated press": "AP", "ap": "AP",
    "national public radio": "NPR", "npr": "NPR", "efe news agency": "EFE", "efe": "EFE",
    "islamic republic news agency": "IRNA", "irna": "IRNA",
    "ria novosti": "RIA Novosti", "bbc": "BBC", "cnn": "CNN", "nhk": "NHK",
}

MFA_PROFILE = LabelProfile(
    name="mfa",
    publisher="Ministry of Foreign Affairs of China",
    self_names=("China", "China's", "Chinese", "Beijing", "Beijing's", "Foreign Ministry",
                "the ministry", "the ministry's", "mainland", "PRC"),
    title_res=(
        re.compile(r"Spokesperson\s+(?P<name>[A-Z][\w\-]*(?:\s+[A-Za-z][\w\-]*){0,3}?)\s*['’‘`]s\s+"
                   r"(?:Regular\s+Press\s+Conference|Daily\s+Briefing(?:\s+Online)?|Press\s+Conference)"
                   r"\s+on\s+(?P<date>[A-Za-z]{3,9}\.?\s*\d{1,2}(?:st|nd|rd|th)?(?:\s*,?\s*\d{4})?)\s*$"),
    ),
    spokespersons=frozenset({"geng shuang", "hua chunying", "lu kang", "zhao lijian",
                             "wang wenbin", "mao ning", "wang yi", "qin gang",
                             "hong lei", "wang wenbing", "lin jian"}),
    question_labels=frozenset({"q", "question", "journalist question"}),
    answer_labels=frozenset({"a", "answer", "spokesperson"}),
    follow_up_labels=frozenset({"follow-up", "follow up", "followup", "follow-up question"}),
    interjection_re=re.compile(r"(?i)journalists?(?:\s+(?:adds|added|explains|explained|asks|"
                               r"asked|continues|replies|says|follows up))?"),
    # "The following question was raised after the press conference:",
    # "A journalist asked the following question ...:" - but not an answer's
    # "Regarding the question you raised: ...".
    question_intro_re=re.compile(
        r"(?i)^(?:(?:the following|this|these|another)\s+)?questions?\s+(?:(?:was|were|is|are)\s+)?"
        r"(?:raised|asked|put)\b"
        r"|^after the (?:press conference|briefing),?\s+(?:the following\s+)?questions?\b"
        r"|^(?:a|one|the)\s+journalists?\s+(?:asked|raised|put)\b"),
    reported_question_re=re.compile(
        r"(?i)^after the (?:press conference|briefing)\b[^:：]{0,120}?\bquestions?\s+"
        r"(?:raised|asked|put)\s+by\s+(?:the\s+)?(?P<outlet>[^.,;:：]{2,60}?)\s*\.?$"),
    outlet_aliases=_MFA_OUTLETS,
    boilerplate=frozenset({"suggest to a friend", "print", "close", "【print】", "【close】",
                           "suggest to a friend print", "print close"}),
    separator_re=re.compile(r"[\s*＊※\-—–_=·•~#]{3,}|[*＊※]+"),
    sentence_starters=frozenset({
        "I", "I'd", "I’d", "I'm", "I’m", "We", "We'd", "We’d", "You", "He", "She", "It", "They",
        "But", "And", "So", "Or", "What", "Why", "How", "When", "Where", "Who", "Which", "If",
        "Here", "Here's", "Here’s", "There", "Our", "My", "Your", "Their", "Let", "Let's", "Let’s",
        "In", "On", "At", "As", "Under", "For", "With", "From", "To", "By", "Of", "After", "Before",
        "First", "Second", "Third", "Fourth", "Finally", "Lastly", "Also", "Besides", "Moreover",
        "Yes", "No", "Now", "Then", "This", "That", "These", "Those", "Many", "Some", "All",
        "A", "An", "Please", "Note", "Meanwhile", "However", "Therefore", "Thus", "Since",
        "Between", "During", "Today", "Yesterday", "Tomorrow"}),
    name_connectors=frozenset({"of", "and", "the", "de", "du", "des", "la", "le", "el",
                               "del", "for", "&", "y", "und"}),
)

#: Profiles by name; the parser tries them in order when it must guess.
