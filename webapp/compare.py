"""Zones side by side: one column per zone, one row per pillar, each cell that zone's measures.

Built from the facade's searches (facet counts per zone, then one page per non-empty cell),
so a cell shows at most PER_CELL measures and links to the rest however large the index is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MIN_ZONES, MAX_ZONES = 2, 3
PER_CELL = 10


@dataclass(frozen=True)
class CompareCell:
    zone_id: str
    pillar_id: str
    total: int
    measures: list  # facade Hits, newest first, at most PER_CELL

    @property
    def more(self) -> int:
        return self.total - len(self.measures)


@dataclass(frozen=True)
class CompareRow:
    pillar: dict
    cells: list[CompareCell]


@dataclass(frozen=True)
class Comparison:
    zones: list[dict]  # the compared zones, in the order asked
    rows: list[CompareRow]  # every pillar, in taxonomy order
    shared: dict[str, list[str]] = field(default_factory=dict)  # measure id -> compared zones


def zone_count_problem(zone_ids: tuple[str, ...]) -> str | None:
    """Why these zones cannot be compared, or None."""
    if len(zone_ids) < MIN_ZONES:
        return f"Choose at least {MIN_ZONES} zones to compare."
    if len(zone_ids) > MAX_ZONES:
        return (f"{len(zone_ids)} zones were given; at most {MAX_ZONES} fit side by side. "
                f"Choose {MIN_ZONES} or {MAX_ZONES}.")
    return None


def compare_zones(kb, zone_ids: tuple[str, ...], pillars: list[dict],
                  per_cell: int | None = None) -> Comparison:
    """The comparison of known zones (the facade raises UnknownFilter for others)."""
    per_cell = per_cell or PER_CELL
    zones_by_id = {z["id"]: z for z in kb.zones()}
    by_pillar = {z: kb.search("", zones=[z], per_page=1).facets.get("pillar", {}) for z in zone_ids}
    rows = []
    for pillar in pillars:
        cells = []
        for zone_id in zone_ids:
            total = by_pillar[zone_id].get(pillar["id"], 0)
            hits = (kb.search("", zones=[zone_id], pillars=[pillar["id"]], per_page=per_cell).hits
                    if total else [])
            cells.append(CompareCell(zone_id, pillar["id"], total, hits))
        rows.append(CompareRow(pillar, cells))
    shared: dict[str, list[str]] = {}
    for row in rows:
        for cell in row.cells:
            for hit in cell.measures:
                shared[hit.id] = [z for z in zone_ids if z in hit.zones]
    return Comparison([zones_by_id[z] for z in zone_ids], rows,
                      {m: zs for m, zs in shared.items() if len(zs) > 1})
