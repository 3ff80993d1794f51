"""The search facade: the few functions the web app and the CLI call, returning plain data.

One KnowledgeBase per process holds one long-lived searcher and, per index generation,
the masks of every zone and pillar (facet counts are mask intersections) and the
newest-first order of all measures (for browsing). `refresh()` picks up a new generation.
"""

from __future__ import annotations

import itertools
import json
import threading
import weakref
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh import query as Q

from . import store
from .analysis import STOP_WORDS
from .engine import top
from .errors import BadRequest, IndexMissing, UnknownFilter
from .fields import closest
from .querying import MAX_QUERY_LENGTH, ParsedQuery
from .generation import Generation, both
from .schema import TAXONOMY_DOC_ID, TEXT_FIELDS
from .snippets import snippet

_READER_IDS = itertools.count(1)
MAX_PER_PAGE = 100
REFRESH_EVERY = 1.0  # seconds between checks for a newly published index
TIME_BUDGET = 3.0  # seconds one search may take before it is stopped


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
    notes: list[str] = field(default_factory=list)
    corrected_from: str | None = None
    zones: tuple[str, ...] = ()
    pillars: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        data = asdict(self)
        data["results"] = data.pop("hits")
        data["zones"], data["pillars"] = list(self.zones), list(self.pillars)
        return data


