"""Measures grouped for the browse pages: a zone's by pillar, a pillar's by zone."""

from __future__ import annotations

from dataclasses import dataclass, field

NO_ZONE = "Zones not named"
NO_ZONE_ZH = "未具名的自贸试验区"


@dataclass
class Group:
    id: str | None  # None for measures whose source names no zone
    name: str
    name_zh: str
    measures: list = field(default_factory=list)


def by_pillar(measures: list, pillars: list[dict]) -> list[Group]:
    """Groups in pillar order; empty pillars left out."""
    groups = {p["id"]: Group(p["id"], p["name"], p["name_zh"]) for p in pillars}
    for measure in measures:
        if measure.pillar in groups:
            groups[measure.pillar].measures.append(measure)
    return [g for g in groups.values() if g.measures]


def by_zone(measures: list, zones: list[dict]) -> list[Group]:
    """Groups in zone order; a measure of several zones sits under each, one of none at the end."""
    groups = {z["id"]: Group(z["id"], z["name"], z["name_zh"]) for z in zones}
    unnamed = Group(None, NO_ZONE, NO_ZONE_ZH)
    for measure in measures:
        for zone in measure.zones or [None]:
            groups.get(zone, unnamed).measures.append(measure)
    return [g for g in [*groups.values(), unnamed] if g.measures]
