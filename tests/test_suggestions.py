"""Suggestions only when they help (issue 13, item 1), through /api/search and the pages.

A known word is never "corrected": a zone's name in any form (ids, short and full names in
both languages, the places of places.yaml), a field name, a synonym or glossary term. A
suggestion is close for the word's length and finds something. A query naming a zone with no
measures says so and links the zone's page. The fixture records name 8 of the 22 zones, so
Hainan, Henan, Hebei, Hubei and the others have no records here.
"""

from __future__ import annotations

import pytest

from indexer.query.spelling import edits, max_edits
from tests.webhelpers import api_search as search, links, text_of

LAOS = "china-laos-railway-multimodal-one-order-system"


@pytest.mark.parametrize("q", [
    "Hainan", "Henan", "Hebei", "Hubei", "hainan", "HENAN",  # short names, any case
    "海南", "河南",  # Chinese short names
    "China (Hainan) Pilot Free Trade Zone", "中国（河南）自由贸易试验区",  # full names
    "Zhengzhou", "Kaifeng", "Wuhan", "Xiong'an", "Yangpu", "洋浦",  # places in those zones
    "title", "pillar", "scope",  # field names typed as words
    "bunkering", "smelting", "coffee", "free trade port", "outer anchorage",  # glossary
    "cbec", "ndrc",  # acronyms of synonyms.yaml
])
def test_a_known_word_is_never_corrected(client, q):
    data = search(client, q=q)
    assert data["suggestion"] is None and data["corrected_from"] is None, data
    assert "hunan" not in " ".join(data["notes"]).lower()


def test_the_issues_false_corrections_are_gone(client):
    for q, wrong in (("Hainan", "hunan"), ("Henan", "hunan"), ("rails", "calls"),
                     ("title:", "time")):
        data = search(client, q=q)
        assert data["suggestion"] != wrong and data["corrected_from"] is None, (q, data)
        assert all(LAOS != hit["id"] for hit in data["results"]) or q == "rails"


@pytest.mark.parametrize("word, allowed", [("oil", 0), ("oill", 1), ("railwya", 1),
                                           ("multimodl", 2), ("certficte", 2)])
def test_a_correction_is_close_for_the_words_length(word, allowed):
    assert max_edits(word) == allowed


def test_edits_count_a_swap_as_one():
    assert edits("tnak", "tank") == 1 and edits("rails", "calls") == 2
    assert edits("hainan", "hunan") == 2 and edits("henan", "hunan") == 1


def test_corrections_that_help_are_still_made(client):
    data = search(client, q="raliway")  # a swap: one edit in seven letters
    assert data["corrected_from"] == "raliway" and data["results"][0]["id"] == LAOS
    data = search(client, q="certficte of origin")  # two edits in nine letters
    assert data["suggestion"] == "certificate of origin"
    assert data["results"][0]["id"] == "guangdong-rcep-paperless-origin-certificates"
    # two edits in a five-letter word is too far: rails is not calls
    assert search(client, q="rails")["suggestion"] is None


def test_a_suggestion_that_finds_nothing_is_not_offered(client):
    data = search(client, q="xqzvw")
    assert data["total"] == 0 and data["suggestion"] is None


@pytest.mark.parametrize("q, zone, named_as", [
    ("Hebei", "hebei", "Hebei"), ("河北", "hebei", "河北"), ("zone:hubei", "hubei", "hubei"),
    ("Wuhan trade", "hubei", "Wuhan"), ("Xiong'an", "hebei", "Xiong'an"),
    ("customs Hainan Free Trade Port", "hainan", "Hainan Free Trade Port"),
])
def test_a_zone_without_records_is_named_with_its_page(client, q, zone, named_as):
    data = search(client, q=q)
    found = data["zones_without_records"]
    assert [z["id"] for z in found] == [zone]
    assert found[0]["named_as"] == named_as and found[0]["url"] == f"/zones/{zone}"
    assert found[0]["short_zh"] and found[0]["name"]
    assert any("no measures" in n.lower() or "No measures" in n for n in data["notes"])
    assert client.get(found[0]["url"]).status_code == 200


def test_a_zone_filter_without_records_says_so_too(client):
    data = search(client, zone="hebei")
    assert data["total"] == 0 and [z["id"] for z in data["zones_without_records"]] == ["hebei"]


def test_a_zone_with_records_gets_no_such_note(client):
    for q in ("Zhejiang", "浙江 油", "zone:guangdong", "Zhoushan"):
        assert search(client, q=q)["zones_without_records"] == [], q


@pytest.mark.parametrize("prefix, expected", [
    ("", "The Hubei pilot free trade zone has no measures in the knowledge base yet"),
    ("/zh", "知识库尚未收录湖北自由贸易试验区的举措"),
])
def test_the_page_says_so_and_links_the_zone(client, prefix, expected):
    html = client.get(f"{prefix}/search", query_string={"q": "Hubei"}).get_data(as_text=True)
    assert expected in text_of(html)
    assert any(href == f"{prefix}/zones/hubei" for href, _text, _attrs in links(html))
