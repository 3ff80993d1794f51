"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json."""

from __future__ import annotations

import copy

from indexer.facets import FACETS, FILTER_KINDS, FILTERS
from indexer.records.model import ISSUERS
from indexer.search import MAX_PER_PAGE, MAX_QUERY_LENGTH

from .params import MAX_PAGE

_ID = {"type": "string", "pattern": "^[a-z0-9-]+$"}


def _facet_parameter(facet) -> dict:
    """A filter facet's query parameter (indexer/facets.py); its enum, the facet's allowed
    values, is filled in when the description is served (describe)."""
    return {"name": facet.key, "in": "query", "required": False, "explode": True,
            "style": "form", "description": facet.api,
            "schema": {"type": "array", "items": {"type": "string"}}}


_PREFIXES = ", ".join(f"{f.prefixes[0]}:" for f in FACETS)
_ERROR = {"$ref": "#/components/schemas/Error"}
_STATUS = {"type": ["string", "null"], "enum": ["piloted", "replicated", "nationwide", None]}
_QUOTE = {"type": ["string", "null"],
          "description": "Verbatim from a held source; null on a cited one"}
_BODY_ZH = {"type": ["string", "null"],
            "description": "The record's Chinese text (Markdown), written from the same facts; "
                           "null when the record has none"}
_ISSUER = {"type": "string", "enum": list(ISSUERS),
           "description": "state-council: a batch of reform pilot experiences to replicate; "
                          "mofcom: a batch of best-practice cases"}
_BATCH_ID = {"type": "string", "pattern": "^(%s)-[1-9][0-9]?$" % "|".join(
    about["prefix"] for about in ISSUERS.values())}
# Its enum is the knowledge base's fields of reform, filled in when the description is served.
_REFORM_FIELD = {"type": ["string", "null"],
                 "description": "A field of reform (measures/reform-fields.yaml, listed at "
                                "/nationwide); null where the sources in reach give none"}
# What /api/batches says of each batch, and /api/batches/{id} of its one batch.
_BATCH_SUMMARY = {
    "id": _BATCH_ID,
    "issuer": _ISSUER,
    "number": {"type": "integer", "minimum": 1},
    "title": {"type": "string"},
    "title_zh": {"type": "string"},
    "title_zh_note": {"type": ["string", "null"],
                      "description": "Says so when title_zh is not the document's own title"},
    "title_is_ours": {"type": "boolean",
                      "description": "The English title is the project's translation"},
    "document_number": {"type": ["string", "null"]},
    "date": {"type": "string", "description": "YYYY, YYYY-MM or YYYY-MM-DD"},
    "items_stated": {"type": ["integer", "null"], "minimum": 0,
                     "description": "The number of items the batch states; null when no source "
                                    "in reach gives it"},
    "items_listed": {"type": "integer", "minimum": 0,
                     "description": "The items the sources in reach list (the register's items)"},
    "items_recorded": {"type": "integer", "minimum": 0,
                       "description": "Listed items that have a record"},
    "url": {"type": "string", "description": "The batch's page"},
}
# A zone's id and names, wherever a zone is described (the zone list, a zone without records)
_ZONE_NAMES = {"id": _ID, "name": {"type": "string"}, "name_zh": {"type": "string"},
               "short": {"type": "string"}, "short_zh": {"type": "string"}}
# What a hit and a measure both carry besides their source: the other sources and the lineage.
_CITATION_TRAIL = {
    "see_also": {"type": "array", "items": _ID, "description": "Other sources reporting the measure"},
    "see_also_sources": {"type": "array", "items": {"$ref": "#/components/schemas/Source"}},
    "lineage": {"type": "array", "items": {"$ref": "#/components/schemas/LineageStep"}},
}


# The language of the names in `labels` and of the page addresses (`url`): /zh/ pages with zh.
_LANG = {"name": "lang", "in": "query", "required": False,
         "description": "`zh` adds `labels` (the zones', pillar's and status's names in Chinese) "
                        "and links the /zh/ pages; the CSV and Atom exports take it too.",
         "schema": {"type": "string", "enum": ["en", "zh"], "default": "en"}}
