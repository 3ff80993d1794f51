"""What one opened index generation derives once: taxonomy, filter sets, orderings, scorer.

A Generation is read-only once built, so any number of searches use it at once; each
search keeps its own state in an evaluation.SearchContext. Its files are closed when the
last search holding it lets it go (a refresh does not pull an index from under a search).
"""

from __future__ import annotations

import json
import weakref

import numpy as np

from .analysis import segmenter
from .evaluation import SearchContext
from .model import SCOPES
from .postings import Postings
from .querying import QueryBuilder
from .schema import TAXONOMY_DOC_ID
from .scoring import BM25F, TEXT_FIELDS
from .spelling import Speller
from .vocabulary import QueryVocabulary


class Generation:
    """One searcher and everything computed from it, rebuilt when a new index is published."""

    def __init__(self, ix, searcher):
        self.postings = postings = Postings(searcher)
        # the schema as opened (ix.schema would read the table of contents again, from a
        # generation a newer build may have removed by then)
        self.schema = postings.schema
        weakref.finalize(self, postings.close)
        taxonomy_doc = postings.docnum("id", TAXONOMY_DOC_ID)
        snapshot = json.loads(postings.stored(taxonomy_doc)["record"])
        self.zones = {z["id"]: z for z in snapshot["zones"]}
        self.pillars = {p["id"]: p for p in snapshot["pillars"]}
        self.sources = {s["id"]: s for s in snapshot["sources"]}
        self.synonyms = [tuple(g) for g in snapshot["synonyms"]]
        self.glossary = [tuple(p) for p in snapshot.get("glossary", ())]
        places = [tuple(p) for p in snapshot.get("places", ())]

        n = postings.n
        live = postings.live.copy()
        live[taxonomy_doc] = False
        self.live = live
        self.count = int(live.sum())
        averages = {f: max(float(postings.lengths[f][live].sum()) / max(self.count, 1), 1.0)
                    for f in TEXT_FIELDS if f in postings.lengths}
        self.bm25 = BM25F(self.count, averages)
        # the precomputed document sets that filters and facets intersect with
        self.groups = {
            "zone": {z: self._mask("zones", z) for z in self.zones},
            "pillar": {p: self._mask("pillar", p) for p in self.pillars},
            "scope": {s: self._mask("scopes", s) for s in SCOPES},
        }
        self.zone_masks, self.pillar_masks = self.groups["zone"], self.groups["pillar"]

        dates = np.array([int((d or "0").replace("-", "")) for d in postings.column("date")])
        ids = np.array(postings.column("id"))
        self.years = dates // 10000
        order = np.lexsort((ids, -dates))  # newest first; equal dates by id
        self.newest = order[live[order]]
        self.rank = np.empty(n, dtype=np.int64)
        self.rank[order] = np.arange(n)

        # what a filter may name a zone or pillar by, lowercased: its id or a name
        self.names = {
            "zone": {n.lower(): z["id"] for z in self.zones.values()
                     for n in (z["id"], z["short"], z["short_zh"], z["name"], z["name_zh"])},
            "pillar": {n.lower(): p["id"] for p in self.pillars.values()
                       for n in (p["id"], p["name"], p["name_zh"])},
            "scope": {s: s for s in SCOPES},
        }
        self.vocabulary = QueryVocabulary(self.zones, self.pillars, places, self.synonyms,
                                          self.glossary)
        # load the Chinese dictionary now, not in the first Chinese search of this process
        segmenter(self.schema["body"].analyzer.dictionary)
        self.builder = QueryBuilder(self.schema, self.vocabulary)
        self.speller = Speller(postings, self.schema, self.vocabulary)

    def _mask(self, fieldname: str, value: str) -> np.ndarray:
        mask = np.zeros(self.postings.n, dtype=bool)
        if fieldname in self.schema:
            mask[self.postings.term(fieldname, value).ids] = True
        return mask & self.live

    def context(self, budget: float | None = None) -> SearchContext:
        """A new search's state."""
        return SearchContext(self.postings, self.bm25, self.live, budget)

    def any_of(self, kind: str, keys) -> np.ndarray | None:
        """Documents with any of the given values of a kind (zones, pillars or scopes);
        None when no value is given."""
        if not keys:
            return None
        out = np.zeros(len(self.live), dtype=bool)
        for key in keys:
            out |= self.groups[kind][key]
        return out

    def record(self, docnum: int) -> dict:
        return self.postings.record(docnum)

    def count_in(self, mask: np.ndarray) -> int:
        return int(np.count_nonzero(mask & self.live))
