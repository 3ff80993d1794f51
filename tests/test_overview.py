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


def tiles(html: str) -> list[dict]:
    """The tile map's tiles in document order (row by row, west to east), each with its row
    and column in the grid, its link, class, label and the three texts it shows."""
    grid = html.split('<div class="tile-map"', 1)[1].split("</figure>", 1)[0]
    out = []
    for r, row in enumerate(re.findall(r'<div class="tile-row">(.*?)</div>', grid, re.S)):
        cells = re.findall(r'<a class="tile[^"]*".*?</a>|<span class="tile-gap"[^>]*></span>', row, re.S)
        for c, cell in enumerate(cells):
            if cell.startswith("<span"):
                continue
            out.append({
                "row": r, "col": c,
                "href": re.search(r'href="([^"]+)"', cell).group(1).replace("&amp;", "&"),
                "class": re.search(r'class="([^"]+)"', cell).group(1),
                "label": re.search(r'aria-label="([^"]+)"', cell).group(1),
                "zh": re.search(r'<span class="tile-zh" lang="zh-Hans">(.*?)</span>', cell).group(1),
                "en": re.search(r'<span class="tile-en" lang="en">(.*?)</span>', cell).group(1).replace("\u00ad", ""),
                "count": re.search(r'<span class="tile-count">(.*?)</span>', cell).group(1),
            })
    return out


# -- the home page ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def home(built_index):
    from webapp import create_app

    app = create_app({"TESTING": True, "MEASURES_DIR": built_index["measures"],
                      "INDEX_DIR": built_index["index"]})
    return app.test_client().get("/").get_data(as_text=True)


def test_home_has_a_tile_map_of_the_zones(home, kb):
    found = tiles(home)
    assert len(found) == ZONE_COUNT
    assert sorted(t["href"] for t in found) == sorted(f"/zones/{z['id']}" for z in kb.zones())
    names = {z["id"]: z for z in kb.zones()}
    for t in found:
        zone = names[t["href"].rsplit("/", 1)[-1]]
        # both names on every tile, phone or desktop (the English one breaks between syllables)
        assert (t["zh"], t["en"]) == (zone["short_zh"], zone["short"])
        assert t["count"] == str(count(zone["id"]))
        assert t["label"].endswith(f": {count(zone['id'])} measure{'' if count(zone['id']) == 1 else 's'}")
    by_zone = {t["href"].rsplit("/", 1)[-1]: t for t in found}
    most = max(names, key=count)
    assert "shade-4" in by_zone[most]["class"]  # the most measures, the darkest
    assert all("shade-0" in t["class"] for z, t in by_zone.items() if not count(z))
    assert 'role="group"' in home.split('<div class="tile-map"', 1)[1][:200]


def test_tiles_are_laid_out_by_geography(home):
    position = {t["href"].rsplit("/", 1)[-1]: (t["col"], t["row"]) for t in tiles(home)}
    assert position["heilongjiang"][1] < position["beijing"][1] < position["hainan"][1]  # north to south
    assert position["sichuan"][0] < position["hubei"][0] < position["shanghai"][0]  # west to east
    assert len(set(position.values())) == ZONE_COUNT
    assert min(x for x, _ in position.values()) == 0 and min(y for _, y in position.values()) == 0


def heat_table(html: str) -> str:
    return html.split('<table class="heat-table"', 1)[1].split("</table>", 1)[0]


def test_home_has_the_zone_by_pillar_matrix(home, kb):
    table = heat_table(home)
    head, body = table.split("<tbody>", 1)
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", body, re.S)
    assert len(rows) == ZONE_COUNT
    for zone, row in zip(kb.zones(), rows):
        assert f"/zones/{zone['id']}" in row and zone["short_zh"] in row  # both names
        counts = re.findall(r'<td class="num cell shade-\d">(?:<a [^>]*>)?(\d+)', row)
        assert counts == [str(count(zone["id"], p)) for p in PILLARS]
        assert re.search(r'<td class="num total">(\d+)</td>', row).group(1) == str(count(zone["id"]))
    # every column is named in both languages, in the heading and in the key below the table
    for pillar in kb.pillars():
        assert pillar["name"] in head and pillar["name_zh"] in head
    key = home.split('<ol class="pillar-key">', 1)[1].split("</ol>", 1)[0]
    assert [text_of(li) for li in re.findall(r"<li>.*?</li>", key, re.S)] == [
        f"{p['name']} {p['name_zh']}" for p in kb.pillars()]
    cell_links = [href for href, _, _ in links(table) if href.startswith("/search")]
    assert {"zone": ["shanghai"], "pillar": ["logistics"]} in [parse_qs(urlsplit(h).query) for h in cell_links]


