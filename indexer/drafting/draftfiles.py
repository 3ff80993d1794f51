"""Draft records as files: written for review, checked with the records' rules plus their
blanks, and accepted into the measures folder once they pass.

Drafts live in `measures/drafts/` (or a folder of the editor's choosing). The index never
reads them: a build lists the record files at the top of the measures folder only, so a
draft is published only when `ftz draft --accept` has moved it there and `ftz index` runs.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
from pathlib import Path
from typing import Any

from indexer.records import fields as F
from indexer.records.catalog import load_catalog
from indexer.records.specs import MEASURE_FIELDS
from indexer.records.validation import load_measure, source_text_cache
from indexer.errors import FtzError, Problem, Report, ValidationFailed
from indexer.records.frontmatter import ParseError, parse, read_text
from indexer.drafting.draft import Draft, Proposal

DRAFTS_DIR = "drafts"
BLANK = "[BLANK]"
DRAFT_FIELDS = {**MEASURE_FIELDS, "duplicate_of": F.Spec(False, F.identifier)}
NOTE = "# draft:"  # comment lines for the reviewer; gone when the draft is accepted
HINTS = {
    "title": "an English title for the measure",
    "title_zh": "the official Chinese name if a Chinese source gives one; otherwise a "
                "translation, with title_zh_note: translation",
    "pillar": "one of the pillar ids in pillars.yaml",
    "tags": "lowercase English keywords with hyphens, and Chinese keywords",
    "body": "what the measure is and what it changed, in your own words, with figures and "
            "dates only as the source states them; end with where the source reports it",
}
YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


class DraftNotReady(ValidationFailed):
    """A draft that does not pass the checks stays where it is."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        files = sorted({p.path for p in self.problems})
        FtzError.__init__(self, f"{len(self.problems)} problem(s) in {len(files)} draft(s); "
                                "nothing was moved")


