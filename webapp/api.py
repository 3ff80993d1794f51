"""The JSON API under /api: search, one measure, zones, pillars, and its OpenAPI description."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request, url_for

from .kb import get_kb
from .openapi import OPENAPI
from .params import parse_search_params
from .rendering import render_markdown

bp = Blueprint("api", __name__)


def _measure_url(measure_id: str) -> str:
    return url_for("pages.measure", measure_id=measure_id)


@bp.get("/search")
def search():
    params = parse_search_params(request.args, current_app.config["PER_PAGE"])
    result = get_kb().search(**params.search_kwargs())
    return {
        "query": result.query,
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "results": [
            {
                "id": hit.id,
                "title": hit.title,
                "title_zh": hit.title_zh,
                "zones": list(hit.zones),
                "pillar": hit.pillar,
                "date": hit.date,
                "url": _measure_url(hit.id),
                "snippet": hit.snippet,
                "explanation": list(hit.explanation),
            }
            for hit in result.hits
        ],
        "facets": {"zone": dict(result.facets.get("zone", {})),
                   "pillar": dict(result.facets.get("pillar", {}))},
        "suggestion": result.suggestion,
        "corrected_from": result.corrected_from,
        "notes": list(result.notes),
    }


@bp.get("/measures/<id:measure_id>")
def measure(measure_id: str):
    kb = get_kb()
    record = kb.measure(measure_id) or abort(404, description=f"no measure {measure_id!r}")
    data = dict(record)
    data["url"] = _measure_url(measure_id)
    data["body_html"] = str(render_markdown(record.get("body")))
    source = kb.source(record["source"]) if record.get("source") else None
    if source is not None:
        source = {k: v for k, v in source.items() if k != "text"}
        # `url` is the site's page, as everywhere in the API; the publisher's page stays cited
        source["original_url"] = source.get("url")
        source["url"] = url_for("pages.source", source_id=source["id"])
    data["source"] = source
    return data


@bp.get("/zones")
def zones():
    return {"zones": [dict(zone, url=url_for("pages.zone", zone_id=zone["id"]))
                      for zone in get_kb().zones()]}


@bp.get("/pillars")
def pillars():
    return {"pillars": [dict(pillar, url=url_for("pages.pillar", pillar_id=pillar["id"]))
                        for pillar in get_kb().pillars()]}


@bp.get("/openapi.json")
def openapi():
    return OPENAPI
