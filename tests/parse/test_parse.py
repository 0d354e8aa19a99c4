"""Parser tests: the bundled seed transcript, turn rules, and unusable files."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest

from conftest import SEED
from rag.parse import (SUPPORTED_SUFFIXES, ParseError, normalize_outlet, parse_file, parse_html,
                       parse_text, readers)
from rag.parse.mfa import MFA_PROFILE

SEED_QUESTIONERS = ["Phoenix TV", "MASTV", "Dragon TV", "RTHK", "Shenzhen TV", "The Paper",
                    "Beijing Daily", "MASTV", "Bloomberg", "MASTV", "CCTV", "TASS"]

SEED_FIRST_REPLY = (
    "China welcomes representatives of Japan’s Olympic Committee and other organizations as "
    "well as Japanese athletes to the Beijing Winter Olympics and Paralympics. We have every "
    "confidence that working together with all sides under the Olympic motto of “together”, "
    "China will deliver a streamlined, safe and splendid Olympic event to the world.")

SEED_LAST_REPLY = "\n\n".join([
    "We have noted President Putin’s positive comments on his personal friendship with "
    "President Xi Jinping and the China-Russia relations. China appreciates that.",
    "President Xi Jinping and President Putin are good and congenial friends. Since 2013, the "
    "two heads of state have met more than 30 times. With each other’s development and "
    "revitalization and world peace and stability in mind, the two sides have steered the "
    "course of bilateral relations and designed and advanced all-round cooperation. We have "
    "made the relationship between China and Russia a major-country relationship with the "
    "highest level of mutual trust, coordination and strategic value, and set a good example "
    "for major countries and neighboring countries to get along with each other.",
    "There is no limit, no forbidden zone and no ceiling to how far China-Russia cooperation "
    "can go. China is ready to further expand all-round mutually beneficial cooperation with "
    "Russia in accordance with the important consensus reached by the two heads of state, "
    "boost the development and revitalization of the two countries, and share development "
    "opportunities with the rest of the world.",
    "Not long ago, President Xi Jinping and President Putin held a virtual meeting and agreed "
    "on their upcoming meeting on the occasion of the Winter Olympics and the Spring Festival. "
    "We believe that President Putin’s visit will renew the good tradition of head-of-state "
    "exchanges and add new impetus to the development of China-Russia comprehensive strategic "
    "partnership of coordination in the new era.",
])

TITLE = "Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on May 6, 2019"


def conf(body: str, title: str = TITLE, source: str = "2019-05-06.txt"):
    return parse_text(title + "\n\n" + body.strip() + "\n", source)


# ---------------------------------------------------------------- the seed
@pytest.fixture(scope="module")
def seed():
    return parse_file(SEED)


def test_seed_header(seed):
    assert seed.date == dt.date(2021, 12, 24)
    assert seed.spokesperson == "Zhao Lijian"
    assert seed.title == ("Foreign Ministry Spokesperson Zhao Lijian’s Regular Press "
                          "Conference on December 24, 2021")
    assert seed.sha256 == hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert seed.source == str(SEED)
    assert seed.url is None


def test_seed_exchanges(seed):
    assert len(seed.exchanges) == 12
    assert [e.kind for e in seed.exchanges] == ["answer"] * 12
    assert [e.ordinal for e in seed.exchanges] == list(range(12))
    assert [e.questioner for e in seed.exchanges] == SEED_QUESTIONERS
    assert {e.spokesperson for e in seed.exchanges} == {"Zhao Lijian"}


def test_seed_first_and_last_reply_verbatim(seed):
    assert seed.exchanges[0].text == SEED_FIRST_REPLY
    assert seed.exchanges[0].question.startswith("We’ve noted that Japan’s Chief Cabinet")
    assert seed.exchanges[-1].text == SEED_LAST_REPLY
    assert seed.exchanges[-1].question.endswith("Does the foreign ministry have any comment?")
    # paragraph counts of a few replies, counted in the file
    assert [len(e.text.split("\n\n")) for e in seed.exchanges] == [1, 1, 3, 5, 5, 1, 2, 2, 2, 2, 3, 4]


def test_seed_site_furniture_dropped(seed):
    for e in seed.exchanges:
        for s in (e.text, e.question):
            assert "Suggest to a friend" not in s
            assert "Español" not in s and "Русский" not in s
            assert not re.match(r"(Zhao Lijian|A|Q)\s*:", s)
            assert "  " not in s and "\u2002" not in s
    assert any("before the title" in n for n in seed.skipped)
    assert any("Suggest to a friend" in n for n in seed.skipped)


def test_seed_text_is_verbatim_substring(seed):
    collapsed = re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8"))
    for e in seed.exchanges:
        for para in e.text.split("\n\n") + e.question.split("\n\n"):
            assert para and para in collapsed


# ------------------------------------------------------------ normalizing
@pytest.mark.parametrize("label,expected", [
    ("Bloomberg News", "Bloomberg"), ("Bloomberg", "Bloomberg"),
    ("Agence France-Presse", "AFP"), ("AFP", "AFP"), ("Tass", "TASS"),
    ("Kyodo News", "Kyodo"), ("Press Trust of India", "PTI"),
    ("China News Service", "CNS"), ("China Radio International", "CRI"),
    ("China National Radio", "CNR"), ("South China Morning Post", "SCMP"),
    ("Reuters", "Reuters"), ("CCTV", "CCTV"), ("Phoenix TV", "Phoenix TV"),
    ("MASTV", "MASTV"), ("Dragon TV", "Dragon TV"), ("The Paper", "The Paper"),
    ("  Bloomberg   News ", "Bloomberg"),
    ("Q", None), ("Journalist", None), ("Question", None), ("q", None), ("Follow-up", None),
    ("Journalist adds", None), ("", None), (None, None),
])
def test_normalize_outlet(label, expected):
    assert normalize_outlet(label) == expected


def test_normalize_spokesperson():
    assert MFA_PROFILE.normalize_spokesperson("Hua chunying") == "Hua Chunying"
    assert MFA_PROFILE.normalize_spokesperson("ZHAO  LIJIAN") == "Zhao Lijian"
    assert MFA_PROFILE.normalize_spokesperson("geng shuang") == "Geng Shuang"


def test_supported_suffixes():
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".md", ".html", ".htm", ".shtml"}


# ------------------------------------------------------------- turn rules
def test_qa_labels_and_statement_before_first_question():
    c = conf("""
