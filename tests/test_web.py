"""The HTML site through Flask's test client: pages, facets, errors, escaping and headers."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from tests.helpers import SOURCE_ID, ZHEJIANG_OIL, ZONE_COUNT, edit
from tests.webhelpers import groups, links, fixture_records, text_of
from webapp import SECURITY_HEADERS, create_app
from webapp.rendering import render_markdown

RECORDS = fixture_records()
YANGTZE = "yangtze-river-delta-customs-special-goods-inspection-reform"
WHITE_LIST = "foreign-trade-investment-enterprise-white-list-service-ledger"

PAGES = [
    "/",
    "/search",
    "/search?q=oil",
    "/search?zone=zhejiang",
    "/search?q=保税",
    "/zones",
    "/zones/zhejiang",
    "/zones/hainan",  # a zone with no measures yet
    "/pillars",
    "/pillars/logistics",
    "/sources",
    "/nationwide",
    "/nationwide?field=human-resources&zone=tianjin&year=2017",
    "/nationwide/state-council-3",
    "/nationwide/mofcom-cases-6",
    "/coverage",
    f"/sources/{SOURCE_ID}",
    "/compare",
    "/compare?zone=zhejiang",
    "/compare?zone=zhejiang&zone=shanghai",
    "/compare?zone=zhejiang&zone=shanghai&zone=anhui",
    *(f"/measures/{measure_id}" for measure_id in RECORDS),
]


def ids_on(html: str) -> list[str]:
    """Measure ids linked from a page, in order, without repeats."""
    return list(dict.fromkeys(href.rsplit("/", 1)[-1] for href, _, _ in links(html)
                              if href.startswith("/measures/")))


def results_of(html: str) -> list[str]:
    return ids_on(html.split('<section class="results"', 1)[1])


def facet_link(html: str, param: str, value: str) -> str:
    """The facet sidebar link that adds or removes one zone or pillar and changes nothing else."""
    sidebar = html.split('<aside class="facets"', 1)[1].split("</aside>", 1)[0]
    current = set(_current_params(html).get(param, []))
    found = [href for href, _, attrs in links(sidebar) if attrs.get("data-facet") == param
             and set(parse_qs(urlsplit(href).query).get(param, [])) ^ current == {value}]
    assert len(found) == 1, f"no single {param} facet link for {value}"
    return found[0]


def _current_params(html: str) -> dict:
    """The filters the page's search form carries (its hidden inputs)."""
    form = html.split('<form class="big-search"', 1)[1].split("</form>", 1)[0]
    params: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form):
        params.setdefault(name, []).append(value)
    return params


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert '<html lang="en">' in html and "<main" in html
    assert "China FTZ Reform Measures" in html and "中国自贸试验区改革举措" in html
    # the CSP forbids inline script and style: the markup must not need them
    assert " style=" not in html and "<style" not in html and " onclick=" not in html
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts == [(' src="/static/live.js" defer', "")]


@pytest.mark.parametrize("url", [
    "/measures/no-such-measure",
    "/zones/atlantis",
    "/pillars/no-such-pillar",
    "/sources/no-such-source",
    "/measures/Zhejiang_Oil",        # outside [a-z0-9-]
    "/measures/a%20b",
    "/measures/..%2Fzones",
    "/no/such/page",
])
def test_unknown_ids_get_a_helpful_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    hrefs = {href for href, _, _ in links(html)}
    assert {"/search", "/zones", "/pillars"} <= hrefs
    assert 'name="q"' in html  # a search box to go on from


def test_404_search_box_is_prefilled_with_the_id_words(client):
    html = client.get("/measures/bonded-oil-tanks").get_data(as_text=True)
    assert re.search(r'<input id="q404"[^>]* value="bonded oil tanks"', html)


