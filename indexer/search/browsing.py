"""Browsing: a measure, measures by facet (newest first), counts, the measures related to one
(sharing tags, zones, the pillar), and the taxonomy's lists (zones, pillars, sources,
batches, fields of reform, stated totals)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping, Sequence

import numpy as np
from whoosh import query as Q

from indexer.engine.collect import intersect, top
from indexer.engine.compiling import compile_query
from indexer.engine.evaluation import Or, Weighted
from indexer.search.generation import Generation
from indexer.engine.schema import TAXONOMY_DOC_ID
from indexer.engine.scoring import RELATED_PILLAR, RELATED_ZONE
from indexer.search.results import Hit, hit_from_record
from indexer.search.searching import read_filters


class Browsing:
    """KnowledgeBase's browsing methods; the generation is Lifecycle's `_gen`."""

    def facet_choices(self) -> dict[str, list[dict]]:
        """Each facet's allowed values in order, with their names in both languages and the
        aliases they may be named by (facets.py): the panels', the notes' and the API's."""
        return {kind: [dict(c) for c in choices] for kind, choices in self._gen.choices.items()}

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
                hits.append(hit_from_record(record, None))
        return hits

    def count(self, zones: Sequence[str] = (), pillars: Sequence[str] = (),
              no_zone: bool = False, scopes: Sequence[str] = (), **filters: Sequence[str]) -> int:
        """How many measures `measures()` would list with these arguments and no limit."""
        gen = self._gen
        allowed = self._browse_mask(gen, zones, pillars, scopes, no_zone, **filters)
        return gen.count if allowed is None else gen.count_in(allowed)

    def _browse_mask(self, gen: Generation, zones, pillars, scopes, no_zone: bool = False,
                     **more):
        filters = read_filters(gen, zones, pillars, scopes, **more)
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
        return [hit_from_record(gen.record(d), scores[d]) for d in docs]

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

    def sources_by_id(self) -> Mapping[str, dict]:
        """The sources by id, read-only: the generation's own mapping, made once when it
        was opened (citations look sources up by id on every answer and page)."""
        return MappingProxyType(self._gen.sources)

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

    def counts_by_year(self, zones: Sequence[str] = (), pillars: Sequence[str] = (),
                       scopes: Sequence[str] = (), **filters: Sequence[str]) -> dict[int, int]:
        """How many measures are dated in each year, for the filters given."""
        gen = self._gen
        mask = self._browse_mask(gen, zones, pillars, scopes, **filters)
        mask = gen.live if mask is None else gen.live & mask
        counts = np.bincount(gen.years[mask], minlength=1)
        return {int(y): int(c) for y, c in enumerate(counts) if c}
