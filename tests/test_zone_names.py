"""Zones by their official names in a query (issue 22, item 4), through /api/search and /zh/search
on the shipped records: 中国（浙江）自由贸易试验区, with half-width brackets too, 浙江自贸区,
浙江自贸试验区, 海南自由贸易港 and 自贸港 are read as the zone (its records first, the filter
offered in the note), never as query syntax; an area of a zone (临港新片区, 舟山片区) is read as
a place (issue 19's rule). Every zone of zones.yaml is tried, in every form."""

from __future__ import annotations

import pytest
import yaml

from indexer.search import KnowledgeBase
from indexer.query.vocabulary import QueryVocabulary
from tests.conftest import SHIPPED
from tests.webhelpers import api_search, text_of

ZONES = yaml.safe_load((SHIPPED / "zones.yaml").read_text(encoding="utf-8"))["zones"]
PLACES = yaml.safe_load((SHIPPED / "places.yaml").read_text(encoding="utf-8"))
# the ways a researcher writes a zone's name in Chinese: the official name with full- or
# half-width brackets, and the short forms
FORMS = ("中国（{}）自由贸易试验区", "中国({})自由贸易试验区", "中国 ( {} ) 自由贸易试验区",
         "{}自贸区", "{}自贸试验区", "{}自由贸易试验区", "中国（{}）自贸试验区")
SYNTAX_NOTE = "searched as plain words"
BUNKERING = {"zhejiang-bonded-fuel-oil-suppliers-credit-supervision",
             "zhejiang-bonded-fuel-oil-supply-ships-admittance-management",
             "zhejiang-outer-anchorage-bunkering-ships-health-declaration"}


def _zone_first(shipped_client, q: str, zone_id: str) -> dict:
    """The search for `q`: every record of the zone, and before any other record; the note
    names the zone's filter; no note says the query was read as syntax."""
    data = api_search(shipped_client, q=q, per_page=100)
    in_zone = [zone_id in hit["zones"] for hit in data["results"]]
    assert in_zone and in_zone[0], (q, data["notes"])
    assert in_zone == sorted(in_zone, reverse=True), (q, in_zone)
    every = api_search(shipped_client, q="", zone=zone_id, per_page=100)
    assert sum(in_zone) == every["total"] > 0, q
    assert any(f"zone:{zone_id}" in note for note in data["notes"]), data["notes"]
    assert not any(SYNTAX_NOTE in note for note in data["notes"]), data["notes"]
    return data


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("zone", ZONES, ids=[z["id"] for z in ZONES])
def test_every_zone_by_every_chinese_name_is_the_zone(shipped_client, zone, form):
    _zone_first(shipped_client, form.format(zone["short_zh"]), zone["id"])


@pytest.mark.parametrize("zone", ZONES, ids=[z["id"] for z in ZONES])
def test_every_zone_by_its_english_names_is_the_zone(shipped_client, zone):
    _zone_first(shipped_client, zone["name"], zone["id"])  # China (Zhejiang) Pilot Free Trade Zone
    _zone_first(shipped_client, f"{zone['short']} FTZ", zone["id"])


@pytest.mark.parametrize("q", ["海南自由贸易港", "海南自贸港", "自贸港", "海南自由貿易港"])
def test_the_free_trade_port_is_hainan(shipped_client, q):
    _zone_first(shipped_client, q, "hainan")


def test_traditional_characters_and_half_width_brackets_name_the_zone(shipped_client):
    data = _zone_first(shipped_client, "中國(福建)自由貿易試驗區", "fujian")
    assert data["total"] >= api_search(shipped_client, q="", zone="fujian")["total"]


@pytest.mark.parametrize("q", ["中国(浙江)自由贸易试验区 保税燃料油", "浙江自贸区 保税燃料油",
                               "保税燃料油 中国（浙江）自由贸易试验区"])
def test_a_zone_and_a_word_finds_the_zone_records_holding_the_word_first(shipped_client, q):
    data = api_search(shipped_client, q=q, per_page=100)
    found = [hit["id"] for hit in data["results"]]
    within = {hit["id"] for hit in api_search(shipped_client, q="保税燃料油", zone="zhejiang",
                                               per_page=100)["results"]}
    assert BUNKERING <= within and set(found[:len(within)]) == within, found
    assert not data["relaxed"] and not any(SYNTAX_NOTE in n for n in data["notes"])


