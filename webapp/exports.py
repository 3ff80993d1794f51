"""Take results away: any search or browse as CSV, JSON or an Atom feed, with /search's
parameters; a batch of the replication register as CSV.

``/search.csv``, ``/search.json`` and ``/search.atom`` read q and the facets' parameters (zone,
pillar, scope, year, each repeatable; indexer/facets.py) exactly as ``/search`` does. The CSV and JSON hold every matching measure, not a
page of them, up to EXPORT_LIMIT (10,000 unless configured); the feed holds the newest
FEED_ENTRIES of them.
"""

from __future__ import annotations

import csv
import io
import re

from flask import Blueprint, Response, abort, current_app, request, url_for

from indexer.search import serialize

from . import feeds, register
from .api import site_links
from .i18n import current_lang
from .kb import get_kb
from .labels import CSV_HEADERS_ZH, Labels, lang_of, localized_row, speaking
from .notes import localized_text as localized_note
from .params import SearchParams, parse_search_params

bp = Blueprint("exports", __name__)

# the record schema's Measure fields a hit gives, the citation spread into source_* columns
CSV_COLUMNS = serialize.FLAT_COLUMNS
JOIN = ";"
# Spreadsheets read a cell starting with one of these as a formula; such cells get a "'".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_links(params: SearchParams) -> dict[str, str]:
    """CSV, JSON and Atom URLs of the same measures, for the page's "take away" links; from a
    Chinese page, the CSV and the feed in Chinese (lang=zh)."""
    args = params.filter_args()  # paging left out: exports are whole
    chinese = {"lang": "zh"} if current_lang() == "zh" else {}
    return {"csv": url_for("exports.csv", **args, **chinese),
            "json": url_for("exports.json", **args),
            "atom": url_for("exports.atom", **args, **chinese)}


def matching_measures(kb, params: SearchParams, limit: int, order: str = "relevance"):
    """(SearchResult, up to ``limit`` hits) in the search's order, or newest first."""
    result = kb.export(params.query, limit=limit, order=order, **params.filter_kwargs())
    return result, result.hits


def _cell(value) -> str:
    if value is None:
        return ""
    text = JOIN.join(value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_table(columns, rows: list[dict]) -> str:
    """CSV of `rows` in `columns`, with a byte-order mark so that spreadsheet programs read it
    as UTF-8, and no cell a spreadsheet would take for a formula."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def csv_text(rows: list[dict], labels: Labels | None = None) -> str:
    """Measures (as serialize.hit describes them) as CSV, one row each; with Chinese
    `labels`, headed and named in Chinese (labels.py)."""
    if labels is None or labels.lang == "en":
        return csv_table(CSV_COLUMNS, [serialize.flat(row) for row in rows])
    flat = [localized_row(serialize.flat(row), row, labels) for row in rows]
    table = csv_table(CSV_COLUMNS, flat)
    header = ",".join(CSV_HEADERS_ZH[c] for c in CSV_COLUMNS)  # no header needs quoting
    first_line_end = table.index("\r\n")
    return "\ufeff" + header + table[first_line_end:]


def file_name(params: SearchParams, extension: str) -> str:
    """An ASCII name saying what was exported: ftz-measures-zhejiang-logistics-oil.csv.

    `params` are the resolved ones (SearchParams.resolved): a header holds Latin-1 only, and
    a zone named 上海 is zone shanghai here."""
    words = re.findall(r"[a-z0-9]+", params.query.lower())[:5]
    parts = ["ftz-measures", *(v for values in params.filters.values() for v in values), *words]
    return "-".join(parts)[:120] + "." + extension


def _export(params: SearchParams, lang: str = "en"):
    """The search's measures, each described as /api/search describes a hit (absolute URLs
    of the pages in `lang`)."""
    kb = get_kb()
    first, hits = matching_measures(kb, params, current_app.config["EXPORT_LIMIT"])
    sources, links = kb.sources_by_id(), site_links(external=True, lang=lang)
    return first, [serialize.hit(hit, sources, links) for hit in hits]


@bp.get("/search.csv", endpoint="csv")
def csv_export():
    params = parse_search_params(request.args)
    lang = lang_of(request.args)
    first, rows = _export(params, lang)
    params = params.resolved(first)  # zones named by a name: ids in the file name
    with speaking(lang):
        text = csv_text(rows, Labels(get_kb(), lang))
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{file_name(params, "csv")}"',
        "X-Total-Count": str(first.total),
    })


@bp.get("/nationwide/<id:batch_id>.csv", endpoint="batch_csv")
def batch_csv(batch_id: str):
    """A batch of the register, one row per item it lists (absolute URLs)."""
    kb = get_kb()
    found = kb.batch(batch_id) or abort(404)
    rows = register.csv_rows(register.detail(kb, found, external=True))
    return Response(csv_table(register.CSV_COLUMNS, rows), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="ftz-register-{batch_id}.csv"',
        "X-Total-Count": str(len(rows)),
    })


@bp.get("/search.json", endpoint="json")
def json_export():
    params = parse_search_params(request.args)
    first, rows = _export(params)
    params = params.resolved(first)
    response = current_app.json.response({
        "query": params.query,
        # the filters, by each facet's plural (zones, pillars, scopes, years: indexer/facets.py)
        **{plural: list(values) for plural, values in params.filter_kwargs().items()},
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
    lang = lang_of(request.args)
    kb = get_kb()
    result, newest = matching_measures(kb, params, feeds.FEED_ENTRIES, order="newest")
    params = params.resolved(result)
    with speaking(lang):
        notes = [localized_note(n) for n in result.messages()]  # the catalog's, in `lang`
        xml = feeds.atom(params, newest, Labels(kb, lang),
                         authority=current_app.config["FEED_TAG_AUTHORITY"]
                         or request.host.split(":")[0],
                         fallback_updated=_newest_date(kb), notes=notes)
    return Response(xml, mimetype="application/atom+xml")


def _newest_date(kb) -> str:
    hits = kb.search("", per_page=1).hits
    return hits[0].date if hits else "1970-01-01"