def test_home_shows_zones_pillars_figures_and_newest(client, kb):
    html = client.get("/").get_data(as_text=True)
    text = text_of(html)
    hrefs = {href for href, _, _ in links(html)}
    zones, pillars = kb.zones(), kb.pillars()
    assert len(zones) == ZONE_COUNT
    assert {f"/zones/{z['id']}" for z in zones} <= hrefs
    for pillar in pillars:
        assert f"/pillars/{pillar['id']}" in hrefs
        assert pillar["statement"] in text
    assert "Zhejiang 浙江 2" in text  # a zone with its measure count
    for figure in kb.source(SOURCE_ID)["figures"]:
        assert figure["label"] in text and str(figure["value"]) in text
    newest = html.split('id="newest-heading"', 1)[1]
    assert ids_on(newest) == [hit.id for hit in kb.measures()][:6]  # newest first


def test_search_highlights_and_counts(client):
    html = client.get("/search?q=bonded+oil+tank").get_data(as_text=True)
    assert results_of(html)[0] == ZHEJIANG_OIL
    assert "<mark>" in html
    assert re.search(r"\d+ measures? match", text_of(html))


def test_several_zone_parameters_mean_any_of_them(client):
    html = client.get("/search?zone=zhejiang&zone=tianjin").get_data(as_text=True)
    expected = {m for m, r in RECORDS.items() if {"zhejiang", "tianjin"} & set(r["zones"])}
    assert set(results_of(html)) == expected
    assert len(expected) == 4


def test_facets_narrow_combine_and_remove_one_by_one(client):
    start = client.get("/search?q=customs").get_data(as_text=True)
    everything = set(results_of(start))

    narrowed = client.get(facet_link(start, "zone", "shanghai")).get_data(as_text=True)
    in_shanghai = set(results_of(narrowed))
    assert in_shanghai and in_shanghai < everything
    assert all("shanghai" in RECORDS[m]["zones"] for m in in_shanghai)

    combined_url = facet_link(narrowed, "pillar", "logistics")
    query = parse_qs(urlsplit(combined_url).query)
    assert query == {"q": ["customs"], "zone": ["shanghai"], "pillar": ["logistics"]}
    combined = client.get(combined_url).get_data(as_text=True)
    assert set(results_of(combined)) == {m for m in in_shanghai
                                         if RECORDS[m]["pillar"] == "logistics"}

    # the "filters in use" list removes one filter and keeps the other and the query
    removals = {text: href for href, text, attrs in links(combined)
                if "remove-filter" in attrs.get("class", "")}
    assert set(removals) == {"Shanghai ×", "Logistics channels and services ×"}
    only_pillar = parse_qs(urlsplit(removals["Shanghai ×"]).query)
    assert only_pillar == {"q": ["customs"], "pillar": ["logistics"]}
    back = client.get(removals["Shanghai ×"]).get_data(as_text=True)
    assert set(results_of(back)) == {m for m in everything if RECORDS[m]["pillar"] == "logistics"}

    # a selected facet value links to the search without it
    assert parse_qs(urlsplit(facet_link(combined, "zone", "shanghai")).query) == only_pillar


def test_facet_counts_match_what_the_link_finds(client):
    html = client.get("/search").get_data(as_text=True)
    sidebar = html.split('<aside class="facets"', 1)[1].split("</aside>", 1)[0]
    rows = re.findall(r'<a href="([^"]+)" data-facet="zone"[^>]*>.*?</a>\s*<span class="count">(\d+)</span>',
                      sidebar, re.S)
    assert len(rows) >= 5
    for href, count in rows:
        page = client.get(href.replace("&amp;", "&")).get_data(as_text=True)
        assert len(results_of(page)) == int(count)


def test_unknown_zone_is_a_400_page_with_the_message(client):
    response = client.get("/search?q=oil&zone=zhejang")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is no zone 'zhejang'" in text_of(html)
    fixed = [href for href, text, _ in links(html) if text == "zhejiang"]
    assert fixed and parse_qs(urlsplit(fixed[0]).query) == {"q": ["oil"], "zone": ["zhejiang"]}


