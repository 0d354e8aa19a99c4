"""A whole conference as the chat shows it beside an answer: every exchange in
order, verbatim, the cited passage marked and scrolled to.

A citation's file name ("2020-05-06.txt") is a dead end on a web page; this
is where it leads instead, inside the app (a transcript with a web page links
there as well).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from ..results import Citation, citation_from_row
from .highlight import Marks

if TYPE_CHECKING:  # pragma: no cover
    from ..retriever import Retriever

__all__ = ["conference_of", "format_transcript", "transcript_html", "TARGET_ID"]

TARGET_ID = "pc-t-target"        # the marked passage's element id, scrolled into view


def conference_of(retriever: "Retriever", passage_id: int) -> list[Citation]:
    """Every passage of the conference holding ``passage_id``, in transcript
    order ([] when no passage has that id)."""
    store = retriever.store
    row = store.passages([passage_id]).get(passage_id)
    if row is None:
        return []
    ids = [f[0] for f in store.passage_fields(row.conference_id)]
    rows = store.passages(ids)
    return [citation_from_row(rows[i]) for i in ids if i in rows]


def format_transcript(passages: Sequence[Citation], passage_id: int,
                      marks: Marks | None = None) -> str:
    """The conference as HTML: a head (title, date, the page's link), then each
    question and reply verbatim; ``passage_id``'s exchange marked, the
    question's words highlighted in it."""
    from .chat import (_link, _paragraph_html, escape_text, file_name, format_date,
                       paragraphs, safe_url)
    if not passages:
        return '<div class="pc-empty">That passage is no longer in the index.</div>'
    first = passages[0]
    url = safe_url(first.url)
    title = escape_text(first.title or file_name(first.source) or "Transcript")
    where = [f'<time datetime="{first.date.isoformat()}">'
             f'{escape_text(format_date(first.date))}</time>']
    if first.publisher:
        where.append(escape_text(first.publisher))
    if url:
        where.append(_link(url, "the original page"))
    elif first.source:
        where.append(escape_text(file_name(first.source)))
    out = [f'<div class="pc-transcript"><div class="pc-t-head"><span class="pc-b">{title}</span>'
           f'<br>{" · ".join(where)}</div>']
    for p in passages:
        target = p.passage_id == passage_id
        m = marks if target else None
        attrs = (f' id="{TARGET_ID}" class="pc-t-passage pc-target"' if target
                 else ' class="pc-t-passage"')
        block = [f'<div{attrs} data-passage-id="{p.passage_id}">']
        if target:
            block.append('<div class="pc-note">The cited passage</div>')
        if p.question:
            asker = escape_text(p.questioner or "Question")
            block.append(f'<p class="pc-question"><span class="pc-b">{asker}:</span> '
                         f'{_paragraph_html(p.question, m)}</p>')
        who = escape_text(" and ".join(p.speakers) if len(p.speakers) > 1
                          else (p.spokesperson or "Spokesperson"))
        for i, para in enumerate(paragraphs(p.text)):
            lead = f'<span class="pc-b">{who}:</span> ' if i == 0 else ""
            block.append(f"<p>{lead}{_paragraph_html(para, m)}</p>")
        block.append("</div>")
        out.append("".join(block))
    out.append("</div>")
    return "".join(out)


def transcript_html(retriever: "Retriever", passage_id: Any, question: str = "") -> str:
    """:func:`format_transcript` of the conference holding ``passage_id`` (an id
    as the page sends it, text or number)."""
    from .highlight import marks_for
    try:
        pid = int(str(passage_id).strip())
    except (TypeError, ValueError):
        return '<div class="pc-empty">No passage chosen.</div>'
    return format_transcript(conference_of(retriever, pid), pid, marks_for(question))
