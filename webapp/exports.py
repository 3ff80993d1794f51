"""Take results away: any search or browse as CSV, JSON or an Atom feed, with /search's parameters.

``/search.csv``, ``/search.json`` and ``/search.atom`` read q, zone (repeatable) and pillar
(repeatable) exactly as ``/search`` does. The CSV and JSON hold every matching measure, not a
page of them, up to EXPORT_LIMIT (10,000 unless configured); the feed holds the newest
FEED_ENTRIES of them.
"""

from __future__ import annotations

import csv
import io
import re

from flask import Blueprint, Response, current_app, request, url_for

from indexer import serialize

from . import feeds
from .api import site_links, sources_by_id
from .kb import get_kb
from .params import SearchParams, parse_search_params

bp = Blueprint("exports", __name__)

CSV_COLUMNS = serialize.FLAT_COLUMNS
JOIN = ";"
# Spreadsheets read a cell starting with one of these as a formula; such cells get a "'".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_links(params: SearchParams) -> dict[str, str]:
    """CSV, JSON and Atom URLs of the same measures, for the page's "take away" links."""
    args = params.filter_args()  # paging left out: exports are whole
    return {kind: url_for(f"exports.{kind}", **args) for kind in ("csv", "json", "atom")}


def matching_measures(kb, params: SearchParams, limit: int, order: str = "relevance"):
    """(SearchResult, up to ``limit`` hits) in the search's order, or newest first."""
    result = kb.export(params.query, zones=params.zones, pillars=params.pillars,
                       scopes=params.scopes, limit=limit, order=order)
    return result, result.hits


def _cell(value) -> str:
    if value is None:
        return ""
    text = JOIN.join(value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(rows: list[dict]) -> str:
    """CSV with a byte-order mark, so that spreadsheet programs read it as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        row = serialize.flat(row)
        writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
    return out.getvalue()


def file_name(params: SearchParams, extension: str) -> str:
    """An ASCII name saying what was exported: ftz-measures-zhejiang-logistics-oil.csv."""
    words = re.findall(r"[a-z0-9]+", params.query.lower())[:5]
    parts = ["ftz-measures", *params.zones, *params.pillars, *params.scopes, *words]
    return "-".join(parts)[:120] + "." + extension


def _export(params: SearchParams):
    """The search's measures, each described as /api/search describes a hit (absolute URLs)."""
    kb = get_kb()
    first, hits = matching_measures(kb, params, current_app.config["EXPORT_LIMIT"])
    sources, links = sources_by_id(kb), site_links(external=True)
    return first, [serialize.hit(hit, sources, links) for hit in hits]


@bp.get("/search.csv", endpoint="csv")
def csv_export():
    params = parse_search_params(request.args)
    first, rows = _export(params)
    return Response(csv_text(rows), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{file_name(params, "csv")}"',
        "X-Total-Count": str(first.total),
    })


@bp.get("/search.json", endpoint="json")
def json_export():
    params = parse_search_params(request.args)
    first, rows = _export(params)
    response = current_app.json.response({
        "query": params.query,
        "zones": list(params.zones),
        "pillars": list(params.pillars),
        "scopes": list(params.scopes),
        "total": first.total,
        "truncated": len(rows) < first.total,
        # what was exported when the query as typed found nothing (a correction, words left out)
        **serialize.resolution(first, site_links(external=True)),
        "measures": rows,
    })
    response.headers["Content-Disposition"] = f'inline; filename="{file_name(params, "json")}"'
    return response


@bp.get("/search.atom", endpoint="atom")
def atom_feed():
    params = parse_search_params(request.args)
    kb = get_kb()
    result, newest = matching_measures(kb, params, feeds.FEED_ENTRIES, order="newest")
    names = {z["id"]: z for z in kb.zones()}
    pillars = {p["id"]: p for p in kb.pillars()}
    xml = feeds.atom(params, newest, names, pillars,
                     authority=current_app.config["FEED_TAG_AUTHORITY"] or request.host.split(":")[0],
                     fallback_updated=_newest_date(kb), notes=result.messages())
    return Response(xml, mimetype="application/atom+xml")


def _newest_date(kb) -> str:
    hits = kb.search("", per_page=1).hits
    return hits[0].date if hits else "1970-01-01"

