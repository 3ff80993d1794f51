"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json, generated from
the Flask app's routes: every /api/ rule of its url_map is a path (its path parameters from
the rule), each operation's summary and description are its view's docstring (first
paragraph, then the rest), and what the docstring cannot say (operationId, query parameters,
responses) is the small declaration beside the view (`operation`, webapp/api.py). The
answers' schemas are pydantic's (webapp/openapi_schemas.py); the filters' allowed values are
the facets' (indexer/facets.py), filled in from the index when it is served (describe).
This module does not import the routes' module (webapp/api.py imports it): `document` takes
the app."""

from __future__ import annotations

import copy
import inspect
import re

from indexer.facets import FACETS, FILTER_KINDS, FILTERS
from indexer.search import MAX_PER_PAGE, MAX_QUERY_LENGTH

from .openapi_schemas import SCHEMAS
from .params import MAX_PAGE

_IGNORED_METHODS = {"HEAD", "OPTIONS"}
# what a view's docstring may name: {filters}, the filter facets' kinds
_DOC_NAMES = {"filters": ", ".join(FILTER_KINDS)}


def operation(operation_id: str, *, responses: dict, parameters: tuple = (),
              path: dict | None = None):
    """Declare a view's operation beside it: its id, query parameters, responses, and its
    path parameters' names in the document and schemas, by the rule's variable (a string
    of the converter's pattern, under the variable's name, otherwise)."""
    def declare(view):
        view.openapi = {"operationId": operation_id, "parameters": list(parameters),
                        "responses": responses, "path": dict(path or {})}
        return view
    return declare


def facet_parameter(facet) -> dict:
    """A filter facet's query parameter (indexer/facets.py); its enum, the facet's allowed
    values, is filled in when the description is served (describe)."""
    return {"name": facet.key, "in": "query", "required": False, "explode": True,
            "style": "form", "description": facet.api,
            "schema": {"type": "array", "items": {"type": "string"}}}


_PREFIXES = ", ".join(f"{f.prefixes[0]}:" for f in FACETS)
QUERY = {"name": "q", "in": "query", "required": False,
         "description": "Search words in English or Chinese; \"phrases\", AND, OR, "
                        f"NOT, brackets, prefix* and the fields {_PREFIXES} tag: "
                        "and title: (README, Search syntax). "
                        "When no measure holds every word, the least useful words "
                        "are left out and `relaxed` says which.",
         "schema": {"type": "string", "default": "", "maxLength": MAX_QUERY_LENGTH}}
# one per filter facet, in the registry's order
FACET_PARAMETERS = tuple(facet_parameter(facet) for facet in FILTERS)
PAGE = {"name": "page", "in": "query", "required": False,
        "description": "Page number from 1; a page past the end is empty.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}}
PER_PAGE = {"name": "per_page", "in": "query", "required": False,
            "description": "Results per page.",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20}}
# The language of the names in `labels` and of the page addresses (`url`): /zh/ pages with zh.
LANG = {"name": "lang", "in": "query", "required": False,
        "description": "`zh` adds `labels` (the zones', pillar's and status's names in Chinese) "
                       "and links the /zh/ pages; the CSV and Atom exports take it too.",
        "schema": {"type": "string", "enum": ["en", "zh"], "default": "en"}}
_ERROR = {"$ref": "#/components/schemas/Error"}


def error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ERROR}}}


# Which index answered: replicas behind a load balancer may answer from different
# generations for a moment after a new index is published (docs/deploy.md).
_GENERATION_HEADER = {"X-Index-Generation": {
    "required": True,
    "description": "The index generation that answered, then its commit (gen-000007.3)",
    "schema": {"type": "string", "pattern": "^gen-[0-9]+\\.[0-9]+$"},
}}


def ok(description: str, ref: str | None = None, *, schema: dict | None = None) -> dict:
    """A 200 answer, read from the index: JSON of the component `ref` (or `schema`), with
    the index generation's header."""
    return {"description": description, "headers": _GENERATION_HEADER,
            "content": {"application/json": {
                "schema": schema if schema is not None else {"$ref": f"#/components/schemas/{ref}"}}}}


_INFO = {
    "title": "China FTZ Reform Measures API",
    "version": "1.0.0",
    "description": (
        "Search and read the reform measures of China's pilot free trade zones. "
        "Every error is a JSON object with an `error` message."
    ),
}
_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^:<>]+)>")


def _docstring(view) -> tuple[str, str]:
    """A view's summary (its docstring's first paragraph) and description (the rest)."""
    text = inspect.cleandoc(view.__doc__ or "").format(**_DOC_NAMES)
    summary, _, rest = text.partition("\n\n")
    return " ".join(summary.split()), " ".join(rest.split())


def _converter_schema(converter) -> dict:
    regex = getattr(converter, "regex", None)
    return {"type": "string", "pattern": f"^{regex}$"} if regex and regex != "[^/]+" else {
        "type": "string"}


def _operation(rule, view) -> dict:
    declared = getattr(view, "openapi", None)
    if declared is None:
        raise LookupError(f"{rule.rule}: its view {rule.endpoint} declares no operation "
                          "(webapp.openapi.operation)")
    summary, description = _docstring(view)
    if not summary:
        raise LookupError(f"{rule.rule}: its view {rule.endpoint} has no docstring")
    found = {"operationId": declared["operationId"], "summary": summary}
    if description:
        found["description"] = description
    in_path = [{"name": name, "in": "path", "required": True, "schema": schema}
               for name, schema in (declared["path"].get(variable) or (
                   variable, _converter_schema(rule._converters[variable]))
                   for variable in _VARIABLE.findall(rule.rule))]
    if in_path or declared["parameters"]:
        found["parameters"] = [*in_path, *declared["parameters"]]
    found["responses"] = declared["responses"]
    return found


def paths(app) -> dict:
    """An OpenAPI path for every /api/ rule of the app, in the order the rules were added."""
    found: dict = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        view = app.view_functions[rule.endpoint]
        declared = getattr(view, "openapi", {}).get("path", {})
        item = found.setdefault(_VARIABLE.sub(
            lambda m: "{%s}" % declared.get(m[1], (m[1],))[0], rule.rule), {})
        for method in sorted(set(rule.methods) - _IGNORED_METHODS):
            item[method.lower()] = _operation(rule, view)
    return found


def document(app) -> dict:
    """The description of the app's API (allowed values that are data not filled in)."""
    return copy.deepcopy({"openapi": "3.1.0", "info": _INFO, "servers": [{"url": "/"}],
                          "paths": paths(app), "components": {"schemas": SCHEMAS}})


def describe(app, reform_fields: list[str], choices: dict[str, list[str]]) -> dict:
    """The app's description with the allowed values that are data: the ids of the fields
    of reform, and each facet's allowed values (`choices`, by facet key)."""
    doc = document(app)
    for parameter in doc["paths"]["/api/search"]["get"]["parameters"]:
        allowed = choices.get(parameter["name"]) if parameter["name"] in FILTER_KINDS else None
        if allowed is not None:
            parameter["schema"]["items"]["enum"] = list(allowed)
    counts = doc["components"]["schemas"]["Facets"]["properties"]  # api_models.Facets
    for kind, allowed in choices.items():
        if kind in counts:
            counts[kind]["propertyNames"] = {"enum": list(allowed)}
    item = doc["components"]["schemas"]["BatchItem"]["properties"]
    item["field"]["enum"] = [*reform_fields, None]
    return doc

