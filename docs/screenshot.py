"""Regenerate docs/screenshot.png: the chat answering a question, real model, bundled data.

    .venv/bin/python docs/screenshot.py [QUESTION]

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

QUESTION = "How did China respond to the Uyghur Forced Labor Prevention Act?"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main(question: str = QUESTION, out: Path = ROOT / "docs" / "screenshot.png") -> None:
    from playwright.sync_api import sync_playwright

    from rag import Retriever
    with tempfile.TemporaryDirectory(prefix="presscon-shot-") as tmp, \
            Retriever.open(Path(tmp) / "index") as r:
        app.ensure_index(r)
        demo = app.build_app(r)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        _, url, _ = app.launch(demo, "127.0.0.1", port, block=False)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 1000},
                                        device_scale_factor=1)
                page.set_default_timeout(60_000)
                page.goto(url)
                page.wait_for_selector("#pc-question textarea")
                page.fill("#pc-question textarea", question)
                page.keyboard.press("Enter")
                page.wait_for_selector(".pc-hit")
                page.wait_for_timeout(500)      # let the chat finish scrolling
                page.locator("#pc-chat .bubble-wrap, #pc-chat [role=log]").first.evaluate(
                    "e => e.scrollTop = 0")
                # the chat's "scroll down" arrow would sit on the text in the picture
                page.add_style_tag(content=".scroll-down-button-container { display: none; }")
                page.wait_for_timeout(300)
                page.screenshot(path=str(out))
                browser.close()
        finally:
            demo.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main(*(sys.argv[1:2] or [QUESTION]))