At the invitation of Foo, Bar will visit China.

Second announcement on another topic.

Q: What about X?

A: X is fine.

More on X.

Q: And Y?

A:Y too.
""")
    kinds = [(e.kind, e.question, e.text) for e in c.exchanges]
    assert kinds == [
        ("statement", None, "At the invitation of Foo, Bar will visit China."),
        ("statement", None, "Second announcement on another topic."),
        ("answer", "What about X?", "X is fine.\n\nMore on X."),
        ("answer", "And Y?", "Y too."),
    ]
    assert all(e.questioner is None for e in c.exchanges)
    assert c.exchanges[2].questioner_label == "Q"
    assert all(e.spokesperson == "Geng Shuang" for e in c.exchanges)


def test_follow_up_inherits_previous_questioner():
    c = conf("""
Bloomberg News: Question one?

Geng Shuang: Answer one.

Follow-up: Question two?

Geng Shuang: Answer two.

Q: Question three?

A: Answer three.

Follow-up: Question four?

A: Answer four.
""")
    assert [e.questioner for e in c.exchanges] == ["Bloomberg", "Bloomberg", None, None]
    assert [e.questioner_label for e in c.exchanges] == ["Bloomberg News", "Follow-up", "Q",
                                                         "Follow-up"]
    assert c.exchanges[1].question == "Question two?"


def test_answer_label_missing():
    c = conf("""
AFP: Is the reply labelled?

No, this reply has no label.

It has two paragraphs.

Reuters: Next question?

Geng Shuang: Labelled.
""")
    assert [(e.questioner, e.question, e.text) for e in c.exchanges] == [
        ("AFP", "Is the reply labelled?", "No, this reply has no label.\n\nIt has two paragraphs."),
        ("Reuters", "Next question?", "Labelled."),
    ]


def test_colon_inside_answer_is_not_a_label():
    c = conf("""
