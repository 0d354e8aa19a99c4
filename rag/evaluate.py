"""Recall@k and MRR@10 over questions with verbatim gold snippets.

The question file format is ../shared/eval's: one JSON object a line with
``question``, ``gold`` (snippets; a hit is correct when its text contains
one, whitespace collapsed) and optional ``filters``. Records that name the
official who replied (``speaker``, e.g. "MR. KIRBY": the White House file)
also require the hit's date to be ``date`` or one of ``also_dates``, and the
share of correct hits given by that official is reported. Records without
``gold`` (``unanswerable_dev.jsonl``) are questions no conference answers:
for them the share flagged "No close match" is what counts.

Built-in question sets, none read from the dev files: ``quote_questions``
(sentences of the index's own replies, as pasted), ``fold_questions`` (the
reporters' questions of one date fold, their replies the answers), and
``with_typos`` (two neighbouring letters swapped in the two longest words).
"""
from __future__ import annotations

import datetime as dt
import json
import random
import re
import statistics
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Sequence

from .errors import PressconError
from .results import Answer, Hit
from .retriever import Retriever

KS = (1, 5, 10)
_WS = re.compile(r"\s+")


def collapse(text: str) -> str:
    return _WS.sub(" ", text).strip()


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    gold: tuple[str, ...]
    kind: str = ""
    filters: dict[str, Any] = field(default_factory=dict)
    speaker: str | None = None          # label of the official who replied ("MR. KIRBY")
    dates: tuple[str, ...] = ()         # ISO dates a correct hit may have (() = any)


def load_questions(path: str | Path) -> list[Question]:
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            dated = "speaker" in d or "also_dates" in d
            dates = tuple([d["date"], *d.get("also_dates", [])]) if dated and d.get("date") else ()
            out.append(Question(str(d.get("id", n)), d["question"],
                                tuple(collapse(g) for g in d["gold"]) if "gold" in d or "why"
                                not in d else (),
                                d.get("kind", d.get("style", "")), dict(d.get("filters") or {}),
                                d.get("speaker"), dates))
        except (ValueError, KeyError, TypeError) as e:
            raise PressconError(f"{path}: line {n} is not a question record ({e})") from None
    if not out:
        raise PressconError(f"{path}: no questions")
    return out


def answerable(questions: Sequence[Question]) -> bool:
    """False for a file of questions no conference answers (no gold at all)."""
    return any(q.gold for q in questions)


def with_typos(questions: Sequence[Question], seed: int = 0) -> list[Question]:
    """Each question with two neighbouring letters swapped inside its two
    longest words (hurried typing), the same swaps for the same seed."""
    out = []
    for q in questions:
        rng = random.Random(f"{seed}:{q.id}")
        spans = sorted((m for m in re.finditer(r"[^\W\d_]{4,}", q.question)),
                       key=lambda m: (-len(m.group(0)), m.start()))[:2]
        text = q.question
        for m in sorted(spans, key=lambda m: -m.start()):
            w = m.group(0)
            i = rng.randrange(1, len(w) - 2)   # inner letters: the first stays, as typists keep it
            w = w[:i] + w[i + 1] + w[i] + w[i + 2:]
            text = text[:m.start()] + w + text[m.end():]
        out.append(replace(q, question=text))
    return out


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"“A-Z])")


