"""`presscon serve`: the port answers at once, the chat as soon as it is loaded.

Importing gradio takes ~3.5 s on 2 cores, more than the index, the query model
and a warm-up search together, so a server that bound its port only after all
of that was silent for 4-9 s. Here the port is bound first, by a stdlib
socket (no import costs), and answers every request with a small "starting"
page: HTTP 503 with ``Retry-After: 1`` and the header ``X-Presscon-Starting``,
a page that polls and reloads itself once the chat answers. Meanwhile the
process opens the index, warms the model and imports gradio as before
(importing gradio in a second thread meanwhile measured no faster on the 2
shared cores, so it stays sequential). Right before gradio binds the same port
the placeholder closes its socket:
for that moment (~0.1 s, gradio's own set-up before its bind) a connection is
refused; the page's polling retries through it.

The starting page also answers questions (``/?q=...``) as soon as the index
and the query model are loaded (``answer_with``), ~1 s after start where the
chat takes ~5-6 s more for gradio: the same answer HTML as the chat's
(rag/present/answers.py), without gradio. A question asked before then waits
for the index (up to ``ANSWER_WAIT`` s). An answered page does not reload
itself into the chat (that would lose the answer); it links the chat once it
is ready.

Honest figures therefore have three numbers (benchmarks/bench_coldstart.py):
time to listening (the starting page), to the first answer on it, and to the
chat being ready.
"""
from __future__ import annotations

import html
import os
import selectors
import socket
import sys
import threading
from typing import Callable
from urllib.parse import parse_qs, urlsplit

from .errors import PressconError

__all__ = ["StartingPage", "serve", "STARTING_HEADER", "ANSWER_WAIT"]

STARTING_HEADER = "X-Presscon-Starting"
ANSWER_WAIT = 30.0          # seconds a question asked before the index is loaded waits for it
_POLL_MS = 500
# The chat's answer classes (rag/present/page.py CSS) use gradio's colour
# variables; the starting page defines them, so an answer looks as in the chat.
_STYLE = """body{font-family:system-ui,sans-serif;max-width:46em;margin:3em auto;padding:0 1em;
color:#222}p{color:#555}form{display:flex;gap:.5em;margin:1.2em 0}
input[name=q]{flex:1;font:inherit;padding:.4em}button{font:inherit;padding:.4em 1em}
form label{align-self:center;white-space:nowrap}
#pc-ready{display:none;background:#fff4e5;padding:.5em .8em;border-radius:6px}
:root{--color-accent:#f97316;--color-accent-soft:#fde7d3;--body-text-color-subdued:#6b7280}
a.pc-open{pointer-events:none;color:inherit;text-decoration:none}"""  # the chat's panel opens those
_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>presscon: starting</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
%(refresh)s<style>%(style)s%(answer_css)s</style></head>
<body><h1>presscon is starting</h1>
<p>Loading the chat; this page %(opens)s as soon as it is ready (usually a few
seconds). Meanwhile a question is answered here, with the chat's filters read
from its words.</p>
<p id="pc-ready">The chat is ready: <a href="/">open it</a>.</p>
<form method="get" action="/"><input name="q" value="%(question)s" maxlength="2000"
 aria-label="Question" placeholder="Ask a question"><label><input type="checkbox"
 name="literal" value="1"%(literal)s> Literal</label><button type="submit">Ask</button></form>
