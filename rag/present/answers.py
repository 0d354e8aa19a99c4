"""The chat's and the HTTP API's shared core, without gradio: a question and
its filters as the UI sends them -> hits, notes and HTML; the analysis of one
question as JSON."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..retriever import Retriever

__all__ = ["search_answer", "analyse", "analysis_hits", "DEFAULT_PASSAGES", "ANALYSIS_LIMIT"]

DEFAULT_PASSAGES = 5

def search_answer(retriever: "Retriever", question: str, k: Any, questioner: Any, spokesperson: Any,
            date_from: Any, date_to: Any, literal: Any = False, publisher: Any = ""
            ) -> tuple[list, dict[str, Any], list[str], str]:
    """(hits, filters, notes, html); raises PressconError for a user error.
    Unless ``literal``, the retriever also reads a period, outlet or spokesperson
    named in the question; ``notes`` say which. ``publisher`` ("" for any) keeps
    one publisher's conferences."""
    from .chat import clean_filters, format_hits, public_hit
    filters = clean_filters(questioner, spokesperson, date_from, date_to, publisher)
    try:
        k = int(k) if k not in (None, "") else DEFAULT_PASSAGES
    except (TypeError, ValueError):
        pass  # left as typed: the retriever names the valid range and echoes it
    question = question or ""
    answer = retriever.ask(question, k=k, understand=not literal, **filters)
    notes = list(answer.understood)
    hits = [public_hit(h) for h in answer.hits]   # no server paths in what users get
    return hits, filters, notes, format_hits(hits, question, filters=filters,
                                             notes=notes, dropped=answer.dropped)


ANALYSIS_LIMIT = 30          # results the analysis looks at (as Retriever.timeline)


def analyse(retriever: "Retriever", question: str, k: Any = DEFAULT_PASSAGES,
            questioner: Any = "", spokesperson: Any = "", date_from: Any = "",
            date_to: Any = "", literal: Any = False, publisher: Any = "") -> dict[str, Any]:
    """The analysis of one question with its filters, JSON-ready:
    {"question", "filters", "timeline", "answer_change", "questioners", "citations",
    "citations_text", "citations_csv"}: replies per month, the earliest and latest
    matching replies verbatim, which outlets asked and how often (over the top
    ``ANALYSIS_LIMIT`` results scoring at least ``RELATIVE`` x the best, as
    ``Retriever.timeline`` does), and the citations of the answer's own ``k`` hits as
    ``rag.present.export`` writes them. Raises PressconError for a user error."""
    from .analysis import answer_change, questioner_counts, timeline
    from .export import citation_rows, export_hits
    hits, wide, filters, notes = analysis_hits(retriever, question, k, questioner,
                                                spokesperson, date_from, date_to, literal,
                                                publisher)
    return {"question": question, "filters": filters, "understood": notes,
            "timeline": [m.to_dict() for m in timeline(wide)],
            "answer_change": answer_change(wide).to_dict(),
            "questioners": [{"questioner": name, "count": n}
                            for name, n in questioner_counts(wide)],
            "citations": citation_rows(hits),
            "citations_text": export_hits(hits, "text"),
            "citations_csv": export_hits(hits, "csv")}


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