def quote_questions(store, n: int = 200, seed: int = 0, quoted: bool = False,
                    min_words: int = 6, max_words: int = 25,
                    cleaned: bool = False) -> list[Question]:
    """``n`` sentences of ``min_words``..``max_words`` words, one each from
    replies sampled with ``seed``, as a user pastes them (in double quotes
    when ``quoted``). A hit is correct when its text (or a wording it cites)
    holds the sentence: the source reply, its repeats, any reply quoting it.
    ``cleaned``: as a journalist quotes it, a sentence of 12 words or more
    without its first three words (a lead clause) and one word of its
    middle (a stutter)."""
    rows = [p for p in store.all_passages() if p.kind == "answer"]
    rng = random.Random(seed)
    rng.shuffle(rows)
    out = []
    low = max(min_words, 12) if cleaned else min_words
    for p in rows:
        sentences = [s for s in _SENTENCE.split(collapse(p.text))
                     if low <= len(s.split()) <= max_words and '"' not in s]
        if not sentences:
            continue
        s = rng.choice(sentences)
        asked = s
        if cleaned:
            words = s.split()[3:]
            del words[len(words) // 2]
            asked = " ".join(words)
        out.append(Question(f"quote-{p.id}", f'"{asked}"' if quoted else asked, (s,), "quote"))
        if len(out) == n:
            break
    return out


def fold_questions(store, fold: tuple[dt.date, dt.date], n: int = 100, seed: int = 0,
                   min_words: int = 6) -> list[Question]:
    """Up to ``n`` reporters' questions of conferences dated within ``fold``,
    sampled with ``seed``; the reply each got is its answer (its whole text)."""
    rows = [p for p in store.all_passages()
            if p.kind == "answer" and p.question and fold[0] <= p.date <= fold[1]
            and len(p.question.split()) >= min_words]
    rng = random.Random(seed)
    rng.shuffle(rows)
    return [Question(f"fold-{p.id}", p.question, (collapse(p.text),), "reporter")
            for p in rows[:n]]


def first_correct(hits: Sequence[Hit], gold: Iterable[str],
                  dates: Sequence[str] = ()) -> int | None:
    """1-based rank of the first hit containing a gold snippet (on one of
    ``dates``, when given), else None."""
    gold = list(gold)
    for rank, h in enumerate(hits, 1):
        # a grouped hit answers with every wording it cites, not only the newest
        occasions = [(h.text, h.date), *((c.text, c.date) for c in getattr(h, "citations", ()))]
        if any(g in collapse(t) and (not dates or d.isoformat() in dates)
               for t, d in occasions for g in gold):
            return rank
    return None


def speaker_matches(hit: Hit, label: str) -> bool:
    """Did the official a label names ("MR. KIRBY", "DR. FAUCI") give this reply?
    Compared by surname: the last word of the label and of a display name."""
    surname = label.replace(".", " ").split()[-1].casefold()
    names = [hit.spokesperson, *getattr(hit, "speakers", ())]
    return any(n and n.split()[-1].casefold() == surname for n in names)


@dataclass
class Result:
    ranking: str
    ranks: list[int | None]
    questions: list[Question]
    hits: list[list[Hit]]
    latencies_ms: list[float]
    close: list[bool] = field(default_factory=list)   # Answer.close_match of each

    @property
    def no_close_share(self) -> float:
        """Share of questions answered "No close match" (close_match False)."""
        return sum(not c for c in self.close) / len(self.close) if self.close else 0.0

    def recall(self, k: int) -> float:
        return sum(1 for r in self.ranks if r is not None and r <= k) / len(self.ranks)

    @property
    def mrr10(self) -> float:
        return sum(1.0 / r for r in self.ranks if r is not None and r <= 10) / len(self.ranks)

    @property
    def speaker_share(self) -> float | None:
        """Share of the correct hits ranked in the top 10 that the question's
        official gave (None when the questions name no official)."""
        pairs = [(q, hits[r - 1]) for q, r, hits in zip(self.questions, self.ranks, self.hits)
                 if q.speaker and r is not None and r <= 10]
        if not any(q.speaker for q in self.questions):
            return None
        return sum(speaker_matches(h, q.speaker) for q, h in pairs) / len(pairs) if pairs else 0.0

    def row(self) -> dict[str, float]:
        lat = sorted(self.latencies_ms)
        speaker = self.speaker_share
        timing = {"median_ms": round(statistics.median(lat), 1),
                  "p95_ms": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 1)}
        if not answerable(self.questions):
            return {"no_close": round(self.no_close_share, 3), **timing}
        return {**{f"R@{k}": round(self.recall(k), 3) for k in KS},
                "MRR@10": round(self.mrr10, 3),
                **({"speaker": round(speaker, 3)} if speaker is not None else {}),
                "no_close": round(self.no_close_share, 3), **timing}


def evaluate(retriever: Retriever, questions: Sequence[Question], ranking: str = "hybrid",
             k: int = 10, use_filters: bool = True, understand: bool = True) -> Result:
    """Search each question; ``use_filters`` applies the filters its record
    names (what a user would set in the chat), ``understand`` lets search
    infer filters from the question's own words."""
    ranks, hits_all, lat, close = [], [], [], []
    for q in questions:
        t0 = time.perf_counter()
        answer: Answer = retriever.ask(q.question, k=k, ranking=ranking, understand=understand,
                                       **(q.filters if use_filters else {}))
        lat.append((time.perf_counter() - t0) * 1000)
        ranks.append(first_correct(answer.hits, q.gold, q.dates))
        hits_all.append(answer.hits)
        close.append(answer.close_match)
    return Result(ranking, ranks, list(questions), hits_all, lat, close)


def format_table(results: Sequence[Result]) -> str:
    cols = ["ranking", *results[0].row()] if results else ["ranking"]
    rows = [[r.ranking, *map(str, r.row().values())] for r in results]
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(cols)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    return "\n".join([line(cols), line(["-" * w for w in widths]), *map(line, rows)])


def _tagged(kind: str, where: str) -> str:
    """"dev_hard, rank 3", or "rank 3" for a question of no kind."""
    return f"{kind}, {where}" if kind else where


def _who(hit) -> str:
    """Who answered a hit and, where the transcripts name one, who asked
    ("Zhao Lijian to AFP", "John Kirby")."""
    who = hit.spokesperson or "-"
    return f"{who} to {hit.questioner}" if hit.questioner else who


def format_misses(result: Result, limit: int = 3) -> str:
    out = []
    unanswerable = not answerable(result.questions)
    for q, rank, hits, close in zip(result.questions, result.ranks, result.hits,
                                    result.close or [True] * len(result.ranks)):
        if unanswerable:
            if not close:
                continue
            out.append(f"- {q.id} ({_tagged(q.kind, 'not flagged')}): {q.question}")
            for i, h in enumerate(hits[:limit], 1):
                out.append(f"    {i}. {h.date} {h.score:.3f}: {collapse(h.text)[:100]}")
            continue
        if rank == 1:
            continue
        where = f"rank {rank}" if rank else "not in top 10"
        out.append(f"- {q.id} ({_tagged(q.kind, where)}): {q.question}")
        out.append(f"    gold: {q.gold[0][:100]}")
        for i, h in enumerate(hits[:limit], 1):
            out.append(f"    {i}. {h.date} {_who(h)}: {collapse(h.text)[:100]}")
    return "\n".join(out)
