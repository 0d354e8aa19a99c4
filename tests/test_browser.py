"""A real browser (Debian's headless Chromium driven by Playwright) uses the chat.

Skips, saying why, when /usr/bin/chromium or the ``playwright`` package is
absent. Playwright only drives the system browser: nothing is downloaded.
"""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pytest

from conftest import ROOT, free_port

# app.py is a top-level module beside rag/: importable from the project root.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason=f"{CHROMIUM} not found (apt-get install -y chromium)"),
]
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="the playwright package is not installed "
                                      "(pip install playwright; no browser download needed)")

INJECTED = '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> $5 *and* $6'


@contextlib.contextmanager
def _chat(index_dir, transcript, encoder):
    """The chat served on a free local port over ``transcript``, its URL."""
    import app
    from rag import Retriever
    r = Retriever.open(index_dir, encoder=encoder)
    assert r.ingest([transcript]).ok
    demo = app.build_app(r)
    _, local_url, _ = app.launch(demo, "127.0.0.1", free_port(), block=False)
    try:
        yield local_url
    finally:
        demo.close()
        r.close()


@pytest.fixture
def url(tmp_path, encoder, seed_copy):
    """The chat over the seed, with markup planted in one reply."""
    text = seed_copy.read_text(encoding="utf-8")
    marker = "China always acts in a way that conforms to WTO rules."
    assert marker in text
    seed_copy.write_text(text.replace(marker, f"{marker} {INJECTED}"), encoding="utf-8")
    with _chat(tmp_path / "index", seed_copy, encoder) as local_url:
        yield local_url


@pytest.fixture
def page(tmp_path):
    # launch() gives the browser a fresh temporary profile (--user-data-dir) of its own.
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            pg = browser.new_page(viewport={"width": 1280, "height": 900})
            pg.set_default_timeout(90_000)   # generous: CI machines can be busy
            yield pg
        finally:
            browser.close()


