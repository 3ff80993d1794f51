"""Every question answered honestly (issue 19, items 1 to 4): partial matches ranked by
meaning, everyday words, Chinese without gaps, places. The issue's examples run on the
shipped records, through the API and the facade; what the examples cannot pin down (the
bigram fallback scored below whole words, traditional characters in a record, a Chinese
suggestion) runs on small corpora made here."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from indexer.search import KnowledgeBase
from indexer.search.hybrid import CANDIDATES
from tests.conftest import indexed_corpus_with
from tests.helpers import examples
from tests.webhelpers import api_search, text_of

HORGOS_PHARMA = "xinjiang-horgos-pharmaceutical-three-in-one-joint-review"
PERISHABLE = "guangdong-express-perishable-exports-6-hour-release"
GOLD_ORE = "shandong-yantai-bonded-gold-ore-blending"
ATOM = "{http://www.w3.org/2005/Atom}"


def ids(data: dict) -> list[str]:
    return [h["id"] for h in data["results"]]


# -- 1. partial matches ranked by meaning -----------------------------------------------------
def test_hainan_zero_tariff_finds_the_zero_tariff_records_first(shipped_client):
    """The issue's example, on the grown corpus: the Hainan zero-tariff records hold every word
    now (they came with the register's work), so they come first, not a gold-ore measure."""
    data = api_search(shipped_client, q="Hainan zero tariff", per_page=10)
    assert GOLD_ORE not in ids(data) and data["relaxed"] is None
    assert ids(data)[:2] == ["hainan-zero-tariff-raw-auxiliary-materials",
                             "hainan-zero-tariff-self-use-production-equipment"]


def test_a_place_and_a_word_no_record_holds_says_first_what_no_record_holds(shipped_client):
    """As 'Hainan zero tariff' did on the 76 records: 'quantum' is in no record."""
    data = api_search(shipped_client, q="Hainan quantum", per_page=100)
    assert data["notes"][0] == "No measure mentions 'quantum'."
    assert data["relaxed"]["unheld"] == ["quantum"] and data["relaxed"]["kept"] == ["Hainan"]
    assert data["total"] >= 3 and GOLD_ORE not in ids(data)
    assert all("hainan" in h["zones"] for h in data["results"])
    assert data["matched_words"] == ["Hainan"] and data["unmatched_words"] == ["quantum"]
    assert data["corrected"] is False
    assert all(h["matched_words"] == ["Hainan"] for h in data["results"])
    # the Chinese page says the same first
    zh = text_of(shipped_client.get("/zh/search", query_string={"q": "Hainan quantum"})
                 .get_data(as_text=True))
    assert "没有举措提到“quantum”" in zh


def test_the_exports_carry_the_same_facts(shipped_client):
    q = {"q": "Hainan quantum"}
    exported = shipped_client.get("/search.json", query_string=q).get_json()
    assert exported["unmatched_words"] == ["quantum"] and exported["matched_words"] == ["Hainan"]
    assert exported["relaxed"]["unheld"] == ["quantum"] and exported["corrected"] is False
    assert all(m["matched_words"] == ["Hainan"] for m in exported["measures"])
    text = shipped_client.get("/search.csv", query_string=q).get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all(r["matched_words"] == "Hainan" for r in rows)
    feed = ET.fromstring(shipped_client.get("/search.atom", query_string=q).get_data())
    summaries = [e.find(f"{ATOM}summary").text for e in feed.iter(f"{ATOM}entry")]
    assert summaries and all(s.endswith("Matches: Hainan") for s in summaries)
    assert "No measure mentions 'quantum'." in feed.find(f"{ATOM}subtitle").text


@pytest.mark.parametrize("q, matched, unmatched", [
    ("the bonded", ["bonded"], []),
    ("fruit and vegetables sent abroad fast", ["fruit", "abroad", "fast"], ["vegetables", "sent"]),
])
def test_a_stop_word_is_said_neither_to_match_nor_not_to(shipped_client, q, matched, unmatched):
    """"the" and "and" are searched by nothing: no record is said to hold them, nor is the
    search said to find no record holding them."""
    data = api_search(shipped_client, q=q, per_page=50)
    assert data["matched_words"] == matched and data["unmatched_words"] == unmatched
    assert all(set(h["matched_words"]) <= set(matched) for h in data["results"])


def test_a_corrected_query_says_so(shipped_client):
    data = api_search(shipped_client, q="bondde")
    assert data["corrected"] is True and data["corrected_from"] == "bondde"
    assert data["matched_words"] == ["bonded"] and data["total"]


def test_a_correction_never_wins_over_a_held_word_as_typed(shipped_client):
    """'marien' is corrected to 'marine', which no Hainan record holds: the place as typed is
    kept, the guess only ranks (it used to keep 'marine' and drop 'Hainan')."""
    data = api_search(shipped_client, q="Hainan yacht marien", per_page=50)
    assert data["corrected"] is True and data["corrected_from"] == "Hainan yacht marien"
    assert data["relaxed"]["kept"] == ["Hainan"], data["relaxed"]
    assert "marine" in data["relaxed"]["ranking"] and data["relaxed"]["unheld"] == ["yacht"]
    assert data["total"] and all("hainan" in h["zones"] for h in data["results"])
    # without the place, the correction is what the search keeps
    assert api_search(shipped_client, q="yacht marien")["relaxed"]["kept"] == ["marine"]


@pytest.mark.parametrize("q, unheld", [("Hainan yacht marina", ["yacht", "marina"]),
                                       ("concert promoters theatres", None)])
def test_an_english_word_no_record_holds_is_no_misspelling(shipped_client, q, unheld):
    """'marina' is an English word (lemminflect's lexicon), not a misspelling of 'marine';
    'concert' is not 'convert': the search says which words no record mentions instead."""
    data = api_search(shipped_client, q=q, per_page=50)
    assert data["corrected"] is False and not data["suggestion"]
    if unheld:
        assert data["relaxed"]["unheld"] == unheld and data["relaxed"]["kept"] == ["Hainan"]
    assert "convert" not in str(data["relaxed"])


@pytest.mark.parametrize("q, first", [
    ("pharmaceutical approvals faster", HORGOS_PHARMA),
    ("fresh food exports released quickly", PERISHABLE),
])
def test_the_word_that_carries_the_meaning_is_kept(shipped_client, q, first):
    data = api_search(shipped_client, q=q)
    assert ids(data)[0] == first, (ids(data), data["relaxed"])
    # the commoner words rank, they are not required, and the note says so
    assert data["relaxed"]["ranking"]
    assert set(data["results"][0]["matched_words"]) > set(data["relaxed"]["kept"])


def test_a_question_word_is_never_what_is_required(shipped_client):
    """哪些/可以/做 shape the question; a record that happens to hold 哪些 is no answer to it."""
    plain = api_search(shipped_client, q="自贸区 保税", per_page=100)
    data = api_search(shipped_client, q="哪些自贸区可以做保税加油", per_page=100)
    assert data["relaxed"] and not {"哪些", "可以", "做"} & set(data["relaxed"]["kept"])
    assert data["total"] >= 5 and set(ids(data)) <= set(ids(plain))
    assert "zhejiang-bonded-fuel-oil-supply-ships-admittance-management" in ids(data)[:10]
    # a question word no record holds is not news: the note names none
    asked = api_search(shipped_client, q="哪里可以办理跨境人民币")
    assert not [n for n in asked["notes"] if "mentions '哪里'" in n], asked["notes"]
    assert asked["total"] >= 3 and "哪里" not in asked["relaxed"]["unheld"]


WORDS = ["bonded", "oil", "customs", "railway", "insurance", "pharmaceutical", "Hainan",
         "tariff", "gold", "vessel", "certificate", "electronic", "data", "negative", "list",
         "cross-border", "Zhoushan", "truck", "inspection", "credit", "law", "medical",
         "airport", "warehouse", "export", "zzqxnothing"]


@settings(max_examples=examples(60), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(WORDS), min_size=2, max_size=4, unique=True))
def test_a_common_word_is_never_kept_while_a_rarer_one_is_left_out(shipped_kb, words):
    result = shipped_kb.search(" ".join(words))
    if not result.relaxed:
        return
    df = {}
    for word in result.relaxed["kept"] + result.relaxed["ranking"]:
        alone = shipped_kb.search(word, per_page=1)
        assert alone.total and not alone.relaxed and not alone.corrected_from, word
        df[word] = alone.total
    # a zone's or a place's name as typed is kept first, whatever its rarity (relax.py)
    named = {typed for _zone, typed in shipped_kb._gen.builder.parse(" ".join(words)).zones_named}
    for kept in result.relaxed["kept"]:
        for ranked in result.relaxed["ranking"]:
            assert kept in named or df[kept] <= df[ranked], (words, result.relaxed, df)
    for word in result.relaxed["unheld"]:
        assert shipped_kb.search(word).total == 0 or shipped_kb.search(word).corrected_from
    # every record shown holds every kept word, or at least as many words as any record, or
    # is one of the few joined as nearer in meaning than every match, and says so
    # (indexer/search/hybrid.py); a place named counts the records of its zone, which say so
    # and are not said to hold it (search/explanations.py)
    def held(hit):
        return set(hit.matched_words) | {n.params["place"] for n in hit.explanation
                                         if n.code == "matched_place_zone"}
    assert all(set(result.relaxed["kept"]) <= held(h)
               or len(held(h)) >= result.relaxed["minimum"] for h in result.hits
               if not h.near_in_meaning)
    joined = [h for h in result.hits if h.near_in_meaning]
    assert len(joined) <= CANDIDATES
    assert all(any("near in meaning" in str(e) for e in h.explanation) for h in joined)


