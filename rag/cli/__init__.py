"""The `presscon` command. Heavy modules (torch, faiss, gradio) load inside
commands, so `presscon --help` answers at once."""
from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import click

from ..errors import PressconError, StoreError
from ..parse import ParseError
from .common import (DATABASE_META, date_options, echo_understanding, fail, index_option,
                     model_option, no_passage_line, open_index, question_text, repeat_line)



class _Group(click.Group):
    """Prints presscon's own errors as one line, not a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (PressconError, ParseError) as e:
            fail(str(e))
        except sqlite3.DatabaseError as e:
            # a damaged page met by a command reading the store directly
            # (counts, date range): the same message the API gives
            from ..store.database import translate_error
            db = ctx.meta.get(DATABASE_META)
            translated = translate_error(db, e) if db is not None else None
            if translated is None:
                raise
            fail(str(translated))
        except ValueError as e:
            # imported only now: at the top it would load numpy for `presscon --help`
            from embeddings.registry import UnknownModelError
            if not isinstance(e, UnknownModelError):
                raise
            fail(str(e))
        except RuntimeError as e:
            from embeddings.mpnet_parts import MissingModelError
            if not isinstance(e, MissingModelError):
                raise
            fail(str(e))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="presscon")
def main() -> None:
    """presscon: ask a question, get the spokesperson's own replies, verbatim and cited.

    \b
    Typical use:
      presscon ingest data/                 # index transcripts (.txt, .md, .html)
      presscon search "What did China say about the Winter Olympics boycott?"
      presscon serve                        # web chat on http://127.0.0.1:7860
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@index_option
@model_option
@click.option("--prune", is_flag=True,
              help="Also remove stored conferences whose files are gone from the given folders.")
@click.option("--json", "as_json", is_flag=True, help="Print the per-file report as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; print only failures and the summary.")
@click.option("--watch", is_flag=True,
              help="Keep running: ingest again whenever files appear or change under PATHS "
                   "(for a folder a scraper fills). Stop with Ctrl-C.")
@click.option("--interval", default=2.0, show_default=True, type=click.FloatRange(0.1),
              help="With --watch: seconds to let a burst of file events settle. A file "
                   "still open for writing waits until it is closed (or renamed into place).")
def ingest(paths, index_dir, model, prune, as_json, quiet, watch, interval):
    """Add transcripts (files or folders of .txt, .md, .html) to the index.

    Unchanged files are skipped, changed files replace their passages, and only
    chunk texts never encoded before are sent to the model. A file that cannot
    be parsed is reported with the reason; the other files still go in, and the
    exit code is 1. Other files found in a folder (notes.docx, a broken link)
    are listed as skipped, and a file that changed while it was read as
    deferred; neither changes the exit code.
    """
    r = open_index(index_dir, model, create=True)
    if not watch:
        before = r.store.counts().get("conferences", 0)
        try:
            ok = _ingest_once(r, paths, prune, as_json, quiet).ok
        except KeyboardInterrupt:
            # each file is stored in its own transaction: those done are kept whole
            now = r.store.counts().get("conferences", 0)
            click.echo(f"\nInterrupted: {now - before:+,} conferences stored by this run "
                       f"({now:,} in the index), every one complete; run the same command "
                       "again to go on (done files are skipped).", err=True)
            sys.exit(130)
        sys.exit(0 if ok else 1)
    from ..ingest.watch import watch_paths
    rounds = []

    def round_(defer):
        # the first round reports as asked; later ones only failures and the summary
        rounds.append(1)
        return _ingest_once(r, paths, prune, as_json, quiet or len(rounds) > 1, defer)

    click.echo(f"watching {', '.join(map(str, paths))} (Ctrl-C to stop)", err=True)
    watch_paths(list(paths), round_, settle=interval, initial=True,
                on_error=lambda e: click.echo(f"Error: this round failed ({e}); still "
                                              "watching", err=True))


def _ingest_once(r, paths, prune, as_json, quiet, defer=None):
    """One ingest, its report printed; the report. An ingest stopped by the
    database's trouble (a full disk, a file size limit) prints what it did up
    to there, then the error, which the caller reports."""
    try:
        report = r.ingest(list(paths), prune=prune, progress=not (quiet or as_json),
                          defer=defer)
    except StoreError as e:
        if e.report is not None:
            _print_report(e.report, as_json, quiet)
        raise
    _print_report(report, as_json, quiet)
    return report


