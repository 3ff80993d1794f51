"""docs/records.md's field tables, written from the record schema (schema.py).

    python -m indexer.records.fieldsdoc            # rewrite the tables in docs/records.md
    python -m indexer.records.fieldsdoc --check    # exit 1 if docs/records.md is not that

Each table lists the fields an editor writes of a model (`schema.fields_of`), in the model's
order; its "required" column is the field's `F.Spec` ("yes" / "no"; an optional field may say
when it is needed instead, REQUIRED_WHEN); the meaning is MEANING's text (an editor's longer
words) or else the field's own `Field(description=...)` in the schema (the API's words too),
where `{values}` stands for the field's allowed values (its normalizer's enum, `F.one_of`). A
field of the schema with neither, a meaning of no field, and a list of items checked against a
model of their own (a record's lineage, a source's figures) whose meaning does not name each
of that model's fields stop the command with the field's name: a new field is an edit to the
schema (with its description), the data and the tests; the page is then written again. The
rest of the page is prose, left as it is: a table is the lines between its two markers
(TABLES).
"""

from __future__ import annotations

import argparse
import sys
import typing
from pathlib import Path

from pydantic import BaseModel

from indexer.records import fields as F
from indexer.records.schema import Measure, Source, fields_of, nested

DOC = Path(__file__).resolve().parents[2] / "docs" / "records.md"

MEANING: dict[type[BaseModel], dict[str, str]] = {
    Measure: {
        "title": "English title.",
        "title_zh": "Chinese title: the official Chinese name of the measure where a source "
                    "gives it; must contain Chinese.",
        "zones": "List of zone ids from `zones.yaml`; `[]` when the source names none. A "
                 "measure may belong to several zones.",
        "pillar": "One of `institutional-innovation`, `key-industries`, `precise-services`, "
                  "`logistics` (the ids of `pillars.yaml`).",
        "date": "The date of the record's source, as precise as the source gives it: "
                "`YYYY-MM-DD`, `YYYY-MM` or `YYYY`; a real date, not in the future.",
        "status": "{values}, only where a source says so. With `lineage` it is left out: it "
                  "follows from the steps (a `national` step: `nationwide`; any other: "
                  "`replicated`).",
        "tags": "Lowercase keywords, hyphens allowed (`cross-border`); Chinese keywords allowed.",
        "source": "Id of a source in `measures/sources/`, the best one reporting the measure "
                  "(official publishers first).",
        "quote": "The sentence(s) of a held source the record rests on, verbatim (whitespace "
                 "aside), checked against its text. A record on a cited source has none: the "
                 "project does not hold that text.",
        "see_also": "Ids of other sources that report the same measure: a measure several "
                    "sources report is one record.",
        "lineage": "The steps by which the measure spread, each one a source states: a list of "
                   "`scope` (`province`: replicated across the zone's province; `national`: "
                   "replicated nationwide, as in a State Council batch of replicable "
                   "experiences; `best-practice-case`: listed in a MOFCOM batch of "
                   "best-practice cases), `date` (as precise as the source: `YYYY-MM-DD`, "
                   "`YYYY-MM` or `YYYY`), `source` (the source id that states the step), "
                   "optional `batch` (a batch id of the register, `state-council-7` or "
                   "`mofcom-cases-6`, whose item names this record: see "
                   "[docs/register.md](register.md)) and `note`. Shown on the measure page as "
                   "a timeline; searchable as a facet.",
        "body_zh": "The record's Chinese text (Markdown, at least 40 Chinese characters): the "
                   "same facts as the English body, written afresh in Chinese, never a literal "
                   "rendering and never copied from a cited page. Shown on `/zh/` pages, "
                   "carried by the API and exports, searched with the record. `ftz check` warns "
                   "of a record without one.",
        "title_zh_note": "Says when `title_zh` is not an official name but the project's "
                         "translation (`our translation; the source gives no Chinese name`); "
                         "shown beside the title.",
        "title_zh_source": "The source that gives `title_zh` as the measure's official Chinese "
                           "name (a batch notice, a MOFCOM, State Council or provincial "
                           "government page): a source the record lists (`source`, `see_also`, "
                           "a lineage step) or that a batch of its lineage rests on. `ftz check` "
                           "refuses an unknown id, a source neither lists, and a `title_zh_note` "
                           "beside it (an official name is not our translation). `ftz check` "
                           "warns of a record whose `title_zh` has neither a `title_zh_source` "
                           "nor a `title_zh_note` (every shipped record says one or the other; "
                           "the measure page names the source, 中文标题出自：…, or says 本项目译名).",
        "title_zh_alt": "Other Chinese names of the measure (the project's former rendering "
                        "where an official name replaced it, a report's wording): a list, "
                        "searched as the title, so that both names find the record.",
        "zones_note": "Says so when the source attributes the measure to zones it does not name "
                      "(\"multiple pilot free trade zones\", \"and others\"); shown on the page.",
    },
    Source: {
        "kind": "{values}.",
        "title": "Title of the document or page.",
        "title_zh": "Chinese title.",
        "publisher": "Who published the page read: a copy on another site is that site's page, "
                     "with `reprint_of` naming the original it says it carries (a release on a "
                     "wire service is the wire's, not the outlet's page).",
        "date": "Publication date, as precise as the page gives it: `YYYY-MM-DD`, `YYYY-MM` or "
                "`YYYY` (a `note` says where a date not on the page comes from, such as its "
                "address).",
        "language": "Language code of the text (`en`, `zh`).",
        "url": "Where it was published.",
        "publisher_zh": "The publisher's name in Chinese, as the Chinese pages show it: the "
                        "body's own Chinese name (中华人民共和国商务部, 新华社), a site's Chinese "
                        "name, or, for a body with none, its name with a few words in Chinese "
                        "saying what it is (Ship & Bunker（船用燃料行业资讯网站）). Written as "
                        "[docs/style-zh.md](style-zh.md) says.",
        "reprint_of": "The original publication, when the page is a reprint.",
        "note": "Anything a reader should know about the text as received.",
        "figures": "Held sources only: headline figures as data, each with `id`, `label`, "
                   "`label_zh`, `value`, `unit`, `quote` (verbatim), and optional `change`, "
                   "`change_unit`, `note`.",
    },
}
# what the "required" column says of an optional field that is needed in some cases
REQUIRED_WHEN: dict[type[BaseModel], dict[str, str]] = {
    Measure: {"quote": "with a held source"},
    Source: {"url": "cited: yes"},
}
# the tables, in the page's order: a model, and the marker lines its table stands between
TABLES = [(model, f"<!-- {model.__name__}'s fields: written by python -m "
                  f"indexer.records.fieldsdoc from indexer/records/schema.py -->",
           f"<!-- end of {model.__name__}'s fields -->") for model in (Measure, Source)]


