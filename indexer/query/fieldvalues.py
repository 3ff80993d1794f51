"""A query's field values and the notes on places and zones it names: a facet's value (zone:,
pillar:, year: ...; facets.py) is read by id or by name in either language, an unknown one
is noted with the closest fix, and tag: is read as the tag's words in a row."""

from __future__ import annotations

import re

from indexer.analysis.cjk import has_cjk
from indexer.facets import BY_FIELD
from indexer.notes import Note
from indexer.query.parsed import ParsedQuery
from indexer.query.syntax import FIELD_ALIASES
from indexer.query.vocabulary import QueryVocabulary
from indexer.records.fields import closest


def field_value(vocabulary: QueryVocabulary, segment: str, result: ParsedQuery) -> str:
    """A facet's values (zone:, pillar:, year: ...; facets.py) by id or name in either
    language (an unknown one is noted, with a fix when one is close); tag: as the tag's
    words in a row."""
    match = re.match(r'^([A-Za-z_]\w*):(.+)$', segment)
    if not match or match.group(1).lower() not in FIELD_ALIASES:
        return segment
    name, value = match.group(1), match.group(2)
    real = FIELD_ALIASES[name.lower()]
    if (real == "tags" and not value.startswith('"') and not set(value) & set("*?")
            and not has_cjk(value)):  # a Chinese tag is one word with its sub-words
        return f'{name}:"{value}"'
    facet = BY_FIELD.get(real)
    if facet is None or set(value) & set("*?"):
        return segment
    kind = facet.key
    aliases = vocabulary.aliases[kind]
    typed = value.strip('"')
    found = aliases.get(" ".join(typed.lower().split()))
    if found is not None:
        if kind == "zone" and " ".join(typed.lower().split()) in vocabulary.place_zone:
            result.notes.append(place_note(vocabulary, "place_zone", typed, found))
        return f"{name}:{found}"
    hint = closest(typed.lower(), set(aliases.values())) or closest(typed.lower(), aliases)
    hint = aliases.get(hint, hint) if hint else None
    known = ", ".join(sorted(set(aliases.values()))) if facet.list_known else None
    known = known if not hint else None
    result.notes.append(Note("unknown_value", kind=kind, value=typed, hint=hint, known=known))
    if hint:
        result.fixes.append((segment, f"{name}:{hint}"))
    return segment


def zone_note(vocabulary: QueryVocabulary, typed: str, zone_id: str) -> Note:
    """A query named a zone as a zone: its records first, and the filter that keeps
    only them."""
    zone = vocabulary.zones[zone_id]
    return Note("zone_word", name=typed, zone_id=zone_id, zone=zone["short"],
                zone_zh=zone.get("short_zh") or zone["short"])


def place_note(vocabulary: QueryVocabulary, code: str, place: str, zone_id: str) -> Note:
    """A query named a place inside a zone: measures are recorded by zone, not by place."""
    zone = vocabulary.zones[zone_id]
    return Note(code, place=place, zone_id=zone_id, zone=zone["short"],
                zone_zh=zone.get("short_zh") or zone["short"])
