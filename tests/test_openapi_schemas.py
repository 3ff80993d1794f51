"""The API's description takes a record's fields from the record schema's models (issue 20,
item 6: pydantic's `model_json_schema()`): every field has a JSON form beside its normalizer,
the allowed values are the model's, and
every answer the API gives on the shipped records is what the description says, down to a
date as precise as its source (2023, 2023-06: not a `format: date`)."""

from __future__ import annotations

import jsonschema_rs  # schemathesis' own validator, installed with it
import pytest

from indexer.records import fields as F
from indexer.records import model, register, specs
from indexer.records.model import ISSUERS, ITEM_SCOPES, SCOPES, SOURCE_KINDS, STATUSES

TABLES = {name: getattr(module, name) for module in (specs, register) for name in dir(module)
          if name.endswith("_FIELDS") and isinstance(getattr(module, name), dict)}
# lists whose items have a table of their own (FIGURE_FIELDS, LINEAGE_FIELDS, ITEM_FIELDS)
NESTED = {"figures", "lineage", "items"}


def test_the_tables_are_found():
    assert {"MEASURE_FIELDS", "LINEAGE_FIELDS", "SOURCE_FIELDS", "FIGURE_FIELDS", "ZONE_FIELDS",
            "PILLAR_FIELDS", "BATCH_FIELDS", "ITEM_FIELDS"} <= set(TABLES)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_field_has_a_json_form_beside_its_normalizer(table):
    missing = [name for name, spec in TABLES[table].items()
               if F.json_schema(spec.normalize) is None and name not in NESTED]
    assert missing == []


# each table and the model class its entries become, with the fields only the model has
MODELS = {"MEASURE_FIELDS": (model.Measure, {"id", "body", "path"}),
          "LINEAGE_FIELDS": (model.LineageStep, set()),
          "SOURCE_FIELDS": (model.Source, {"id", "text", "description", "text_line"}),
          "FIGURE_FIELDS": (model.Figure, set()),
          "ZONE_FIELDS": (model.Zone, set()),
          "PILLAR_FIELDS": (model.Pillar, set()),
          "BATCH_FIELDS": (model.Batch, {"path"}),
          "ITEM_FIELDS": (model.BatchItem, {"line"}),
          "TOTAL_FIELDS": (model.StatedTotal, set()),
          "REFORM_FIELD_FIELDS": (model.ReformField, set())}


def test_every_table_has_its_model():
    assert set(MODELS) == set(TABLES)


@pytest.mark.parametrize("table", sorted(MODELS))
def test_a_table_and_its_model_name_the_same_fields(table):
    """The description reads which fields may be null from the model's defaults: a field
    the table has and the model lacks (or the reverse) would be described wrongly."""
    cls, own = MODELS[table]
    assert set(TABLES[table]) == set(cls.model_fields) - own


def test_an_optional_choice_is_its_choices_or_null():
    schema = F.json_schema(F.optional(F.one_of(("a", "b"))))
    assert schema == {"type": ["string", "null"], "enum": ["a", "b", None]}
    assert F.nullable(schema) == schema


@pytest.fixture(scope="module")
def document(shipped_client):
    return shipped_client.get("/api/openapi.json").get_json()


def test_the_allowed_values_are_the_models(document):
    schemas = document["components"]["schemas"]
    assert schemas["Hit"]["properties"]["status"]["enum"] == [*STATUSES, None]
    assert schemas["Measure"]["properties"]["status"]["enum"] == [*STATUSES, None]
    assert schemas["LineageStep"]["properties"]["scope"]["enum"] == list(SCOPES)
    assert schemas["Source"]["properties"]["kind"]["enum"] == list(SOURCE_KINDS)
    assert schemas["LineageStep"]["required"] == ["scope", "date", "source"]
    figure = schemas["Source"]["properties"]["figures"]["items"]
    assert set(figure["properties"]) == set(specs.FIGURE_FIELDS)
    batch = schemas["BatchList"]["properties"]["batches"]["items"]["properties"]
    assert batch["issuer"]["enum"] == list(ISSUERS)
    assert schemas["BatchItem"]["properties"]["scope"]["enum"] == [*ITEM_SCOPES, None]


