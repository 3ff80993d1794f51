"""Search links and facets: what the sidebar shows and where each link leads.

Every link keeps the rest of the search (query, other filters) and changes one thing,
so a user can narrow, combine and remove filters one at a time without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _

from .i18n import first
from .params import SearchParams


def search_url(params: SearchParams, *, query: str | None = None, zones=None, pillars=None,
               scopes=None, page: int = 1, default_per_page: int = 20) -> str:
    """The /search URL for ``params`` with some parts replaced (page resets to 1 by default)."""
    query = params.query if query is None else query
    zones = params.zones if zones is None else zones
    pillars = params.pillars if pillars is None else pillars
    scopes = params.scopes if scopes is None else scopes
    args: dict = {}
    if query:
        args["q"] = query
    if zones:
        args["zone"] = list(zones)
    if pillars:
        args["pillar"] = list(pillars)
    if scopes:
        args["scope"] = list(scopes)
    if page > 1:
        args["page"] = page
    if params.per_page != default_per_page:
        args["per_page"] = params.per_page
    return url_for("pages.search", **args)


def _toggled(values: tuple[str, ...], value: str) -> tuple[str, ...]:
    return tuple(v for v in values if v != value) if value in values else (*values, value)


@dataclass(frozen=True)
class FacetValue:
    id: str
    label: str
    label_zh: str
    count: int
    selected: bool
    url: str  # adds this value to the search, or removes it when selected


@dataclass(frozen=True)
class FacetGroup:
    param: str  # "zone", "pillar" or "scope"
    title: str
    values: list[FacetValue]


@dataclass(frozen=True)
class ActiveFilter:
    param: str
    id: str
    label: str
    remove_url: str


def scope_taxonomy() -> list[dict]:
    """The steps of a measure's spread as facet values, in both languages."""
    # each name once in each language (`first` and `second` choose), never translated twice
    return [{"id": "province", "name": "Replicated province-wide", "name_zh": "省（市）内复制推广"},
            {"id": "national", "name": "Replicated nationwide", "name_zh": "全国复制推广"},
            {"id": "best-practice-case", "name": "Best-practice case", "name_zh": "最佳实践案例"}]


_KWARG = {"zone": "zones", "pillar": "pillars", "scope": "scopes"}


def build_facets(params: SearchParams, counts: dict, zones: list[dict], pillars: list[dict],
                 default_per_page: int = 20) -> tuple[list[FacetGroup], list[ActiveFilter]]:
    """Facet groups in taxonomy order, values with no match hidden unless selected."""
    def group(param: str, title: str, taxonomy: list[dict], label_key: str, label_zh_key: str,
              selected: tuple[str, ...]) -> FacetGroup:
        values = []
        for item in taxonomy:
            count = counts.get(param, {}).get(item["id"], 0)
            chosen = item["id"] in selected
            if not count and not chosen:
                continue
            changed = _toggled(selected, item["id"])
            url = search_url(params, default_per_page=default_per_page, **{_KWARG[param]: changed})
            values.append(FacetValue(item["id"], item[label_key], item[label_zh_key], count,
                                     chosen, url))
        return FacetGroup(param, title, values)

    scopes = scope_taxonomy()
    groups = [
        group("zone", _("Zone"), zones, "short", "short_zh", params.zones),
        group("pillar", _("Pillar"), pillars, "name", "name_zh", params.pillars),
        group("scope", _("Spread"), scopes, "name", "name_zh", params.scopes),
    ]
    names = {"zone": {z["id"]: first(z, "short") for z in zones},
             "pillar": {p["id"]: first(p, "name") for p in pillars},
             "scope": {s["id"]: first(s, "name") for s in scopes}}
    chosen = {"zone": params.zones, "pillar": params.pillars, "scope": params.scopes}
    active = [ActiveFilter(param, value, names[param].get(value, value),
                           search_url(params, default_per_page=default_per_page,
                                      **{_KWARG[param]: _toggled(chosen[param], value)}))
              for param in ("zone", "pillar", "scope") for value in chosen[param]]
    return groups, active


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None for a gap ("…")
    url: str | None
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    page: int
    pages: int
    previous_url: str | None
    next_url: str | None
    links: list[PageLink]


def build_pagination(params: SearchParams, total: int, default_per_page: int = 20,
                     around: int = 2) -> Pagination:
    pages = max(1, -(-total // params.per_page))
    numbers = sorted({1, pages, *range(max(1, params.page - around),
                                       min(pages, params.page + around) + 1)})
    links: list[PageLink] = []
    for n in numbers:
        if links and links[-1].number is not None and n - links[-1].number > 1:
            links.append(PageLink(None, None))
        links.append(PageLink(n, search_url(params, page=n, default_per_page=default_per_page),
                              n == params.page))

    def url(n: int) -> str | None:
        return search_url(params, page=n, default_per_page=default_per_page) if 1 <= n <= pages else None

    # past the end, "previous" leads back to the last real page
    return Pagination(params.page, pages, url(min(params.page - 1, pages)), url(params.page + 1),
                      links)
