"""HTML for the web chat: hits in, escaped and cited markup out.

Pure functions, no retrieval and no gradio, so they are unit-testable alone.
Every transcript word goes through :func:`escape_text`; the reply is shown
whole (a long one collapsed behind ``<details>`` with its best-matching
paragraph first), never summarized or cut.

The markup is meant for a Markdown renderer that passes HTML through (Gradio's
Chatbot): it never contains a blank line, so the renderer sees one HTML block
and leaves its inside alone, and the characters Markdown, GFM or LaTeX would
act on (``* _ ` ~ [ ] | $ #`` and the backslash) are written as character
references so they show as typed.
"""
from __future__ import annotations

import html
import re
from dataclasses import asdict, is_dataclass, replace
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from ..index.tokenize import STOPWORDS
from ..rank.closeness import notice
from .highlight import Marks, highlight, marks_for

if TYPE_CHECKING:  # pragma: no cover
    from ..results import Hit

# A reply longer than this (and of more than one paragraph) is shown collapsed.
COLLAPSE_CHARS = 900
# Occasions of a repeated reply listed under it (the API returns them all).
MAX_OCCASIONS = 50

# One pass: HTML's own specials, then what Markdown, GFM or LaTeX would act on.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;",
                          **{c: f"&#{ord(c)};" for c in "\\`*_~[]|$#{}"}})
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
# The lexical side's stopwords (one list), plus words that only pad a chat question.
_STOPWORDS = STOPWORDS | frozenset({"views", "please", "what's", "side"})


# -- escaping ------------------------------------------------------------------
def escape_text(text: str) -> str:
    """``text`` as HTML that shows exactly these characters: tags, entities,
    Markdown and LaTeX markers in a transcript are displayed, never acted on."""
    return text.translate(_ESCAPES)


#: A turn label the transcript keeps inside a reply or a question ("Q Can -",
#: "MS. PSAKI: Entirely.", "MR. KIRBY: We -"): shown as a label, the text as is.
_TURN_LABEL = re.compile(r"^(?:Q(?=\s)|[A-Z][A-Z.'’-]*(?:\s+[A-Z][A-Z.'’-]*){0,3}:)")


def _paragraph_html(paragraph: str, marks: "Marks | None" = None) -> str:
    # Paragraphs are separated by a blank line; a lone newline inside one is a line break;
    # the question's words are wrapped in <mark>, every character still escaped.
    label = _TURN_LABEL.match(paragraph)
    if label:
        # who speaks in an aside is read at a glance; every character stays
        cut = label.end()
        return (f'<span class="pc-label">{escape_text(paragraph[:cut])}</span>'
                + highlight(paragraph[cut:], marks))
    return highlight(paragraph, marks)


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) link, else None (no javascript: links)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


