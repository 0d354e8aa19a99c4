"""The commands that look at answers over time: repeated replies and their
wordings, a topic by month, earliest against latest, who asked."""
from __future__ import annotations

import functools
import json
from pathlib import Path

import click

from .common import (date_options, echo_understanding, fail, index_option, no_passage_line,
                     open_index, question_text)


#: The search filters of the commands that run a search underneath.
_FILTERS = ("questioner", "spokesperson", "publisher", "date_from", "date_to", "literal")


def _filter_options(f):
    """The search filters as options, reaching the command as one ``search``
    dict of :meth:`Retriever.search` keywords (dates as `presscon search`
    takes them: 2020-05-14 or a period such as 'May 2020')."""
    @functools.wraps(f)
    def command(*args, **kwargs):
        search = {k: kwargs.pop(k) for k in _FILTERS}
        search["understand"] = not search.pop("literal")
        search["date_from"], search["date_to"] = date_options(search["date_from"],
                                                              search["date_to"])
        return f(*args, search=search, **kwargs)
    for opt in reversed([
        click.option("--questioner", help="Only replies to this outlet."),
        click.option("--spokesperson", help="Only replies by this spokesperson."),
        click.option("--publisher", help="Only conferences of this publisher "
                                         "(see `presscon info`)."),
        click.option("--from", "date_from", metavar="DATE",
                     help="Earliest conference date (2020-05-14, or 'May 2020')."),
        click.option("--to", "date_to", metavar="DATE",
                     help="Latest conference date (2020-05-14, or 'May 2020': to its end)."),
        click.option("--literal", is_flag=True,
                     help="Do not turn a period, outlet or spokesperson named in the "
                          "question into filters."),
    ]):
        command = opt(command)
    return command


def _warn_if_not_close(r, question: str, limit: int, search: dict) -> None:
    """The search's notes on stderr: "No close match" (the counts below are
    then of the nearest replies only, a question the transcripts may not
    answer) and a spokesperson asked for whom the index lacks."""
    from ..rank.closeness import answer_notice
    answer = r.ask(question, k=limit, **search)
    if answer.no_such_speaker:   # "What did Secretary Blinken say": counted over everyone's
        click.echo(f"Note: {answer.no_such_speaker}; the replies counted are from any "
                   "spokesperson.", err=True)
    line = answer_notice(answer, r.store)
    if line and answer.hits:
        click.echo(line + " The counts are of those.", err=True)
    echo_understanding(answer)


def _relative_option(f):
    """The matching cut shared by the analysis commands (timeline, changes, questioners)."""
    return click.option("--relative", default=0.8, show_default=True,
                        type=click.FloatRange(0, 1),
                        help="Only results scoring at least this share of the best one count "
                             "as matching (0: all of --limit).")(f)


@click.command()
@click.argument("question")
@index_option
@_filter_options
@click.option("--limit", default=30, show_default=True, type=click.IntRange(1, 100),
              help="How many results (groups of repeated replies) count as matching.")
@_relative_option
@click.option("--json", "as_json", is_flag=True, help="Print the months as JSON.")
def timeline(question, index_dir, limit, relative, as_json, search):
    """Replies matching QUESTION per month: how often the position was stated.

    Every date a repeated reply was given counts; months without one are shown
    as zero between the first and the last.
    """
    r = open_index(index_dir, publisher=search["publisher"],
                   spokesperson=search["spokesperson"], questioner=search["questioner"])
    months = r.timeline(question, limit=limit, relative=relative, **search)
    _warn_if_not_close(r, question, limit, search)
    if as_json:
        click.echo(json.dumps([m.to_dict() for m in months], indent=2))
        return
    if not months:
        click.echo(no_passage_line(r, **search))
        return
    top = max(m.replies for m in months)
    # the months count the best-matching replies only: say how many were looked at
    click.secho(f"Replies per month among the {limit} best matches scoring at least "
                f"{relative:.0%} of the best one (a repeated reply counts on every date it was "
                f"given); --limit (up to 100) and --relative change that.", dim=True, err=True)
    for m in months:
        bar = "#" * max(1 if m.replies else 0, round(40 * m.replies / top))
        click.echo(f"{m.month}  {m.replies:>3}  {bar}")


@click.command()
@click.argument("question")
@index_option
@_filter_options
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100),
              help="How many results count as matching.")
