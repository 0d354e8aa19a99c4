"""How two wordings of one reply differ, word by word (``presscon versions``, the chat)."""
from __future__ import annotations

import difflib

__all__ = ["word_diff", "format_diff"]


def word_diff(base: str, other: str) -> list[tuple[str, str]]:
    """How ``other`` differs from ``base``, word by word: ("equal" | "delete" |
    "insert", words). Deleted words are base's, inserted words are other's,
    both verbatim, so a UI can show the differing words of another version."""
    a, b = base.split(), other.split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("equal", " ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(("delete", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("insert", " ".join(b[j1:j2])))
    return out


def format_diff(base: str, other: str, context: int = 6) -> str:
    """A one-line view of :func:`word_diff`: ``[-base words-]{+other words+}``,
    unchanged stretches shortened to ``context`` words either side of a change."""
    ops = word_diff(base, other)
    parts = []
    for n, (op, words) in enumerate(ops):
        if op == "delete":
            parts.append(f"[-{words}-]")
        elif op == "insert":
            parts.append(f"{{+{words}+}}")
        else:
            w = words.split()
            head = 0 if n == 0 else context
            tail = 0 if n == len(ops) - 1 else context
            if len(ops) == 1 or len(w) <= head + tail:
                parts.append(words)
            else:
                parts.append(" ".join(x for x in (" ".join(w[:head]), "...",
                                                  " ".join(w[len(w) - tail:] if tail else []))
                                      if x))
    return " ".join(parts)
