"""The `ftz` command: check records, build the index, search it (the web app adds `serve`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from indexer import __version__
from indexer.errors import FtzError, ValidationFailed
from indexer.facets import FACETS, FILTERS
from indexer.paths import default_measures_dir, default_index_dir

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
@click.option("--drafts", "drafts_dir", is_flag=False, flag_value="", default=None,
              type=click.Path(), metavar="[DIR]",
              help="Check the drafts instead (in DIR, default drafts/ in the measures folder): "
                   "the records' rules, plus blanks left to fill and possible duplicates.")
def check(measures_dir: Path, drafts_dir: str | None):
    """Validate every record, source and taxonomy file; list every problem.

    Each problem is printed as path:line: field: message. Exit 0 when clean, 1 otherwise.
    Example: ftz check --measures measures/    (or: ftz check --drafts)
    """
    from indexer.checks import check_catalog

    if drafts_dir is not None:
        from indexer.drafting import draftfiles

        folder = draftfiles.drafts_folder(measures_dir, Path(drafts_dir) if drafts_dir else None)
        problems, count = draftfiles.check(measures_dir, folder)
        if problems:
            fail(draftfiles.DraftNotReady(problems))
        if not count:
            click.echo(f"no drafts in {folder}: nothing to check "
                       "(`ftz draft SOURCE_ID` writes them there)")
            return
        click.echo(f"ok: {count} draft(s) in {folder} pass every check; "
                   "`ftz draft --accept ID` moves one into the measures folder")
        return
    catalog = check_catalog(measures_dir)
    if catalog.problems:
        fail(ValidationFailed(catalog.problems))
    click.echo(f"ok: {len(catalog.measures)} measures, {len(catalog.taxonomy.zones)} zones, "
               f"{len(catalog.taxonomy.pillars)} pillars, {len(catalog.taxonomy.sources)} sources")
    if catalog.warnings:  # published all the same: worth a look, not a refusal
        click.echo(f"{len(catalog.warnings)} warning(s):")
        for warning in catalog.warnings:
            click.echo(f"warning: {warning}")


def _compare_ahead(index_dir: Path):
    """The scan child's comparison with the last build's kept scan (engine/scanahead.py),
    its module imported in the child only."""
    def then(files):
        from indexer.engine import scanahead

        return scanahead.changes(index_dir, files)
    return then


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
    from indexer.records.folderscan import Prescan

    # the folder's scan (a stat per record) runs in a child while this process imports the
    # build's modules; its answer is the plain scan's, or the scan is made here (folderscan.py)
    scan = Prescan(measures_dir, then=_compare_ahead(index_dir))
    try:
        from indexer.engine.build import build_index, write_imports

        scan.meanwhile(write_imports())
        report = build_index(measures_dir, index_dir, rebuild=rebuild, progress=_progress,
                             scan=scan)
    except FtzError as error:
        fail(error)
    finally:
        scan.close()
    click.echo(report.summary())


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@index_option
def status(as_json: bool, index_dir: Path):
    """Show the published index: generation, records, segments, size on disk, when it was
    written, and the leases readers hold on generations.

    Exit 1 when no index is published.
    Example: ftz status --json
    """
    from indexer.engine.status import index_status

    try:
        found = index_status(index_dir)
    except FtzError as error:
        fail(error)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    docs = found["documents"]
    click.echo(f"index {found['index']}: generation {found['generation']} "
               f"(commit {found['commit']}), written {found['written']}")
    click.echo(f"{found['records']} records; {found['segments']} segments holding "
               f"{docs['live']} documents (the records and the taxonomy's) and "
               f"{docs['deleted']} deleted ones no merge has dropped yet")
    others = [g for g in found["generations"] if g != found["generation"]]
    kept = (f"other generations kept: {', '.join(others)}" if others else
            "no other generation kept")
    click.echo(f"size on disk: {found['size_bytes'] / 2**20:.1f} MB; the index folder "
               f"{found['folder_bytes'] / 2**20:.1f} MB ({kept})")
    if not found["leases"]:
        click.echo("no reader holds a lease")
    for lease in found["leases"]:
        state = "expired" if lease["expired"] else f"expires in {lease['expires_in']:.0f} s"
        click.echo(f"lease {lease['holder']} on {lease['generation']} ({state})")


def facet_options(f):
    """An option for each filter of the facet registry (facets.py), named by its key
    (--zone, ...), each repeatable (any of its values), passed on by the facet's plural."""
    for facet in reversed(FILTERS):
        f = click.option(f"--{facet.key}", facet.plural, multiple=True,
                         help=f"Only measures of this {facet.noun}: {facet.api}")(f)
    return f


