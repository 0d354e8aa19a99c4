"""`presscon serve`'s start: the port answers with a "starting" page at once,
on 127.0.0.1 by default, and is handed to the chat server on the same port."""
from __future__ import annotations

import http.client
import inspect
import os
import socket

import pytest

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
        assert b"location.reload()" in html.body          # the page reopens itself
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


def test_serve_holds_the_port_until_the_chat_launches_then_hands_it_over(monkeypatch, tmp_path):
    """serve() answers with the starting page while app.main loads, frees the
    port just before the launch, and the chat server then owns the same port."""
    import app
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    seen = {}

    def fake_main(index_dir=None, host="127.0.0.1", port=7860, *, before_launch=None):
        seen["analytics"] = os.environ.get("GRADIO_ANALYTICS_ENABLED")
        seen["index"], seen["host"] = index_dir, host
        seen["while_loading"] = _get(port).getheader(STARTING_HEADER)
        before_launch()
        with socket.create_server((host, port)) as chat:     # the "launch"
            chat.settimeout(10)
            client = socket.create_connection((host, port), timeout=10)
            conn, _ = chat.accept()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            seen["after_launch"] = client.recv(100)
            conn.close()
            client.close()

    monkeypatch.setattr(app, "main", fake_main)
    serve(index_dir=tmp_path, port=port)
    assert seen["analytics"] == "False"
    assert seen["index"] == tmp_path and seen["host"] == "127.0.0.1"
    assert seen["while_loading"] == "1"
    assert seen["after_launch"].startswith(b"HTTP/1.1 200") and STARTING_HEADER.encode() \
        not in seen["after_launch"]
    assert _refused(port)                                 # nothing left holding the port


def test_serve_frees_the_port_when_loading_fails(monkeypatch, tmp_path):
    import app
    page_port = {}

    def failing_main(index_dir=None, host="127.0.0.1", port=7860, *, before_launch=None):
        page_port["p"] = port
        raise PressconError("the index is damaged")

    monkeypatch.setattr(app, "main", failing_main)
    with pytest.raises(PressconError, match="damaged"):
        serve(index_dir=tmp_path, port=0)
    assert _refused(page_port["p"])
