"""The sources of `measures/sources/`: a held source with its full text and headline figures,
or a cited one with its URL and a description in the project's words."""

from __future__ import annotations

from pathlib import Path

from indexer.errors import Report
from indexer.records import fields as F
from indexer.records.frontmatter import Located, ParseError, parse, read_text
from indexer.records.model import ID_RE, SOURCE_KINDS, Figure, Source
from indexer.records.specs import FIGURE_FIELDS, SOURCE_FIELDS

SOURCES_DIR = "sources"


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
        broken = data is None or figures is None
        if broken:
            # reported already; still known, so the records citing it are checked against it
            data = {k: doc.meta.value.get(k) for k in ("title", "publisher", "publisher_zh", "date",
                                                   "language", "url")}
            data["kind"] = kind if kind in SOURCE_KINDS else "held"
            data["url"] = data["url"] if isinstance(data["url"], str) else None
            figures = ()
        data["figures"] = figures
        body = doc.body.strip("\n")
        # a broken source's values are as the file gives them: kept, not checked again
        make = Source.model_construct if broken else Source
        if data["kind"] == "held":
            sources[path.stem] = make(id=path.stem, text=doc.body, text_line=doc.body_line, **data)
        else:
            sources[path.stem] = make(id=path.stem, text="", description=body or None,
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
