"""The JSON API: shapes, filters, paging limits, errors as JSON, and its OpenAPI description."""

from __future__ import annotations

import json
import re

import pytest

from indexer.facets import FILTER_KINDS
from tests.helpers import SOURCE_ID, ZHEJIANG_OIL, ZONE_COUNT
from tests.webhelpers import fixture_records

RECORDS = fixture_records()
HIT_KEYS = {"id", "title", "title_zh", "zones", "pillar", "date", "url", "snippet"}


def get(client, url, **params):
    response = client.get(url, query_string=params or None)
    assert response.mimetype == "application/json", (url, response.status_code)
    return response.status_code, response.get_json()


def test_zone_filter_returns_exactly_that_zones_records(client):
    status, data = get(client, "/api/search", zone="zhejiang")
    assert status == 200
    expected = {m for m, record in RECORDS.items() if "zhejiang" in record["zones"]}
    assert expected and {hit["id"] for hit in data["results"]} == expected
    assert data["total"] == len(expected)


def test_search_shape(client):
    status, data = get(client, "/api/search", q="customs clearance")
    assert status == 200
    assert {"query", "total", "page", "per_page", "results", "facets", "suggestion"} <= set(data)
    assert data["query"] == "customs clearance"
    assert isinstance(data["total"], int) and data["total"] == len(data["results"]) > 0
    assert (data["page"], data["per_page"]) == (1, 20)
    for hit in data["results"]:
        assert set(hit) >= HIT_KEYS
        assert all(isinstance(hit[k], str) for k in ("id", "title", "title_zh", "pillar", "date", "snippet"))
        assert isinstance(hit["zones"], list)
        assert hit["zones"] == RECORDS[hit["id"]]["zones"]
        assert hit["pillar"] == RECORDS[hit["id"]]["pillar"]
        assert hit["date"] == RECORDS[hit["id"]]["date"].isoformat()
        assert hit["url"] == f"/measures/{hit['id']}"
        assert client.get(hit["url"]).status_code == 200
    assert any("<mark>" in hit["snippet"] for hit in data["results"])
    assert set(data["facets"]) == set(FILTER_KINDS)  # a count per filter facet (facets.py)
    assert len(data["facets"]["zone"]) == ZONE_COUNT and len(data["facets"]["pillar"]) == 4
    assert all(isinstance(n, int) for n in data["facets"]["zone"].values())


def test_empty_query_browses_everything_newest_first(client):
    status, data = get(client, "/api/search")
    assert status == 200 and data["total"] == len(RECORDS)
    dates = [hit["date"] for hit in data["results"]]
    assert dates == sorted(dates, reverse=True)


def test_several_zones_mean_any_and_combine_with_pillar_by_and(client):
    _, data = get(client, "/api/search?zone=shanghai&zone=tianjin")
    expected = {m for m, r in RECORDS.items() if {"shanghai", "tianjin"} & set(r["zones"])}
    assert {hit["id"] for hit in data["results"]} == expected
    _, data = get(client, "/api/search?zone=shanghai&zone=tianjin&pillar=logistics")
    assert {hit["id"] for hit in data["results"]} == {
        m for m in expected if RECORDS[m]["pillar"] == "logistics"}
    # disjunctive facets: zone counts ignore the zone filter, so other zones stay reachable
    assert data["facets"]["zone"]["anhui"] == 1
    assert data["facets"]["pillar"]["precise-services"] == 2


def test_per_page_default_and_limits(client):
    _, data = get(client, "/api/search")
    assert data["per_page"] == 20 and len(data["results"]) == min(20, len(RECORDS))
    status, data = get(client, "/api/search", per_page=100)
    assert status == 200 and data["per_page"] == 100
    status, data = get(client, "/api/search", per_page=5, page=2)
    assert status == 200 and len(data["results"]) == 5 and data["page"] == 2


@pytest.mark.parametrize("params", [
    {"per_page": "101"}, {"per_page": "0"}, {"per_page": "abc"}, {"per_page": "-1"},
    {"per_page": "1.5"}, {"page": "0"}, {"page": "-3"}, {"page": "abc"},
])
def test_bad_paging_is_a_400_with_a_message(client, params):
    status, data = get(client, "/api/search", **params)
    assert status == 400
    assert set(data) == {"error"} and data["error"]


def test_empty_paging_values_mean_the_defaults(client):
    status, data = get(client, "/api/search?page=&per_page=")
    assert status == 200 and (data["page"], data["per_page"]) == (1, 20)


def test_page_past_the_end_is_empty_not_an_error(client):
    for page in (2, 99, 10**15):
        status, data = get(client, "/api/search", page=page)
        assert status == 200
        assert data["results"] == [] and data["total"] == len(RECORDS) and data["page"] == page


@pytest.mark.parametrize("kind, value, suggestion", [
    ("zone", "zhejang", "zhejiang"), ("pillar", "logistic", "logistics"), ("zone", "mars", None),
])
def test_unknown_filters_are_400_json(client, kind, value, suggestion):
    status, data = get(client, "/api/search", **{kind: value})
    assert status == 400
    assert value in data["error"]
    assert data["suggestion"] == suggestion


def test_misspelling_is_suggested_and_corrected(client):
    _, data = get(client, "/api/search", q="oill")
    assert data["suggestion"] == "oil" and data["corrected_from"] == "oill"
    assert ZHEJIANG_OIL in {hit["id"] for hit in data["results"]}


