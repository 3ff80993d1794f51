"""What a search returns: plain data (a Hit per record shown, a SearchResult per page), which
the web app and the CLI serialize (serialize.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, make_dataclass
from typing import Any, get_origin

from indexer.facets import BY_PLURAL, FILTERS
from indexer.notes import Note
from indexer.records.schema import Measure, not_shown


# The record's fields a list gives (the schema's Measure, but those only its own page shows),
# lists as lists; a hit holds them and what the search found of it.
_HIT_FIELDS = not_shown(Measure, "page")
_HIT_LISTS = [key for key in _HIT_FIELDS if get_origin(Measure.model_fields[key].annotation) is tuple]

Hit = make_dataclass("Hit", [
    *((name, Any, field(default_factory=list) if name in _HIT_LISTS else field(default=None))
      for name in _HIT_FIELDS),
    ("snippet", str, field(default="")),
    ("score", "float | None", field(default=None)),
    # how the query matched where it was not word for word (a synonym...)
    ("explanation", "list[str]", field(default_factory=list)),
    # the query's words (or terms) this record holds: all of them unless the search was relaxed
    ("matched_words", "list[str]", field(default_factory=list)),
    # a relaxed search joined it as nearer in meaning than every match (search/hybrid.py)
    ("near_in_meaning", bool, field(default=False)),
], kw_only=True, namespace={
    "__module__": __name__,
    "__doc__": "A record as a list shows it: the schema's Measure fields but those only its "
               "own page shows (id, title, ..., source, quote, lineage, body_zh: the "
               "citation travels with it), with the search's snippet, score, explanation, "
               "matched words and whether it was joined by meaning.",
    "to_dict": lambda self: asdict(self)})


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None
    notes: list[str] = field(default_factory=list)  # how the query was read (syntax.py)
    corrected_from: str | None = None
    # how many of a relaxed search's matches were joined by meaning (search/hybrid.py)
    joined: int = 0
    # the filters as read, by facet key (facets.py): ids, where a request may name a value by
    # a name; also an attribute by the facet's plural (result.zones, result.years)
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # no record held every word: {"query": what was searched, "kept": [...], "dropped": [...]}
    relaxed: dict | None = None
    # zones the query or the filters name that have no measure yet: the zone's names and
    # `named_as`, the words that named it
    zones_without_records: list[dict] = field(default_factory=list)
    # the query's plain words (or terms) that some record shown holds, and those none holds
    matched_words: list[str] = field(default_factory=list)
    unmatched_words: list[str] = field(default_factory=list)

    def left_out(self) -> list[str]:
        """The words a relaxed search left out: those a measure shown need not hold that do
        not rank it either (relaxed["ranking"]: a measure holding them ranks first, and they
        count towards the minimum). What its note and its page name as left out."""
        if not self.relaxed:
            return []
        ranking = set(self.relaxed.get("ranking") or ())
        return [w for w in self.relaxed["dropped"] if w not in ranking]

    def joined_note(self) -> Note | None:
        """How many records holding fewer of the words a relaxed search shows as near in
        meaning (hybrid.py); said after the note on the words it kept."""
        return Note("joined_by_meaning", count=self.joined) if self.joined else None

    def messages(self) -> list[Note]:
        """Every note on this result (each an English str with its code, notes.py): how the
        query was read, then what was searched instead (a correction, words left out, the
        records joined by meaning), then zones with no measures."""
        out = list(self.notes)
        if self.corrected_from:
            out.append(Note("corrected", query=self.corrected_from, suggestion=self.suggestion))
        if self.relaxed:
            relaxed = self.relaxed
            out.append(Note("relaxed",
                            searched=self.suggestion if self.corrected_from else self.query,
                            kept=relaxed["query"], minimum=relaxed.get("minimum", 0),
                            dropped=", ".join(self.left_out()),
                            wider=relaxed.get("minimum", 0) > len(relaxed["kept"]),
                            ranking=bool(relaxed.get("ranking"))))
        if self.joined:
            out.append(self.joined_note())
        for zone in self.zones_without_records:
            out.append(Note("zone_without_records", zone=zone["short"],
                            zone_zh=zone.get("short_zh") or zone["short"], zone_id=zone["id"]))
        return out

    def __getattr__(self, name: str):
        facet = BY_PLURAL.get(name)
        if facet is None or not facet.filter:
            raise AttributeError(name)
        return tuple(self.__dict__.get("filters", {}).get(facet.key, ()))

    def to_dict(self) -> dict:
        data = asdict(self)
        data["results"] = data.pop("hits")
        data.pop("filters")
        data.pop("joined")  # said by a note; each joined hit is marked near_in_meaning
        for facet in FILTERS:
            data[facet.plural] = list(getattr(self, facet.plural))
        return data


def hit_from_record(record: dict, score) -> Hit:
    """The Hit of a stored record (Measure.to_dict())."""
    values = {key: record.get(key) for key in _HIT_FIELDS}
    for key in _HIT_LISTS:
        values[key] = list(values[key] or ())
    values["lineage"] = [dict(step) for step in values["lineage"]]
    return Hit(**values, score=score)
