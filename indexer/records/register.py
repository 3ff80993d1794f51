"""The replication register: batches of pilot experiences (State Council) and of best-practice
cases (MOFCOM), their items, and the checks that keep batches and records in step.

A batch is `measures/batches/<id>.yaml`; its id is its issuer's prefix and its number
(`state-council-7`, `mofcom-cases-6`), so that a record's lineage step names it by id and the
words a step is searched by follow from the id alone. The fields of reform the batches group
their items by are `measures/reform-fields.yaml`.
"""

from __future__ import annotations

from pathlib import Path

from indexer.records import fields as F
from indexer.errors import Report
from indexer.records.frontmatter import Located, ParseError, load_yaml_file, load_yaml_list, parse, read_text
from indexer.records.model import (ISSUERS, ITEM_SCOPES, Batch, BatchItem, LineageStep, Measure, ReformField,
                    StatedTotal, Taxonomy, batch_id, batch_of_id)
from indexer.records.schema import fields_of

BATCHES_DIR = "batches"
REFORM_FIELDS_FILE = "reform-fields.yaml"
TOTALS_FILE = "totals.yaml"

# the register's tables, read off the schema's models (specs.py)
REFORM_FIELD_FIELDS = fields_of(ReformField)
BATCH_FIELDS = fields_of(Batch)
ITEM_FIELDS = fields_of(BatchItem)
TOTAL_FIELDS = fields_of(StatedTotal)


def _load_entries(path: Path, key: str, specs: dict, unique: tuple[str, ...], report: Report,
                  items: str) -> list[tuple[dict, Located]]:
    """The valid entries of a `key:` list (none when the file is missing), each with its
    located node; a value of a `unique` field given twice is reported."""
    located = load_yaml_list(path, key, report, items=items)
    out: list[tuple[dict, Located]] = []
    for i, _ in enumerate(located.value if located is not None else ()):
        node = located.children[i]
        data = F.normalize_fields(node, specs, path, report)
        if data is None:
            continue
        for name in unique:
            if any(other[name] == data[name] for other, _ in out):
                report.add(path, node.line_of(name), name, f"{data[name]!r} is listed twice")
        out.append((data, node))
    return out


def load_reform_fields(root: Path, report: Report) -> dict[str, ReformField]:
    """The fields of reform, in file order; none when the file is missing."""
    entries = _load_entries(root / REFORM_FIELDS_FILE, "fields", REFORM_FIELD_FIELDS,
                            ("id", "name_zh"), report, "fields of reform")
    return {data["id"]: ReformField(**data) for data, _ in entries}


def load_totals(root: Path, taxonomy: Taxonomy, report: Report) -> dict[str, StatedTotal]:
    """The counts of the whole that sources state, each checked to name a known source."""
    out = {}
    for data, node in _load_entries(root / TOTALS_FILE, "totals", TOTAL_FIELDS, ("id",), report,
                                    "stated totals"):
        _source_ok(data["source"], node.line_of("source"), "source", root / TOTALS_FILE,
                   taxonomy, report)
        out[data["id"]] = StatedTotal(**data)
    return out


def batch_paths(root: Path) -> list[Path]:
    folder = Path(root) / BATCHES_DIR
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def load_batches(root: Path, taxonomy: Taxonomy, report: Report) -> dict[str, Batch]:
    """Every batch file, checked against the taxonomy (sources, zones, fields of reform);
    a batch with a problem is reported and left out."""
    out: dict[str, Batch] = {}
    for path in batch_paths(root):
        batch = load_batch(path, taxonomy, report)
        if batch is not None:
            out[batch.id] = batch
    return dict(sorted(out.items(), key=lambda kv: (kv[1].issuer, kv[1].number)))


def _source_ok(value: str | None, line: int, name: str, path: Path, taxonomy: Taxonomy,
               report: Report) -> None:
    if value is not None and value not in taxonomy.sources:
        report.add(path, line, name, F.unknown("source", value, taxonomy.sources))


def load_batch(path: Path, taxonomy: Taxonomy, report: Report) -> Batch | None:
    """One batch file, checked against the taxonomy; None (with problems) when invalid."""
    doc = load_yaml_file(path, report)
    if doc is None:
        return None
    before = len(report.problems)
    data = F.normalize_fields(doc, BATCH_FIELDS, path, report, partial=True)
    if data is None:
        return None
    if "id" in data and data["id"] != path.stem:
        report.add(path, doc.line_of("id"), "id", f"must be the file's name, {path.stem!r}")
    if "issuer" in data and "number" in data and path.stem != batch_id(data["issuer"], data["number"]):
        report.add(path, doc.line_of("number"), "number",
                   f"a batch of {data['issuer']} numbered {data['number']} is "
                   f"{batch_id(data['issuer'], data['number'])!r}: name the file so")
    for name in ("source", "title_source", "items_stated_source"):
        _source_ok(data.get(name), doc.line_of(name), name, path, taxonomy, report)
    for i, other in enumerate(data.get("see_also", ())):
        _source_ok(other, doc.line_of("see_also", i), "see_also", path, taxonomy, report)
    if data.get("items_stated") is not None and not data.get("items_stated_source"):
        report.add(path, doc.line_of("items_stated"), "items_stated_source",
                   "name the source that states the number of items")
    items = _items(doc, taxonomy, path, report)
    stated = data.get("items_stated")
    if stated is not None and len(items) > stated:
        report.add(path, doc.line_of("items"), "items",
                   f"lists {len(items)} items; the batch states {stated}")
    if len(report.problems) > before:
        return None
    data["items"] = tuple(items)
    return Batch(**{k: v for k, v in data.items() if v is not None},
                 path=report.rel(path))


