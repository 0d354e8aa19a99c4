"""The chat and its API over an index of two publishers: the ministry's seed transcript
and a small synthetic White House briefing. The publisher filter (dropdown, /chat, /ask,
/analyse, the Analyse button), its description, and hits linked to their web page.

All with the fake encoder (no torch); servers bind 127.0.0.1 on a free port.
"""
from __future__ import annotations

import datetime as dt
import html
import re
import sys

import pytest

from rag.present.chat import clean_filters, describe_filters, format_hit, format_hits
from rag.results import Hit

from conftest import ROOT, SEED, free_port

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WH = "The White House"
MFA = "Ministry of Foreign Affairs of China"

BRIEFING = """\
Press Briefing by Press Secretary Jen Psaki, January 21, 2021

James S. Brady Press Briefing Room

1:17 P.M. EST

MS. PSAKI: Good afternoon. I have one item at the top. The President signed an executive \
order on vaccine supply today.

Q Good afternoon.

Q Jen, on the Winter Olympics in Beijing: will the administration announce a diplomatic \
boycott?

MS. PSAKI: We have nothing to announce on the Olympics today; we are consulting closely \
with our allies.

Q And on Ukraine?

MS. PSAKI: We continue to support Ukraine's sovereignty and territorial integrity.

2:13 P.M. EST
"""
QUESTION = "Winter Olympics in Beijing diplomatic boycott"


def visible(markup: str) -> str:
    # a highlight (<mark>) is inline: dropped in place; other tags stand for a space
    markup = re.sub(r"</?mark[^>]*>", "", markup)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def inline_text(markup: str) -> str:
    """The text of inline markup as read: tags dropped in place, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", markup))).strip()


@pytest.fixture
def mixed(tmp_path, encoder):
    """A retriever over the ministry's seed and one White House briefing."""
    from rag import Retriever
    from rag.parse import parse_file
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / SEED.name).write_bytes(SEED.read_bytes())
    briefing = folder / "2021-01-21.txt"
    briefing.write_text(BRIEFING, encoding="utf-8")
    parsed = parse_file(briefing)
    assert parsed.publisher == WH and len(parsed.exchanges) == 3, parsed
    r = Retriever.open(tmp_path / "index", encoder=encoder)
    report = r.ingest([folder / SEED.name, briefing])
    assert report.ok, report.files
    yield r
    r.close()


def ui_fns(demo) -> dict:
    return {fn.fn.__name__: fn.fn for fn in demo.fns.values() if fn.fn}


@pytest.fixture
def chat_fns(mixed):
    """The chat's handlers over the mixed index, closed after the test."""
    import app
    demo = app.build_app(mixed)
    yield ui_fns(demo)
    demo.close()


def component(demo, elem_id: str):
    found = [b for b in demo.blocks.values() if getattr(b, "elem_id", None) == elem_id]
    assert len(found) == 1, elem_id
    return found[0]


# -- pure formatting ---------------------------------------------------------------
def test_clean_and_describe_filters_know_publisher():
    f = clean_filters("Bloomberg", "", None, " 2021-12-31 ", f"  {WH} ")
    assert f == {"questioner": "Bloomberg", "spokesperson": None, "date_from": None,
                 "date_to": "2021-12-31", "publisher": WH}
    assert describe_filters(f) == f"publisher {WH}, questioner Bloomberg, up to 2021-12-31"
    assert clean_filters(publisher=" ")["publisher"] is None
    assert clean_filters()["publisher"] is None                 # old callers: no publisher
    assert describe_filters(clean_filters(publisher=MFA)) == f"publisher {MFA}"
    out = visible(format_hits([], "q", filters=clean_filters(publisher=WH)))
    assert f"No passage found with these filters: publisher {WH}" in re.sub(r"\s+", " ", out)


def wh_hit(**kw) -> Hit:
    base = dict(text="We have nothing to announce.", date=dt.date(2021, 1, 21), questioner=None,
                spokesperson="Jen Psaki", question="On the Olympics?", score=0.5,
                citation="Jen Psaki, White House press briefing of 21 January 2021, "
                         "answering a reporter",
                passage_id=7, source="2021-01-21.txt", title="Press Briefing by Jen Psaki",
                url="https://www.whitehouse.gov/briefing-room/press-briefings/2021/01/21/x/",
                publisher=WH)
    base.update(kw)
    return Hit(**base)