def test_home_has_measures_over_time(home):
    svg = svgs(home)["years"]
    _, desc = labelled_by(svg)
    assert svg.get("role") == "img"
    years = sorted({r["date"].year for r in RECORDS.values()})
    assert f"{len(RECORDS)} measures dated {years[0]} to {years[-1]}" in desc
    shown = [int(t.text) for t in svg.findall("{http://www.w3.org/2000/svg}text") + svg.findall("text")
             if t.get("class") == "bar-year"]
    assert shown == list(range(years[-1], years[0] - 1, -1))  # the newest on top
    assert int(svg.get("width")) <= 390  # one row per year: as narrow as a phone


def test_the_tile_map_and_the_years_have_a_table_view(home, kb):
    views = re.findall(r'<details class="table-view">(.*?)</details>', home, re.S)
    assert len(views) == 2
    tile_table, year_table = views
    zhejiang = kb.zone("zhejiang")
    assert f"Zhejiang 浙江 {zhejiang['count']}" in text_of(tile_table)
    assert str(len(RECORDS)) in text_of(year_table)


def test_pillar_page_maps_its_measures(client):
    html = client.get("/pillars/logistics").get_data(as_text=True)
    found = {parse_qs(urlsplit(t["href"]).query)["zone"][0]: t for t in tiles(html)}
    assert len(found) == ZONE_COUNT
    assert all(parse_qs(urlsplit(t["href"]).query)["pillar"] == ["logistics"] for t in found.values())
    for zone, tile in found.items():
        assert tile["count"] == str(count(zone, "logistics"))


def test_chart_labels_are_escaped(app):
    zones = [{"id": "x", "short": "<b>&x", "short_zh": "<i>", "tile": [0, 0], "count": 1}]
    with app.test_request_context():
        html = render_template_string('{% import "_charts.html" as c %}{{ c.tile_map(m, "t") }}',
                                      m=charts.tile_map(zones))
        html += render_template_string('{% import "_charts.html" as c %}{{ c.matrix(m, "x") }}',
                                       m=charts.zone_pillar_matrix(zones, [{"id": "p", "name": "<s>", "name_zh": "<u>"}], {}))
    assert "<b>" not in html and "<i>" not in html and "&lt;b&gt;&amp;x" in html
    assert "<s>" not in html and "<u>" not in html and "&lt;s&gt;" in html


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
    at = {t.zone_id: (t.row, t.col) for t in tm.tiles}
    assert at == {"a": (0, 0), "b": (1, 1), "c": (2, 0)}
    assert [[t.zone_id if t else None for t in row] for row in tm.rows] == [
        ["a", None], [None, "b"], ["c", None]]
    assert tm.tiles[2].shade == 4


@pytest.mark.parametrize("name, broken", [
    ("Heilongjiang", "Hei-long-jiang"), ("Zhejiang", "Zhe-jiang"), ("Sichuan", "Si-chuan"),
    ("Shanghai", "Shang-hai"), ("Chongqing", "Chong-qing"), ("Shaanxi", "Shaan-xi"),
    ("Anhui", "An-hui"), ("Hainan", "Hai-nan"), ("Xi", "Xi"),
])
def test_tile_names_break_between_pinyin_syllables(name, broken):
    assert charts.breakable(name).replace(charts.SOFT_HYPHEN, "-") == broken


def test_year_chart_includes_empty_years_between():
    chart = charts.year_chart({2019: 4, 2021: 2})
    assert [(b.year, b.count) for b in chart.bars] == [(2021, 2), (2020, 0), (2019, 4)]
    assert chart.bars[2].width == 2 * chart.bars[0].width and chart.bars[1].width == 0
    assert [b.y for b in chart.bars] == [0, chart.row_h, 2 * chart.row_h]
    assert chart.height == 3 * chart.row_h
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

def compare_table(html: str) -> tuple[list[str], list[str], dict, dict]:
    """(column zone ids, pillar ids in row order, measure ids by (zone, pillar), shared measure
    ids by pillar) of the compare table."""
    table = re.search(r'<table class="compare-table[^"]*">(.*?)</table>', html, re.S).group(1)
    head, body = table.split("</thead>", 1)
    columns = re.findall(r'<th scope="col" id="col-([a-z0-9-]+)"', head)
    rows = re.findall(r'<th scope="rowgroup" colspan="\d" id="row-([a-z0-9-]+)"', body)
    cells, shared = {}, {}
    for zone, pillar, inner in re.findall(
            r'<td data-zone="([^"]+)" data-pillar="([^"]+)"[^>]*>(.*?)</td>', body, re.S):
        cells[zone, pillar] = [h.rsplit("/", 1)[-1] for h, _, _ in links(inner) if h.startswith("/measures/")]
    for pillar, inner in re.findall(r'<td colspan="\d" class="shared-cell" data-shared="([^"]+)">(.*?)</td>',
                                    body, re.S):
        shared[pillar] = [h.rsplit("/", 1)[-1] for h, _, _ in links(inner) if h.startswith("/measures/")]
    return columns, rows, cells, shared


