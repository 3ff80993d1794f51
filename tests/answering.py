"""What an index answers, to compare two indexes of the same records (before and after a
merge, a plain merge and the fast one): tests/test_merging.py and tests/test_fast_merge.py."""

from __future__ import annotations

from pathlib import Path

from indexer.search import KnowledgeBase
from tests.bench.queries import query_mix


def answers(index, queries: list[dict]) -> dict:
    """Every query's total, facets and first page of (id, score), the newest records in
    full, and the stats; `index` is a folder or an open KnowledgeBase."""
    kb = index if isinstance(index, KnowledgeBase) else KnowledgeBase(index)
    try:
        out = {}
        for q in queries:
            result = kb.search(q["q"], q.get("zones", ()), q.get("pillars", ()), per_page=30)
            out[(q["q"], tuple(q.get("zones", ())), tuple(q.get("pillars", ())))] = (
                result.total, result.facets, [(h.id, h.score) for h in result.hits])
        out["records"] = [kb.measure(h.id) for h in kb.search("", per_page=30).hits]
        out["stats"] = {k: v for k, v in kb.stats().items() if k != "generation"}
        return out
    finally:
        if kb is not index:
            kb.close()


def mix(measures: Path) -> list[dict]:
    """140 queries of the benchmark's mix over the zones and pillars of `measures`."""
    from indexer.errors import Report
    from indexer.records.taxonomy import load_taxonomy

    taxonomy = load_taxonomy(measures, Report(measures))
    return query_mix(list(taxonomy.zones), list(taxonomy.pillars), total=140)