@pytest.mark.parametrize("url", ["/search?pillar=logistic", "/search?page=abc",
                                 "/search?page=0", "/search?q=" + "x" * 600])
def test_bad_search_input_is_a_400_page(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "text/html"


def test_did_you_mean_keeps_filters(client):
    html = client.get("/search?q=oill&zone=zhejiang").get_data(as_text=True)
    text = text_of(html)
    assert "Showing results for oil instead of oill" in text
    assert text.count("showing results for") + text.count("Showing results for") == 1
    target = [href for href, t, _ in links(html) if t == "oil"][0]
    assert parse_qs(urlsplit(target).query) == {"q": ["oil"], "zone": ["zhejiang"]}
    assert results_of(html)  # the corrected query's results are shown


def test_pagination_links_and_past_the_end(client):
    first = client.get("/search?per_page=5").get_data(as_text=True)
    assert len(results_of(first)) == 5
    next_link = [href for href, text, _ in links(first) if text.startswith("Next")]
    assert next_link and parse_qs(urlsplit(next_link[0]).query) == {"page": ["2"], "per_page": ["5"]}
    second = client.get(next_link[0]).get_data(as_text=True)
    assert len(results_of(second)) == 5 and not set(results_of(first)) & set(results_of(second))
    past = client.get("/search?page=50")
    assert past.status_code == 200 and results_of(past.get_data(as_text=True)) == []


def test_user_input_is_escaped(client):
    attack = "<script>alert(1)</script>"
    html = client.get("/search", query_string={"q": attack}).get_data(as_text=True)
    assert attack not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    html = client.get("/measures/x", query_string={"q": '"><img src=x onerror=alert(1)>'}).get_data(as_text=True)
    assert "onerror=alert(1)>" not in html


def test_measure_page(client):
    html = client.get(f"/measures/{YANGTZE}").get_data(as_text=True)
    record = RECORDS[YANGTZE]
    text = text_of(html)
    hrefs = {href for href, _, _ in links(html)}
    assert record["title"] in text and record["title_zh"] in text
    assert f'<p class="h1-alt"><span lang="zh-Hans">{record["title_zh"]}</span>' in html
    assert {"/zones/shanghai", "/zones/anhui", "/pillars/logistics", f"/sources/{SOURCE_ID}"} <= hrefs
    assert record["zones_note"] in text
    assert "<strong>" in html  # the body's Markdown is rendered
    quote = re.search(r"<blockquote[^>]*>(.*?)</blockquote>", html, re.S).group(1)
    assert text_of(quote) == " ".join(record["quote"].split())
    assert re.search(r'href="/measures/[a-z0-9-]+"', html.split('class="related"', 1)[1])


def test_tag_links_find_the_measure(client):
    html = client.get(f"/measures/{ZHEJIANG_OIL}").get_data(as_text=True)
    tag_links = {text: href for href, text, _ in links(html)
                 if parse_qs(urlsplit(href).query).get("q", [""])[0].startswith("tag:")}
    assert set(tag_links) == set(RECORDS[ZHEJIANG_OIL]["tags"])
    for tag in ("bonded", "保税"):
        found = client.get(tag_links[tag]).get_data(as_text=True)
        assert ZHEJIANG_OIL in results_of(found)


def test_zone_page_groups_measures_by_pillar(client):
    html = client.get("/zones/shanghai").get_data(as_text=True)
    text = text_of(html)
    assert "China (Shanghai) Pilot Free Trade Zone" in text and "中国（上海）自由贸易试验区" in text
    assert "2013" in text
    assert groups(html) == [
        ("Key industries 重点产业", ["shanghai-global-operator-plan"]),
        ("Logistics channels and services 物流通道和服务", [YANGTZE]),
    ]


def test_pillar_page_lists_each_measure_once_with_all_its_zones(client):
    html = client.get("/pillars/logistics").get_data(as_text=True)
    assert "The fourth is to facilitate the development of logistics channels" in text_of(html)
    expected = {m for m, r in RECORDS.items() if r["pillar"] == "logistics"}
    listed = ids_on(html.split('class="pillar-list"', 1)[1])
    assert sorted(listed) == sorted(expected)  # each once: the railway measure has six zones
    assert f"{len(expected)} measures" in text_of(html)
    laos = "china-laos-railway-multimodal-one-order-system"
    item = html.split(f'href="/measures/{laos}"', 1)[1].split("</li>", 1)[0]
    shown = [h.rsplit("/", 1)[-1] for h, _, _ in links(item) if h.startswith("/zones/")]
    assert shown == RECORDS[laos]["zones"]

    html = client.get("/pillars/precise-services").get_data(as_text=True)
    assert WHITE_LIST in ids_on(html) and "Zones not named" in text_of(html)


def test_source_page(client, kb):
    html = client.get(f"/sources/{SOURCE_ID}").get_data(as_text=True)
    text = text_of(html)
    source = kb.source(SOURCE_ID)
    assert source["title"] in text and source["publisher"] in text and source["note"] in text
    assert html.count("<tr id=\"figure-") == len(source["figures"])
    assert set(ids_on(html)) == set(RECORDS)  # every shipped record cites this source
    full_text = html.split('class="full-text"', 1)[1]
    assert full_text.count("<p>") > 3
    assert "1036.3 billion yuan" in text_of(full_text)


def assert_security_headers(response, what) -> None:
    """The headers every response carries, judged by what they say, not by their spelling."""
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (what, name)
    policy = {}
    for directive in response.headers["Content-Security-Policy"].split(";"):
        name, *sources = directive.split()
        policy[name] = sources
    script_src = policy.get("script-src", policy.get("default-src"))
    assert script_src and not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(script_src), what
    assert policy.get("frame-ancestors") == ["'none'"], what
    assert policy.get("object-src", policy.get("default-src")) in (["'self'"], ["'none'"]), what
    assert response.headers.get("X-Content-Type-Options") == "nosniff", what
    assert response.headers.get("Referrer-Policy") in ("no-referrer", "same-origin",
                                                       "strict-origin", "strict-origin-when-cross-origin"), what


@pytest.mark.parametrize("method, url, status", [
    ("get", "/", 200),                                   # HTML page
    ("get", "/search?q=oil", 200),
    ("get", "/api/zones", 200),                          # JSON
    ("get", "/api/search?q=oil", 200),
    ("get", "/search.json?zone=zhejiang", 200),          # exports and the feed
    ("get", "/search.csv?zone=zhejiang", 200),
    ("get", "/search.atom?zone=zhejiang", 200),
    ("get", "/static/style.css", 200),                   # static files
    ("get", "/static/live.js", 200),
    ("get", "/measures/nope", 404),                      # errors, as pages and as JSON
    ("get", "/api/nope", 404),
    ("get", "/static/nope.js", 404),
    ("get", "/search?zone=nope", 400),
    ("get", "/api/search?page=abc", 400),
    ("get", "/search.csv?q=" + "x" * 600, 400),
    ("post", "/search", 405),
    ("post", "/api/search", 405),
    ("delete", "/static/style.css", 405),
    ("get", "/compare?zone=a&zone=b&zone=c&zone=d", 400),
])
def test_security_headers_on_every_kind_of_response(client, method, url, status):
    with getattr(client, method)(url) as response:
        assert response.status_code == status
        assert_security_headers(response, url)


def test_security_headers_on_a_500(built_index, monkeypatch):
    app = create_app({"MEASURES_DIR": built_index["measures"], "INDEX_DIR": built_index["index"]})
    from webapp.kb import get_kb

    with app.app_context():
        kb = get_kb()

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(kb, "search", broken)
    monkeypatch.setattr(app.logger, "disabled", True)
    client = app.test_client()
    for url in ("/search?q=oil", "/api/search?q=oil", "/search.atom"):
        response = client.get(url)
        assert response.status_code == 500
        assert_security_headers(response, url)


def test_stylesheet_is_served_locally(client):
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<link rel="stylesheet" href="/static/style.css">', html)
    assert "http" not in re.findall(r'<link[^>]*>', html)[0]
    with client.get("/static/style.css") as css:
        assert css.status_code == 200 and "Noto Sans CJK SC" in css.get_data(as_text=True)


def test_a_failure_shows_a_plain_500_page_without_details(built_index, monkeypatch):
    app = create_app({"MEASURES_DIR": built_index["measures"], "INDEX_DIR": built_index["index"]})
    from webapp.kb import get_kb

    with app.app_context():
        kb = get_kb()

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(kb, "measure", broken)
    monkeypatch.setattr(app.logger, "disabled", True)  # keep the expected traceback out of the output
    client = app.test_client()
    page = client.get(f"/measures/{ZHEJIANG_OIL}")
    assert page.status_code == 500
    assert "secret internal detail" not in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)
    api = client.get(f"/api/measures/{ZHEJIANG_OIL}")
    assert api.status_code == 500 and set(api.get_json()) == {"error"}
    assert "secret" not in api.get_json()["error"]


