"""The components of the API's OpenAPI description (webapp/openapi.py): what each answer holds.

A record's fields are described once, in the record schema (indexer/records/schema.py): the
Hit, Measure, LineageStep, Source (with its figures), zone, pillar, Batch and BatchItem
schemas take their properties from the models' `model_json_schema()` (pydantic): types,
patterns and allowed values (enums) from the JSON form of each field's normalizer, null
where the model's default is None. What only the API gives (the search answer, its facet
counts, an error, labels, links, snippets, a batch's counts) is the API's own models'
(webapp/api_models.py), also by `model_json_schema()`. Here they are put together, with the
descriptions a reader of the API needs; every object is closed (`additionalProperties`
false), so an answer's key without its field or model fails the answers' tests.
"""

from __future__ import annotations

from functools import lru_cache

from indexer.facets import FILTER_KINDS
from indexer.records import fields as F
from indexer.records.schema import (ISSUERS, Batch, BatchItem, Figure, LineageStep, Measure, Pillar,
                                    Source, Zone, fields_of, nested, not_shown, shown)
from indexer.search.serialize import HIT_KEYS, MEASURE_EXTRA_KEYS, SEARCH_KEYS

from . import api_models as A

ID = F.ID_SCHEMA
# what /api/measures/{id} gives of a measure (serialize.measure): a hit's keys but those of a
# search, and its own
MEASURE_KEYS = (*(k for k in HIT_KEYS if k not in SEARCH_KEYS), *MEASURE_EXTRA_KEYS)


@lru_cache(maxsize=None)
def _properties(model: type) -> dict:
    return model.model_json_schema(ref_template="#/components/schemas/{model}")["properties"]


def _plain(schema: dict) -> dict:
    """A property as the description writes it: no title or default, `X or null` as one
    schema whose type may be null."""
    schema = {k: v for k, v in schema.items() if k not in ("title", "default")}
    options = schema.pop("anyOf", None)
    if options:
        kinds = [o for o in options if o != {"type": "null"}]
        if len(kinds) == 1 and len(options) == 2:
            return {**F.nullable(kinds[0]), **schema}
        schema["anyOf"] = options
    return schema


def record_fields(model: type, *names: str, **described: dict) -> dict:
    """The JSON Schema properties of a model's fields (`names`, or every field an editor
    writes but lists with a model of their own), from the model's JSON Schema; `described`
    adds to a field's schema (its description, by field name)."""
    properties = _properties(model)
    names = names or tuple(name for name, spec in fields_of(model).items()
                           if spec.normalize is not nested)
    if set(described) - set(names):  # a misspelt name would lose its description
        raise ValueError(f"no such field to describe: {sorted(set(described) - set(names))}")
    return {name: {**_plain(properties[name]), **described.get(name, {})} for name in names}


def _clean(node):
    """A generated schema as the description writes it, at every depth (_plain)."""
    if isinstance(node, list):
        return [_clean(n) for n in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"x-component"}:  # api_models.ref
        return _ref(node["x-component"])
    if "properties" in node:
        node = {**node, "properties": {k: _plain(_clean(v)) if "$ref" not in str(v.get("anyOf"))
                                       else _clean(v) for k, v in node["properties"].items()}}
    return {k: (v if k == "properties" else _clean(v)) for k, v in node.items()
            if k not in ("title", "default")}


def generated(*models: type) -> dict:
    """The components of the API's own models (webapp/api_models.py), by name, with the
    models they hold."""
    out = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        out.update({name: _clean(d) for name, d in schema.pop("$defs", {}).items()})
        out[model.__name__] = _clean(schema)
    return out


def own(model: type) -> dict:
    """The properties of one of the API's own models (the keys an answer adds to a record's)."""
    return generated(model)[model.__name__]["properties"]


def closed(schema: dict) -> dict:
    """An object that holds the keys it describes and no others."""
    return {**schema, "additionalProperties": False}


def required(model: type) -> list[str]:
    """The fields every value of `model` has (no default), as its JSON Schema says."""
    return model.model_json_schema()["required"]


