"""Search links and facets: what the sidebar shows and where each link leads.

Every link keeps the rest of the search (query, other filters) and changes one thing,
so a user can narrow, combine and remove filters one at a time without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _

from indexer.facets import BY_PLURAL, FILTERS

from .i18n import first
from .params import SearchParams


def search_url(params: SearchParams, *, query: str | None = None, page: int = 1,
               default_per_page: int = 20, **replaced) -> str:
    """The /search URL for ``params`` with some parts replaced (page resets to 1 by default):
    the query, or a facet's values by its plural (zones=..., years=...; indexer/facets.py)."""
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
    values: list[FacetValue]


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
        groups.append(FacetGroup(facet.key, _(facet.title), values))
        names = {item["id"]: first(item, "name") for item in choices.get(facet.key, ())}
        active += [ActiveFilter(facet.key, value, names.get(value, value),
                                search_url(params, default_per_page=default_per_page,
                                           **{facet.plural: _toggled(selected, value)}))
                   for value in selected]
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
