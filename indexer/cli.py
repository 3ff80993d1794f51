"""The `ftz` command: check records, build the index, search it (the web app adds `serve`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import FtzError, ValidationFailed
from .paths import default_measures_dir, default_index_dir

PROGRESS_FROM = 200  # items; smaller builds finish before a bar is worth drawing


def measures_option(f):
    return click.option("--measures", "measures_dir", type=click.Path(path_type=Path),
                        default=default_measures_dir, show_default="measures/ or $FTZ_MEASURES_DIR",
                        help="Directory of measure records, zones.yaml, pillars.yaml, sources/.")(f)


def index_option(f):
    return click.option("--index", "index_dir", type=click.Path(path_type=Path),
                        default=default_index_dir, show_default="var/index or $FTZ_INDEX_DIR",
                        help="Directory the index is published in.")(f)


def fail(error: FtzError):
    """Report a domain error as one clean message (problems listed), with its exit code."""
    if isinstance(error, ValidationFailed):
        for problem in error.problems:
            click.echo(str(problem), err=True)
    click.echo(f"Error: {error}", err=True)
    sys.exit(error.exit_code)


def _progress(items, length, label):
    if length < PROGRESS_FROM:
        return items
    return _Bar(items, length, label)


class _Bar:
    def __init__(self, items, length, label):
        self.items, self.length, self.label = items, length, label

    def __iter__(self):
        with click.progressbar(self.items, length=self.length, label=self.label,
                               file=sys.stderr) as bar:
            yield from bar


@click.group()
@click.version_option(__version__, prog_name="ftz")
def cli():
    """Knowledge base of China's pilot free trade zone reform measures.

    Example: ftz check && ftz index && ftz search "bonded oil tank"
    """


@cli.command()
@measures_option
def check(measures_dir: Path):
    """Validate every record, source and taxonomy file; list every problem.

    Each problem is printed as path:line: field: message. Exit 0 when clean, 1 otherwise.
    Example: ftz check --measures measures/
    """
    from .catalog import load_catalog

    catalog = load_catalog(measures_dir)
    if catalog.problems:
        fail(ValidationFailed(catalog.problems))
    click.echo(f"ok: {len(catalog.measures)} measures, {len(catalog.taxonomy.zones)} zones, "
               f"{len(catalog.taxonomy.pillars)} pillars, {len(catalog.taxonomy.sources)} sources")


@cli.command()
@click.option("--rebuild", is_flag=True,
              help="Start from a fresh index (a changed schema or dictionary does this by itself).")
@measures_option
@index_option
def index(rebuild: bool, measures_dir: Path, index_dir: Path):
    """Validate, then index the records (only what changed, unless --rebuild).

    A build that finds any invalid record publishes nothing and exits 1.
    Example: ftz index --rebuild
    """
    from .build import build_index

    try:
        report = build_index(measures_dir, index_dir, rebuild=rebuild, progress=_progress)
    except FtzError as error:
        fail(error)
    click.echo(report.summary())


@cli.command()
@click.argument("query", default="")
@click.option("--zone", "zones", multiple=True,
              help="Only measures of this zone: id or name, e.g. zhejiang or 浙江 (repeat: any of them).")
@click.option("--pillar", "pillars", multiple=True, help="Only measures of this pillar (id or name).")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True, help="Results to show.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the result as JSON (snippets are HTML: escaped text, <mark> around matches).")
@index_option
def search(query: str, zones, pillars, limit: int, as_json: bool, index_dir: Path):
    """Search the index. Several words must all match; "quoted phrases", AND/OR/NOT,
    prefix*, zone:, pillar: and tag: work too. An empty query lists newest first.

    Example: ftz search "bonded oil tank" --zone zhejiang --json
    """
    from .search import KnowledgeBase

    try:
        result = KnowledgeBase(index_dir).search(query, zones, pillars, page=1, per_page=limit)
    except FtzError as error:
        fail(error)
    if as_json:
        data = result.to_dict()
        keys = ("id", "title", "title_zh", "zones", "pillar", "date", "snippet")
        out = {"query": query, "total": result.total,
               "results": [{k: hit[k] for k in keys} for hit in data["results"]],
               "facets": result.facets, "suggestion": result.suggestion}
        if result.notes:
            out["notes"] = result.notes
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    if result.suggestion and not result.corrected_from:
        click.echo(f"Did you mean: {result.suggestion}", err=True)
    shown = len(result.hits)
    more = f"; showing {shown} (use --limit for more)" if shown < result.total else ""
    click.echo(f"{result.total} measure(s){more}")
    for hit in result.hits:
        click.echo(f"- {hit.id} [{', '.join(hit.zones) or '-'}; {hit.pillar}; {hit.date}]")
        click.echo(f"  {hit.title} / {hit.title_zh}")
