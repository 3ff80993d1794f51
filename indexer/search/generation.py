"""What one opened index generation derives once: taxonomy, filter sets, orderings, scorer.

A Generation is read-only once built, so any number of searches use it at once; each
search keeps its own state in an evaluation.SearchContext. Who uses a generation holds a
lease on it (the facade one while it is current, each search or page one while it runs):
its files are closed, and its store lease (store.py) released, when the last holder
returns it, so a refresh never pulls an index from under a search or a page. Each new
holder renews the store lease, which a timer renews too.
"""

from __future__ import annotations

import json
import threading
import weakref

import numpy as np

from indexer.analysis.meaning import DIM, Space
from indexer.analysis.segmentation import segmenter
from indexer.engine.evaluation import SearchContext
from indexer.facets import FACETS, FILTERS
from indexer.engine.postings import Postings
from indexer.query.querying import QueryBuilder
from indexer.engine.schema import TAXONOMY_DOC_ID
from indexer.engine.scoring import BM25F, TEXT_FIELDS
from indexer.query.spelling import Speller
from indexer.query.vocabulary import QueryVocabulary


class Generation:
    """One searcher and everything computed from it, rebuilt when a new index is published."""

    def __init__(self, ix, searcher, path=None, lease=None):
        """`lease` is the store's lease on the generation's files (store.Lease), renewed
        when a holder acquires this and released once the files are closed. The opener
        holds the first use."""
        self.path = path
        self.postings = postings = Postings(searcher)
        self._lease = lease
        self._leases = 1
        self._leases_lock = threading.Lock()
        # also when the last holder drops it without release() (a leak, not the plan)
        self._close = weakref.finalize(self, _close, postings,
                                       lease.release if lease is not None else None)
        # the schema as opened (ix.schema would read the table of contents again, from a
        # generation a newer build may have removed by then)
        self.schema = postings.schema
        taxonomy_doc = postings.docnum("id", TAXONOMY_DOC_ID)
        snapshot = json.loads(postings.stored(taxonomy_doc)["record"])
        self.zones = {z["id"]: z for z in snapshot["zones"]}
        self.pillars = {p["id"]: p for p in snapshot["pillars"]}
        self.sources = {s["id"]: s for s in snapshot["sources"]}
        self.batches = {b["id"]: b for b in snapshot.get("batches", ())}
        self.reform_fields = {f["id"]: f for f in snapshot.get("reform_fields", ())}
        self.totals = list(snapshot.get("totals", ()))
        # everyday words search like synonyms (lexicon.py)
        self.synonyms = [tuple(g) for g in (*snapshot["synonyms"], *snapshot.get("everyday", ()))]
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
        dates_column = postings.column("date")
        dates = np.array([date_number(d) for d in dates_column])
        ids = np.array(postings.column("id"))
        self.years = dates // 10000
        order = np.lexsort((ids, -dates))  # newest first; equal dates by id
        self.newest = order[live[order]]
        self.rank = np.empty(n, dtype=np.int64)
        self.rank[order] = np.arange(n)
        # the records' meaning vectors (analysis/meaning.py; search/hybrid.py ranks by them)
        self.meaning = Space(postings.fixed_column("meaning", DIM), live)

        # each facet's allowed values with their names and aliases (facets.py), the document
        # sets that filters and facet counts intersect with, and what a filter may name a
        # value by (lowercased: an id or a name in either language)
        columns = {"date": dates_column}

        def column(name: str) -> list:  # a stored column's values of the live records
            values = columns[name] if name in columns else postings.column(name)
            return [v for v, alive in zip(values, live.tolist()) if alive]

        self.choices = {f.key: f.choices(snapshot, column) for f in FACETS}
        self.groups = {f.key: {c["id"]: self._mask(f.field, c["id"]) for c in self.choices[f.key]}
                       for f in FILTERS}
        self.zone_masks, self.pillar_masks = self.groups["zone"], self.groups["pillar"]
        self.names = {f.key: {a.lower(): c["id"] for c in self.choices[f.key] for a in c["aliases"]}
                      for f in FILTERS}
        self.vocabulary = QueryVocabulary(self.zones, self.pillars, places, self.synonyms,
                                          self.glossary, self.choices)
        # load the Chinese dictionary now, not in the first Chinese search of this process
        segmenter(self.schema["body"].analyzer.dictionary)
        self.builder = QueryBuilder(self.schema, self.vocabulary)
        self.speller = Speller(postings, self.schema, self.vocabulary)

    def _mask(self, fieldname: str, value: str) -> np.ndarray:
        mask = np.zeros(self.postings.n, dtype=bool)
        if fieldname in self.schema:
            mask[self.postings.term(fieldname, value).ids] = True
        return mask & self.live

    # -- leases ------------------------------------------------------------------------
    def acquire(self) -> "Generation":
        """One more user; ValueError if the generation is closed already."""
        with self._leases_lock:
            if self._leases == 0:
                raise ValueError("this index generation is closed")
            self._leases += 1
        if self._lease is not None:
            self._lease.renew()
        return self

    def release(self) -> None:
        """One user fewer; the last one closes the files."""
        with self._leases_lock:
            if self._leases == 0:
                raise ValueError("released more often than acquired")
            self._leases -= 1
            last = self._leases == 0
        if last:
            self._close()

    @property
    def closed(self) -> bool:
        return not self._close.alive

    def context(self, budget: float | None = None) -> SearchContext:
        """A new search's state."""
        return SearchContext(self.postings, self.bm25, self.live, budget)

    def any_of(self, kind: str, keys) -> np.ndarray | None:
        """Documents with any of the given values of a facet (facets.py); None when no value
        is given."""
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


def date_number(date: str | None) -> int:
    """A date as YYYYMMDD for ordering; a date only as precise as its source (2023, 2023-06)
    counts its missing parts as 00, so it sorts before the dated days of its year or month."""
    digits = (date or "").replace("-", "")
    return int(digits.ljust(8, "0")) if digits else 0


def _close(postings: Postings, on_close) -> None:
    postings.close()
    if on_close is not None:
        on_close()
