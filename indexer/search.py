"""The search facade: the few functions the web app and the CLI call, returning plain data.

One KnowledgeBase per process holds one long-lived searcher and, per index generation,
the document sets of every zone and pillar (for facet counts by set intersection) and the
newest-first order of all measures (for browsing). `refresh()` picks up a new generation.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from whoosh import index as whoosh_index
from whoosh import query as Q

from . import store
from .analysis import STOP_WORDS
from .errors import BadRequest, IndexMissing, UnknownFilter
from .fields import closest
from .querying import MAX_QUERY_LENGTH, ParsedQuery, QueryBuilder
from .schema import TAXONOMY_DOC_ID, TEXT_FIELDS
from .snippets import plain_text, snippet

MAX_PER_PAGE = 100
REFRESH_EVERY = 1.0  # seconds between checks for a newly published index


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


class _Generation:
    """What is derived once from one opened index: taxonomy, document sets, orderings."""

    def __init__(self, ix, searcher):
        self.ix = ix
        self.searcher = searcher
        reader = searcher.reader()
        snapshot = json.loads(searcher.document(id=TAXONOMY_DOC_ID)["record"])
        self.zones = {z["id"]: z for z in snapshot["zones"]}
        self.pillars = {p["id"]: p for p in snapshot["pillars"]}
        self.sources = {s["id"]: s for s in snapshot["sources"]}
        self.synonyms = [tuple(g) for g in snapshot["synonyms"]]
        taxonomy_doc = searcher.document_number(id=TAXONOMY_DOC_ID)
        self.all_docs = frozenset(d for d in reader.all_doc_ids() if d != taxonomy_doc)
        self.zone_docs = {z: frozenset(searcher.docs_for_query(Q.Term("zones", z))) & self.all_docs
                          for z in self.zones}
        self.pillar_docs = {p: frozenset(searcher.docs_for_query(Q.Term("pillar", p)))
                            for p in self.pillars}
        dates, ids = reader.column_reader("date"), reader.column_reader("id")
        by_id = sorted(self.all_docs, key=lambda d: ids[d])  # ties in date: by id
        self.newest = sorted(by_id, key=lambda d: dates[d], reverse=True)
        self.rank = {d: i for i, d in enumerate(self.newest)}
        aliases = {}
        for z in self.zones.values():
            aliases[z["short"].lower()] = aliases[z["short_zh"]] = z["id"]
        self.builder = QueryBuilder(ix.schema, aliases, self.synonyms)
        self.analyzer = ix.schema["body"].analyzer
        self.corrector = searcher.corrector("spell")


class KnowledgeBase:
    """Search and browse the published index. Thread-safe; one per process."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._lock = threading.RLock()
        self._checked = 0.0
        self._gen: _Generation | None = None
        self._open()

    # -- lifecycle ---------------------------------------------------------------------
    def _open(self) -> None:
        path = store.current_generation(self.index_dir)
        if path is None:
            raise IndexMissing(self.index_dir)
        ix = whoosh_index.open_dir(str(path))
        old, self._gen = self._gen, _Generation(ix, ix.searcher())
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
                searcher = self._gen.searcher.refresh()
                self._gen = _Generation(self._gen.ix, searcher)
                return True
            return False

    @property
    def generation(self) -> str:
        return f"{self._path.name}.{self._gen.searcher.reader().generation()}"

    def close(self) -> None:
        with self._lock:
            if self._gen:
                self._gen.searcher.close()

    # -- search ------------------------------------------------------------------------
    def _check_filters(self, gen: _Generation, zones: Sequence[str], pillars: Sequence[str]):
        for kind, values, known in (("zone", zones, gen.zones), ("pillar", pillars, gen.pillars)):
            for value in values:
                if value not in known:
                    raise UnknownFilter(kind, value, closest(value, known))

    def search(self, query: str = "", zones: Sequence[str] = (), pillars: Sequence[str] = (),
               page: int = 1, per_page: int = 20) -> SearchResult:
        query = query or ""
        zones, pillars = tuple(dict.fromkeys(zones)), tuple(dict.fromkeys(pillars))
        if page < 1:
            raise BadRequest("page must be 1 or more")
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise BadRequest(f"per_page must be between 1 and {MAX_PER_PAGE}")
        if len(query) > MAX_QUERY_LENGTH:
            raise BadRequest(f"the query is {len(query)} characters long; the limit is {MAX_QUERY_LENGTH}")
        query = query.replace("\x00", " ")
        with self._lock:
            gen = self._gen
            self._check_filters(gen, zones, pillars)
            parsed = gen.builder.parse(query)
            result = self._run(gen, parsed, zones, pillars, page, per_page)
            result.query = query
            result.suggestion = self._suggest(gen, parsed)
            if result.total == 0 and result.suggestion:
                retry = self._run(gen, gen.builder.parse(result.suggestion), zones, pillars,
                                  page, per_page)
                if retry.total:
                    retry.query, retry.suggestion = query, result.suggestion
                    retry.corrected_from = query
                    retry.notes = result.notes + [
                        f"No results for {query!r}; showing results for {result.suggestion!r}."]
                    result = retry
            return result

    def _run(self, gen: _Generation, parsed: ParsedQuery, zones, pillars, page, per_page):
        zone_set = _union(gen.zone_docs[z] for z in zones) if zones else None
        pillar_set = _union(gen.pillar_docs[p] for p in pillars) if pillars else None
        if parsed.query is None:
            matched = gen.all_docs
        elif parsed.query is Q.NullQuery:
            matched = frozenset()
        else:
            matched = frozenset(gen.searcher.docs_for_query(parsed.query)) & gen.all_docs
        in_pillar = matched & pillar_set if pillar_set is not None else matched
        in_zone = matched & zone_set if zone_set is not None else matched
        allowed = in_pillar & zone_set if zone_set is not None else in_pillar
        facets = {
            "zone": {z: len(in_pillar & docs) for z, docs in gen.zone_docs.items()},
            "pillar": {p: len(in_zone & docs) for p, docs in gen.pillar_docs.items()},
        }
        start = (page - 1) * per_page
        if parsed.query is None:
            ordered = [d for d in gen.newest if d in allowed][start:start + per_page]
            scored = [(d, None) for d in ordered]
        elif start >= len(allowed):
            scored = []
        else:
            results = gen.searcher.search(parsed.query, filter=set(allowed),
                                          limit=start + per_page)
            pairs = [(hit.docnum, hit.score) for hit in results]
            # equal scores: the newest first
            pairs.sort(key=lambda p: (-round(p[1], 6), gen.rank[p[0]]))
            scored = pairs[start:start + per_page]
        terms = _highlight_terms(gen, parsed)
        synonym_docs = {t: _docs_with(gen, t) for original, alternatives in parsed.synonyms
                        for t in (original, *alternatives)}
        hits = [self._hit(gen, docnum, score, terms, parsed, synonym_docs)
                for docnum, score in scored]
        return SearchResult(parsed.text, len(allowed), page, per_page, hits, facets,
                            notes=list(parsed.notes), zones=zones, pillars=pillars)

    def _hit(self, gen, docnum, score, terms, parsed, synonym_docs) -> Hit:
        record = json.loads(gen.searcher.stored_fields(docnum)["record"])
        hit = _hit_from_record(record, score)
        if terms is not None:
            hit.snippet = snippet(plain_text(record["body"]), gen.analyzer, terms)
            for original, alternatives in parsed.synonyms:
                if docnum not in synonym_docs[original]:
                    used = [a for a in alternatives if docnum in synonym_docs[a]]
                    if used:
                        hit.explanation.append(
                            f"matched {', '.join(repr(u) for u in used)} as a synonym of {original!r}")
        else:
            hit.snippet = snippet(plain_text(record["body"]), gen.analyzer, set())
        return hit

    def _suggest(self, gen: _Generation, parsed: ParsedQuery) -> str | None:
        """The whole query with each unknown word replaced by the likeliest known one."""
        if not parsed.words:
            return None
        reader = gen.searcher.reader()
        text, changed = parsed.text, False
        in_synonyms = {w for original, _ in parsed.synonyms for w in original.lower().split()}
        for word in parsed.words:
            lower = word.lower()
            if (not lower.isascii() or not lower.isalpha() or len(lower) < 3
                    or lower in in_synonyms or _known(gen, lower)):
                continue
            options = [o for o in gen.corrector.suggest(lower, limit=5, maxdist=1 if len(lower) < 5 else 2)
                       if len(o) >= 3 and o not in STOP_WORDS]
            if options:
                text = _replace_word(text, word, options[0])
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
                 source: str | None = None) -> list[Hit]:
        with self._lock:
            gen = self._gen
            self._check_filters(gen, zones, pillars)
            allowed = gen.all_docs
            if zones:
                allowed = allowed & _union(gen.zone_docs[z] for z in zones)
            if pillars:
                allowed = allowed & _union(gen.pillar_docs[p] for p in pillars)
            hits = []
            for docnum in gen.newest:
                if docnum in allowed:
                    record = json.loads(gen.searcher.stored_fields(docnum)["record"])
                    if source is None or record["source"] == source:
                        hits.append(_hit_from_record(record, None))
            return hits

    def related(self, measure_id: str, limit: int = 5) -> list[Hit]:
        """Measures sharing tags, zones or the pillar with this one, most shared first."""
        record = self.measure(measure_id)
        if record is None:
            return []
        with self._lock:
            gen = self._gen
            tag_terms = [Q.Term("tags", t) for tag in record["tags"]
                         for t in gen.ix.schema["tags"].process_text(tag, mode="query")]
            zone_terms = [Q.Term("zones", z, boost=2.0) for z in record["zones"]]
            pillar = [Q.Term("pillar", record["pillar"], boost=0.5)]
            q = Q.Or(tag_terms + zone_terms + pillar)
            results = gen.searcher.search(q, limit=limit + 1, filter=set(gen.all_docs))
            return [_hit_from_record(json.loads(h["record"]), h.score)
                    for h in results if h["id"] != measure_id][:limit]

    def zones(self) -> list[dict]:
        gen = self._gen
        return [{**z, "count": len(gen.zone_docs[z["id"]])} for z in gen.zones.values()]

    def zone(self, zone_id: str) -> dict | None:
        return next((z for z in self.zones() if z["id"] == zone_id), None)

    def pillars(self) -> list[dict]:
        gen = self._gen
        return [{**p, "count": len(gen.pillar_docs[p["id"]])} for p in gen.pillars.values()]

    def pillar(self, pillar_id: str) -> dict | None:
        return next((p for p in self.pillars() if p["id"] == pillar_id), None)

    def sources(self) -> list[dict]:
        return list(self._gen.sources.values())

    def source(self, source_id: str) -> dict | None:
        return self._gen.sources.get(source_id)

    def stats(self) -> dict:
        return {"measures": len(self._gen.all_docs), "generation": self.generation}


