"""The chat's and the HTTP API's shared core, without gradio: a question and
its filters as the UI sends them -> hits, notes and HTML; the analysis of one
question as JSON."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..errors import PressconError
from ..rank.understand import FILTER_KEYS, note_group

if TYPE_CHECKING:  # pragma: no cover
    from ..rank.understand import QueryPlan
    from ..results import Answer
    from ..retriever import Retriever

__all__ = ["search_answer", "answer_question", "ChatAnswer", "inferred_filters", "analyse",
           "analysis_hits", "analysed_hits", "resolve_order", "DEFAULT_PASSAGES",
           "ANALYSIS_LIMIT"]

DEFAULT_PASSAGES = 5

@dataclass
class ChatAnswer:
    """One answer as the chat shows it."""
    hits: list                       # the hits shown (from ``start``), public (no server paths)
    filters: dict[str, Any]          # the filters as given (dates as ISO)
    notes: list[str]                 # what was read from the question and applied
    html: str
    answer: "Answer"                 # what the retriever returned
    inferred: dict[str, str] = field(default_factory=dict)   # filters read from the words
    warnings: list[str] = field(default_factory=list)        # filters that see little
    order: str = "relevance"
    # the words marked in the replies: the question as searched, without the
    # words read as filters (the whole transcript's panel marks the same)
    mark_text: str = ""


Facets = Callable[[], "tuple[int, Mapping[str, int], Mapping[str, int]]"]


def resolve_order(order: Any, question: str) -> str:
    """"auto" (or blank) -> "date" for a question about change over time, else "relevance"."""
    from .chat import ORDERS, wants_date_order
    order = str(order or "auto").strip().lower()
    if order == "auto":
        return "date" if wants_date_order(question) else "relevance"
    if order not in ORDERS:
        raise PressconError(f"order must be auto, {' or '.join(ORDERS)}, not {order!r}")
    return order


def answer_question(retriever: "Retriever", question: str, k: Any, questioner: Any = "",
                    spokesperson: Any = "", date_from: Any = "", date_to: Any = "",
                    literal: Any = False, publisher: Any = "", *, order: Any = "relevance",
                    start: int = 1, facets: Facets | None = None) -> ChatAnswer:
    """Search and format, as the chat needs it. Dates may be typed as the From/To
    boxes take them ("May 2020"); errors name the boxes ("From date ... is after
    To date ..."). ``start`` > 1 shows only the hits from that rank on (more
    results); ``facets`` (total passages, passages per questioner, per
    spokesperson) enables the warning for a filter that sees few passages."""
    from .chat import clean_filters, format_hits, public_hit
    from .filters import check_dates, coverage_warnings
    d_from, d_to = check_dates(date_from, date_to)
    filters = clean_filters(questioner, spokesperson, d_from, d_to, publisher)
    try:
        k = int(k) if k not in (None, "") else DEFAULT_PASSAGES
    except (TypeError, ValueError):
        pass  # left as typed: the retriever names the valid range and echoes it
    question = question or ""
    order = resolve_order(order, question)
    answer = retriever.ask(question, k=k, understand=not literal, **filters)
    notes = list(answer.understood)
    inferred: dict[str, str] = {}
    mark_text = answer.searched_for or question
    if notes and not literal:
        plan = retriever.understand(question)
        inferred = inferred_filters(plan, filters)
        # a filter read but left out (it matched nothing with the rest) is not
        # one the controls show; those kept are ("Kirby ... in February 2023":
        # the month stays in the date boxes when Kirby is dropped)
        for note in answer.dropped:
            for key in FILTER_KEYS.get(note_group(note), ()):
                inferred.pop(key, None)
        # "in May 2020", "AFP" became filters: not words to mark in the replies
        mark_text = plan.text if answer.searched_for is None else answer.searched_for
    warnings: list[str] = []
    if facets is not None:
        total, q_counts, s_counts = facets()
        warnings = coverage_warnings({**filters, **inferred}, total, q_counts, s_counts)
    # "Kirby" asked about while the filter says Psaki: the filter won, say so
    warnings += [note[:1].upper() + note[1:] + "." for note in answer.overridden]
    if answer.no_such_speaker:   # "What did Wang Wenbin say" on 2018-2020: not silently others'
        warnings.append(answer.no_such_speaker[:1].upper() + answer.no_such_speaker[1:]
                        + "; the replies are from any spokesperson (the Spokesperson menu "
                        "lists those it has).")
    hits = [public_hit(h) for h in answer.hits]   # no server paths in what users get
    shown = hits[max(0, start - 1):]
    html = format_hits(shown, question, filters=filters, notes=notes, dropped=answer.dropped,
                       close_match=answer.close_match, not_found=answer.not_found,
                       searched_for=answer.searched_for, order=order, start=start,
                       date_range=retriever.store.date_range(answer.asked_of),
                       asked_of=answer.asked_of, gaps=retriever.store.gaps(answer.asked_of),
                       warnings=warnings, mark_text=mark_text)
    return ChatAnswer(shown, filters, notes, html, answer, inferred, warnings, order, mark_text)


def inferred_filters(plan: "QueryPlan", given: Mapping[str, Any]) -> dict[str, str]:
    """The filters the search took from the question's words (``plan``, as
    ``Retriever.understand`` read them; those the caller left empty, a period only
    when no date was given), as the controls show them."""
    out = {key: (v.isoformat() if hasattr(v, "isoformat") else str(v))
           for key, v in plan.filters.items() if not given.get(key)}
    if given.get("date_from") or given.get("date_to"):
        out.pop("date_from", None)
        out.pop("date_to", None)
    return out


def search_answer(retriever: "Retriever", question: str, k: Any, questioner: Any, spokesperson: Any,
            date_from: Any, date_to: Any, literal: Any = False, publisher: Any = ""
            ) -> tuple[list, dict[str, Any], list[str], str]:
    """(hits, filters, notes, html); raises PressconError for a user error.
    Unless ``literal``, the retriever also reads a period, outlet or spokesperson
    named in the question; ``notes`` say which. ``publisher`` ("" for any) keeps
    one publisher's conferences."""
    a = answer_question(retriever, question, k, questioner, spokesperson, date_from, date_to,
                        literal, publisher)
    return a.hits, a.filters, a.notes, a.html