def _print_report(report, as_json, quiet):
    if as_json:
        click.echo(json.dumps({"files": [f.__dict__ for f in report.files],
                               "counts": report.counts, "encoded": report.encoded,
                               "seconds": round(report.seconds, 3),
                               **({"stopped": report.stopped} if report.stopped else {})},
                              indent=2))
    else:
        for f in report.files:
            for warning in f.warnings:
                click.echo(f"warning    {f.path}: {warning}", err=True)
            if f.status == "failed":
                click.echo(f"failed     {f.path}: {f.reason}", err=True)
            elif not quiet and f.status != "unchanged":
                extra = f" ({f.passages} passages, {f.encoded} chunks encoded)" if f.passages else ""
                extra += f" [{f.profile}]" if f.profile else ""
                extra += f" (read as {f.encoding})" if f.encoding not in ("", "utf-8") else ""
                note = f" ({f.reason})" if f.reason else ""
                click.echo(f"{f.status:<10} {f.path}{extra}{note}")
        click.echo(report.summary())


@main.command()
@index_option
@model_option
def reindex(index_dir, model):
    """Re-chunk every passage and encode what the model lacks; with --model,
    encode every passage with that model and switch the index to it.

    A chunk text is encoded once per model: with the index's own model only
    chunks without a vector are encoded (after a chunking change, or to fill
    gaps), which is quick. New vectors are stored beside the old ones and the
    switch is one transaction: a chat reading the index sees the old model or
    the new one, never a mix. Interrupted, it resumes where it stopped when
    run again.
    """
    from ..retriever import Retriever
    r = Retriever.reindex(index_dir, model=model, progress=True)
    info = r.info()
    click.echo(f"reindexed {info['passages']} passages ({info['chunks']} chunks) "
               f"with {info['model_id']}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@index_option
def remove(paths, index_dir):
    """Remove conferences (by the path they were ingested from) from the index."""
    r = open_index(index_dir)
    try:
        report = r.remove(list(paths))
    except StoreError as e:
        _print_removed(e.report.files if e.report is not None else [])
        raise
    _print_removed(report.files)
    sys.exit(0 if report.ok else 1)


def _print_removed(files):
    for f in files:
        if f.status == "failed":
            click.echo(f"failed     {f.path}: {f.reason}", err=True)
        else:
            click.echo(f"{f.status:<10} {f.path} ({f.passages} passages)")


@main.command()
@click.argument("question")
@index_option
@click.option("--k", "-k", default=5, show_default=True, type=click.IntRange(1, 100),
              help="How many replies to return.")
@click.option("--questioner", help="Only replies to this outlet (e.g. Bloomberg, AFP).")
@click.option("--spokesperson", help="Only replies by this spokesperson (e.g. 'Hua Chunying').")
@click.option("--publisher", help="Only conferences of this publisher (e.g. 'The White House'; "
                                  "`presscon info` lists them).")
@click.option("--from", "date_from", metavar="DATE",
              help="Earliest conference date: 2020-05-14, or a period such as 'May 2020' "
                   "(from its start).")
@click.option("--to", "date_to", metavar="DATE",
              help="Latest conference date: 2020-05-14, or a period such as 'May 2020' "
                   "(to its end).")
@click.option("--ranking", type=click.Choice(["hybrid", "dense", "lexical", "rrf"]),
              default="hybrid", show_default=True, help="Ranking method.")
@click.option("--literal", is_flag=True,
              help="Do not turn a period, outlet or spokesperson named in the question "
                   "into filters.")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON list of hits (text, date, questioner, spokesperson, "
                   "question, score, citation, passage_id, citations, ..., and "
                   "best_paragraph: the 0-based paragraph of text sharing the most words "
                   "with the question).")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default=None,
              help="Export the results' citations instead: one row per date a reply was "
                   "given (date, questioner, spokesperson, question, reply, source), as "
                   "plain text, CSV or JSON.")
