"""The chat page's own parts that are not answers: its style sheet, the small
scripts that keep the reader's place (scroll to a new answer, open a transcript,
a month bar asking again), the order choices, the filter note, the examples.

No gradio here; app.py wires these into the page.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

from .examples import FALLBACK, example_questions

if TYPE_CHECKING:  # pragma: no cover
    from ..retriever import Retriever

__all__ = ["CSS", "HEAD", "SCROLL_JS", "MORE_JS", "TRANSCRIPT_JS", "SETUP_JS",
           "ORDER_CHOICES", "ORDER_INFO", "filter_note", "index_examples"]

ORDER_CHOICES = [("Auto", "auto"), ("Best match", "relevance"), ("Oldest first", "date")]
ORDER_INFO = "Auto: oldest first when you ask how something changed, else best match"
_LABELS = {"questioner": "Questioner", "spokesperson": "Spokesperson",
           "date_from": "From", "date_to": "To"}


def filter_note(inferred: Mapping[str, str], warnings: Sequence[str] = ()) -> str:
    """Markdown above the filters: which controls the question's words set
    (they now show those values), and any warning that a filter sees little."""
    from .chat import escape_text
    out = []
    if inferred:
        set_ = ", ".join(f"{_LABELS.get(k, k)} {escape_text(v)}" for k, v in inferred.items())
        out.append(f"**Set from your question:** {set_}. For it and its follow-ups "
                   f"(\"What about ...?\"); tick *Literal* to ask without them.")
    out += [f"⚠ {escape_text(w)}" for w in warnings]
    return "\n\n".join(out)


#: Passages the examples are drawn from: enough for varied questions, few enough
#: that a 300k-passage index starts as fast as the demo.
EXAMPLE_SAMPLE = 4000


def index_examples(retriever: "Retriever", n: int = 5) -> list[str]:
    """Example questions drawn from what ``retriever``'s index holds."""
    from ..results import citation_from_row
    try:
        rows = (citation_from_row(p) for p in retriever.store.sample_passages(EXAMPLE_SAMPLE))
        return example_questions(rows, n)
    except Exception:  # noqa: BLE001 - examples are a convenience, never a failure
        return list(FALLBACK)


# After an answer: bring its question (and so hit #1) to the top of the screen. The
# answer may render a moment after the event ends, so wait (up to 2 s) for a new one.
SCROLL_JS = """() => {
  const rows = () => document.querySelectorAll('#pc-chat .pc-user');
  const seen = window.__pcSeen || 0;
  let tries = 0;
  const go = () => {
    const users = rows();
    if (users.length < seen) window.__pcSeen = 0;
    if (users.length <= (window.__pcSeen || 0) && tries++ < 40) { setTimeout(go, 50); return; }
    window.__pcSeen = users.length;
    const last = users[users.length - 1];
    if (!last) return;
    const row = last.closest('.message-row') || last.closest('.message') || last;
    row.scrollIntoView({block: 'start', behavior: 'instant'});
  };
  setTimeout(go, 0);
}"""

# After "More results": the first of the new replies to the top.
MORE_JS = """() => {
  const seen = document.querySelectorAll('#pc-chat .pc-answer, #pc-chat .pc-error').length;
  let tries = 0;
  const go = () => {
    const all = document.querySelectorAll('#pc-chat .pc-answer, #pc-chat .pc-error');
    if (all.length <= (window.__pcMore || 0) && tries++ < 40) { setTimeout(go, 50); return; }
    window.__pcMore = all.length;
    const last = all[all.length - 1];
    if (last) last.scrollIntoView({block: 'start', behavior: 'instant'});
  };
  window.__pcMore = window.__pcMore || seen;
  setTimeout(go, 0);
}"""

# The transcript panel opened: its cited passage into view.
TRANSCRIPT_JS = """() => {
  let tries = 0;
  const go = () => {
    const t = document.querySelector('#pc-transcript #pc-t-target');
    if (!t && tries++ < 40) { setTimeout(go, 50); return; }
    if (t) t.scrollIntoView({block: 'start', behavior: 'instant'});
  };
  setTimeout(go, 50);
}"""

# On load: a phone starts with the filters folded, so the question box is on screen.
SETUP_JS = """() => {
  if (window.innerWidth < 700) {
    const b = document.querySelector('#pc-filters > .label-wrap, #pc-filters button.label-wrap');
    if (b && b.classList.contains('open')) b.click();
  }
}"""