def test_a_hit_with_a_web_page_links_its_citation_and_source():
    h = wh_hit()
    out = format_hit(h, 1, "Olympics")
    meta = out.split('<div class="pc-meta">', 1)[1]
    citation = re.search(r'Citation: <a href="([^"]+)"[^>]*>([^<]+)</a>', meta)
    assert citation, meta
    assert citation.group(1) == h.url and html.unescape(citation.group(2)) == h.citation
    assert meta.count(f'href="{h.url}"') == 2                     # citation and source
    assert 'rel="noopener noreferrer nofollow"' in meta
    # the head is worded as the citation: the publisher's event and unnamed questioner
    head = inline_text(out.split('<div class="pc-question">', 1)[0])
    assert head.endswith("Jen Psaki, White House press briefing of 21 January 2021, "
                         "answering a reporter"), head
    # only http(s) is ever linked; the citation stays plain, escaped text
    for bad in ("javascript:alert(1)", "data:text/html,x", None, ""):
        plain = format_hit(wh_hit(url=bad, citation='<b>"x"</b> & y'), 1)
        assert "href=\"http" not in plain and "<b>" not in plain
        assert 'Citation: <b>"x"</b> & y' in visible(plain)
    # a quote in a URL cannot break out of the attribute
    quoted = format_hit(wh_hit(url='https://x.y/a"onmouseover="alert(1)'), 1)
    assert 'href="https://x.y/a&quot;onmouseover=&quot;alert(1)"' in quoted
    assert '"onmouseover' not in quoted
    # a ministry hit without a URL reads as before
    mfa = format_hit(wh_hit(url=None, publisher=MFA, questioner="AFP",
                            citation="Zhao Lijian, press conference of 24 December 2021, "
                                     "answering AFP"), 1)
    assert "press conference of" in visible(mfa) and "href=\"http" not in mfa


def test_several_speakers_are_named_in_the_head():
    out = format_hit(wh_hit(speakers=("Jen Psaki", "John Kirby")), 1)
    head = inline_text(out.split('<div class="pc-question">', 1)[0])
    assert "Jen Psaki and John Kirby, White House press briefing" in head, head


# -- the app's handlers, no server ----------------------------------------------------
def test_publisher_dropdown_lists_the_index_publishers(mixed):
    import app
    assert dict(mixed.publishers()).keys() == {WH, MFA}
    demo = app.build_app(mixed)
    try:
        dropdown = component(demo, "pc-publisher")
        values = [c[1] if isinstance(c, (tuple, list)) else c for c in dropdown.choices]
        labels = [c[0] if isinstance(c, (tuple, list)) else c for c in dropdown.choices]
        assert values[0] == "" and labels[0] == "Any publisher"
        assert set(values[1:]) == {WH, MFA}
        counts = dict(mixed.publishers())
        assert f"{WH} ({counts[WH]})" in labels and f"{MFA} ({counts[MFA]})" in labels
        assert dropdown.visible is True
        # a page load refreshes it, still shown
        _, _, _, update = ui_fns(demo)["refresh"]()
        assert update["visible"] is True and len(update["choices"]) == 3
    finally:
        demo.close()


def test_choosing_a_publisher_narrows_the_outlets_and_officials(mixed):
    import app
    demo = app.build_app(mixed)
    try:
        narrow = ui_fns(demo)["narrow"]
        asked, answered = narrow(WH, "", "Jen Psaki")
        assert [c[1] for c in answered["choices"]] == ["", "Jen Psaki"]
        assert answered["value"] == "Jen Psaki"
        assert [c[1] for c in asked["choices"]] == [""]         # reporters are never named
        _, answered = narrow(MFA, "", "Jen Psaki")              # not the ministry's: cleared
        ministry = {name for name, _ in mixed.spokespersons(MFA)}
        assert {c[1] for c in answered["choices"]} == {""} | ministry
        assert answered["value"] == "" and "Jen Psaki" not in ministry
        _, answered = narrow("", "", "")                        # any publisher: everyone
        assert {c[1] for c in answered["choices"]} == {""} | ministry | {"Jen Psaki"}
        # the API takes a publisher's alias too
        assert mixed.spokespersons("white house") == mixed.spokespersons(WH)
    finally:
        demo.close()


def test_publisher_dropdown_hidden_with_a_single_publisher(retriever):
    import app
    demo = app.build_app(retriever)
    try:
        dropdown = component(demo, "pc-publisher")
        assert dropdown.visible is False
        assert [c[1] for c in dropdown.choices] == ["", MFA]
    finally:
        demo.close()


