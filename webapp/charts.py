"""Overview pictures as plain data for the templates: the zone tile map, the zone-by-pillar
matrix and measures by year.

Pure functions of plain data (taxonomy dicts and counts) returning dataclasses; the macros in
``templates/_charts.html`` draw them, so Jinja's autoescaping covers every name and label, and
the words around them are translated there. The tile map and the matrix are HTML (a grid of
links, a table), which reflows to a phone's width with every name in both languages legible;
the years are an SVG of horizontal bars, one row per year, narrow enough for a phone.
Shading is a class name (``shade-0`` for none to ``shade-4`` for the most), styled in
style.css: the Content-Security-Policy forbids style attributes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

SHADES = 4  # shade-1 .. shade-4 for counts above zero; shade-0 for none

YEAR_W, YEAR_LABEL_W, YEAR_ROW_H, YEAR_BAR_H, YEAR_COUNT_W = 360, 48, 24, 16, 40


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


# -- the tile map of zones ---------------------------------------------------------------

SOFT_HYPHEN = "\u00ad"
# A pinyin syllable starts at an initial (zh, ch, sh or one consonant) followed by a vowel.
_SYLLABLE_START = re.compile(r"(?<=[a-z])(?=(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])[aeiouü])", re.I)


def breakable(name: str) -> str:
    """A zone's romanized name with soft hyphens between its pinyin syllables, so that a
    tile about 55 px wide on a phone breaks "Heilongjiang" as "Heilong-jiang", not at any
    letter. Letters after an initial (the h of zh, ch, sh) are never split off."""
    out = []
    for word in name.split(" "):
        parts = _SYLLABLE_START.split(word)
        # a split just after z, c or s would cut zh, ch, sh in two
        merged = []
        for part in parts:
            if merged and merged[-1][-1:].lower() in "zcs" and part[:1].lower() == "h":
                merged[-1] += part
            else:
                merged.append(part)
        out.append(SOFT_HYPHEN.join(merged))
    return " ".join(out)


@dataclass(frozen=True)
class Tile:
    zone_id: str
    short: str
    short_zh: str
    count: int
    shade: int
    row: int
    col: int

    @property
    def short_breakable(self) -> str:
        return breakable(self.short)


@dataclass(frozen=True)
class TileMap:
    rows: list[list[Tile | None]]  # row by row, north first; None where no zone lies
    tiles: list[Tile]  # in the zones' order, for the table view
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
    n_rows = max((r for r, _ in positions.values()), default=-1) + 1
    n_cols = max((c for _, c in positions.values()), default=-1) + 1
    unplaced = [z for z in zones if not z.get("tile")]
    for i, zone in enumerate(unplaced):
        positions[zone["id"]] = (n_rows + i // max(n_cols, 1), i % max(n_cols, 1))
    if unplaced:
        n_cols = max(n_cols, 1)
        n_rows += -(-len(unplaced) // n_cols)
    highest = max((count_of(z) for z in zones), default=0)
    tiles = [Tile(z["id"], z["short"], z.get("short_zh", ""), count_of(z),
                  shade(count_of(z), highest), *positions[z["id"]]) for z in zones]
    grid: list[list[Tile | None]] = [[None] * n_cols for _ in range(n_rows)]
    for tile in tiles:
        grid[tile.row][tile.col] = tile
    return TileMap(grid, tiles, legend(highest), len(tiles))


# -- the zone-by-pillar matrix -----------------------------------------------------------

@dataclass(frozen=True)
class MatrixCell:
    pillar_id: str
    count: int
    shade: int


@dataclass(frozen=True)
class MatrixRow:
    zone: dict
    total: int
    cells: list[MatrixCell]


@dataclass(frozen=True)
class Matrix:
    pillars: list[dict]  # the columns, numbered 1.. in the key
    rows: list[MatrixRow]
    legend: list[LegendItem]


def zone_pillar_matrix(zones: list[dict], pillars: list[dict],
                       counts: dict[str, dict[str, int]]) -> Matrix:
    """One row per zone, one column per pillar; ``counts[pillar_id][zone_id]`` measures."""
    highest = max((counts.get(p["id"], {}).get(z["id"], 0) for p in pillars for z in zones),
                  default=0)
    rows = []
    for zone in zones:
        cells = [MatrixCell(p["id"], n, shade(n, highest))
                 for p in pillars for n in [counts.get(p["id"], {}).get(zone["id"], 0)]]
        rows.append(MatrixRow(zone, zone.get("count", sum(c.count for c in cells)), cells))
    return Matrix(pillars, rows, legend(highest))


# -- measures by year --------------------------------------------------------------------

@dataclass(frozen=True)
class YearBar:
    year: int
    count: int
    y: int  # top of the row
    width: float  # of the bar


@dataclass(frozen=True)
class YearChart:
    width: int
    height: int
    label_w: int
    row_h: int
    bar_h: int
    bars: list[YearBar]
    total: int
    first: int | None
    last: int | None


def year_chart(by_year: dict[int, int]) -> YearChart:
    """A row for every year from the first to the last with measures (empty years included),
    the newest at the top; a bar's length is its share of the busiest year."""
    years = sorted(y for y, n in by_year.items() if n)
    if not years:
        return YearChart(YEAR_W, YEAR_ROW_H, YEAR_LABEL_W, YEAR_ROW_H, YEAR_BAR_H, [], 0, None, None)
    first, last = years[0], years[-1]
    highest = max(by_year.values())
    room = YEAR_W - YEAR_LABEL_W - YEAR_COUNT_W
    bars = [YearBar(year, by_year.get(year, 0), i * YEAR_ROW_H, room * by_year.get(year, 0) / highest)
            for i, year in enumerate(range(last, first - 1, -1))]
    return YearChart(YEAR_W, len(bars) * YEAR_ROW_H, YEAR_LABEL_W, YEAR_ROW_H, YEAR_BAR_H, bars,
                     sum(by_year.values()), first, last)