class FieldsDocError(ValueError):
    """The schema and MEANING disagree, or the page lacks a table's markers."""


def _values(spec: F.Spec) -> str:
    enum = getattr(spec.normalize, "json_schema", {}).get("enum")
    if not enum:
        raise FieldsDocError("{values} stands for a field with no allowed values")
    quoted = [f"`{value}`" for value in enum]
    return (", ".join(quoted[:-1]) + " or " + quoted[-1]) if len(quoted) > 1 else quoted[0]


def _item_model(model: type[BaseModel], name: str) -> type[BaseModel] | None:
    """The model each item of a nested list field is checked against (LineageStep, Figure)."""
    for arg in typing.get_args(model.model_fields[name].annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def table(model: type[BaseModel], meaning: dict[str, str] | None = None,
          required_when: dict[str, str] | None = None) -> str:
    """The `| field | required | meaning |` table of the fields an editor writes of `model`."""
    meaning = MEANING.get(model, {}) if meaning is None else meaning
    required_when = REQUIRED_WHEN.get(model, {}) if required_when is None else required_when
    specs = fields_of(model)
    # an editor's longer text where MEANING has one, else the field's own description
    meaning = {**{name: model.model_fields[name].description for name in specs
                  if model.model_fields[name].description}, **meaning}
    problems = [f"{model.__name__}.{name}: a field of the schema with no description and no "
                f"meaning in indexer/records/fieldsdoc.py" for name in specs if name not in meaning]
    problems += [f"{model.__name__}.{name}: a meaning of no field of the schema"
                 for name in meaning if name not in specs]
    problems += [f"{model.__name__}.{name}: required, so its column says yes, not {when!r}"
                 for name, when in required_when.items() if name in specs and specs[name].required]
    rows = ["| field | required | meaning |", "|---|---|---|"]
    for name, spec in specs.items():
        if name not in meaning:
            continue
        text = meaning[name]
        if "{values}" in text:
            text = text.replace("{values}", _values(spec))
        item = _item_model(model, name) if spec.normalize is nested else None
        problems += [f"{model.__name__}.{name}: its meaning does not name its items' field "
                     f"`{field}` ({item.__name__})"
                     for field in (fields_of(item) if item else ()) if f"`{field}`" not in text]
        cell = "yes" if spec.required else required_when.get(name, "no")
        rows.append(f"| `{name}` | {cell} | {text} |")
    if problems:
        raise FieldsDocError("; ".join(problems))
    return "\n".join(rows)


def rewrite(page: str) -> str:
    """The page with each table between its markers written from the schema."""
    for model, start, end in TABLES:
        if page.count(start) != 1 or page.count(end) != 1 or page.index(start) > page.index(end):
            raise FieldsDocError(f"the page needs the lines {start!r} and {end!r}, once each, "
                                 "in that order")
        before, rest = page.split(start, 1)
        after = rest.split(end, 1)[1]
        page = f"{before}{start}\n{table(model)}\n{end}{after}"
    return page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if the page is not what would be written")
    parser.add_argument("--doc", type=Path, default=DOC, help="the page (docs/records.md)")
    args = parser.parse_args(argv)
    page = args.doc.read_text(encoding="utf-8")
    try:
        written = rewrite(page)
    except FieldsDocError as error:
        print(f"{args.doc}: {error}", file=sys.stderr)
        return 2
    if args.check:
        if written != page:
            print(f"{args.doc}: its field tables are not the schema's; run "
                  "python -m indexer.records.fieldsdoc", file=sys.stderr)
            return 1
        return 0
    if written != page:
        args.doc.write_text(written, encoding="utf-8")
        print(f"{args.doc}: field tables rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
