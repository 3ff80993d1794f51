"""The taxonomy: zones, pillars and sources, with the register's batches, fields of reform and
totals; problems go to the report, valid entries are kept."""

from __future__ import annotations

from pathlib import Path

from indexer.errors import Report
from indexer.records import fields as F
from indexer.records.frontmatter import load_yaml_list
from indexer.records.model import Pillar, Taxonomy, Zone
from indexer.records.register import load_batches, load_reform_fields, load_totals
from indexer.records.sources import load_sources
from indexer.records.specs import PILLAR_FIELDS, ZONE_FIELDS

ZONES_FILE = "zones.yaml"
PILLARS_FILE = "pillars.yaml"


def _load_list(path: Path, key: str, specs: dict[str, F.Spec], report: Report) -> list[dict] | None:
    """Items of a `key:` list in a taxonomy file, each normalized; bad items are dropped.

    None when the file cannot be read at all: then references to it are not checked.
    """
    located_list = load_yaml_list(path, key, report, required=True)
    if located_list is None:
        return None
    items, seen = [], set()
    for i, _ in enumerate(located_list.value):
        item = located_list.children[i]
        data = F.normalize_fields(item, specs, path, report, where="")
        if data is None:
            continue
        if data["id"] in seen:
            report.add(path, item.line_of("id"), "id", f"{data['id']!r} is listed twice")
            continue
        seen.add(data["id"])
        data["_line"] = item.line
        items.append(data)
    return items


def load_taxonomy(root: Path, report: Report) -> Taxonomy:
    """Zones, pillars and sources; problems go to the report, valid entries are kept."""
    taxonomy = Taxonomy(sources=load_sources(root, report))
    taxonomy.reform_fields = load_reform_fields(root, report)
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
            report.add(root / PILLARS_FILE, line, "source", F.unknown("source", data["source"], taxonomy.sources))
        elif not source.held:
            report.add(root / PILLARS_FILE, line, "source",
                       f"{data['source']!r} is a cited source: a statement is checked against held text")
        elif F.squash(data["statement"]) not in F.squash(source.text):
            report.add(root / PILLARS_FILE, line, "statement", "does not occur verbatim in its source")
        taxonomy.pillars[data["id"]] = Pillar(**data)
    taxonomy.batches = load_batches(root, taxonomy, report)
    taxonomy.totals = load_totals(root, taxonomy, report)
    return taxonomy
