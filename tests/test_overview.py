"""Overview pictures and the compare page through Flask's test client, and the chart geometry alone."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import render_template_string

from tests.helpers import ZONE_COUNT
from tests.webhelpers import links, fixture_records, text_of
from webapp import charts, overview

RECORDS = fixture_records()
PILLARS = ["institutional-innovation", "key-industries", "precise-services", "logistics"]


def count(zone: str, pillar: str | None = None) -> int:
    return sum(zone in r["zones"] and pillar in (None, r["pillar"]) for r in RECORDS.values())


def svgs(html: str) -> dict[str, ET.Element]:
    """Each inline <svg> of the page by its first class, parsed as XML (so it is well formed)."""
    found = {}
    for chunk in re.findall(r"<svg\b.*?</svg>", html, re.S):
        svg = ET.fromstring(chunk)
        found[svg.get("class").split()[-1]] = svg
    return found


def labelled_by(svg: ET.Element) -> tuple[str, str]:
    """The svg's title and desc, checked to be what aria-labelledby names."""
    title, desc = svg.find("title"), svg.find("desc")
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text.strip() and desc.text.strip()
    return title.text, desc.text


# -- the home page ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def home(built_index):
    from webapp import create_app

    app = create_app({"TESTING": True, "MEASURES_DIR": built_index["measures"],
                      "INDEX_DIR": built_index["index"]})
    return app.test_client().get("/").get_data(as_text=True)


def test_home_has_a_tile_map_of_the_21_zones(home, kb):
    svg = svgs(home)["tile-map"]
    title, _ = labelled_by(svg)
    assert svg.get("role") == "group"  # it holds links: an img role would hide them
    assert f"{ZONE_COUNT} pilot free trade zones" in title
    tiles = svg.findall("a")
    assert len(tiles) == ZONE_COUNT
    hrefs = [a.get("href") for a in tiles]
    assert sorted(hrefs) == sorted(f"/zones/{z['id']}" for z in kb.zones())
    for a in tiles:
        zone = a.get("href").rsplit("/", 1)[-1]
        texts = [t.text for t in a.findall("text")]
        assert texts[-1] == str(count(zone))
        assert a.get("aria-label").endswith(f": {count(zone)} measure{'' if count(zone) == 1 else 's'}")
    by_zone = {a.get("href").rsplit("/", 1)[-1]: a for a in tiles}
    assert "shade-4" in by_zone["zhejiang"].get("class")  # the most measures, the darkest
    assert "shade-0" in by_zone["fujian"].get("class")
    assert by_zone["heilongjiang"].find("text[@lang='zh']").text == "黑龙江"


def test_tiles_are_laid_out_by_geography(home):
    svg = svgs(home)["tile-map"]
    position = {a.get("href").rsplit("/", 1)[-1]: (float(a.find("rect").get("x")), float(a.find("rect").get("y")))
                for a in svg.findall("a")}
    assert position["heilongjiang"][1] < position["beijing"][1] < position["hainan"][1]  # north to south
    assert position["sichuan"][0] < position["hubei"][0] < position["shanghai"][0]  # west to east
    assert len(set(position.values())) == ZONE_COUNT
    assert min(x for x, _ in position.values()) == 0 and min(y for _, y in position.values()) == 0


def test_home_has_the_zone_by_pillar_matrix(home, kb):
    svg = svgs(home)["matrix"]
    labelled_by(svg)
    assert svg.get("role") == "img"
    cells = svg.findall("rect")
    assert len(cells) == ZONE_COUNT * 4
    counts = [int(t.text) for t in svg.findall("text") if "cell-count" in t.get("class")]
    expected = [count(z["id"], p) for z in kb.zones() for p in PILLARS]
    assert counts == expected and sum(counts) > 0
    heads = [" ".join(t.itertext()) for t in svg.findall("text") if t.get("class") == "matrix-head"]
    assert heads == ["Institutional innovation", "Key industries", "Precise services",
                     "Logistics channels and services"]


def test_home_has_measures_over_time(home):
    svg = svgs(home)["years"]
    _, desc = labelled_by(svg)
    assert svg.get("role") == "img"
    assert "13 measures dated 2023" in desc
    assert [t.text for t in svg.findall("text") if t.get("class") == "bar-year"] == ["2023"]


