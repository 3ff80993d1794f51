"""One record file checked against the taxonomy: its fields, its references, what it owes
its source (a verbatim quote, no figure the source does not give) and its lineage."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from indexer.errors import Report
from indexer.records import fields as F
from indexer.records.frontmatter import Located, ParseError, parse, read_text
from indexer.records.model import ID_RE, LineageStep, Measure, Source, Taxonomy, status_from_lineage
from indexer.records.register import check_step
from indexer.records.sources import SOURCES_DIR
from indexer.records.specs import LINEAGE_FIELDS, MEASURE_FIELDS
from indexer.records.verbatim import differences, month_numbers, nearest_passage, numbers, shorten


def load_measure(path: Path, taxonomy: Taxonomy, report: Report,
                 squashed: Callable[[str], str], specs: dict[str, F.Spec] = MEASURE_FIELDS,
                 blank: Callable[[Any], bool] = lambda value: False) -> Measure | None:
    """Parse and check one record against the taxonomy; None (with problems) when invalid.

    `specs` and `blank` serve drafts (indexer/drafting/draftfiles.py): a draft may carry
    fields of its own, and a field whose value is a blank for the editor is neither checked
    nor required here (the drafts' check reports it); a record with a blank is never
    returned."""
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
