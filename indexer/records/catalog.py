"""Load and validate the measures directory: taxonomy, sources, places and records.

Every problem is collected, none is fatal on its own: a build refuses to publish while any
remains. The analysis data (dictionary, synonyms, everyday words, glossary) is checked above
this package, in indexer/checks.py, which `ftz check` runs: those checks need the analyser
and the index document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import Problem, Report
from indexer.records.folderscan import scan_records
from indexer.records.model import Measure, Taxonomy
from indexer.records.places import load_places
from indexer.records.register import check_items
from indexer.records.taxonomy import load_taxonomy
from indexer.records.validation import load_measure, source_text_cache


def record_paths(root: Path) -> list[Path]:
    """The record files, by name."""
    return [Path(root) / name for name, _mtime, _size in record_files(root)]


def record_files(root: Path) -> list[tuple[str, int, int]]:
    """(name, mtime_ns, size) of every record file, by name."""
    return sorted(scan_records(root))


def check_id_collisions(paths: list[Path], report: Report) -> None:
    by_folded: dict[str, list[Path]] = {}
    for path in paths:
        by_folded.setdefault(path.stem.casefold(), []).append(path)
    for group in by_folded.values():
        if len(group) > 1:
            for path in group:
                others = ", ".join(p.name for p in group if p != path)
                report.add(path, 1, "id", f"collides with {others} when case is ignored")


@dataclass
class Catalog:
    taxonomy: Taxonomy
    measures: dict[str, Measure]
    problems: list[Problem]
    # what is worth an editor's look but publishes all the same (a record without Chinese)
    warnings: list[Problem] = field(default_factory=list)


def load_catalog(root: Path, warnings: bool = False) -> Catalog:
    """The taxonomy, the places and every record, fully validated (`ftz check` adds the
    analysis data: indexer/checks.py); with `warnings`, also what is worth an editor's look
    but publishes (records without a Chinese text or without the origin of their Chinese
    title)."""
    root = Path(root)
    report = Report(root)
    if not root.is_dir():
        report.add(root, 1, "(dir)", "the measures directory does not exist")
        return Catalog(Taxonomy(), {}, report.problems)
    taxonomy = load_taxonomy(root, report)
    load_places(root, taxonomy.zones, report, check_zones="zone" not in taxonomy.unreadable)
    paths = record_paths(root)
    check_id_collisions(paths, report)
    squashed = source_text_cache(taxonomy)
    measures = {}
    for path in paths:
        measure = load_measure(path, taxonomy, report, squashed)
        if measure is not None:
            measures[measure.id] = measure
    check_items(root, taxonomy, report, measures)
    return Catalog(taxonomy, measures, sorted(report.problems),
                   _untranslated(root, measures) if warnings else [])


def _untranslated(root: Path, measures: dict[str, Measure]) -> list[Problem]:
    """Records without a Chinese text (they publish, but a Chinese reader gets English), and
    Chinese titles that say neither whose name they are nor that they are ours."""
    warnings = Report(root)
    for measure in measures.values():
        if not measure.body_zh:
            warnings.add(root / f"{measure.id}.md", 1, "body_zh",
                         "no Chinese text: /zh/ pages show this record in English")
        if not (measure.title_zh_source or measure.title_zh_note):
            warnings.add(root / f"{measure.id}.md", 1, "title_zh",
                         "says neither which source gives this Chinese name (title_zh_source) nor "
                         "that it is the project's translation (title_zh_note)")
    return warnings.problems