def _items(doc: Located, taxonomy: Taxonomy, path: Path, report: Report) -> list[BatchItem]:
    node = doc.children.get("items")
    if node is None or node.value is None:
        return []
    if not isinstance(node.value, list):
        report.add(path, node.line, "items", "must be a list of items (name_zh, name_en, ...)")
        return []
    by_name = {f.name_zh: f.id for f in taxonomy.reform_fields.values()}
    items, seen = [], {}
    for i, _ in enumerate(node.value):
        item = node.children[i]
        where = f"items[{i}]."
        data = F.normalize_fields(item, ITEM_FIELDS, path, report, where=where, partial=True)
        if data is None:
            continue
        before = len(report.problems)
        name = data.get("name_zh")
        if name in seen:
            report.add(path, item.line_of("name_zh"), where + "name_zh",
                       f"{name!r} is listed twice (items[{seen[name]}])")
        elif name:
            seen[name] = i
        field_name = data.get("field")
        if field_name is not None:
            field_id = by_name.get(field_name, field_name if field_name in taxonomy.reform_fields else None)
            if field_id is None:
                report.add(path, item.line_of("field"), where + "field",
                           F.unknown("field of reform", field_name, by_name)
                           + f"; fields of reform are listed in {REFORM_FIELDS_FILE}")
            data["field"] = field_id
        if (data.get("scope") == "areas") != bool(data.get("areas_zh")):
            report.add(path, item.line_of("scope"), where + "areas_zh",
                       "scope 'areas' and areas_zh go together: name the areas the batch gives")
        for zone in data.get("zones", ()):
            if zone not in taxonomy.zones and "zone" not in taxonomy.unreadable:
                report.add(path, item.line_of("zones"), where + "zones",
                           F.unknown("zone", zone, taxonomy.zones))
        if data.get("zones") and not data.get("zones_source"):
            report.add(path, item.line_of("zones"), where + "zones_source",
                       "name the source that says where the item came from")
        for key in ("name_en_source", "zones_source"):
            _source_ok(data.get(key), item.line_of(key), where + key, path, taxonomy, report)
        if len(report.problems) == before and "name_zh" in data and "name_en" in data:
            items.append(BatchItem(**{k: v for k, v in data.items() if v is not None},
                                   line=item.line))
    return items


def check_step(step: LineageStep, record_id: str, taxonomy: Taxonomy) -> str | None:
    """What is wrong with a lineage step's batch, for a record: an unknown batch, a batch of
    another scope, a batch that does not list the record. None when the step is right."""
    if step.batch is None:
        return None
    batch = taxonomy.batches.get(step.batch)
    if batch is None:
        named = batch_of_id(step.batch)
        if named is None:
            return (F.unknown("batch", step.batch, taxonomy.batches)
                    + "; a batch is named by its id, such as state-council-7 or mofcom-cases-6")
        return F.unknown("batch", step.batch, taxonomy.batches) + (
            f"; no file {BATCHES_DIR}/{step.batch}.yaml (or it has problems of its own)")
    if batch.scope != step.scope:
        return (f"{step.batch} is a batch of the {ISSUERS[batch.issuer]['name']}: its steps "
                f"have scope {batch.scope!r}, not {step.scope!r}")
    if not any(item.record == record_id for item in batch.items):
        return (f"{step.batch} lists no item with record: {record_id}; "
                f"add it to the item this record describes in {batch.path}")
    return None


def check_items(root: Path, taxonomy: Taxonomy, report: Report,
                measures: dict[str, Measure] | None = None) -> None:
    """Each item's record exists, names the item's batch in a lineage step and holds the
    zones the item came from. `measures` are the loaded records (ftz check); without them (a
    build) the records that items name are read from their files, a few hundred at most."""
    for batch in taxonomy.batches.values():
        path = Path(root) / BATCHES_DIR / f"{batch.id}.yaml"
        for i, item in enumerate(batch.items):
            if not item.record:
                continue
            where = f"items[{i}].record"
            found = _record_facts(root, item.record, measures)
            if found is None:
                report.add(path, item.line, where, f"unknown record {item.record!r} "
                           f"(no file {item.record}.md in the measures folder)")
                continue
            if found is _UNREADABLE:
                continue  # the record's own problems are reported with it
            batches, zones = found
            if batch.id not in batches:
                report.add(path, item.line, where,
                           f"record {item.record} has no lineage step with batch: {batch.id}")
            missing = [z for z in item.zones if z not in zones]
            if missing:
                report.add(path, item.line, "items[%d].zones" % i,
                           f"the item came from {', '.join(missing)}, which record "
                           f"{item.record} does not list in its zones")


_UNREADABLE = object()


def _record_facts(root: Path, record_id: str, measures: dict[str, Measure] | None):
    """(batches its lineage names, its zones) of a record; None when there is no such file,
    _UNREADABLE when it cannot be read as a record."""
    path = Path(root) / f"{record_id}.md"
    if measures is not None and record_id in measures:
        measure = measures[record_id]
        return {s.batch for s in measure.lineage}, set(measure.zones)
    if not path.is_file():
        return None
    text = read_text(path, Report(Path(root)))
    try:
        meta = parse(text).meta.value if text is not None else None
    except ParseError:
        meta = None
    if not isinstance(meta, dict):
        return _UNREADABLE
    steps = meta.get("lineage") if isinstance(meta.get("lineage"), list) else []
    zones = meta.get("zones") if isinstance(meta.get("zones"), list) else []
    return {s.get("batch") for s in steps if isinstance(s, dict)}, set(zones)
