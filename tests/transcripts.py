"""Synthetic transcripts shared by the tests: many distinct conferences derived
from the seed (:func:`make_corpus`), and a small corpus of one repeated reply
given on three dates, edited a little each time (:func:`taiwan_corpus`)."""
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


# -- a repeated reply ---------------------------------------------------------------
TAIWAN = ("The Taiwan question is the most important and sensitive issue in China-US "
          "relations. We urge the US side to abide by the one-China principle and the three "
          "joint communiques, stop official contact with Taiwan, and handle Taiwan-related "
          "issues prudently so as not to harm peace and stability across the Taiwan Strait.")
# the same line given later with small edits (and typographic quotes)
TAIWAN_2 = TAIWAN.replace("most important and sensitive", "most important and most sensitive")
TAIWAN_3 = TAIWAN_2.replace("We urge the US side", "We firmly urge the US side") \
    .replace("China-US relations", "China’s relations with the US")
NOT_AWARE = "I'm not aware of that."
FILLER = {
    "trade": "Trade consultations between the two sides continue and the working teams "
             "keep close contact on tariffs and soybeans.",
    "climate": "Climate change is a common challenge for mankind and the Paris Agreement "
               "must be implemented by every party.",
    "olympics": "The Winter Olympic Games will be streamlined, safe and splendid, and athletes "
                "from every country are welcome.",
    "vaccine": "Vaccines should be a global public good, and the developing countries "
               "deserve fair access to them.",
}


def conference(folder: Path, date: dt.date, turns: list[tuple[str | None, str, str]],
               spokesperson: str = "Geng Shuang", name: str | None = None) -> Path:
    """A transcript in the ministry's text format; a turn with no questioner
    is an opening statement."""
    lines = [f"Foreign Ministry Spokesperson {spokesperson}'s Regular Press Conference on "
             f"{date:%B} {date.day}, {date.year}", ""]
    for questioner, question, reply in turns:
        if questioner is not None:
            lines += [f"{questioner}: {question}", ""]
        lines += [f"{spokesperson}: {reply}", ""]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name or date.isoformat()}.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def taiwan_corpus(folder: Path) -> dict[str, Path]:
    """Three dates giving the Taiwan line (edited a little each time) among other replies."""
    return {
        "a": conference(folder, dt.date(2019, 3, 1), [
            ("AFP", "What is your response to the US warship transit?", TAIWAN),
            ("Reuters", "Any update on the trade talks?", FILLER["trade"]),
            ("Kyodo", "Is the minister visiting?", NOT_AWARE)]),
        "b": conference(folder, dt.date(2019, 6, 10), [
            ("Reuters", "The US approved new arms sales to Taiwan. Your comment?", TAIWAN_2),
            ("Bloomberg", "What about the climate summit?", FILLER["climate"]),
            ("AFP", "Has the delegation arrived?", "I’m not aware of that.")]),
        "c": conference(folder, dt.date(2020, 1, 15), [
            ("Bloomberg", "A US congressman visited Taipei. How does China respond?", TAIWAN_3),
            ("CCTV", "How are preparations for the Games going?", FILLER["olympics"])],
            spokesperson="Hua Chunying"),
    }


WHITE_HOUSE_BRIEFING = """\
Press Briefing by Press Secretary Jen Psaki, January 21, 2021

James S. Brady Press Briefing Room

1:17 P.M. EST

MS. PSAKI: Good afternoon. I have one item at the top. The President signed an executive order on vaccine supply today.

Q Good afternoon.

MS. PSAKI: I'm joined today by National Security Council Coordinator for Strategic Communications John Kirby.

MR. KIRBY: Thanks, Jen. The Secretary of Defense approved another package of security assistance for Ukraine today.

Q John, on Ukraine: how many air defense systems are in the package?

MR. KIRBY: Two additional air defense systems and their interceptors are in this package.

Q Jen, on the Winter Olympics in Beijing: will the administration announce a diplomatic boycott?

MS. PSAKI: We have nothing to announce on the Olympics today; we are consulting closely with our allies.

2:13 P.M. EST
"""


def white_house_briefing(folder: Path, name: str = "2021-01-21.md",
                         url: str = "https://www.whitehouse.gov/briefing-room/2021/01/21/") -> Path:
    """A small White House briefing, as scraped Markdown (front matter with the
    page's URL, hard-wrapped lines, a no-break space after Q) or as text."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if name.endswith(".md"):
        title, body = WHITE_HOUSE_BRIEFING.split("\n\n", 1)
        body = body.replace("Q ", "Q\u00a0").replace(". The", ".\nThe")
        path.write_text(f"---\ntitle: \"{title}\"\ndate: '2021-01-21'\nsource_url: {url}\n---\n\n"
                        f"{body}", encoding="utf-8")
    else:
        path.write_text(WHITE_HOUSE_BRIEFING, encoding="utf-8")
    return path