# the query-syntax prefixes of every facet, read from the registry (facets.py)
_PREFIXES = ", ".join(f"{p}:" for facet in FACETS for p in facet.prefixes[:1])


@cli.command(help=f"""Search the index. Several words must all match; "quoted phrases",
    AND/OR/NOT, prefix*, tag: and each facet's prefix ({_PREFIXES}) work too. An empty query
    lists newest first. `ftz facets` lists the facets and their values.

    Example: ftz search "bonded oil tank" --zone zhejiang --json
    """)
@click.argument("query", default="")
@facet_options
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True, help="Results to show.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the result as JSON (snippets are HTML: escaped text, <mark> around matches).")
@index_option
def search(query: str, limit: int, as_json: bool, index_dir: Path, **filters):
    from indexer.search import serialize
    from indexer.search import KnowledgeBase

    try:
        kb = KnowledgeBase(index_dir)
        result = kb.search(query, page=1, per_page=limit, **filters)
    except FtzError as error:
        fail(error)
    if as_json:  # the shape of /api/search, without the site's addresses
        sources = {source["id"]: source for source in kb.sources()}
        click.echo(json.dumps(serialize.search_result(result, sources), ensure_ascii=False,
                              indent=2))
        return
    for note in result.messages():
        click.echo(f"note: {note}", err=True)
    if result.suggestion and not result.corrected_from:
        click.echo(f"Did you mean: {result.suggestion}", err=True)
    shown = len(result.hits)
    more = f"; showing {shown} (use --limit for more)" if shown < result.total else ""
    click.echo(f"{result.total} measure(s){more}")
    for hit in result.hits:
        click.echo(f"- {hit.id} [{', '.join(hit.zones) or '-'}; {hit.pillar}; {hit.date}]")
        click.echo(f"  {hit.title} / {hit.title_zh}")
        if hit.near_in_meaning:
            click.echo("  (shown as near in meaning to the query)")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the facets as one JSON object.")
@index_option
def facets(as_json: bool, index_dir: Path):
    """List the facets a search is narrowed by, as the registry declares them: each with its
    URL parameter (the site's and the API's) and `ftz search` option, its query-syntax
    prefixes, and its values in the published index with the number of measures of each.

    Example: ftz facets --json
    """
    from indexer.search import KnowledgeBase

    try:
        kb = KnowledgeBase(index_dir)
        choices, counts = kb.facet_choices(), kb.search("", per_page=1).facets
        kb.close()
    except FtzError as error:
        fail(error)
    found = [facet_description(f, choices.get(f.key, ()), counts.get(f.key)) for f in FACETS]
    if as_json:
        click.echo(json.dumps({"facets": found}, ensure_ascii=False, indent=2))
        return
    for facet in found:
        how = [f"{facet['parameter']}=", facet["option"]] if facet["parameter"] else []
        how += [f"{p}:" for p in facet["prefixes"]]
        only = "" if facet["parameter"] else " (query syntax only)"
        click.echo(f"{facet['key']}: {facet['title']}{only} - {', '.join(how)}")
        for value in facet["values"]:
            count = "" if value["count"] is None else f" ({value['count']})"
            names = " / ".join(dict.fromkeys(n for n in (value["name"], value["name_zh"]) if n))
            click.echo(f"  {value['id']}{count}" + (f": {names}" if names != value["id"] else ""))


def facet_description(facet, choices, counts: dict | None) -> dict:
    """One facet of the registry (facets.py) as `ftz facets --json` describes it; `counts`
    are the measures of each value (None for a facet of the query syntax only)."""
    return {"key": facet.key, "title": facet.title, "noun": facet.noun,
            "parameter": facet.key if facet.filter else None,
            "option": f"--{facet.key}" if facet.filter else None,
            "plural": facet.plural, "prefixes": list(facet.prefixes), "several": facet.many,
            "description": facet.api,
            "values": [{"id": c["id"], "name": c["name"], "name_zh": c["name_zh"],
                        "count": counts.get(c["id"], 0) if counts is not None else None}
                       for c in choices]}


@cli.command()
@click.argument("source_id", required=False)
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              show_default="drafts/ in the measures folder",
              help="Folder the drafts are written to (and, with --accept, taken from).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the drafts as a JSON list (id, title, zones, pillar, quote, tags, date, "
                   "source, duplicate_of, and what is blank and why).")