# Links inside answers, transcripts and the chart talk to the app through two hidden
# fields: a.pc-open (href #passage-ID) opens a transcript, a.pc-month (#month-YYYY-MM)
# asks in a month. (The ids ride in href: the chat's sanitizer drops data-* attributes.)
HEAD = """<style>
/* Outside the style sheet gradio scopes under its content: the page margins and the
   chat bubbles' widths, so a phone's 390 px go to the text. */
@media (max-width: 700px) {
  .gradio-container .main.app { padding-left: 6px !important; padding-right: 6px !important; }
  #pc-chat .message-row.bubble { width: 100% !important; max-width: 100% !important;
                                 margin-left: 0 !important; margin-right: 0 !important; }
  #pc-chat .message.bot, #pc-chat .message-row.bot-row .flex-wrap { max-width: 100% !important;
                                                                   width: 100% !important; }
}
</style>
<script>
document.addEventListener('click', (e) => {
  const a = e.target.closest && e.target.closest('a.pc-open, a.pc-month');
  if (!a) return;
  e.preventDefault();
  const isOpen = a.classList.contains('pc-open');
  const box = isOpen ? '#pc-open-id' : '#pc-month-id';
  const btn = isOpen ? '#pc-open-btn' : '#pc-month-btn';
  const field = document.querySelector(box + ' textarea, ' + box + ' input');
  if (!field) return;
  const ref = a.getAttribute('href') || '';
  field.value = ref.replace(/^#(passage|month)-/, '');
  field.dispatchEvent(new Event('input', {bubbles: true}));
  setTimeout(() => { const b = document.querySelector(btn); if (b) b.click(); }, 80);
});
// Gradio labels each chat message with its raw value ("bot's message: <div
// class=...>"), which a screen reader spells out tag by tag: the label becomes
// the words shown, kept short (the message itself is read in full).
const pcLabel = (el) => {
  const raw = el.getAttribute('aria-label') || '';
  const m = raw.match(/^(user's|bot's) message: </);
  if (!m) return;
  // DOMParser's document runs no script and loads no image of what it parses
  // (a space before each tag: blocks' words apart, "follow." and "5 replies")
  const html = raw.slice(m[0].length - 1).replace(/</g, ' <');
  let text = new DOMParser().parseFromString(html, 'text/html').body.textContent
    .replace(/\\s+/g, ' ').replace(/ ([,.;:!?)])/g, '$1').trim();
  if (text.length > 160) text = text.slice(0, 160).replace(/\\s+\\S*$/, '') + '…';
  el.setAttribute('aria-label', (m[1].startsWith('bot') ? 'Answer: ' : 'Question: ') + text);
};
new MutationObserver((changes) => {
  for (const c of changes) {
    if (c.type === 'attributes') pcLabel(c.target);
    else c.addedNodes.forEach((n) => n.querySelectorAll &&
      [n, ...n.querySelectorAll('[aria-label]')].forEach((e) => e.getAttribute && pcLabel(e)));
  }
}).observe(document.documentElement, {subtree: true, childList: true, attributes: true,
                                      attributeFilter: ['aria-label']});
</script>"""