@pytest.mark.parametrize("q", ['"unbalanced', "AND OR NOT", "*", "zone:", "tag:", "((", "\x00",
                               "<script>", "保税 AND", "title:oil^"])
def test_odd_queries_never_fail(client, q):
    status, data = get(client, "/api/search", q=q)
    assert status == 200 and isinstance(data["results"], list)


def test_too_long_query_is_a_400(client):
    status, data = get(client, "/api/search", q="tank " * 200)
    assert status == 400 and "error" in data


def test_measure_is_the_whole_record_with_html_and_source(client, kb):
    status, data = get(client, f"/api/measures/{ZHEJIANG_OIL}")
    assert status == 200
    record = kb.measure(ZHEJIANG_OIL)
    for key in ("id", "title", "title_zh", "zones", "zones_note", "pillar", "date", "status",
                "tags", "quote", "body"):
        assert data[key] == record[key]
    assert data["url"] == f"/measures/{ZHEJIANG_OIL}"
    assert data["body_html"].startswith("<p>") and "<strong>" in data["body_html"]
    source = data["source"]
    assert source["id"] == SOURCE_ID and source["url"] == f"/sources/{SOURCE_ID}"
    assert source["title"] and source["publisher"] and source["figures"]


@pytest.mark.parametrize("url", ["/api/measures/no-such-measure", "/api/measures/BAD_ID",
                                 "/api/nope", "/api/zones/extra", "/api"])
def test_unknown_things_are_404_json(client, url):
    status, data = get(client, url)
    assert status == 404 and set(data) == {"error"}


def test_wrong_method_is_405_json(client):
    response = client.post("/api/search")
    assert response.status_code == 405
    assert response.get_json() == {"error": response.get_json()["error"]}
    assert "GET" in response.headers["Allow"]


def test_zones(client):
    status, data = get(client, "/api/zones")
    assert status == 200 and len(data["zones"]) == ZONE_COUNT
    zones = {z["id"]: z for z in data["zones"]}
    for zone in data["zones"]:
        assert {"id", "name", "name_zh", "established", "count"} <= set(zone)
        assert isinstance(zone["established"], int) and isinstance(zone["count"], int)
    assert data["zones"][0]["id"] == "shanghai" and zones["shanghai"]["established"] == 2013
    for zone_id, zone in zones.items():
        assert zone["count"] == sum(zone_id in r["zones"] for r in RECORDS.values())


def test_pillars(client):
    status, data = get(client, "/api/pillars")
    assert status == 200
    assert [p["id"] for p in data["pillars"]] == [
        "institutional-innovation", "key-industries", "precise-services", "logistics"]
    for pillar in data["pillars"]:
        assert {"id", "name", "name_zh", "statement", "count"} <= set(pillar)
        assert pillar["count"] == sum(r["pillar"] == pillar["id"] for r in RECORDS.values())


def test_openapi_describes_every_api_route(client, app):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    doc = json.loads(response.get_data(as_text=True))
    assert doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) == {"/api/search", "/api/measures/{id}", "/api/zones", "/api/pillars",
                                 "/api/batches", "/api/batches/{id}", "/api/openapi.json"}
    routes = {re.sub(r"<id:\w+>", "{id}", rule.rule) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/")}
    assert routes == set(doc["paths"])
    operations = [op for item in doc["paths"].values() for op in item.values()]
    assert len({op["operationId"] for op in operations}) == len(operations) == len(routes)
    assert all(op["summary"] for op in operations)
    search_params = {p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert search_params == {"q", *FILTER_KINDS, "page", "per_page", "lang"}

    # every $ref points at a schema that exists
    refs = set()

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                refs.add(node["$ref"].rsplit("/", 1)[-1])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    assert refs and refs <= set(doc["components"]["schemas"])


def test_openapi_schema_lists_the_keys_the_api_returns(client):
    doc = client.get("/api/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    _, search = get(client, "/api/search", q="oil")
    assert set(search) <= set(schemas["SearchResult"]["properties"])
    assert set(search["results"][0]) <= set(schemas["Hit"]["properties"])
    _, measure = get(client, f"/api/measures/{ZHEJIANG_OIL}")
    assert set(schemas["Measure"]["required"]) <= set(measure)
    assert set(measure) <= set(schemas["Measure"]["properties"])
    _, zones = get(client, "/api/zones")
    assert set(zones["zones"][0]) <= set(schemas["ZoneList"]["properties"]["zones"]["items"]["properties"])


def test_the_openapi_paths_are_the_routes(app):
    """The document is generated from the app's routes: the module-level one (the API
    blueprint alone) is the served one's, and a view under /api/ that declares no operation
    cannot be served undescribed (the document refuses to build)."""
    from flask import Blueprint

    from tests.webhelpers import api_document
    from webapp import create_app
    from webapp.openapi import document

    OPENAPI = api_document()
    assert document(app)["paths"] == OPENAPI["paths"]
    assert [p["name"] for p in OPENAPI["paths"]["/api/measures/{id}"]["get"]["parameters"]] == [
        "id", "lang"]
    extra = Blueprint("extra", __name__)

    @extra.get("/undescribed")
    def undescribed():
        """A view nobody declared."""
        return {}

    bigger = create_app({"TESTING": True, "MEASURES_DIR": app.config["MEASURES_DIR"],
                         "INDEX_DIR": app.config["INDEX_DIR"]})
    bigger.register_blueprint(extra, url_prefix="/api")
    with pytest.raises(LookupError, match="/api/undescribed"):
        document(bigger)