CCTV: A question?

Geng Shuang: First paragraph.

Let me stress this once again: this is still the reply.

Our position is very clear: also the reply.

I want to ask Mr. Pompeo this question: is it?

Between 00:00 and 24:00, figures.

China's position is clear: reply.

Regarding the question you raised after the press conference: still the reply.
""")
    assert len(c.exchanges) == 1
    assert c.exchanges[0].text.split("\n\n") == [
        "First paragraph.",
        "Let me stress this once again: this is still the reply.",
        "Our position is very clear: also the reply.",
        "I want to ask Mr. Pompeo this question: is it?",
        "Between 00:00 and 24:00, figures.",
        "China's position is clear: reply.",
        "Regarding the question you raised after the press conference: still the reply.",
    ]


def test_unknown_outlet_and_spokesperson_labels():
    c = conf("""
Islamic Republic News Agency: A question?

Hua chunying: A reply by another spokesperson.

Press Trust of India: Another?

Zhao Lijian: Reply.
""")
    assert [e.questioner for e in c.exchanges] == ["IRNA", "PTI"]
    assert [e.spokesperson for e in c.exchanges] == ["Hua Chunying", "Zhao Lijian"]
    assert c.spokesperson == "Geng Shuang"


def test_separators_end_exchange_and_later_text_is_statement():
    c = conf("""
Q: A question?

A: The reply.

***

A closing announcement after the separator.

＊＊＊＊＊＊

※※※

---

Q: Raised later?

A: Later reply.
""")
    assert [(e.kind, e.text) for e in c.exchanges] == [
        ("answer", "The reply."),
        ("statement", "A closing announcement after the separator."),
        ("answer", "Later reply."),
    ]
    assert sum("separator" in n for n in c.skipped) == 4


def test_journalist_interjections():
    c = conf("""
Q: Is this a question?

Journalist adds: It continues here.

A: Which country do you mean?

Journalist: Country X.

A: Then the answer is no.
""")
    assert [(e.question, e.text, e.questioner, e.questioner_label) for e in c.exchanges] == [
        ("Is this a question?\n\nIt continues here.", "Which country do you mean?", None, "Q"),
        ("Country X.", "Then the answer is no.", None, "Journalist"),
    ]


def test_questions_raised_after_the_press_conference():
    c = conf("""
Q: During the session?

A: Yes.

The following question was raised after the press conference: Afterwards?

A: Also answered.

The following questions were raised after the press conference:

Q: Another one?

A: Answered.
""")
    assert [(e.question, e.text) for e in c.exchanges] == [
        ("During the session?", "Yes."), ("Afterwards?", "Also answered."),
        ("Another one?", "Answered.")]
    assert all(e.questioner is None for e in c.exchanges)


def test_reply_to_a_question_reported_after_the_press_conference():
    c = conf("""
Q: During the session?

A: Yes.

After the press conference, Geng Shuang made further response to the question raised by South China Morning Post.

Geng Shuang: The further response.
""")
    assert [(e.kind, e.questioner, e.question, e.text) for e in c.exchanges] == [
        ("answer", None, "During the session?", "Yes."),
        ("answer", "SCMP", "After the press conference, Geng Shuang made further response to "
         "the question raised by South China Morning Post.", "The further response.")]
    # only a sentence naming who asked stands as a question
    assert conf("After the press conference, we published the transcript.\n\n"
                "Geng Shuang: More.").exchanges[0].kind == "statement"


def test_lead_in_statement_keeps_next_paragraph():
    c = conf("""
I have two announcements to make today:

First announcement.

Second announcement.

Q: Question?

