"""The components of the API's OpenAPI description (webapp/openapi.py): what each answer holds.

Every component is the JSON Schema (`model_json_schema()`, pydantic) of a model of
webapp/api_models.py, and of the record schema's models those hold (a lineage step, a
figure): a record's fields with their types, patterns, allowed values and descriptions from
the record schema (indexer/records/schema.py), the API's own keys from its models. Here they
are only written as the document writes them: no titles or defaults, `X or null` as one
schema whose type may be null, a figure inside its source. Every object is closed
(`additionalProperties` false), so an answer's key without its field or model fails the
answers' tests (tests/test_openapi_schemas.py).
"""

from __future__ import annotations

from indexer.records import fields as F

from . import api_models as A

_REF = "#/components/schemas/{model}"
# components written where they are used, not by name
_INLINE = ("Figure",)


def _plain(schema: dict) -> dict:
    """A property as the description writes it: `X or null` as one schema whose type may be
    null."""
    options = schema.get("anyOf")
    if options and len(options) == 2 and {"type": "null"} in options:
        kind = next(o for o in options if o != {"type": "null"})
        if "$ref" not in kind:
            rest = {k: v for k, v in schema.items() if k != "anyOf"}
            return {**F.nullable(kind), **rest}
    return schema


def _clean(node, inline: dict):
    """A generated schema as the description writes it, at every depth: no title or default,
    nullable properties as one schema (_plain), the components of _INLINE in place."""
    if isinstance(node, list):
        return [_clean(n, inline) for n in node]
    if not isinstance(node, dict):
        return node
    if node.get("$ref", "").rpartition("/")[2] in inline:
        return _clean(inline[node["$ref"].rpartition("/")[2]], inline)
    out = {k: _clean(v, inline) for k, v in node.items()
           if k not in ("title", "default", "properties")}
    if "properties" in node:
        out["properties"] = {k: _plain(_clean(v, inline)) for k, v in node["properties"].items()}
    return out


def generated(*models: type) -> dict:
    """The components of the answers' models, by name, with the models they hold."""
    out = {}
    for model in models:
        schema = model.model_json_schema(ref_template=_REF)
        defs = schema.pop("$defs", {})
        inline = {name: defs.pop(name) for name in _INLINE if name in defs}
        out.update({name: _clean(d, inline) for name, d in defs.items()})
        out[model.__name__] = _clean(schema, inline)
    return out


def _list_of(key: str, model: type) -> dict:
    """An answer that is one list under `key` of `model`'s objects."""
    return {"type": "object", "required": [key], "additionalProperties": False,
            "properties": {key: {"type": "array", "items": generated(model)[model.__name__]}}}


SCHEMAS: dict = {
    **generated(*A.MODELS),
    "BatchList": _list_of("batches", A.BatchSummary),
    "ZoneList": _list_of("zones", A.ZoneListed),
    "PillarList": _list_of("pillars", A.PillarListed),
}
for _name in ("BatchSummary", "ZoneListed", "PillarListed"):  # written in their lists
    del SCHEMAS[_name]
# what webapp/api.py declares of a path's parameters
ID = F.ID_SCHEMA
BATCH_ID = SCHEMAS["Batch"]["properties"]["id"]
