"""Load and validate the measures directory: taxonomy, sources, analysis data and records.

Every problem is collected, none is fatal on its own: `ftz check` reports them all at once,
and a build refuses to publish while any remains.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from indexer.records import fields as F
from indexer.errors import Problem, Report
from indexer.records.frontmatter import Located, ParseError, load_yaml_list, parse, read_text
from indexer.records.glossary import GLOSSARY_FILE, unused_pairs
from indexer.analysis.lexicon import load_lexicon
from indexer.records.model import (ID_RE, SCOPES, SOURCE_KINDS, STATUSES, Figure, LineageStep, Measure, Pillar,
                    Source, Taxonomy, Zone, status_from_lineage)
from indexer.records.places import load_places
from indexer.records.register import check_items, check_step, load_batches, load_reform_fields, load_totals
from indexer.records.verbatim import differences, month_numbers, nearest_passage, numbers, shorten

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
    "kind": F.Spec(True, F.one_of(SOURCE_KINDS)),
    "title": F.Spec(True, F.text),
    "title_zh": F.Spec(False, F.chinese),
    "publisher": F.Spec(True, F.text),
    "publisher_zh": F.Spec(True, F.chinese),  # the body's Chinese name, for the Chinese pages
    "date": F.Spec(True, F.partial_date),  # as precise as the page is
    "language": F.Spec(True, F.language),
    "url": F.Spec(False, F.url),  # required of a cited source
    "reprint_of": F.Spec(False, F.text),
    "note": F.Spec(False, F.text),
    "figures": F.Spec(False, lambda v: v),  # each figure is checked against FIGURE_FIELDS
}
LINEAGE_FIELDS = {
    "scope": F.Spec(True, F.one_of(SCOPES)),
    "date": F.Spec(True, F.partial_date),
    "source": F.Spec(True, F.identifier),
    "batch": F.Spec(False, F.identifier),  # a batch id: register.py checks it
    "note": F.Spec(False, F.text),
}
MEASURE_FIELDS = {
    "title": F.Spec(True, F.text),
    "title_zh": F.Spec(True, F.chinese),
    "title_zh_note": F.Spec(False, F.text),
    # the source giving title_zh as the official name: the record's, or its batch's
    "title_zh_source": F.Spec(False, F.identifier),
    "title_zh_alt": F.Spec(False, F.chinese_list),  # other Chinese names, searched as the title
    "zones": F.Spec(True, F.id_list),
    "zones_note": F.Spec(False, F.text),
    "pillar": F.Spec(True, F.identifier),
    "date": F.Spec(True, F.partial_date),  # its source's date, as precise as it
    "status": F.Spec(False, F.one_of(STATUSES)),
    "tags": F.Spec(True, F.tags),
    "source": F.Spec(True, F.identifier),
    "quote": F.Spec(False, F.text),  # required exactly when the source is held
    "see_also": F.Spec(False, F.id_list),
    "lineage": F.Spec(False, lambda v: v),  # each step is checked against LINEAGE_FIELDS
    "body_zh": F.Spec(False, F.chinese_text(40)),
}

ZONES_FILE = "zones.yaml"
PILLARS_FILE = "pillars.yaml"
SOURCES_DIR = "sources"


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
        for line, key in doc.duplicates:
            report.add(path, line, key, "field given twice")
        data = F.normalize_fields(doc.meta, SOURCE_FIELDS, path, report)
        kind = data["kind"] if data else doc.meta.value.get("kind")
        if data is not None and not _source_kind_ok(data, doc, path, report):
            data = None
        figures = _figures(doc.meta, doc.body, path, report)
        if data is None or figures is None:
            # reported already; still known, so the records citing it are checked against it
            data = {k: doc.meta.value.get(k) for k in ("title", "publisher", "publisher_zh", "date",
                                                   "language", "url")}
            data["kind"] = kind if kind in SOURCE_KINDS else "held"
            data["url"] = data["url"] if isinstance(data["url"], str) else None
            figures = ()
        data["figures"] = figures
        body = doc.body.strip("\n")
        if data["kind"] == "held":
            sources[path.stem] = Source(id=path.stem, text=doc.body, text_line=doc.body_line, **data)
        else:
            sources[path.stem] = Source(id=path.stem, text="", description=body or None,
                                        text_line=doc.body_line, **data)
    return sources


def _source_kind_ok(data: dict, doc, path: Path, report: Report) -> bool:
    """What each kind of source must hold: a held one its text, a cited one its URL and a
    description in the project's words (never the page's text)."""
    ok = True
    if data["kind"] == "cited":
        if "url" not in data:
            report.add(path, doc.meta.line, "url",
                       "a cited source needs the url of the page (its text is not held)")
            ok = False
        if "figures" in doc.meta.value:
            report.add(path, doc.meta.line_of("figures"), "figures",
                       "figures quote a source's text; a cited source holds none")
            ok = False
        if not doc.body.strip():
            report.add(path, doc.body_line, "(body)",
                       "a cited source needs a short description in the project's own words")
            ok = False
    elif not doc.body.strip():
        report.add(path, doc.body_line, "(body)", "a held source needs its full text as the body")
        ok = False
    return ok


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
        data = F.normalize_fields(item, FIGURE_FIELDS, path, report, where=f"figures[{i}].")
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


def load_measure(path: Path, taxonomy: Taxonomy, report: Report,
                 squashed: Callable[[str], str], specs: dict[str, F.Spec] = MEASURE_FIELDS,
                 blank: Callable[[Any], bool] = lambda value: False) -> Measure | None:
    """Parse and check one record against the taxonomy; None (with problems) when invalid.

    `specs` and `blank` serve drafts (indexer/draftfiles.py): a draft may carry fields of its
    own, and a field whose value is a blank for the editor is neither checked nor required
    here (the drafts' check reports it); a record with a blank is never returned."""
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
    meta = doc.meta
    blanks = {key for key, value in meta.value.items() if blank(value)}
    filled = Located({k: v for k, v in meta.value.items() if k not in blanks}, meta.line, meta.children)
    data = F.normalize_fields(filled, {k: s for k, s in specs.items() if k not in blanks},
                            path, report, partial=True)
    if data is None:
        return None
    for zone in data.get("zones", ()):
        if zone not in taxonomy.zones and "zone" not in taxonomy.unreadable:
            report.add(path, meta.line_of("zones"), "zones", F.unknown("zone", zone, taxonomy.zones))
    if "pillar" in data and data["pillar"] not in taxonomy.pillars and "pillar" not in taxonomy.unreadable:
        report.add(path, meta.line_of("pillar"), "pillar", F.unknown("pillar", data["pillar"], taxonomy.pillars))
    source = None
    if "source" in data:
        source = taxonomy.sources.get(data["source"])
        if source is None:
            report.add(path, meta.line_of("source"), "source",
                       F.unknown("source", data["source"], taxonomy.sources))
    if source is not None:
        _check_against_source(data, source, doc, path, report, squashed, taxonomy.sources)
    for i, other in enumerate(data.get("see_also", ())):
        if other == data.get("source"):
            report.add(path, meta.line_of("see_also", i), "see_also",
                       f"{other!r} is the record's source already")
        elif other not in taxonomy.sources:
            report.add(path, meta.line_of("see_also", i), "see_also",
                       F.unknown("source", other, taxonomy.sources))
    if "lineage" in data:
        data["lineage"] = _lineage(meta, taxonomy, path, report, path.stem)
        if data["lineage"] and "status" in data:
            report.add(path, meta.line_of("status"), "status",
                       f"follows from the lineage ({status_from_lineage(data['lineage'])}); "
                       "leave it out")
        elif data["lineage"]:
            data["status"] = status_from_lineage(data["lineage"])
    if "title_zh_source" in data:
        _check_title_zh_source(data, meta, taxonomy, path, report)
    if not doc.body.strip():
        report.add(path, doc.body_line, "(body)", "the record has no body text")
    if len(report.problems) > before or blanks:
        return None
    data = {k: v for k, v in data.items() if k in MEASURE_FIELDS}
    return Measure(id=path.stem, body=doc.body.strip("\n"), path=report.rel(path), **data)


def _check_title_zh_source(data: dict, meta: Located, taxonomy: Taxonomy, path: Path,
                           report: Report) -> None:
    """The source of an official Chinese name: a known source that the record lists (source,
    see_also, a lineage step) or that a batch of its lineage rests on; and no note calling
    the same title the project's translation."""
    name, line = data["title_zh_source"], meta.line_of("title_zh_source")
    if name not in taxonomy.sources:
        report.add(path, line, "title_zh_source", F.unknown("source", name, taxonomy.sources))
        return
    listed = {data.get("source"), *data.get("see_also", ())}
    for step in data.get("lineage") or ():
        listed.add(step.source)
        batch = taxonomy.batches.get(step.batch) if step.batch else None
        if batch is not None:
            listed |= {batch.source, batch.items_stated_source, *batch.see_also}
            listed |= {item.zones_source for item in batch.items if item.record == path.stem}
    if name not in listed:
        report.add(path, line, "title_zh_source",
                   f"{name!r} is neither a source of this record (source, see_also, lineage) "
                   "nor of a batch its lineage names: list it there first")
    if "title_zh_note" in data:
        report.add(path, meta.line_of("title_zh_note"), "title_zh_note",
                   "title_zh_source says the title is the official name; a note calling it "
                   "the project's translation contradicts it (move our wording to title_zh_alt)")


def _check_against_source(data: dict, source: Source, doc, path: Path, report: Report,
                          squashed: Callable[[str], str], sources: dict[str, Source]) -> None:
    """What a record owes its source: a held source's words quoted verbatim and no figure it
    does not give; for a cited source, no quote (its text is not held) and a URL to cite."""
    meta, name = doc.meta, data["source"]
    if not source.held:
        if "quote" in data:
            report.add(path, meta.line_of("quote"), "quote",
                       f"source {name!r} is cited, its text not held: a record on it has no quote")
        if not source.url:
            report.add(path, meta.line_of("source"), "source",
                       f"source {name!r} is cited but has no url: a reader could not find it")
        return
    quote = data.get("quote")
    if quote is None:
        if "quote" not in meta.value:
            report.add(path, meta.line, "quote",
                       f"required: the sentence(s) of held source {name!r} the record rests on")
        return
    if F.squash(quote) not in squashed(name):
        report.add(path, meta.line_of("quote"), "quote", _not_verbatim(quote, source))
    given = numbers(quote) | month_numbers(quote) | _source_numbers(source.text)
    # the dates of the sources the record names are facts of their own ("reported in
    # January 2019"), in either language
    steps = data.get("lineage") if isinstance(data.get("lineage"), list) else []
    for other in (source.id, *data.get("see_also", ()),
                  *(step.get("source") for step in steps if isinstance(step, dict))):
        if other in sources:
            given |= numbers(sources[other].date.replace("-", " "))
    written = {**numbers(doc.body), **numbers(data.get("body_zh") or "")}  # both languages
    invented = [n for n in written if n not in given]
    if invented:
        report.add(path, doc.body_line, "(body)",
                   f"figure(s) {', '.join(invented)} appear in neither the quote nor source {name!r}")


@lru_cache(maxsize=16)
def _source_numbers(text: str) -> dict[str, None]:
    """A held source's figures: read once, not once for each record that quotes it. A month
    the source names in words counts as its number: a Chinese text writes 1 August 2019 as
    2019年8月1日."""
    return {**numbers(text), **month_numbers(text)}


def _not_verbatim(quote: str, source: Source) -> str:
    message = f"does not occur verbatim in source {source.id!r}"
    passage = nearest_passage(quote, source.text)
    if passage is None:
        return message + "; no passage of it is alike"
    line = source.text_line + source.text.count("\n", 0, passage.start)
    where = "; ".join(differences(quote, passage.text))
    return (f"{message}; nearest passage, {SOURCES_DIR}/{source.id}.md:{line}: "
            f"\"{shorten(passage.text)}\""
            + (f"; {where}" if where else "; they differ only in spacing or punctuation"))


def _lineage(meta: Located, taxonomy: Taxonomy, path: Path, report: Report,
             record_id: str) -> tuple[LineageStep, ...]:
    node = meta.children["lineage"]
    if not isinstance(node.value, list) or not node.value:
        report.add(path, node.line, "lineage", "must be a list of steps (scope, date, source, batch)")
        return ()
    steps = []
    for i, _ in enumerate(node.value):
        item = node.children[i]
        before = len(report.problems)
        data = F.normalize_fields(item, LINEAGE_FIELDS, path, report, where=f"lineage[{i}].",
                                partial=True) or {}
        if "source" in data and data["source"] not in taxonomy.sources:
            report.add(path, item.line_of("source"), f"lineage[{i}].source",
                       F.unknown("source", data["source"], taxonomy.sources))
        if len(report.problems) == before:
            step = LineageStep(**data)
            wrong = check_step(step, record_id, taxonomy)
            if wrong:
                report.add(path, item.line_of("batch"), f"lineage[{i}].batch", wrong)
            else:
                steps.append(step)
    return tuple(steps)


def source_text_cache(taxonomy: Taxonomy) -> Callable[[str], str]:
    cache: dict[str, str] = {}

    def squashed(source_id: str) -> str:
        if source_id not in cache:
            cache[source_id] = F.squash(taxonomy.sources[source_id].text)
        return cache[source_id]

    return squashed


def record_paths(root: Path) -> list[Path]:
    """The record files, by name."""
    return [Path(root) / name for name, _mtime, _size in record_files(root)]


def record_files(root: Path) -> list[tuple[str, int, int]]:
    """(name, mtime_ns, size) of every record file, by name: one directory scan, one stat
    per file and no Path objects (at 100,000 records, building and stat-ing Paths was most
    of an `ftz index` that found nothing to do)."""
    out = []
    with os.scandir(root) as entries:
        for entry in entries:
            if entry.name.endswith(".md") and entry.is_file():
                st = entry.stat()
                out.append((entry.name, st.st_mtime_ns, st.st_size))
    out.sort()
    return out


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
    # what is worth an editor's look but publishes all the same (glossary pairs no record uses)
    warnings: list[Problem] = field(default_factory=list)


def load_catalog(root: Path, warnings: bool = False) -> Catalog:
    """Everything in the measures directory, fully validated (what `ftz check` runs); with
    `warnings`, also what is worth an editor's look but publishes (records without a Chinese
    text, glossary pairs no record uses)."""
    root = Path(root)
    report = Report(root)
    if not root.is_dir():
        report.add(root, 1, "(dir)", "the measures directory does not exist")
        return Catalog(Taxonomy(), {}, report.problems)
    taxonomy = load_taxonomy(root, report)
    lexicon = load_lexicon(root, report)
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
    _check_everyday(root, lexicon, report)
    return Catalog(taxonomy, measures, sorted(report.problems),
                   _untranslated(root, measures) + _unused_glossary(root, lexicon, measures, taxonomy)
                   if warnings else [])


def _check_everyday(root: Path, lexicon, report) -> None:
    """A group of everyday words whose terms the search reads as one already adds nothing
    (stemming makes "permits" "permit"): said, so that an editor writes a real equivalent."""
    if not lexicon.everyday:
        return
    from indexer.analysis.analyser import text_analyzer
    from indexer.records.glossary import analyzer_words
    from indexer.analysis.lexicon import EVERYDAY_FILE
    from indexer.records.frontmatter import load_yaml_list

    analyzer = text_analyzer(lexicon.dictionary)
    node = load_yaml_list(root / EVERYDAY_FILE, "everyday", Report(root), "groups")
    lines = {}
    if node is not None:
        for i, group in enumerate(node.value):
            if isinstance(group, list):
                lines[tuple(" ".join(str(t).lower().split()) for t in group)] = node.line_of(i)
    for group in lexicon.everyday:
        keys = {tuple(analyzer_words(analyzer, t)) for t in group}
        if () in keys:
            report.add(root / EVERYDAY_FILE, lines.get(group, 1), ", ".join(group),
                       "a term has only very common words (stop words): it finds nothing")
        elif len(keys) < 2:
            report.add(root / EVERYDAY_FILE, lines.get(group, 1), ", ".join(group),
                       "the search reads every term of this group as the same word already")


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


def _unused_glossary(root: Path, lexicon, measures: dict[str, Measure], taxonomy) -> list[Problem]:
    # the analyser and the index document, imported here: the drafter and the build load the
    # catalog too, and start faster without the segmenter (a quarter of a second)
    from indexer.analysis.analyser import text_analyzer
    from indexer.engine.schema import measure_document
    from indexer.engine.scoring import TEXT_FIELDS

    documents = (measure_document(m, taxonomy) for m in measures.values())
    warnings = Report(root)
    for pair in unused_pairs(lexicon.glossary, documents, text_analyzer(lexicon.dictionary),
                             TEXT_FIELDS):
        warnings.add(root / GLOSSARY_FILE, pair.line, pair.english,
                     f"no record uses {pair.english!r} or {pair.chinese!r}")
    return warnings.problems
