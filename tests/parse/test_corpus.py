"""The parser against the whole development corpus (../shared/corpus): 386 pages,
each as the ministry's HTML and as rendered text. Skipped when the corpus is absent.

The numbers pinned here were measured on the corpus; a change in them means the
turn heuristics changed and must be looked at, not silently accepted.
"""
from __future__ import annotations

import collections
import datetime as dt
import re
from pathlib import Path

import pytest

from conftest import CORPUS
from rag.parse import Conference, collapse_whitespace, parse_file

pytestmark = pytest.mark.skipif(not (CORPUS / "txt").is_dir() or not (CORPUS / "html").is_dir(),
                                reason=f"development corpus not found at {CORPUS}")

SPOKESPERSONS = {"Geng Shuang", "Hua Chunying", "Lu Kang", "Zhao Lijian"}

# Every outlet the corpus names, after normalization. A new name here means the
# outlet heuristic accepted a new label: check it is not an answer sentence.
QUESTIONERS = {
    "ABC", "AFP", "APP", "BBC", "Beijing Daily", "Beijing Media Network", "Beijing Youth Daily",
    "Bloomberg", "CCTV", "CCTV4", "CGTN", "CNN", "CNR", "CNS", "CRI", "China Daily",
    "China Review News", "Chinese Arabic Television", "De Telegraaf", "EFE", "Feature Story News",
    "Financial Times", "Fuji TV", "Global Times", "Hong Kong Review News", "IRNA", "JoongAng Ilbo",
    "KBS", "Kyodo", "Macau Monthly", "NHK", "NPR", "Nikkei", "PTI", "Phoenix TV",
    "Prensa Latina", "RIA Novosti", "Reuters", "Reuters TV", "SCMP", "Shenzhen TV", "Sky News",
    "Sputnik", "Swedish TV", "TASS", "TBS", "The Australian", "The Globe and Mail", "The Paper",
    "Voice of Vietnam", "Wall Street Journal", "Xinhua", "Yonhap"}

LABEL_AT_START = re.compile(r"^(?:A|Q|Follow-up|Journalist[\w ]*|Geng Shuang|Hua Chunying|Lu Kang|"
                            r"Zhao Lijian)\s*[:：]", re.I)


def _stems(kind: str) -> list[Path]:
    return sorted((CORPUS / kind).glob(f"*.{kind}"))


def _parse_all(kind: str) -> dict[str, Conference]:
    out, errors = {}, []
    for f in _stems(kind):
        try:
            out[f.stem] = parse_file(f)
        except Exception as e:  # noqa: BLE001 - collected, asserted below
            errors.append(f"{f.name}: {type(e).__name__}: {e}")
    assert errors == []
    return out


@pytest.fixture(scope="module")
def txt() -> dict[str, Conference]:
    return _parse_all("txt")


@pytest.fixture(scope="module")
def html() -> dict[str, Conference]:
    return _parse_all("html")


def _answers(c: Conference):
    return [e for e in c.exchanges if e.kind == "answer"]


def test_every_file_parses(txt, html):
    assert len(txt) == len(html) == 386
    assert set(txt) == set(html)


def test_dates_match_file_stems(txt, html):
    for parsed in (txt, html):
        for stem, c in parsed.items():
            assert c.date == dt.date.fromisoformat(stem[:10]), stem
            assert not any("differs from file name" in n for n in c.skipped), stem


def test_spokespersons_per_conference(txt):
    counts = collections.Counter(c.spokesperson for c in txt.values())
    assert counts == {"Geng Shuang": 182, "Hua Chunying": 89, "Lu Kang": 76, "Zhao Lijian": 39}
    assert {e.spokesperson for c in txt.values() for e in c.exchanges} == SPOKESPERSONS
    assert sum("Daily Briefing Online" in c.title for c in txt.values()) == 13


def test_html_parse_equals_txt_parse(txt, html):
    for stem, t in txt.items():
        h = html[stem]
        assert (h.date, h.spokesperson, h.title) == (t.date, t.spokesperson, t.title), stem
        assert len(h.exchanges) == len(t.exchanges), stem
        for a, b in zip(h.exchanges, t.exchanges):
            assert a == b, (stem, a.ordinal)
        assert h.skipped == t.skipped, stem


def test_exchange_counts_plausible(txt):
    per_conf = {stem: len(_answers(c)) for stem, c in txt.items()}
    assert min(per_conf.values()) >= 1
    assert max(per_conf.values()) <= 40
    kinds = collections.Counter(e.kind for c in txt.values() for e in c.exchanges)
    # measured: 3668 answers, 407 statements
    assert 3500 <= kinds["answer"] <= 3800, kinds
    assert 350 <= kinds["statement"] <= 450, kinds
    assert set(kinds) == {"answer", "statement"}
    # short pages, as published
    assert per_conf["2019-12-26"] == 1 and per_conf["2019-04-25"] == 1
    assert [e.kind for e in txt["2019-11-07"].exchanges] == ["statement"] * 2 + ["answer"] * 2