%(answer)s
<script>
(function poll() {
  fetch("/", {cache: "no-store"}).then(function (r) {
    if (r.headers.get("%(header)s") !== null) { setTimeout(poll, %(poll)d); }
    else if (%(answered)s) { document.getElementById("pc-ready").style.display = "block"; }
    else { location.href = "/"; }
  }).catch(function () { setTimeout(poll, %(poll)d); });
})();
</script></body></html>
"""


def _page(question: str = "", answer_html: str = "", literal: bool = False) -> bytes:
    """The starting page; with ``answer_html``, the answer to ``question`` below
    the form, and the chat linked (not opened) once ready. ``literal``: the
    box that turns query understanding off is ticked (as the chat's)."""
    answered = bool(answer_html)
    answer_css = ""
    if answered:
        from .present.page import CSS
        answer_css = CSS
    return (_PAGE % {
        "refresh": "" if answered else '<noscript><meta http-equiv="refresh" content="2"></noscript>',
        "style": _STYLE, "answer_css": answer_css,
        "opens": "links the chat" if answered else "opens the chat by itself",
        "question": html.escape(question, quote=True), "answer": answer_html,
        "literal": " checked" if literal else "",
        "header": STARTING_HEADER, "poll": _POLL_MS,
        "answered": "true" if answered else "false"}).encode()


def _question(target: bytes) -> tuple[str, bool]:
    """The ``q`` of a request target such as ``/?q=Lithuania+customs&literal=1``
    ("" if none), and whether ``literal`` was ticked."""
    params = parse_qs(urlsplit(target.decode("latin-1")).query, keep_blank_values=False)
    values = params.get("q", [])
    return (values[0].strip() if values else ""), bool(params.get("literal"))


def _address(host: str, port: int) -> tuple[int, tuple]:
    """(family, sockaddr) for ``host``, as the server will bind it."""
    h = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        family, _, _, _, addr = socket.getaddrinfo(h, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as e:
        raise PressconError(f"cannot serve on {host}:{port}: {e}") from None
    return family, addr


class StartingPage:
    """A tiny HTTP responder holding ``host:port`` until the real server takes
    over: every request gets 503 and the self-reloading page (HTML) or a one-line
    message (API clients). Bound on construction (a taken port fails at once,
    as PressconError); ``start`` serves from a daemon thread; ``close`` (idempotent)
    stops serving and frees the port."""

    def __init__(self, host: str = "127.0.0.1", port: int = 7860) -> None:
        family, addr = _address(host, port)
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            # the same option uvicorn (asyncio) sets, so gradio can bind right after us
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(addr)
            sock.listen(128)
        except OSError as e:
            sock.close()
            raise PressconError(f"cannot serve on {host}:{port}: {e}; is another server "
                                f"using the port? Pass --port to choose another") from None
        self.host = host
        self._address = sock.getsockname()
        self.port = self._address[1]
        self.requests = 0                       # requests answered (counted as each reply is sent)
        self._sock = sock
        self._wake_r, self._wake_w = socket.socketpair()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._lock = threading.Lock()
        self._answerer: Callable[[str, bool], str] | None = None
        self._answering = threading.Event()

    @property
    def address(self) -> tuple:
        """The bound socket address, e.g. ('127.0.0.1', 7860)."""
        return self._address

    @property
    def closed(self) -> bool:
        return self._closed

    def answer_with(self, answer: Callable[[str, bool], str]) -> None:
        """From now on a question sent here (``/?q=...``) is answered with
        ``answer(question, literal)``, the answer's HTML; a user error it raises
        (PressconError) is shown as its message. Questions already waiting
        are answered now."""
        self._answerer = answer
        self._answering.set()

    def start(self) -> "StartingPage":
        self._thread = threading.Thread(target=self._loop, name="presscon-starting-page",
                                        daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5)
        self._sock.close()
        self._wake_r.close()
        self._wake_w.close()

    def __enter__(self) -> "StartingPage":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- serving ---------------------------------------------------------------------
    def _loop(self) -> None:
        sel = selectors.DefaultSelector()
        sel.register(self._sock, selectors.EVENT_READ)
        sel.register(self._wake_r, selectors.EVENT_READ)
        try:
            while not self._closed:
                for key, _ in sel.select():
                    if key.fileobj is self._wake_r or self._closed:
                        return
                    try:
                        conn, _ = self._sock.accept()
                    except OSError:
                        continue
                    # one thread a connection: a slow client cannot hold up the others
                    threading.Thread(target=self._answer, args=(conn,), daemon=True).start()
        finally:
            sel.close()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(2.0)
                head = b""
                while b"\r\n\r\n" not in head and len(head) < 16384:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    head += chunk
                request_line, _, rest = head.partition(b"\r\n")
                parts = request_line.split()
                method = parts[0].decode("latin-1") if parts else "GET"
                wants_html = b"text/html" in rest.lower()
                if wants_html:
                    question, literal = _question(parts[1]) if len(parts) > 1 else ("", False)
                    body = _page(question, self._answer_html(question, literal)
                                 if question else "", literal)
                    ctype = "text/html; charset=utf-8"
                else:
                    body = b"presscon is starting; retry in a second\n"
                    ctype = "text/plain; charset=utf-8"
                header = (f"HTTP/1.1 503 Service Unavailable\r\n"
                          f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                          f"Retry-After: 1\r\nCache-Control: no-store\r\n"
                          f"{STARTING_HEADER}: 1\r\nConnection: close\r\n\r\n").encode()
                with self._lock:   # counted before the reply leaves: a client that has
                    self.requests += 1   # read it sees itself counted
                conn.sendall(header + (b"" if method == "HEAD" else body))
            except OSError:
                pass


    def _answer_html(self, question: str, literal: bool) -> str:
        if not self._answering.wait(ANSWER_WAIT) or self._answerer is None:
            return ('<div class="pc-error">The index is still loading; ask again in a '
                    'moment.</div>')
        try:
            return self._answerer(question, literal)
        except PressconError as e:
            return f'<div class="pc-error">{html.escape(str(e))}</div>'
        except Exception as e:  # noqa: BLE001 - the page must answer; the chat will say more
            return (f'<div class="pc-error">Could not answer: {html.escape(type(e).__name__)}: '
                    f'{html.escape(str(e))}</div>')


def serve(index_dir: str | os.PathLike | None = None, host: str = "127.0.0.1",
          port: int = 7860) -> None:
    """Hold the port with the starting page, load the chat (app.main), hand over."""
    page = StartingPage(host, port).start()
    shown = f"[{host}]" if ":" in host else host
    # (the full URL is printed by app.main once the chat answers: scripts wait for it)
    print(f"presscon: starting; {shown} port {page.port} shows a 'starting' page until "
          f"the chat is ready", file=sys.stderr, flush=True)
    try:
        import app  # sets GRADIO_ANALYTICS_ENABLED=False before gradio is imported anywhere
        from .present.answers import DEFAULT_PASSAGES, answer_question

        def answer_early(retriever) -> None:
            page.answer_with(lambda q, literal: answer_question(
                retriever, q, DEFAULT_PASSAGES, literal=literal).html)

        app.main(index_dir=index_dir, host=host, port=page.port, before_launch=page.close,
                 on_answerable=answer_early)
    finally:
        page.close()