# each component and the schema's model its record fields come from, with the fields the
# API describes its own way: a citation for a record's source, a batch id's own pattern,
# the fields of reform the knowledge base holds (filled in when the description is served)
COMPONENTS = {"LineageStep": (model.LineageStep, set()), "Hit": (model.Measure, {"source"}),
              "Measure": (model.Measure, {"source"}), "BatchItem": (model.BatchItem, {"field"}),
              "Batch": (model.Batch, {"id"}), "Source": (model.Source, {"url"})}


@pytest.mark.parametrize("component", sorted(COMPONENTS))
def test_a_components_record_fields_are_its_models_json_schema(document, component):
    """A field's type, pattern and enum are what the model's JSON Schema says (a field may
    be null where its default is None), whatever the description adds to it."""
    from indexer.records.schema import fields_of, nested

    cls, replaced = COMPONENTS[component]
    given = document["components"]["schemas"][component]["properties"]
    own = cls.model_json_schema()["properties"]
    names = [name for name, spec in fields_of(cls).items()
             if spec.normalize is not nested and name in given and name not in replaced]
    assert len(names) >= 2
    for name in names:
        expected = {k: v for k, v in own[name].items() if k not in ("title", "default")}
        assert {k: v for k, v in given[name].items() if k != "description"} == \
            {k: v for k, v in expected.items() if k != "description"}, name


# Run in a fresh interpreter: the record schema gains a field and a description before
# anything reads it, as an edit to indexer/records/schema.py would, and the served components
# are printed.
_WIDER = """
import json, sys
from typing import Annotated
from flask import Flask
from pydantic import Field
from indexer.records import fields as F, schema

class Measure(schema.Measure):
    sector: Annotated[str | None, F.Spec(False, F.one_of(("ports", "banks"))),
                      Field(description="The sector it reforms")] = None
    tags: Annotated[tuple[str, ...], F.Spec(True, F.tags), schema.zh("标签"),
                    Field(description="What it is about")]

class Source(schema.Source):
    publisher: Annotated[str, F.Spec(True, F.text), schema.CITATION,
                         Field(description="Who published it")]

schema.Measure, schema.Source = Measure, Source
from webapp.openapi import document
json.dump(document(Flask("wider"))["components"]["schemas"], sys.stdout)
"""


def test_a_new_record_field_reaches_the_description_through_the_schema_alone():
    """A field added to the record schema (with its Spec and description), and a description
    given to a field, are in the served components of every answer that gives the field,
    with no other edit: what a field costs (docs/architecture.md)."""
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _WIDER], capture_output=True, text=True,
                          check=True)
    schemas = json.loads(done.stdout)
    sector = {"type": ["string", "null"], "enum": ["ports", "banks", None],
              "description": "The sector it reforms"}
    for name in ("Hit", "Measure"):
        properties = schemas[name]["properties"]
        assert properties["sector"] == sector, name
        assert "sector" in schemas[name]["required"], name  # serialize gives every field
        assert properties["tags"]["description"] == "What it is about", name
    assert schemas["Source"]["properties"]["publisher"]["description"] == "Who published it"
    # without the edit, neither is there
    from webapp.openapi_schemas import SCHEMAS

    assert "sector" not in SCHEMAS["Hit"]["properties"]
    assert "description" not in SCHEMAS["Hit"]["properties"]["tags"]


def test_every_required_key_is_described(document):
    def objects(node):
        if isinstance(node, dict):
            if "required" in node and "properties" in node:
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for value in node:
                yield from objects(value)

    found = list(objects(document["components"]))
    assert len(found) >= 10
    assert [sorted(set(o["required"]) - set(o["properties"])) for o in found
            if set(o["required"]) - set(o["properties"])] == []


def _validator(document, name):
    return jsonschema_rs.Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": document["components"]})


def _errors(validator, answer) -> list[str]:
    return [f"{error.instance_path}: {error.message}" for error in validator.iter_errors(answer)]


