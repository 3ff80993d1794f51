"""Measures grouped for the browse pages: a zone's by pillar, a pillar's by zone.

Each group shows its newest measures, GROUP_LIMIT at most, and its total: at 100,000
records a zone holds thousands, and the group links to a search for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NO_ZONE = "Zones not named"
NO_ZONE_ZH = "未具名的自贸试验区"
GROUP_LIMIT = 20


@dataclass
class Group:
    id: str | None  # None for measures whose source names no zone
    name: str
    name_zh: str
    measures: list = field(default_factory=list)
    total: int = 0
    date: str = ""  # a batch's date, as precise as its source

    @property
    def more(self) -> int:
        """How many measures of the group are not shown."""
        return self.total - len(self.measures)


def by_pillar(kb, zone_id: str, pillars: list[dict], limit: int | None = None) -> list[Group]:
    """A zone's measures in pillar order; empty pillars left out."""
    limit = limit or GROUP_LIMIT
    counts = kb.search("", zones=[zone_id], per_page=1).facets["pillar"]
    return [Group(p["id"], p["name"], p["name_zh"],
                  kb.measures(zones=[zone_id], pillars=[p["id"]], limit=limit), counts[p["id"]])
            for p in pillars if counts.get(p["id"])]


def by_zone(kb, pillar_id: str, zones: list[dict], limit: int | None = None) -> list[Group]:
    """A pillar's measures in zone order; a measure of several zones sits under each, one of
    none in a last group."""
    limit = limit or GROUP_LIMIT
    counts = kb.search("", pillars=[pillar_id], per_page=1).facets["zone"]
    groups = [Group(z["id"], z["name"], z["name_zh"],
                    kb.measures(zones=[z["id"]], pillars=[pillar_id], limit=limit), counts[z["id"]])
              for z in zones if counts.get(z["id"])]
    unnamed = kb.count(pillars=[pillar_id], no_zone=True)
    if unnamed:
        groups.append(Group(None, NO_ZONE, NO_ZONE_ZH,
                            kb.measures(pillars=[pillar_id], no_zone=True, limit=limit), unnamed))
    return groups


def by_batch(kb, hits: list, scope: str) -> list[Group]:
    """Measures grouped by the batch of their `scope` lineage step, the latest batch first;
    a measure in two batches of the scope sits under each."""
    batches: dict[tuple[str, str], Group] = {}
    for hit in hits:
        steps = [s for s in (kb.measure(hit.id) or {}).get("lineage") or () if s["scope"] == scope]
        for step in steps or [{"batch": None, "date": ""}]:
            key = (step.get("batch") or "", step["date"][:7])
            if key not in batches:
                batches[key] = Group(None, step.get("batch") or "", "", [], 0, step["date"])
            batches[key].measures.append(hit)
            batches[key].total += 1
    return sorted(batches.values(), key=lambda g: (g.date, g.name), reverse=True)
