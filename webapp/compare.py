"""Zones side by side: one column per zone, one row per pillar, each measure once.

A measure of two or more of the compared zones is shown once per pillar, in a shared cell
across the columns, with its zones; each zone's cell holds the measures that, among the
compared zones, only it has. Counts are exact at any size, from the facade's counts of
measures in any of several zones (inclusion and exclusion):

    only in A  = in any of (A, B, C) - in any of (B, C)
    shared     = in any of (A, B, C) - only in A - only in B - only in C

The lists are the newest PER_CELL of each cell, read newest first from the facade and kept
when they belong to the cell (at most MAX_SCAN records read per cell); a cell with more
links to a search for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_ZONES, MAX_ZONES = 2, 3
PER_CELL = 10
MAX_SCAN = 2_000


@dataclass(frozen=True)
class CompareCell:
    zone_id: str | None  # None: the cell of measures shared by two or more compared zones
    pillar_id: str
    total: int  # measures of this cell
    measures: list  # facade Hits, newest first, at most PER_CELL
    zone_total: int = 0  # all the zone's measures under the pillar, shared ones included

    @property
    def more(self) -> int:
        return self.total - len(self.measures)


@dataclass(frozen=True)
class CompareRow:
    pillar: dict
    shared: CompareCell
    cells: list[CompareCell]


@dataclass(frozen=True)
class Comparison:
    zones: list[dict]  # the compared zones, in the order asked
    rows: list[CompareRow]  # every pillar, in taxonomy order


def zone_count_problem(zone_ids: tuple[str, ...]) -> str | None:
    """Why these zones cannot be compared, or None (the message is translated by the page)."""
    if len(zone_ids) < MIN_ZONES:
        return "too-few"
    if len(zone_ids) > MAX_ZONES:
        return "too-many"
    return None


def _newest_where(kb, zones, pillar_id: str, keep, want: int, total: int) -> list:
    """The newest `want` measures of any of `zones` under the pillar for which keep(hit)."""
    if not total:
        return []
    limit = min(want * 2, MAX_SCAN)
    while True:
        hits = kb.measures(zones=zones, pillars=[pillar_id], limit=limit)
        kept = [h for h in hits if keep(h)][:want]
        if len(kept) >= want or len(hits) < limit or limit >= MAX_SCAN:
            return kept
        limit = min(limit * 4, MAX_SCAN)


def compare_zones(kb, zone_ids: tuple[str, ...], pillars: list[dict],
                  per_cell: int | None = None) -> Comparison:
    """The comparison of known zones (the facade raises UnknownFilter for others)."""
    per_cell = per_cell or PER_CELL
    chosen = set(zone_ids)
    zones_by_id = {z["id"]: z for z in kb.zones()}
    rows = []
    for pillar in pillars:
        pid = pillar["id"]
        in_any = kb.count(zones=zone_ids, pillars=[pid])
        cells = []
        for zone_id in zone_ids:
            others = [z for z in zone_ids if z != zone_id]
            only = in_any - kb.count(zones=others, pillars=[pid])
            hits = _newest_where(kb, [zone_id], pid,
                                 lambda h: not (chosen - {zone_id}) & set(h.zones), per_cell, only)
            cells.append(CompareCell(zone_id, pid, only, hits,
                                     kb.count(zones=[zone_id], pillars=[pid])))
        shared_total = in_any - sum(c.total for c in cells)
        shared = _newest_where(kb, list(zone_ids), pid, lambda h: len(chosen & set(h.zones)) > 1,
                               per_cell, shared_total)
        rows.append(CompareRow(pillar, CompareCell(None, pid, shared_total, shared), cells))
    return Comparison([zones_by_id[z] for z in zone_ids], rows)
