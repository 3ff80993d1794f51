"""The JSON API under /api: search, one measure, zones, pillars, the replication register's
batches, and its OpenAPI description."""

from __future__ import annotations

from typing import Callable

from flask import Blueprint, abort, current_app, request, url_for
from flask.json.provider import DefaultJSONProvider

from indexer.facets import FILTER_KINDS
from indexer.search import serialize

from . import register
from .kb import get_kb
from .labels import Labels, lang_of, speaking
from .notes import localized_text
from .openapi import FACET_PARAMETERS, LANG, PAGE, PER_PAGE, QUERY, describe, error, ok, operation
from .openapi_schemas import BATCH_ID, ID
from .params import IdConverter, parse_search_params
from .rendering import render_markdown

bp = Blueprint("api", __name__)


def site_links(external: bool = False, lang: str = "en") -> serialize.Links:
    """The site's addresses for the serializer: relative in the API, absolute in exports
    (which are taken away from the site); the pages in `lang` (an export made from a /zh/
    page links the /zh/ pages)."""
    return serialize.Links(measure=id_link("pages.measure", "measure_id", lang, external),
                           source=id_link("pages.source", "source_id", lang, external),
                           zone=id_link("pages.zone", "zone_id", lang, external))


# An id that no record, source or zone has (ids are [a-z0-9-]), built in its place.
_STAND_IN = "0-ftz-stand-in-id-0"


def id_link(endpoint: str, name: str, lang: str, external: bool) -> Callable[[str], str]:
    """`url_for(endpoint, name=id, lang=lang, _external=external)` of one request, for many
    ids: url_for costs 50 us (a search's page links 40 addresses), so the address is built
    once around a stand-in id, and an id the id converter takes as it is (IdConverter:
    [a-z0-9-], which a URL holds unquoted) is put in the stand-in's place. Any other value,
    or an address that does not hold the stand-in once, goes through url_for itself."""
    def build(value: str) -> str:
        return url_for(endpoint, **{name: value}, lang=lang, _external=external)

    around: list[str] = []  # the address's text before and after the id, once built
    plain = IdConverter.plain

    def link(value: str) -> str:
        if not (isinstance(value, str) and plain(value)):
            return build(value)
        if not around:  # built at the first use: most answers link no zone
            around.extend(build(_STAND_IN).split(_STAND_IN))
        if len(around) != 2:
            return build(value)
        return around[0] + value + around[1]
    return link


def _with_labels(described: dict, labels: Labels | None) -> dict:
    """A described hit or measure, with the names of its zones, pillar and status in the
    language asked for (`lang=zh`)."""
    return {**described, "labels": labels.of_hit(described)} if labels else described


@bp.get("/search")
@operation("searchMeasures", parameters=(QUERY, *FACET_PARAMETERS, PAGE, PER_PAGE, LANG),
           responses={"200": ok("One page of results", "SearchResult"),
                      "400": error("Unknown " + ", ".join(FILTER_KINDS) + " value, or "
                                   "page/per_page out of range or not a number")})
def search():
    """Search measures, with facet counts by {filters}

    Full-text search in English and Chinese. An empty `q` browses every matching measure,
    newest first. Several `zone` parameters mean any of them; the filters ({filters})
    combine with AND. Facet counts are disjunctive: each facet's counts ignore its own
    filter.
    """
    params = parse_search_params(request.args, current_app.config["PER_PAGE"])
    lang = lang_of(request.args)
    kb = get_kb()
    result = kb.search(**params.search_kwargs())
    data = serialize.search_result(result, kb.sources_by_id(), site_links(lang=lang))
    if lang != "en":
        with speaking(lang):
            labels = Labels(kb, lang)
            data["results"] = [{**_with_labels(described, labels),
                                "explanation": [localized_text(n) for n in hit.explanation]}
                               for described, hit in zip(data["results"], result.hits)]
            data["notes"] = [localized_text(n) for n in result.messages()]
    return json_answer(data)


def json_answer(data: dict):
    """`data` answered as Flask answers a view's dict (app.json.response: compact out of debug
    mode, a newline after; the same bytes), but encoded without json's check for circular
    references: an answer is a tree of plain data made for this request, and the check was
    40% of encoding a page of 20 hits. Flask's own answer where its provider is not the
    default one or is not compact."""
    app = current_app
    provider = app.json
    if (type(provider) is not DefaultJSONProvider or provider.compact is False
            or (provider.compact is None and app.debug)):
        return data
    text = provider.dumps(data, separators=(",", ":"), check_circular=False)
    return app.response_class(f"{text}\n", mimetype=provider.mimetype)


@bp.get("/measures/<id:measure_id>")
@operation("getMeasure", path={"measure_id": ("id", ID)}, parameters=(LANG,),
           responses={"200": ok("The measure", "Measure"), "404": error("No measure with this id")})
def measure(measure_id: str):
    """One measure: its record, rendered body and cited source"""
    kb = get_kb()
    record = kb.measure(measure_id) or abort(404, description=f"no measure {measure_id!r}")
    lang = lang_of(request.args)
    data = serialize.measure(record, kb.sources_by_id(), site_links(lang=lang))
    data["body_html"] = str(render_markdown(record.get("body")))
    if lang != "en":
        with speaking(lang):
            data = _with_labels(data, Labels(kb, lang))
    return data


@bp.get("/zones")
@operation("listZones", responses={"200": ok("Every zone with its measure count", "ZoneList")})
def zones():
    """The pilot free trade zones in order of establishment"""
    return {"zones": [dict(zone, url=url_for("pages.zone", zone_id=zone["id"]))
                      for zone in get_kb().zones()]}


@bp.get("/pillars")
@operation("listPillars",
           responses={"200": ok("Every pillar with its measure count", "PillarList")})
def pillars():
    """The four pillars of the MOFCOM statement of 11 May 2023"""
    return {"pillars": [dict(pillar, url=url_for("pages.pillar", pillar_id=pillar["id"]))
                        for pillar in get_kb().pillars()]}


@bp.get("/batches")
@operation("listBatches", responses={"200": ok("Every batch with its counts", "BatchList")})
def batches():
    """The replication register: the State Council's batches of reform pilot experiences,
    then MOFCOM's batches of best-practice cases"""
    kb = get_kb()
    return {"batches": [register.summary(b) for b in sorted(kb.batches(), key=register.sort_key)]}


@bp.get("/batches/<id:batch_id>")
@operation("getBatch", path={"batch_id": ("id", BATCH_ID)},
           responses={"200": ok("The batch and its items", "Batch"),
                      "404": error("No batch with this id")})
def batch(batch_id: str):
    """One batch with the items the sources in reach list"""
    kb = get_kb()
    found = kb.batch(batch_id) or abort(404, description=f"no batch {batch_id!r}")
    return register.detail(kb, found)


@bp.get("/openapi.json")
@operation("getOpenAPI", responses={"200": ok(
    "The OpenAPI 3.1 document", schema={"type": "object", "required": ["openapi", "paths"]})})
def openapi():
    """This description of the API, generated from its routes

    The filters' allowed values and the fields of reform are the index's.
    """
    kb = get_kb()
    return describe(current_app, [f["id"] for f in kb.reform_fields()],
                    {kind: [c["id"] for c in choices]
                     for kind, choices in kb.facet_choices().items()})
