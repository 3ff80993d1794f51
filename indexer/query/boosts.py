"""What a query adds to rank, beside what it matches: its words together (a phrase boost), a
place or zone it names (a place boost), and the weight of a synonym or translation beside the
word typed. The first two wrap a query already built (querying.py) and read the units' own
queries, parsed once; the weights are written into a unit's query text as the parser reads a
boost. Nothing here parses text."""

from __future__ import annotations

from typing import Callable

from whoosh import query as Q

from indexer.analysis.cjk import has_cjk
from indexer.engine.scoring import (NEAR_BOOST, NEAR_SLOP, PLACE_BOOST, SYNONYM_WEIGHT,
                                    TOGETHER_BOOST, TRANSLATION_WEIGHT)
from indexer.query.parsed import Unit


def group_weight(typed: str, term: str) -> float:
    """How much a term of the typed word's synonym group counts beside the word itself (which
    counts fully): a term of the other language (English <-> Chinese) at TRANSLATION_WEIGHT,
    another term of the same language at SYNONYM_WEIGHT."""
    return TRANSLATION_WEIGHT if has_cjk(term) != has_cjk(typed) else SYNONYM_WEIGHT


def weighted(clause: str, weight: float) -> str:
    """A clause of a unit's query text with its weight, as the parser reads a boost:
    `(clause)^0.5000`. The user's own boosts never reach the parser: syntax.unsupported()
    takes them off, with a note, before a query is read."""
    if weight == 1.0:
        return clause
    if not 0.0 <= weight < 10.0:
        raise ValueError(f"a synonym weight is between 0 and 10, not {weight}")
    return f"({clause})^{weight:.4f}"


def phrase_boost(schema, parsed: Q.Query, words: list[str]) -> Q.Query:
    """Several plain words: the records that have them together come first."""
    if len(words) < 2:
        return parsed
    boosts = []
    for fieldname in ("title", "tags", "body"):
        tokens = list(schema[fieldname].process_text(" ".join(words), mode="query"))
        if len(tokens) < 2:
            continue
        boosts.append(Q.Phrase(fieldname, tokens, slop=1, boost=TOGETHER_BOOST))
        boosts.append(Q.Phrase(fieldname, tokens, slop=NEAR_SLOP, boost=NEAR_BOOST))
    return Q.AndMaybe(parsed, Q.Or(boosts)) if boosts else parsed


def place_boost(parsed: Q.Query, units: list[Unit],
                unit_query: Callable[[Unit], Q.Query]) -> Q.Query:
    """A place inside a zone matches the zone's records too (they score nothing for it);
    those that name the place gain PLACE_BOOST times its score, to come first. A zone
    named as a zone matches the records that name it too; the zone's own (their names
    field holds its short names) gain PLACE_BOOST times that score, to come first."""
    # read off the units' own queries: a place's words without its zone's records, a zone's
    # short names in the names field
    named = [_clauses(unit_query(u), lambda f: f != "zones") for u in units if u.place]
    named += [_clauses(unit_query(u), lambda f: f == "names") for u in units if u.zone]
    named = [q for q in named if q is not None and q is not Q.NullQuery]
    if not named:
        return parsed
    return Q.AndMaybe(parsed, Q.Or(named, boost=PLACE_BOOST))


def _clauses(query: Q.Query, field_wanted: Callable[[str | None], bool]) -> Q.Query | None:
    """The clauses of a unit's query (an Or of a word in each field) on the fields wanted,
    as one query; None when none is."""
    parts = query.subqueries if isinstance(query, Q.Or) else [query]
    kept = [q for q in parts if field_wanted(getattr(q, "fieldname", None))]
    return Q.Or(kept).normalize() if kept else None
