"""Load and validate the measures directory: taxonomy, sources, analysis data and records.

Every problem is collected, none is fatal on its own: `ftz check` reports them all at once,
and a build refuses to publish while any remains.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from . import fields as F
from .errors import Problem, Report
from .frontmatter import Located, ParseError, load_yaml_file, parse, read_text
from .lexicon import load_lexicon
from .model import ID_RE, STATUSES, Figure, Measure, Pillar, Source, Taxonomy, Zone

ZONE_FIELDS = {
    "id": F.Spec(True, F.identifier),
    "name": F.Spec(True, F.text),
    "name_zh": F.Spec(True, F.chinese),
    "short": F.Spec(True, F.text),
    "short_zh": F.Spec(True, F.chinese),
    "established": F.Spec(True, F.year),
    "tile": F.Spec(False, F.tile),
}
PILLAR_FIELDS = {
    "id": F.Spec(True, F.identifier),
    "name": F.Spec(True, F.text),
    "name_zh": F.Spec(True, F.chinese),
    "statement": F.Spec(True, F.text),
    "statement_zh": F.Spec(True, F.chinese),
    "source": F.Spec(True, F.identifier),
}
FIGURE_FIELDS = {
    "id": F.Spec(True, F.identifier),
    "label": F.Spec(True, F.text),
    "label_zh": F.Spec(True, F.chinese),
    "value": F.Spec(True, F.number),
    "unit": F.Spec(True, F.text),
    "quote": F.Spec(True, F.text),
    "change": F.Spec(False, F.number),
    "change_unit": F.Spec(False, F.text),
    "note": F.Spec(False, F.text),
}
SOURCE_FIELDS = {
    "title": F.Spec(True, F.text),
    "title_zh": F.Spec(False, F.chinese),
    "publisher": F.Spec(True, F.text),
    "date": F.Spec(True, F.past_date),
    "language": F.Spec(True, F.language),
    "url": F.Spec(False, F.url),
    "note": F.Spec(False, F.text),
    "figures": F.Spec(False, lambda v: v),  # each figure is checked against FIGURE_FIELDS
}
MEASURE_FIELDS = {
    "title": F.Spec(True, F.text),
    "title_zh": F.Spec(True, F.chinese),
    "zones": F.Spec(True, F.id_list),
    "zones_note": F.Spec(False, F.text),
    "pillar": F.Spec(True, F.identifier),
    "date": F.Spec(True, F.past_date),
    "status": F.Spec(False, F.one_of(STATUSES)),
    "tags": F.Spec(True, F.tags),
    "source": F.Spec(True, F.identifier),
    "quote": F.Spec(True, F.text),
}

ZONES_FILE = "zones.yaml"
PILLARS_FILE = "pillars.yaml"
SOURCES_DIR = "sources"


def normalize_fields(
    meta: Located, specs: dict[str, F.Spec], path: Path, report: Report, where: str = "",
    partial: bool = False,
) -> dict[str, Any] | None:
    """Apply the spec table to one mapping; None when any field is wrong
    (with `partial`, the fields that are right, so that more checks can run on them)."""
    if not isinstance(meta.value, dict):
        report.add(path, meta.line, where or "(file)", "must be a mapping of field: value")
        return None
    out: dict[str, Any] = {}
    ok = True
    for key, value in meta.value.items():
        name = f"{where}{key}"
        if key not in specs:
            hint = F.closest(key, specs)
            report.add(path, meta.line_of(key), name,
                       "unknown field" + (f" (did you mean {hint!r}?)" if hint else ""))
            ok = False
            continue
        try:
            out[key] = specs[key].normalize(value)
        except F.FieldError as exc:
            report.add(path, meta.line_of(key), name, str(exc))
            ok = False
    for key, spec in specs.items():
        if spec.required and key not in meta.value:
            report.add(path, meta.line, f"{where}{key}", "required field is missing")
            ok = False
    return out if ok or partial else None


def _load_list(path: Path, key: str, specs: dict[str, F.Spec], report: Report) -> list[dict] | None:
    """Items of a `key:` list in a taxonomy file, each normalized; bad items are dropped.

    None when the file cannot be read at all: then references to it are not checked.
    """
    if not path.exists():
        report.add(path, 1, "(file)", "file is missing")
        return None
    doc = load_yaml_file(path, report)
    if doc is None:
        return None
    if not isinstance(doc.value, dict) or not isinstance(doc.value.get(key), list):
        report.add(path, doc.line, key, f"the file must hold a list under '{key}:'")
        return None
    items, seen = [], set()
    located_list = doc.children[key]
    for i, _ in enumerate(located_list.value):
        item = located_list.children[i]
        data = normalize_fields(item, specs, path, report, where="")
        if data is None:
            continue
        if data["id"] in seen:
            report.add(path, item.line_of("id"), "id", f"{data['id']!r} is listed twice")
            continue
        seen.add(data["id"])
        data["_line"] = item.line
        items.append(data)
    return items


def load_sources(root: Path, report: Report) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    folder = root / SOURCES_DIR
    if not folder.is_dir():
        report.add(folder, 1, "(dir)", "the sources folder is missing")
        return sources
    for path in sorted(folder.glob("*.md")):
        if not ID_RE.match(path.stem):
            report.add(path, 1, "id", f"file name {path.stem!r} is not an id (lowercase letters, digits, hyphens)")
            continue
        text = read_text(path, report)
        if text is None:
            continue
        try:
            doc = parse(text)
        except ParseError as exc:
            report.add(path, exc.line, "(front matter)", exc.message)
            continue
        data = normalize_fields(doc.meta, SOURCE_FIELDS, path, report)
        figures = _figures(doc.meta, doc.body, path, report)
        if data is None or figures is None:
            # reported already; still known, so the records citing it are checked against it
            data = {k: doc.meta.value.get(k) for k in ("title", "publisher", "date", "language")}
            figures = ()
        data["figures"] = figures
        sources[path.stem] = Source(id=path.stem, text=doc.body, **data)
    return sources


def _figures(meta: Located, body: str, path: Path, report: Report) -> tuple[Figure, ...] | None:
    if "figures" not in meta.children:
        return ()
    node = meta.children["figures"]
    if not isinstance(node.value, list):
        report.add(path, node.line, "figures", "must be a list of figures")
        return None
    figures, ok, text = [], True, F.squash(body)
    for i, _ in enumerate(node.value):
        item = node.children[i]
        data = normalize_fields(item, FIGURE_FIELDS, path, report, where=f"figures[{i}].")
        if data is None:
            ok = False
            continue
        if F.squash(data["quote"]) not in text:
            report.add(path, item.line_of("quote"), f"figures[{i}].quote",
                       "does not occur verbatim in the source text")
            ok = False
            continue
        figures.append(Figure(**data))
    return tuple(figures) if ok else None


def load_taxonomy(root: Path, report: Report) -> Taxonomy:
    """Zones, pillars and sources; problems go to the report, valid entries are kept."""
    taxonomy = Taxonomy(sources=load_sources(root, report))
    zone_tiles: dict[tuple[int, int], str] = {}
    zones = _load_list(root / ZONES_FILE, "zones", ZONE_FIELDS, report)
    pillars = _load_list(root / PILLARS_FILE, "pillars", PILLAR_FIELDS, report)
    taxonomy.unreadable = {kind for kind, items in (("zone", zones), ("pillar", pillars)) if items is None}
    for data in zones or []:
        line = data.pop("_line")
        if data.get("tile") in zone_tiles:
            report.add(root / ZONES_FILE, line, "tile",
                       f"{data['id']} shares its tile with {zone_tiles[data['tile']]}")
        elif data.get("tile"):
            zone_tiles[data["tile"]] = data["id"]
        taxonomy.zones[data["id"]] = Zone(**data)
    for data in pillars or []:
        line = data.pop("_line")
        source = taxonomy.sources.get(data["source"])
        if source is None:
            report.add(root / PILLARS_FILE, line, "source", _unknown("source", data["source"], taxonomy.sources))
        elif F.squash(data["statement"]) not in F.squash(source.text):
            report.add(root / PILLARS_FILE, line, "statement", "does not occur verbatim in its source")
        taxonomy.pillars[data["id"]] = Pillar(**data)
    return taxonomy


def _unknown(kind: str, value: str, known) -> str:
    hint = F.closest(value, known)
    return f"unknown {kind} {value!r}" + (f" (did you mean {hint!r}?)" if hint else "")


def load_measure(path: Path, taxonomy: Taxonomy, report: Report,
                 squashed: Callable[[str], str]) -> Measure | None:
    """Parse and check one record against the taxonomy; None (with problems) when invalid."""
    before = len(report.problems)
    if not ID_RE.match(path.stem):
        report.add(path, 1, "id", f"file name {path.stem!r} is not an id (lowercase letters, digits, hyphens)")
    text = read_text(path, report)
    if text is None:
        return None
    try:
        doc = parse(text)
    except ParseError as exc:
        report.add(path, exc.line, "(front matter)", exc.message)
        return None
    for line, key in doc.duplicates:
        report.add(path, line, key, "field given twice")
    data = normalize_fields(doc.meta, MEASURE_FIELDS, path, report, partial=True)
    if data is None:
        return None
    meta = doc.meta
    for zone in data.get("zones", ()):
        if zone not in taxonomy.zones and "zone" not in taxonomy.unreadable:
            report.add(path, meta.line_of("zones"), "zones", _unknown("zone", zone, taxonomy.zones))
    if "pillar" in data and data["pillar"] not in taxonomy.pillars and "pillar" not in taxonomy.unreadable:
        report.add(path, meta.line_of("pillar"), "pillar", _unknown("pillar", data["pillar"], taxonomy.pillars))
    if "source" not in data:
        pass
    elif data["source"] not in taxonomy.sources:
        report.add(path, meta.line_of("source"), "source", _unknown("source", data["source"], taxonomy.sources))
    elif "quote" in data and F.squash(data["quote"]) not in squashed(data["source"]):
        report.add(path, meta.line_of("quote"), "quote", f"does not occur verbatim in source {data['source']!r}")
    if not doc.body.strip():
        report.add(path, doc.body_line, "(body)", "the record has no body text")
    if len(report.problems) > before:
        return None
    return Measure(id=path.stem, body=doc.body.strip("\n"), path=report.rel(path), **data)


def source_text_cache(taxonomy: Taxonomy) -> Callable[[str], str]:
    cache: dict[str, str] = {}

    def squashed(source_id: str) -> str:
        if source_id not in cache:
            cache[source_id] = F.squash(taxonomy.sources[source_id].text)
        return cache[source_id]

    return squashed


def record_paths(root: Path) -> list[Path]:
    """The record files, by name. One directory scan and a sort of strings: at 100,000
    records, globbing and sorting Path objects cost seconds of every incremental build."""
    with os.scandir(root) as entries:
        names = sorted(e.name for e in entries if e.name.endswith(".md") and e.is_file())
    return [Path(root) / name for name in names]


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


def load_catalog(root: Path) -> Catalog:
    """Everything in the measures directory, fully validated (what `ftz check` runs)."""
    root = Path(root)
    report = Report(root)
    if not root.is_dir():
        report.add(root, 1, "(dir)", "the measures directory does not exist")
        return Catalog(Taxonomy(), {}, report.problems)
    taxonomy = load_taxonomy(root, report)
    load_lexicon(root, report)
    paths = record_paths(root)
    check_id_collisions(paths, report)
    squashed = source_text_cache(taxonomy)
    measures = {}
    for path in paths:
        measure = load_measure(path, taxonomy, report, squashed)
        if measure is not None:
            measures[measure.id] = measure
    return Catalog(taxonomy, measures, sorted(report.problems))
