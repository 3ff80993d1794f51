"""The figures behind the overview pictures, asked of the facade and kept per index generation.

Zone-by-pillar counts come from facet counts (one cheap search per pillar), counts by year
from ``KnowledgeBase.counts_by_year``; both are kept until the index changes.
"""

from __future__ import annotations

import threading
from typing import Sequence

from flask import current_app

EXTENSION = "ftz_overview"
_lock = threading.Lock()


def zone_pillar_counts(kb, pillars: list[dict]) -> dict[str, dict[str, int]]:
    """``counts[pillar_id][zone_id]``: measures of each zone under each pillar."""
    return {p["id"]: dict(kb.search("", pillars=[p["id"]], per_page=1).facets.get("zone", {}))
            for p in pillars}


def counts_by_year(kb, zones: Sequence[str] = (), pillars: Sequence[str] = ()) -> dict[int, int]:
    """Measures per year of their date."""
    return kb.counts_by_year(zones=zones, pillars=pillars)


def figures(kb, pillars: list[dict]) -> dict:
    """The home page's figures, computed once per published index generation in this app."""
    cache = current_app.extensions.setdefault(EXTENSION, {})
    generation = kb.generation
    with _lock:
        if cache.get("generation") != generation:
            cache.clear()
            cache.update(generation=generation,
                         matrix=zone_pillar_counts(kb, pillars),
                         years=counts_by_year(kb))
        return {"matrix": cache["matrix"], "years": cache["years"]}