def test_missing_index_is_built_at_first_use_when_asked(measures_copy, tmp_path):
    index = tmp_path / "index"
    app = create_app({"TESTING": True, "MEASURES_DIR": measures_copy, "INDEX_DIR": index,
                      "BUILD_IF_MISSING": True})
    assert app.test_client().get(f"/measures/{ZHEJIANG_OIL}").status_code == 200
    assert (index / "CURRENT").exists()


def test_missing_index_without_building_is_a_503(measures_copy, tmp_path):
    app = create_app({"TESTING": True, "MEASURES_DIR": measures_copy,
                      "INDEX_DIR": tmp_path / "index", "BUILD_IF_MISSING": False})
    page = app.test_client().get("/")
    assert page.status_code == 503
    assert str(tmp_path) not in page.get_data(as_text=True)
    assert app.test_client().get("/api/zones").status_code == 503


def test_a_newly_published_index_is_picked_up_without_restart(measures_copy, tmp_path, monkeypatch):
    from indexer.search import lifecycle
    from indexer.engine.build import build_index

    monkeypatch.setattr(lifecycle, "REFRESH_EVERY", 0.0)
    index = tmp_path / "index"
    build_index(measures_copy, index)
    client = create_app({"TESTING": True, "MEASURES_DIR": measures_copy,
                         "INDEX_DIR": index}).test_client()
    assert "Qiandao tank farm" not in client.get(f"/measures/{ZHEJIANG_OIL}").get_data(as_text=True)
    edit(measures_copy / f"{ZHEJIANG_OIL}.md", "so that both kinds", "at the Qiandao tank farm, so that both kinds")
    build_index(measures_copy, index, rebuild=True)
    assert "Qiandao tank farm" in client.get(f"/measures/{ZHEJIANG_OIL}").get_data(as_text=True)


