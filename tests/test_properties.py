"""Property-based tests: generated queries and parameters never break the facade or the API.

The facade returns a SearchResult or raises one of the knowledge base's own errors (FtzError);
the API answers every request below 500 with JSON holding a result or an "error"; snippets
are escaped text with nothing but <mark> in them.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.errors import FtzError
from indexer.search import MAX_PER_PAGE, MAX_QUERY_LENGTH, SearchResult
from tests.conftest import SHIPPED
from tests.webhelpers import active_content
from tests.helpers import examples

ZONE_IDS = [z["id"] for z in yaml.safe_load((SHIPPED / "zones.yaml").read_text(encoding="utf-8"))["zones"]]
PILLAR_IDS = [p["id"] for p in yaml.safe_load((SHIPPED / "pillars.yaml").read_text(encoding="utf-8"))["pillars"]]
RESULT_KEYS = {"query", "total", "page", "per_page", "results", "facets", "suggestion",
               "corrected_from", "notes"}

# No example database (nothing written into the checkout); no deadline (the first search of
# a process warms caches); fixtures are read-only, so sharing them across examples is fine.
SETTINGS = dict(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

SYNTAX = '"()*:[]{}^~?\\+-!&|/'
WORDS = ["oil", "tank", "bonded", "customs", "rcep", "railway", "logistics", "zone", "tag",
         "title", "pillar", "status", "AND", "OR", "NOT", "TO", "保税", "油品", "自贸区",
         "中老铁路", "原产地", "浙江", "zone:zhejiang", "tag:rcep", "pillar:logistics",
         "title:oil", "status:piloted", "<b>", "<script>alert(1)</script>", "&lt;", "&amp;",
         '"><img src=x onerror=alert(1)>', "javascript:alert(1)", "'; DROP TABLE measures; --"]

# any character at all, lone surrogates and control characters included
any_char = st.characters(exclude_categories=())
chinese = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
syntax_char = st.sampled_from(SYNTAX)
piece = st.one_of(
    st.sampled_from(WORDS),
    st.text(st.one_of(any_char, chinese, syntax_char, st.sampled_from("ab ")), max_size=12),
)
queries = st.one_of(
    st.lists(piece, max_size=8).map(" ".join),
    st.text(any_char, max_size=40),
    st.text(st.one_of(syntax_char, st.just(" "), st.just("a")), max_size=20),
    st.text(st.sampled_from("ab 保"), min_size=MAX_QUERY_LENGTH - 2, max_size=MAX_QUERY_LENGTH + 5),
)
filter_values = st.one_of(st.sampled_from(ZONE_IDS + PILLAR_IDS), st.text(max_size=10))
zone_lists = st.lists(st.one_of(st.sampled_from(ZONE_IDS), filter_values), max_size=3)
pillar_lists = st.lists(st.one_of(st.sampled_from(PILLAR_IDS), filter_values), max_size=2)
pages = st.one_of(st.integers(min_value=-3, max_value=5), st.integers(min_value=-10**20, max_value=10**20))
per_pages = st.one_of(st.integers(min_value=-3, max_value=MAX_PER_PAGE + 3), st.integers())


def assert_safe_snippet(snippet: str) -> None:
    assert "<" not in re.sub(r"</?mark>", "", snippet), snippet
    assert ">" not in re.sub(r"</?mark>", "", snippet), snippet


@settings(max_examples=examples(400), **SETTINGS)
@given(query=queries, zones=zone_lists, pillars=pillar_lists, page=pages, per_page=per_pages)
def test_facade_returns_a_result_or_its_own_error(kb, query, zones, pillars, page, per_page):
    try:
        result = kb.search(query, zones=zones, pillars=pillars, page=page, per_page=per_page)
    except FtzError:
        return
    assert isinstance(result, SearchResult)
    assert 1 <= result.per_page <= MAX_PER_PAGE and result.page >= 1
    assert len(result.hits) <= result.per_page and result.total >= len(result.hits)
    for hit in result.hits:
        assert_safe_snippet(hit.snippet)
    assert all(isinstance(note, str) for note in result.notes)


@settings(max_examples=examples(100), **SETTINGS)
@given(query=queries, zones=zone_lists, pillars=pillar_lists)
def test_facade_export_returns_a_result_or_its_own_error(kb, query, zones, pillars):
    try:
        result = kb.export(query, zones=zones, pillars=pillars, limit=50)
    except FtzError:
        return
    assert isinstance(result, SearchResult) and len(result.hits) <= 50


def _encoded(value) -> str:
    """A str percent-encoded as UTF-8, or bytes as they are (invalid UTF-8 included)."""
    return quote(value, safe="") if isinstance(value, (str, bytes)) else str(value)


url_text = st.text(st.characters(codec="utf-8"), max_size=30)  # what a URL carries as UTF-8
url_values = st.one_of(url_text, st.binary(max_size=12))
url_queries = st.one_of(queries.map(lambda s: s.encode("utf-8", "surrogatepass")), url_values)
url_numbers = st.one_of(pages, per_pages, url_values, st.sampled_from(["", "1e9", "0x10", "１２"]))


@st.composite
def query_strings(draw) -> str:
    params = [("q", draw(url_queries))]
    params += [("zone", z) for z in draw(st.lists(st.one_of(st.sampled_from(ZONE_IDS), url_values), max_size=3))]
    params += [("pillar", p) for p in draw(st.lists(st.one_of(st.sampled_from(PILLAR_IDS), url_values), max_size=2))]
    for name in ("page", "per_page"):
        if draw(st.booleans()):
            params.append((name, draw(url_numbers)))
    return "&".join(f"{name}={_encoded(value)}" for name, value in draw(st.permutations(params)))


@settings(max_examples=examples(200), **SETTINGS)
@given(query_string=query_strings())
def test_api_search_answers_json_below_500(client, query_string):
    response = client.get(f"/api/search?{query_string}")
    assert response.status_code < 500, (query_string, response.status_code)
    assert response.mimetype == "application/json"
    data = json.loads(response.get_data())
    if response.status_code == 200:
        assert RESULT_KEYS <= set(data)
        assert isinstance(data["results"], list) and len(data["results"]) <= data["per_page"]
        for hit in data["results"]:
            assert_safe_snippet(hit["snippet"])
    else:
        assert response.status_code in (400, 404)
        assert isinstance(data["error"], str) and data["error"]


@settings(max_examples=examples(60), **SETTINGS)
@given(query_string=query_strings())
def test_search_page_answers_below_500_and_echoes_only_text(client, query_string):
    response = client.get(f"/search?{query_string}")
    assert response.status_code in (200, 400), (query_string, response.status_code)
    html = response.get_data(as_text=True)
    assert active_content(html) == []
    assert "\x00" not in html