# -- the reply -----------------------------------------------------------------
def paragraphs(text: str) -> list[str]:
    """The reply's paragraphs (split on blank lines), each verbatim."""
    parts = [p for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
    return parts or [text]


def _terms(text: str) -> set[str]:
    out = set()
    for w in _WORD.findall(text.lower()):
        w = w.replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        if len(w) < 2 or w in _STOPWORDS:
            continue
        if len(w) > 4 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.add(w)
    return out


def best_paragraph(paras: Sequence[str], question: str) -> int:
    """Index of the paragraph sharing the most content words with the question
    (the earliest on a tie, the first when none shares any). A display aid:
    it picks which whole paragraph to show first, it never cuts one."""
    wanted = _terms(question)
    if not wanted or len(paras) < 2:
        return 0
    best, best_score = 0, 0
    for i, p in enumerate(paras):
        score = len(wanted & _terms(p))
        if score > best_score:
            best, best_score = i, score
    return best


def _word_count(text: str) -> int:
    return len(text.split())


# -- one hit -------------------------------------------------------------------
def format_date(date: Any) -> str:
    """24 December 2021 (ISO 2021-12-24 in the title attribute)."""
    try:
        return f"{date.day} {date:%B %Y}"
    except (AttributeError, ValueError):
        return str(date)


def file_name(source: str | None) -> str:
    """A source path's last part: what a web user sees instead of the server path."""
    return (source or "").replace("\\", "/").rsplit("/", 1)[-1]


def public_hit(hit: "Hit") -> "Hit":
    """The hit with every source cut to its file name, for answers that leave the server
    (HTML, the API's JSON, exports)."""
    cites = tuple(replace(c, source=file_name(c.source)) for c in getattr(hit, "citations", ()))
    return replace(hit, source=file_name(hit.source), citations=cites)


def _link(url: str, label_html: str) -> str:
    """``label_html`` (already escaped) as a link to ``url``, a :func:`safe_url` result."""
    return (f'<a href="{html.escape(url, quote=True)}" target="_blank" '
            f'rel="noopener noreferrer nofollow">{label_html}</a>')


def _source_html(hit: "Hit") -> str:
    parts = []
    url = safe_url(getattr(hit, "url", None))
    title = getattr(hit, "title", "") or ""
    source = getattr(hit, "source", "") or ""
    if url:
        parts.append(_link(url, escape_text(title or url)))
    if source:
        name = file_name(source)   # not the server path
        parts.append(transcript_link(hit.passage_id, f'{escape_text(name)}, whole transcript'))
    return " · ".join(parts)


def transcript_link(passage_id: Any, label_html: str) -> str:
    """A link that opens the whole transcript inside the app, scrolled to this
    passage (the page's script catches clicks on ``a.pc-open``)."""
    pid = escape_text(str(passage_id))
    # The id travels in the href: the chat's HTML sanitizer drops data-* attributes.
    return (f'<a class="pc-open" href="#passage-{pid}" '
            f'title="Open the whole transcript at this passage">{label_html}</a>')


def format_hit(hit: "Hit", rank: int | str, question: str = "", *,
               collapse_chars: int = COLLAPSE_CHARS, marks: Marks | None = None,
               follow_up: bool = False, focus: str | None = None) -> str:
    """One cited passage: citation line, the question asked, the whole reply, the
    question's words marked (``marks``, by default those of ``question``).
    ``follow_up``: a further reply of the exchange the card above it belongs to.
    ``focus``: the words that pick the paragraph shown first (default
    ``question``; without those read as filters: "in May 2020" is no topic)."""
    if marks is None:
        marks = marks_for(question)
    from ..parse.registry import citation_style, statement_name   # lazily, as results
    date_iso = hit.date.isoformat() if hasattr(hit.date, "isoformat") else str(hit.date)
    kind = getattr(hit, "kind", "answer") or "answer"
    # The head is worded as the citation is, by the publisher's profile ("press conference",
    # "White House press briefing"; "an unnamed questioner", "a reporter").
    event, unnamed = citation_style(getattr(hit, "publisher", "") or "", getattr(hit, "title", "") or "")
    speakers = tuple(getattr(hit, "speakers", ()) or ())
    who = escape_text(" and ".join(speakers) if len(speakers) > 1
                      else (hit.spokesperson or "Spokesperson"))
    when = escape_text(format_date(hit.date))
    if kind == "statement":
        role = escape_text(statement_name(getattr(hit, "publisher", "") or ""))
    else:
        asked_by = (f'<span class="pc-b">{escape_text(hit.questioner)}</span>'
                    if hit.questioner else escape_text(unnamed))
        role = f"answering {asked_by}"
    weak = not getattr(hit, "close", True)
    strength = ('<span class="pc-strength pc-weak-tag">weaker match</span>' if weak else "")
    if follow_up:
        head = (f'<div class="pc-cite pc-follow"><span class="pc-b">Same conference</span>, '
                f'{role}{strength}</div>')
    else:
        head = (f'<div class="pc-cite"><span class="pc-rank">{rank}</span> '
                f'<span class="pc-b">{who}</span>, {escape_text(event)} of '
                f'<time datetime="{escape_text(date_iso)}">{when}</time>, {role}{strength}</div>')

    cls = "pc-hit" + (" pc-weak" if weak else "") + (" pc-part" if follow_up else "")
    parts = [f'<div class="{cls}" data-passage-id="{escape_text(str(hit.passage_id))}">', head]
    if hit.question:
        asker = escape_text(hit.questioner) if hit.questioner else "Question"
        parts.append(f'<div class="pc-question"><span class="pc-b">{asker}:</span> '
                     f'{_paragraph_html(hit.question, marks)}</div>')

    paras = paragraphs(hit.text)
    best = best_paragraph(paras, question if focus is None else focus)
    collapse = len(paras) > 1 and len(hit.text) > collapse_chars
    speaker = f'<span class="pc-b">{who}:</span> '
    if collapse:
        unit = "statement" if hit.kind == "statement" else "reply"
        parts.append(f'<div class="pc-reply pc-best"><p class="pc-mark">{speaker}'
                     f'{_paragraph_html(paras[best], marks)}</p>'
                     f'<p class="pc-note">Best-matching paragraph ({best + 1} of {len(paras)}) '
                     f'of the {unit}, quoted whole.</p></div>')
        mark = ' class="pc-mark"'
        body = "".join(f'<p{mark if i == best else ""}>{_paragraph_html(p, marks)}</p>'
                       for i, p in enumerate(paras))
        parts.append(f'<details class="pc-full"><summary>Show the whole {unit} '
                     f'({len(paras)} paragraphs, {_word_count(hit.text):,} words)</summary>'
                     f'<div class="pc-reply">{body}</div></details>')
    else:
        body = "".join(f"<p>{speaker if i == 0 else ''}{_paragraph_html(p, marks)}</p>"
                       for i, p in enumerate(paras))
        parts.append(f'<div class="pc-reply">{body}</div>')

    repeats = format_repeats(hit)
    if repeats:
        parts.append(repeats)

    # A hit with a web page (White House briefings) links its citation to that page too;
    # only http(s) URLs are ever linked (safe_url), and the label stays escaped text.
    url = safe_url(getattr(hit, "url", None))
    cite = escape_text(hit.citation)
    meta = [f"Citation: {_link(url, cite) if url else cite}"]
    source = _source_html(hit)
    if source:
        meta.append(f"Source: {source}")
    elif getattr(hit, "passage_id", None) is not None:
        meta.append(transcript_link(hit.passage_id, "whole transcript"))
    parts.append(f'<div class="pc-meta">{" · ".join(meta)}</div>')
    parts.append("</div>")
    return "".join(parts)


def format_repeats(hit: "Hit", *, limit: int = MAX_OCCASIONS) -> str:
    """'Given 4 times, 2 April 2019 to 14 February 2020' and, one click away, each
    occasion's citation (oldest first); '' for a reply given once."""
    occasions = tuple(getattr(hit, "citations", ()) or ())
    if len(occasions) < 2:
        return ""
    first, last = occasions[0].date, occasions[-1].date
    rows = []
    for c in occasions[:limit]:
        own = " (shown above)" if c.passage_id == hit.passage_id else ""
        name = file_name(c.source)
        link = safe_url(c.url)
        where = (f" · {_link(link, escape_text(name or link))}" if link
                 else (f" · {escape_text(name)}" if name else ""))
        rows.append(f"<li>{escape_text(c.citation)}{own}{where}</li>")
    more = len(occasions) - len(rows)
    if more > 0:
        rows.append(f"<li>and {more} more (all in the /ask API's citations)</li>")
    span = (f"on {escape_text(format_date(first))}" if first == last else
            f"from {escape_text(format_date(first))} to {escape_text(format_date(last))}")
    return (f'<details class="pc-repeats"><summary>Given {len(occasions)} times, {span}: '
            f'the same reply, near word for word</summary><ul>{"".join(rows)}</ul></details>')


# -- a whole answer --------------------------------------------------------------
def clean_filters(questioner: str | None = None, spokesperson: str | None = None,
                  date_from: Any = None, date_to: Any = None,
                  publisher: str | None = None) -> dict[str, str | None]:
    """Filter values as the retriever takes them (keyword arguments of
    ``Retriever.search``/``ask``): blanks become None."""
    def norm(v: Any) -> str | None:
        if v is None:
            return None
        v = str(v).strip()
        return v or None
    return {"questioner": norm(questioner), "spokesperson": norm(spokesperson),
            "date_from": norm(date_from), "date_to": norm(date_to),
            "publisher": norm(publisher)}


def describe_filters(filters: Mapping[str, Any] | None) -> str:
    """'publisher The White House, questioner Bloomberg, from 2021-01-01 to 2021-12-31'
    ('' when none)."""
    if not filters:
        return ""
    parts = []
    if filters.get("publisher"):
        parts.append(f"publisher {filters['publisher']}")
    if filters.get("questioner"):
        parts.append(f"questioner {filters['questioner']}")
    if filters.get("spokesperson"):
        parts.append(f"spokesperson {filters['spokesperson']}")
    d_from, d_to = filters.get("date_from"), filters.get("date_to")
    if d_from and d_to:
        parts.append(f"from {d_from} to {d_to}")
    elif d_from:
        parts.append(f"from {d_from}")
    elif d_to:
        parts.append(f"up to {d_to}")
    return ", ".join(parts)


def format_no_hits(filters: Mapping[str, Any] | None = None) -> str:
    active = describe_filters(filters)
    if active:
        return (f'<div class="pc-empty"><span class="pc-b">No passage found</span> with these '
                f'filters: {escape_text(active)}. Widen the date range or set the publisher, '
                f'questioner or spokesperson back to “Any”.</div>')
    return ('<div class="pc-empty"><span class="pc-b">No passage found.</span> '
            'The index may be empty.</div>')


def format_notes(notes: Sequence[str], dropped: Sequence[str] = ()) -> str:
    """What was read from the question's own words (a period, an outlet), undoable;
    or what was read but matched nothing, so the search went on without it."""
    out = ""
    if notes:
        out += (f'<div class="pc-notes">Read from your question: {escape_text("; ".join(notes))}. '
                f'Tick “Literal” to search without these.</div>')
    if dropped:
        # a warning, not a quiet note: the replies are not what was asked for
        out += (f'<div class="pc-warn">Read from your question: {escape_text("; ".join(dropped))}; '
                f'no reply matched that, so these come from a search without it.</div>')
    return out


def exchange_key(hit: "Hit") -> tuple | None:
    """What makes two hits parts of one exchange: the same conference and the same
    named outlet asking (a reporter's follow-ups), or the same question text."""
    conf = (getattr(hit, "source", "") or "", hit.date)
    if hit.questioner:
        return (*conf, "outlet", hit.questioner)
    if hit.question:
        return (*conf, "question", hit.question)
    return None


def group_exchanges(hits: Sequence["Hit"]) -> list[list["Hit"]]:
    """Hits grouped by exchange (:func:`exchange_key`), each group where its best
    member ranked, its members in rank order: one card instead of the same
    exchange repeated as #1 and #3. Display only; the API keeps every hit."""
    groups: list[list["Hit"]] = []
    where: dict[tuple, int] = {}
    for h in hits:
        key = exchange_key(h)
        if key is not None and key in where:
            groups[where[key]].append(h)
            continue
        if key is not None:
            where[key] = len(groups)
        groups.append([h])
    return groups


ORDERS = ("relevance", "date")
# "How has X changed", "how did ... evolve": the reader wants the replies in time order.
_CHANGE = re.compile(r"\bhow\b.{0,80}\b(chang|evolv|shift|develop|differ)\w*", re.I | re.S)


def wants_date_order(question: str) -> bool:
    """True for a question about change over time ("How has ... changed?")."""
    return bool(_CHANGE.search(question or ""))


def order_hits(hits: Sequence["Hit"], order: str = "relevance") -> list["Hit"]:
    """Best first ("relevance") or oldest first ("date"; rank breaks ties)."""
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}; choose from {', '.join(ORDERS)}")
    if order == "date":
        return [h for _, h in sorted(enumerate(hits), key=lambda p: (p[1].date, p[0]))]
    return list(hits)