def test_every_picture_has_a_table_view_with_the_same_figures(home, kb):
    views = re.findall(r'<details class="table-view">(.*?)</details>', home, re.S)
    assert len(views) == 3
    tile_table, matrix_table, year_table = views
    assert "Zhejiang 浙江 2" in text_of(tile_table)
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", matrix_table, re.S)
    assert len(rows) == ZONE_COUNT
    shanghai = [r for r in rows if "/zones/shanghai" in r][0]
    assert re.findall(r'<td class="num">(?:<a [^>]*>)?(\d+)', shanghai) == [
        str(count("shanghai", p)) for p in PILLARS] + [str(count("shanghai"))]
    cell_links = [href for href, _, _ in links(matrix_table) if href.startswith("/search")]
    assert {"zone": ["shanghai"], "pillar": ["logistics"]} in [parse_qs(urlsplit(h).query) for h in cell_links]
    assert "2023" in text_of(year_table) and "13" in text_of(year_table)


def test_pillar_page_maps_its_measures(client):
    html = client.get("/pillars/logistics").get_data(as_text=True)
    svg = svgs(html)["tile-map"]
    tiles = {parse_qs(urlsplit(a.get("href")).query)["zone"][0]: a for a in svg.findall("a")}
    assert len(tiles) == ZONE_COUNT
    assert all(parse_qs(urlsplit(a.get("href")).query)["pillar"] == ["logistics"] for a in tiles.values())
    assert tiles["anhui"].findall("text")[-1].text == "1" and tiles["zhejiang"].findall("text")[-1].text == "0"


def test_chart_labels_are_escaped(app):
    zones = [{"id": "x", "short": "<b>&x", "short_zh": "<i>", "tile": [0, 0], "count": 1}]
    with app.test_request_context():
        html = render_template_string('{% import "_charts.html" as c %}{{ c.tile_map(m, "t") }}',
                                      m=charts.tile_map(zones))
    assert "<b>" not in html and "<i>" not in html and "&lt;b&gt;&amp;x" in html


# -- the geometry alone -------------------------------------------------------------------------

@pytest.mark.parametrize("n, highest, expected", [
    (0, 10, 0), (1, 10, 1), (3, 10, 2), (5, 10, 2), (6, 10, 3), (10, 10, 4), (1, 1, 4), (0, 0, 0), (2, 4, 2),
])
def test_shade(n, highest, expected):
    assert charts.shade(n, highest) == expected


def test_legend_names_the_counts_of_each_shade_in_use():
    assert [(i.shade, i.label) for i in charts.legend(2)] == [(0, "0"), (2, "1"), (4, "2")]
    assert [(i.shade, i.label) for i in charts.legend(10)] == [
        (0, "0"), (1, "1–2"), (2, "3–5"), (3, "6–7"), (4, "8–10")]
    assert [i.label for i in charts.legend(0)] == ["0"]


def test_a_zone_without_a_tile_gets_a_row_below_the_map():
    zones = [{"id": "a", "short": "A", "tile": [2, 3], "count": 1},
             {"id": "b", "short": "B", "tile": [3, 4], "count": 0},
             {"id": "c", "short": "C", "count": 2}]
    tm = charts.tile_map(zones)
    at = {t.zone_id: (t.x, t.y) for t in tm.tiles}
    step_x, step_y = charts.TILE_W + charts.TILE_GAP, charts.TILE_H + charts.TILE_GAP
    assert at == {"a": (0, 0), "b": (step_x, step_y), "c": (0, 2 * step_y)}
    assert (tm.width, tm.height) == (2 * step_x - charts.TILE_GAP, 3 * step_y - charts.TILE_GAP)
    assert tm.tiles[2].shade == 4


def test_year_chart_includes_empty_years_between():
    chart = charts.year_chart({2019: 4, 2021: 2})
    assert [(b.year, b.count) for b in chart.bars] == [(2019, 4), (2020, 0), (2021, 2)]
    assert chart.bars[0].height == 2 * chart.bars[2].height and chart.bars[1].height == 0
    assert chart.bars[0].y + chart.bars[0].height == chart.baseline
    assert charts.year_chart({}).bars == []


def test_counts_by_year_come_from_the_facade(kb):
    assert overview.counts_by_year(kb) == {2023: len(RECORDS)}
    assert overview.counts_by_year(kb, zones=["zhejiang"]) == {2023: 2}


def test_home_figures_are_computed_once_per_index_generation(app, monkeypatch):
    calls = []
    real = overview.counts_by_year
    monkeypatch.setattr(overview, "counts_by_year", lambda kb: calls.append(1) or real(kb))
    client = app.test_client()
    assert client.get("/").status_code == 200 and client.get("/").status_code == 200
    assert len(calls) == 1


# -- compare ------------------------------------------------------------------------------------

