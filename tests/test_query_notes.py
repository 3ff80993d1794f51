"""A note for everything the query language does not do (issue 13, item 4), never a silent
empty result; and the query language's fields doing what they say (the relevance assessor's
findings: a field before a quoted phrase, whole tags)."""

from __future__ import annotations

import pytest

from tests.helpers import ZHEJIANG_OIL
from tests.webhelpers import api_search as search, text_of

BEIJING = "beijing-export-credit-insurance-small-enterprises"
RCEP = "guangdong-rcep-paperless-origin-certificates"
WAREHOUSE = "zhejiang-export-supervision-warehouse-multiple-functions"


def ids(data) -> list[str]:
    return [hit["id"] for hit in data["results"]]


@pytest.mark.parametrize("q, note, same_as", [
    ("oil~2", "Fuzzy matching (oil~2) is not supported", "oil"),
    ("oil~", "Fuzzy matching (oil~) is not supported", "oil"),
    ("oil^5", "Boosts (oil^5) are not supported", "oil"),
    ('"same tank"^2 bonded', 'Boosts ("same tank"^2) are not supported', '"same tank" bonded'),
    ('"bonded oil"~3', 'Proximity ("bonded oil"~3) is not supported', 'bonded oil'),
    ('"oil tank"~3', 'its words were searched anywhere in the measure', 'oil tank'),
    ('title:"bonded oil"~2', 'Proximity (title:"bonded oil"~2)', 'title:bonded title:oil'),
    ("(oil tank)^2", "Boosts (^2) are not supported", "oil tank"),
    ("+oil tank", "+oil needs no '+'", "oil tank"),
    ("credit -tank", "A leading '-' was read as NOT (NOT tank)", "credit NOT tank"),
])
def test_syntax_it_does_not_do_is_taken_off_with_a_note(client, q, note, same_as):
    data = search(client, q=q)
    assert any(note in n for n in data["notes"]), data["notes"]
    assert data["total"] > 0 and ids(data) == ids(search(client, q=same_as))


@pytest.mark.parametrize("q, note", [
    ("foo:bar", "the unknown field 'foo'"),
    ("titel:warehouse", "the unknown field 'titel' (did you mean title:?)"),
    ("zone:atlantis", "There is no zone 'atlantis'."),
    ("pillar:nowhere oil", "There is no pillar 'nowhere'"),
    ("scope:galactic", "There is no scope 'galactic'"),
    ("status:done", "There is no status 'done'"),
])
def test_unknown_fields_and_values_are_named(client, q, note):
    data = search(client, q=q)
    assert any(note in n for n in data["notes"]), data["notes"]


def test_an_unknown_value_gets_a_did_you_mean_like_the_filter(client):
    data = search(client, q="zone:zhejaing oil")
    assert any("There is no zone 'zhejaing'; did you mean zone:zhejiang?" in n for n in data["notes"])
    # nothing matched as typed: the corrected query's results, as for a misspelled word
    assert data["corrected_from"] == "zone:zhejaing oil" and data["suggestion"] == "zone:zhejiang oil"
    assert ZHEJIANG_OIL in ids(data)
    # the same did-you-mean the zone= filter gives in its 400
    error = client.get("/api/search?zone=zhejaing").get_json()
    assert error["suggestion"] == "zhejiang"
    data = search(client, q="pillar:logistic")
    assert any("did you mean pillar:logistics?" in n for n in data["notes"])
    assert data["suggestion"] == "pillar:logistics" and data["total"] > 0


def test_zone_and_pillar_values_take_any_name(client):
    by_id = ids(search(client, q="zone:zhejiang", per_page=100))
    for q in ("zone:Zhejiang", "zone:浙江", "zone:Zhoushan", 'zone:"China (Zhejiang) Pilot Free Trade Zone"'):
        data = search(client, q=q, per_page=100)
        assert ids(data) == by_id, q
        # a zone's own names pass silently; a place inside it is said to stand for the zone
        assert [n.split(" is a place")[0] for n in data["notes"]] == \
            (["Zhoushan"] if q == "zone:Zhoushan" else []), (q, data["notes"])
    assert ids(search(client, q="pillar:Logistics", per_page=100)) == \
        ids(search(client, q="pillar:logistics", per_page=100))