A: Reply.
""")
    assert [e.text for e in c.exchanges if e.kind == "statement"] == [
        "I have two announcements to make today:\n\nFirst announcement.", "Second announcement."]


def test_whitespace_collapsed_and_trimmed():
    c = conf("Q:  A\u00a0question\u2002with   spaces?  \n\nA: Reply\u00a0 text.\u2002\u2002")
    assert c.exchanges[0].question == "A question with spaces?"
    assert c.exchanges[0].text == "Reply text."


# ------------------------------------------------------------------ titles
def test_title_without_year_takes_year_from_file_name():
    title = "Foreign Ministry Spokesperson Hua Chunying's Regular Press Conference on September 10"
    c = conf("Q: q?\n\nA: a.", title=title, source="corpus/2018-09-10.txt")
    assert c.date == dt.date(2018, 9, 10)
    assert c.spokesperson == "Hua Chunying"
    with pytest.raises(ParseError, match="year"):
        conf("Q: q?\n\nA: a.", title=title, source="notes.txt")


def test_title_without_space_and_daily_briefing_and_curly_apostrophe():
    c = conf("Q: q?\n\nA: a.", title="Foreign Ministry Spokesperson Lu Kang's Regular Press "
             "Conference on June12, 2018", source="x.txt")
    assert c.date == dt.date(2018, 6, 12)
    c = conf("Q: q?\n\nA: a.", title="Foreign Ministry Spokesperson Geng Shuang’s Daily Briefing "
             "Online on February 10, 2020", source="x.txt")
    assert (c.date, c.spokesperson) == (dt.date(2020, 2, 10), "Geng Shuang")


def test_title_date_wins_over_file_name_with_note():
    c = conf("Q: q?\n\nA: a.", source="2019-05-07.txt")
    assert c.date == dt.date(2019, 5, 6)
    assert any("differs from file name" in n for n in c.skipped)
    c = conf("Q: q?\n\nA: a.", source="2019-05-06_2.txt")
    assert not any("differs" in n for n in c.skipped)


# -------------------------------------------------------------------- HTML
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on May 6, 2019</title>
<link rel="canonical" href="https://www.fmprc.gov.cn/mfa_eng/xwfw_665399/t1.shtml"></head>
<body><div class="nav"><a href="/">Home</a> Suggest to a friend Print</div>
<h2 class="title">Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on May 6, 2019</h2>
<div class="content">
<p align="center"><img src="x.jpg"></p>
<p><strong>Q: A&nbsp;question   with <b>bold</b> text?</strong></p>
<p>A: First line.<br>Second&nbsp;paragraph after a br.</p>
<span><p>Nested &amp; escaped.</p></span>
<script>var x = "Q: not text";</script>
</div><div class="footer">Print Close</div></body></html>"""


def test_parse_html_page():
    c = parse_html(PAGE, "2019-05-06.html")
    assert c.url == "https://www.fmprc.gov.cn/mfa_eng/xwfw_665399/t1.shtml"
    assert len(c.exchanges) == 1
    e = c.exchanges[0]
    assert e.question == "A question with bold text?"
    assert e.text == "First line.\n\nSecond paragraph after a br.\n\nNested & escaped."
    assert "Print" not in e.text and "<" not in e.text


def test_html_named_txt_is_parsed_as_html(tmp_path):
    f = tmp_path / "2019-05-06.txt"
    f.write_text(PAGE, encoding="utf-8")
    c = parse_file(f)
    assert c.exchanges[0].question == "A question with bold text?"
    assert c.sha256 == hashlib.sha256(f.read_bytes()).hexdigest()


def test_html_and_text_agree(tmp_path):
    h = tmp_path / "2019-05-06.html"
    h.write_text(PAGE, encoding="utf-8")
    t = tmp_path / "2019-05-06.txt"
    t.write_text(TITLE + "\n\nQ: A question with bold text?\n\nA: First line.\n\n"
                 "Second paragraph after a br.\n\nNested & escaped.\n", encoding="utf-8")
    a, b = parse_file(h), parse_file(t)
    assert a.exchanges == b.exchanges and a.date == b.date