ANALYSIS_LIMIT = 30          # results the analysis looks at (as Retriever.timeline)


def analyse(retriever: "Retriever", question: str, k: Any = DEFAULT_PASSAGES,
            questioner: Any = "", spokesperson: Any = "", date_from: Any = "",
            date_to: Any = "", literal: Any = False, publisher: Any = "") -> dict[str, Any]:
    """The analysis of one question with its filters, JSON-ready:
    {"question", "filters", "timeline", "answer_change", "questioners", "citations",
    "citations_text", "citations_csv"}: replies per month, the earliest and latest
    matching replies verbatim, which outlets asked and how often (over the top
    ``ANALYSIS_LIMIT`` results scoring at least ``RELATIVE`` x the best, as
    ``Retriever.timeline`` does), and the citations of everything analysed (the
    answer's ``k`` hits, then the other matching replies) as ``rag.present.export``
    writes them, the text headed by the question. Raises PressconError for a user error."""
    from .analysis import answer_change, questioner_counts, timeline
    from .export import citation_rows, export_hits
    hits, wide, filters, notes = analysis_hits(retriever, question, k, questioner,
                                                spokesperson, date_from, date_to, literal,
                                                publisher)
    everything = analysed_hits(hits, wide)
    return {"question": question, "filters": filters, "understood": notes,
            "timeline": [m.to_dict() for m in timeline(wide)],
            "answer_change": answer_change(wide).to_dict(),
            "questioners": [{"questioner": name, "count": n}
                            for name, n in questioner_counts(wide)],
            "citations": citation_rows(everything),
            "citations_text": export_text(everything, question, filters, notes),
            "citations_csv": export_hits(everything, "csv")}


def analysed_hits(hits: list, wide: list) -> list:
    """Everything an analysis looked at: the answer's hits, then the other
    matching replies, each once."""
    seen = {h.passage_id for h in hits}
    return list(hits) + [h for h in wide if h.passage_id not in seen]


def export_text(hits: list, question: str, filters: Mapping[str, Any] | None = None,
                notes: Any = ()) -> str:
    """The plain-text export with what it answers first: the question, its filters and
    what was read from it; each citation then names its page's URL when it has one."""
    from .chat import describe_filters
    from .export import export_hits
    head = [f"Question: {question}"]
    active = describe_filters(filters)
    if active:
        head.append(f"Filters: {active}")
    if notes:
        head.append(f"Read from the question: {'; '.join(notes)}")
    head.append(f"Replies: {len(hits)}, quoted verbatim (presscon)")
    return "\n".join(head) + "\n\n" + export_hits(hits, "text")


def analysis_hits(retriever: "Retriever", question: str, k: Any, questioner: Any,
                   spokesperson: Any, date_from: Any, date_to: Any, literal: Any = False,
                   publisher: Any = "") -> tuple[list, list, dict[str, Any], list[str]]:
    """(the answer's hits, the matching hits analysed, filters, notes)."""
    from .analysis import RELATIVE, matching
    from .chat import public_hit
    hits, filters, notes, _ = search_answer(retriever, question, k, questioner, spokesperson,
                                      date_from, date_to, literal, publisher)
    wide = matching([public_hit(h) for h in retriever.search(
        question, k=max(ANALYSIS_LIMIT, len(hits)), understand=not literal, **filters)],
        RELATIVE)
    return hits, wide, filters, notes
