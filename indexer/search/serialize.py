"""One description of a search hit and of a measure as plain data, with its citation.

The JSON API (/api/search, /api/measures/<id>), the exports (/search.json, /search.csv) and
`ftz search --json` all describe a measure through these functions, so that a hit has one
shape wherever it goes and its citation (the source's title, publisher, date and address, and
the quote where the project holds the source's text) travels with it.

Plain data in, dicts out: a hit is a `indexer.search.results.Hit` or a dict with the same keys, a
measure is the record dict of `KnowledgeBase.measure`, sources are the dicts of
`KnowledgeBase.sources()` by id. The site's own addresses come from the caller through
`Links`; without them (the command line) every `url` key is there and None, and a source's
`original_url` (the publisher's page) is given all the same.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, Mapping, get_origin

from indexer.records.schema import Measure, Source, not_shown, shown

# The record's fields a hit gives, in order (the record schema's Measure, but the fields
# only its own page shows), and what a hit adds after the field it follows: the site's
# page of the measure, the citations of `see_also`.
RECORD_KEYS = not_shown(Measure, "page")
_ADDED_AFTER = {"tags": "url", "see_also": "see_also_sources"}
# What a search adds of its own. `snippet` and `explanation` are empty in exports.
SEARCH_KEYS = ("matched_words", "near_in_meaning", "snippet", "explanation")
# Keys of a described hit, in order.
HIT_KEYS = (*(k for key in RECORD_KEYS for k in (key, _ADDED_AFTER.get(key)) if k),
            *SEARCH_KEYS)
# A source as a record cites it (the schema's Source fields marked CITATION; its url is
# the publisher's page, `original_url`), and the site's page of it.
CITATION_KEYS = (*("original_url" if k == "url" else k for k in shown(Source, "citation")), "url")
# A measure adds what only its own page shows.
MEASURE_EXTRA_KEYS = shown(Measure, "page")
# One row of a table (CSV): the hit's keys with the citation spread into source_* columns
# (but its Chinese title and language), not the lists of citations nor a search's own.
_NOT_FLAT = ("see_also_sources", "snippet", "explanation")
_FLAT_SOURCE = tuple(f"source_{k}" for k in CITATION_KEYS if k not in ("title_zh", "language"))
FLAT_COLUMNS = tuple(c for key in HIT_KEYS if key not in _NOT_FLAT
                     for c in (_FLAT_SOURCE if key == "source" else (key,)))
# the record's fields that are lists (tuples in the schema, lists in JSON)
_LISTS = {name for name, info in Measure.model_fields.items() if get_origin(info.annotation) is tuple}


@dataclass(frozen=True)
class Links:
    """The site's address of a measure page, a source page and a zone page; None off the site."""

    measure: Callable[[str], str] | None = None
    source: Callable[[str], str] | None = None
    zone: Callable[[str], str] | None = None


NO_LINKS = Links()


def citation(source_id: str | None, sources: Mapping[str, dict], links: Links = NO_LINKS,
             detail: bool = False) -> dict | None:
    """A source as a citation (CITATION_KEYS): `original_url` is the publisher's page (None
    for a source the project holds without one), `url` the site's page of the source. With
    `detail`, the source's other fields follow (figures, note, description...), never its
    full text."""
    if not source_id:
        return None
    source = sources.get(source_id) or {}
    described = {key: source.get(key) for key in CITATION_KEYS[:-1]}
    described["id"] = source_id
    described["original_url"] = source.get("url")
    described["url"] = links.source(source_id) if links.source else None
    if detail:
        described.update((k, v) for k, v in source.items()
                         if k not in described and k not in ("text", "url"))
    return described


def _getter(item: Any) -> Callable[..., Any]:
    """A lookup of one item's keys, `get(key, default)`: a mapping's, or an object's attributes
    (a Hit). Whether the item is a mapping is decided once: the check through typing's
    Mapping cost more than the 17 lookups of a hit it guarded."""
    if isinstance(item, Mapping):
        return item.get
    return functools.partial(getattr, item)