def test_chat_and_analyse_button_filter_by_publisher(mixed):
    import app
    demo = app.build_app(mixed)
    try:
        fns = ui_fns(demo)
        _, _, both, _ = fns["chat"](QUESTION, [], 20, "", "", "", "", False)[:4]
        assert {h["publisher"] for h in both} == {WH, MFA}        # the filter matters
        _, _, old, _ = fns["chat"](QUESTION, [], 20, "", "", "", "")[:4]   # old arity
        assert [h["passage_id"] for h in old] == [h["passage_id"] for h in both]
        history, _, white, last = fns["chat"](QUESTION, [], 20, "", "", "", "", False, WH)[:4]
        assert white and {h["publisher"] for h in white} == {WH}
        assert all(h["date"] == "2021-01-21" for h in white)
        assert f"filters: publisher {WH}" in visible(history[-1]["content"])
        assert last["publisher"] == WH
        _, _, ministry, _ = fns["chat"](QUESTION, [], 20, "", "", "", "", False, MFA)[:4]
        assert ministry and {h["publisher"] for h in ministry} == {MFA}
        # the Analyse button analyses the same publisher only
        summary, chart, change, outlets, csv_path, json_path, text = fns["analyse_ui"](last)
        assert re.findall(r'href="#month-([\d-]+)"', chart) == ["2021-01"]
        assert "White House press briefing" in text and "press conference of" not in text
        assert "24 December 2021" not in visible(change)
    finally:
        demo.close()


def test_analyse_directly_by_publisher(mixed):
    import app
    white = app.analyse(mixed, QUESTION, 5, "", "", "", "", False, WH)
    assert white["filters"]["publisher"] == WH
    assert [m["month"] for m in white["timeline"]] == ["2021-01"]
    assert white["citations"] and all(r["date"] == "2021-01-21" for r in white["citations"])
    ministry = app.analyse(mixed, QUESTION, 5, publisher=MFA)
    assert [m["month"] for m in ministry["timeline"]] == ["2021-12"]


# -- the served API ----------------------------------------------------------------
@pytest.fixture
def client(mixed):
    import app
    from gradio_client import Client
    demo = app.build_app(mixed)
    _, url, _ = app.launch(demo, "127.0.0.1", free_port(), block=False)
    c = Client(url, verbose=False, analytics_enabled=False, download_files=False)
    try:
        yield c
    finally:
        c.close()
        demo.close()


def test_api_publisher_argument_appended(client):
    # the old positional call: no publisher, both publishers' hits, each naming its own
    old = client.predict(QUESTION, 20, "", "", "", "", api_name="/ask")
    assert {h["publisher"] for h in old["hits"]} == {WH, MFA}
    assert old["filters"]["publisher"] is None
    old_literal = client.predict(QUESTION, 20, "", "", "", "", True, api_name="/ask")
    assert old_literal["hits"] and old_literal["understood"] == []
    # publisher, the 8th argument
    white = client.predict(QUESTION, 20, "", "", "", "", False, WH, api_name="/ask")
    assert white["hits"] and {h["publisher"] for h in white["hits"]} == {WH}
    assert white["filters"]["publisher"] == WH
    assert white["hits"][0]["citation"].startswith("Jen Psaki, White House press briefing of "
                                                   "21 January 2021")
    ministry = client.predict(QUESTION, 20, "", "", "", "", False, MFA, api_name="/ask")
    assert ministry["hits"] and {h["publisher"] for h in ministry["hits"]} == {MFA}
    by_name = client.predict(QUESTION, 20, publisher=WH, api_name="/ask")
    assert [h["passage_id"] for h in by_name["hits"]] == \
        [h["passage_id"] for h in white["hits"]]
    none = client.predict(QUESTION, 5, "", "", "2021-12-01", "", False, WH, api_name="/ask")
    assert none["hits"] == [] and f"publisher {WH}" in visible(none["html"])


def test_analyse_and_chat_endpoints_take_publisher(client):
    # the old positional call: no publisher, the answer's hits from both publishers
    old = client.predict(QUESTION, 5, "", "", "", "", api_name="/analyse")
    assert old["filters"]["publisher"] is None and old["timeline"]
    assert {r["date"] for r in old["citations"]} == {"2021-01-21", "2021-12-24"}
    white = client.predict(QUESTION, 5, "", "", "", "", False, WH, api_name="/analyse")
    assert [m["month"] for m in white["timeline"]] == ["2021-01"]
    assert all(r["source"] == "2021-01-21.txt" for r in white["citations"])
    ministry = client.predict(QUESTION, 5, "", "", "", "", False, MFA, api_name="/analyse")
    assert [m["month"] for m in ministry["timeline"]] == ["2021-12"]
    _, _, hits = client.predict(QUESTION, [], 10, "", "", "", "", False, WH, api_name="/chat")
    assert hits and {h["publisher"] for h in hits} == {WH}
    _, _, hits = client.predict(QUESTION, [], 10, "", "", "", "", api_name="/chat")   # old
    assert {h["publisher"] for h in hits} == {WH, MFA}


