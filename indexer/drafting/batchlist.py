"""Draft a batch of the register from a held notice that lists its items: a list-shaped source.

A State Council notice on a batch of pilot experiences names its items field by field:

    (一)在全国范围内复制推广的改革事项。
    1.投资贸易便利化领域:“工程建设项目审批统一化、标准化、信息化”、“……”等3项。

The draft takes what the text states (the batch's number, issuer and document number, each
item's official name, its field, its scope, the count each field states) and leaves as a
marked blank what it cannot know (the English names). Where the text breaks off or a field's
list does not reach the count it states, the draft says so in a note instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pathlib import Path

from indexer.records.taxonomy import load_taxonomy
from indexer.errors import FtzError, Report, ValidationFailed
from indexer.records.lineage_text import chinese_number
from indexer.records.model import ISSUERS, Source, Taxonomy, batch_id
from indexer.records.register import BATCHES_DIR, load_batch

BLANK = "[BLANK]"
_NUMERALS = {chinese_number(n): n for n in range(1, 100)}
_BATCH_RE = re.compile(r"第([一二三四五六七八九十]{1,3})批")
_DOC_NUMBER_RE = re.compile(r"国(?:发|函|办发|办函)〔\d{4}〕\d+号")
_PART_RE = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）](?P<heading>.+)$")
_FIELD_RE = re.compile(r"^\d+[.．、]\s*(?P<field>[^:：“]{2,20}?)(?:领域)?[:：](?P<rest>.*)$")
_ITEM_RE = re.compile(r"“([^“”]+)”")
_COUNT_RE = re.compile(r"等(\d+|[一二三四五六七八九十]+)项")
_TOTAL_RE = re.compile(r"共(\d+)项")
_AREAS_RE = re.compile(r"在(.+?)复制推广")


@dataclass
class DraftItem:
    name_zh: str
    field: str | None
    scope: str | None
    areas_zh: str | None = None


@dataclass
class BatchDraft:
    id: str
    issuer: str
    number: int
    title_zh: str
    document_number: str | None
    date: str
    source: str
    items_stated: int | None
    items: list[DraftItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reviewer must know


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else _NUMERALS.get(text)


def batch_of_source(source: Source) -> tuple[str, int] | None:
    """(issuer, number) of the batch a held notice announces, from its Chinese title or its
    first lines; None for a source of another shape."""
    head = f"{source.title_zh or ''}\n{source.text[:400]}"
    found = _BATCH_RE.search(head)
    if not found or "改革试点经验" not in head and "最佳实践案例" not in head:
        return None
    issuer = "mofcom" if "最佳实践案例" in head and "国务院关于" not in head else "state-council"
    number = _number(found.group(1))
    return (issuer, number) if number else None


def is_list_shaped(source: Source) -> bool:
    """Whether a source is a batch notice listing its items by field (see the module)."""
    return source.held and batch_of_source(source) is not None and any(
        _FIELD_RE.match(line.strip()) and _ITEM_RE.search(line) for line in source.text.splitlines())


def draft_batch(source: Source, taxonomy: Taxonomy) -> BatchDraft:
    issuer, number = batch_of_source(source)
    doc_number = _DOC_NUMBER_RE.search(source.text)
    total = _TOTAL_RE.search(source.text)
    draft = BatchDraft(batch_id(issuer, number), issuer, number, source.title_zh or "",
                       doc_number.group(0) if doc_number else None, source.date, source.id,
                       int(total.group(1)) if total else None)
    known_fields = {f.name_zh for f in taxonomy.reform_fields.values()}
    scope, areas = None, None
    for line in (raw.strip() for raw in source.text.splitlines()):
        part = _PART_RE.match(line)
        if part:
            scope, areas = _scope_of(part.group("heading"))
            continue
        match = _FIELD_RE.match(line)
        if not match or not _ITEM_RE.search(match.group("rest")):
            continue
        name = match.group("field").strip()
        names = _ITEM_RE.findall(match.group("rest"))
        counted = _COUNT_RE.search(match.group("rest"))
        stated = _number(counted.group(1)) if counted else None
        if name not in known_fields:
            draft.notes.append(f"field {name!r} is not in reform-fields.yaml: add it there")
        if stated is None:
            draft.notes.append(f"the list of field {name!r} states no count (the text may break "
                               f"off): {len(names)} item(s) read")
        elif stated != len(names):
            draft.notes.append(f"field {name!r} states {stated} item(s); {len(names)} read")
        draft.items += [DraftItem(n, name, scope, areas) for n in names]
    if draft.items_stated is None:
        draft.notes.append("the text states no total count of items (共N项): items_stated is "
                           "left blank; name the source that states it")
    return draft


def _scope_of(heading: str) -> tuple[str | None, str | None]:
    """The scope a part of the notice gives its items: "在全国范围内复制推广" -> nationwide;
    "在特定区域复制推广" with the areas named later -> areas."""
    if "全国" in heading:
        return "nationwide", None
    where = _AREAS_RE.search(heading)
    return ("areas", where.group(1)) if where else (None, None)


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_batch(draft: BatchDraft) -> str:
    """The draft as a batch file: what the text states, blanks for the rest, notes as comments."""
    about = ISSUERS[draft.issuer]
    lines = [f"# draft: proposed by `ftz draft {draft.source}`; fill the blanks, check every item",
             f"# draft: against the notice, then `ftz draft --accept {draft.id}`."]
    lines += [f"# draft: {note}" for note in draft.notes]
    lines += [
        f"id: {draft.id}",
        f"issuer: {draft.issuer}",
        f"number: {draft.number}",
        f"title: {_quoted(BLANK + ' the English title of the ' + about['name'] + ' notice')}",
        "title_source: null",
        f"title_zh: {_quoted(draft.title_zh or BLANK + ' the official Chinese title')}",
    ]
    if draft.document_number:
        lines.append(f"document_number: {draft.document_number}")
    lines.append(f"date: {draft.date}")
    if draft.items_stated is not None:
        lines += [f"items_stated: {draft.items_stated}", f"items_stated_source: {draft.source}"]
    lines += [f"source: {draft.source}", "items:"]
    for item in draft.items:
        lines.append(f"  - name_zh: {_quoted(item.name_zh)}")
        lines.append(f"    name_en: {_quoted(BLANK + ' an English name (ours)')}")
        lines.append("    name_en_source: null")
        if item.field:
            lines.append(f"    field: {item.field}")
        if item.scope:
            lines.append(f"    scope: {item.scope}")
        if item.areas_zh:
            lines.append(f"    areas_zh: {_quoted(item.areas_zh)}")
    return "\n".join(lines) + "\n"


def write_batch(draft: BatchDraft, folder: Path, force: bool = False) -> tuple[Path, str]:
    """Write the draft as `<batch id>.yaml` in the drafts folder; (path, what happened)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{draft.id}.yaml"
    if path.exists() and not force:
        raise FtzError(f"{path} exists: review it, or draft again with --force to overwrite it")
    what = "overwritten" if path.exists() else "written"
    path.write_text(render_batch(draft), encoding="utf-8")
    return path, what


def accept_batch(measures_dir: Path, folder: Path, batch_id_: str) -> Path:
    """Move a drafted batch into measures/batches/ once it has no blank and passes the batch
    checks (a batch already there is never overwritten: merge by hand)."""
    path = Path(folder) / f"{batch_id_}.yaml"
    target = Path(measures_dir) / BATCHES_DIR / path.name
    if target.exists():
        raise FtzError(f"{target} exists already: merge the draft's items into it by hand")
    report = Report(Path(measures_dir))
    text = path.read_text(encoding="utf-8")
    for number, line in enumerate(text.split("\n"), 1):
        if BLANK in line and not line.lstrip().startswith("#"):
            report.add(path, number, line.split(":")[0].strip(" -"), "still a blank: fill it")
    taxonomy = load_taxonomy(Path(measures_dir), Report(Path(measures_dir)))
    load_batch(path, taxonomy, report)
    if report.problems:
        raise ValidationFailed(report.problems)
    target.parent.mkdir(exist_ok=True)
    kept = [line for line in text.split("\n") if not line.startswith("# draft:")]
    target.write_text("\n".join(kept), encoding="utf-8")
    path.unlink()
    return target
