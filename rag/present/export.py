"""Citations out: plain text to paste, CSV for a spreadsheet, JSON for code.

One row per occasion a reply was given (a result repeated on five dates is
five rows), each with that occasion's own verbatim wording, so an export
never attributes a word to a date on which it was not said.
"""
from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any, Sequence

from .analysis import occasions

if TYPE_CHECKING:  # pragma: no cover
    from ..results import Hit

FORMATS = ("text", "csv", "json")
# The columns, in order. "result" is the 1-based rank of the search result the
# occasion belongs to, so rows can be regrouped; "reply" is verbatim.
FIELDS = ("result", "date", "publisher", "questioner", "spokesperson", "question", "reply",
          "source", "citation", "passage_id", "url")


def citation_rows(hits: Sequence["Hit"]) -> list[dict[str, Any]]:
    """Every occasion of every hit, results in rank order, occasions oldest first."""
    rows = []
    for rank, hit in enumerate(hits, 1):
        for c in occasions(hit):
            rows.append({"result": rank, "date": c.date.isoformat(), "publisher": c.publisher,
                         "questioner": c.questioner,
                         "spokesperson": c.spokesperson, "question": c.question,
                         "reply": c.text, "source": c.source, "citation": c.citation,
                         "passage_id": c.passage_id, "url": c.url})
    return rows


def to_csv(hits: Sequence["Hit"]) -> str:
    """RFC 4180 CSV with a header row; None is an empty cell."""
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=FIELDS)
    w.writeheader()
    for row in citation_rows(hits):
        w.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


def to_json(hits: Sequence["Hit"]) -> str:
    return json.dumps(citation_rows(hits), ensure_ascii=False, indent=2)


def _long_date(iso: str) -> str:
    y, m, d = iso.split("-")
    import calendar
    return f"{int(d)} {calendar.month_name[int(m)]} {y}"


def to_text(hits: Sequence["Hit"]) -> str:
    """Each result's question and reply once, verbatim, then every occasion
    it was given."""
    blocks = []
    for rank, hit in enumerate(hits, 1):
        occ = occasions(hit)
        # the question it answered: a reply quoted without it can say the opposite
        asked = [f"Q: {hit.question}", ""] if hit.question else []
        lines = [f"[{rank}] {hit.citation}", "", *asked, hit.text, ""]
        if len(occ) > 1:
            lines.append(f"Given {len(occ)} times, from {_long_date(occ[0].date.isoformat())} "
                         f"to {_long_date(occ[-1].date.isoformat())}:")
        else:
            lines.append("Source:")
        for c in occ:
            mark = "" if c.text == hit.text else " (other wording)"
            where = " ".join(str(x) for x in (c.source, c.url) if x) or c.passage_id
            lines.append(f"- {c.citation}{mark} [{where}]")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def export_hits(hits: Sequence["Hit"], fmt: str = "text") -> str:
    """The citations of ``hits`` as ``fmt`` ("text", "csv" or "json")."""
    if fmt == "text":
        return to_text(hits)
    if fmt == "csv":
        return to_csv(hits)
    if fmt == "json":
        return to_json(hits)
    raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