def expected_compare(zones: list[str], pillar: str) -> tuple[dict[str, set], set]:
    """The reference, from the record files: each zone's own measures among the compared
    zones, and the measures of two or more of them."""
    in_pillar = {m: set(r["zones"]) & set(zones) for m, r in RECORDS.items() if r["pillar"] == pillar}
    only = {z: {m for m, zs in in_pillar.items() if zs == {z}} for z in zones}
    return only, {m for m, zs in in_pillar.items() if len(zs) > 1}


@pytest.mark.parametrize("zones", [["zhejiang", "shanghai"], ["tianjin", "yunnan", "anhui"],
                                   ["shanghai", "anhui", "sichuan"], ["yunnan", "sichuan", "chongqing"]])
def test_compare_shows_each_measure_once(client, zones):
    response = client.get("/compare", query_string={"zone": zones})
    assert response.status_code == 200
    columns, rows, cells, shared = compare_table(response.get_data(as_text=True))
    assert columns == zones and rows == PILLARS
    for pillar in PILLARS:
        only, both = expected_compare(zones, pillar)
        for zone in zones:
            assert set(cells[zone, pillar]) == only[zone], (zone, pillar)
        assert set(shared.get(pillar, [])) == both, pillar
        listed = [m for z in zones for m in cells[z, pillar]] + shared.get(pillar, [])
        assert len(listed) == len(set(listed))  # nothing twice


def test_a_shared_measure_shows_its_zones(client):
    html = client.get("/compare?zone=shanghai&zone=anhui").get_data(as_text=True)
    _, _, _, shared = compare_table(html)
    assert shared["logistics"] == ["yangtze-river-delta-customs-special-goods-inspection-reform"]
    cell = re.search(r'data-shared="logistics">(.*?)</td>', html, re.S).group(1)
    assert "Zones: Shanghai , Anhui" in text_of(cell)  # text_of spaces tags


def test_compare_a_full_cell_links_to_the_rest(client, monkeypatch):
    monkeypatch.setattr("webapp.compare.PER_CELL", 1)
    html = client.get("/compare?zone=zhejiang&zone=guangdong").get_data(as_text=True)
    _, _, cells, _ = compare_table(html)
    assert len(cells["zhejiang", "institutional-innovation"]) == 1
    total = count("zhejiang", "institutional-innovation")
    more = [h for h, t, _ in links(html) if t == f"All {total} of Zhejiang →"]
    assert more and parse_qs(urlsplit(more[0]).query) == {
        "zone": ["zhejiang"], "pillar": ["institutional-innovation"]}


def test_compare_counts_hold_against_a_reference(kb):
    """The inclusion-exclusion counts and the scanned lists, for every pair and a few triples."""
    from webapp.compare import compare_zones

    ids = [z["id"] for z in kb.zones()]
    choices = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]] + [
        ("shanghai", "anhui", "sichuan"), ("yunnan", "guangxi", "hunan")]
    pillars = kb.pillars()
    for zones in choices:
        comparison = compare_zones(kb, zones, pillars, per_cell=100)
        for row in comparison.rows:
            only, both = expected_compare(list(zones), row.pillar["id"])
            assert row.shared.total == len(both) and {h.id for h in row.shared.measures} == both
            for cell in row.cells:
                assert cell.total == len(only[cell.zone_id])
                assert {h.id for h in cell.measures} == only[cell.zone_id]
                assert cell.zone_total == count(cell.zone_id, row.pillar["id"])


def test_compare_page_links_its_exports_and_is_shareable(client):
    html = client.get("/compare?zone=zhejiang&zone=shanghai").get_data(as_text=True)
    csv_link = [h for h, _, _ in links(html) if urlsplit(h).path == "/search.csv"]
    assert parse_qs(urlsplit(csv_link[0]).query) == {"zone": ["zhejiang", "shanghai"]}
    assert re.search(r'<option value="zhejiang" selected>', html)
    assert re.search(r'<option value="shanghai" selected>', html)


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
    assert "There is no zone 'zhejang'" in text_of(html)
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


@pytest.mark.parametrize("lang", ["", "/zh"])
@pytest.mark.parametrize("url", ["/zones", "/zones/zhejiang", "/pillars", "/pillars/logistics", "/search",
                                 "/search?q=oil", "/compare?zone=shanghai&zone=zhejiang"])
def test_pages_that_count_measures_say_they_hold_a_sample(client, lang, url):
    """A count of measures (a zone's, a pillar's, "All measures") is of what is held, not of
    all the zones did: each such page says so and links to what the knowledge base holds."""
    html = client.get(lang + url).get_data(as_text=True)
    note = re.search(r'<p class="sample-note">(.*?)</p>', html, re.S)
    assert note, url
    assert ("not the whole" if not lang else "并非") in note.group(1)
    assert f'href="{lang}/coverage"' in note.group(1)


def test_a_search_for_words_leaves_the_first_screen_to_its_results(client):
    """The note stands over browsing, and under the results of a search, not over them."""
    html = client.get("/search?q=oil").get_data(as_text=True)
    last_result = html.rindex('href="/measures/')
    assert html.index('class="sample-note"') > last_result