@pytest.mark.parametrize("q", ["oil~2", "oil^5", "foo:bar", "zone:atlantis", "zone:atlantis oil",
                               "status:done", "express delivery", "express AND delivery",
                               "titel:oil", "oil~2 zone:atlantis"])
def test_no_result_is_ever_silent(client, q):
    """A query using what the language does not do either finds something or says why not
    (a note, a correction, words left out); the page shows the same."""
    data = search(client, q=q)
    assert data["total"] > 0 or data["notes"], (q, data)
    page = text_of(client.get("/search", query_string={"q": q}).get_data(as_text=True))
    assert "No measures match this search." in page or data["total"] > 0


def test_a_field_before_a_quoted_phrase(client):
    data = search(client, q='title:"certificates of origin"')
    assert data["notes"] == [] and ids(data) == [RCEP]
    assert ids(search(client, q='title:"origin paperless"')) == []  # a phrase, in order


def test_tag_matches_the_tags_words_in_a_row(client):
    assert ids(search(client, q="tag:export-credit-insurance")) == [BEIJING]
    # the tag's words scattered over one tag (export-credit-insurance) are not that tag
    assert ids(search(client, q="tag:export-insurance")) == []
    assert ids(search(client, q="tag:export-supervision")) == [WAREHOUSE]


def test_the_notes_show_on_the_page_in_both_languages(client):
    for prefix, said in (("", "Fuzzy matching (oil~2) is not supported"),
                         ("/zh", "不支持模糊匹配（oil~2）")):
        html = client.get(f"{prefix}/search", query_string={"q": "oil~2"}).get_data(as_text=True)
        assert said in text_of(html)


def test_chinese_written_together_keeps_its_meaning_beside_operators(client):
    """保税仓库 is cut into 保税 + 仓库, but beside OR or after NOT it stays one part."""
    both = set(ids(search(client, q="保税仓库", per_page=100)))
    either = set(ids(search(client, q="(保税仓库 OR 白名单)", per_page=100)))
    white_list = set(ids(search(client, q="白名单", per_page=100)))
    assert both and either == both | white_list
    everything = set(ids(search(client, per_page=100)))
    assert set(ids(search(client, q="NOT 保税仓库", per_page=100))) == everything - both


def test_a_place_inside_a_zone_is_said_to_stand_for_the_whole_zone(client):
    # measures are recorded by zone: zone:Qianhai is the Guangdong zone, and the page says so
    data = search(client, q="zone:Qianhai")
    assert ids(data) == ids(search(client, q="zone:guangdong")) and RCEP in ids(data)
    assert any("Qianhai is a place in the Guangdong pilot free trade zone" in n
               for n in data["notes"]), data["notes"]
    # the place as a word: what names it first, then the zone's others, and the zone filter
    data = search(client, q="Qianhai")
    assert any("zone:guangdong shows only the zone's" in n for n in data["notes"]), data["notes"]
    assert set(ids(data)) == set(ids(search(client, q="zone:guangdong")))
    html = client.get("/zh/search", query_string={"q": "zone:前海"}).get_data(as_text=True)
    assert "前海 位于广东自由贸易试验区内" in text_of(html)


def test_a_chinese_word_is_not_relaxed_to_one_of_its_characters(client):
    # 渝新 is cut into 渝 and 新; showing the records with 新 ("new") would mislead
    data = search(client, q="渝新")
    assert data["relaxed"] is None and data["total"] == 0
    assert data["notes"][0] == "No measure mentions '渝新'."
    data = search(client, q="渝新 跨境")
    assert data["relaxed"]["kept"] == ["跨境"] and set(data["relaxed"]["dropped"]) == {"渝", "新"}


def test_an_unknown_fields_value_is_searched_not_its_name(client):
    # titel:oil is a search for oil (with a note), not for the words "titel" and "oil",
    # which spelling turned into "title" and relaxation then kept alone
    data = search(client, q="titel:oil")
    assert ids(data) == ids(search(client, q="oil")) and ZHEJIANG_OIL in ids(data)
    assert data["relaxed"] is None and any("did you mean title:?" in n for n in data["notes"])
