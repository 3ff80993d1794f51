"""Overview pictures as geometry for inline SVG: the zone tile map, the zone-by-pillar matrix
and measures by year.

Pure functions of plain data (taxonomy dicts and counts) returning dataclasses; the macros in
``templates/_charts.html`` draw them, so Jinja's autoescaping covers every name and label.
Shading is a class name (``shade-0`` for none to ``shade-4`` for the most), styled in
style.css: the Content-Security-Policy forbids style attributes.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

SHADES = 4  # shade-1 .. shade-4 for counts above zero; shade-0 for none

TILE_W, TILE_H, TILE_GAP = 96, 66, 6
MATRIX_LABEL_W, MATRIX_HEAD_H, CELL_W, CELL_H, HEAD_CHARS = 150, 84, 104, 26, 13
BAR_W, BAR_GAP, CHART_H, AXIS_H, TOP_H, CHART_MIN_W = 44, 20, 160, 28, 24, 320


def shade(count: int, highest: int) -> int:
    """The shade class number of a count: 0 for none, else 1..SHADES by its share of the highest."""
    if count <= 0 or highest <= 0:
        return 0
    return max(1, min(SHADES, math.ceil(SHADES * count / highest)))


@dataclass(frozen=True)
class LegendItem:
    shade: int
    label: str  # "0", "3", "4–6"


def legend(highest: int) -> list[LegendItem]:
    """One item per shade in use: the range of counts it stands for."""
    items = [LegendItem(0, "0")]
    for level in range(1, SHADES + 1):
        low = math.floor((level - 1) * highest / SHADES) + 1
        high = math.floor(level * highest / SHADES)
        if low <= high:
            items.append(LegendItem(level, str(low) if low == high else f"{low}–{high}"))
    return items


def _measures(count: int) -> str:
    return f"{count} measure{'' if count == 1 else 's'}"


# -- the tile map of zones ---------------------------------------------------------------

@dataclass(frozen=True)
class Tile:
    zone_id: str
    short: str
    short_zh: str
    count: int
    shade: int
    x: int
    y: int
    label: str  # what a screen reader says for the tile's link

    @property
    def cx(self) -> float:
        return self.x + TILE_W / 2


@dataclass(frozen=True)
class TileMap:
    width: int
    height: int
    tile_w: int
    tile_h: int
    tiles: list[Tile]
    legend: list[LegendItem]
    total: int  # zones on the map


def tile_map(zones: list[dict], counts: dict[str, int] | None = None) -> TileMap:
    """Zones on a rough grid of China (``tile: [row, col]``, row 0 north, col 0 west).

    ``counts`` (zone id -> measures) defaults to each zone's own ``count``. A zone without a
    tile goes into a row of its own below the map rather than being left out.
    """
    def count_of(zone: dict) -> int:
        return (counts.get(zone["id"], 0) if counts is not None else zone.get("count", 0)) or 0

    placed = [z for z in zones if z.get("tile")]
    # the map starts at the first row and column in use: no empty margin to the north or west
    top = min((z["tile"][0] for z in placed), default=0)
    left = min((z["tile"][1] for z in placed), default=0)
    positions = {z["id"]: (z["tile"][0] - top, z["tile"][1] - left) for z in placed}
    rows = max((r for r, _ in positions.values()), default=-1) + 1
    cols = max((c for _, c in positions.values()), default=-1) + 1
    for i, zone in enumerate(z for z in zones if not z.get("tile")):
        positions[zone["id"]] = (rows, i)
    if len(positions) > len(placed):
        rows += 1
        cols = max(cols, len(positions) - len(placed))
    highest = max((count_of(z) for z in zones), default=0)
    tiles = []
    for zone in zones:
        row, col = positions[zone["id"]]
        count = count_of(zone)
        tiles.append(Tile(
            zone["id"], zone["short"], zone.get("short_zh", ""), count, shade(count, highest),
            col * (TILE_W + TILE_GAP), row * (TILE_H + TILE_GAP),
            f"{zone['short']} {zone.get('short_zh', '')}: {_measures(count)}",
        ))
    return TileMap(max(cols * (TILE_W + TILE_GAP) - TILE_GAP, 0),
                   max(rows * (TILE_H + TILE_GAP) - TILE_GAP, 0),
                   TILE_W, TILE_H, tiles, legend(highest), len(tiles))


# -- the zone-by-pillar matrix -----------------------------------------------------------

@dataclass(frozen=True)
class MatrixColumn:
    pillar_id: str
    name: str
    name_zh: str
    lines: list[str]  # the English name, wrapped to fit the column
    cx: float


@dataclass(frozen=True)
class MatrixCell:
    pillar_id: str
    count: int
    shade: int
    x: int
    y: int


@dataclass(frozen=True)
class MatrixRow:
    zone_id: str
    short: str
    short_zh: str
    total: int
    y: int
    cells: list[MatrixCell]


@dataclass(frozen=True)
class Matrix:
    width: int
    height: int
    label_w: int
    head_h: int
    cell_w: int
    cell_h: int
    columns: list[MatrixColumn]
    rows: list[MatrixRow]
    legend: list[LegendItem]


def zone_pillar_matrix(zones: list[dict], pillars: list[dict],
                       counts: dict[str, dict[str, int]]) -> Matrix:
    """One row per zone, one column per pillar; ``counts[pillar_id][zone_id]`` measures."""
    highest = max((counts.get(p["id"], {}).get(z["id"], 0) for p in pillars for z in zones),
                  default=0)
    columns = [
        MatrixColumn(p["id"], p["name"], p.get("name_zh", ""),
                     textwrap.wrap(p["name"], HEAD_CHARS, max_lines=3, placeholder="…") or [p["id"]],
                     MATRIX_LABEL_W + i * CELL_W + CELL_W / 2)
        for i, p in enumerate(pillars)
    ]
    rows = []
    for r, zone in enumerate(zones):
        y = MATRIX_HEAD_H + r * CELL_H
        cells = []
        for i, pillar in enumerate(pillars):
            count = counts.get(pillar["id"], {}).get(zone["id"], 0)
            cells.append(MatrixCell(pillar["id"], count, shade(count, highest),
                                    MATRIX_LABEL_W + i * CELL_W, y))
        rows.append(MatrixRow(zone["id"], zone["short"], zone.get("short_zh", ""),
                              zone.get("count", sum(c.count for c in cells)), y, cells))
    return Matrix(MATRIX_LABEL_W + len(pillars) * CELL_W, MATRIX_HEAD_H + len(zones) * CELL_H,
                  MATRIX_LABEL_W, MATRIX_HEAD_H, CELL_W, CELL_H, columns, rows, legend(highest))


# -- measures by year --------------------------------------------------------------------

@dataclass(frozen=True)
class YearBar:
    year: int
    count: int
    x: int
    y: float
    height: float

    @property
    def cx(self) -> float:
        return self.x + BAR_W / 2


@dataclass(frozen=True)
class YearChart:
    width: int
    height: int
    baseline: int
    bar_w: int
    bars: list[YearBar]
    total: int
    first: int | None
    last: int | None


def year_chart(by_year: dict[int, int]) -> YearChart:
    """Bars for every year from the first to the last with measures (empty years included)."""
    years = sorted(y for y, n in by_year.items() if n)
    height = TOP_H + CHART_H + AXIS_H
    if not years:
        return YearChart(CHART_MIN_W, height, TOP_H + CHART_H, BAR_W, [], 0, None, None)
    first, last = years[0], years[-1]
    highest = max(by_year.values())
    natural = BAR_GAP + (last - first + 1) * (BAR_W + BAR_GAP)
    width = max(natural, CHART_MIN_W)
    left = (width - natural) // 2 + BAR_GAP  # a few bars sit in the middle, not at the edge
    bars = []
    for i, year in enumerate(range(first, last + 1)):
        count = by_year.get(year, 0)
        bar_h = CHART_H * count / highest
        bars.append(YearBar(year, count, left + i * (BAR_W + BAR_GAP),
                            TOP_H + CHART_H - bar_h, bar_h))
    return YearChart(width, height, TOP_H + CHART_H, BAR_W, bars,
                     sum(by_year.values()), first, last)