def search(question, index_dir, k, questioner, spokesperson, publisher, date_from, date_to,
           ranking, literal, as_json, fmt):
    """Find the replies that answer QUESTION, verbatim, with citations.

    A period ("in May 2020", "late 2019"), an outlet ("tell Reuters") or a
    spokesperson named in QUESTION becomes a filter, unless you set that filter
    yourself or pass --literal; what was applied is printed to stderr.
    """
    if as_json and fmt:
        fail("--json and --format are two ways to print: give one")
    date_from, date_to = date_options(date_from, date_to)
    r = open_index(index_dir, publisher=publisher, spokesperson=spokesperson,
                   questioner=questioner)
    answer = r.ask(question, k=k, questioner=questioner, spokesperson=spokesperson,
                   date_from=date_from, date_to=date_to, publisher=publisher, ranking=ranking,
                   understand=not literal)
    hits = answer.hits
    from ..rank.closeness import answer_notice
    if answer.no_such_speaker:
        click.echo(f"Note: {answer.no_such_speaker}; the replies are from any spokesperson "
                   "(`presscon names` lists the names and offices it has).", err=True)
    line = answer_notice(answer, r.store)
    if line and hits:
        click.echo(line, err=True)
    echo_understanding(answer)
    from ..present.chat import COLLAPSE_CHARS, best_paragraph, paragraphs
    searched = answer.searched_for or question

    def best(paras: list[str]) -> int:   # the paragraph the chat shows first (a display aid)
        return best_paragraph(paras, searched)

    if as_json:
        click.echo(json.dumps([{**h.to_dict(), "best_paragraph": best(paragraphs(h.text))}
                               for h in hits],
                              indent=2, ensure_ascii=False))
        return
    if fmt:
        from ..present.export import export_hits
        click.echo(export_hits(hits, fmt), nl=False)
        return
    if not hits:
        click.echo(no_passage_line(r, questioner=questioner, spokesperson=spokesperson,
                                   publisher=publisher, date_from=date_from, date_to=date_to))
        return
    for i, h in enumerate(hits, 1):
        click.secho(f"[{i}] {h.citation}  (score {h.score:.3f})", bold=True)
        if h.question:
            click.secho(question_text(h.question), dim=True)
        paras = paragraphs(h.text)
        if len(paras) > 2 and len(h.text) > COLLAPSE_CHARS:   # where to look in a long one
            click.secho(f"Best-matching paragraph: {best(paras) + 1} of {len(paras)}", dim=True)
        click.echo()
        click.echo(h.text)
        click.echo(f"-- {h.url or Path(h.source).name}")
        if h.count > 1:
            click.secho(repeat_line(h), dim=True)
        click.echo()


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def info(index_dir, as_json):
    """Counts, model, size on disk and date range of an index."""
    r = open_index(index_dir)
    data = r.info()
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    width = max(map(len, data))
    for key, value in data.items():
        if key == "size_bytes":
            value = f"{value / 1e6:.1f} MB"
        elif isinstance(value, dict):      # publishers: "The White House 8,893; ..."
            value = "; ".join(f"{k} {v:,}" for k, v in value.items()) or "-"
        elif isinstance(value, list):      # left_in_place: "lexical.3/notes.txt, ..."
            value = ", ".join(value) or "-"
        click.echo(f"{key:<{width}}  {value}")