CSS = """
/* Some gradio wheels ship a truncated SourceSansPro-SemiBold.woff2 (a few glyphs), so
   semibold text mixes fonts letter by letter; the complete Bold face stands in for it. */
@font-face { font-family: "Source Sans Pro"; font-style: normal; font-weight: 600;
             src: url("static/fonts/SourceSansPro/SourceSansPro-Bold.woff2") format("woff2"); }
/* Secondary text (notes, summaries, citations) in a grey of at least 4.5:1 on
   the page: the theme's subdued colour is about 1.9:1 on white, too faint for
   the notes that say which filters a question set. */
.gradio-container { --pc-subdued: #52525b; }
.dark .gradio-container, .gradio-container.dark, .dark { --pc-subdued: #a1a1aa; }
.pc-answer { display: flex; flex-direction: column; gap: 0.9em; }
.pc-b { font-weight: 600; }
.pc-label { font-weight: 600; color: var(--pc-subdued); }
.pc-summary { font-size: 0.85em; color: var(--pc-subdued); }
.pc-hit { border-left: 3px solid var(--color-accent); padding: 0.2em 0 0.2em 0.8em; }
.pc-cite { font-size: 0.95em; margin-bottom: 0.3em; }
.pc-rank { display: inline-block; min-width: 1.5em; padding: 0 0.35em; border-radius: 0.6em;
           text-align: center; font-size: 0.8em; font-weight: 600;
           background: var(--color-accent); color: white; }
.pc-question { font-size: 0.9em; opacity: 0.8; margin-bottom: 0.4em; }
.pc-reply p { margin: 0 0 0.55em 0; }
.pc-mark { background: var(--color-accent-soft); border-radius: 4px; padding: 0.15em 0.35em; }
.pc-note { font-size: 0.8em; color: var(--pc-subdued); }
.pc-full summary { cursor: pointer; font-size: 0.9em; color: var(--color-accent); margin: 0.2em 0; }
.pc-meta { font-size: 0.8em; color: var(--pc-subdued); margin-top: 0.3em; }
.pc-notes { font-size: 0.85em; color: var(--pc-subdued); font-style: italic; }
.pc-repeats { font-size: 0.85em; margin: 0.2em 0; }
.pc-repeats summary { cursor: pointer; color: var(--color-accent); }
.pc-repeats ul { margin: 0.3em 0 0.3em 1.2em; padding: 0; }
.pc-empty, .pc-error { padding: 0.3em 0; }
.pc-error { color: var(--error-text-color, #b91c1c); }
.pc-change { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
.pc-side { border-left: 3px solid var(--color-accent); padding: 0.2em 0 0.2em 0.8em; }
.pc-outlets td:last-child, .pc-outlets th:last-child { text-align: right; }
.pc-hl { background: #fde68a; color: inherit; padding: 0 0.05em; border-radius: 2px; }
.dark .pc-hl { background: #854d0e; }
.pc-noclose { border: 1px solid #f59e0b; background: #fffbeb; color: #78350f; padding: 0.5em 0.7em;
              border-radius: 6px; }
.dark .pc-noclose { background: #451a03; color: #fde68a; }
.pc-warn { font-size: 0.85em; color: #92400e; }
.pc-divider { border-top: 1px dashed var(--pc-subdued); padding-top: 0.4em;
              font-size: 0.85em; color: var(--pc-subdued); }
.pc-weak { border-left-color: var(--pc-subdued); opacity: 0.9; }
.pc-strength { margin-left: 0.5em; font-size: 0.75em; padding: 0 0.4em; border-radius: 0.6em;
               border: 1px solid var(--pc-subdued);
               color: var(--pc-subdued); }
.pc-card { display: flex; flex-direction: column; gap: 0.5em; }
.pc-part { margin-left: 0.8em; }
.pc-follow { font-size: 0.9em; }
.pc-answer, .pc-transcript, .pc-user { overflow-wrap: anywhere; }
.pc-small { font-size: 0.85em; color: var(--pc-subdued); }
#pc-chat { overflow: visible; }
.pc-timeline .pc-bars { display: flex; align-items: flex-end; gap: 2px; height: 180px;
                        padding: 1.2em 0 1.6em 0; }
.pc-month { flex: 1 1 0; min-width: 3px; height: 100%; display: flex; flex-direction: column;
            justify-content: flex-end; position: relative; text-decoration: none; }
.pc-month .pc-bar { display: block; background: var(--color-accent); border-radius: 2px 2px 0 0; }
a.pc-month:hover .pc-bar { filter: brightness(1.2); outline: 2px solid var(--color-accent); }
.pc-month .pc-count { position: absolute; top: -1.2em; width: 100%; text-align: center;
                      font-size: 0.7em; color: var(--pc-subdued); }
.pc-month .pc-tick { position: absolute; bottom: -1.5em; left: 0; white-space: nowrap;
                     font-size: 0.7em; color: var(--pc-subdued); }
.pc-t-head { margin-bottom: 0.8em; }
.pc-t-passage { padding: 0.3em 0 0.3em 0.6em; border-left: 3px solid transparent; }
.pc-target { border-left-color: var(--color-accent); background: var(--color-accent-soft); }
/* The transcript panel's toggle only while it is open: closed, it would sit on the text. */
#pc-transcript-panel:not(.open) .toggle-button { display: none; }
@media (max-width: 700px) {
  #pc-chat .message { padding: 4px 6px !important; }
  #pc-chat .bubble-wrap { padding-left: 4px; padding-right: 4px; }
  #pc-header h3 { font-size: 1.05em; margin: 0; }
  #pc-header p { font-size: 0.85em; margin: 0.2em 0; }
  .pc-change { grid-template-columns: 1fr; }
  .pc-month .pc-count { display: none; }
  .pc-part { margin-left: 0.3em; }
}
"""
