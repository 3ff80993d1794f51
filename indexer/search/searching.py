"""The search entry points: a page of results (search) and every match for exports and feeds
(export), within filters read from the facets' plurals (zones=, pillars=, years=: facets.py).
A query is cleaned, read once into the project's own parts (querying.py), then resolved
(fallback.py)."""

from __future__ import annotations

from typing import Sequence

from indexer.search.generation import Generation
from indexer.errors import BadRequest, UnknownFilter
from indexer.facets import BY_KEY, FILTER_KINDS, chosen
from indexer.notes import Note
from indexer.query.syntax import MAX_QUERY_LENGTH
from indexer.records.fields import closest
from indexer.search.fallback import resolve
from indexer.search.results import SearchResult

MAX_PER_PAGE = 100


class Searching:
    """KnowledgeBase's search entry points; the generation is Lifecycle's `_gen`."""

    def search(self, query: str = "", zones: Sequence[str] = (), pillars: Sequence[str] = (),
               page: int = 1, per_page: int = 20, scopes: Sequence[str] = (),
               **filters: Sequence[str]) -> SearchResult:
        """A page of the measures matching `query` within the filters: zones, pillars, scopes
        and every other facet's plural (years=...; facets.py)."""
        if page < 1:
            raise BadRequest(Note("page_min"))
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise BadRequest(Note("per_page_range", most=MAX_PER_PAGE))
        query = _clean_query(query)
        gen = self._gen
        filters = read_filters(gen, zones, pillars, scopes, **filters)
        parsed = gen.builder.parse(query)
        result = resolve(gen, parsed, filters, page, per_page, self.time_budget,
                         meaning=self.meaning)
        result.query = query
        return result

    def export(self, query: str = "", zones: Sequence[str] = (), pillars: Sequence[str] = (),
               limit: int = 10_000, order: str = "relevance",
               scopes: Sequence[str] = (), **filters: Sequence[str]) -> SearchResult:
        """Up to `limit` matching measures without snippets, for exports and feeds; `order`
        is "relevance" (the search's order; newest first for an empty query) or "newest"."""
        if order not in ("relevance", "newest"):
            raise BadRequest(Note("order_values"))
        query = _clean_query(query)
        gen = self._gen
        filters = read_filters(gen, zones, pillars, scopes, **filters)
        parsed = gen.builder.parse(query)
        result = resolve(gen, parsed, filters, 1, max(1, limit), self.time_budget,
                         snippets=False, newest_first=order == "newest", offer=False,
                         meaning=self.meaning)
        result.query = query
        return result


def read_filters(gen: Generation, zones: Sequence[str] = (), pillars: Sequence[str] = (),
                 scopes: Sequence[str] = (), **more: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The filters given by the facets' plurals (zones=, pillars=, years=: facets.py) as
    ids by facet key, each once; a name in either language stands for its id (浙江 or
    Zhejiang for zhejiang). UnknownFilter, with the likeliest id and the known ones,
    otherwise."""
    given = chosen({"zones": zones, "pillars": pillars, "scopes": scopes, **more})
    out = {}
    for kind in FILTER_KINDS:
        aliases = gen.names[kind]
        ids = []
        for value in given[kind]:
            found = aliases.get(value.strip().lower())
            if found is None:
                known = [c["id"] for c in gen.choices[kind]]
                raise UnknownFilter(kind, value, closest(value, set(aliases.values())),
                                    known if BY_KEY[kind].list_known else None)
            ids.append(found)
        out[kind] = tuple(dict.fromkeys(ids))
    return out


def _clean_query(query: str) -> str:
    query = query or ""
    if len(query) > MAX_QUERY_LENGTH:
        raise BadRequest(Note("query_length", length=len(query), limit=MAX_QUERY_LENGTH))
    return "".join(" " if ord(c) < 32 else c for c in query)  # NUL, pair marks, ...