@main.command()
@index_option
@click.option("--publisher", default=None,
              help="Only this publisher's spokespersons and outlets.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def names(index_dir, publisher, as_json):
    """The spokespersons and the outlets (questioners) of an index, with their
    passage counts: the names --spokesperson and --questioner take. A
    spokesperson's office is the one their briefings' title lines give most
    often: a question may name them by it ("the Energy Secretary")."""
    r = open_index(index_dir, publisher=publisher)
    data = {"publishers": dict(r.publishers()),
            "spokespersons": dict(r.spokespersons(publisher)),
            "questioners": dict(r.questioners(publisher))}
    offices = r.offices()
    if as_json:
        data["offices"] = {name: offices[name] for name in data["spokespersons"] if name in offices}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for title, counts in data.items():
        click.secho(f"{title} ({len(counts)})", bold=True)
        for name, n in counts.items():
            held = offices.get(name) if title == "spokespersons" else None
            click.echo(f"  {n:>7,}  {name}" + (f"  ({held[0]})" if held else ""))
        if not counts:
            click.echo("  (none: the transcripts do not name them)")


@main.command("eval")
@click.argument("questions", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@index_option
@click.option("--corpus", type=click.Path(exists=True, path_type=Path), multiple=True,
              help="Ingest this file or folder first (repeatable; incremental: only new or "
                   "changed files cost time).")
@click.option("--ranking", type=click.Choice(["hybrid", "dense", "lexical", "rrf"]),
              default="hybrid", show_default=True)
@click.option("--compare", is_flag=True,
              help="Run lexical-only, dense-only and the default ranking side by side.")
@click.option("--misses/--no-misses", default=True, show_default=True,
              help="List the questions whose gold reply is not ranked first, with what came back.")
@click.option("--no-filters", is_flag=True,
              help="Ignore the filters stored with each question: search the question as typed.")
@click.option("--literal", is_flag=True,
              help="Do not infer filters from the question's words (query understanding off).")
@click.option("--typos", is_flag=True,
              help="Swap two neighbouring letters in the two longest words of each question "
                   "(hurried typing; the same swaps for the same --seed).")
@click.option("--quotes", type=click.IntRange(1), default=None, metavar="N",
              help="Also ask N sentences (6-25 words) of the index's own replies, as typed, "
                   "in double quotes, and cleaned up as a journalist quotes them (12-25 "
                   "words, the first three and one middle word left out); a hit counts "
                   "when it holds the sentence.")
@click.option("--folds", type=click.IntRange(2), default=None, metavar="N",
              help="Also ask the reporters' questions of N date folds of the index (their "
                   "replies are the answers), one table row per fold.")
@click.option("--per-fold", type=click.IntRange(1), default=60, show_default=True,
              help="With --folds: questions sampled from each fold.")
@click.option("--folds-from", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="With --folds: read the questions and replies from this index instead "
                   "(e.g. the original transcripts, when --index holds them with the "
                   "reporters' questions left out, so that no question is indexed text).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of --typos, --quotes and --folds sampling.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
def eval_(questions, index_dir, corpus, ranking, compare, misses, no_filters, literal, typos,
          quotes, folds, per_fold, folds_from, seed, as_json):
    """Recall@1/5/10 and MRR@10 on QUESTIONS (JSON lines with verbatim gold snippets).

    A returned reply counts as correct when its text contains a gold snippet
    (whitespace collapsed) and, in a file of questions with a "speaker" or
    "also_dates" field, is dated "date" or one of "also_dates". Filters in a question's "filters"
    field are applied. The speaker column (questions with a "speaker" field,
    the label as printed: "MR. KIRBY") is the share of correct hits given by
    that official. The no_close column is the share answered "No close
    match": false alarms on answerable questions; on a file of records
    without gold (questions no conference answers) it is the share flagged,
    the only figure shown.
    """
    from ..crossval import date_ranges
    from ..evaluate import (evaluate, fold_questions, format_misses, format_table,
                            load_questions, quote_questions, with_typos)
    if questions is None and not (quotes or folds):
        fail("give a QUESTIONS file, --quotes N or --folds N")
    r = open_index(index_dir, create=bool(corpus))
    if corpus:
        report = r.ingest(list(corpus), progress=not as_json)
        if not as_json and report.encoded:
            click.echo(report.summary(), err=True)
    sets = []
    if questions is not None:
        sets.append((questions.name, load_questions(questions)))
    if quotes:
        sets.append((f"quotes as typed (seed {seed})", quote_questions(r.store, quotes, seed)))
        sets.append((f"quotes in quotes (seed {seed})",
                     quote_questions(r.store, quotes, seed, quoted=True)))
        sets.append((f"quotes cleaned up (seed {seed})",
                     quote_questions(r.store, quotes, seed, cleaned=True)))
    if folds:
        source = open_index(folds_from).store if folds_from else r.store
        try:
            ranges = date_ranges({p.date for p in r.store.all_passages()}, folds)
        except ValueError as e:
            fail(f"--folds {folds}: {e}")
        for i, fold in enumerate(ranges, 1):
            sets.append((f"fold {i} ({fold[0]}..{fold[1]})",
                         fold_questions(source, fold, per_fold, seed)))
    if typos:
        sets = [(f"{name}, typos", with_typos(qs, seed)) for name, qs in sets]
    rankings = ["lexical", "dense", "hybrid"] if compare else [ranking]
    out = {}
    for n, (name, qs) in enumerate(sets):
        results = [evaluate(r, qs, ranking=rk, use_filters=not no_filters,
                            understand=not literal) for rk in rankings]
        out[name] = {res.ranking: res.row() for res in results}
        if as_json:
            continue
        head = f"{name}: {len(qs)} questions"
        if n == 0:
            head += f", {r.info()['passages']} passages, model {r.encoder.model_id}"
        click.echo(("\n" if n else "") + head + "\n")
        click.echo(format_table(results))
        if misses:
            text = format_misses(results[-1])
            if text:
                click.echo(f"\nNot ranked first by {results[-1].ranking}:\n{text}")
    if as_json:
        # one file alone keeps the shape it always had: {ranking: metrics}
        only = len(sets) == 1 and questions is not None and not typos
        click.echo(json.dumps(next(iter(out.values())) if only else out, indent=2))


@main.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; the chat is private to this machine unless you change it.")
@click.option("--port", default=7860, show_default=True, type=int)
def serve(index_dir, host, port):
    """Start the web chat (builds the index from the bundled data/ on first run).

    The port answers at once with a "starting" page that turns into the chat
    when it is loaded."""
    from ..serve import serve as serve_chat
    serve_chat(index_dir=index_dir, host=host, port=port)
@main.command("prepare-model")
def prepare_model():
    """Export the default model to ONNX once, so queries load without torch.

    Ingest and `presscon serve` do this by themselves when the export is
    missing; this command does it now (imports torch, ~20 s). The export is
    kept in the user cache folder, named by the weights' SHA-256, and checked
    against its recorded SHA-256 whenever it is loaded.
    """
    from embeddings.minilm_export import ExportError, ensure_export
    try:
        path = ensure_export(log=lambda m: click.echo(m, err=True))
    except ExportError as e:
        fail(str(e))
    click.echo(f"ready: {path}")



from .analysis import COMMANDS  # noqa: E402  (the group above must exist first)
from .adapt import COMMANDS as ADAPT_COMMANDS  # noqa: E402

for _command in (*COMMANDS, *ADAPT_COMMANDS):
    main.add_command(_command)


if __name__ == "__main__":
    main()