# -- rendering --------------------------------------------------------------------------

@pytest.mark.parametrize("markdown, forbidden", [
    ("Hello <script>alert(1)</script> world", ["<script", "alert(1)"]),
    ('<img src="x" onerror="alert(1)">', ["onerror", "<img"]),
    ("[click](javascript:alert(1))", ["javascript:"]),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', ["javascript", "JaVaScRiPt"]),
    ('<p onclick="steal()">text</p>', ["onclick", "steal"]),
    ('<iframe src="https://evil.example"></iframe>', ["<iframe", "evil.example"]),
    ('<form action="/x"><input name="a"></form>', ["<form", "<input"]),
    ('<span style="color:red">x</span>', ["style="]),
    ("[data](data:text/html;base64,PHNjcmlwdD4=)", ["data:"]),
])
def test_sanitizer_strips_active_content(markdown, forbidden):
    html = str(render_markdown(markdown))
    for bad in forbidden:
        assert bad not in html


def test_sanitizer_keeps_the_allowed_markup():
    html = str(render_markdown(
        "## Heading\n\nSome **bold**, *em* and `code`.\n\n- one\n- two\n\n> quoted\n\n"
        "[site](https://example.org/a) [page](/zones/zhejiang)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"))
    for kept in ["<h2>Heading</h2>", "<strong>bold</strong>", "<em>em</em>", "<code>code</code>",
                 "<li>one</li>", "<blockquote>", "<table>", "<td>1</td>",
                 'href="https://example.org/a"', 'href="/zones/zhejiang"']:
        assert kept in html


