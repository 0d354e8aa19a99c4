"""Stage 1: transcript files -> :class:`Conference` records.

``records`` holds the units, ``profiles`` what a publisher's labels look
like (``mfa`` and ``whitehouse`` are the publishers so far, ``registry`` lists them all),
``readers`` turns bytes into paragraphs and ``walker`` paragraphs into
exchanges.
"""
from __future__ import annotations

from .profiles import collapse_whitespace, valid_text
from .readers import (MAX_FILE_BYTES, PARSER_VERSION, SUPPORTED_SUFFIXES, html_paragraphs,
                      parse_file, parse_html, parse_markdown, parse_text, split_text_paragraphs)
from .records import Conference, Exchange, ParseError
from .registry import PROFILES, normalize_outlet

__all__ = ["parse_file", "parse_text", "parse_html", "parse_markdown", "collapse_whitespace",
           "valid_text", "html_paragraphs", "split_text_paragraphs", "Conference", "Exchange",
           "ParseError", "PROFILES", "normalize_outlet", "MAX_FILE_BYTES", "PARSER_VERSION",
           "SUPPORTED_SUFFIXES"]
