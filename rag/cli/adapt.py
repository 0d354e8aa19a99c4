"""`presscon crossval` (ranking measured on date folds of the corpus) and
`presscon adapt` (train the query adapter, keep it only if the folds say so)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from .common import fail, index_option, open_index


def _cache_option(f):
    return click.option(
        "--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="Folder for the cached question and reply-only vectors (by text hash and model). "
             "Default: the user cache folder, e.g. ~/.cache/presscon/crossval.")(f)


def _folds_option(f):
    return click.option("--folds", default=5, show_default=True, type=click.IntRange(2, 50),
                        help="Folds of consecutive conference dates.")(f)


def _default_cache() -> Path:
    import platformdirs
    return Path(platformdirs.user_cache_dir("presscon", appauthor=False)) / "crossval"


def _base(encoder):
    """The model's own encoder, without a query adapter."""
    return getattr(encoder, "base", encoder)


@click.command("crossval")
@index_option
@_folds_option
@click.option("--adapter", "with_adapter", is_flag=True,
              help="Also measure a query adapter trained, for each fold, on the other folds' "
                   "pairs only.")
@click.option("--limit", type=click.IntRange(1), default=None,
              help="At most this many test questions a fold (evenly spaced): a quicker run.")
@_cache_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def crossval_cmd(index_dir, folds, with_adapter, limit, cache_dir, as_json):
    """Recall@1/5/10 and MRR@10 on the corpus's own question -> reply pairs.

    The conferences are split into folds by date; each fold's reporter
    questions (those with a reply of some length) search the whole index, in
    which that fold's passages are scored without their question. "as-is"
    asks the reporter's question; "dropped" asks it without the words its
    reply contains (a question in other words). The first run encodes the
    questions and the replies without their question (minutes); they are
    cached.
    """
    from ..crossval import crossval, format_folds
    r = open_index(index_dir)
    encoder = _base(r.encoder)
    cache = cache_dir or _default_cache()
    results = {"model": crossval(r.store, encoder, folds=folds, cache_dir=cache, limit=limit,
                                 progress=not as_json)}
    if with_adapter:
        from ..adapt import fold_trainer
        results["model + adapter"] = crossval(r.store, encoder, folds=folds, cache_dir=cache,
                                              limit=limit, train=fold_trainer())
    if as_json:
        click.echo(json.dumps(_rows(results), indent=2))
        return
    first = next(iter(results.values()))
    click.echo(f"{r.info()['passages']} passages, {first.folds} date folds, "
               f"model {encoder.model_id}\n")
    click.echo(format_folds(results))


def _rows(results) -> dict:
    return {name: {f"{v}/{m}": res.row(v, m) for (v, m) in res.ranks}
            for name, res in results.items()}


@click.command()
@index_option
@_folds_option
@click.option("--check/--no-check", default=True, show_default=True,
              help="Cross-validate first (the adapter trained on the other folds, fold by "
                   "fold) and keep the adapter only if it does not lose on the folds.")
@click.option("--force", is_flag=True, help="Keep the adapter whatever the folds say.")
@click.option("--remove", is_flag=True, help="Delete the index's query adapter and stop.")
@_cache_option
def adapt(index_dir, folds, check, force, remove, cache_dir):
    """Train a query adapter on this index's own question -> reply pairs.

    A linear map applied to the question's vector only (the stored vectors
    stay valid, nothing is re-encoded), saved beside the index as
    query_adapter.npy + .json with the training data's hash and the fold
    figures. Searches then use it (`presscon info` names it). Same index,
    same adapter: the seed is fixed. Needs torch (training only).

    Experimental: on the ministry corpus the folds favour it but the dev
    questions do not (README "Cross-validation"); no index has one unless
    this command is run.
    """
    from embeddings.adapter import ADAPTER_JSON, ADAPTER_NPY
    r = open_index(index_dir)
    if remove:
        gone = [n for n in (ADAPTER_JSON, ADAPTER_NPY) if (r.index_dir / n).exists()]
        for n in gone:
            (r.index_dir / n).unlink()
        click.echo(f"removed the query adapter of {r.index_dir}" if gone
                   else f"{r.index_dir} has no query adapter")
        return
    if r.read_only:
        fail(f"cannot write the query adapter into {r.index_dir}: the index is read-only")
    from ..adapt import AdapterSettings, build_adapter, fold_trainer
    from ..crossval import VectorCache, crossval, format_folds
    encoder = _base(r.encoder)
    cache = cache_dir or _default_cache()
    settings = AdapterSettings()
    record = None
    if check:
        base = crossval(r.store, encoder, folds=folds, cache_dir=cache, progress=True,
                        methods=("dense", "hybrid"))
        adapted = crossval(r.store, encoder, folds=folds, cache_dir=cache,
                           methods=("dense", "hybrid"), train=fold_trainer(settings))
        click.echo(format_folds({"model": base, "model + adapter": adapted},
                                methods=("dense", "hybrid")))
        record = {"folds": base.folds, "model": _rows({"m": base})["m"],
                  "adapter": _rows({"a": adapted})["a"]}
        losses = [f"{v}/{m}" for (v, m) in adapted.ranks
                  if adapted.row(v, m)["MRR@10"] < base.row(v, m)["MRR@10"]]
        if losses and not force:
            fail("the adapter loses MRR@10 on the held-out folds (" + ", ".join(losses) +
                 "): not kept (--force keeps it anyway)")
    adapter = build_adapter(r.store, encoder, r.index_dir, settings=settings,
                            cache=VectorCache(cache, encoder), folds=record, progress=True)
    click.echo(f"wrote {r.index_dir / ADAPTER_NPY} ({adapter.id}, trained on "
               f"{adapter.meta['pairs']} pairs)")


COMMANDS = (crossval_cmd, adapt)