def test_replies_nonempty_and_clean(txt):
    bad = re.compile(r"<p\b|</|&nbsp;|&amp;|Suggest to a friend|^Print$|Español|Русский|Français",
                     re.I | re.M)
    for stem, c in txt.items():
        for e in c.exchanges:
            assert e.text.strip(), (stem, e.ordinal)
            parts = [e.text] + ([e.question] if e.question is not None else [])
            if e.kind == "answer":
                assert e.question and e.question.strip(), (stem, e.ordinal)
            else:
                assert e.question is None and e.questioner is None
            for s in parts:
                assert not bad.search(s), (stem, e.ordinal, s[:80])
                assert not LABEL_AT_START.match(s), (stem, e.ordinal, s[:80])
                for para in s.split("\n\n"):
                    assert para == para.strip() and "  " not in para and para


def test_text_is_verbatim_substring_of_source(txt, html):
    from selectolax.lexbor import LexborHTMLParser

    for stem, c in txt.items():
        src = collapse_whitespace((CORPUS / "txt" / f"{stem}.txt").read_text(encoding="utf-8"))
        body = LexborHTMLParser((CORPUS / "html" / f"{stem}.html").read_bytes())
        html_src = collapse_whitespace(body.css_first("div.content").text(deep=True))
        for e in c.exchanges:
            for para in (e.text + "\n\n" + (e.question or "")).split("\n\n"):
                if para:
                    assert para in src, (stem, e.ordinal, para[:80])
                    assert para in html_src, (stem, e.ordinal, para[:80])


def test_questioners_normalized(txt):
    seen = collections.Counter(e.questioner for c in txt.values() for e in _answers(c))
    names = set(seen) - {None}
    assert names == QUESTIONERS
    for variant in ("Bloomberg News", "Agence France-Presse", "Tass", "Kyodo News",
                    "Press Trust of India", "China News Service", "China Radio International",
                    "China National Radio", "South China Morning Post", "Q", "Journalist"):
        assert variant not in names
    # measured: most questions of the Q:/A: era carry no outlet
    assert 3000 <= seen[None] <= 3200
    assert seen["Reuters"] >= 50 and seen["AFP"] >= 40 and seen["Bloomberg"] >= 20


def test_labels_as_printed_are_kept(txt):
    labels = {(e.questioner_label, e.questioner) for c in txt.values() for e in _answers(c)}
    assert ("Bloomberg News", "Bloomberg") in labels
    assert ("Agence France-Presse", "AFP") in labels
    assert ("Q", None) in labels and ("Journalist", None) in labels


def test_follow_up_inherits_outlet(txt):
    follow = [e for c in txt.values() for e in _answers(c) if e.questioner_label == "Follow-up"]
    assert len(follow) >= 90
    assert sum(e.questioner is not None for e in follow) >= 15
    for c in txt.values():
        prev = None
        for e in _answers(c):
            if e.questioner_label == "Follow-up":
                assert e.questioner == prev, (c.source, e.ordinal)
            elif e.questioner_label and not e.questioner_label.lower().startswith("journalist"):
                prev = e.questioner


def test_colon_sentences_stay_in_replies(txt):
    e = next(e for c in txt.values() for e in c.exchanges
             if "Let me stress this once again:" in e.text)
    assert e.kind == "answer" and e.questioner == "The Australian"
    c = txt["2019-07-19"]
    assert any(p.startswith("Our position is very clear:")
               for e in c.exchanges for p in e.text.split("\n\n"))


def test_known_quirks(txt):
    assert txt["2018-09-10"].date == dt.date(2018, 9, 10)            # "on September 10"
    assert txt["2018-06-13"].title.endswith("on June13, 2018")       # no space
    assert txt["2018-06-13"].date == dt.date(2018, 6, 13)
    assert txt["2019-04-29_2"].date == dt.date(2019, 4, 29)
    seps = sum("separator" in n for c in txt.values() for n in c.skipped)
    assert seps == 28                 # measured: ***, star runs, ＊＊＊, ※※※, ---
    # Feb 2020 online briefings open with COVID-19 figures: statements first
    feb = [c for c in txt.values() if "Daily Briefing Online" in c.title]
    assert sum(c.exchanges[0].kind == "statement" for c in feb) >= 10
    # questions put after the press conference are questions, not statements
    after = [e for c in txt.values() for e in _answers(c)
             if e.questioner_label and "after the press conference" in e.questioner_label.lower()]
    assert len(after) == 13                                          # measured