# -- 2. everyday words (each group: tests/test_everyday.py) ------------------------------------
def test_foreign_firms_finds_the_foreign_enterprises(shipped_client):
    data = api_search(shipped_client, q="foreign firms")
    assert data["relaxed"] is None and data["total"] >= 2
    assert ids(data)[0] == "foreign-trade-investment-enterprise-white-list-service-ledger"


def test_building_permits_finds_the_construction_permit_record(shipped_client):
    data = api_search(shipped_client, q="building permits")
    assert "shandong-qingdao-construction-four-certificates-one-list" in ids(data)[:3], ids(data)


# -- 3. Chinese without gaps ------------------------------------------------------------------
@pytest.mark.parametrize("q", ["一站式", "首单", "全国首个"])
def test_chinese_words_find_the_records_holding_their_characters(shipped_kb, q):
    result = shipped_kb.search(q, per_page=100)
    assert result.total and not result.relaxed
    for hit in result.hits:
        record = shipped_kb.measure(hit.id)
        text = " ".join([record["title_zh"], record.get("body_zh") or "", *record["tags"]])
        assert all(c in text for c in q), hit.id  # its words, if not in a row
    first = shipped_kb.measure(result.hits[0].id)
    held = [h for h in result.hits if q in " ".join([
        shipped_kb.measure(h.id)["title_zh"], shipped_kb.measure(h.id).get("body_zh") or ""])]
    if held:  # the records holding the word as written come first
        assert q in first["title_zh"] + (first.get("body_zh") or "")