@_relative_option
@click.option("-n", "n", default=1, show_default=True, type=click.IntRange(1, 20),
              help="How many earliest and latest replies to show.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def changes(question, index_dir, limit, relative, n, as_json, search):
    """How has the answer to QUESTION changed: the earliest and the latest
    matching replies, verbatim, with their dates."""
    r = open_index(index_dir, publisher=search["publisher"],
                   spokesperson=search["spokesperson"], questioner=search["questioner"])
    change = r.answer_change(question, limit=limit, relative=relative, n=n, **search)
    _warn_if_not_close(r, question, limit, search)
    if as_json:
        click.echo(json.dumps(change.to_dict(), indent=2, ensure_ascii=False))
        return
    if not change.earliest:
        click.echo(no_passage_line(r, **search))
        return
    click.secho(f"The earliest and the latest of the {change.compared} best-matching "
                f"{'reply' if change.compared == 1 else 'replies'} (at most --limit {limit}, "
                f"each scoring at least {relative:.0%} of the best).", dim=True, err=True)
    if change.same_reply:
        click.secho("The earliest and the latest are the same reply, repeated.", dim=True)
    for title, side in (("EARLIEST", change.earliest), ("LATEST", change.latest)):
        for c in side:
            click.secho(f"{title}  {c.citation}", bold=True)
            if c.question:
                click.secho(question_text(c.question), dim=True)
            click.echo(f"\n{c.text}\n-- {c.url or Path(c.source).name}\n")


@click.command()
@click.argument("question", required=False)
@index_option
@_filter_options
@click.option("--limit", default=30, show_default=True, type=click.IntRange(1, 100),
              help="With QUESTION: how many results count as matching.")
@_relative_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def questioners(question, index_dir, limit, relative, as_json, search):
    """Outlets by how often they asked: about QUESTION's topic, or (without
    QUESTION) over the whole index, most first."""
    r = open_index(index_dir, publisher=search["publisher"],
                   spokesperson=search["spokesperson"], questioner=search["questioner"])
    if question:
        pairs = r.topic_questioners(question, limit=limit, relative=relative, **search)
        _warn_if_not_close(r, question, limit, search)
    else:
        pairs = r.questioners(search["publisher"])
        if not pairs:   # an empty answer would read as a failure to look
            of = f" of {search['publisher']!r}" if search["publisher"] else ""
            click.echo(f"No outlet is named in {r.index_dir}{of}: its transcripts name none "
                       "(a bare \"Q\" asks, as in White House briefings).", err=True)
    if as_json:
        click.echo(json.dumps([{"questioner": q, "count": c} for q, c in pairs], indent=2))
        return
    for q, c in pairs:
        click.echo(f"{c:>5}  {q or '(not named)'}")


@click.command()
@index_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1),
              help="How many groups to list.")
@click.option("--min-size", default=2, show_default=True, type=click.IntRange(2),
              help="Only groups of at least this many replies.")
@click.option("--min-words", default=5, show_default=True, type=click.IntRange(1),
              help="Only replies of at least this many words (leaves out 'Sure.', "
                   "'Mm-hmm.', 'Go ahead.'; 1 lists them too).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def repeats(index_dir, limit, min_size, min_words, as_json):
    """The replies given most often (near-identical wordings grouped), largest first."""
    r = open_index(index_dir)
    groups = r.repeats(min_size=min_size, limit=limit, min_words=min_words)
    if as_json:
        click.echo(json.dumps(groups, indent=2, ensure_ascii=False))
        return
    if not groups:
        click.echo(f"No reply of {min_words} word(s) or more was given {min_size} times or more.")
        return
    for g in groups:
        words = " ".join(g["text"].split())
        click.echo(f"{g['size']:>4}x  {g['first_date']} .. {g['last_date']}  "
                   f"[{g['passage_id']}]  {words[:90]}{'...' if len(words) > 90 else ''}")


@click.command()
@click.argument("passage_id", type=int)
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print every version as JSON.")
def versions(passage_id, index_dir, as_json):
    """Every date a reply was given, with the words that differ from its most
    recent wording ([-removed-] {+added+})."""
    from ..present.diff import format_diff
    if not 0 <= passage_id < 2**63:   # ids are SQLite's 64-bit integers
        fail(f"no passage {passage_id} in the index (passage ids are whole numbers from 0 "
              f"to {2**63 - 1}; `presscon search --json` shows them)")
    r = open_index(index_dir)
    cites = r.versions(passage_id)
    if not cites:
        fail(f"no passage {passage_id} in the index")
    if as_json:
        click.echo(json.dumps([c.to_dict() for c in cites], indent=2, ensure_ascii=False))
        return
    newest = max(cites, key=lambda c: c.date)
    click.secho(f"Most recent wording ({newest.citation}):", bold=True)
    click.echo(f"\n{newest.text}\n")
    for c in cites:
        same = c.text == newest.text
        click.secho(f"{c.date}  {c.citation}", bold=not same)
        if not same:
            click.echo("  " + format_diff(newest.text, c.text))


@click.command()
@index_option
@click.option("--rebuild", is_flag=True,
              help="Forget all groups and group every passage again.")
def regroup(index_dir, rebuild):
    """Group repeated replies still waiting (an index from an older presscon);
    ingest keeps groups up to date by itself."""
    r = open_index(index_dir)
    stats = r.rebuild_groups() if rebuild else r.update_groups()
    if rebuild:
        stats.pop("regrouped", None)
    click.echo(", ".join(f"{v} {k}" for k, v in stats.items()))


#: Registered on the `presscon` group by rag/cli/__init__.py.
COMMANDS = (timeline, changes, questioners, repeats, versions, regroup)
