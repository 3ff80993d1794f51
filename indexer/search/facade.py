"""The search facade: the few functions the web app and the CLI call, returning plain data.

One KnowledgeBase per process holds the current index generation (generation.py): its
postings, the document sets of every value of every facet (facets.py; facet counts
are set intersections) and the newest-first order of all measures (for browsing). A search
compiles the query (evaluation.py), takes the matches' facets and the top of the ranking
(collect.py) and loads only the shown records. Searches share nothing mutable and take no
lock: threads search in parallel. `refresh()` picks up a new generation.
"""

from __future__ import annotations

import functools
import re
import threading
import time
import weakref
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
from whoosh import query as Q
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError

from indexer.engine import store
from indexer.analysis.analyser import has_chinese
from indexer.engine.collect import facet_counts, intersect, top
from indexer.errors import BadRequest, IndexMissing, IndexOutdated, UnknownFilter
from indexer.engine.evaluation import Or, Weighted, compile_query
from indexer.facets import BY_KEY, BY_PLURAL, FILTER_KINDS, FILTERS, chosen
from indexer.records.fields import closest
from indexer.engine.generation import Generation
from indexer.records.latin import unmark
from indexer.notes import Note
from indexer.query.parsed import ParsedQuery, Unit
from indexer.query.syntax import MAX_QUERY_LENGTH
from indexer.query.relax import relax
from indexer.engine.schema import SCHEMA_VERSION, TAXONOMY_DOC_ID
from indexer.engine.scoring import RELATED_PILLAR, RELATED_ZONE, TEXT_FIELDS
from indexer.search.snippets import first_snippet

MAX_PER_PAGE = 100
REFRESH_EVERY = 1.0  # seconds between checks for a newly published index
OPEN_ATTEMPTS = 50  # a generation removed or a commit under way while opening: try again
TIME_BUDGET = 3.0  # seconds one search may take before it is stopped
# the facets a search is filtered by: facets.FILTERS (FILTER_KINDS, their keys)


@dataclass
class Hit:
    id: str
    title: str
    title_zh: str
    zones: list[str]
    pillar: str
    date: str
    status: str | None
    tags: list[str]
    snippet: str = ""
    score: float | None = None
    explanation: list[str] = field(default_factory=list)
    # the record's citation, so that a hit carries it wherever it is shown or exported
    source: str = ""
    quote: str | None = None
    see_also: list[str] = field(default_factory=list)
    lineage: list[dict] = field(default_factory=list)
    body_zh: str | None = None  # the record's Chinese text, for exports and Chinese pages
    # the query's words (or terms) this record holds: all of them unless the search was relaxed
    matched_words: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


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

    def messages(self) -> list[Note]:
        """Every note on this result (each an English str with its code, notes.py): how the
        query was read, then what was searched instead (a correction, words left out), then
        zones with no measures."""
        out = list(self.notes)
        if self.corrected_from:
            out.append(Note("corrected", query=self.corrected_from, suggestion=self.suggestion))
        if self.relaxed:
            relaxed = self.relaxed
            out.append(Note("relaxed",
                            searched=self.suggestion if self.corrected_from else self.query,
                            kept=relaxed["query"], minimum=relaxed.get("minimum", 0),
                            dropped=", ".join(relaxed["dropped"]),
                            wider=relaxed.get("minimum", 0) > len(relaxed["kept"]),
                            ranking=bool(relaxed.get("ranking"))))
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
        for facet in FILTERS:
            data[facet.plural] = list(getattr(self, facet.plural))
        return data


def _on_one_generation(cls):
    """Run each public method of the facade inside page(): a call started on a generation
    holds it to the end, whatever a refresh in another thread does meanwhile."""
    for name, method in list(vars(cls).items()):
        if not name.startswith("_") and name not in _LIFECYCLE and callable(method):
            setattr(cls, name, _pinned(method))
    return cls


def _pinned(method):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        with self.page():
            return method(self, *args, **kwargs)
    return call


_LIFECYCLE = ("page", "refresh", "close")


