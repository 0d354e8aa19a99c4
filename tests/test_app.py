"""The web chat: formatting (pure), the launched app through gradio_client, the entry point.

All with the fake encoder (no torch); servers bind 127.0.0.1 on a free port
and are closed at the end.
"""
from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import html
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from rag.present.chat import (best_paragraph, clean_filters, describe_filters,
                              escape_text, facet_choices, format_error, format_hit, format_hits,
                              format_question, format_repeats, hit_to_dict, paragraphs, safe_url)
from rag.rank.understand import applied_notes
from rag.results import Citation, Hit

from conftest import ROOT, SEED, free_port

# app.py is a top-level module beside rag/: importable from the project root.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def visible(markup: str) -> str:
    """What a browser shows of ``markup``, roughly: tags dropped, references decoded."""
    # a highlight (<mark>) is inline: dropped in place; other tags stand for a space
    markup = re.sub(r"</?mark[^>]*>", "", markup)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def collapse(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def make_hit(**kw) -> Hit:
    base = dict(text="First paragraph.\n\nSecond paragraph.", date=dt.date(2021, 12, 24),
                questioner="Bloomberg", spokesperson="Zhao Lijian",
                question="What is China's comment?", score=0.5,
                citation="Zhao Lijian, press conference of 24 December 2021, answering Bloomberg",
                passage_id=42, kind="answer", source="/srv/data/2021-12-24.txt",
                url=None, title="Regular Press Conference")
    base.update(kw)
    return Hit(**base)


# -- formatting ------------------------------------------------------------------
NASTY = ('<script>alert("x")</script> <img src=x onerror="alert(1)"> &amp; AT&T '
         '**bold** _it_ `code` [link](javascript:alert(1)) $5 and $6 | a | b | ~~s~~ # h \\n')


def test_markup_in_a_transcript_is_shown_as_text_never_executed():
    out = format_hits([make_hit(text=NASTY, question=NASTY, questioner="<b>Outlet</b>")], "x")
    assert "<script" not in out and "<img" not in out and "<b>Outlet" not in out
    # a Markdown link stays text: the only link is the app's own, to the transcript
    assert re.findall(r'<a [^>]*href="([^"]*)"', out) == ["#passage-42"]
    # no Markdown/LaTeX marker survives as a raw character
    for ch in "*_`$[]|~#\\":
        assert ch not in re.sub(r"<[^>]+>|&#?\w+;", "", out), ch
    # ... yet the reader sees every character exactly
    assert NASTY in visible(out)
    assert "<Outlet>" not in visible(out) and "<b>Outlet</b>" in visible(out)


def test_no_blank_line_so_markdown_leaves_the_html_alone():
    out = format_hits([make_hit(text="a\n\nb\n\n\nc\nd")], "q")
    assert "\n" not in out


def test_every_paragraph_is_shown_whole_and_verbatim(retriever):
    seed = collapse(SEED.read_text(encoding="utf-8"))
    hits = retriever.search("Xinjiang forced labor act", k=5)
    assert hits
    shown = collapse(visible(format_hits(hits, "Xinjiang forced labor act")))
    for h in hits:
        for para in paragraphs(h.text):
            assert collapse(para) in shown          # whole, never cut
            assert collapse(para) in seed           # and a substring of the transcript
        if h.question:
            assert collapse(h.question) in shown


def test_citation_fields():
    h = make_hit(url="https://www.mfa.gov.cn/eng/xw/fyrbt/lxjzh/202112/t20211224.html")
    out = format_hit(h, 1, "comment")
    seen = collapse(visible(out))
    assert "Zhao Lijian" in seen                       # spokesperson
    assert "24 December 2021" in seen                  # date, human
    assert 'datetime="2021-12-24"' in out              # date, machine
    assert "answering Bloomberg" in seen               # questioner (outlet)
    assert "Bloomberg: What is China's comment?" in seen  # the question asked
    assert h.citation in seen                          # the citation string, whole
    assert "2021-12-24.txt" in seen and "/srv/data" not in seen   # file name, not the path
    assert f'href="{h.url}"' in out and 'rel="noopener noreferrer nofollow"' in out
    assert out.startswith('<div class="pc-hit" data-passage-id="42">')


def test_statement_and_unknown_questioner():
    s = collapse(visible(format_hit(make_hit(
        kind="statement", questioner=None, question=None,
        citation="Zhao Lijian, press conference of 24 December 2021, opening statement"), 1)))
    assert "opening statement" in s and "answering" not in s
    u = collapse(visible(format_hit(make_hit(questioner=None, question="Q text"), 1)))
    assert "answering an unnamed questioner" in u and "Question: Q text" in u


@pytest.mark.parametrize("url, ok", [
    ("https://example.org/a?b=1&c=2", True), ("http://x.y/", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("data:text/html,x", False),
    ("//evil", False), ("", False), (None, False),
])
def test_only_http_links(url, ok):
    assert (safe_url(url) is not None) == ok
    out = format_hit(make_hit(url=url), 1)
    # the only other link is the app's own, opening the transcript inside the page
    outside = [h for h in re.findall(r'<a [^>]*href="([^"]*)"', out) if h != "#passage-42"]
    assert bool(outside) == ok and all(h.startswith("http") for h in outside)


def test_a_long_statement_is_called_a_statement_when_collapsed():
    text = "\n\n".join(["The weather was discussed at length today. " * 12,
                         "On Lithuania, customs clearance follows WTO rules. " * 10])
    out = format_hit(make_hit(text=text, kind="statement", question=None, questioner=None),
                     1, "Lithuania customs WTO")
    assert "Show the whole statement (2 paragraphs" in out
    assert "of the statement, quoted whole" in out and "whole reply" not in out


def test_long_reply_collapsed_with_best_paragraph_first():
    paras = ["The weather was discussed at length today. " * 8,
             "On Lithuania, customs clearance follows WTO rules. " * 6,
             "Finally, we wish everyone a happy new year. " * 8]
    text = "\n\n".join(paras)
    out = format_hit(make_hit(text=text), 1, "Lithuania customs WTO")
    assert "<details" in out and "Show the whole reply (3 paragraphs" in out
    before, inside = out.split("<details", 1)
    assert paras[1].strip() in visible(before) and paras[0].strip() not in visible(before)
    for p in paras:                                # the whole reply, one click away
        assert collapse(p) in collapse(visible(inside))
    assert "Best-matching paragraph (2 of 3)" in visible(before)
    # words read as filters ("in May 2020") do not pick the paragraph: the topic does
    may = ["On May 1, the CDC said the virus came from the US. " * 12,
           "Speaking of tariffs, they hurt both sides. " * 12]
    picked = format_hit(make_hit(text="\n\n".join(may)), 1,
                        "What did Hua Chunying tell Reuters in May 2020 about tariffs?",
                        focus="What did tell about tariffs?")
    assert "Best-matching paragraph (2 of 2)" in visible(picked.split("<details", 1)[0])
    # short replies are shown whole, open
    short = format_hit(make_hit(text="One.\n\nTwo."), 1, "two")
    assert "<details" not in short and "One." in visible(short) and "Two." in visible(short)
    # one long paragraph is never split
    one = format_hit(make_hit(text="word " * 500), 1, "word")
    assert "<details" not in one and collapse("word " * 500) in collapse(visible(one))


def test_best_paragraph():
    paras = ["Nothing relevant here.", "The Winter Olympics in Beijing.", "Olympics again."]
    assert best_paragraph(paras, "What about the Beijing Winter Olympics?") == 1
    assert best_paragraph(paras, "completely unrelated") == 0
    assert best_paragraph(["only one"], "one") == 0
    assert best_paragraph(["a", "The US side said"], "What did the US say?") == 1


def test_no_passage_found_names_the_filters():
    f = clean_filters("Bloomberg", " ", "2022-01-01", None)
    assert f == {"questioner": "Bloomberg", "spokesperson": None,
                 "date_from": "2022-01-01", "date_to": None, "publisher": None}
    out = visible(format_hits([], "q", filters=f))
    assert "No passage found" in out and "questioner Bloomberg" in out and "from 2022-01-01" in out
    assert "No passage found." in visible(format_hits([], "q"))
    assert describe_filters(clean_filters(None, "Hua Chunying", "2020-01-01", "2020-12-31")) == \
        "spokesperson Hua Chunying, from 2020-01-01 to 2020-12-31"
    assert describe_filters(clean_filters(date_to="2020-12-31")) == "up to 2020-12-31"
    assert describe_filters({}) == ""
    # the active filters are repeated above each answer
    assert "filters: questioner Bloomberg" in visible(format_hits([make_hit()], "q", filters=f))


def _occasion(pid, day, questioner, url=None):
    date = dt.date(2021, 12, day)
    return Citation(passage_id=pid, date=date, questioner=questioner, spokesperson="Zhao Lijian",
                    question="Q?", text="Same reply.",
                    citation=f"Zhao Lijian, press conference of {day} December 2021, "
                             f"answering {questioner}",
                    source=f"/srv/data/2021-12-{day}.txt", url=url)


def test_a_repeated_reply_cites_every_occasion():
    occasions = (_occasion(7, 3, "AFP"), _occasion(42, 24, "<i>Bloomberg</i>",
                                                   url="javascript:alert(1)"))
    hit = make_hit(citations=occasions)
    out = format_hit(hit, 1, "q")
    seen = collapse(visible(out))
    assert "Given 2 times, from 3 December 2021 to 24 December 2021" in seen
    assert "answering AFP · 2021-12-3.txt" in seen
    assert "answering <i>Bloomberg</i> (shown above)" in seen and "<i>" not in out
    assert "javascript" not in out and "/srv/data" not in out
    assert format_repeats(make_hit()) == ""                        # given once: nothing
    many = make_hit(citations=tuple(_occasion(i, 1 + i % 28, "AFP") for i in range(60)))
    assert "and 10 more" in visible(format_repeats(many, limit=50))


def test_notes_read_from_the_question():
    notes = ('dates 2020-05-01 to 2020-05-31 (from "in May 2020")',
             'questioner AFP (from "tell AFP")', "spokesperson Hua Chunying")
    assert applied_notes(notes, {}) == list(notes)
    assert applied_notes(notes, clean_filters(questioner="Reuters")) == [notes[0], notes[2]]
    assert applied_notes(notes, clean_filters(date_to="2021-01-01")) == list(notes[1:])
    out = visible(format_hits([make_hit()], "q", notes=["questioner AFP"]))
    assert "Read from your question: questioner AFP" in out and "Literal" in out
    html = format_hits([make_hit()], "q", dropped=["questioner AFP"])
    out = visible(html)
    assert "questioner AFP; no reply matched that" in out and "Literal" not in out
    assert '<div class="pc-warn">Read from your question: questioner AFP' in html   # not quiet
    assert "Read from your question" not in visible(format_hits([make_hit()], "q"))


def test_small_helpers():
    assert escape_text("<a & b>") == "&lt;a &amp; b&gt;"
    assert escape_text("it's #1 & \"x\"") == "it&#x27;s &#35;1 &amp; &quot;x&quot;"
    assert html.unescape(escape_text(NASTY)) == NASTY
    assert format_question("<i>hi</i>\n*x*").count("<br>") == 1
    # turn labels kept inside a reply read as labels; the words stay as they are
    aside = format_hit(make_hit(text="It is paid for.\n\nQ Can —\n\nMS. PSAKI: Entirely."), 1)
    assert '<span class="pc-label">Q</span> Can —' in aside
    assert '<span class="pc-label">MS. PSAKI:</span> Entirely.' in aside
    assert "MS. PSAKI: Entirely." in " ".join(visible(aside).split())
    assert "pc-label" not in format_hit(make_hit(text="China: no. US side: yes."), 1)
    # a 100k-character paste is not echoed whole: the answer (its error) must stay in view
    huge = format_question("x" * 100_000)
    assert len(huge) < 2_000 and "100,000 characters; the first 1,000 shown" in huge
    assert "&lt;i&gt;" in format_error("<i>bad</i>")
    assert facet_choices([("Bloomberg", 3), ("AFP", 1)], "Any") == \
        [("Any", ""), ("Bloomberg (3)", "Bloomberg"), ("AFP (1)", "AFP")]
    d = hit_to_dict(make_hit())
    assert d["date"] == "2021-12-24" and d["citation"].startswith("Zhao Lijian")
    assert replace(make_hit(), text="x").text == "x"


def test_formatting_imports_no_gradio():
    code = ("import sys, rag.present.chat; "
            "assert 'gradio' not in sys.modules and 'torch' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# -- the running app -------------------------------------------------------------------
@pytest.fixture
def served(retriever):
    """The chat on a free loopback port: (url, retriever)."""
    import app
    demo = app.build_app(retriever)
    _, url, _ = app.launch(demo, "127.0.0.1", free_port(), block=False)
    try:
        yield url, retriever
    finally:
        demo.close()


@pytest.fixture
def client(served):
    from gradio_client import Client
    c = Client(served[0], verbose=False, analytics_enabled=False, download_files=False)
    yield c
    c.close()


def test_binds_loopback(served):
    assert served[0].startswith("http://127.0.0.1:")


def test_ask_returns_the_same_passages_as_the_retriever(served, client):
    _, retriever = served
    question = "Lithuania customs clearance EU WTO"
    out = client.predict(question, 3, "", "", "", "", api_name="/ask")
    want = retriever.search(question, k=3)
    assert [h["passage_id"] for h in out["hits"]] == [h.passage_id for h in want]
    assert [h["text"] for h in out["hits"]] == [h.text for h in want]
    first = out["hits"][0]
    assert first["citation"] == "Zhao Lijian, press conference of 24 December 2021, answering MASTV"
    assert first["date"] == "2021-12-24" and first["questioner"] == "MASTV"
    assert out["filters"] == {"questioner": None, "spokesperson": None,
                              "date_from": None, "date_to": None, "publisher": None}
    assert first["publisher"] == "Ministry of Foreign Affairs of China"
    assert first["citation"] in visible(out["html"])
    # the server's folders stay on the server: sources are file names only
    assert want[0].source.startswith("/") and first["source"] == "2021-12-24.txt"
    assert all("/" not in c["source"] for h in out["hits"] for c in h["citations"])


def test_ask_filters_and_no_passage_found(client):
    out = client.predict("Olympics", 10, "Phoenix TV", "", "", "", api_name="/ask")
    assert out["hits"] and {h["questioner"] for h in out["hits"]} == {"Phoenix TV"}
    none = client.predict("Olympics", 5, "", "", "2022-01-01", "", api_name="/ask")
    assert none["hits"] == [] and "No passage found" in visible(none["html"])
    assert (none["k"], none["found"]) == (5, 0) and out["found"] == len(out["hits"])
    assert "from 2022-01-01" in visible(none["html"])


@pytest.mark.parametrize("args, message", [
    (("", 5, "", "", "", ""), "empty"),
    (("Olympics", 5, "", "", "24/12/2021", ""), "date"),
    (("Olympics", 5, "", "", "2022-01-01", "2021-01-01"), "after"),
    (("Olympics", 0, "", "", "", ""), "k must be"),
])
def test_ask_user_errors_are_clear(client, args, message):
    from gradio_client.exceptions import AppError
    with pytest.raises(AppError, match=message):
        client.predict(*args, api_name="/ask")


def test_ask_reads_filters_from_the_question_unless_literal(client):
    q = "What did the spokesperson tell Phoenix TV about the Olympics in December 2021?"
    out = client.predict(q, 5, "", "", "", "", api_name="/ask")
    assert any("Phoenix TV" in n for n in out["understood"]), out["understood"]
    assert out["hits"] and {h["questioner"] for h in out["hits"]} == {"Phoenix TV"}
    assert "Read from your question" in visible(out["html"])
    literal = client.predict(q, 5, "", "", "", "", True, api_name="/ask")
    assert literal["understood"] == [] and "Read from your question" not in literal["html"]
    # a filter set by the user wins over one read from the question
    mine = client.predict(q, 5, "The Paper", "", "", "", api_name="/ask")
    assert not any(n.startswith("questioner") for n in mine["understood"])
    assert {h["questioner"] for h in mine["hits"]} == {"The Paper"}


def test_chat_endpoint_keeps_history_and_filters(client):
    history, box, hits = client.predict("Olympics", [], 5, "Phoenix TV", "", "", "",
                                        api_name="/chat")
    assert box == "" and len(history) == 2 and hits
    assert {h["questioner"] for h in hits} == {"Phoenix TV"}
    text = history[1]["content"][0]["text"] if isinstance(history[1]["content"], list) \
        else history[1]["content"]
    assert "answering" in visible(text) and "Phoenix TV" in visible(text)
    # a follow-up in the same chat, same filters: history grows, filters still apply
    history2, _, hits2 = client.predict("And what about Japan?", history, 5, "Phoenix TV", "",
                                        "", "", api_name="/chat")
    assert len(history2) == 4 and {h["questioner"] for h in hits2} == {"Phoenix TV"}
    # a user error is answered in the chat, not as a crash
    history3, _, hits3 = client.predict("Olympics", history2, 5, "", "", "not a date", "",
                                        api_name="/chat")
    assert hits3 == [] and "Cannot search" in str(history3[-1])
    # an empty question changes nothing
    history4, _, _ = client.predict("   ", history3, 5, "", "", "", "", api_name="/chat")
    assert len(history4) == len(history3)


def test_an_internal_error_is_reported_not_crashed(served, client, monkeypatch):
    from gradio_client.exceptions import AppError
    _, retriever = served

    def boom(*a, **kw):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(retriever, "ask", boom)
    history, _, hits = client.predict("Olympics", [], 5, "", "", "", "", api_name="/chat")
    assert hits == [] and "internal error" in str(history[-1])
    assert "disk on fire" not in str(history)          # details stay in the server log
    with pytest.raises(AppError, match="internal error"):
        client.predict("Olympics", 5, "", "", "", "", api_name="/ask")


def test_many_users_at_once(served, client):
    from gradio_client import Client
    url, _ = served
    questions = ["Olympics", "Lithuania", "Xinjiang", "democracy", "JCPOA", "Putin"] * 4

    def one(q):
        c = Client(url, verbose=False, analytics_enabled=False, download_files=False)
        try:
            return c.predict(q, 3, "", "", "", "", api_name="/ask")
        finally:
            c.close()

    with cf.ThreadPoolExecutor(12) as pool:
        results = list(pool.map(one, questions))
    assert all(r["hits"] for r in results)
    assert all(q.lower() in r["html"].lower() or r["hits"] for q, r in zip(questions, results))


def test_ensure_index_builds_from_bundled_data_once(tmp_path, encoder, seed_copy):
    import app
    from rag import Retriever
    with Retriever.open(tmp_path / "idx", encoder=encoder) as r:
        app.ensure_index(r, seed_copy.parent)
        assert r.info()["conferences"] == 1
        calls = encoder.encoded
        app.ensure_index(r, seed_copy.parent)          # not empty: nothing to do
        assert encoder.encoded == calls
    with Retriever.open(tmp_path / "other", encoder=encoder) as r:
        from rag.errors import PressconError
        with pytest.raises(PressconError, match="missing"):
            app.ensure_index(r, tmp_path / "nowhere")


def _popen_as_from_a_terminal(cmd, **kwargs) -> subprocess.Popen:
    """A server process whose SIGINT is a Ctrl+C in the terminal it was started from.

    A suite run in the background by a script (`pytest &`) has SIGINT ignored,
    and a child inherits that; handled while the child starts, it reaches the
    child as the default (Python's KeyboardInterrupt) instead.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(cmd, **kwargs)
    finally:
        signal.signal(signal.SIGINT, previous)


def _start(cmd, tmp_path, port):
    env = dict(os.environ, PYTHONUNBUFFERED="1", GRADIO_ANALYTICS_ENABLED="False")
    log = open(tmp_path / f"server-{port}.log", "w+")
    proc = _popen_as_from_a_terminal(cmd, cwd=ROOT, env=env, stdout=log,
                                     stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        log.seek(0)
        if f"127.0.0.1:{port}" in log.read():
            return proc, url, log
        if proc.poll() is not None:
            log.seek(0)
            pytest.fail(f"server exited {proc.returncode}:\n{log.read()}")
        time.sleep(0.2)
    proc.kill()
    log.seek(0)
    pytest.fail(f"server did not start:\n{log.read()}")


@pytest.mark.slow
@pytest.mark.parametrize("entry", ["app.py", "presscon serve"])
def test_entry_points_build_the_index_on_first_run_and_answer(tmp_path, encoder, entry):
    """`python app.py` and `presscon serve` on an empty index: builds from data/, serves.

    The index is created with the fake model first, so the server opens it with
    that model and no torch is loaded.
    """
    from gradio_client import Client
    from rag import Retriever
    Retriever.open(tmp_path / "idx", encoder=encoder).close()     # empty, fake model
    port = free_port()
    flags = ["--index", str(tmp_path / "idx"), "--port", str(port)]
    cmd = ([sys.executable, "app.py", *flags] if entry == "app.py"
           else [sys.executable, "-m", "rag.cli", "serve", *flags])
    proc, url, log = _start(cmd, tmp_path, port)
    try:
        c = Client(url, verbose=False, analytics_enabled=False, download_files=False)
        out = c.predict("Lithuania customs", 3, "", "", "", "", api_name="/ask")
        c.close()
        assert out["hits"] and out["hits"][0]["date"] == "2021-12-24"
    finally:
        # Ctrl+C for one, a service manager's SIGTERM for the other: both stop cleanly
        proc.send_signal(signal.SIGINT if entry == "app.py" else signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.seek(0)
        output = log.read()
        log.close()
    assert "First run: building the index" in output, output
    assert "1 added" in output, output
    assert "share=True" not in output and "gradio.live" not in output
    assert proc.returncode == 0, output


@pytest.mark.slow
def test_installed_console_script_serves(tmp_path, encoder):
    """`presscon serve` as installed (what `make chat` runs), from another folder."""
    from gradio_client import Client
    from rag import Retriever
    script = Path(sys.executable).with_name("presscon")
    if not script.exists():
        pytest.skip(f"no console script at {script}")
    Retriever.open(tmp_path / "idx", encoder=encoder).close()
    port = free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1", GRADIO_ANALYTICS_ENABLED="False")
    env.pop("PYTHONPATH", None)
    log = open(tmp_path / "serve.log", "w+")
    proc = _popen_as_from_a_terminal([str(script), "serve", "--index", str(tmp_path / "idx"),
                                      "--port", str(port)], cwd=tmp_path, env=env, stdout=log,
                                     stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            log.seek(0)
            if f"127.0.0.1:{port}" in log.read():
                break
            time.sleep(0.2)
        log.seek(0)
        assert proc.poll() is None, log.read()
        c = Client(f"http://127.0.0.1:{port}/", verbose=False, analytics_enabled=False,
                   download_files=False)
        assert c.predict("Olympics", 1, "", "", "", "", api_name="/ask")["hits"]
        c.close()
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()


def test_busy_port_is_a_clear_error(retriever):
    import app
    from rag.errors import PressconError
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        demo = app.build_app(retriever)
        try:
            with pytest.raises(PressconError, match=f"{port}"):
                app.launch(demo, "127.0.0.1", port, block=False)
        finally:
            demo.close()


def test_importing_app_prints_nothing_and_disables_analytics():
    code = ("import os; os.environ['GRADIO_ANALYTICS_ENABLED']='True'; import app; "
            "assert os.environ['GRADIO_ANALYTICS_ENABLED'] == 'False'; "
            "import sys; assert 'gradio' not in sys.modules")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "" and r.stderr == ""


# -- the analysis of the last question ---------------------------------------------------
EXPORT_COLUMNS = {"date", "publisher", "questioner", "spokesperson", "question", "reply", "source"}


def test_analyse_directly(retriever):
    import csv
    import io
    import json

    import app
    out = app.analyse(retriever, "Lithuania customs clearance EU WTO", 3)
    json.dumps(out)                                    # JSON-able as the API returns it
    assert out["timeline"] and out["timeline"][0]["month"] == "2021-12"
    assert sum(m["replies"] for m in out["timeline"]) >= 1
    early, late = out["answer_change"]["earliest"], out["answer_change"]["latest"]
    assert early and late and early[0]["date"] <= late[0]["date"]
    seed = collapse(SEED.read_text(encoding="utf-8"))
    assert collapse(early[0]["text"]) in seed          # verbatim
    assert out["questioners"] and all(q["count"] >= 1 for q in out["questioners"])
    rows = list(csv.DictReader(io.StringIO(out["citations_csv"])))
    assert rows and EXPORT_COLUMNS <= set(rows[0])
    want = retriever.search("Lithuania customs clearance EU WTO", k=3)
    assert {int(r["passage_id"]) for r in rows} >= {h.passage_id for h in want}
    assert rows[0]["reply"] == out["citations"][0]["reply"]
    assert want[0].citation in out["citations_text"]
    # filters apply as to the answer
    only = app.analyse(retriever, "Olympics", 5, "Phoenix TV")
    assert [q["questioner"] for q in only["questioners"]] == ["Phoenix TV"]
    from rag.errors import PressconError
    with pytest.raises(PressconError):
        app.analyse(retriever, "", 5)


def test_answer_change_and_outlets_are_escaped():
    from rag.present.analysis import answer_change, questioner_counts
    from rag.present.chat import format_answer_change, format_questioner_counts
    old = make_hit(text=NASTY, passage_id=1, date=dt.date(2019, 1, 2), questioner="<b>X</b>")
    new = make_hit(text="Newer reply.", passage_id=2)
    out = format_answer_change(answer_change([new, old]))
    assert "<script" not in out and NASTY in visible(out)
    assert visible(out).index("2 January 2019") < visible(out).index("24 December 2021")
    assert "Of the 2 best-matching replies." in visible(out)
    table = format_questioner_counts(questioner_counts([new, old]))
    assert "<b>X" not in table and "<b>X</b>" in visible(table) and "Bloomberg" in table
    assert "No matching" in visible(format_answer_change(answer_change([])))


def test_analyse_endpoint(client):
    out = client.predict("Lithuania customs clearance EU WTO", 3, "", "", "", "",
                         api_name="/analyse")
    assert out["timeline"][0]["month"] == "2021-12"
    assert out["answer_change"]["earliest"] and out["questioners"]
    assert out["citations_csv"].splitlines()[0].startswith("result,date,publisher,questioner")
    assert all(row["source"] == "2021-12-24.txt" for row in out["citations"])
    assert all(c["source"] == "2021-12-24.txt" for c in out["answer_change"]["earliest"])
    from gradio_client.exceptions import AppError
    with pytest.raises(AppError, match="empty"):
        client.predict("", 3, "", "", "", "", api_name="/analyse")


def test_analyse_button_in_the_ui(retriever):
    """The UI handler: remembers the last question, then plots, compares, exports."""
    import csv
    import json

    import app
    demo = app.build_app(retriever)
    try:
        fns = {fn.fn.__name__: fn.fn for fn in demo.fns.values() if fn.fn}
        history, _, hits, last = fns["chat"]("Olympics", [], 5, "", "", "", "", False)[:4]
        assert hits and last["question"] == "Olympics" and last["k"] == 5
        # a closed analysis panel is emptied for the new question, never left on the old one
        closed = fns["analyse_if_open"](last, False)
        assert "Olympics" in closed[0] and closed[1:4] == ("", "", "")
        assert 'href="#month-' in fns["analyse_if_open"](last, True)[1]
        assert "question" not in fns["chat"]("  ", history, 5, "", "", "", "", False)[3]
        summary, chart, change, outlets, csv_path, json_path, text = fns["analyse_ui"](last)
        assert 'href="#month-2021-12"' in chart and "Olympics" in visible(summary)
        assert text.startswith("Question: Olympics\n")
        assert "Earliest" in visible(change) and "Latest" in visible(change)
        assert "Questioner" in visible(outlets)
        with open(csv_path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert rows and EXPORT_COLUMNS <= set(rows[0])
        # one count of distinct replies, the export holding exactly those
        assert f"{len(rows)} matching repl" in visible(summary)
        assert "(the search's best, at most 30, each scoring at least 80% of the first)" \
            in visible(summary)
        assert ("holds it" if len(rows) == 1 else f"holds those {len(rows)}") in visible(summary)
        assert json.loads(Path(json_path).read_text(encoding="utf-8"))[0]["date"]
        assert "press conference of" in text
        assert fns["analyse_ui"](None)[0].startswith("Ask a question")
    finally:
        demo.close()


def test_a_follow_up_keeps_what_it_does_not_say_again(tmp_path, encoder):
    """"What about masks?" after a question that read a spokesperson and a
    month keeps both; "And in March 2020?" keeps the topic and the person,
    with its own month; a question of its own keeps nothing."""
    import app
    from transcripts import conference

    from rag import Retriever
    D = dt.date
    paths = [conference(tmp_path / "src", D(2020, 1, 6),
                        [("AFP", "Vaccines?", "Vaccine trials go on."),
                         ("AFP", "Masks?", "Masks are on sale.")], spokesperson="Geng Shuang"),
             conference(tmp_path / "src", D(2020, 3, 2),
                        [("AFP", "Vaccines?", "Vaccine research is open to all."),
                         ("AFP", "Masks?", "Masks are donated.")], spokesperson="Geng Shuang"),
             conference(tmp_path / "src", D(2020, 3, 3),
                        [("AFP", "Masks?", "Masks went to Italy.")], spokesperson="Zhao Lijian")]
    r = Retriever.open(tmp_path / "index", encoder=encoder)
    assert r.ingest(paths).ok
    demo = app.build_app(r)
    try:
        fns = {fn.fn.__name__: fn.fn for fn in demo.fns.values() if fn.fn}
        chat, show = fns["chat"], fns["show_inferred"]

        def ask(question, controls, state, last):
            out = chat(question, [], 5, *controls, False, "", "auto", state, last)
            *shown, now, _ = show(out[4], *controls)
            return out, tuple(v if isinstance(v, str) else c for v, c in zip(shown, controls)), now

        out, controls, state = ask("What did Geng Shuang say about vaccines in January 2020?",
                                   ("", "", "", ""), {}, None)
        assert controls == ("", "Geng Shuang", "2020-01-01", "2020-01-31")
        out, controls, state = ask("What about masks?", controls, state, out[3])
        assert [h["text"] for h in out[2]][:1] == ["Masks are on sale."]
        assert {h["spokesperson"] for h in out[2]} == {"Geng Shuang"}
        note = visible(out[0][-1]["content"]).strip()
        assert note.startswith("Follow-up of “What did Geng Shuang say about vaccines in "
                               "January 2020?”: kept spokesperson Geng Shuang, dates "
                               "2020-01-01 to 2020-01-31.")
        out, controls, state = ask("And in March 2020?", controls, state, out[3])
        assert {h["date"] for h in out[2]} == {"2020-03-02"}
        assert "kept its topic, spokesperson Geng Shuang" in visible(out[0][-1]["content"])
        assert controls[2:] == ("2020-03-01", "2020-03-31")
        assert out[3]["question"] == "masks" and out[3]["typed"] == "And in March 2020?"
        # a month bar asks the same search again within its month: the person stays
        again, controls2, _ = ask(out[3]["question"], (controls[0], controls[1], "2020-03-01",
                                                       "2020-03-31"), state, out[3])
        assert {h["spokesperson"] for h in again[2]} == {"Geng Shuang"} and controls2[1] == "Geng Shuang"
        # the note names the question before as typed
        chained, _, _ = ask("What about masks?", controls, state, out[3])
        assert visible(chained[0][-1]["content"]).strip().startswith(
            "Follow-up of “And in March 2020?”")
        # a spokesperson set by hand wins over the one a follow-up names
        mine = chat("How about Zhao Lijian?", [], 5, "", "Geng Shuang", "", "", False, "", "auto",
                    {}, out[3])
        assert {h["spokesperson"] for h in mine[2]} == {"Geng Shuang"}
        # a question of its own: the filters the words before set are cleared
        out, controls, state = ask("Who donated masks to Italy?", controls, state, out[3])
        assert "Follow-up" not in visible(out[0][-1]["content"])
        assert "Zhao Lijian" in {h["spokesperson"] for h in out[2]}
    finally:
        demo.close()
        r.close()
