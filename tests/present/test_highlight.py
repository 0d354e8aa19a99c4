"""Highlighting the question's words in a verbatim reply: marks only wrap, escaping kept."""
from __future__ import annotations

import html
import re

from rag.present.highlight import highlight, marks_for, spans


def shown(markup: str) -> str:
    """What a reader sees: marks dropped in place, <br> as a newline, references decoded."""
    return html.unescape(re.sub(r"</?mark[^>]*>", "", markup).replace("<br>", "\n"))


def marked(markup: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<mark class="pc-hl">(.*?)</mark>', markup)]


def test_stems_of_the_question_words_are_marked():
    out = highlight("The US sanctioned officials over sanctions in Xinjiang.",
                    marks_for("What about sanctions on Xinjiang?"))
    assert marked(out) == ["sanctioned", "sanctions", "Xinjiang"]
    assert "officials" not in "".join(marked(out))         # not asked
    assert "about" not in out and marked(highlight("What about it", marks_for("about"))) == []


def test_the_text_is_kept_exactly_and_escaped():
    nasty = 'Tariffs <script>alert("x")</script> & $5 *tariff* `x` [a](b)\nsecond line'
    out = highlight(nasty, marks_for("tariffs script"))
    assert shown(out) == nasty                              # verbatim, character for character
    assert "<script" not in out and "&lt;" in out and "&gt;" in out
    assert marked(out) == ["Tariffs", "script", "script", "tariff"]
    assert not re.search(r"[*`$\[\]]", re.sub(r"<[^>]+>|&#?\w+;", "", out))
    assert "<br>" in out and "\n" not in out


def test_a_question_full_of_markup_cannot_inject_any():
    out = highlight("a <b> tag", marks_for('<b onclick="x"> "tag"'))
    assert "<b" not in out.replace("<br>", "") and shown(out) == "a <b> tag"


def test_a_quoted_phrase_is_marked_as_a_phrase_only():
    m = marks_for('Did they mention the "Forced Labor Prevention Act" and Xinjiang?')
    assert m.phrases == ("Forced Labor Prevention Act",)
    out = highlight("The Uyghur Forced-Labor  Prevention Act is forced. Labor law. Xinjiang.", m)
    assert marked(out) == ["Forced-Labor  Prevention Act", "Xinjiang"]   # not "forced" alone
    assert marked(highlight("forced labor prevention act", m)) == ["forced labor prevention act"]


def test_adjacent_words_read_as_one_mark_and_spans_never_overlap():
    out = highlight("In Hong Kong affairs", marks_for("Hong Kong"))
    assert marked(out) == ["Hong Kong"]
    s = spans('"one China" one China', marks_for('"one China" China'))
    assert all(a < b <= c for (a, b), (c, _) in zip(s, s[1:]))


def test_nothing_to_mark():
    assert highlight("x & y", marks_for("")) == "x &amp; y"
    assert highlight("x & y", None) == "x &amp; y"
    assert not marks_for("what is the")                     # stopwords only
