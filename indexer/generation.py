"""What one opened index generation derives once: taxonomy, filter masks, orderings, engine."""

from __future__ import annotations

import json

import numpy as np

from .analysis import segmenter
from .engine import Engine
from .querying import QueryBuilder
from .schema import TAXONOMY_DOC_ID, TEXT_FIELDS


class Generation:
    """One searcher and everything computed from it, rebuilt when a new index is published."""

    def __init__(self, ix, searcher):
        self.ix = ix
        self.searcher = searcher
        reader = searcher.reader()
        snapshot = json.loads(searcher.document(id=TAXONOMY_DOC_ID)["record"])
        self.zones = {z["id"]: z for z in snapshot["zones"]}
        self.pillars = {p["id"]: p for p in snapshot["pillars"]}
        self.sources = {s["id"]: s for s in snapshot["sources"]}
        self.synonyms = [tuple(g) for g in snapshot["synonyms"]]

        n = reader.doc_count_all()
        live = np.zeros(n, dtype=bool)
        live[np.fromiter(reader.all_doc_ids(), dtype=np.int64, count=-1)] = True
        live[searcher.document_number(id=TAXONOMY_DOC_ID)] = False
        self.live = live
        self.count = int(live.sum())
        self.engine = Engine(searcher, live, TEXT_FIELDS)
        self.zone_masks = {z: self.engine.term("zones", z).mask for z in self.zones}
        self.pillar_masks = {p: self.engine.term("pillar", p).mask for p in self.pillars}

        dates = np.array([int((d or "0").replace("-", "")) for d in _column(reader, "date", n)])
        ids = np.array(_column(reader, "id", n))
        self.years = dates // 10000
        order = np.lexsort((ids, -dates))  # newest first; equal dates by id
        self.newest = order[live[order]]
        self.rank = np.empty(n, dtype=np.int64)
        self.rank[order] = np.arange(n)
        self.engine.rank = self.rank

        # what a filter may name a zone or pillar by, lowercased: its id or a name
        self.zone_names = {n.lower(): z["id"] for z in self.zones.values()
                           for n in (z["id"], z["short"], z["short_zh"], z["name"], z["name_zh"])}
        self.pillar_names = {n.lower(): p["id"] for p in self.pillars.values()
                             for n in (p["id"], p["name"], p["name_zh"])}
        aliases = {}
        for z in self.zones.values():
            aliases[z["short"].lower()] = aliases[z["short_zh"]] = z["id"]
        self.builder = QueryBuilder(ix.schema, aliases, self.synonyms)
        # load the Chinese dictionary now, not in the first Chinese search of this process
        segmenter(self.builder.schema["body"].analyzer.dictionary)
        self.corrector = searcher.corrector("spell")

    def any_of(self, masks: dict[str, np.ndarray], keys) -> np.ndarray | None:
        """Documents in any of the given zones (or pillars); None when no filter is given."""
        if not keys:
            return None
        out = np.zeros(len(self.live), dtype=bool)
        for key in keys:
            out |= masks[key]
        return out

    def filters(self, zones, pillars) -> tuple[np.ndarray | None, np.ndarray | None]:
        return self.any_of(self.zone_masks, zones), self.any_of(self.pillar_masks, pillars)

    def record(self, docnum: int) -> dict:
        return json.loads(self.searcher.stored_fields(docnum)["record"])

    def count_in(self, mask: np.ndarray) -> int:
        return int(np.count_nonzero(mask & self.live))


def _column(reader, fieldname: str, n: int) -> list:
    column = reader.column_reader(fieldname)
    return [column[d] for d in range(n)]


def both(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    """The intersection of two optional filter masks."""
    if a is None:
        return b
    return a if b is None else a & b