def _list_of(key: str, required: list[str], properties: dict) -> dict:
    """An answer that is one list under `key` of objects with these properties."""
    return {"type": "object", "required": [key], "additionalProperties": False,
            "properties": {key: {"type": "array", "items": {
                "type": "object", "required": required, "properties": properties,
                "additionalProperties": False}}}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


BATCH_ID = {"type": "string", "pattern": "^(%s)-[1-9][0-9]?$" % "|".join(
    about["prefix"] for about in ISSUERS.values())}
# Its enum is the knowledge base's fields of reform, filled in when the description is served.
_REFORM_FIELD = {"type": ["string", "null"],
                 "description": "A field of reform (measures/reform-fields.yaml, listed at "
                                "/nationwide); null where the sources in reach give none"}
# What /api/batches says of each batch, and /api/batches/{id} of its one batch.
_BATCH_SUMMARY = {
    "id": BATCH_ID,
    **record_fields(
        Batch, "issuer", "number", "title", "title_zh", "title_zh_note",
        "document_number", "date", "items_stated",
        issuer={"description": "state-council: a batch of reform pilot experiences to "
                               "replicate; mofcom: a batch of best-practice cases"},
        title_zh_note={"description": "Says so when title_zh is not the document's own title"},
        items_stated={"description": "The number of items the batch states; null when no "
                                     "source in reach gives it"}),
    **own(A.BatchOwn),
}
# A zone's id and names, wherever a zone is described (the zone list, a zone without records)
_ZONE_NAMES = record_fields(Zone, "id", "name", "name_zh", "short", "short_zh")
_LABELS = generated(A.Labels)["Labels"]
# What a hit and a measure both hold of the record: its fields, then the sources it cites
# (each described as a Source) and its lineage.
_RECORD = {
    **record_fields(
        Measure, *(name for name in not_shown(Measure, "page")
                   if name in fields_of(Measure) and name not in ("source", "lineage")),
        quote={"description": "Verbatim from a held source; null on a cited one"},
        see_also={"description": "Other sources reporting the measure"},
        body_zh={"description": "The record's Chinese text (Markdown), written from the same "
                                "facts; null when the record has none"}),
    "id": ID,
    "source": _ref("Source"),
    "see_also_sources": {"type": "array", "items": _ref("Source")},
    "lineage": {"type": "array", "items": _ref("LineageStep")},
    "labels": _LABELS,
}

SCHEMAS: dict = {
    **generated(A.Error, A.SearchResult),
    "Hit": {
        "type": "object",
        "description": "A measure as every list describes it: /api/search, the exports "
                       "(/search.json; /search.csv spreads it into columns) and "
                       "`ftz search --json`",
        "required": list(HIT_KEYS),  # serialize.hit gives every one
        "properties": {
            **_RECORD,
            **own(A.HitOwn),
        },
        "additionalProperties": False,
    },
    "LineageStep": {
        "type": "object",
        "required": required(LineageStep),
        "properties": record_fields(LineageStep),
    },
    "ZoneWithoutRecords": {
        "type": "object",
        "required": ["id", "name", "name_zh", "short", "short_zh", "named_as", "url"],
        "properties": {
            **_ZONE_NAMES,
            **own(A.ZoneNamedOwn),
        },
        "additionalProperties": False,
    },
    "Source": {
        "type": ["object", "null"],
        "properties": {
            "id": ID,
            # the file's url is the citation's original_url; url is the page on this site
            **record_fields(
                Source, *(name for name in fields_of(Source) if name not in ("url", "figures")),
                kind={"description": "held: its text is kept and quoted; cited: a public page "
                                     "linked and described in the project's words"}),
            "url": {"type": ["string", "null"],
                    "description": "The source's page on this site (null from the "
                                   "command line)"},
            "original_url": {"type": ["string", "null"],
                             "description": "Where the publisher published it"},
            "description": {"type": ["string", "null"],
                            "description": "A cited source, in the project's words"},
            "figures": {"type": "array", "items": {
                "type": "object",
                "required": required(Figure),
                "properties": record_fields(Figure),
            }},
        },
    },
    "Measure": {
        "type": "object",
        # serialize.measure gives every one, and the API adds body_html
        "required": [*MEASURE_KEYS, "body_html"],
        "properties": {
            **_RECORD,
            **record_fields(
                Measure, *shown(Measure, "page"),
                title_zh_note={"description": "Says when title_zh is a translation"},
                title_zh_source={"description": "The source giving title_zh as the official "
                                                "name (a source id)"},
                title_zh_alt={"description": "Other Chinese names, searched as the title"},
                body={"description": "Markdown"},
                path={"description": "The record's file"}),
            **own(A.MeasureOwn),
        },
        "additionalProperties": False,
    },
    "BatchList": _list_of("batches", list(_BATCH_SUMMARY), _BATCH_SUMMARY),
    "Batch": {
        "type": "object",
        "required": [*_BATCH_SUMMARY, "source", "items"],
        "properties": {
            **_BATCH_SUMMARY,
            **record_fields(
                Batch, "title_source", "items_stated_source", "source", "note",
                title_source={"description": "The source giving the English title; null: the "
                                             "project's translation"}),
            "source_url": {"type": "string"},
            "items": {"type": "array", "items": _ref("BatchItem")},
        },
    },
    "BatchItem": {
        "type": "object",
        "required": ["name_zh", "name_en", "name_en_is_ours", "field", "field_name",
                     "field_name_zh", "scope", "areas_zh", "department", "zones",
                     "record", "record_url"],
        "properties": {
            **record_fields(
                BatchItem,
                name_zh={"description": "As the batch lists it"},
                name_zh_note={"description": "Says so when name_zh is not the batch's own "
                                             "wording (ours, or a report's)"},
                scope={"description": "Where it is to be replicated: everywhere, or in the "
                                      "areas named (areas_zh); null where the sources in "
                                      "reach do not say"},
                zones={"description": "The zones it came from"},
                record={"description": "The record that describes it; null: listed, not yet "
                                       "recorded"}),
            "name_en_is_ours": {"type": "boolean",
                                "description": "The English name is the project's "
                                               "translation"},
            "field": _REFORM_FIELD,
            "field_name": {"type": ["string", "null"]},
            "field_name_zh": {"type": ["string", "null"]},
            "record_url": {"type": ["string", "null"]},
        },
    },
    "ZoneList": _list_of("zones", ["id", "name", "name_zh", "established", "count"], {
        **record_fields(Zone), **own(A.Listed)}),
    "PillarList": _list_of("pillars", ["id", "name", "name_zh", "statement", "count"], {
        **record_fields(Pillar, statement={"description": "Verbatim from the source"}),
        **own(A.Listed)}),
}
# Every object of an answer holds the keys described and no others: a key added to an answer
# without its field (record schema) or model (api_models.py) fails
# tests/test_openapi_schemas.py, which validates the answers against this description.
for _name in ("LineageStep", "Source", "Batch", "BatchItem"):
    SCHEMAS[_name]["additionalProperties"] = False
SCHEMAS["Source"]["properties"]["figures"]["items"]["additionalProperties"] = False