def test_a_chinese_search_with_no_hit_gets_a_note_in_both_languages(shipped_client):
    data = api_search(shipped_client, q="量子")
    assert data["total"] == 0 and data["notes"][0] == "No measure mentions '量子'."
    assert data["unmatched_words"] == ["量子"]
    zh = text_of(shipped_client.get("/zh/search", query_string={"q": "量子"}).get_data(as_text=True))
    assert "没有举措提到“量子”" in zh


def _chinese_spans(text: str) -> list[str]:
    import re

    return re.findall(r"[\u4e00-\u9fff]{2,}", text or "")


@settings(max_examples=examples(80), deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_run_of_a_records_chinese_characters_finds_it(shipped_kb, data):
    hits = [h for h in shipped_kb.measures() if h.body_zh]
    hit = data.draw(st.sampled_from(hits))
    span = data.draw(st.sampled_from(_chinese_spans(hit.body_zh)))
    size = data.draw(st.integers(2, min(5, len(span))))
    start = data.draw(st.integers(0, len(span) - size))
    q = span[start:start + size]
    found = shipped_kb.export(q)
    assert not found.relaxed and not found.corrected_from, (q, found.messages())
    assert hit.id in {h.id for h in found.hits}, q


@pytest.mark.parametrize("typed, plain", [("ｂｏｎｄｅｄ", "bonded"), ("保税　油品", "保税 油品"),
                                          ("海關", "海关"), ("稅", "税"), ("保稅倉庫", "保税仓库")])
def test_full_width_and_traditional_characters_read_as_plain(shipped_client, typed, plain):
    got, want = (api_search(shipped_client, q=q, per_page=100) for q in (typed, plain))
    assert want["total"] and ids(got) == ids(want)


def test_a_lone_surrogate_beside_chinese_is_read_not_raised(shipped_kb):
    # Found by the exploring property pass in CI: OpenCC encodes its input as UTF-8 and a
    # lone surrogate (which a Python str can hold) raised UnicodeEncodeError.
    assert shipped_kb.search("保税\ud800").total == shipped_kb.search("保税").total > 0


@pytest.fixture(scope="module")
def chinese_kb(tmp_path_factory):
    bodies = {
        "zz-word": "仓库管理办法。",  # 仓库, a word
        "zz-across": "粮仓库存管理。",  # 仓 and 库 in a row, in two words (粮仓 库存)
        "zz-traditional": "海關監管創新。",  # written in traditional characters
        "zz-tariff": "关税减让清单。",
        "zz-fullwidth": "Written with ｚｙｘｗｉｄｅ letters.",  # full-width, as pasted from a PDF
    }
    kb = KnowledgeBase(indexed_corpus_with(tmp_path_factory.mktemp("chinese"), bodies,
                                           title=str, title_zh="测试举措", tags="[test-tag]"))
    yield kb
    kb.close()


def test_bigrams_find_a_word_across_the_segmenters_cut_below_whole_words(chinese_kb):
    result = chinese_kb.search("仓库", per_page=100)
    order = [h.id for h in result.hits]
    assert "zz-word" in order and "zz-across" in order
    assert order.index("zz-word") < order.index("zz-across")
    scores = {h.id: h.score for h in result.hits}
    assert scores["zz-word"] > scores["zz-across"]


def test_a_record_in_traditional_characters_is_found_in_simplified(chinese_kb):
    assert [h.id for h in chinese_kb.search("海关监管").hits] == ["zz-traditional"]
    assert [h.id for h in chinese_kb.search("海關監管").hits] == ["zz-traditional"]


def test_a_record_in_full_width_letters_is_found_in_ascii(chinese_kb):
    assert [h.id for h in chinese_kb.search("zyxwide").hits] == ["zz-fullwidth"]
    assert [h.id for h in chinese_kb.search("ＺＹＸＷＩＤＥ").hits] == ["zz-fullwidth"]


def test_a_word_no_record_within_the_filters_holds_is_said_so(shipped_client):
    data = api_search(shipped_client, q="Zhoushan quantum", zone="zhejiang")
    assert data["notes"][0] == "No measure within the filters mentions 'quantum'."
    assert data["relaxed"]["unheld"] == ["quantum"] and data["total"]
    zh = text_of(shipped_client.get("/zh/search", query_string={"q": "Zhoushan quantum",
                                                                 "zone": "zhejiang"})
                 .get_data(as_text=True))
    assert "在所选筛选条件内，没有举措提到“quantum”" in zh


def test_a_chinese_word_no_record_holds_gets_a_suggestion(chinese_kb):
    result = chinese_kb.search("零关税")
    assert result.total == 0 and result.suggestion == "关税"
    assert result.notes[0] == "No measure mentions '零关税'."
    assert [h.id for h in chinese_kb.search(result.suggestion).hits] == ["zz-tariff"]


# -- 4. places --------------------------------------------------------------------------------
def _names(shipped_kb, measure_id: str, place: str) -> bool:
    record = shipped_kb.measure(measure_id)
    text = " ".join([record["title"], record["title_zh"], record["body"],
                     record.get("body_zh") or "", *record["tags"]]).lower()
    return place.lower() in text


@pytest.mark.parametrize("q, place, zone", [("bonded fuel Zhoushan", "Zhoushan", "zhejiang"),
                                            ("Zhoushan", "Zhoushan", "zhejiang"),
                                            ("洋山", "洋山", "shanghai"),
                                            ("Horgos", "Horgos", "xinjiang")])
def test_a_place_ranks_the_records_naming_it_first_then_its_zones(shipped_kb, q, place, zone):
    result = shipped_kb.search(q, per_page=100)
    assert result.total and not result.relaxed
    assert all(zone in h.zones or _names(shipped_kb, h.id, place) for h in result.hits)
    naming = [_names(shipped_kb, h.id, place) for h in result.hits]
    assert naming[0] and naming == sorted(naming, reverse=True), naming
    note = next(n for n in result.notes if getattr(n, "code", "") == "place_word")
    assert note.params["zone_id"] == zone and f"zone:{zone}" in note
    # a record of the zone that does not name the place says so, and does not claim the place
    # among its matched words
    for hit in result.hits:
        by_zone = [n for n in hit.explanation if n.code == "matched_place_zone"]
        assert bool(by_zone) == (place not in hit.matched_words), hit.id
        assert not by_zone or (not _names(shipped_kb, hit.id, place)
                               and by_zone[0].params["zone_id"] == zone), hit.id


@pytest.mark.parametrize("q", ["bunkering Zhoushan abroad quickly", "bondd fuel Zhoushan",
                               "metallic minerals Zhoushan", "ships refuel cheaper Zhoushan quickly"])
def test_only_a_record_of_the_places_zone_is_said_to_be_shown_for_it(shipped_kb, q):
    """In a partial match, a corrected search and a search no record naming the place
    answers: the note stands on the zone's records that do not name the place, no other; no
    hit and no search claims the place where no record shown names it."""
    result = shipped_kb.search(q, per_page=100)
    assert result.total
    for hit in result.hits:
        names = _names(shipped_kb, hit.id, "Zhoushan")
        by_zone = [n for n in hit.explanation if n.code == "matched_place_zone"]
        assert ("Zhoushan" in hit.matched_words) == names, hit.id
        assert bool(by_zone) == ("zhejiang" in hit.zones and not names
                                 and not hit.near_in_meaning), hit.id
    assert ("Zhoushan" in result.matched_words) == any(
        _names(shipped_kb, h.id, "Zhoushan") for h in result.hits)


def test_a_query_of_stop_words_alone_is_not_said_to_be_unheld(shipped_client):
    notes = api_search(shipped_client, q="the")["notes"]
    assert notes == ["Your query has only very common words; nothing to search for."]


def test_the_api_and_the_exports_say_which_records_only_the_zone_of_a_place_brings(
        shipped_client):
    q = {"q": "bonded fuel Zhoushan", "per_page": 100}
    data = api_search(shipped_client, **q)
    by_zone = {h["id"] for h in data["results"] if "Zhoushan" not in h["matched_words"]}
    assert by_zone and len(by_zone) < len(data["results"])
    for hit in data["results"]:
        said = [e for e in hit["explanation"] if "where Zhoushan is" in e]
        assert bool(said) == (hit["id"] in by_zone), hit
    rows = list(csv.DictReader(io.StringIO(shipped_client.get("/search.csv", query_string=q)
                                           .get_data(as_text=True).lstrip("\ufeff"))))
    assert {r["id"] for r in rows if "Zhoushan" not in r["matched_words"].split(";")} == by_zone
    page = text_of(shipped_client.get("/zh/search", query_string=q).get_data(as_text=True))
    assert page.count("作为 Zhoushan 所在的浙江自贸试验区的举措列出") == len(by_zone)
    zh = api_search(shipped_client, lang="zh", **q)  # the API's explanations in Chinese too
    assert [h["id"] for h in zh["results"]] == [h["id"] for h in data["results"]]
    assert {h["id"] for h in zh["results"]
            if any("所在的浙江自贸试验区的举措列出" in e for e in h["explanation"])} == by_zone


def test_bonded_fuel_zhoushan_finds_the_zhoushan_bunkering_records(shipped_kb):
    found = {h.id for h in shipped_kb.search("bonded fuel Zhoushan", per_page=100).hits}
    bunkering = {h.id for h in shipped_kb.search("bonded fuel", zones=["zhejiang"],
                                                  per_page=100).hits}
    assert len(bunkering) > 1 and bunkering <= found
    # the place counts the zone's records as its own: as many as zone:Zhoushan shows
    assert shipped_kb.search("Zhoushan").total == shipped_kb.search("zone:Zhoushan").total


def test_the_place_note_offers_the_zone_filter_in_chinese(shipped_client):
    html = shipped_client.get("/zh/search", query_string={"q": "bonded fuel Zhoushan"})
    text = text_of(html.get_data(as_text=True))
    assert "Zhoushan 位于浙江自由贸易试验区内" in text and "zone:zhejiang" in text


@settings(max_examples=examples(200), deadline=None)
@given(st.text(alphabet=st.sampled_from(list("保税仓库海关贸易 ab1，。\n")), max_size=40))
def test_the_bigram_arrays_are_the_bigram_tokens(text):
    """The build's fast path (index_arrays) gives the bigram field's tokens, position for
    position, as the tokenizer (which the reference and the query side read) gives them."""
    from collections import defaultdict

    from indexer.analysis.bigrams import BigramTokenizer
    from indexer.analysis.terms import VOCABULARY

    tokenizer = BigramTokenizer()
    terms, counts, flat, whole = tokenizer.index_arrays(text)
    expected = defaultdict(list)
    for token in tokenizer(text, positions=True, mode="index"):
        expected[token.text].append(token.pos)
    ends = np.cumsum(counts)
    got = {VOCABULARY.texts[int(t)]: flat[end - n:end].tolist()
           for t, n, end in zip(terms, counts, ends)}
    assert got == dict(expected) and whole.tolist() == counts.tolist()


@pytest.mark.parametrize("q", ["一站式", "首单"])
def test_the_chinese_word_is_marked_in_the_chinese_passage(shipped_kb, q):
    hit = shipped_kb.search(q).hits[0]
    assert f"<mark>{q}</mark>" in hit.snippet, hit.snippet