def test_the_chat_says_when_a_filter_overrode_the_person_asked_about(mixed):
    from rag.present.answers import answer_question
    got = answer_question(mixed, "What did Zhao Lijian say about the Olympics boycott?", 3,
                          spokesperson="Jen Psaki")
    assert got.hits and all(h.spokesperson == "Jen Psaki" for h in got.hits)
    assert "Spokesperson Zhao Lijian named in the question, not applied: the spokesperson " \
           "filter is Jen Psaki." in inline_text(got.html)
    plain = answer_question(mixed, "What did Zhao Lijian say about the Olympics boycott?", 3)
    assert "not applied" not in inline_text(plain.html)


def test_a_follow_up_keeps_the_publisher_the_question_before_asked(chat_fns):
    chat = chat_fns["chat"]
    first = chat("What did Beijing say about the Winter Olympics boycott?", [], 5,
                 "", "", "", "", False, "", "auto", {}, None)
    assert first[3]["asked_of"] == MFA
    # "What about Ukraine?": only the White House spoke of it, but Beijing was asked
    out = chat("What about Ukraine?", [], 5, "", "", "", "", False, "", "auto",
               {}, first[3])
    assert out[2] and {h["publisher"] for h in out[2]} == {MFA}
    assert f"kept publisher {MFA}" in visible(out[0][-1]["content"])
    # kept along a chain, and a publisher chosen by hand wins
    again = chat("And the athletes?", [], 5, "", "", "", "", False, "", "auto",
                 {}, out[3])
    assert {h["publisher"] for h in again[2]} == {MFA}
    mine = chat("What about Ukraine?", [], 5, "", "", "", "", False, WH, "auto",
                {}, first[3])
    assert {h["publisher"] for h in mine[2]} == {WH}
    assert "kept publisher" not in visible(mine[0][-1]["content"])
    # a follow-up naming a publisher of its own, or a question of its own: not kept
    own = chat("And the White House?", [], 5, "", "", "", "", False, "", "auto",
               {}, first[3])
    assert WH in {h["publisher"] for h in own[2]}
    new = chat("Who is sending help to Ukraine?", [], 5, "", "", "", "", False, "", "auto",
               {}, first[3])
    assert WH in {h["publisher"] for h in new[2]} and new[3]["asked_of"] == ""


def test_the_chat_says_a_publisher_asked_has_nothing_on_it(mixed):
    from rag.present.answers import answer_question
    got = answer_question(mixed, "What did Beijing say about Ukraine?", 5)
    text = inline_text(got.html)
    assert got.answer.asked_of == MFA and got.hits
    assert (f'No close match: nothing in the transcripts of the {MFA} (2021-12-24 to '
            f'2021-12-24) for "Ukraine"; the nearest replies follow.') in text


def test_a_follow_up_asking_another_publisher_drops_the_official_before(chat_fns):
    chat, show = chat_fns["chat"], chat_fns["show_inferred"]
    first = chat("What did Psaki say about the Olympics boycott?", [], 5,
                 "", "", "", "", False, "", "auto", {}, None)
    *shown, now, _ = show(first[4], "", "", "", "")
    assert shown[1] == "Jen Psaki"
    # "And China?": the ministry's replies on that topic, not Psaki's (none are)
    out = chat("And China?", [], 5, "", "Jen Psaki", "", "", False, "", "auto",
               now, first[3])
    assert out[2] and {h["publisher"] for h in out[2]} == {MFA}
    assert "kept its topic" in visible(out[0][-1]["content"])
    assert "Jen Psaki" not in visible(out[0][-1]["content"])


def test_a_month_bar_asks_every_publisher_and_its_dates_go_with_the_next_question(chat_fns):
    chat = chat_fns["chat"]
    first = chat("What did Beijing say about the Winter Olympics boycott?", [], 5,
                 "", "", "", "", False, "", "auto", {}, None)
    assert first[3]["asked_of"] == MFA
    # the bar of January 2021 counted the White House's reply: the re-ask finds it
    bar = chat(first[3]["question"], [], 5, "", "", "2021-01-01", "2021-01-31", False, "",
               "auto", {}, first[3])
    assert bar[2] and {h["publisher"] for h in bar[2]} == {WH}
    assert bar[4]["values"]["date_from"] == "2021-01-01"     # cleared like words' dates


def test_a_publisher_named_in_the_question_that_the_filter_overrides_is_said(mixed):
    from rag.present.answers import answer_question
    got = answer_question(mixed, "What did China say about the Olympics boycott?", 3,
                          publisher=WH)
    assert all(h.publisher == WH for h in got.hits)
    assert (f'Publisher {MFA} named in the question ("China"), not applied: the publisher '
            f"filter is {WH}.") in inline_text(got.html)
