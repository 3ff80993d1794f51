"""The HTML pages: home, search, compare, zones, pillars, measures, sources, the replication
register and what the knowledge base holds. Views only call the facade."""

from __future__ import annotations

import re

from flask import (Blueprint, abort, current_app, make_response, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _

from indexer.notes import Note, printable

from . import charts, facets, grouping, i18n, overview, register
from .compare import MAX_ZONES, MIN_ZONES, compare_zones, zone_count_problem
from .exports import export_links
from .kb import get_kb
from .notes import localized_text
from .params import SearchParams, parse_search_params
from .rendering import render_markdown

bp = Blueprint("pages", __name__)
bp.url_value_preprocessor(i18n.pull_lang)
bp.url_defaults(i18n.add_lang)


def page(rule: str):
    """A page at `rule` in English and at /zh`rule` in Chinese."""
    return i18n.localized_route(bp, rule, methods=["GET"])


NEWEST_ON_HOME = 6
# The four municipalities directly under the central government: a province-wide step of
# theirs is said "本市", not "本省" (docs/style-zh.md).
MUNICIPALITIES = frozenset({"beijing", "tianjin", "shanghai", "chongqing"})


def _taxonomy(kb) -> tuple[list[dict], list[dict]]:
    return kb.zones(), kb.pillars()


def _lookups(zones: list[dict], pillars: list[dict]) -> dict:
    """Zone and pillar records by id, for templates that show a measure's zones and pillar."""
    return {"zones_by_id": {z["id"]: z for z in zones},
            "pillars_by_id": {p["id"]: p for p in pillars}}


@page("/")
def index():
    bare = i18n.current_lang() == "en"  # / chooses a language; /zh/ is Chinese
    if bare and i18n.chosen_for_home() == "zh":
        response = redirect(url_for("pages.index", lang="zh"), 302)
    else:
        response = make_response(_home())
    if bare:
        response.vary.update(("Accept-Language", "Cookie"))
    return response


def _home() -> str:
    kb = get_kb()
    zones, pillars = _taxonomy(kb)
    figures = overview.figures(kb, pillars)
    return render_template(
        "index.html",
        zones=zones,
        pillars=pillars,
        tile_map=charts.tile_map(zones),
        matrix=charts.zone_pillar_matrix(zones, pillars, figures["matrix"]),
        years=charts.year_chart(figures["years"]),
        sources=kb.sources(),
        newest=kb.search("", page=1, per_page=NEWEST_ON_HOME).hits,
        **_lookups(zones, pillars),
        stats=kb.stats(),
    )


@page("/search")
def search():
    kb = get_kb()
    per_page = current_app.config["PER_PAGE"]
    params = parse_search_params(request.args, per_page)
    result = kb.search(**params.search_kwargs())
    params = params.resolved(result)  # a zone named Shanghai is the facet shanghai, selected
    zones, pillars = _taxonomy(kb)
    groups, active = facets.build_facets(params, result.facets, kb.facet_choices(), per_page)
    suggestion_url = (facets.search_url(params, query=result.suggestion, default_per_page=per_page)
                      if result.suggestion else None)
    original_url = (facets.search_url(params, query=result.corrected_from,
                                      default_per_page=per_page)
                    if result.corrected_from else None)
    relaxed_url = (facets.search_url(params, query=result.relaxed["query"],
                                     default_per_page=per_page)
                   if result.relaxed else None)
    return render_template(
        "search.html",
        params=params,
        result=result,
        facet_groups=groups,
        active_filters=active,
        pagination=facets.build_pagination(params, result.total, per_page),
        suggestion_url=suggestion_url,
        original_url=original_url,
        relaxed_url=relaxed_url,
        exports=export_links(params),
        **_lookups(zones, pillars),
    )


@page("/compare")
def compare():
    """Two or three zones side by side; with fewer, a form to choose them (200), more is a 400."""
    kb = get_kb()
    chosen = parse_search_params(request.args).zones
    if chosen:
        # Zones are named as search names them: an id, or a name in either language
        # (Shanghai, 上海); the facade says which zone each is, and an unknown one is its
        # UnknownFilter, a 400 with the likeliest zone.
        chosen = kb.search("", zones=chosen, per_page=1).zones
        if list(chosen) != request.args.getlist("zone"):
            # a name, the form's unused "None" choice or a repeat: redirect to the address
            # worth sharing, of ids
            return redirect(url_for("pages.compare", zone=list(chosen)))
    zones, pillars = _taxonomy(kb)
    problem = zone_count_problem(chosen)
    comparison = None if problem else compare_zones(kb, chosen, pillars)
    status = 400 if len(chosen) > MAX_ZONES else 200
    return render_template(
        "compare.html",
        chosen=chosen,
        problem=problem if chosen else None,
        comparison=comparison,
        min_zones=MIN_ZONES,
        max_zones=MAX_ZONES,
        zones=zones,
        exports=export_links(SearchParams(filters={"zone": tuple(chosen)})) if comparison else None,
        **_lookups(zones, pillars),
    ), status


@page("/zones")
def zones():
    return render_template("zones.html", zones=get_kb().zones())


@page("/zones/<id:zone_id>")
def zone(zone_id: str):
    kb = get_kb()
    found = kb.zone(zone_id) or abort(404)
    zones, pillars = _taxonomy(kb)
    return render_template(
        "zone.html",
        zone=found,
        groups=grouping.by_pillar(kb, zone_id, pillars),
        exports=export_links(SearchParams(filters={"zone": (zone_id,)})),
        **_lookups(zones, pillars),
    )


@page("/pillars")
def pillars():
    return render_template("pillars.html", pillars=get_kb().pillars())


@page("/pillars/<id:pillar_id>")
def pillar(pillar_id: str):
    kb = get_kb()
    found = kb.pillar(pillar_id) or abort(404)
    zones, pillars = _taxonomy(kb)
    return render_template(
        "pillar.html",
        pillar=found,
        source=kb.source(found["source"]) if found.get("source") else None,
        listed=grouping.pillar_list(kb, found),
        tile_map=charts.tile_map(zones, kb.search("", pillars=[pillar_id], per_page=1).facets["zone"]),
        exports=export_links(SearchParams(filters={"pillar": (pillar_id,)})),
        **_lookups(zones, pillars),
    )


def timeline(kb, record: dict) -> list[dict]:
    """The measure's report by its source and each lineage step, oldest first (a step a later
    source reports may have happened before the record's own report). A step's batch is named
    as the register names it, with `batch_known` saying whether it has a page."""
    reported = {"date": record["date"], "scope": None, "source": record["source"]}
    steps = []
    municipal = bool(record["zones"]) and set(record["zones"]) <= MUNICIPALITIES
    for step in record.get("lineage") or ():
        step = dict(step)
        if step.get("scope"):
            step["scope_name"] = i18n.value_name(
                "scope", step["scope"], *(("step_municipal",) if municipal else ()), "step")
        if step.get("batch"):
            step["batch_name"] = register.name_of_id(step["batch"], i18n.current_lang())
            step["batch_known"] = kb.batch(step["batch"]) is not None
        steps.append(step)
    return sorted([reported, *steps], key=lambda step: str(step["date"]))


@page("/measures/<id:measure_id>")
def measure(measure_id: str):
    kb = get_kb()
    record = kb.measure(measure_id) or abort(404)
    zones, pillars = _taxonomy(kb)
    return render_template(
        "measure.html",
        measure=record,
        body_html=render_markdown(record.get("body")),
        body_zh_html=render_markdown(record["body_zh"]) if record.get("body_zh") else None,
        sources_by_id=kb.sources_by_id(),
        timeline=timeline(kb, record),
        related=kb.related(measure_id),
        **_lookups(zones, pillars),
    )


@page("/nationwide")
def nationwide():
    """The replication register: every batch with the items the sources in reach list,
    narrowed by field of reform, zone of origin and year; then the measures a source says were
    replicated with no batch named."""
    kb = get_kb()
    zones, pillars = _taxonomy(kb)
    batches = kb.batches()
    reform_fields = kb.reform_fields()
    choices = register.facet_choices(kb, batches)
    counts = register.option_counts(batches)
    try:
        keep = register.parse_filter(request.args, {f["id"]: f for f in reform_fields}, choices)
    except register.UnknownRegisterFilter as error:
        # the catalog's message, as the search's filters say it (a zone and a year are facets,
        # named in the page's language by the registry; a field of reform is named here)
        kind = _("field of reform") if error.kind == "field" else error.kind
        abort(400, description=localized_text(Note("unknown_value", kind=kind,
                                                    value=printable(error.value))))
    shown = register.views(kb, batches, i18n.current_lang(), keep)
    unbatched = [hit for hit in kb.export(scopes=["national", "best-practice-case"], order="newest",
                                          limit=current_app.config["EXPORT_LIMIT"]).hits
                 if not any(step.get("batch") for step in hit.lineage)]
    return render_template(
        "nationwide.html",
        shown=shown,
        keep=keep,
        totals=register.totals(batches),
        shown_items=sum(len(v.items) for v in shown),
        shown_recorded=sum(1 for v in shown for item in v.items if item.get("record")),
        # the choices of the filter form: what the register holds, with its item counts
        field_choices=[f for f in reform_fields if counts["field"][f["id"]] or f["id"] == keep.field],
        # a facet's values with items, in the registry's order (years newest first)
        facet_choices={key: [c for c in values
                             if counts[key][c["id"]] or c["id"] == keep.args().get(key)]
                       for key, values in choices.items()},
        counts=counts,
        unbatched=unbatched if not keep.active else [],
        **_lookups(zones, pillars),
    )


@page("/nationwide/<id:batch_id>")
def batch(batch_id: str):
    """One batch of the register with all the items listed for it."""
    kb = get_kb()
    found = kb.batch(batch_id) or abort(404)
    zones, pillars = _taxonomy(kb)
    view = register.views(kb, [found], i18n.current_lang())[0]
    return render_template(
        "batch.html",
        view=view,
        sources_by_id=kb.sources_by_id(),
        **_lookups(zones, pillars),
    )


@page("/coverage")
def coverage():
    """What the knowledge base holds, beside the totals its sources state: a sample, not the whole."""
    kb = get_kb()
    zones, pillars = _taxonomy(kb)
    sources = kb.sources()
    batches = kb.batches()
    scopes = ("province", "national", "best-practice-case")
    return render_template(
        "coverage.html",
        records=kb.stats()["measures"],
        zones=zones,
        pillars=pillars,
        zones_without=[z for z in zones if not z["count"]],
        with_lineage=kb.count(scopes=scopes),
        by_scope={scope: kb.count(scopes=[scope]) for scope in scopes},
        scope_names={scope: i18n.value_name("scope", scope) for scope in scopes},
        sources_held=sum(1 for s in sources if s.get("kind") == "held"),
        sources_cited=sum(1 for s in sources if s.get("kind") != "held"),
        sources_total=len(sources),
        register=register.totals(batches),
        views=register.views(kb, batches, i18n.current_lang()),
        stated_totals=kb.stated_totals(),
        sources_by_id=kb.sources_by_id(),
        **_lookups(zones, pillars),
    )


@page("/sources")
def sources():
    return render_template("sources.html", sources=get_kb().sources())


def paragraphs(text: str | None) -> list[str]:
    """A verbatim source text as paragraphs, shown escaped (never as Markdown).

    Blank lines separate paragraphs when the text has any; otherwise (as in the shipped
    sources, one paragraph a line) every line is a paragraph.
    """
    text = (text or "").strip()
    separator = r"\n\s*\n" if re.search(r"\n\s*\n", text) else r"\n"
    return [" ".join(p.split()) for p in re.split(separator, text) if p.strip()]


@page("/sources/<id:source_id>")
def source(source_id: str):
    kb = get_kb()
    found = kb.source(source_id) or abort(404)
    zones, pillars = _taxonomy(kb)
    return render_template(
        "source.html",
        source=found,
        paragraphs=paragraphs(found.get("text")),
        description=paragraphs(found.get("description")),
        measures=kb.measures(source=source_id),
        **_lookups(zones, pillars),
    )