_LABELS = {"type": "object", "description": "Only with lang=zh: names in that language",
           "properties": {"zones": {"type": "array", "items": {"type": "string"}},
                          "pillar": {"type": "string"},
                          "status": {"type": ["string", "null"]}}}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ERROR}}}


# Which index answered: replicas behind a load balancer may answer from different
# generations for a moment after a new index is published (docs/deploy.md).
_GENERATION_HEADER = {"X-Index-Generation": {
    "required": True,
    "description": "The index generation that answered, then its commit (gen-000007.3)",
    "schema": {"type": "string", "pattern": "^gen-[0-9]+\\.[0-9]+$"},
}}


def _ok(description: str, ref: str) -> dict:
    return {"description": description, "headers": _GENERATION_HEADER,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


OPENAPI: dict = {
    "openapi": "3.1.0",
    "info": {
        "title": "China FTZ Reform Measures API",
        "version": "1.0.0",
        "description": (
            "Search and read the reform measures of China's pilot free trade zones. "
            "Every error is a JSON object with an `error` message."
        ),
    },
    "servers": [{"url": "/"}],
    "paths": {
        "/api/search": {
            "get": {
                "operationId": "searchMeasures",
                "summary": f"Search measures, with facet counts by {', '.join(FILTER_KINDS)}",
                "description": (
                    "Full-text search in English and Chinese. An empty `q` browses every "
                    "matching measure, newest first. Several `zone` parameters mean any of "
                    f"them; the filters ({', '.join(FILTER_KINDS)}) combine with AND. Facet "
                    "counts are disjunctive: each facet's counts ignore its own filter."
                ),
                "parameters": [
                    {"name": "q", "in": "query", "required": False,
                     "description": "Search words in English or Chinese; \"phrases\", AND, OR, "
                                    f"NOT, brackets, prefix* and the fields {_PREFIXES} tag: "
                                    "and title: (README, Search syntax). "
                                    "When no measure holds every word, the least useful words "
                                    "are left out and `relaxed` says which.",
                     "schema": {"type": "string", "default": "", "maxLength": MAX_QUERY_LENGTH}},
                    # one per filter facet, in the registry's order
                    *(_facet_parameter(facet) for facet in FILTERS),
                    {"name": "page", "in": "query", "required": False,
                     "description": "Page number from 1; a page past the end is empty.",
                     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE,
                                "default": 1}},
                    {"name": "per_page", "in": "query", "required": False,
                     "description": "Results per page.",
                     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                "default": 20}},
                    _LANG,
                ],
                "responses": {
                    "200": _ok("One page of results", "SearchResult"),
                    "400": _error(f"Unknown {', '.join(FILTER_KINDS)} value, or page/per_page "
                                  "out of range or not a number"),
                },
            }
        },
        "/api/measures/{id}": {
            "get": {
                "operationId": "getMeasure",
                "summary": "One measure: its record, rendered body and cited source",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": _ID},
                               _LANG],
                "responses": {
                    "200": _ok("The measure", "Measure"),
                    "404": _error("No measure with this id"),
                },
            }
        },
        "/api/batches": {
            "get": {
                "operationId": "listBatches",
                "summary": "The replication register: the State Council's batches of reform "
                           "pilot experiences, then MOFCOM's batches of best-practice cases",
                "responses": {"200": _ok("Every batch with its counts", "BatchList")},
            }
        },
        "/api/batches/{id}": {
            "get": {
                "operationId": "getBatch",
                "summary": "One batch with the items the sources in reach list",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": _BATCH_ID}],
                "responses": {
                    "200": _ok("The batch and its items", "Batch"),
                    "404": _error("No batch with this id"),
                },
            }
        },
        "/api/zones": {
            "get": {
                "operationId": "listZones",
                "summary": "The pilot free trade zones in order of establishment",
                "responses": {"200": _ok("Every zone with its measure count", "ZoneList")},
            }
        },
        "/api/pillars": {
            "get": {
                "operationId": "listPillars",
                "summary": "The four pillars of the MOFCOM statement of 11 May 2023",
                "responses": {"200": _ok("Every pillar with its measure count", "PillarList")},
            }
        },
    },
    "components": {
        "schemas": {
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
                "required": ["id", "title", "title_zh", "zones", "pillar", "date", "status",
                             "tags", "url", "source", "quote", "see_also", "see_also_sources",
                             "lineage", "snippet", "explanation"],
                "properties": {
                    "id": _ID,
                    "title": {"type": "string"},
                    "title_zh": {"type": "string"},
                    "zones": {"type": "array", "items": _ID},
                    "pillar": _ID,
                    "date": {"type": "string", "format": "date"},
                    "status": _STATUS,
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "url": {"type": ["string", "null"],
                            "description": "The measure's page (absolute in exports; null from "
                                           "the command line)"},
                    "source": {"$ref": "#/components/schemas/Source"},
                    "quote": _QUOTE,
                    "body_zh": _BODY_ZH,
                    **_CITATION_TRAIL,
                    "body_zh": {"type": ["string", "null"],
                                "description": "The record's Chinese text, where it has one"},
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
                    "labels": _LABELS,
                },
            },
            "LineageStep": {
                "type": "object",
                "required": ["scope", "date", "source"],
                "properties": {
                    "scope": {"type": "string",
                              "enum": ["province", "national", "best-practice-case"]},
                    "batch": {"type": ["string", "null"]},
                    "date": {"type": "string", "description": "YYYY, YYYY-MM or YYYY-MM-DD"},
                    "source": _ID,
                    "note": {"type": ["string", "null"]},
                },
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
                    "id": _ID,
                    "kind": {"type": "string", "enum": ["held", "cited"],
                             "description": "held: its text is kept and quoted; cited: a public "
                                            "page linked and described in the project's words"},
                    "url": {"type": ["string", "null"],
                            "description": "The source's page on this site (null from the "
                                           "command line)"},
                    "original_url": {"type": ["string", "null"],
                                     "description": "Where the publisher published it"},
                    "title": {"type": "string"},
                    "title_zh": {"type": ["string", "null"]},
                    "publisher": {"type": "string"},
                    "date": {"type": "string", "format": "date"},
                    "language": {"type": "string"},
                    "reprint_of": {"type": ["string", "null"]},
                    "description": {"type": ["string", "null"],
                                    "description": "A cited source, in the project's words"},
                    "note": {"type": ["string", "null"]},
                    "figures": {"type": "array", "items": {"type": "object"}},
                },
            },
            "Measure": {
                "type": "object",
                "required": ["id", "title", "title_zh", "zones", "pillar", "date", "body",
                             "body_html", "source", "url"],
                "properties": {
                    "labels": _LABELS,
                    "id": _ID,
                    "title": {"type": "string"},
                    "title_zh": {"type": "string"},
                    "zones": {"type": "array", "items": _ID},
                    "zones_note": {"type": ["string", "null"]},
                    "body_zh": {"type": ["string", "null"]},
                    "pillar": _ID,
                    "date": {"type": "string", "format": "date"},
                    "status": _STATUS,
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "quote": _QUOTE,
                    "title_zh_note": {"type": ["string", "null"],
                                      "description": "Says when title_zh is a translation"},
                    "title_zh_source": {"type": ["string", "null"],
                                        "description": "The source giving title_zh as the "
                                                       "official name (a source id)"},
                    "title_zh_alt": {"type": ["array", "null"], "items": {"type": "string"},
                                     "description": "Other Chinese names, searched as the title"},
                    **_CITATION_TRAIL,
                    "body": {"type": "string", "description": "Markdown"},
                    "body_zh": _BODY_ZH,
                    "body_html": {"type": "string", "description": "Sanitized HTML"},
                    "path": {"type": "string", "description": "The record's file"},
                    "source": {"$ref": "#/components/schemas/Source"},
                    "url": {"type": "string"},
                },
            },
            "BatchList": {
                "type": "object",
                "required": ["batches"],
                "properties": {"batches": {"type": "array", "items": {
                    "type": "object",
                    "required": list(_BATCH_SUMMARY),
                    "properties": _BATCH_SUMMARY,
                }}},
            },
            "Batch": {
                "type": "object",
                "required": [*_BATCH_SUMMARY, "source", "items"],
                "properties": {
                    **_BATCH_SUMMARY,
                    "title_source": {"type": ["string", "null"],
                                     "description": "The source giving the English title; "
                                                    "null: the project's translation"},
                    "items_stated_source": {"type": ["string", "null"]},
                    "source": _ID,
                    "source_url": {"type": "string"},
                    "note": {"type": ["string", "null"]},
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/BatchItem"}},
                },
            },
            "BatchItem": {
                "type": "object",
                "required": ["name_zh", "name_en", "name_en_is_ours", "field", "field_name",
                             "field_name_zh", "scope", "areas_zh", "department", "zones",
                             "record", "record_url"],
                "properties": {
                    "name_zh": {"type": "string", "description": "As the batch lists it"},
                    "name_zh_note": {"type": ["string", "null"],
                                     "description": "Says so when name_zh is not the batch's own "
                                                    "wording (ours, or a report's)"},
                    "name_en": {"type": "string"},
                    "name_en_is_ours": {"type": "boolean",
                                        "description": "The English name is the project's "
                                                       "translation"},
                    "name_en_source": {"type": ["string", "null"]},
                    "field": _REFORM_FIELD,
                    "field_name": {"type": ["string", "null"]},
                    "field_name_zh": {"type": ["string", "null"]},
                    "scope": {"type": ["string", "null"], "enum": ["nationwide", "areas", None],
                              "description": "Where it is to be replicated: everywhere, or in "
                                             "the areas named (areas_zh); null where the "
                                             "sources in reach do not say"},
                    "areas_zh": {"type": ["string", "null"]},
                    "department": {"type": ["string", "null"]},
                    "zones": {"type": "array", "items": _ID,
                              "description": "The zones it came from"},
                    "zones_source": {"type": ["string", "null"]},
                    "record": {"type": ["string", "null"],
                               "description": "The record that describes it; null: listed, not "
                                              "yet recorded"},
                    "record_url": {"type": ["string", "null"]},
                },
            },
            "ZoneList": {
                "type": "object",
                "required": ["zones"],
                "properties": {"zones": {"type": "array", "items": {
                    "type": "object",
                    "required": ["id", "name", "name_zh", "established", "count"],
                    "properties": {
                        **_ZONE_NAMES,
                        "established": {"type": "integer"},
                        "tile": {"type": ["array", "null"], "items": {"type": "integer"}},
                        "count": {"type": "integer", "minimum": 0},
                        "url": {"type": "string"},
                    },
                }}},
            },
            "PillarList": {
                "type": "object",
                "required": ["pillars"],
                "properties": {"pillars": {"type": "array", "items": {
                    "type": "object",
                    "required": ["id", "name", "name_zh", "statement", "count"],
                    "properties": {
                        "id": _ID,
                        "name": {"type": "string"},
                        "name_zh": {"type": "string"},
                        "statement": {"type": "string", "description": "Verbatim from the source"},
                        "statement_zh": {"type": "string"},
                        "source": _ID,
                        "count": {"type": "integer", "minimum": 0},
                        "url": {"type": "string"},
                    },
                }}},
            },
        }
    },
}


def describe(reform_fields: list[str], choices: dict[str, list[str]]) -> dict:
    """The description with the allowed values that are data: the ids of the fields of
    reform, and each facet's allowed values (`choices`, by facet key)."""
    doc = copy.deepcopy(OPENAPI)
    for parameter in doc["paths"]["/api/search"]["get"]["parameters"]:
        allowed = choices.get(parameter["name"]) if parameter["name"] in FILTER_KINDS else None
        if allowed is not None:
            parameter["schema"]["items"]["enum"] = list(allowed)
    item = doc["components"]["schemas"]["BatchItem"]["properties"]
    item["field"]["enum"] = [*reform_fields, None]
    return doc