class KnowledgeBase:
    """Search and browse the published index. Thread-safe; one per process."""

    def __init__(self, index_dir: Path, time_budget: float | None = TIME_BUDGET):
        self.index_dir = Path(index_dir)
        self.time_budget = time_budget
        self._lock = threading.RLock()
        self._checked = 0.0
        self._gen: Generation | None = None
        self._reader_id = f"{next(_READER_IDS)}"
        # what close() releases, also when a KnowledgeBase is dropped without close()
        self._held: dict = {}
        self._finalizer = weakref.finalize(self, _release, self._held, self.index_dir,
                                           self._reader_id)
        self._open()

    # -- lifecycle ---------------------------------------------------------------------
    def _open(self) -> None:
        path = store.current_generation(self.index_dir)
        if path is None:
            raise IndexMissing(self.index_dir)
        store.register_reader(self.index_dir, path, self._reader_id)  # first: no build may remove it
        # Read with plain file reads, not mmap: mapped segment files count in the worker's
        # RSS (177 MB of 250 at 10,000 records), and searches read whole posting lists anyway
        ix = FileStorage(str(path), supports_mmap=False, readonly=True).open_index()
        old, self._gen = self._gen, Generation(ix, ix.searcher())
        self._held["searcher"] = self._gen.searcher
        self._path = path
        if old is not None:
            old.searcher.close()

    def refresh(self, force: bool = False) -> bool:
        """Reopen if a new generation or commit was published; cheap, throttled."""
        now = time.monotonic()
        if not force and now - self._checked < REFRESH_EVERY:
            return False
        with self._lock:
            self._checked = now
            path = store.current_generation(self.index_dir)
            if path is None:
                return False
            if path != self._path:
                self._open()
                return True
            if not self._gen.searcher.up_to_date():
                # A fresh reader, not Whoosh's searcher.refresh(): that one reuses the readers
                # of unchanged segments with their old deletions, so a record updated in
                # place would show twice (tests/test_publishing.py catches it).
                self._open()
                return True
            return False

    @property
    def generation(self) -> str:
        return f"{self._path.name}.{self._gen.searcher.reader().generation()}"

    def close(self) -> None:
        with self._lock:
            self._finalizer()

    # -- search ------------------------------------------------------------------------
    def _filters(self, gen: Generation, zones: Sequence[str],
                 pillars: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Zone and pillar ids, each once; a name in either language stands for its id
        (浙江 or Zhejiang for zhejiang). UnknownFilter, with the likeliest id, otherwise."""
        out = []
        for kind, values, aliases in (("zone", zones, gen.zone_names),
                                      ("pillar", pillars, gen.pillar_names)):
            ids = []
            for value in values:
                found = aliases.get(value.strip().lower())
                if found is None:
                    raise UnknownFilter(kind, value, closest(value, set(aliases.values())))
                ids.append(found)
            out.append(tuple(dict.fromkeys(ids)))
        return out[0], out[1]

    def search(self, query: str = "", zones: Sequence[str] = (), pillars: Sequence[str] = (),
               page: int = 1, per_page: int = 20) -> SearchResult:
        if page < 1:
            raise BadRequest("page must be 1 or more")
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise BadRequest(f"per_page must be between 1 and {MAX_PER_PAGE}")
        query = self._clean_query(query)
        with self._lock:
            gen = self._gen
            zones, pillars = self._filters(gen, zones, pillars)
            parsed = gen.builder.parse(query)
            result = self._run(gen, parsed, zones, pillars, page, per_page)
            result.query = query
            suggestion = self._suggest(gen, parsed)
            if suggestion is None:
                return result
            # a suggestion is offered only when it finds something
            retry = self._run(gen, gen.builder.parse(suggestion), zones, pillars, page,
                              per_page, snippets=result.total == 0)
            if not retry.total:
                return result
            if result.total:
                result.suggestion = suggestion
                return result
            retry.query, retry.suggestion, retry.corrected_from = query, suggestion, query
            retry.notes = result.notes + [
                f"No results for {query!r}; showing results for {suggestion!r}."]
            return retry

    def export(self, query: str = "", zones: Sequence[str] = (), pillars: Sequence[str] = (),
               limit: int = 10_000, order: str = "relevance") -> SearchResult:
        """Up to `limit` matching measures without snippets, for exports and feeds; `order`
        is "relevance" (the search's order; newest first for an empty query) or "newest"."""
        if order not in ("relevance", "newest"):
            raise BadRequest("order must be relevance or newest")
        query = self._clean_query(query)
        with self._lock:
            gen = self._gen
            zones, pillars = self._filters(gen, zones, pillars)
            parsed = gen.builder.parse(query)
            result = self._run(gen, parsed, zones, pillars, 1, max(1, limit),
                               snippets=False, newest_first=order == "newest")
            result.query = query
            return result

    def counts_by_year(self, zones: Sequence[str] = (), pillars: Sequence[str] = ()) -> dict[int, int]:
        """How many measures are dated in each year, for the zones and pillars given."""
        with self._lock:
            gen = self._gen
            zones, pillars = self._filters(gen, zones, pillars)
            allowed = both(*gen.filters(zones, pillars))
            mask = gen.live if allowed is None else gen.live & allowed
            counts = np.bincount(gen.years[mask], minlength=1)
            return {int(y): int(c) for y, c in enumerate(counts) if c}

    def _clean_query(self, query: str) -> str:
        query = query or ""
        if len(query) > MAX_QUERY_LENGTH:
            raise BadRequest(f"the query is {len(query)} characters long; the limit is {MAX_QUERY_LENGTH}")
        return "".join(" " if ord(c) < 32 else c for c in query)  # NUL, pair marks, ...

    def _run(self, gen: Generation, parsed: ParsedQuery, zones, pillars, page, per_page,
             snippets: bool = True, newest_first: bool = False):
        zone_mask, pillar_mask = gen.filters(zones, pillars)
        start = (page - 1) * per_page
        evaluated = None
        if parsed.query is None:
            matched = gen.live
        elif parsed.query is Q.NullQuery:
            matched = np.zeros_like(gen.live)
        else:
            gen.engine.begin(start + per_page, both(zone_mask, pillar_mask), self.time_budget)
            try:
                evaluated = gen.engine.evaluate(parsed.query)
            except BaseException:
                gen.engine.end()
                raise
            matched = evaluated.mask & gen.live
        in_pillar = matched if pillar_mask is None else matched & pillar_mask
        in_zone = matched if zone_mask is None else matched & zone_mask
        allowed = in_pillar if zone_mask is None else in_pillar & zone_mask
        facets = {  # disjunctive: each facet ignores its own filter
            "zone": {z: int(np.count_nonzero(in_pillar & m)) for z, m in gen.zone_masks.items()},
            "pillar": {p: int(np.count_nonzero(in_zone & m)) for p, m in gen.pillar_masks.items()},
        }
        if evaluated is None or newest_first:
            page_docs = gen.newest[allowed[gen.newest]][start:start + per_page].tolist()
        else:
            page_docs = top(evaluated.scores, allowed, gen.rank, start + per_page)[start:]
        terms = (_highlight_terms(gen, parsed) or set()) if snippets else set()
        explain = _synonym_use(gen, parsed, page_docs) if snippets else {}
        gen.engine.end()
        hits = []
        for docnum in page_docs:  # only the shown records are loaded and highlighted
            record = gen.record(docnum)
            score = float(evaluated.scores[docnum]) if evaluated is not None else None
            hit = _hit_from_record(record, score)
            if snippets:
                hit.snippet = snippet(record["body"], terms)
            hit.explanation = explain.get(docnum, [])
            hits.append(hit)
        return SearchResult(parsed.text, int(np.count_nonzero(allowed)), page, per_page, hits,
                            facets, notes=list(parsed.notes), zones=zones, pillars=pillars)

    def _suggest(self, gen: Generation, parsed: ParsedQuery) -> str | None:
        """The whole query with each unknown word replaced by the likeliest known one."""
        if not parsed.words:
            return None
        text, changed = parsed.text, False
        in_synonyms = {w for original, _ in parsed.synonyms for w in original.lower().split()}
        for word in parsed.words:
            lower = word.lower()
            if (not lower.isascii() or not lower.isalpha() or len(lower) < 3
                    or lower in in_synonyms or _known(gen, lower)):
                continue
            # Levenshtein finds the candidates (a swap of two letters is two edits there),
            # then edits are counted with swaps as one: "tnak" is one edit from "tank"
            allowed = 1 if len(lower) < 5 else 2
            options = [o for o in gen.corrector.suggest(lower, limit=10, maxdist=2)
                       if len(o) >= 3 and o not in STOP_WORDS and edits(lower, o) <= allowed]
            if options:
                best = min(options, key=lambda o: edits(lower, o))  # stable: frequency next
                text = _replace_word(text, word, best)
                changed = True
        return text if changed else None

    # -- browse ------------------------------------------------------------------------
    def measure(self, measure_id: str) -> dict | None:
        with self._lock:
            doc = self._gen.searcher.document(id=measure_id)
        if not doc or measure_id == TAXONOMY_DOC_ID:
            return None
        return json.loads(doc["record"])

    def measures(self, zones: Sequence[str] = (), pillars: Sequence[str] = (),
                 source: str | None = None, limit: int | None = None,
                 no_zone: bool = False) -> list[Hit]:
        """Matching measures, newest first, at most `limit`; `no_zone`: only those whose
        source names no zone."""
        with self._lock:
            gen = self._gen
            allowed = self._browse_mask(gen, zones, pillars, no_zone)
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
              no_zone: bool = False) -> int:
        """How many measures `measures()` would list with these arguments and no limit."""
        with self._lock:
            gen = self._gen
            allowed = self._browse_mask(gen, zones, pillars, no_zone)
            return gen.count if allowed is None else gen.count_in(allowed)

    def _browse_mask(self, gen: Generation, zones, pillars, no_zone: bool):
        zones, pillars = self._filters(gen, zones, pillars)
        allowed = both(*gen.filters(zones, pillars))
        if no_zone:
            named = gen.any_of(gen.zone_masks, list(gen.zones)) if gen.zones else None
            if named is not None:
                allowed = ~named if allowed is None else allowed & ~named
        return allowed

    def related(self, measure_id: str, limit: int = 5) -> list[Hit]:
        """Measures sharing tags, zones or the pillar with this one, most shared first."""
        record = self.measure(measure_id)
        if record is None:
            return []
        with self._lock:
            gen = self._gen
            tags = [Q.Term("tags", t) for tag in record["tags"]
                    for t in gen.ix.schema["tags"].process_text(tag, mode="query")]
            gen.engine.begin(limit, None)
            evaluated = gen.engine.evaluate(Q.Or(tags))
            scores = evaluated.scores.copy()
            mask = evaluated.mask.copy()
            # a shared zone weighs like a good shared tag, a shared pillar like a weak one
            for z in record["zones"]:
                if z in gen.zone_masks:
                    scores += 2.0 * gen.zone_masks[z]
                    mask |= gen.zone_masks[z]
            if record["pillar"] in gen.pillar_masks:
                scores += 1.0 * gen.pillar_masks[record["pillar"]]
                mask |= gen.pillar_masks[record["pillar"]]
            mask &= gen.live
            own = gen.searcher.document_number(id=measure_id)
            if own is not None:
                mask[own] = False
            gen.engine.end()
            return [_hit_from_record(gen.record(d), float(scores[d]))
                    for d in top(scores, mask, gen.rank, limit)]

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

    def stats(self) -> dict:
        return {"measures": self._gen.count, "generation": self.generation}


def _release(held: dict, index_dir: Path, reader_id: str) -> None:
    searcher = held.pop("searcher", None)
    if searcher is not None:
        searcher.close()
    store.unregister_reader(index_dir, reader_id)


def _hit_from_record(record: dict, score) -> Hit:
    return Hit(record["id"], record["title"], record["title_zh"], list(record["zones"]),
               record["pillar"], record["date"], record.get("status"), list(record["tags"]),
               score=score, source=record.get("source", ""), quote=record.get("quote"),
               see_also=list(record.get("see_also") or ()),
               lineage=[dict(step) for step in record.get("lineage") or ()])


def _highlight_terms(gen: Generation, parsed: ParsedQuery) -> set[str] | None:
    if parsed.query is None or parsed.query is Q.NullQuery:
        return None
    reader = gen.searcher.reader()
    terms = set()
    for fieldname, text in parsed.query.existing_terms(reader, phrases=True, expand=True):
        if fieldname in TEXT_FIELDS:
            terms.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return terms


def _docs_with(gen: Generation, phrase: str, among: np.ndarray) -> np.ndarray:
    """Mask of the documents with this term or phrase in a text field (checked among `among`)."""
    tokens = list(gen.ix.schema["body"].process_text(phrase, mode="query"))
    if not tokens:
        return np.zeros_like(among)
    q = Q.Or([Q.Phrase(f, tokens) if len(tokens) > 1 else Q.Term(f, tokens[0])
              for f in TEXT_FIELDS])
    return gen.engine.evaluate(q, among).mask & among


def _synonym_use(gen: Generation, parsed: ParsedQuery, docs: list[int]) -> dict[int, list[str]]:
    """For each shown record that matched only through a synonym, say which one."""
    if not parsed.synonyms or not docs:
        return {}
    shown = np.zeros_like(gen.live)
    shown[docs] = True
    out: dict[int, list[str]] = {}
    for original, alternatives in parsed.synonyms:
        has_original = _docs_with(gen, original, shown)
        having = {a: _docs_with(gen, a, shown) for a in alternatives}
        for doc in docs:
            used = [a for a in alternatives if having[a][doc]]
            if used and not has_original[doc]:
                out.setdefault(doc, []).append(
                    f"matched {', '.join(repr(u) for u in used)} as a synonym of {original!r}")
    return out


def _known(gen: Generation, word: str) -> bool:
    """A word is known when it, or its stem, is in the index's vocabulary."""
    reader = gen.searcher.reader()
    if reader.doc_frequency("spell", word):
        return True
    stems = list(gen.ix.schema["body"].process_text(word, mode="query"))
    return any(reader.doc_frequency(f, t) for t in stems for f in ("body", "title", "tags"))


def edits(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbouring letters as one edit (OSA)."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _replace_word(text: str, word: str, replacement: str) -> str:
    import re

    return re.sub(rf"(?<![\w:]){re.escape(word)}(?!\w)", replacement, text, count=1)
