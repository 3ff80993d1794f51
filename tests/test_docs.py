"""Keep the README and docs/ honest: every field (docs/records.md) and command (README) documented,
CI running the README's test command."""

from __future__ import annotations

import re

import pytest

from indexer.facets import FACETS, FILTERS
from indexer.records.schema import Batch, BatchItem, Measure, Pillar, Source, Zone, fields_of
from tests.conftest import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")
RECORDS_DOC = (PROJECT / "docs" / "records.md").read_text(encoding="utf-8")
# the pages a user reads for searching, filtering and exporting
USER_DOCS = {name: (PROJECT / name).read_text(encoding="utf-8")
             for name in ("README.md", "docs/browsing.md", "docs/relevance.md")}
# the fields an editor writes, from the record schema (indexer/records/schema.py)
MEASURE_FIELDS, SOURCE_FIELDS = fields_of(Measure), fields_of(Source)
ZONE_FIELDS, PILLAR_FIELDS = fields_of(Zone), fields_of(Pillar)
BATCH_FIELDS, ITEM_FIELDS = fields_of(Batch), fields_of(BatchItem)


def _field_table(doc: str, holding: str) -> dict[str, str]:
    """The rows of the doc's `| field | required | meaning |` table that lists `holding`:
    each field's "required" cell."""
    for table in re.split(r"\n(?!\|)", doc):
        rows = dict(re.findall(r"^\| `(\w+)` \| ([^|]*) \|", table, re.M))
        if holding in rows:
            return {name: cell.strip() for name, cell in rows.items()}
    raise AssertionError(f"no field table lists {holding}")


@pytest.mark.parametrize("model, holding", [(Measure, "title_zh_source"), (Source, "publisher_zh")])
def test_the_records_doc_field_table_is_the_schemas(model, holding):
    """docs/records.md's table of a record's (a source's) fields lists the schema's fields,
    no other, and says "yes" exactly of those a file must give; a field the schema leaves
    optional may say when it is needed ("with a held source", "cited: yes")."""
    table, specs = _field_table(RECORDS_DOC, holding), fields_of(model)
    assert sorted(table) == sorted(specs)
    assert [name for name, cell in table.items() if (cell == "yes") != specs[name].required] == []
    assert [name for name, spec in specs.items() if spec.required and table[name] != "yes"] == []


@pytest.mark.parametrize("field", sorted(MEASURE_FIELDS))
def test_every_record_field_is_in_the_records_doc_table(field):
    assert re.search(rf"^\| `{field}` \|", RECORDS_DOC, re.M), f"{field} missing from docs/records.md"


@pytest.mark.parametrize("field", sorted(set(SOURCE_FIELDS) | set(ZONE_FIELDS) | set(PILLAR_FIELDS)))
def test_every_source_and_taxonomy_field_is_in_the_records_doc(field):
    assert f"`{field}`" in RECORDS_DOC


def test_every_command_is_in_the_readme():
    from webapp.cli import cli

    for name in cli.commands:
        assert f"`ftz {name}" in README, name


def test_each_command_line_in_the_readme_lists_its_real_options():
    """The facets' options (--zone, ...: the registry's) are one generic `[--FACET VALUE]...`,
    never listed one by one; every other option is named."""
    from webapp.cli import cli

    facet_options = {f"--{f.key}" for f in FILTERS}
    commands = README.split("## Commands", 1)[1].split("\n### ", 1)[0]
    for name, command in cli.commands.items():
        line = commands.split(f"- `ftz {name}", 1)[1].split("\n- `ftz ", 1)[0]
        options = {o for p in command.params for o in p.opts if o.startswith("--")}
        assert options, name
        for option in options:
            if option in facet_options:
                assert "[--FACET VALUE]..." in line.split("`")[0], (name, option)
                continue
            assert f"[{option}" in line or f"{option} " in line, (name, option)
        for option in re.findall(r"\[(--[a-z-]+)", line):
            assert option in options, (name, option, "documented but not an option")


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"^    (python3 -m venv .*)$", README, re.M)
    test_command = next(c for c in commands if "[test]" in c)
    assert test_command in (PROJECT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_says_what_the_knowledge_base_holds():
    """The figures and the zones without a measure in "What it holds today" are the data's."""
    from indexer.records.catalog import load_catalog
    from tests.conftest import SHIPPED

    catalog = load_catalog(SHIPPED)
    measures = list(catalog.measures.values())
    section = README.split("### What it holds today", 1)[1].split("\n## ", 1)[0]
    lineage = sum(1 for m in measures if m.lineage)
    named = {z for m in measures for z in m.zones}
    assert f"{len(measures)} measures on {len(catalog.taxonomy.sources)} sources" in section
    assert f"{lineage} of them followed to a" in " ".join(section.split())
    assert f"{len(named)} of the {len(catalog.taxonomy.zones)} zones have at least one measure" in " ".join(section.split())
    for zone in catalog.taxonomy.zones.values():
        if zone.id not in named:
            assert f"**{zone.short}**" in section, f"{zone.short} has no measure; say why"


REGISTER_DOC = (PROJECT / "docs" / "register.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("field", sorted({f"batch.{k}" for k in BATCH_FIELDS}
                                          | {f"item.{k}" for k in ITEM_FIELDS}))