def test_every_answer_on_the_shipped_records_is_as_described(shipped_client, shipped_kb,
                                                             document):
    measure = _validator(document, "Measure")
    wrong = {}
    for hit in shipped_kb.measures():
        answer = shipped_client.get(f"/api/measures/{hit.id}").get_json()
        wrong.update({hit.id: e} for e in [_errors(measure, answer)] if e)
        zh = shipped_client.get(f"/api/measures/{hit.id}", query_string={"lang": "zh"})
        wrong.update({f"{hit.id} zh": e} for e in [_errors(measure, zh.get_json())] if e)
    assert wrong == {}
    assert len(shipped_kb.measures()) >= 100
    page = shipped_client.get("/api/search", query_string={"per_page": 100}).get_json()
    assert page["total"] >= 100 and _errors(_validator(document, "SearchResult"), page) == []
    for path, name in (("/api/zones", "ZoneList"), ("/api/pillars", "PillarList"),
                       ("/api/batches", "BatchList")):
        assert _errors(_validator(document, name), shipped_client.get(path).get_json()) == []
    batch = _validator(document, "Batch")
    for summary in shipped_client.get("/api/batches").get_json()["batches"]:
        answer = shipped_client.get(f"/api/batches/{summary['id']}").get_json()
        assert _errors(batch, answer) == [], summary["id"]


def test_a_date_as_precise_as_its_source_is_described(document):
    date = _validator(document, "LineageStep")
    step = {"scope": "national", "source": "x", "batch": None, "note": None}
    for value in ("2023", "2023-06", "2023-06-30"):
        assert _errors(date, {**step, "date": value}) == []
    assert _errors(date, {**step, "date": "June 2023"})


LINEAGED = "construction-project-approval-unified-standardised-digitised"  # a lineage step
# (request, the component answering it, where in the answer a key is slipped in)
ANSWERS = [
    ("/api/search?q=customs", "SearchResult", ()),
    ("/api/search?q=customs", "SearchResult", ("results", 0)),
    ("/api/search?q=customs", "SearchResult", ("results", 0, "source")),
    ("/api/search?q=customs", "SearchResult", ("facets",)),
    ("/api/search?q=customs&lang=zh", "SearchResult", ("results", 0, "labels")),
    ("/api/search?q=zhejiang+customs+xyzzyqq", "SearchResult", ("relaxed",)),
    (f"/api/measures/{LINEAGED}", "Measure", ()),
    (f"/api/measures/{LINEAGED}", "Measure", ("lineage", 0)),
    ("/api/batches", "BatchList", ("batches", 0)),
    ("/api/batches/state-council-7", "Batch", ("items", 0)),
    ("/api/zones", "ZoneList", ("zones", 0)),
    ("/api/pillars", "PillarList", ("pillars", 0)),
    ("/api/search?zone=zhejang", "Error", ()),
    ("/api/measures/no-such-measure", "Error", ()),
]


@pytest.mark.parametrize("path, name, at", ANSWERS)
def test_a_key_an_answer_gains_without_its_model_is_caught(shipped_client, document, path,
                                                           name, at):
    """The answers, errors among them, are as described, and a key added to any object of
    them that neither the record schema nor the API's models (webapp/api_models.py) declare
    fails the description."""
    answer = shipped_client.get(path)
    data = answer.get_json()
    validator = _validator(document, name)
    assert _errors(validator, data) == [], (path, answer.status_code)
    node = data
    for step in at:
        node = node[step]
    assert isinstance(node, dict), (path, at)
    node["undeclared"] = 1
    assert any("undeclared" in e for e in _errors(validator, data)), (path, at)


def test_the_facet_counts_are_declared_by_the_registry(document, shipped_kb):
    """The search answer's facet counts: one object per filter facet of the registry, its
    keys the facet's allowed values (an unknown one fails)."""
    from indexer.facets import FILTER_KINDS

    facets = document["components"]["schemas"]["Facets"]
    assert facets["required"] == list(FILTER_KINDS) and facets["additionalProperties"] is False
    choices = shipped_kb.facet_choices()
    for kind in FILTER_KINDS:
        assert facets["properties"][kind]["propertyNames"]["enum"] == [
            c["id"] for c in choices[kind]]
    counts = _validator(document, "Facets")
    known = {kind: {} for kind in FILTER_KINDS}
    assert _errors(counts, {**known, "zone": {"zhejiang": 3}}) == []
    assert any("atlantis" in e for e in _errors(counts, {**known, "zone": {"atlantis": 1}}))
