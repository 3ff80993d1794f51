"""Request input: the id pattern in URLs and the search filters shared by pages and API."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from werkzeug.datastructures import MultiDict
from werkzeug.routing import BaseConverter

from indexer.errors import BadRequest
from indexer.facets import BY_PLURAL, FILTER_KINDS, FILTERS
from indexer.notes import Note


class IdConverter(BaseConverter):
    """Record, zone, pillar and source ids: anything else is a 404 before a view runs."""

    regex = r"[a-z0-9-]{1,120}"
    # whether a value is one this converter reads, and so writes as it is (to_url quotes
    # nothing of [a-z0-9-]): what webapp/api.py's id_link relies on
    plain = re.compile(regex).fullmatch


@dataclass(frozen=True)
class SearchParams:
    """A search's query, filters and page. `filters` holds each filter facet's values by its
    key, which is its URL parameter (zone=, pillar=, scope=, year=: indexer/facets.py); they
    read as attributes by the facet's plural too (params.zones, params.years)."""

    query: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    page: int = 1
    per_page: int = 20
    # the facets whose panel lists every value (expand=source), not only the first PANEL_CAP
    expanded: tuple[str, ...] = ()

    def __getattr__(self, name: str):
        facet = BY_PLURAL.get(name)
        if facet is None or not facet.filter:
            raise AttributeError(name)
        return tuple(self.__dict__.get("filters", {}).get(facet.key, ()))

    def chosen(self, key: str) -> tuple[str, ...]:
        """The values chosen of one facet (by its key)."""
        return tuple(self.filters.get(key, ()))

    @property
    def filtered(self) -> bool:
        """Whether any filter is chosen."""
        return any(self.filters.values())

    def with_filter(self, key: str, values) -> SearchParams:
        return replace(self, filters={**self.filters, key: tuple(values)})

    def search_kwargs(self) -> dict:
        return {"query": self.query, "page": self.page, "per_page": self.per_page,
                **self.filter_kwargs()}

    def filter_kwargs(self) -> dict:
        """The filters as the facade's keywords (zones=..., years=...)."""
        return {f.plural: self.chosen(f.key) for f in FILTERS}

    def resolved(self, result) -> SearchParams:
        """These parameters with the filters as the facade read them (a SearchResult's
        `filters`): ids, where the request may name a zone or pillar by a name in either
        language (Shanghai, 上海). Links, facets and file names are made of ids."""
        return replace(self, filters={f.key: tuple(result.filters.get(f.key, ()))
                                      for f in FILTERS})

    def filter_args(self) -> dict:
        """URL parameters of what the search chooses (q and each facet's), without paging."""
        args: dict = {}
        if self.query:
            args["q"] = self.query
        for facet in FILTERS:
            if self.chosen(facet.key):
                args[facet.key] = list(self.chosen(facet.key))
        return args


# ASCII digits only: int() would also take "1_000", "١٢" and "１２".
_WHOLE_NUMBER_RE = re.compile(r"[+-]?[0-9]+")
_MAX_DIGITS = 30  # far past any last page; int() refuses over 4,300 digits with its own message
MAX_PAGE = 10 ** _MAX_DIGITS - 1  # the largest page number read (the OpenAPI document says so)
# Characters that HTML and XML text cannot hold (controls, lone surrogates, U+FFFE, U+FFFF).
# The query is echoed in pages, exports and feeds, so they become spaces, as in the facade.
_UNSHOWABLE_RE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _int_param(args: MultiDict, name: str, default: int) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    if not _WHOLE_NUMBER_RE.fullmatch(raw):
        # the value as typed, its control characters escaped (a NUL is shown as \x00)
        raise BadRequest(Note("not_whole", name=name, value=repr(raw[:40])[1:-1]))
    if len(raw.lstrip("+-0")) > _MAX_DIGITS:
        raise BadRequest(Note("too_many_digits", name=name, digits=_MAX_DIGITS))
    return int(raw, 10)


def _query(args: MultiDict) -> str:
    return " ".join(_UNSHOWABLE_RE.sub(" ", args.get("q", "")).split())


def _values(args: MultiDict, name: str) -> tuple[str, ...]:
    """A repeatable parameter (zone=a&zone=b): blanks and repeats dropped, order kept."""
    return tuple(dict.fromkeys(v.strip() for v in args.getlist(name) if v.strip()))


def parse_search_params(args: MultiDict, default_per_page: int = 20) -> SearchParams:
    """Read q, each filter facet's parameter (zone, pillar, scope, year: each repeatable;
    indexer/facets.py), page and per_page.

    The query loses the characters no page or feed can show, and runs of spaces.

    Only what is not a number is refused here (BadRequest, a 400). Ranges (page >= 1,
    per_page 1..100, query length) and unknown zone or pillar ids are the facade's to judge:
    it raises BadRequest or UnknownFilter with a suggested spelling.
    """
    return SearchParams(
        query=_query(args),
        filters={f.key: _values(args, f.key) for f in FILTERS},
        page=_int_param(args, "page", 1),
        per_page=_int_param(args, "per_page", default_per_page),
        # a panel's presentation only: a key no filter facet has is left out, never an error
        expanded=tuple(k for k in _values(args, "expand") if k in FILTER_KINDS),
    )