def test_every_batch_and_item_field_is_in_the_register_doc(field):
    name = field.split(".", 1)[1]
    assert re.search(rf"^\| `{name}` \|", REGISTER_DOC, re.M), f"{field} missing from docs/register.md"


def test_the_readme_says_what_the_register_holds():
    """The register's figures in "What it holds today" are the data's."""
    from indexer.records.catalog import load_catalog
    from tests.conftest import SHIPPED

    batches = load_catalog(SHIPPED).taxonomy.batches.values()
    section = " ".join(README.split("### What it holds today", 1)[1].split("\n## ", 1)[0].split())
    listed = sum(len(b.items) for b in batches)
    recorded = sum(1 for b in batches for item in b.items if item.record)
    stated = sum(b.items_stated for b in batches if b.items_stated is not None)
    assert f"{len(batches)} batches with {listed} of their items named ({recorded} of them recorded)" in section
    assert f"state a count state {stated} items" in section


# -- facets: the docs describe them generically, the live list is the registry's ------------

def facets_named(text: str) -> set[str]:
    """The facets (indexer/facets.py) a text names as a user types them: an option (--zone),
    a parameter (zone=, `zone`), a query prefix (zone:) or a JSON key ("zones")."""
    named = set()
    # `zone` is a parameter where the text speaks of parameters; elsewhere it may be a
    # record's field (a hit's `pillar`, a lineage step's `scope`)
    parameters = re.search(r"parameter|repeatable", text) is not None
    for facet in FACETS:
        forms = [rf"(?<![\w-]){p}:(?!//)" for p in facet.prefixes]
        if facet.filter:  # a query-syntax facet's key may be a record's field (`status`)
            forms += [rf"--{facet.key}\b", rf"(?<![\w-]){facet.key}=", rf'"{facet.plural}"']
            forms += [rf"`{facet.key}`"] if parameters else []
        if any(re.search(form, text) for form in forms):
            named.add(facet.key)
    return named


def test_facets_named_finds_a_hand_written_list():
    assert facets_named("`zone`, `pillar`, `scope`, `year` and `batch` (each repeatable)") == {
        "zone", "pillar", "scope", "year", "batch"}
    assert facets_named('"zones", "pillars", "scopes"') == {"zone", "pillar", "scope"}
    assert facets_named("in its zone, for a year") == set()
    assert facets_named("a hit's `zones`, `pillar`, its lineage's `scope`, `batch`") == set()
    assert facets_named("--zone Z, year:2023, batch=state-council-7") == {"zone", "year", "batch"}


@pytest.mark.parametrize("name", sorted(USER_DOCS))
def test_no_paragraph_of_the_user_docs_lists_the_facets_by_hand(name):
    """A list of facets written out goes stale with the next facet: a paragraph, a list item or
    a table row names at most two of them (zone and pillar, as examples) and points to `ftz facets` or
    the OpenAPI document for the rest."""
    for part in re.split(r"\n\s*\n|\n(?=\||- )", USER_DOCS[name]):
        named = facets_named(part)
        assert len(named) <= 2, (name, sorted(named), part[:300])


def test_the_readme_teaches_filtering_and_says_where_the_live_list_is():
    section = README.split("### Filters", 1)[1].split("\n## ", 1)[0]
    for taught in ("zone=zhejiang", "pillar=logistics", "`zone:zhejiang`", "`--zone zhejiang`",
                   "`ftz facets`", "`/api/openapi.json`"):
        assert taught in section, taught
    api = README.split("| `GET /api/search` |", 1)[1].split("\n", 1)[0]
    assert '"Filters"' in api and "/api/openapi.json" in api