# the contrast ratio (WCAG 2) of an element's text colour on the first
# opaque background behind it
CONTRAST_JS = """(sel) => {
  const el = document.querySelector(sel);
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
  let bg = null;
  for (let e = el; e && !bg; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length < 4 || c[3] > 0.5) bg = c; }
  const fg = rgb(getComputedStyle(el).color);
  const [a, b] = [lum(fg), lum(bg || [255, 255, 255])].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def _ask(page, question: str) -> None:
    before = page.locator(".pc-answer, .pc-empty, .pc-error").count()
    page.fill("#pc-question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('.pc-answer, .pc-empty, .pc-error').length > n", arg=before)


def test_page_renders_and_a_question_shows_a_cited_passage(url, page):
    outside = []
    page.on("request", lambda req: outside.append(req.url)
            if not req.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
    page.goto(url)
    page.wait_for_selector("#pc-question textarea")
    assert "presscon" in page.title()
    assert "1 press conference" in page.inner_text("body")

    _ask(page, "Is China blocking imports with parts from Lithuania? WTO customs")
    first = page.locator(".pc-hit").first
    cite = first.locator(".pc-cite").inner_text()
    assert "Zhao Lijian" in cite and "24 December 2021" in cite and "answering MASTV" in cite
    assert "Dombrovskis" in first.locator(".pc-question").inner_text()
    reply = first.locator(".pc-reply").first.inner_text()
    assert "China always acts in a way that conforms to WTO rules." in reply
    assert "2021-12-24.txt" in first.locator(".pc-meta").inner_text()

    # markup planted in the transcript shows as text and never runs
    assert INJECTED in reply
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".pc-answer img, .pc-answer script").count() == 0
    assert outside == [], f"the page fetched from outside: {outside}"
    # a screen reader's label of each message is its words, not its markup
    labels = page.eval_on_selector_all(
        "#pc-chat [aria-label^='Answer: '], #pc-chat [aria-label^='Question: ']",
        "els => els.map(e => e.getAttribute('aria-label'))")
    assert labels[0] == "Question: Is China blocking imports with parts from Lithuania? WTO customs"
    assert labels[1].startswith("Answer: ") and "Zhao Lijian" in labels[1]
    assert not any("<" in label and "pc-" in label for label in labels)
    assert page.locator("#pc-chat [aria-label*='message: <']").count() == 0
    # the secondary text (summary, citation lines) is readable: WCAG AA, 4.5:1
    for selector in (".pc-summary", ".pc-meta"):
        ratio = page.evaluate(CONTRAST_JS, selector)
        assert ratio >= 4.5, (selector, ratio)

    # Ask on an empty box says why nothing happens
    page.fill("#pc-question textarea", "")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Type a question first")


def test_an_example_question_clicked_is_asked_at_once(url, page):
    page.goto(url)
    page.wait_for_selector("#pc-question textarea")
    example = page.locator("button.gallery-item, .gallery button, table.gallery td").first
    example.wait_for()
    before = page.locator(".pc-answer, .pc-empty, .pc-error").count()
    example.click()
    page.wait_for_function(
        "n => document.querySelectorAll('.pc-answer, .pc-empty, .pc-error').length > n", arg=before)
    assert page.locator(".pc-hit").count() >= 1


def test_long_reply_expands_and_filters_hold_for_follow_ups(url, page):
    page.goto(url)
    page.wait_for_selector("#pc-question textarea")
    _ask(page, "Uyghur Forced Labor Prevention Act Xinjiang genocide")
    details = page.locator(".pc-answer details.pc-full").first
    assert details.count() == 1
    assert not details.evaluate("d => d.open")
    details.locator("summary").click()
    assert details.evaluate("d => d.open")
    assert "Crimes against humanity" in details.inner_text()

    # a date filter that excludes everything, kept for the follow-up question
    page.fill("#pc-from textarea, #pc-from input", "2022-01-01")
    _ask(page, "Olympics")
    assert "No passage found" in page.locator(".pc-empty").last.inner_text()
    assert "from 2022-01-01" in page.locator(".pc-empty").last.inner_text()
    _ask(page, "And Japan?")
    assert page.locator(".pc-empty").count() == 2
    # cleared: answers again
    page.fill("#pc-from textarea, #pc-from input", "")
    _ask(page, "Olympics Japan")
    assert "Phoenix TV" in page.locator(".pc-answer").last.inner_text() or \
        "The Paper" in page.locator(".pc-answer").last.inner_text()


def test_a_new_chat_clears_the_filters_the_last_question_set(url, page):
    page.goto(url)
    page.wait_for_selector("#pc-question textarea")
    box = lambda name: page.locator(f"#{name} textarea, #{name} input").first  # noqa: E731
    _ask(page, "What did they say in December 2021 about Lithuania?")
    page.wait_for_function("() => document.querySelector('#pc-from input, #pc-from textarea')"
                           ".value === '2021-12-01'")
    assert box("pc-to").input_value() == "2021-12-31"
    page.get_by_role("button", name="New chat").click()
    page.wait_for_function("() => document.querySelector('#pc-from input, #pc-from textarea')"
                           ".value === ''")
    assert box("pc-to").input_value() == ""
    assert page.locator(".pc-answer").count() == 0
    # a date typed by hand is the user's own: a new chat keeps it
    box("pc-from").fill("2021-12-01")
    box("pc-from").dispatch_event("input")
    page.get_by_role("button", name="New chat").click()
    page.wait_for_timeout(500)
    assert box("pc-from").input_value() == "2021-12-01"


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.evaluate("window.innerHeight")
    return box is not None and -2 <= box["y"] < height and box["height"] > 0


@pytest.fixture
def served(tmp_path, encoder, seed_copy):
    """The chat over the seed, ranked as shipped (the fake encoder's vectors)."""
    with _chat(tmp_path / "index", seed_copy, encoder) as local_url:
        yield local_url


def test_each_answer_opens_at_its_question_and_first_hit(served, page):
    page.goto(served)
    page.wait_for_selector("#pc-question textarea")
    for q in ("Uyghur Forced Labor Prevention Act Xinjiang genocide",
              "Is China blocking imports with parts from Lithuania? WTO customs",
              "Olympics Japan boycott"):
        _ask(page, q)
        page.wait_for_timeout(400)          # the scroll runs once the answer is drawn
        answer = page.locator(".pc-answer").last
        first = answer.locator(".pc-hit").first
        assert _in_view(page, first), (q, first.bounding_box())
        asked = page.locator("#pc-chat .pc-user").last
        assert q in asked.inner_text() and _in_view(page, asked)
    # the question's words are marked in the reply and the reporter's question
    marks = [m.lower() for m in page.locator(".pc-answer").last.locator("mark").all_inner_texts()]
    assert "olympics" in marks

    # a citation opens the whole transcript beside the chat, at that passage
    page.locator(".pc-answer").last.locator("a.pc-open").first.click()
    target = page.locator("#pc-transcript #pc-t-target")
    target.wait_for()
    page.wait_for_timeout(400)
    assert _in_view(page, target), (target.bounding_box(), page.evaluate("window.innerHeight"))
    assert "Olympics" in target.inner_text()


def test_a_question_the_index_does_not_cover_says_no_close_match(served, page):
    page.goto(served)
    page.wait_for_selector("#pc-question textarea")
    _ask(page, "zzyzx dirigible regatta")
    answer = page.locator(".pc-answer").last
    notice = answer.locator(".pc-noclose")
    assert "No close match" in notice.inner_text() and "zzyzx" in notice.inner_text()
    # above the nearest replies, which are still shown
    assert notice.bounding_box()["y"] < answer.locator(".pc-hit").first.bounding_box()["y"]
    # a sentence pasted from a reply is the closest match there is, whatever the encoder
    _ask(page, "China always acts in a way that conforms to WTO rules")
    assert page.locator(".pc-answer").last.locator(".pc-noclose").count() == 0


def test_phone_width_nothing_overflows_and_the_question_box_is_on_screen(served, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(served)
    page.wait_for_selector("#pc-question textarea")
    page.wait_for_timeout(500)

    def overflow() -> int:
        return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    box = page.locator("#pc-question textarea").bounding_box()
    assert box["y"] + box["height"] <= 844, box             # on the first screen
    assert overflow() <= 0
    _ask(page, "Uyghur Forced Labor Prevention Act Xinjiang genocide")
    page.wait_for_timeout(400)
    assert overflow() <= 0
    assert _in_view(page, page.locator(".pc-answer").last.locator(".pc-hit").first)
    # no inner scroll box: the chat grows with its answers, the page scrolls
    chat = page.locator("#pc-chat")
    assert chat.evaluate("e => e.scrollHeight - e.clientHeight") <= 2


def test_analysis_follows_the_current_question_and_more_results_append(served, page):
    page.goto(served)
    page.wait_for_selector("#pc-question textarea")
    _ask(page, "Lithuania customs WTO")
    page.locator("#pc-analysis .label-wrap").first.click()
    note = page.locator("#pc-analysis-note")
    page.wait_for_function("() => document.querySelector('#pc-analysis-note')"
                           ".innerText.includes('Lithuania customs WTO')")
    page.locator("a.pc-month").first.wait_for()
    _ask(page, "Olympics Japan boycott")
    page.wait_for_function("() => document.querySelector('#pc-analysis-note')"
                           ".innerText.includes('Olympics Japan boycott')")
    assert "Lithuania" not in note.inner_text()
    # a month bar asks the question again within that month
    before = page.locator(".pc-answer, .pc-empty").count()
    page.locator("a.pc-month").first.click()
    page.wait_for_function("n => document.querySelectorAll('.pc-answer, .pc-empty').length > n",
                           arg=before)
    assert page.input_value("#pc-from textarea, #pc-from input") == "2021-12-01"
    assert page.input_value("#pc-to textarea, #pc-to input") == "2021-12-31"
    # more results: the next replies, numbered on
    before = page.locator(".pc-answer").count()
    page.click("#pc-more")
    page.wait_for_function("n => document.querySelectorAll('.pc-answer').length > n", arg=before)
    assert page.locator(".pc-answer").last.locator(".pc-rank").first.inner_text() == "6"
