"""The components of the API's OpenAPI description (webapp/openapi.py): what each answer holds.

A record's fields are described once, in the record schema (indexer/records/schema.py): the
Hit, Measure, LineageStep, Source (with its figures), zone, pillar, Batch and BatchItem
schemas take their properties from the models' `model_json_schema()` (pydantic): types,
patterns and allowed values (enums) from the JSON form of each field's normalizer, null
where the model's default is None. Here is what only the API gives (links, labels,
snippets, counts) and the descriptions a reader of the API needs.
"""

from __future__ import annotations

from functools import lru_cache

from indexer.facets import FILTER_KINDS
from indexer.records import fields as F
from indexer.records.schema import (ISSUERS, Batch, BatchItem, Figure, LineageStep, Measure, Pillar,
                                    Source, Zone, fields_of, nested, not_shown, shown)
from indexer.search.serialize import HIT_KEYS, MEASURE_EXTRA_KEYS, SEARCH_KEYS

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


def required(model: type) -> list[str]:
    """The fields every value of `model` has (no default), as its JSON Schema says."""
    return model.model_json_schema()["required"]


def _list_of(key: str, required: list[str], properties: dict) -> dict:
    """An answer that is one list under `key` of objects with these properties."""
    return {"type": "object", "required": [key], "properties": {key: {"type": "array", "items": {
        "type": "object", "required": required, "properties": properties}}}}


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
    "title_is_ours": {"type": "boolean",
                      "description": "The English title is the project's translation"},
    "items_listed": {"type": "integer", "minimum": 0,
                     "description": "The items the sources in reach list (the register's items)"},
    "items_recorded": {"type": "integer", "minimum": 0,
                       "description": "Listed items that have a record"},
    "url": {"type": "string", "description": "The batch's page"},
}
# A zone's id and names, wherever a zone is described (the zone list, a zone without records)
_ZONE_NAMES = record_fields(Zone, "id", "name", "name_zh", "short", "short_zh")
_LABELS = {"type": "object", "description": "Only with lang=zh: names in that language",
           "properties": {"zones": {"type": "array", "items": {"type": "string"}},
                          "pillar": {"type": "string"},
                          "status": {"type": ["string", "null"]}}}
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
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string"},
            "kind": {"type": "string", "enum": list(FILTER_KINDS),
                     "description": "The kind of an unknown filter value"},
            "value": {"type": "string"},
            "suggestion": {"type": ["string", "null"]},
            "known": {"type": ["array", "null"], "items": {"type": "string"},
                      "description": "The values the filter knows, where they are few "
                                     "enough to list"},
        },
    },
    "Hit": {
        "type": "object",
        "description": "A measure as every list describes it: /api/search, the exports "
                       "(/search.json; /search.csv spreads it into columns) and "
                       "`ftz search --json`",
        "required": list(HIT_KEYS),  # serialize.hit gives every one
        "properties": {
            **_RECORD,
            "url": {"type": ["string", "null"],
                    "description": "The measure's page (absolute in exports; null from "
                                   "the command line)"},
            "matched_words": {"type": "array", "items": {"type": "string"},
                              "description": "The query's words (or terms) this measure "
                                             "holds: all of them unless no measure held "
                                             "every word (see `relaxed`)"},
            "snippet": {"type": "string",
                        "description": "Escaped HTML with <mark> around matched words; "
                                       "empty in exports"},
            "explanation": {"type": "array", "items": {"type": "string"},
                            "description": "How the query matched where it was not "
                                           "word for word, e.g. through a synonym"},
        },
    },
    "LineageStep": {
        "type": "object",
        "required": required(LineageStep),
        "properties": record_fields(LineageStep),
    },
    "SearchResult": {
        "type": "object",
        "required": ["query", "total", "page", "per_page", "results", "facets",
                     "suggestion", "corrected_from", "relaxed", "zones_without_records",
                     "notes"],
        "properties": {
            "query": {"type": "string"},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "facets": {
                "type": "object",
                "required": list(FILTER_KINDS),
                "properties": {kind: {"type": "object",
                                      "additionalProperties": {"type": "integer"}}
                               for kind in FILTER_KINDS},
            },
            "suggestion": {"type": ["string", "null"],
                           "description": "A likelier spelling of the whole query; "
                                          "offered only when it finds something"},
            "corrected_from": {
                "type": ["string", "null"],
                "description": "Set when the query found nothing and the results are "
                               "those of `suggestion`; holds the original query",
            },
            "relaxed": {"$ref": "#/components/schemas/Relaxed"},
            "corrected": {"type": "boolean",
                          "description": "Whether the results are those of a corrected "
                                         "spelling (`suggestion`)"},
            "matched_words": {"type": "array", "items": {"type": "string"},
                              "description": "The query's plain words (or terms) that "
                                             "some measure found holds"},
            "unmatched_words": {"type": "array", "items": {"type": "string"},
                                "description": "The query's plain words (or terms) that "
                                               "no measure found holds"},
            "zones_without_records": {
                "type": "array", "items": {"$ref": "#/components/schemas/ZoneWithoutRecords"},
                "description": "Zones the query (or a zone filter) names that have no "
                               "measure yet: each with its names and page",
            },
            "notes": {"type": "array", "items": {"type": "string"},
                      "description": "Every note on the search, in English (in "
                                     "Chinese with lang=zh): how the "
                                     "query was read (syntax the search does not do, "
                                     "unknown fields or zones), then a correction, "
                                     "words left out and zones without measures"},
        },
    },
    "Relaxed": {
        "type": ["object", "null"],
        "description": "Set when no measure holds every word of the query (or of its "
                       "correction): words no measure holds are `unheld`; of the others "
                       "the rarest that some measure holds together are `kept` (the "
                       "commonest are left out first, so a common word is never kept "
                       "while a rarer one is left out). A measure shown holds every "
                       "kept word, or at least `minimum` of the query's words; all of "
                       "them rank it (BM25), so those holding more of the query, and "
                       "its rarer words, come first. Quoted phrases, fields and NOT "
                       "parts are always kept; a query with AND, OR or brackets is "
                       "never relaxed.",
        "required": ["query", "kept", "dropped"],
        "properties": {
            "query": {"type": "string", "description": "What was searched"},
            "kept": {"type": "array", "items": {"type": "string"}},
            "dropped": {"type": "array", "items": {"type": "string"},
                        "description": "The words (or terms) a measure need not hold"},
            "ranking": {"type": "array", "items": {"type": "string"},
                        "description": "Words left out that still rank: a measure "
                                       "holding them comes first"},
            "unheld": {"type": "array", "items": {"type": "string"},
                       "description": "Words no measure (within the filters) holds"},
            "minimum": {"type": "integer",
                        "description": "A measure shown holds every `kept` word, or at "
                                       "least this many of the query's words"},
        },
    },
    "ZoneWithoutRecords": {
        "type": "object",
        "required": ["id", "name", "name_zh", "short", "short_zh", "named_as", "url"],
        "properties": {
            **_ZONE_NAMES,
            "named_as": {"type": "string",
                         "description": "The words of the query that name the zone "
                                        "(its name, or a place in it)"},
            "url": {"type": ["string", "null"],
                    "description": "The zone's page (null from the command line)"},
        },
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
            "body_html": {"type": "string", "description": "Sanitized HTML"},
            "url": {"type": "string"},
        },
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
        **record_fields(Zone),
        "count": {"type": "integer", "minimum": 0},
        "url": {"type": "string"},
    }),
    "PillarList": _list_of("pillars", ["id", "name", "name_zh", "statement", "count"], {
        **record_fields(Pillar, statement={"description": "Verbatim from the source"}),
        "count": {"type": "integer", "minimum": 0},
        "url": {"type": "string"},
    }),
}
