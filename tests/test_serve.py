"""`presscon serve`'s start: the port answers with a "starting" page at once,
on 127.0.0.1 by default, and is handed to the chat server on the same port."""
from __future__ import annotations

import http.client
import inspect
import os
import socket

import pytest

from conftest import SEED
from rag.errors import PressconError
from rag.serve import STARTING_HEADER, StartingPage, serve


def _get(port: int, path: str = "/", accept: str = "text/html") -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Accept": accept})
    resp = conn.getresponse()
    resp.body = resp.read()
    conn.close()
    return resp


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def test_starting_page_binds_loopback_by_default_and_says_it_is_starting():
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
    assert inspect.signature(StartingPage).parameters["host"].default == "127.0.0.1"
    with StartingPage(port=0).start() as page:
        assert page.address[0] == "127.0.0.1"
        html = _get(page.port)
        assert html.status == 503
        assert html.getheader(STARTING_HEADER) == "1"
        assert html.getheader("Retry-After") == "1"
        assert b"presscon is starting" in html.body
        assert b'location.href = "/"' in html.body       # the page opens the chat itself
        api = _get(page.port, "/gradio_api/info", accept="application/json")
        assert api.status == 503 and b"starting" in api.body and b"<html" not in api.body
        assert page.requests == 2


def test_busy_port_fails_at_once_naming_it():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(PressconError, match=f"{port}.*--port"):
            StartingPage("127.0.0.1", port)


def test_close_frees_the_port_for_the_real_server():
    page = StartingPage(port=0).start()
    port = page.port
    page.close()
    page.close()                                        # idempotent
    assert page.closed and _refused(port)
    with socket.create_server(("127.0.0.1", port)) as real:   # what gradio then does
        assert real.getsockname()[1] == port


def test_serve_holds_the_port_until_the_chat_launches_then_hands_it_over(monkeypatch, tmp_path,
                                                                         encoder):
    """serve() answers with the starting page while app.main loads, frees the
    port just before the launch, and the chat server then owns the same port."""
    import app
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    seen = {}

    def fake_main(index_dir=None, host="127.0.0.1", port=7860, *, before_launch=None,
                  on_answerable=None):
        seen["analytics"] = os.environ.get("GRADIO_ANALYTICS_ENABLED")
        seen["index"], seen["host"] = index_dir, host
        seen["while_loading"] = _get(port).getheader(STARTING_HEADER)
        on_answerable(retriever)
        early = _get(port, "/?q=Lithuania+customs")
        seen["early"] = early.status, early.getheader(STARTING_HEADER), early.body
        literal = _get(port, "/?q=What+did+they+tell+TASS%3F&literal=1")
        seen["literal"] = literal.body
        before_launch()
        with socket.create_server((host, port)) as chat:     # the "launch"
            chat.settimeout(10)
            client = socket.create_connection((host, port), timeout=10)
            conn, _ = chat.accept()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            seen["after_launch"] = client.recv(100)
            conn.close()
            client.close()

    from rag import Retriever
    from rag.present.answers import answer_question
    retriever = Retriever.open(tmp_path / "idx", encoder=encoder)
    assert retriever.ingest([SEED]).ok
    monkeypatch.setattr(app, "main", fake_main)
    serve(index_dir=tmp_path, port=port)
    # before the chat, the starting page answered with the chat's own answer HTML
    status, header, body = seen["early"]
    assert status == 503 and header == "1"
    chat_html = answer_question(retriever, "Lithuania customs", 5).html
    assert "Lithuania" in chat_html and chat_html.encode() in body
    assert b'value="Lithuania customs"' in body and b"location.href" in body
    # the Literal box, as in the chat: the outlet named is not read as a filter
    read = answer_question(retriever, "What did they tell TASS?", 5).html
    literal = answer_question(retriever, "What did they tell TASS?", 5, literal=True).html
    assert read != literal and literal.encode() in seen["literal"]
    assert b'value="1" checked' in seen["literal"] and b'value="1" checked' not in body
    retriever.close()
    assert seen["analytics"] == "False"
    assert seen["index"] == tmp_path and seen["host"] == "127.0.0.1"
    assert seen["while_loading"] == "1"
    assert seen["after_launch"].startswith(b"HTTP/1.1 200") and STARTING_HEADER.encode() \
        not in seen["after_launch"]
    assert _refused(port)                                 # nothing left holding the port


def test_serve_frees_the_port_when_loading_fails(monkeypatch, tmp_path):
    import app
    page_port = {}

    def failing_main(index_dir=None, host="127.0.0.1", port=7860, *, before_launch=None,
                     on_answerable=None):
        page_port["p"] = port
        raise PressconError("the index is damaged")

    monkeypatch.setattr(app, "main", failing_main)
    with pytest.raises(PressconError, match="damaged"):
        serve(index_dir=tmp_path, port=0)
    assert _refused(page_port["p"])


# -- answers before the chat is ready ------------------------------------------------------
def test_a_question_waits_for_the_index_then_gets_its_answer():
    import threading
    with StartingPage(port=0).start() as page:
        threading.Timer(0.3, page.answer_with,
                        args=(lambda q, literal: f"<p class='pc-hit'>reply to {q.upper()}</p>",)).start()
        r = _get(page.port, "/?q=olympics+boycott")        # asked before the index is loaded
        assert r.status == 503 and r.getheader(STARTING_HEADER) == "1"
        assert b"<p class='pc-hit'>reply to OLYMPICS BOYCOTT</p>" in r.body
        assert b".pc-hit" in r.body                         # the chat's answer styles
        # an answered page links the chat instead of reloading over the answer
        assert b'id="pc-ready"' in r.body and b"else if (true)" in r.body
        plain = _get(page.port, "/")                         # no question: no answer block
        assert b"reply to" not in plain.body and b"else if (false)" in plain.body


def test_the_question_is_escaped_and_a_user_error_is_shown_as_its_message():
    def answer(q, literal):
        if "boom" in q:
            raise PressconError("From date 2021-01-01 is after To date 2020-01-01")
        return "<p>ok</p>"

    with StartingPage(port=0).start() as page:
        page.answer_with(answer)
        r = _get(page.port, "/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E")
        assert b"<script>alert(1)" not in r.body
        assert b'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in r.body
        err = _get(page.port, "/?q=boom")
        assert b'<div class="pc-error">From date 2021-01-01 is after To date 2020-01-01</div>' \
            in err.body
        api = _get(page.port, "/?q=boom", accept="application/json")    # API clients: as before
        assert api.status == 503 and b"<html" not in api.body


def test_an_answer_that_fails_unexpectedly_is_named_not_a_dropped_connection():
    def broken(q, literal):
        raise RuntimeError("disk I/O error")

    with StartingPage(port=0).start() as page:
        page.answer_with(broken)
        r = _get(page.port, "/?q=anything")
        assert r.status == 503
        assert b"Could not answer: RuntimeError: disk I/O error" in r.body
