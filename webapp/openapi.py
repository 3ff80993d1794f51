"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json: its routes and
parameters here, the answers' schemas in webapp/openapi_schemas.py (the record's fields from
its field tables). The filters' allowed values are the facets' (indexer/facets.py), filled in
from the index when the description is served (describe)."""

from __future__ import annotations

import copy

from indexer.facets import FACETS, FILTER_KINDS, FILTERS
from indexer.search import MAX_PER_PAGE, MAX_QUERY_LENGTH

from .openapi_schemas import BATCH_ID, ID, SCHEMAS
from .params import MAX_PAGE


def _facet_parameter(facet) -> dict:
    """A filter facet's query parameter (indexer/facets.py); its enum, the facet's allowed
    values, is filled in when the description is served (describe)."""
    return {"name": facet.key, "in": "query", "required": False, "explode": True,
            "style": "form", "description": facet.api,
            "schema": {"type": "array", "items": {"type": "string"}}}


_PREFIXES = ", ".join(f"{f.prefixes[0]}:" for f in FACETS)
_ERROR = {"$ref": "#/components/schemas/Error"}
# The language of the names in `labels` and of the page addresses (`url`): /zh/ pages with zh.
_LANG = {"name": "lang", "in": "query", "required": False,
         "description": "`zh` adds `labels` (the zones', pillar's and status's names in Chinese) "
                        "and links the /zh/ pages; the CSV and Atom exports take it too.",
         "schema": {"type": "string", "enum": ["en", "zh"], "default": "en"}}


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
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": ID},
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
                                "schema": BATCH_ID}],
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
    "components": {"schemas": SCHEMAS},
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
