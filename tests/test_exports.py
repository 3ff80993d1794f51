"""Exports and feeds through Flask's test client: /search.csv, /search.json and /search.atom."""

from __future__ import annotations

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers import ZHEJIANG_OIL, edit
from indexer.facets import FILTERS
from indexer.search.serialize import HIT_KEYS
from tests.conftest import SHIPPED
from tests.webhelpers import front_matter, links, fixture_records
from webapp import create_app

RECORDS = fixture_records()
ATOM = "{http://www.w3.org/2005/Atom}"
CSV_HEADER = ["id", "title", "title_zh", "zones", "pillar", "date", "status", "tags", "url",
              "source_id", "source_kind", "source_title", "source_publisher", "source_date",
              "source_original_url", "source_url", "quote", "see_also", "lineage", "body_zh",
              "matched_words", "near_in_meaning"]
SOURCES = {p.stem: front_matter(p) for p in (SHIPPED / "sources").glob("*.md")}


def ids_in(zone: str) -> set[str]:
    return {m for m, record in RECORDS.items() if zone in record["zones"]}


def csv_rows(response) -> list[dict]:
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark for spreadsheet programs"
    text = data.decode("utf-8")[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    assert next(reader) == CSV_HEADER
    return list(csv.DictReader(io.StringIO(text, newline="")))


# -- CSV ------------------------------------------------------------------------------------

def test_csv_of_a_zone_holds_exactly_its_measures(client):
    response = client.get("/search.csv?zone=zhejiang")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="ftz-measures-zhejiang.csv"'
    rows = csv_rows(response)
    assert {row["id"] for row in rows} == ids_in("zhejiang") and len(rows) == 2
    for row in rows:
        record = RECORDS[row["id"]]
        assert row["title"] == record["title"] and row["title_zh"] == record["title_zh"]
        assert row["zones"] == "zhejiang" and row["pillar"] == record["pillar"]
        assert row["date"] == record["date"].isoformat()
        assert row["tags"].split(";") == record["tags"]
        assert row["url"] == f"http://localhost/measures/{row['id']}"
        assert row["status"] == (record.get("status") or "")
        # the citation travels with the row
        source = SOURCES[record["source"]]
        assert row["source_id"] == record["source"] and row["source_kind"] == source["kind"]
        assert (row["source_title"], row["source_publisher"]) == (source["title"], source["publisher"])
        assert row["source_date"] == source["date"].isoformat()
        assert row["source_original_url"] == (source.get("url") or "")
        assert row["source_url"] == f"http://localhost/sources/{record['source']}"
        assert " ".join(row["quote"].split()) == " ".join((record.get("quote") or "").split())


def test_csv_joins_several_zones_with_semicolons_and_keeps_chinese(client):
    rows = {row["id"]: row for row in csv_rows(client.get("/search.csv"))}
    assert set(rows) == set(RECORDS)  # a browse: every measure, not one page
    laos = "china-laos-railway-multimodal-one-order-system"
    assert rows[laos]["zones"] == ";".join(RECORDS[laos]["zones"])
    assert rows[ZHEJIANG_OIL]["title_zh"] == RECORDS[ZHEJIANG_OIL]["title_zh"]
    assert rows["foreign-trade-investment-enterprise-white-list-service-ledger"]["zones"] == ""
    # RFC 4180 line ends
    assert b"\r\n" in client.get("/search.csv").get_data()


def test_csv_follows_the_search_parameters(client):
    search = client.get("/api/search?q=customs&pillar=logistics").get_json()
    rows = csv_rows(client.get("/search.csv?q=customs&pillar=logistics"))
    assert [row["id"] for row in rows] == [hit["id"] for hit in search["results"]]
    name = client.get("/search.csv?q=customs 海关&pillar=logistics").headers["Content-Disposition"]
    assert name == 'attachment; filename="ftz-measures-logistics-customs.csv"'


def test_exports_are_capped_and_say_so(built_index):
    app = create_app({"TESTING": True, "MEASURES_DIR": built_index["measures"],
                      "INDEX_DIR": built_index["index"], "EXPORT_LIMIT": 3})
    client = app.test_client()
    response = client.get("/search.csv")
    assert len(csv_rows(response)) == 3 and response.headers["X-Total-Count"] == str(len(RECORDS))
    data = client.get("/search.json").get_json()
    assert len(data["measures"]) == 3 and data["total"] == len(RECORDS) and data["truncated"]


def test_csv_cells_that_a_spreadsheet_would_run_are_defused():
    from webapp.exports import _cell

    assert _cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert _cell("@SUM(A1)") == "'@SUM(A1)" and _cell("+1") == "'+1"
    assert _cell(["a", "b"]) == "a;b" and _cell(None) == "" and _cell("保税") == "保税"


# -- JSON -----------------------------------------------------------------------------------

def test_json_export_shape(client):
    response = client.get("/search.json?zone=zhejiang&zone=tianjin&pillar=precise-services")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    # the query, then the filters by each facet's plural (facets.py), then the counts
    plurals = [f.plural for f in FILTERS]
    assert list(data)[:len(plurals) + 3] == ["query", *plurals, "total", "truncated"]
    assert data["zones"] == ["zhejiang", "tianjin"] and data["pillars"] == ["precise-services"]
    expected = {m for m, r in RECORDS.items()
                if {"zhejiang", "tianjin"} & set(r["zones"]) and r["pillar"] == "precise-services"}
    assert {m["id"] for m in data["measures"]} == expected and data["total"] == len(expected) == 2
    for measure in data["measures"]:
        assert tuple(measure) == HIT_KEYS  # a hit as /api/search describes it
        assert measure["source"]["title"] == SOURCES[RECORDS[measure["id"]]["source"]]["title"]
        assert measure["quote"] == RECORDS[measure["id"]].get("quote")
        assert measure["zones"] == RECORDS[measure["id"]]["zones"]  # lists, not joined
        assert measure["tags"] == RECORDS[measure["id"]]["tags"]
    assert "保税" in client.get("/search.json?q=保税").get_data(as_text=True)  # not \\u-escaped


@pytest.mark.parametrize("url", ["/search.json?zone=zhejang", "/search.json?page=x"])
def test_json_export_errors_are_json(client, url):
    response = client.get(url)
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert "error" in response.get_json()


def test_unknown_zone_in_a_csv_link_suggests_the_fixed_link(client):
    response = client.get("/search.csv?zone=zhejang")
    assert response.status_code == 400
    fixed = [href for href, text, _ in links(response.get_data(as_text=True)) if text == "zhejiang"]
    assert fixed and urlsplit(fixed[0]).path == "/search.csv"


# -- Atom -----------------------------------------------------------------------------------

def parse_atom(response) -> ET.Element:
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}") is not None and feed.find(f"{ATOM}{required}").text
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    rels = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert rels["self"].startswith("http://localhost/search.atom")
    for entry in feed.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated", "summary"):
            assert entry.find(f"{ATOM}{required}").text, required
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://localhost/measures/")
        assert entry.find(f"{ATOM}id").text.startswith("tag:")
    return feed


