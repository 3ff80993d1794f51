"""Search links and facets: what the sidebar shows and where each link leads.

Every link keeps the rest of the search (query, other filters) and changes one thing,
so a user can narrow, combine and remove filters one at a time without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import url_for
from flask_babel import gettext as _

from indexer.facets import BY_PLURAL, FILTERS

from .i18n import first
from .params import SearchParams


# A facet panel lists at most this many values (the selected ones always, whatever their
# number), the commonest first chosen, then a link that lists them all (expand=<facet key>).
PANEL_CAP = 12


def search_url(params: SearchParams, *, query: str | None = None, page: int = 1,
               default_per_page: int = 20, expanded: tuple[str, ...] | None = None,
               **replaced) -> str:
    """The /search URL for ``params`` with some parts replaced (page resets to 1 by default):
    the query, the panels listing every value (`expanded`), or a facet's values by its plural
    (zones=..., years=...; indexer/facets.py)."""
    query = params.query if query is None else query
    chosen = dict(params.filters)
    for plural, values in replaced.items():
        if values is not None:
            chosen[BY_PLURAL[plural].key] = tuple(values)
    args: dict = {}
    if query:
        args["q"] = query
    for facet in FILTERS:
        if chosen.get(facet.key):
            args[facet.key] = list(chosen[facet.key])
    if page > 1:
        args["page"] = page
    if params.per_page != default_per_page:
        args["per_page"] = params.per_page
    expanded = params.expanded if expanded is None else expanded
    if expanded:
        args["expand"] = list(expanded)
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
    param: str  # the facet's key and URL parameter: "zone", "pillar", "scope", "year"
    title: str
    values: list[FacetValue]  # those shown
    total: int = 0  # the values with a match or selected, shown or not
    expand_url: str | None = None  # lists them all, when some are not shown
    collapse_url: str | None = None  # lists the first PANEL_CAP again, when all are shown


def _capped(values: list[FacetValue], cap: int) -> list[FacetValue]:
    """The selected values and the commonest others, up to `cap` in all (more only when more
    are selected), in the facet's own order."""
    others = sorted((v for v in values if not v.selected), key=lambda v: -v.count)
    keep = {v.id for v in values if v.selected} | {v.id for v in others[:max(
        0, cap - sum(v.selected for v in values))]}
    return [v for v in values if v.id in keep]


@dataclass(frozen=True)
class ActiveFilter:
    param: str
    id: str
    label: str
    remove_url: str


def build_facets(params: SearchParams, counts: dict, choices: dict[str, list[dict]],
                 default_per_page: int = 20) -> tuple[list[FacetGroup], list[ActiveFilter]]:
    """A group per filter facet (indexer/facets.py), in the registry's order, its values in
    the order of their allowed values (`choices`, the facade's facet_choices()); values with
    no match hidden unless selected."""
    groups, active = [], []
    for facet in FILTERS:
        selected = params.chosen(facet.key)
        values = []
        for item in choices.get(facet.key, ()):
            count = counts.get(facet.key, {}).get(item["id"], 0)
            chosen = item["id"] in selected
            if not count and not chosen:
                continue
            url = search_url(params, default_per_page=default_per_page,
                             **{facet.plural: _toggled(selected, item["id"])})
            values.append(FacetValue(item["id"], item["name"], item["name_zh"], count, chosen,
                                     url))
        groups.append(_group(params, facet, values, default_per_page))
        names = {item["id"]: first(item, "name") for item in choices.get(facet.key, ())}
        active += [ActiveFilter(facet.key, value, names.get(value, value),
                                search_url(params, default_per_page=default_per_page,
                                           **{facet.plural: _toggled(selected, value)}))
                   for value in selected]
    return groups, active


def _group(params: SearchParams, facet, values: list[FacetValue],
           default_per_page: int) -> FacetGroup:
    """A facet's panel: its first PANEL_CAP values and a link to all, or all of them."""
    group = FacetGroup(facet.key, _(facet.title), values, len(values))
    if len(values) <= PANEL_CAP:
        return group
    if facet.key in params.expanded:
        rest = tuple(k for k in params.expanded if k != facet.key)
        return replace(group, collapse_url=search_url(
            params, page=params.page, default_per_page=default_per_page, expanded=rest))
    return replace(group, values=_capped(values, PANEL_CAP), expand_url=search_url(
        params, page=params.page, default_per_page=default_per_page,
        expanded=(*params.expanded, facet.key)))


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