def _union(sets: Iterable[frozenset]) -> frozenset:
    out: frozenset = frozenset()
    for s in sets:
        out = out | s
    return out


def _hit_from_record(record: dict, score) -> Hit:
    return Hit(record["id"], record["title"], record["title_zh"], list(record["zones"]),
               record["pillar"], record["date"], record.get("status"), list(record["tags"]),
               score=score)


def _highlight_terms(gen: _Generation, parsed: ParsedQuery) -> set[str] | None:
    if parsed.query is None or parsed.query is Q.NullQuery:
        return None
    reader = gen.searcher.reader()
    terms = set()
    for fieldname, text in parsed.query.existing_terms(reader, phrases=True, expand=True):
        if fieldname in TEXT_FIELDS:
            terms.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return terms


def _docs_with(gen: _Generation, phrase: str) -> frozenset[int]:
    """Documents that contain this term or phrase in any text field."""
    tokens = list(gen.ix.schema["body"].process_text(phrase, mode="query"))
    if not tokens:
        return frozenset()
    q = Q.Or([Q.Phrase(f, tokens) if len(tokens) > 1 else Q.Term(f, tokens[0])
              for f in TEXT_FIELDS])
    return frozenset(gen.searcher.docs_for_query(q))


def _known(gen: _Generation, word: str) -> bool:
    """A word is known when it, or its stem, is in the index's vocabulary."""
    reader = gen.searcher.reader()
    if reader.doc_frequency("spell", word):
        return True
    stems = list(gen.ix.schema["body"].process_text(word, mode="query"))
    return any(reader.doc_frequency(f, t) for t in stems for f in ("body", "title", "tags"))


def _replace_word(text: str, word: str, replacement: str) -> str:
    import re

    return re.sub(rf"(?<![\w:]){re.escape(word)}(?!\w)", replacement, text, count=1)
