"""Request input: the id pattern in URLs and the search filters shared by pages and API."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from werkzeug.datastructures import MultiDict
from werkzeug.routing import BaseConverter

from indexer.errors import BadRequest
from indexer.notes import Note


class IdConverter(BaseConverter):
    """Record, zone, pillar and source ids: anything else is a 404 before a view runs."""

    regex = r"[a-z0-9-]{1,120}"


@dataclass(frozen=True)
class SearchParams:
    query: str = ""
    zones: tuple[str, ...] = ()
    pillars: tuple[str, ...] = ()
    page: int = 1
    per_page: int = 20
    scopes: tuple[str, ...] = ()  # how far the measures spread: province, national, ...

    def search_kwargs(self) -> dict:
        return {"query": self.query, "zones": self.zones, "pillars": self.pillars,
                "scopes": self.scopes, "page": self.page, "per_page": self.per_page}

    def resolved(self, result) -> SearchParams:
        """These parameters with the filters as the facade read them (a SearchResult's zones,
        pillars and scopes): ids, where the request may name a zone or pillar by a name in
        either language (Shanghai, 上海). Links, facets and file names are made of ids."""
        return replace(self, zones=tuple(result.zones), pillars=tuple(result.pillars),
                       scopes=tuple(result.scopes))

    def filter_args(self) -> dict:
        """URL parameters of what the search chooses (q, zone, pillar, scope), without paging."""
        args: dict = {}
        if self.query:
            args["q"] = self.query
        if self.zones:
            args["zone"] = list(self.zones)
        if self.pillars:
            args["pillar"] = list(self.pillars)
        if self.scopes:
            args["scope"] = list(self.scopes)
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
        raise BadRequest(Note("not_whole", f"{name} must be a whole number, not {raw[:40]!r}",
                              name=name, value=raw[:40]))
    if len(raw.lstrip("+-0")) > _MAX_DIGITS:
        raise BadRequest(Note("too_many_digits", f"{name} is too large (more than {_MAX_DIGITS} "
                              "digits)", name=name, digits=_MAX_DIGITS))
    return int(raw, 10)


def _query(args: MultiDict) -> str:
    return " ".join(_UNSHOWABLE_RE.sub(" ", args.get("q", "")).split())


def _values(args: MultiDict, name: str) -> tuple[str, ...]:
    """A repeatable parameter (zone=a&zone=b): blanks and repeats dropped, order kept."""
    return tuple(dict.fromkeys(v.strip() for v in args.getlist(name) if v.strip()))


def parse_search_params(args: MultiDict, default_per_page: int = 20) -> SearchParams:
    """Read q, zone (repeatable), pillar (repeatable), scope (repeatable), page and per_page.

    The query loses the characters no page or feed can show, and runs of spaces.

    Only what is not a number is refused here (BadRequest, a 400). Ranges (page >= 1,
    per_page 1..100, query length) and unknown zone or pillar ids are the facade's to judge:
    it raises BadRequest or UnknownFilter with a suggested spelling.
    """
    return SearchParams(
        query=_query(args),
        zones=_values(args, "zone"),
        pillars=_values(args, "pillar"),
        scopes=_values(args, "scope"),
        page=_int_param(args, "page", 1),
        per_page=_int_param(args, "per_page", default_per_page),
    )
