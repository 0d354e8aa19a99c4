"""Regenerate docs/screenshot.png (desktop, 1280x900) and docs/screenshot-phone.png
(390x844): the chat answering a question, real model, the bundled data or an index.

    .venv/bin/python docs/screenshot.py [QUESTION] [--index DIR]

Needs Debian's /usr/bin/chromium and the playwright package (it drives the
system browser; nothing is downloaded). Loopback only; the index is temporary.
"""
from __future__ import annotations

import socket
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import app  # noqa: E402  (sets GRADIO_ANALYTICS_ENABLED=False before gradio loads)

QUESTION = "What did China say about Japan and the Beijing Winter Olympics?"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _shoot(browser, url: str, question: str, out: Path, size: tuple[int, int],
           top: bool) -> None:
    page = browser.new_page(viewport={"width": size[0], "height": size[1]},
                            device_scale_factor=1)
    page.set_default_timeout(60_000)
    page.goto(url)
    page.wait_for_selector("#pc-question textarea")
    page.wait_for_timeout(800)
    page.fill("#pc-question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_selector(".pc-hit")
    page.wait_for_timeout(800)          # the answer has opened at its question
    if top:                             # the desktop picture shows the page's head too
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(300)
    page.screenshot(path=str(out))
    page.close()


def main(question: str = QUESTION, index: str | None = None) -> None:
    from playwright.sync_api import sync_playwright

    from rag import Retriever
    docs = ROOT / "docs"
    with tempfile.TemporaryDirectory(prefix="presscon-shot-") as tmp, \
            Retriever.open(index or Path(tmp) / "index") as r:
        if index is None:
            app.ensure_index(r)
        demo = app.build_app(r)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        _, url, _ = app.launch(demo, "127.0.0.1", port, block=False)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                _shoot(browser, url, question, docs / "screenshot.png", (1280, 900), True)
                _shoot(browser, url, question, docs / "screenshot-phone.png", (390, 844), False)
                browser.close()
        finally:
            demo.close()
    print(f"wrote {docs / 'screenshot.png'} and {docs / 'screenshot-phone.png'}")


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("question", nargs="?", default=QUESTION)
    ap.add_argument("--index", default=None, help="serve this index (default: data/)")
    a = ap.parse_args()
    main(a.question, a.index)
