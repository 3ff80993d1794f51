"""Search that understands the domain, shown through /api/search: each kind of query works."""

from __future__ import annotations

import pytest

from tests.helpers import ZHEJIANG_OIL
from tests.webhelpers import api_search as search

RCEP = "guangdong-rcep-paperless-origin-certificates"
LAOS = "china-laos-railway-multimodal-one-order-system"
YRD = "yangtze-river-delta-customs-special-goods-inspection-reform"
BEIJING = "beijing-export-credit-insurance-small-enterprises"
JIANGSU = "jiangsu-key-rd-and-technology-transfer-projects"


def first(client, q, **params) -> str:
    return search(client, q=q, **params)["results"][0]["id"]


@pytest.mark.parametrize("q,expected", [
    ("原产地", RCEP), ("中老铁路", LAOS), ("出口信用保险", BEIJING), ("长三角", YRD),
    ("白名单", "foreign-trade-investment-enterprise-white-list-service-ledger"),
])
def test_chinese_queries(client, q, expected):
    assert first(client, q) == expected


@pytest.mark.parametrize("q,expected", [("浙江 油", ZHEJIANG_OIL), ("RCEP 原产地", RCEP),
                                        ("Beijing 出口信用保险", BEIJING)])
def test_mixed_queries(client, q, expected):
    assert first(client, q) == expected


def test_chinese_matches_are_marked_in_snippets(client):
    hit = search(client, q="中老铁路")["results"][0]
    assert "<mark>" in hit["snippet"]


@pytest.mark.parametrize("q,expected", [
    ("RCEP", RCEP), ("Regional Comprehensive Economic Partnership", RCEP),
    ("YRD inspection", YRD), ("SME export insurance", BEIJING), ("R&D", JIANGSU),
    ("自贸区 RCEP", RCEP),
])
def test_acronyms_and_synonyms(client, q, expected):
    assert first(client, q) == expected


def test_a_synonym_that_helped_is_explained(client):
    data = search(client, q="YRD")
    hit = data["results"][0]
    assert hit["id"] == YRD
    assert any("as a synonym of 'YRD'" in line for line in hit["explanation"])
    # where the word itself matched, nothing needs explaining
    assert search(client, q="railway")["results"][0]["explanation"] == []


def test_explanation_shows_on_the_results_page(client):
    page = client.get("/search", query_string={"q": "YRD"}).get_data(as_text=True)
    assert "as a synonym of" in page


def test_typo_gets_a_suggestion_and_corrected_results(client):
    data = search(client, q="raliway")
    assert data["suggestion"] == "railway" and data["corrected_from"] == "raliway"
    assert data["results"][0]["id"] == LAOS
    # a misspelled word among correct ones: results and a suggestion for the whole query
    data = search(client, q="railway multimodl")
    assert data["suggestion"] == "railway multimodal"
    page = client.get("/search", query_string={"q": "railway multimodl"}).get_data(as_text=True)
    assert "Showing results for" in page and "railway multimodal" in page
    # the query found something, and one of its words has a likelier spelling
    data = search(client, q="railway OR multimodl")
    assert data["total"] == 1 and data["suggestion"] == "railway OR multimodal"
    assert data["corrected_from"] is None
    page = client.get("/search", query_string={"q": "railway OR multimodl"}).get_data(as_text=True)
    assert "Did you mean" in page and "railway OR multimodal" in page


@pytest.mark.parametrize("q,expected_ids", [
    ('"one order system"', {LAOS}),
    ("railway AND multimodal", {LAOS}),
    ("credit NOT tank", {BEIJING}),
    ("zone:zhejiang", {ZHEJIANG_OIL, "zhejiang-export-supervision-warehouse-multiple-functions"}),
    ("zone:浙江 tank", {ZHEJIANG_OIL, "zhejiang-export-supervision-warehouse-multiple-functions"}),
    ("pillar:logistics", {YRD, LAOS}),
    ("tag:rcep", {RCEP}),
])
def test_query_language(client, q, expected_ids):
    assert {r["id"] for r in search(client, q=q, per_page=100)["results"]} == expected_ids


def test_or_and_prefix(client):
    ids = {r["id"] for r in search(client, q="insurance OR railway")["results"]}
    assert ids == {BEIJING, LAOS}
    assert first(client, "multimod*") == LAOS


def test_malformed_syntax_degrades_to_words_with_a_note(client):
    data = search(client, q='"bonded oil')
    assert data["results"][0]["id"] == ZHEJIANG_OIL
    assert any("plain words" in note for note in data["notes"])


def test_titles_rank_above_bodies_and_snippets_escape(client):
    data = search(client, q="warehouse")
    assert data["results"][0]["id"] == "zhejiang-export-supervision-warehouse-multiple-functions"
    for hit in data["results"]:
        assert "<" not in hit["snippet"].replace("<mark>", "").replace("</mark>", "")