def test_the_official_name_in_a_query_with_operators_is_one_part(shipped_client):
    data = api_search(shipped_client, q="中国(浙江)自由贸易试验区 OR 中国(海南)自由贸易试验区",
                      per_page=100)
    zones = {z for hit in data["results"] for z in hit["zones"]}
    assert {"zhejiang", "hainan"} <= zones
    assert not any(SYNTAX_NOTE in n for n in data["notes"]), data["notes"]


def test_a_quoted_official_name_stays_a_phrase(shipped_kb):
    vocabulary = shipped_kb._gen.vocabulary
    assert vocabulary.canonical('"中国(浙江)自由贸易试验区"') == '"中国(浙江)自由贸易试验区"'
    assert vocabulary.canonical("中国(浙江)自由贸易试验区 (油)") == "中国（浙江）自由贸易试验区 (油)"
    assert shipped_kb.search('"中国(浙江)自由贸易试验区"').total > 0


def test_a_province_name_alone_is_no_zone():
    """浙江 alone may be the province; only a name that says "free trade zone" (or one that
    places.yaml gives the zone) is read as the zone."""
    zones = {z["id"]: z for z in ZONES}
    vocabulary = QueryVocabulary(zones, {}, [("hainan", "自贸港", "name"),
                                             ("zhejiang", "舟山", "place")],
                                 [("ftz", "pilot free trade zone", "自贸区", "自由贸易试验区")])
    assert vocabulary.zone_forms["浙江自贸区"] == "zhejiang"
    assert vocabulary.zone_forms["中国（浙江）自由贸易试验区"] == "zhejiang"
    assert vocabulary.zone_forms["自贸港"] == "hainan"
    assert "浙江" not in vocabulary.zone_forms and "舟山" not in vocabulary.zone_forms
    # every zone has its forms, made from the list, not written zone by zone
    assert {z for f, z in vocabulary.zone_forms.items() if f.endswith("自贸区")} == set(zones)


def test_the_zone_note_is_in_chinese_on_the_chinese_site(shipped_client):
    html = shipped_client.get("/zh/search", query_string={"q": "中国(浙江)自由贸易试验区"})
    text = text_of(html.get_data(as_text=True))
    assert "中国（浙江）自由贸易试验区 即浙江自由贸易试验区" in text and "zone:zhejiang" in text
    assert "已按普通词语搜索" not in text  # the syntax note, in Chinese


# -- areas of a zone: places -----------------------------------------------------------------
def test_lingang_new_area_is_a_place_and_keeps_lingang(shipped_kb):
    result = shipped_kb.search("临港新片区", per_page=100)
    first = shipped_kb.measure(result.hits[0].id)
    assert "临港新片区" in (first.get("body_zh") or "") + first["title_zh"]
    assert all("shanghai" in h.zones or "临港" in (shipped_kb.measure(h.id).get("body_zh") or "")
               for h in result.hits)
    note = next(n for n in result.notes if getattr(n, "code", "") == "place_word")
    assert note.params["place"] == "临港新片区" and note.params["zone_id"] == "shanghai"


CHINESE_PLACES = [(zone, name) for zone, entry in PLACES.items()
                  for name in entry.get("places", ())
                  if any("\u4e00" <= ch <= "\u9fff" for ch in name) and not name.endswith("区")]


@pytest.mark.parametrize("zone, place", CHINESE_PLACES, ids=[p for _z, p in CHINESE_PLACES])
def test_an_area_word_after_a_place_names_the_place(shipped_kb: KnowledgeBase, zone, place):
    """舟山片区 is Zhoushan: the area word is not required (few records say 片区), so the search
    finds what the place finds, the zone's records with it."""
    bare = shipped_kb.search(place, per_page=100)
    area = shipped_kb.search(f"{place}片区", per_page=100)
    assert area.total == bare.total and not area.relaxed
    assert {h.id for h in area.hits} == {h.id for h in bare.hits}
    assert any(getattr(n, "code", "") == "place_word" and n.params["zone_id"] == zone
               for n in area.notes)
