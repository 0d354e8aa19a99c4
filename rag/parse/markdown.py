"""Scraped Markdown pages (.md) -> title, paragraphs and front matter.

Front matter is YAML (PyYAML); the body is parsed by markdown-it-py and only
its token stream is read: each paragraph's inline children, soft breaks as
spaces and hard breaks as paragraph ends, so emphasis markers and ``\\``
escapes vanish the way a text rendering removes them. Not regexes over
Markdown.
"""
from __future__ import annotations

import datetime as dt
import re

import functools

from .profiles import collapse_whitespace
from .records import ParseError

__all__ = ["read_markdown"]

#: A date in a title: "January 21, 2021", "March 7th, 2022", "2/14/2023" (a
#: year alone is not one: "... Budget for Fiscal Year 2022", "World AIDS Day 2021").
_DATED = re.compile(r"\b[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:st|nd|rd|th)?\s*[,.]?\s*(?:19|20)\d\d\b"
                    r"|\b\d{1,2}/\d{1,2}/(?:19|20)\d\d\b")

# ------------------------------------------------------------------ readers
@functools.cache
def _md():
    # imported on first use: a search never parses Markdown (~75 ms of a fresh one)
    from markdown_it import MarkdownIt
    return MarkdownIt("commonmark")


def _inline_chunks(tok) -> list[str]:
    """An inline token's text, split at hard line breaks (a ``<br>`` on the page,
    which the txt rendering made a paragraph break); soft breaks are spaces."""
    chunks: list[str] = []
    parts: list[str] = []
    for ch in tok.children or ():
        if ch.type in ("text", "code_inline", "text_special"):
            parts.append(ch.content)
        elif ch.type == "softbreak":
            parts.append(" ")
        elif ch.type == "hardbreak":
            chunks.append("".join(parts))
            parts = []
        elif ch.type == "image":
            parts.append(" ".join(_inline_chunks(ch)))
        # html_inline (<s>, </s>), em/strong/link open/close: markup only
    chunks.append("".join(parts))
    return chunks


def read_markdown(text: str, source: str) -> tuple[str, list[str], dict]:
    """A scraped briefing page (.md) -> (title, paragraphs after the title, front matter).

    Front matter is YAML between ``---`` lines at the very top; the title comes
    from its ``title`` (else from the first paragraph of the body). Paragraphs
    are the markdown-it token stream's paragraphs, whitespace-collapsed.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    meta: dict = {}
    body = text
    if text.startswith("---\n"):
        end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.M)
        if end is None:
            raise ParseError(source, "front matter starts with '---' but never ends")
        import yaml
        try:
            loaded = yaml.safe_load(text[4:4 + end.start()])
        except yaml.YAMLError as e:
            raise ParseError(source, f"front matter is not valid YAML ({e.__class__.__name__})") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ParseError(source, "front matter is not a mapping of fields")
        meta = loaded or {}
        body = text[4 + end.end():]
    # A line holding only (no-break) spaces is an empty <p> of the page; pandoc
    # writes it as "&nbsp;" text, which Markdown would glue to its neighbours.
    body = "\n".join("" if not line.strip() else line for line in body.split("\n"))
    paras: list[str] = []
    tokens = _md().parse(body)
    for i, tok in enumerate(tokens):
        if tok.type == "inline" and i > 0 and tokens[i - 1].type in ("paragraph_open", "heading_open"):
            for chunk in _inline_chunks(tok):
                p = collapse_whitespace(chunk)
                if p:
                    paras.append(p)
    title = collapse_whitespace(str(meta.get("title") or ""))
    if not title:
        if not paras:
            raise ParseError(source, "empty file (no title, no text)")
        title, paras = paras[0], paras[1:]
    if not _DATED.search(title) and meta.get("date"):
        # A title without its date (White House pages from mid-2022 on): the
        # page heading shows the date, and the txt rendering appended it too.
        try:
            d = meta["date"] if isinstance(meta["date"], dt.date) else \
                dt.date.fromisoformat(str(meta["date"])[:10])
            title = f"{title}, {d:%B} {d.day}, {d.year}"
        except ValueError:
            pass
    return title, paras, meta