# -- the serve command ----------------------------------------------------------------

def test_serve_help():
    from webapp.cli import main

    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--measures", "--index", "--workers", "--debug"):
        assert option in result.output


def test_serve_builds_a_missing_index_then_runs_without_debug(measures_copy, tmp_path, monkeypatch):
    import webapp.cli

    calls = []
    monkeypatch.setattr(webapp.cli, "_flask", lambda app, host, port, debug: calls.append(
        (app.config["INDEX_DIR"], host, port, debug, app.debug)))
    index = tmp_path / "index"
    result = CliRunner().invoke(webapp.cli.main, ["serve", "--measures", str(measures_copy),
                                                  "--index", str(index), "--port", "5099"])
    assert result.exit_code == 0, result.output
    assert "full build" in result.output
    assert calls == [(index, "127.0.0.1", 5099, False, False)]

    # fresh now: served without building again
    again = CliRunner().invoke(webapp.cli.main, ["serve", "--measures", str(measures_copy),
                                                 "--index", str(index)])
    assert again.exit_code == 0 and "build" not in again.output


def test_serve_with_workers_uses_gunicorn_on_the_factory(measures_copy, tmp_path, monkeypatch):
    import webapp.cli

    calls = []
    monkeypatch.setattr(webapp.cli, "_gunicorn",
                        lambda factory, options: calls.append((factory(), options)))
    result = CliRunner().invoke(webapp.cli.main, ["serve", "--measures", str(measures_copy),
                                                  "--index", str(tmp_path / "index"),
                                                  "--workers", "3"])
    assert result.exit_code == 0, result.output
    app, options = calls[0]
    assert options["workers"] == 3 and options["bind"] == "127.0.0.1:5000"
    assert app.config["MEASURES_DIR"] == measures_copy and not app.debug


def test_serve_refuses_debug_with_workers_and_invalid_records(measures_copy, tmp_path):
    from webapp.cli import main

    mixed = CliRunner().invoke(main, ["serve", "--debug", "--workers", "2"])
    assert mixed.exit_code == 2 and "--debug" in mixed.output
    edit(measures_copy / f"{ZHEJIANG_OIL}.md", "pillar: institutional-innovation", "pillar: nope")
    broken = CliRunner().invoke(main, ["serve", "--measures", str(measures_copy),
                                       "--index", str(tmp_path / "index")])
    assert broken.exit_code == 1 and "unknown pillar 'nope'" in broken.output


def test_browse_groups_show_the_newest_and_link_to_all(client, monkeypatch):
    from webapp import grouping

    monkeypatch.setattr(grouping, "GROUP_LIMIT", 1)
    page = client.get("/zones/zhejiang").get_data(as_text=True)
    assert "All 2 measures of Zhejiang under Institutional innovation" in page
    assert page.count('class="measure-item"') == 1
    monkeypatch.setattr(grouping, "LIST_LIMIT", 1)
    page = client.get("/pillars/precise-services").get_data(as_text=True)
    total = sum(r["pillar"] == "precise-services" for r in RECORDS.values())
    assert f"All {total} measures under Precise services" in page
    assert page.count('class="measure-item"') == 1