def compare_table(html: str) -> tuple[list[str], list[str], dict[tuple[str, str], list[str]]]:
    """(column zone ids, row pillar ids, measure ids by (zone, pillar)) of the compare table."""
    table = html.split('<table class="compare-table">', 1)[1].split("</table>", 1)[0]
    head, body = table.split("<tbody>", 1)
    columns = re.findall(r'<th scope="col" id="col-([a-z0-9-]+)"', head)
    rows = re.findall(r'<th scope="row" id="row-([a-z0-9-]+)"', body)
    cells = {}
    for zone, pillar, inner in re.findall(
            r'<td data-zone="([^"]+)" data-pillar="([^"]+)">(.*?)</td>', body, re.S):
        cells[zone, pillar] = [h.rsplit("/", 1)[-1] for h, _, _ in links(inner) if h.startswith("/measures/")]
    return columns, rows, cells


@pytest.mark.parametrize("zones", [["zhejiang", "shanghai"], ["tianjin", "yunnan", "anhui"]])
def test_compare_puts_zones_in_columns_and_pillars_in_rows(client, zones):
    response = client.get("/compare", query_string={"zone": zones})
    assert response.status_code == 200
    columns, rows, cells = compare_table(response.get_data(as_text=True))
    assert columns == zones and rows == PILLARS
    for zone in zones:
        for pillar in PILLARS:
            expected = {m for m, r in RECORDS.items() if zone in r["zones"] and r["pillar"] == pillar}
            assert set(cells[zone, pillar]) == expected


def test_compare_marks_measures_the_zones_share(client):
    html = client.get("/compare?zone=shanghai&zone=anhui").get_data(as_text=True)
    shanghai_logistics = html.split('data-zone="shanghai" data-pillar="logistics">', 1)[1].split("</td>", 1)[0]
    assert "Also in Anhui" in text_of(shanghai_logistics)


def test_compare_page_links_its_exports_and_is_shareable(client):
    html = client.get("/compare?zone=zhejiang&zone=shanghai").get_data(as_text=True)
    csv_link = [h for h, _, _ in links(html) if urlsplit(h).path == "/search.csv"]
    assert parse_qs(urlsplit(csv_link[0]).query) == {"zone": ["zhejiang", "shanghai"]}
    assert re.search(r'<option value="zhejiang" selected>', html)
    assert re.search(r'<option value="shanghai" selected>', html)


def test_compare_a_full_cell_links_to_the_rest(client, monkeypatch):
    monkeypatch.setattr("webapp.compare.PER_CELL", 1)
    html = client.get("/compare?zone=zhejiang&zone=guangdong").get_data(as_text=True)
    _, _, cells = compare_table(html)
    assert len(cells["zhejiang", "institutional-innovation"]) == 1
    more = [h for h, t, _ in links(html) if t == "All 2 →"]
    assert len(more) == 2
    assert parse_qs(urlsplit(more[0]).query) == {"zone": ["zhejiang"], "pillar": ["institutional-innovation"]}


def test_compare_with_no_zone_offers_the_choice(client):
    response = client.get("/compare")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('<select id="zone-') == 3 and 'class="compare-table"' not in html
    assert "notice" not in html


def test_compare_with_one_zone_asks_for_another(client):
    response = client.get("/compare?zone=zhejiang")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose one or two zones to set beside Zhejiang." in text_of(html)
    assert re.search(r'<option value="zhejiang" selected>', html)
    assert 'class="compare-table"' not in html


def test_compare_with_too_many_zones_is_a_400_that_says_why(client):
    response = client.get("/compare?zone=zhejiang&zone=shanghai&zone=anhui&zone=tianjin")
    assert response.status_code == 400
    text = text_of(response.get_data(as_text=True))
    assert "4 zones were given; at most 3 fit side by side" in text


def test_compare_unknown_zone_is_a_400_with_the_fixed_link(client):
    response = client.get("/compare?zone=zhejang&zone=shanghai")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "unknown zone" in text_of(html)
    fixed = [h for h, t, _ in links(html) if t == "zhejiang"]
    assert fixed and urlsplit(fixed[0]).path == "/compare"
    assert parse_qs(urlsplit(fixed[0]).query) == {"zone": ["zhejiang", "shanghai"]}


@pytest.mark.parametrize("url", ["/compare?zone=zhejiang&zone=shanghai&zone=",
                                 "/compare?zone=zhejiang&zone=shanghai&zone=zhejiang"])
def test_compare_redirects_to_the_address_worth_sharing(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/compare?zone=zhejiang&zone=shanghai"


def test_zone_page_links_to_compare(client):
    html = client.get("/zones/zhejiang").get_data(as_text=True)
    assert "/compare?zone=zhejiang" in {h for h, _, _ in links(html)}