def hit(item: Any, sources: Mapping[str, dict], links: Links = NO_LINKS) -> dict:
    """A search hit (or any listed measure) with its citation, in HIT_KEYS order."""
    get = _getter(item)
    measure_id = get("id", None)
    described: dict[str, Any] = {}
    for key in RECORD_KEYS:
        value = get(key, None)
        if key == "source":
            value = citation(value, sources, links)
        elif key == "lineage":
            value = [dict(step) for step in value or ()]
        elif key in _LISTS:
            value = list(value or ())
        described[key] = value
        if key == "tags":
            described["url"] = links.measure(measure_id) if links.measure else None
        elif key == "see_also":
            described["see_also_sources"] = [citation(s, sources, links) for s in value]
    # the query's words this record holds (all of them unless no record held every word)
    described["matched_words"] = list(get("matched_words", None) or ())
    # joined by meaning in a relaxed search, holding fewer of the words (search/hybrid.py)
    described["near_in_meaning"] = bool(get("near_in_meaning", False))
    described["snippet"] = get("snippet", None) or ""
    described["explanation"] = list(get("explanation", None) or ())
    return described


def measure(record: Mapping, sources: Mapping[str, dict], links: Links = NO_LINKS) -> dict:
    """A whole measure: a hit's keys (snippet and explanation left out) and its own."""
    data = {k: v for k, v in hit(record, sources, links).items() if k not in SEARCH_KEYS}
    data["source"] = citation(record.get("source"), sources, links, detail=True)
    for key in MEASURE_EXTRA_KEYS:
        data[key] = record.get(key)
    return data


def _lineage_text(steps: list[dict]) -> str:
    """'2022-06 national (7th batch; source-id)' per step, for one table cell."""
    out = []
    for step in steps:
        detail = "; ".join(v for v in (step.get("batch"), step.get("source")) if v)
        out.append(f"{step.get('date', '')} {step.get('scope', '')}" + (f" ({detail})" if detail else ""))
    return out


def flat(described: Mapping) -> dict:
    """A described hit as one table row (FLAT_COLUMNS): lists stay lists, for the writer to
    join; the citation is spread into source_* columns."""
    source = described.get("source") or {}
    row = {k: described.get(k) for k in FLAT_COLUMNS if k in described}
    for key in CITATION_KEYS:
        row[f"source_{key}"] = source.get(key)
    row["lineage"] = _lineage_text(described.get("lineage") or [])
    return {k: row.get(k) for k in FLAT_COLUMNS}


def resolution(result: Any, links: Links = NO_LINKS) -> dict:
    """What a search did besides matching the query as typed: the correction it showed
    instead (`corrected_from`), the words it left out (`relaxed`), the zones the query
    names that have no measures yet (`zones_without_records`, each with its page's `url`),
    whether the query was corrected (`corrected`), and which of its words (or terms) some
    record found holds (`matched_words`) and which none holds (`unmatched_words`)."""
    return {
        "corrected": result.corrected_from is not None,
        "matched_words": list(getattr(result, "matched_words", None) or ()),
        "unmatched_words": list(getattr(result, "unmatched_words", None) or ()),
        "corrected_from": result.corrected_from,
        "relaxed": dict(result.relaxed) if result.relaxed else None,
        "zones_without_records": [
            dict(zone, url=links.zone(zone["id"]) if links.zone else None)
            for zone in result.zones_without_records],
    }


def search_result(result: Any, sources: Mapping[str, dict], links: Links = NO_LINKS) -> dict:
    """A page of search results (`indexer.search.results.SearchResult`): the query, counts, facets,
    suggestion, what the search did instead of the query as typed, every note in English,
    and each hit described by `hit`."""
    return {
        "query": result.query,
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "results": [hit(item, sources, links) for item in result.hits],
        "facets": {name: dict(counts) for name, counts in result.facets.items()},
        "suggestion": result.suggestion,
        **resolution(result, links),
        "notes": result.messages(),
    }