def is_blank(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().startswith(BLANK)
    if isinstance(value, list):
        return bool(value) and all(is_blank(v) for v in value)
    return False


def blank(name: str) -> str:
    return f"{BLANK} {HINTS[name]}"


def _scalar(value: str) -> str:
    return value if re.fullmatch(r"[a-z0-9][a-z0-9-]*", value) and value not in YAML_WORDS \
        else json.dumps(value, ensure_ascii=False)


def render(d: Draft) -> str:
    """The draft as a record file: front matter with blanks marked, the reasons as comments."""
    lines = ["---", f"{NOTE} proposed by `ftz draft {d.source}`; review every field and fill",
             f"{NOTE} the blanks, then run `ftz check --drafts` and `ftz draft --accept {d.id}`."]
    lines += [f"{NOTE} {key}: {why}" for key, why in d.why.items()]
    lines.append(f"title: {json.dumps(d.title or blank('title'), ensure_ascii=False)}")
    lines.append(f"title_zh: {json.dumps(d.title_zh or blank('title_zh'), ensure_ascii=False)}")
    lines.append(f"zones: [{', '.join(d.zones)}]")
    if d.zones_note:
        lines.append(f"zones_note: {json.dumps(d.zones_note, ensure_ascii=False)}")
    lines.append(f"pillar: {_scalar(d.pillar or blank('pillar'))}")
    lines.append(f"date: {d.date}")
    tags = d.tags or [blank("tags")]
    lines.append(f"tags: [{', '.join(_scalar(t) for t in tags)}]")
    lines.append(f"source: {d.source}")
    lines.append("quote: >-")
    lines += textwrap.wrap(" ".join(d.quote.split()), 88, initial_indent="  ", subsequent_indent="  ",
                           break_long_words=False, break_on_hyphens=False)
    if d.duplicate_of:
        lines.append(f"{NOTE} the quote or the measure already stands in {d.duplicate_of}: add this")
        lines.append(f"{NOTE} source to its see_also (unless it is that record's own source), or")
        lines.append(f"{NOTE} delete the next line if the measure is new.")
        lines.append(f"duplicate_of: {d.duplicate_of}")
    lines += ["---", blank("body"), ""]
    return "\n".join(lines)


def drafts_folder(measures_dir: Path, out: Path | None) -> Path:
    return Path(out) if out else Path(measures_dir) / DRAFTS_DIR


def existing(folder: Path) -> dict[str, str | None]:
    """The drafts in a folder: id -> their source (None when unreadable)."""
    out = {}
    for path in sorted(Path(folder).glob("*.md")):
        try:
            source = parse(path.read_text(encoding="utf-8")).meta.value.get("source")
        except (OSError, UnicodeDecodeError, ParseError):
            source = None
        out[path.stem] = source if isinstance(source, str) else None
    return out


def _make_folder(folder: Path) -> None:
    """Create the drafts folder, keeping its parent's modification time: a new folder in
    measures/ would otherwise tell `ftz serve` the records changed (build.index_is_stale
    skips drafts/, but sees measures/ itself change when a file in it is added or removed)."""
    if folder.is_dir():
        return
    parent = folder.parent
    before = parent.stat() if parent.is_dir() else None
    folder.mkdir(parents=True, exist_ok=True)
    if before is not None:
        os.utime(parent, ns=(before.st_atime_ns, before.st_mtime_ns))


def write(proposal: Proposal, folder: Path, force: bool = False) -> list[tuple[Draft, Path, str]]:
    """Write each draft; a draft file already there is kept (an editor may have worked on
    it) unless `force`. Returns (draft, path, what happened)."""
    _make_folder(folder)
    out = []
    for d in proposal.drafts:
        path = folder / f"{d.id}.md"
        if path.exists() and not force:
            out.append((d, path, "kept (already there; --force overwrites)"))
            continue
        what = "overwritten" if path.exists() else "written"
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(render(d), encoding="utf-8")
        os.replace(tmp, path)
        out.append((d, path, what))
    return out


def check(measures_dir: Path, folder: Path, only: list[Path] | None = None) -> tuple[list[Problem], int]:
    """Problems of the drafts (every record rule, plus blanks, possible duplicates and ids
    that records already use), and the number of drafts checked."""
    measures_dir = Path(measures_dir)
    catalog = load_catalog(measures_dir)
    report = Report(measures_dir)
    squashed = source_text_cache(catalog.taxonomy)
    folded = {i.casefold(): i for i in catalog.measures}
    paths = only if only is not None else sorted(Path(folder).glob("*.md"))
    for path in paths:
        text = read_text(path, report)
        if text is None:
            continue
        try:
            doc = parse(text)
        except ParseError:
            doc = None  # load_measure reports it
        if doc is not None:
            for key, value in doc.meta.value.items():
                if is_blank(value):
                    report.add(path, doc.meta.line_of(key), key,
                               f"blank left for the editor: {HINTS.get(key, 'fill it in')}")
            if is_blank(doc.body):
                report.add(path, doc.body_line, "(body)", f"blank left for the editor: {HINTS['body']}")
            repeat = doc.meta.value.get("duplicate_of")
            if repeat:
                record = catalog.measures.get(repeat)
                if record is not None and record.source == doc.meta.value.get("source"):
                    advice = ("it already rests on this source: delete this draft, or delete "
                              "duplicate_of if the measure is new")
                else:
                    advice = "add this source to its see_also, or delete duplicate_of if the measure is new"
                report.add(path, doc.meta.line_of("duplicate_of"), "duplicate_of",
                           f"possible duplicate of record {repeat!r}: {advice}")
        if path.stem.casefold() in folded:
            report.add(path, 1, "id", f"record {folded[path.stem.casefold()]!r} already has this id")
        load_measure(path, catalog.taxonomy, report, squashed, specs=DRAFT_FIELDS, blank=is_blank)
    return sorted(report.problems), len(paths)


def accept(measures_dir: Path, folder: Path, draft_id: str) -> Path:
    """Move a draft that passes every check into the measures folder, without its notes."""
    path = Path(folder) / f"{draft_id}.md"
    if not path.is_file():
        raise FtzError(f"no draft {draft_id!r} in {folder}")
    problems, _ = check(measures_dir, folder, only=[path])
    if problems:
        raise DraftNotReady(problems)
    target = Path(measures_dir) / path.name
    lines = path.read_text(encoding="utf-8").split("\n")
    # the check above parsed it: the front matter is closed
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() == "---")
    kept = [line for line in lines[:end] if not line.startswith(NOTE)] + lines[end:]
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text("\n".join(kept), encoding="utf-8")
    os.replace(tmp, target)
    path.unlink()
    return target
