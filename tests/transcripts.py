"""Synthetic transcripts for tests that need many distinct conferences."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import SEED


def make_corpus(folder: Path, n: int, start: dt.date = dt.date(2021, 1, 4)) -> list[Path]:
    """n distinct conferences derived from the seed: other dates, and a word
    per reply that differs per file so no two files share chunk texts."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = SEED.read_text(encoding="utf-8").split("\n")
    paths = []
    for i in range(n):
        day = start + dt.timedelta(days=i)
        out = []
        for line in lines:
            if "Regular Press Conference on" in line:
                line = line.replace("December 24, 2021", f"{day:%B} {day.day}, {day.year}")
            elif line.startswith("Zhao Lijian:"):
                line = f"{line} (Note {i}.)"
            out.append(line)
        p = folder / f"{day.isoformat()}.txt"
        p.write_text("\n".join(out), encoding="utf-8")
        paths.append(p)
    return paths
