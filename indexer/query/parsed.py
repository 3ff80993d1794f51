"""A query as read (querying.py): its parts ("units") and what reading it found (notes,
synonyms used, zones named, fixes), the plain data the search and relaxation work on."""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as Q


@dataclass
class Unit:
    """One part of a query of parts: `text` as typed, `query` as the parser reads it."""

    text: str
    query: str
    plain: bool  # plain words (relaxable); False: a phrase, a field, NOT something
    words: tuple[str, ...] = ()  # the typed words, for spelling
    place: str | None = None  # a place inside a zone (places.yaml): its zone id
    zone: str | None = None  # a zone named as a zone (中国（浙江）自由贸易试验区, 自贸港): its id
    # a place's own words (its name, or its synonym group), as the parser reads them: what a
    # record names it by; `query` adds the zone's other records
    named: str | None = None
    # `query` as parsed, kept by QueryBuilder.unit_query: a relaxed search asks for each unit's
    # query three times (relax.py, the ranking, the words each record holds); parsed once
    parsed: Q.Query | None = field(default=None, compare=False, repr=False)
    # `named` as parsed, kept by QueryBuilder.named_query (which records name the place)
    named_parsed: Q.Query | None = field(default=None, compare=False, repr=False)


@dataclass
class ParsedQuery:
    query: Q.Query | None  # None: browse everything
    text: str
    notes: list[str] = field(default_factory=list)
    synonyms: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # bare words, for spelling suggestions
    units: list[Unit] = field(default_factory=list)  # empty: AND, OR or brackets at the top
    fixes: list[tuple[str, str]] = field(default_factory=list)  # zone:zhejaing -> zone:zhejiang
    zones_named: list[tuple[str, str]] = field(default_factory=list)  # (zone id, as typed)
    structured: bool = False  # AND, OR or brackets at the top: never relaxed

    def noted(self, code: str) -> bool:
        return any(getattr(n, "code", "") == code for n in self.notes)


def with_units(parsed: ParsedQuery, keep: list[Unit]) -> ParsedQuery:
    """`parsed` with only the units in `keep` (relaxation), its query not yet built."""
    result = ParsedQuery(None, " ".join(u.text for u in keep), units=list(keep),
                         zones_named=parsed.zones_named)
    result.synonyms = [(o, a) for o, a in parsed.synonyms if any(o == u.text for u in keep)]
    result.words = [w for u in keep if u.plain for w in u.words]
    return result