def format_no_close_match(not_found: Sequence[str] = (),
                          date_range: tuple[str | None, str | None] = (None, None),
                          asked_of: str | None = None,
                          gaps: Sequence[tuple[str, str]] = ()) -> str:
    """The notice above replies that are only the nearest ones: the ranking's
    own words (rag/rank/closeness.notice, as the CLI prints them), naming what
    was not found and the date span searched."""
    text = notice(False, not_found, date_range, asked_of, gaps) or ""
    lead = "No close match"
    return (f'<div class="pc-noclose" role="status"><span class="pc-b">{lead}</span>'
            f'{escape_text(text[len(lead):])}</div>')


def format_searched_for(question: str, searched_for: str | None) -> str:
    """"Searched for: ..." when words of the question were corrected, with the way back."""
    if not searched_for or searched_for == question:
        return ""
    return (f'<div class="pc-note">Searched for: <q>{escape_text(searched_for)}</q>. '
            f'To search a word as you typed it, put it in "quotes".</div>')


def format_hits(hits: Sequence["Hit"], question: str = "", *,
                filters: Mapping[str, Any] | None = None, notes: Sequence[str] = (),
                dropped: Sequence[str] = (), collapse_chars: int = COLLAPSE_CHARS,
                close_match: bool = True, not_found: Sequence[str] = (),
                searched_for: str | None = None,
                date_range: tuple[str | None, str | None] = (None, None),
                asked_of: str | None = None, gaps: Sequence[tuple[str, str]] = (),
                order: str = "relevance",
                start: int = 1, warnings: Sequence[str] = (),
                mark_text: str | None = None) -> str:
    """The chat's answer: each hit verbatim with its citation, best first (or oldest
    first, ``order="date"``), hits of one exchange in one card, close matches above
    weaker ones. ``notes`` say which filters were read from the question itself,
    ``dropped`` which were read but matched nothing (``Answer.understood`` /
    ``.dropped``); ``close_match=False`` (``Answer.close_match``) puts the "No close
    match" notice first (naming ``not_found`` and the ``date_range`` of the
    transcripts searched: those of ``asked_of``, the publisher the question
    asked, if any);
    ``start`` numbers the first card (more results);
    ``warnings`` (escaped here) follow the notes; ``mark_text`` (default: the
    question as searched) gives the words to mark."""
    extra = "".join(f'<div class="pc-warn">{escape_text(w)}</div>' for w in warnings)
    if not hits:
        return format_no_hits(filters) + format_notes(notes, dropped) + extra
    active = describe_filters(filters)
    focus = mark_text if mark_text is not None else (searched_for or question)
    marks = marks_for(focus)
    n = len(hits)
    weak_only = not close_match or not any(getattr(h, "close", True) for h in hits)
    head = (f'<div class="pc-summary">{n} {"reply" if n == 1 else "replies"}, quoted verbatim'
            + (f", from {start}" if start > 1 else "")
            # the best matches put in date order, not the oldest of all ("Analysis" has those)
            + (", the best matches oldest first" if order == "date" else "")
            + (f" · filters: {escape_text(active)}" if active else "") + "</div>")
    parts = ['<div class="pc-answer">']
    if weak_only:
        parts.append(format_no_close_match(not_found, date_range, asked_of, gaps))
    parts += [head, format_searched_for(question, searched_for), format_notes(notes, dropped),
              extra]
    ordered = order_hits(hits, order)
    # Close matches first, then a visible line, then the weaker ones (each in its order).
    strong = [h for h in ordered if getattr(h, "close", True)]
    weak = [h for h in ordered if not getattr(h, "close", True)]
    rank = start
    for section, label in ((strong, ""), (weak, "Weaker matches: they share less of your "
                                               "question's words or meaning")):
        if not section:
            continue
        if label and strong:
            parts.append(f'<div class="pc-divider">{escape_text(label)}</div>')
        for group in group_exchanges(section):
            parts.append(f'<div class="pc-card" data-rank="{rank}">')
            parts.append(format_hit(group[0], rank, question, collapse_chars=collapse_chars,
                                    marks=marks, focus=focus))
            for more in group[1:]:
                parts.append(format_hit(more, rank, question, collapse_chars=collapse_chars,
                                        marks=marks, follow_up=True, focus=focus))
            parts.append("</div>")
            rank += 1
    parts.append("</div>")
    return "".join(parts)