def instant(text: str) -> datetime.datetime:
    """An Atom date (RFC 3339: ``...Z`` or ``...+00:00`` name the same instant) as a datetime."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


# the date of the fixture records' source, at midnight UTC
FIXTURES_DATE = datetime.datetime(2023, 5, 11, tzinfo=datetime.timezone.utc)


def entry_ids(feed: ET.Element) -> list[str]:
    return [e.find(f"{ATOM}link").get("href").rsplit("/", 1)[-1] for e in feed.findall(f"{ATOM}entry")]


def test_atom_feed_of_a_zone_is_valid_and_complete(client):
    response = client.get("/search.atom?zone=zhejiang")
    feed = parse_atom(response)
    assert set(entry_ids(feed)) == ids_in("zhejiang")
    assert feed.find(f"{ATOM}title").text == "China FTZ Reform Measures: Zhejiang"
    assert instant(feed.find(f"{ATOM}updated").text) == FIXTURES_DATE
    assert feed.find(f"{ATOM}id").text == "tag:localhost,2023:search?zone=zhejiang"


def test_atom_feed_validates_with_feedparser(client):
    feedparser = pytest.importorskip("feedparser")
    for url in ("/search.atom", "/search.atom?q=保税 oil&zone=zhejiang", "/search.atom?q=nothingmatchesthis",
                "/search.atom?zone=zhejiang&lang=zh"):
        parsed = feedparser.parse(client.get(url).get_data())
        assert not parsed.bozo, (url, parsed.get("bozo_exception"))
        assert parsed.version == "atom10"
    parsed = feedparser.parse(client.get("/search.atom?zone=zhejiang").get_data())
    assert {e.link.rsplit("/", 1)[-1] for e in parsed.entries} == ids_in("zhejiang")


def test_atom_entries_are_newest_first_even_for_keyword_queries(measures_copy, tmp_path):
    from indexer.engine.build import build_index

    # the best match for the words is made the oldest measure
    edit(measures_copy / f"{ZHEJIANG_OIL}.md", "date: 2023-05-11", "date: 2021-03-01")
    build_index(measures_copy, tmp_path / "index")
    client = create_app({"TESTING": True, "MEASURES_DIR": measures_copy,
                         "INDEX_DIR": tmp_path / "index"}).test_client()
    ranked = [hit["id"] for hit in client.get("/api/search?q=bonded oil tank").get_json()["results"]]
    assert ranked[0] == ZHEJIANG_OIL and len(ranked) > 1
    feed = parse_atom(client.get("/search.atom?q=bonded oil tank"))
    updated = [instant(e.find(f"{ATOM}updated").text) for e in feed.findall(f"{ATOM}entry")]
    assert updated == sorted(updated, reverse=True)
    assert sorted(entry_ids(feed)) == sorted(ranked) and entry_ids(feed)[-1] == ZHEJIANG_OIL
    assert instant(feed.find(f"{ATOM}updated").text) == FIXTURES_DATE


def test_atom_escapes_what_it_quotes(client):
    feed = parse_atom(client.get("/search.atom", query_string={"q": "<b>&\"oil"}))
    assert feed.find(f"{ATOM}title").text.endswith("“<b>&\"oil”")


def test_empty_feed_is_still_valid(client):
    feed = parse_atom(client.get("/search.atom?q=nothingmatchesthis"))
    assert entry_ids(feed) == [] and instant(feed.find(f"{ATOM}updated").text) == FIXTURES_DATE


def test_feed_tag_authority_can_be_pinned(built_index):
    app = create_app({"TESTING": True, "MEASURES_DIR": built_index["measures"],
                      "INDEX_DIR": built_index["index"], "FEED_TAG_AUTHORITY": "ftz.example.org"})
    feed = parse_atom(app.test_client().get("/search.atom?pillar=logistics"))
    assert feed.find(f"{ATOM}id").text == "tag:ftz.example.org,2023:search?pillar=logistics"


# -- links to the exports from the pages ----------------------------------------------------

@pytest.mark.parametrize("page, expected", [
    ("/search?q=oil&zone=zhejiang&page=1&per_page=5", {"q": ["oil"], "zone": ["zhejiang"]}),
    ("/search", {}),
    ("/zones/zhejiang", {"zone": ["zhejiang"]}),
    ("/zones/hainan", {"zone": ["hainan"]}),
    ("/pillars/logistics", {"pillar": ["logistics"]}),
])
def test_results_and_zone_pages_link_their_feed_and_exports(client, page, expected):
    html = client.get(page).get_data(as_text=True)
    head = html.split("</head>", 1)[0]
    autodiscovery = [line for line in head.splitlines() if 'type="application/atom+xml"' in line]
    assert len(autodiscovery) == 1 and 'rel="alternate"' in autodiscovery[0]
    by_path = {urlsplit(href).path: href for href, _, _ in links(html)}
    for path in ("/search.atom", "/search.csv", "/search.json"):
        assert parse_qs(urlsplit(by_path[path]).query) == expected, path
        assert client.get(by_path[path].replace("&amp;", "&")).status_code == 200


# -- in the reader's language ---------------------------------------------------------------

ZONES = {z["id"]: z for z in __import__("yaml").safe_load(
    (SHIPPED / "zones.yaml").read_text(encoding="utf-8"))["zones"]}
PILLARS = {p["id"]: p for p in __import__("yaml").safe_load(
    (SHIPPED / "pillars.yaml").read_text(encoding="utf-8"))["pillars"]}


def test_a_chinese_page_takes_away_chinese_exports(client):
    # the CSV and the feed of a /zh/ page are in Chinese; the JSON stays one
    html = client.get("/zh/zones/zhejiang").get_data(as_text=True)
    by_path = {urlsplit(href).path: parse_qs(urlsplit(href.replace("&amp;", "&")).query)
               for href, _, _ in links(html)}
    assert by_path["/search.csv"] == {"zone": ["zhejiang"], "lang": ["zh"]}
    assert by_path["/search.atom"] == {"zone": ["zhejiang"], "lang": ["zh"]}
    assert by_path["/search.json"] == {"zone": ["zhejiang"]}
    english = client.get("/zones/zhejiang").get_data(as_text=True)
    assert "lang=zh" not in english


def test_a_chinese_csv_is_headed_named_and_linked_in_chinese(client):
    data = client.get("/search.csv?zone=zhejiang&lang=zh").get_data().decode("utf-8")
    assert data.startswith("\ufeff编号,英文标题,中文标题,自贸试验区,方面,日期,状态,")
    rows = list(csv.reader(io.StringIO(data[1:], newline="")))
    header, body = rows[0], [dict(zip(CSV_HEADER, row)) for row in rows[1:]]
    assert len(header) == len(CSV_HEADER) and {r["id"] for r in body} == ids_in("zhejiang")
    for row in body:
        record = RECORDS[row["id"]]
        assert row["zones"].split(";") == [ZONES[z]["short_zh"] for z in record["zones"]]
        assert row["pillar"] == PILLARS[record["pillar"]]["name_zh"]
        assert row["url"] == f"http://localhost/zh/measures/{row['id']}"
        assert row["source_url"].startswith("http://localhost/zh/sources/")
        source = SOURCES[record["source"]]
        assert row["source_title"] == (source.get("title_zh") or source["title"])
        assert row["source_publisher"] == source["publisher_zh"]
        assert row["status"] in ("", "试点", "复制推广", "全国复制推广")
        assert "national" not in row["lineage"] and "province" not in row["lineage"]
    # a source's kind is named as the Chinese page's facet panel names it, not in other words
    page = client.get("/zh/search?zone=zhejiang").get_data(as_text=True)
    assert {r["source_kind"] for r in body} and all(r["source_kind"] in page for r in body)
    # the English CSV of the same search is as it was
    assert csv_rows(client.get("/search.csv?zone=zhejiang"))[0]["zones"] == "zhejiang"


def test_a_chinese_feed_is_in_chinese(client):
    response = client.get("/search.atom?zone=zhejiang&q=保税&lang=zh")
    feed = ET.fromstring(response.get_data())
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-Hans"
    assert feed.find(f"{ATOM}title").text == "中国自贸试验区改革举措：浙江 · “保税”"
    alternate = feed.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert alternate.startswith("http://localhost/zh/search?")
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        measure_id = entry.find(f"{ATOM}link").get("href").rsplit("/", 1)[-1]
        assert entry.find(f"{ATOM}title").text == RECORDS[measure_id]["title_zh"]
        assert entry.find(f"{ATOM}link").get("href").startswith("http://localhost/zh/measures/")
        assert "自贸试验区：浙江" in entry.find(f"{ATOM}summary").text
        assert RECORDS[measure_id]["title"] not in entry.find(f"{ATOM}summary").text
    english = ET.fromstring(client.get("/search.atom?zone=zhejiang&q=保税").get_data())
    assert english.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SITE = {"en": "China FTZ Reform Measures", "zh": "中国自贸试验区改革举措"}


def record_instant(record: dict) -> datetime.datetime:
    date = datetime.date.fromisoformat(str(record["date"]))
    return datetime.datetime(date.year, date.month, date.day, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_feed_carries_each_fact_of_its_search_and_measures(client, lang):
    chinese = lang == "zh"
    own, prefix = ("&lang=zh", "/zh") if chinese else ("", "")
    api = client.get("/api/search?q=customs&per_page=50").get_json()["results"]
    matched = {hit["id"]: hit["matched_words"] for hit in api}
    response = client.get(f"/search.atom?q=customs{own}")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())

    assert feed.get(XML_LANG) == ("zh-Hans" if chinese else "en")
    assert feed.find(f"{ATOM}id").text == "tag:localhost,2023:search?q=customs"
    links_of = {(link.get("rel"), link.get("type")): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links_of == {("self", "application/atom+xml"): f"http://localhost/search.atom?q=customs{own}",
                        ("alternate", "text/html"): f"http://localhost{prefix}/search?q=customs"}
    assert feed.find(f"{ATOM}author/{ATOM}name").text == SITE[lang]
    assert feed.find(f"{ATOM}author/{ATOM}uri").text == f"http://localhost{prefix}/"
    assert feed.find(f"{ATOM}generator").text == SITE["en"]
    entries = feed.findall(f"{ATOM}entry")
    assert {e.find(f"{ATOM}link").get("href").rsplit("/", 1)[-1] for e in entries} == set(matched)
    assert instant(feed.find(f"{ATOM}updated").text) == max(
        record_instant(RECORDS[m]) for m in matched)

    multi_zone = 0
    for entry in entries:
        (link,) = entry.findall(f"{ATOM}link")
        measure_id = link.get("href").rsplit("/", 1)[-1]
        record = RECORDS[measure_id]
        assert (link.get("rel"), link.get("type"), link.get("href")) == (
            "alternate", "text/html", f"http://localhost{prefix}/measures/{measure_id}")
        assert entry.find(f"{ATOM}id").text == f"tag:localhost,2023:measures/{measure_id}"
        assert entry.find(f"{ATOM}title").text == (record["title_zh"] if chinese else record["title"])
        assert (instant(entry.find(f"{ATOM}updated").text) == instant(entry.find(f"{ATOM}published").text)
                == record_instant(record))
        zone_names = [ZONES[z]["short_zh" if chinese else "short"] for z in record["zones"]]
        pillar_name = PILLARS[record["pillar"]]["name_zh" if chinese else "name"]
        assert {(c.get("term"), c.get("label"), c.get("scheme")) for c in entry.findall(f"{ATOM}category")} == {
            (record["pillar"], pillar_name, "http://localhost/pillars"),
            *((z, name, "http://localhost/zones") for z, name in zip(record["zones"], zone_names))}
        summary = entry.find(f"{ATOM}summary")
        assert summary.get("type") == "text"
        assert all(name in summary.text for name in zone_names) and pillar_name in summary.text
        assert (record["title_zh"] in summary.text) != chinese  # the other title, in an English feed only
        assert summary.text.endswith(("匹配：" if chinese else "Matches: ") + ("、" if chinese else ", ").join(
            matched[measure_id]))
        multi_zone += len(record["zones"]) > 1
    assert multi_zone  # a measure of several zones is among them, each zone a category


def test_a_feed_says_what_it_follows_when_a_word_is_left_out(client):
    api = client.get("/api/search?q=oil quantum").get_json()
    english = ET.fromstring(client.get("/search.atom?q=oil quantum").get_data())
    subtitle = english.find(f"{ATOM}subtitle").text
    assert api["notes"] and all(note in subtitle for note in api["notes"])
    assert entry_ids(english) and set(entry_ids(english)) == {hit["id"] for hit in api["results"]}
    chinese = ET.fromstring(client.get("/search.atom?q=oil quantum&lang=zh").get_data())
    subtitle = chinese.find(f"{ATOM}subtitle").text
    assert "没有举措提到“quantum”" in subtitle and "No measure mentions" not in subtitle


def test_the_api_names_zones_pillars_and_statuses_in_the_language_asked(client):
    hits = client.get("/api/search?zone=zhejiang&lang=zh").get_json()["results"]
    for hit in hits:
        assert hit["labels"]["zones"] == [ZONES[z]["short_zh"] for z in hit["zones"]]
        assert hit["labels"]["pillar"] == PILLARS[hit["pillar"]]["name_zh"]
    measure = client.get(f"/api/measures/{ZHEJIANG_OIL}?lang=zh").get_json()
    assert measure["labels"]["zones"] == ["浙江"]
    assert "labels" not in client.get("/api/search?zone=zhejiang").get_json()["results"][0]
    refused = client.get("/api/search?lang=fr")
    assert refused.status_code == 400 and refused.get_json()["error"] == "lang must be en or zh"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_feeds_title_names_every_filter_of_the_registry(client, kb, lang):
    # each filter facet (indexer/facets.py), a year among them, named in the feed's title
    def title(**args):
        feed = ET.fromstring(client.get("/search.atom", query_string={**args, "lang": lang})
                             .get_data())
        return feed.find(f"{ATOM}title").text

    choices = kb.facet_choices()
    for facet in FILTERS:
        choice = choices[facet.key][0]
        name = choice["name_zh"] if lang == "zh" and choice["name_zh"] else choice["name"]
        said = title(**{facet.key: choice["id"]})
        assert said != title() and name in said, (facet.key, said)
        if choice["name"] == choice["id"]:  # a value that is its own name says its facet too
            assert said.endswith(("年份 " if lang == "zh" else f"{facet.noun} ") + choice["id"])
    everything = title(q="oil", **{f.key: choices[f.key][0]["id"] for f in FILTERS})
    assert everything.count(" · ") == len(FILTERS) and everything.endswith("“oil”")


def test_the_export_columns_are_the_schemas_fields():
    """A hit's keys and the CSV's columns are the record schema's Measure fields (but those
    only a measure's page shows), in its order, with what an export adds: a field added to
    the schema is exported with no edit here but its Chinese column head."""
    from indexer.records.schema import Measure, name_zh, not_shown, shown
    from indexer.search import serialize
    from webapp.exports import CSV_COLUMNS
    from webapp.labels import CSV_HEADERS_ZH

    listed = not_shown(Measure, "page")
    assert [k for k in HIT_KEYS if k in Measure.model_fields] == list(listed)
    assert serialize.MEASURE_EXTRA_KEYS == shown(Measure, "page")
    assert [c for c in CSV_COLUMNS if c in Measure.model_fields] == [k for k in listed if k != "source"]
    assert list(CSV_COLUMNS) == CSV_HEADER
    # every column's Chinese head: a record field's from the schema (schema.zh), one apart
    headers = [CSV_HEADERS_ZH[c] for c in CSV_COLUMNS]
    assert [h for h in headers if not re.search(r"[\u4e00-\u9fff]", h)] == []
    assert len(set(headers)) == len(headers)
    assert CSV_HEADERS_ZH["title_zh"] == name_zh(Measure, "title_zh") == "中文标题"
