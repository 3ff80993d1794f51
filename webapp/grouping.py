"""Measures arranged for the browse pages, each measure once: a zone's by pillar, a pillar's
as one list. (The nationwide page is the replication register: webapp/register.py.)

A zone page groups by pillar (a measure has one pillar). A pillar page lists its measures
once each, newest first, with every zone beside each; grouping them by zone would list a
measure of six zones six times. The map above the list gives the count per zone.

Each group shows its newest measures, GROUP_LIMIT at most, and its total: at 100,000 records
a zone holds thousands, and the group links to a search for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GROUP_LIMIT = 20
LIST_LIMIT = 50  # a pillar page's one list


@dataclass
class Group:
    id: str | None
    name: str
    name_zh: str
    measures: list = field(default_factory=list)
    total: int = 0

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


def pillar_list(kb, pillar: dict, limit: int | None = None) -> Group:
    """A pillar's measures, each once, newest first."""
    return Group(pillar["id"], pillar["name"], pillar["name_zh"],
                 kb.measures(pillars=[pillar["id"]], limit=limit or LIST_LIMIT), pillar["count"])