def format_error(message: str) -> str:
    return (f'<div class="pc-error"><span class="pc-b">Cannot search:</span> '
            f'{escape_text(message)}</div>')


#: The user's message is shown up to this many characters: a 100k-character
#: paste echoed whole pushed the answer (its error) a page height per 5k below.
SHOWN_QUESTION_CHARS = 1000


def format_question(question: str) -> str:
    """The user's own message, shown as typed (escaped like a transcript);
    a very long one cut, saying how long it was."""
    if len(question) <= SHOWN_QUESTION_CHARS:
        return f'<div class="pc-user">{_paragraph_html(question)}</div>'
    cut = question[:SHOWN_QUESTION_CHARS].rstrip()
    return (f'<div class="pc-user">{_paragraph_html(cut)} …'
            f'<div class="pc-note">({len(question):,} characters; the first '
            f'{SHOWN_QUESTION_CHARS:,} shown)</div></div>')


# -- structured output -------------------------------------------------------------
def hit_to_dict(hit: Any) -> dict[str, Any]:
    """JSON-ready fields of a hit (date as ISO string)."""
    if hasattr(hit, "to_dict"):
        return hit.to_dict()
    d = asdict(hit) if is_dataclass(hit) else dict(vars(hit))
    if hasattr(d.get("date"), "isoformat"):
        d["date"] = d["date"].isoformat()
    return d


