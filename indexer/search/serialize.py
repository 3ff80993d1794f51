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

from dataclasses import dataclass
from typing import Any, Callable, Mapping

# Keys of a described hit, in order. `snippet` and `explanation` are empty in exports.
HIT_KEYS = ("id", "title", "title_zh", "zones", "pillar", "date", "status", "tags", "url",
            "source", "quote", "see_also", "see_also_sources", "lineage", "body_zh",
            "matched_words", "snippet", "explanation")
CITATION_KEYS = ("id", "kind", "title", "title_zh", "publisher", "date", "language",
                 "original_url", "url")
# A measure adds what only its own page shows.
MEASURE_EXTRA_KEYS = ("title_zh_note", "title_zh_source", "title_zh_alt", "zones_note", "body",
                      "path")
# One row of a table (CSV): the hit's keys with the citation spread into source_* columns.
FLAT_COLUMNS = ("id", "title", "title_zh", "zones", "pillar", "date", "status", "tags", "url",
                "source_id", "source_kind", "source_title", "source_publisher", "source_date",
                "source_original_url", "source_url", "quote", "see_also", "lineage", "body_zh",
                "matched_words")


@dataclass(frozen=True)
class Links:
    """The site's address of a measure page, a source page and a zone page; None off the site."""

    measure: Callable[[str], str] | None = None
    source: Callable[[str], str] | None = None
    zone: Callable[[str], str] | None = None


NO_LINKS = Links()


def _get(item: Any, key: str, default=None):
    if isinstance(item, Mapping):
        return item.get(key, default)
    return getattr(item, key, default)


def citation(source_id: str | None, sources: Mapping[str, dict], links: Links = NO_LINKS,
             detail: bool = False) -> dict | None:
    """A source as a citation: `original_url` is the publisher's page (None for a source the
    project holds without one), `url` the site's page of the source. With `detail`, the
    source's other fields follow (figures, note, description...), never its full text."""
    if not source_id:
        return None
    source = sources.get(source_id) or {}
    described = {
        "id": source_id,
        "kind": source.get("kind"),
        "title": source.get("title"),
        "title_zh": source.get("title_zh"),
        "publisher": source.get("publisher"),
        "date": source.get("date"),
        "language": source.get("language"),
        "original_url": source.get("url"),
        "url": links.source(source_id) if links.source else None,
    }
    if detail:
        described.update((k, v) for k, v in source.items()
                         if k not in described and k not in ("text", "url"))
    return described


def hit(item: Any, sources: Mapping[str, dict], links: Links = NO_LINKS) -> dict:
    """A search hit (or any listed measure) with its citation, in HIT_KEYS order."""
    measure_id = _get(item, "id")
    see_also = list(_get(item, "see_also") or ())
    return {
        "id": measure_id,
        "title": _get(item, "title"),
        "title_zh": _get(item, "title_zh"),
        "zones": list(_get(item, "zones") or ()),
        "pillar": _get(item, "pillar"),
        "date": _get(item, "date"),
        "status": _get(item, "status"),
        "tags": list(_get(item, "tags") or ()),
        "url": links.measure(measure_id) if links.measure else None,
        "source": citation(_get(item, "source"), sources, links),
        "quote": _get(item, "quote"),
        "see_also": see_also,
        "see_also_sources": [citation(s, sources, links) for s in see_also],
        "lineage": [dict(step) for step in _get(item, "lineage") or ()],
        "body_zh": _get(item, "body_zh"),
        # the query's words this record holds (all of them unless no record held every word)
        "matched_words": list(_get(item, "matched_words") or ()),
        "snippet": _get(item, "snippet") or "",
        "explanation": list(_get(item, "explanation") or ()),
    }


def measure(record: Mapping, sources: Mapping[str, dict], links: Links = NO_LINKS) -> dict:
    """A whole measure: a hit's keys (snippet and explanation left out) and its own."""
    data = {k: v for k, v in hit(record, sources, links).items()
            if k not in ("snippet", "explanation", "matched_words")}
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