@click.option("--dry-run", is_flag=True, help="Write no file; only print the drafts.")
@click.option("--force", is_flag=True, help="Overwrite draft files of the same id already in the folder.")
@click.option("--accept", "accept_id", metavar="ID",
              help="Move draft ID into the measures folder once it passes every check.")
@measures_option
def draft(source_id: str | None, out_dir: Path | None, as_json: bool, dry_run: bool, force: bool,
          accept_id: str | None, measures_dir: Path):
    """Propose draft records from a held source, one per concrete measure its text describes.

    Reads measures/sources/SOURCE_ID.md and writes the drafts to measures/drafts/, where they
    are never indexed. Fill the blanks, run `ftz check --drafts`, then `ftz draft --accept ID`
    and `ftz index` to publish one.
    Example: ftz draft mofcom-2023-05-11-press-conference --json
    """
    from indexer.errors import Report
    from indexer.records.taxonomy import load_taxonomy
    from indexer.drafting import batchlist, draftfiles
    from indexer.drafting.draft import Drafter

    folder = draftfiles.drafts_folder(measures_dir, out_dir)
    try:
        if accept_id:
            if source_id:
                raise click.UsageError("give either SOURCE_ID or --accept ID, not both")
            if (folder / f"{accept_id}.yaml").is_file():  # a drafted batch of the register
                target = batchlist.accept_batch(measures_dir, folder, accept_id)
            else:
                target = draftfiles.accept(measures_dir, folder, accept_id)
            click.echo(f"accepted: {target}; `ftz index` publishes it")
            return
        if not source_id:
            raise click.UsageError("give the id of a held source (a file in measures/sources/)")
        taxonomy = load_taxonomy(measures_dir, Report(measures_dir))
        source = taxonomy.sources.get(source_id)
        if source is not None and batchlist.is_list_shaped(source):
            _draft_batch(batchlist.draft_batch(source, taxonomy), taxonomy, folder, dry_run, force)
            return
        others = {i for i, src in draftfiles.existing(folder).items() if src != source_id} \
            if folder.is_dir() else set()
        proposal = Drafter(measures_dir).propose(source_id, taken_ids=others)
        written = [] if dry_run else draftfiles.write(proposal, folder, force=force)
    except FtzError as error:
        fail(error)
    if as_json:
        where = {d.id: str(path) for d, path, _ in written}
        data = [dict(d.to_dict(), path=where.get(d.id)) for d in proposal.drafts]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    happened = {d.id: what for d, _, what in written}
    for d in proposal.drafts:
        state = f" ({happened[d.id]})" if d.id in happened else ""
        click.echo(f"- {d.id}{state} [{', '.join(d.zones) or '-'}; {d.pillar or 'pillar?'}]")
        click.echo(f"  {d.title or d.title_zh}")
        if d.duplicate_of:
            click.echo(f"  possible duplicate of {d.duplicate_of}")
    for f in proposal.skipped:
        click.echo(f"not drafted ({f.skipped}): {f.text[:100]}", err=True)
    repeats = sum(1 for d in proposal.drafts if d.duplicate_of)
    click.echo(f"{len(proposal.drafts)} draft(s) from {source_id}, {repeats} possible duplicate(s)"
               + ("" if dry_run else f", in {folder}")
               + "; fill the blanks, then `ftz check --drafts` and `ftz draft --accept ID`")


def _draft_batch(draft, taxonomy, folder: Path, dry_run: bool, force: bool) -> None:
    """A list-shaped source (a batch notice): one draft batch file with its items."""
    from indexer.drafting import batchlist

    known = taxonomy.batches.get(draft.id)
    click.echo(f"{draft.id}: {len(draft.items)} item(s) read from {draft.source}"
               + (f"; the batch states {draft.items_stated}" if draft.items_stated else ""))
    for item in draft.items:
        click.echo(f"- [{item.field or '-'}; {item.scope or 'scope?'}] {item.name_zh}")
    for note in draft.notes:
        click.echo(f"note: {note}", err=True)
    if known is not None:
        listed = {item.name_zh for item in known.items}
        new = [item.name_zh for item in draft.items if item.name_zh not in listed]
        click.echo(f"{draft.id} is in the register already ({known.path}); "
                   f"{len(new)} of the items read are not listed there", err=True)
    if dry_run:
        return
    path, what = batchlist.write_batch(draft, folder, force=force)
    click.echo(f"{path} {what}; fill the blanks, then `ftz draft --accept {draft.id}`")