def facet_choices(pairs: Iterable[tuple[str, int]], any_label: str) -> list[tuple[str, str]]:
    """Dropdown choices: ('Any …', '') then 'Name (count)' -> name, most frequent first."""
    return [(any_label, "")] + [(f"{name} ({count})", name) for name, count in pairs]


# -- analysis of the last question -------------------------------------------------
def _occasion_html(c: Any, label: str) -> str:
    """One occasion of a reply, verbatim, with its date and citation."""
    date_iso = c.date.isoformat() if hasattr(c.date, "isoformat") else str(c.date)
    body = "".join(f"<p>{_paragraph_html(p)}</p>" for p in paragraphs(c.text))
    asked = (f'<div class="pc-question"><span class="pc-b">'
             f'{escape_text(c.questioner or "Question")}:</span> {escape_text(c.question)}</div>'
             if c.question else "")
    return (f'<div class="pc-side"><div class="pc-cite"><span class="pc-b">{label}</span>: '
            f'<time datetime="{escape_text(date_iso)}">{escape_text(format_date(c.date))}</time>'
            f'</div>{asked}<div class="pc-reply">{body}</div>'
            f'<div class="pc-meta">Citation: {escape_text(c.citation)}</div></div>')


def format_answer_change(change: Any) -> str:
    """The earliest and the latest matching replies side by side, verbatim
    (an ``analysis.AnswerChange``)."""
    if not change.earliest:
        return '<div class="pc-empty">No matching reply to compare.</div>'
    first, last = change.earliest[0], change.latest[0]
    if change.same_reply or first.passage_id == last.passage_id:
        note = ('<div class="pc-note">The earliest and the latest matching replies are the '
                'same reply (given on each of these dates).</div>')
    else:
        note = ""
    if change.compared:
        note += (f'<div class="pc-note">Of the {change.compared} best-matching '
                 f'{"reply" if change.compared == 1 else "replies"}.</div>')
    return (f'<div class="pc-change">{_occasion_html(first, "Earliest")}'
            f'{_occasion_html(last, "Latest")}</div>{note}')