# --------------------------------------------------------------- bad input
def _raises(path: Path, *words: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_file(path)
    msg = str(info.value)
    assert path.name in msg, msg
    for w in words:
        assert w.lower() in msg.lower(), msg
    return info.value


def test_empty_file(tmp_path):
    f = tmp_path / "2019-05-06.txt"
    f.write_bytes(b"")
    _raises(f, "empty")
    f.write_bytes(b"  \n\n \t\n")
    _raises(f, "empty")


def test_binary_file(tmp_path):
    f = tmp_path / "2019-05-06.txt"
    f.write_bytes(bytes(range(256)) * 20)
    _raises(f, "binary")


# UTF-16 and latin-1/cp1252 files are read now: tests/parse/test_encodings.py


def test_non_transcript_html_page(tmp_path):
    f = tmp_path / "list.html"
    f.write_text("<html><head><title>Regular Press Conference</title></head><body>"
                 "<ul class='newsLst'><li><a href='t1.shtml'>Foreign Ministry Spokesperson Geng "
                 "Shuang's Regular Press Conference on May 6, 2019</a></li></ul></body></html>",
                 encoding="utf-8")
    _raises(f, "not a transcript")
    g = tmp_path / "about.html"
    g.write_text("<html><body><h2 class='title'>About the Ministry</h2>"
                 "<div class='content'><p>Q: not really</p></div></body></html>", encoding="utf-8")
    _raises(g, "not a transcript")


def test_truncated_file(tmp_path):
    f = tmp_path / "2019-05-06.txt"
    f.write_text(TITLE + "\n", encoding="utf-8")
    _raises(f, "no exchanges")
    f.write_text(TITLE + "\n\nQ: A question cut off before the reply", encoding="utf-8")
    _raises(f, "no exchanges")


def test_text_without_title(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("Some notes\n\nQ: q?\n\nA: a.\n", encoding="utf-8")
    _raises(f, "title")


def test_huge_file_refused(tmp_path, monkeypatch):
    f = tmp_path / "2019-05-06.txt"
    with open(f, "wb") as fh:              # sparse: no 21 MB actually written
        fh.truncate(21 * 1024 * 1024)
    _raises(f, "too large")
    small = tmp_path / "2019-05-07.txt"
    small.write_text(TITLE + "\n\nQ: q?\n\nA: " + "a " * 600 + "\n", encoding="utf-8")
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 1000)
    _raises(small, "too large")


def test_unsupported_suffix_and_missing_file(tmp_path):
    f = tmp_path / "2019-05-06.pdf"
    f.write_bytes(b"%PDF-1.4")
    _raises(f, "unsupported")
    _raises(tmp_path / "missing.txt", "cannot read")


def test_parse_text_reports_source():
    with pytest.raises(ParseError) as info:
        parse_text("", "some/where.txt")
    assert info.value.path == "some/where.txt" and "empty" in info.value.reason


# --------------------------------------------------------- another format
def test_new_briefing_format_is_one_more_profile():
    import dataclasses

    state = dataclasses.replace(
        MFA_PROFILE, name="state",
        title_res=(re.compile(r"^(?P<name>[A-Z][a-z]+ [A-Z][a-z]+), Department Spokesperson, "
                              r"Department Press Briefing, (?P<date>[A-Za-z]+ \d{1,2}, \d{4})$"),),
        spokespersons=frozenset(),
        spokesperson_aliases={"mr price": "Ned Price", "ms porter": "Jalina Porter"},
        question_labels=frozenset({"question"}), answer_labels=frozenset())
    c = parse_text("Ned Price, Department Spokesperson, Department Press Briefing, March 1, 2021"
                   "\n\nMR PRICE: Good afternoon.\n\nQUESTION: On Iran?\n\nMR PRICE: No comment."
                   "\n\nQUESTION: And Burma?\n\nMS PORTER: I will take that one.", "brief.txt",
                   profile=state)
    assert c.date == dt.date(2021, 3, 1) and c.spokesperson == "Ned Price"
    assert [(e.kind, e.question, e.text, e.questioner, e.spokesperson) for e in c.exchanges] == [
        ("statement", None, "Good afternoon.", None, "Ned Price"),
        ("answer", "On Iran?", "No comment.", None, "Ned Price"),
        ("answer", "And Burma?", "I will take that one.", None, "Jalina Porter"),
    ]


def test_multi_paragraph_question_vs_unlabelled_reply():
    c = conf("""
Q: First part of a long question.

Second part of the same question?

A: The reply.

Q: Short question?

Unlabelled reply.

Journalist: A clarification.

A: Reply to the clarification.
""")
    assert [(e.question, e.text) for e in c.exchanges] == [
        ("First part of a long question.\n\nSecond part of the same question?", "The reply."),
        ("Short question?", "Unlabelled reply."),
        ("A clarification.", "Reply to the clarification."),
    ]


def test_an_html_page_that_is_not_a_transcript_names_what_was_looked_for(tmp_path):
    page = tmp_path / "index.html"
    page.write_text("<!doctype html><html><head><title>Press releases</title></head><body>"
                    "<nav><a href='/a'>Spokesperson's remarks</a></nav></body></html>",
                    encoding="utf-8")
    with pytest.raises(ParseError) as e:
        parse_file(page)
    msg = str(e.value)
    assert "index.html" in msg and "no article body (div.content)" in msg
    assert "(, " not in msg and ", )" not in msg        # no empty selector of an HTML-less profile


@pytest.mark.parametrize("cut", [60, 61, 200])
def test_a_transcript_cut_short_mid_sentence_is_refused(tmp_path, cut):
    text = SEED.read_text(encoding="utf-8")
    f = tmp_path / "2021-12-24.txt"
    at = text.rfind("Zhao Lijian: ") + cut
    f.write_text(text[:at].rstrip(" ."), encoding="utf-8")
    with pytest.raises(ParseError) as info:
        parse_file(f)
    assert f.name in str(info.value) and "ends mid-sentence" in info.value.reason


def test_a_whole_transcript_and_a_closing_time_line_are_not_cut_short(tmp_path):
    assert parse_file(SEED).exchanges
    f = tmp_path / "2021-01-21.txt"
    f.write_text("Press Briefing by Press Secretary Jen Psaki, January 21, 2021\n\n"
                 "MS. PSAKI: Hi, everyone. The President signed ten orders today.\n\n"
                 "Q Will he sign more tomorrow?\n\nMS. PSAKI: He will sign three more\n\n"
                 "9:12 A.M. EEST\n", encoding="utf-8")
    assert parse_file(f).exchanges[-1].text.startswith("He will sign three more")


def test_label_forms_an_unseen_conference_may_have():
    """A full-width colon with no space after it, an ASCII one a typo left
    no space after, a spokesperson's title in the label, an outlet's
    follow-up or reporter named around it, a zero-width space before a
    label: each read as its turn, never glued into the reply before it."""
    c = conf("""
MASTV：Executive Vice-President Dombrovskis spoke. What is your comment?

Geng Shuang：China always acts in good faith.

Phoenix TV:We’ve noted the reports. Do you confirm?

Spokesperson Geng Shuang: I have nothing to release.

AFP Follow-up: And the date?

\u200bGeng Shuang: Not yet.

Reporter from Dragon TV: One more?

Geng Shuang: Please.

Bloomberg (follow-up): Really?

Geng Shuang: Yes.
""")
    assert [(e.questioner, e.text) for e in c.exchanges] == [
        ("MASTV", "China always acts in good faith."),
        ("Phoenix TV", "I have nothing to release."),
        ("AFP", "Not yet."),
        ("Dragon TV", "Please."),
        ("Bloomberg", "Yes.")]
    assert c.exchanges[1].question == "We’ve noted the reports. Do you confirm?"
    assert all(e.spokesperson == "Geng Shuang" for e in c.exchanges)


def test_a_name_and_colon_inside_a_reply_stays_in_the_reply():
    """On a page whose replies carry the spokesperson's label, a "Name: ..."
    paragraph that no reply follows is the reply's own words, kept whole;
    an unlabeled reply to "Q:" is still that question's reply."""
    c = conf("""
CCTV: What is China's response to the Act?

Geng Shuang: China firmly opposes it.

President Xi Jinping: “We will never allow interference.”

Xinhua reported that the act was condemned.

US: stop the interference.

Reuters: Another question?

Geng Shuang: Another reply.
""")
    assert [(e.questioner, e.text.split("\n\n")) for e in c.exchanges] == [
        ("CCTV", ["China firmly opposes it.",
                  "President Xi Jinping: “We will never allow interference.”",
                  "Xinhua reported that the act was condemned.",
                  "US: stop the interference."]),
        ("Reuters", ["Another reply."])]
    assert any("read as part of the reply" in n for n in c.skipped)