@_on_one_generation
class KnowledgeBase:
    """Search and browse the published index. Thread-safe; one per process.

    Every public method runs on one index generation from start to end, and so does a
    page: `page()` pins the generation current when it starts for every call this thread
    makes until it ends (a page makes several calls, which must agree). A generation is
    closed when the last call or page using it is done (see Generation's leases)."""

    def __init__(self, index_dir: Path, time_budget: float | None = TIME_BUDGET):
        self.index_dir = Path(index_dir)
        self.time_budget = time_budget
        self._lock = threading.Lock()  # swapping the current generation and taking leases
        self._opening = threading.Lock()  # one refresh at a time; searches do not wait for it
        self._checked = 0.0
        self._pins = threading.local()  # this thread's page: (generation, depth)
        # the current generation, in a dict the finalizer shares: a KnowledgeBase dropped
        # without close() still returns its lease
        self._held: dict = {"current": self._open_current()}
        self._finalizer = weakref.finalize(self, _release, self._held)

    # -- lifecycle ---------------------------------------------------------------------
    def _open_current(self) -> Generation:
        """Open the published generation, leased first so that no build removes it."""
        for _attempt in range(OPEN_ATTEMPTS):
            path = store.current_generation(self.index_dir)
            if path is None:
                raise IndexMissing(self.index_dir)
            settings = store.manifest_settings(path)
            if settings is not None and settings.get("schema") != SCHEMA_VERSION:
                raise IndexOutdated(self.index_dir, settings.get("schema"), SCHEMA_VERSION)
            lease = store.take_lease(self.index_dir, path)  # one per opened generation
            try:
                # a build that published a newer generation before we took the lease may
                # have removed this one: take the newer
                if store.current_generation(self.index_dir) != path:
                    raise FileNotFoundError(path)
                # Plain file reads, not mmap: mapped segment files count in the worker's RSS
                ix = FileStorage(str(path), supports_mmap=False, readonly=True).open_index()
                return Generation(ix, ix.searcher(), path, lease)
            except (OSError, EmptyIndexError):
                # also an incremental commit removing the table of contents just listed
                lease.release()
                time.sleep(0.02)
        raise IndexMissing(self.index_dir)

    @property
    def _gen(self) -> Generation:
        """The generation this thread's call or page runs on."""
        pinned = getattr(self._pins, "generation", None)
        if pinned is not None:
            return pinned
        current = self._held.get("current")
        if current is None:
            raise ValueError("the knowledge base is closed")
        return current

    @contextmanager
    def page(self):
        """Every call of this thread inside the block sees the same generation (pages and
        API answers make several calls); re-entrant."""
        pins = self._pins
        if getattr(pins, "generation", None) is not None:
            pins.depth += 1
            try:
                yield self
            finally:
                pins.depth -= 1
            return
        with self._lock:
            current = self._held.get("current")
            if current is None:
                raise ValueError("the knowledge base is closed")
            generation = current.acquire()
        pins.generation, pins.depth = generation, 0
        try:
            yield self
        finally:
            pins.generation = None
            generation.release()

    def refresh(self, force: bool = False) -> bool:
        """Reopen if a new generation or commit was published; cheap, throttled."""
        now = time.monotonic()
        if not force and now - self._checked < REFRESH_EVERY:
            return False
        with self._opening:
            self._checked = now
            current = self._held.get("current")
            path = store.current_generation(self.index_dir)
            if current is None or path is None:
                return False
            if path == current.path and current.postings.searcher.up_to_date():
                return False
            # A fresh reader, not Whoosh's searcher.refresh(): that one reuses the readers
            # of unchanged segments with their old deletions, so a record updated in
            # place would show twice (tests/test_publishing.py catches it).
            fresh = self._open_current()  # searches go on meanwhile, on the old one
            with self._lock:
                old = self._held.get("current")
                if old is not None:  # not closed meanwhile
                    self._held["current"] = fresh
            # the old one closes now, or when the last search or page using it ends
            (old or fresh).release()
            return old is not None

    @property
    def generation(self) -> str:
        gen = self._gen
        return f"{gen.path.name}.{gen.postings.reader.generation()}"

    def close(self) -> None:
        """Return the current generation; searches and pages under way finish on it."""
        with self._lock:
            self._finalizer()

    # -- search ------------------------------------------------------------------------
    def _filters(self, gen: Generation, zones: Sequence[str] = (), pillars: Sequence[str] = (),
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

    def facet_choices(self) -> dict[str, list[dict]]:
        """Each facet's allowed values in order, with their names in both languages and the
        aliases they may be named by (facets.py): the panels', the notes' and the API's."""
        return {kind: [dict(c) for c in choices] for kind, choices in self._gen.choices.items()}

    def search(self, query: str = "", zones: Sequence[str] = (), pillars: Sequence[str] = (),
               page: int = 1, per_page: int = 20, scopes: Sequence[str] = (),
               **filters: Sequence[str]) -> SearchResult:
        """A page of the measures matching `query` within the filters: zones, pillars, scopes
        and every other facet's plural (years=...; facets.py)."""
        if page < 1:
            raise BadRequest(Note("page_min"))
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise BadRequest(Note("per_page_range", most=MAX_PER_PAGE))
        query = self._clean_query(query)
        gen = self._gen
        filters = self._filters(gen, zones, pillars, scopes, **filters)
        parsed = gen.builder.parse(query)
        result = self._resolve(gen, parsed, filters, page, per_page)
        result.query = query
        return result

    def _resolve(self, gen: Generation, parsed: ParsedQuery, filters: dict, page: int,
                 per_page: int, snippets: bool = True, newest_first: bool = False,
                 offer: bool = True) -> SearchResult:
        """The results of a query, or, when it finds nothing, of what is likeliest meant: the
        query with its misspellings corrected, then (failing that) its words as optional
        clauses under a minimum that keeps the rarest (relax.py). With
        `offer`, a query that found something may still get a "did you mean" that finds
        something too. Every result says which of the query's words its records hold."""
        result = self._run(gen, parsed, filters, page, per_page, snippets, newest_first)
        named = self._zones_without_records(gen, parsed, filters)
        words = _plain_words(parsed)
        if result.total or parsed.query is None:
            if offer and result.total:
                suggestion = gen.speller.suggest(parsed)
                if suggestion and self._run(gen, gen.builder.parse(suggestion), filters, 1, 1,
                                            snippets=False).total:
                    result.suggestion = suggestion
            result.zones_without_records = named
            result.matched_words = words
            for hit in result.hits:
                hit.matched_words = list(words)
            return result
        result.unmatched_words = words
        suggestion = gen.speller.suggest(parsed)
        base = parsed
        if suggestion:
            fixed = gen.builder.parse(suggestion)
            retry = self._run(gen, fixed, filters, page, per_page, snippets, newest_first)
            if retry.total:
                retry.notes = result.notes
                retry.suggestion, retry.corrected_from = suggestion, result.query
                retry.zones_without_records = named
                retry.matched_words = _plain_words(fixed)
                for hit in retry.hits:
                    hit.matched_words = list(retry.matched_words)
                return retry
            base = fixed
        ctx = gen.context(self.time_budget)
        masks = [gen.any_of(kind, ids) for kind, ids in filters.items()]
        allowed = intersect(gen.live, *masks)
        typed = None if base is parsed else {u.text.lower() for u in parsed.units}
        relaxation = relax(gen.builder, base, ctx, allowed, gen.bm25.idf, typed)
        if relaxation is None:
            if base.structured:
                result.notes.append(Note("structured_none"))
            elif base.units and all(u.plain for u in base.units):
                # single characters cut from a word no record holds (渝新: 渝 and 新): the
                # word as typed is what no record mentions
                result.notes.insert(0, _unheld_note([_typed(base.units)], any(filters.values())))
            result.zones_without_records = named
            return result
        unheld = _unheld_note(_as_typed(base.units, relaxation.missing), any(filters.values()))
        if not any(u.plain for u in relaxation.kept):
            # every word is one no record holds (or a lone character): nothing to show, but
            # a Chinese word's held part is offered as an English word's spelling is
            if unheld:
                result.notes.insert(0, unheld)
            result.zones_without_records = named
            if base is not parsed:
                result.unmatched_words = _plain_words(base)
            elif offer:
                result.suggestion = self._chinese_suggestion(gen, base, relaxation.missing,
                                                             filters)
            return result
        relaxed = gen.builder.ranked(base, [u for u in relaxation.kept if not u.plain],
                                     [u for u in base.units if u.plain
                                      and u not in relaxation.missing])
        relaxed.text = " ".join(u.text for u in relaxation.kept)
        found = self._run(gen, relaxed, filters, page, per_page, snippets, newest_first,
                          words=[u for u in base.units if u.plain], within=relaxation.matching)
        found.notes = ([unheld] if unheld else []) + result.notes
        found.relaxed = {"query": relaxed.text, "kept": [u.text for u in relaxation.kept],
                         "dropped": [u.text for u in base.units if u in relaxation.dropped],
                         "ranking": [u.text for u in relaxation.optional],
                         "unheld": [u.text for u in relaxation.missing],
                         "minimum": relaxation.minimum}
        shown = set(found.matched_words)
        found.unmatched_words = [w for w in _plain_words(base) if w not in shown]
        if base is not parsed:
            found.suggestion, found.corrected_from = suggestion, result.query
        found.zones_without_records = named
        return found

    def _chinese_suggestion(self, gen: Generation, parsed: ParsedQuery, missing: list,
                            filters: dict) -> str | None:
        """For Chinese words no record holds, the longest part of each (two characters or
        more) that some record holds: 零关税 -> 关税. None when no part finds anything."""
        text = parsed.text
        changed = False
        for unit in missing:
            word = unit.text
            if not has_chinese(word) or len(word) < 3 or unit.zone or unit.place:
                continue  # a zone's or a place's name is no misspelling (its zone has no record)
            best = None
            for size in range(len(word) - 1, 1, -1):
                found = [(self._run(gen, gen.builder.parse(word[i:i + size]), filters, 1, 1,
                                    snippets=False).total, -i, word[i:i + size])
                         for i in range(len(word) - size + 1) if has_chinese(word[i:i + size])]
                found = [f for f in found if f[0]]
                if found:
                    best = max(found)[2]
                    break
            if best:
                text, changed = text.replace(word, best, 1), True
        if not changed or not self._run(gen, gen.builder.parse(text), filters, 1, 1,
                                        snippets=False).total:
            return None
        return text

    def _zones_without_records(self, gen: Generation, parsed: ParsedQuery,
                               filters: dict) -> list[dict]:
        named = list(parsed.zones_named)
        named += [(z, gen.zones[z]["short"]) for z in filters["zone"]]
        out, seen = [], set()
        for zone_id, words in named:
            if zone_id in seen or zone_id not in gen.zones:
                continue
            seen.add(zone_id)
            if not gen.count_in(gen.zone_masks[zone_id]):
                zone = gen.zones[zone_id]
                out.append({"id": zone_id, "name": zone["name"], "name_zh": zone["name_zh"],
                            "short": zone["short"], "short_zh": zone["short_zh"],
                            "named_as": words})
        return out

    def export(self, query: str = "", zones: Sequence[str] = (), pillars: Sequence[str] = (),
               limit: int = 10_000, order: str = "relevance",
               scopes: Sequence[str] = (), **filters: Sequence[str]) -> SearchResult:
        """Up to `limit` matching measures without snippets, for exports and feeds; `order`
        is "relevance" (the search's order; newest first for an empty query) or "newest"."""
        if order not in ("relevance", "newest"):
            raise BadRequest(Note("order_values"))
        query = self._clean_query(query)
        gen = self._gen
        filters = self._filters(gen, zones, pillars, scopes, **filters)
        parsed = gen.builder.parse(query)
        result = self._resolve(gen, parsed, filters, 1, max(1, limit), snippets=False,
                               newest_first=order == "newest", offer=False)
        result.query = query
        return result

    def counts_by_year(self, zones: Sequence[str] = (), pillars: Sequence[str] = (),
                       scopes: Sequence[str] = (), **filters: Sequence[str]) -> dict[int, int]:
        """How many measures are dated in each year, for the filters given."""
        gen = self._gen
        mask = self._browse_mask(gen, zones, pillars, scopes, **filters)
        mask = gen.live if mask is None else gen.live & mask
        counts = np.bincount(gen.years[mask], minlength=1)
        return {int(y): int(c) for y, c in enumerate(counts) if c}

    def _clean_query(self, query: str) -> str:
        query = query or ""
        if len(query) > MAX_QUERY_LENGTH:
            raise BadRequest(Note("query_length", length=len(query), limit=MAX_QUERY_LENGTH))
        return "".join(" " if ord(c) < 32 else c for c in query)  # NUL, pair marks, ...

    def _run(self, gen: Generation, parsed: ParsedQuery, filters: dict, page: int,
             per_page: int, snippets: bool = True, newest_first: bool = False,
             words: Sequence = (), within: np.ndarray | None = None) -> SearchResult:
        """One page of the matches of `parsed`; with `words` (units of a relaxed query), which
        of them each shown record holds, and which any matching record holds."""
        masks = {kind: gen.any_of(kind, ids) for kind, ids in filters.items()}
        start = (page - 1) * per_page
        ctx = gen.context(self.time_budget)
        root = None
        if parsed.query is None:
            matched = gen.live
        else:
            root = compile_query(parsed.query, gen.postings)
            matched = root.match(ctx) & gen.live
        if within is not None:  # a relaxed search's matches (relax.py)
            matched = matched & within
        allowed = intersect(matched, *masks.values())
        facets = facet_counts(matched, masks, gen.groups)
        scores: dict[int, float] = {}
        if root is None or newest_first:
            page_docs = gen.newest[allowed[gen.newest]][start:start + per_page].tolist()
        else:
            page_docs, scores = top(ctx, root, allowed, gen.rank, start + per_page)
            page_docs = page_docs[start:]
        terms = (_highlight_terms(gen, parsed) or set()) if snippets else set()
        explain = _synonym_use(gen, parsed, page_docs) if snippets else {}
        held = {}  # unit text -> mask of the documents holding it
        for unit in words:
            q = gen.builder.unit_query(unit)
            if q is not None and q is not Q.NullQuery:
                held[unit.text] = compile_query(q, gen.postings).match(ctx)
        hits = []
        for docnum in page_docs:  # only the shown records are loaded and highlighted
            record = gen.record(docnum)
            hit = _hit_from_record(record, scores.get(docnum) if root is not None else None)
            if snippets:
                # a Chinese search's passage is in the Chinese text first
                # (the Chinese text without its language marks, as it is indexed: a passage
                # cut inside <span lang="en"> would show the tag's text)
                texts = (record["body"], unmark(record.get("body_zh") or ""))
                hit.snippet = first_snippet(texts[::-1] if has_chinese(parsed.text) else texts,
                                            terms)
            hit.explanation = explain.get(docnum, [])
            if words:
                hit.matched_words = [w for w, mask in held.items() if mask[docnum]]
            hits.append(hit)
        out = SearchResult(parsed.text, int(np.count_nonzero(allowed)), page, per_page, hits,
                           facets, notes=list(parsed.notes), filters=dict(filters))
        if words and allowed is not None:
            out.matched_words = [w for w, mask in held.items() if (mask & allowed).any()]
        return out

    # -- browse ------------------------------------------------------------------------
    def measure(self, measure_id: str) -> dict | None:
        if measure_id == TAXONOMY_DOC_ID:
            return None
        gen = self._gen
        docnum = gen.postings.docnum("id", measure_id)
        return None if docnum is None else gen.record(docnum)

    def measures(self, zones: Sequence[str] = (), pillars: Sequence[str] = (),
                 source: str | None = None, limit: int | None = None,
                 no_zone: bool = False, scopes: Sequence[str] = (),
                 **filters: Sequence[str]) -> list[Hit]:
        """Matching measures, newest first, at most `limit`; `no_zone`: only those whose
        source names no zone."""
        gen = self._gen
        allowed = self._browse_mask(gen, zones, pillars, scopes, no_zone, **filters)
        order = gen.newest if allowed is None else gen.newest[allowed[gen.newest]]
        hits = []
        for docnum in order.tolist():
            if limit is not None and len(hits) >= limit:
                break
            record = gen.record(docnum)
            if source is None or record["source"] == source:
                hits.append(_hit_from_record(record, None))
        return hits

    def count(self, zones: Sequence[str] = (), pillars: Sequence[str] = (),
              no_zone: bool = False, scopes: Sequence[str] = (), **filters: Sequence[str]) -> int:
        """How many measures `measures()` would list with these arguments and no limit."""
        gen = self._gen
        allowed = self._browse_mask(gen, zones, pillars, scopes, no_zone, **filters)
        return gen.count if allowed is None else gen.count_in(allowed)

    def _browse_mask(self, gen: Generation, zones, pillars, scopes, no_zone: bool = False,
                     **more):
        filters = self._filters(gen, zones, pillars, scopes, **more)
        allowed = intersect(*(gen.any_of(kind, ids) for kind, ids in filters.items()))
        if no_zone:
            named = gen.any_of("zone", list(gen.zones))
            if named is not None:
                allowed = ~named if allowed is None else allowed & ~named
        return allowed

    def related(self, measure_id: str, limit: int = 5) -> list[Hit]:
        """Measures sharing tags, zones or the pillar with this one, most shared first."""
        record = self.measure(measure_id)
        if record is None:
            return []
        gen = self._gen
        tags_field = gen.schema["tags"]
        parts = [compile_query(Q.Term("tags", t), gen.postings) for tag in record["tags"]
                 for t in tags_field.process_text(tag, mode="query")]
        parts += [Weighted(gen.zone_masks[z], RELATED_ZONE) for z in record["zones"]
                  if z in gen.zone_masks]
        if record["pillar"] in gen.pillar_masks:
            parts.append(Weighted(gen.pillar_masks[record["pillar"]], RELATED_PILLAR))
        if not parts:
            return []
        root = Or(parts)
        ctx = gen.context()
        mask = root.match(ctx) & gen.live
        own = gen.postings.docnum("id", measure_id)
        if own is not None:
            mask[own] = False
        docs, scores = top(ctx, root, mask, gen.rank, limit)
        return [_hit_from_record(gen.record(d), scores[d]) for d in docs]

    def zones(self) -> list[dict]:
        gen = self._gen
        return [{**z, "count": gen.count_in(gen.zone_masks[z["id"]])} for z in gen.zones.values()]

    def zone(self, zone_id: str) -> dict | None:
        return next((z for z in self.zones() if z["id"] == zone_id), None)

    def pillars(self) -> list[dict]:
        gen = self._gen
        return [{**p, "count": gen.count_in(gen.pillar_masks[p["id"]])} for p in gen.pillars.values()]

    def pillar(self, pillar_id: str) -> dict | None:
        return next((p for p in self.pillars() if p["id"] == pillar_id), None)

    def sources(self) -> list[dict]:
        return list(self._gen.sources.values())

    def source(self, source_id: str) -> dict | None:
        return self._gen.sources.get(source_id)

    def batches(self) -> list[dict]:
        """The register's batches, by issuer and number, each with its items."""
        return list(self._gen.batches.values())

    def batch(self, batch_id: str) -> dict | None:
        return self._gen.batches.get(batch_id)

    def reform_fields(self) -> list[dict]:
        """The fields of reform the batches group their items by, in file order."""
        return list(self._gen.reform_fields.values())

    def stated_totals(self) -> list[dict]:
        """Counts of the whole that sources state (totals.yaml), beside which the knowledge
        base is a sample."""
        return list(self._gen.totals)

    def stats(self) -> dict:
        return {"measures": self._gen.count, "generation": self.generation}


def _release(held: dict) -> None:
    generation = held.pop("current", None)
    if generation is not None:
        generation.release()


def _hit_from_record(record: dict, score) -> Hit:
    return Hit(record["id"], record["title"], record["title_zh"], list(record["zones"]),
               record["pillar"], record["date"], record.get("status"), list(record["tags"]),
               score=score, source=record.get("source", ""), quote=record.get("quote"),
               see_also=list(record.get("see_also") or ()),
               lineage=[dict(step) for step in record.get("lineage") or ()],
               body_zh=record.get("body_zh"))


def _highlight_terms(gen: Generation, parsed: ParsedQuery) -> set[str] | None:
    if parsed.query is None or parsed.query is Q.NullQuery:
        return None
    terms = set()
    for fieldname, text in gen.postings.existing_terms(parsed.query):
        if fieldname in TEXT_FIELDS:
            terms.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    # Chinese words as typed (and their Chinese synonyms): a word the segmenter does not know
    # is no indexed term, but its characters in a row are what the bigram field matched
    terms |= {w for w in parsed.words if has_chinese(w)}
    terms |= {a for _o, alternatives in parsed.synonyms for a in alternatives if has_chinese(a)}
    return terms


def _docs_with(gen: Generation, phrase: str, docs: np.ndarray) -> np.ndarray:
    """Which of `docs` have this term or phrase in a text field."""
    tokens = list(gen.schema["body"].process_text(phrase, mode="query"))
    if not tokens:
        return np.zeros(len(docs), dtype=bool)
    # a Chinese term's words may be one indexed word with its sub-words at one position:
    # they are looked for in one field, not in a row (as the query itself does)
    together = Q.And if has_chinese(phrase) else Q.Phrase
    q = Q.Or([(Q.And([Q.Term(f, t) for t in tokens]) if together is Q.And else Q.Phrase(f, tokens))
              if len(tokens) > 1 else Q.Term(f, tokens[0]) for f in TEXT_FIELDS])
    # a context of its own: a context keeps masks by node identity, and the nodes of these
    # short-lived queries are dropped and their identities reused while the search goes on
    return compile_query(q, gen.postings).match_docs(gen.context(), docs)


def _synonym_use(gen: Generation, parsed: ParsedQuery, docs: list[int]) -> dict[int, list[str]]:
    """For each shown record that matched only through a synonym or a glossary term, say
    which one ("as a translation of" when the two are in different languages)."""
    if not parsed.synonyms or not docs:
        return {}
    shown = np.array(sorted(docs), dtype=np.int64)
    out: dict[int, list[str]] = {}
    for original, alternatives in parsed.synonyms:
        has_original = dict(zip(shown.tolist(), _docs_with(gen, original, shown)))
        having = {a: dict(zip(shown.tolist(), _docs_with(gen, a, shown))) for a in alternatives}
        for doc in docs:
            used = [a for a in alternatives if having[a][doc]]
            if used and not has_original[doc]:
                how = ("translation" if all(has_chinese(u) != has_chinese(original) for u in used)
                       else "synonym")
                out.setdefault(doc, []).append(Note(f"matched_{how}", used=tuple(used),
                                                    original=original))
    return out


def _plain_words(parsed: ParsedQuery) -> list[str]:
    """The query's plain words and terms as typed (units), none for a structured query."""
    return [u.text for u in parsed.units if u.plain]


def _as_typed(units: list, missing: list) -> list:
    """The missing units, a single Chinese character standing for the run of characters it
    was cut from (渝新, cut into 渝 and 新: no record mentions 渝新)."""
    out, i = [], 0
    while i < len(units):
        j = i
        while j < len(units) and len(units[j].text) == 1 and has_chinese(units[j].text):
            j += 1
        run = units[i:j] if j > i + 1 else units[i:i + 1]
        if any(u in missing for u in run):
            out.append(_typed(run) if len(run) > 1 else run[0])
        i += len(run)
    return out


def _typed(units: list) -> Unit:
    """Units as one, their texts joined as typed: Chinese ones without spaces."""
    text = ""
    for unit in units:
        joint = "" if has_chinese(unit.text) and has_chinese(text[-1:]) else " "
        text += (joint if text else "") + unit.text
    return Unit(text, text, True)


def _unheld_note(units: list, filtered: bool) -> Note | None:
    """Which words no record holds, said before anything else about a relaxed search."""
    if not units:
        return None
    words = tuple(u.text for u in units)  # quoted as each language quotes (indexer/notes.py)
    return Note("unheld_words_filtered" if filtered else "unheld_words", words=words)