def format_questioner_counts(counts: Sequence[tuple[str | None, int]]) -> str:
    """Which outlets asked about the topic, with counts, as an HTML table."""
    if not counts:
        return '<div class="pc-empty">No matching question.</div>'
    rows = "".join(f"<tr><td>{escape_text(name) if name else '<i>unnamed</i>'}</td>"
                   f"<td>{n}</td></tr>" for name, n in counts)
    return (f'<table class="pc-outlets"><thead><tr><th>Questioner (outlet)</th>'
            f'<th>Questions</th></tr></thead><tbody>{rows}</tbody></table>')


def follow_up_note(previous: str, kept: dict, topic_kept: bool) -> str:
    """The line above a follow-up's answer: what it kept from the question
    before ("Follow-up of “What did Psaki say about vaccines ...?”: kept its
    topic, spokesperson Jen Psaki"), so a user who meant a new question knows
    to ask it in full."""
    what = ["its topic"] if topic_kept else []
    what += [f"{key} {kept[key]}" for key in ("publisher", "questioner", "spokesperson")
             if kept.get(key)]
    if kept.get("date_from") or kept.get("date_to"):
        what.append(f"dates {kept.get('date_from') or '…'} to {kept.get('date_to') or '…'}")
    return (f'<div class="pc-notes pc-follow">Follow-up of “{escape_text(previous)}”: kept '
            f'{escape_text(", ".join(what))}. Ask in full for a new question.</div>')
