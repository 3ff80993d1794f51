"""Search through the facade: English and Chinese, filters, disjunctive facets, browsing."""

from __future__ import annotations

import pytest

from indexer.errors import BadRequest, UnknownFilter
from tests.helpers import ZHEJIANG_OIL


def test_bonded_oil_tank_puts_zhejiangs_shared_tank_first(kb):
    result = kb.search("bonded oil tank")
    assert result.hits[0].id == ZHEJIANG_OIL
    assert "<mark>bonded</mark>" in result.hits[0].snippet


@pytest.mark.parametrize("query,expected", [
    ("原产地", "guangdong-rcep-paperless-origin-certificates"),
    ("中老铁路", "china-laos-railway-multimodal-one-order-system"),
    ("出口信用保险", "beijing-export-credit-insurance-small-enterprises"),
    ("长三角", "yangtze-river-delta-customs-special-goods-inspection-reform"),
    ("白名单", "foreign-trade-investment-enterprise-white-list-service-ledger"),
    ("浙江 油", ZHEJIANG_OIL),
    ("RCEP 原产地", "guangdong-rcep-paperless-origin-certificates"),
    ("Zhejiang oil", ZHEJIANG_OIL),
])
def test_chinese_and_mixed_queries(kb, query, expected):
    assert kb.search(query).hits[0].id == expected


def test_chinese_snippet_marks_chinese_words(kb):
    hit = kb.search("中老铁路").hits[0]
    assert hit.title_zh.startswith("中老铁路")


def test_several_words_must_all_match(kb):
    """Every word must match; when no record holds them all, the result says which words
    it left out, and every record shown holds the others (tests/test_relaxation.py)."""
    assert kb.search("railway").total >= 1 and kb.search("railway").relaxed is None
    result = kb.search("railway insurance")
    assert result.relaxed == {"query": "railway", "kept": ["railway"], "dropped": ["insurance"],
                              "ranking": ["insurance"], "unheld": [], "minimum": 1}
    # no record holds both: one word of two is no match unless it is the rarer (kept) one
    assert {h.id for h in result.hits} == {h.id for h in kb.search("railway").hits}


def test_zone_filter_is_any_of_and_combines_with_pillar(kb):
    zhejiang = kb.search("", zones=["zhejiang"])
    beijing = kb.search("", zones=["beijing"])
    both = kb.search("", zones=["zhejiang", "beijing"])
    assert both.total == zhejiang.total + beijing.total
    narrowed = kb.search("", zones=["zhejiang", "beijing"], pillars=["precise-services"])
    assert {h.id for h in narrowed.hits} == {h.id for h in beijing.hits}


def test_facets_are_disjunctive(kb):
    result = kb.search("", zones=["zhejiang"], pillars=["institutional-innovation"])
    # zone counts ignore the zone filter: Guangdong's innovation measures still show
    assert result.facets["zone"]["guangdong"] == 2
    # pillar counts ignore the pillar filter but keep the zone filter
    assert result.facets["pillar"] == {"institutional-innovation": 2, "key-industries": 0,
                                       "precise-services": 0, "logistics": 0}
    everything = kb.search("")
    assert sum(everything.facets["pillar"].values()) == everything.total


def test_empty_query_browses_newest_first(kb):
    result = kb.search("", per_page=100)
    dates = [h.date for h in result.hits]
    assert dates == sorted(dates, reverse=True)
    assert result.total == len(result.hits) == kb.stats()["measures"]


def test_pagination_past_the_end_is_empty(kb):
    result = kb.search("", page=99, per_page=5)
    assert result.hits == [] and result.total > 0


def test_unknown_filters_and_bad_pages(kb):
    with pytest.raises(UnknownFilter, match="did you mean zone:zhejiang"):
        kb.search("", zones=["zhejaing"])
    with pytest.raises(UnknownFilter):
        kb.search("", pillars=["nope"])
    with pytest.raises(BadRequest):
        kb.search("", page=0)
    with pytest.raises(BadRequest):
        kb.search("", per_page=101)


def test_malformed_syntax_is_searched_as_words_with_a_note(kb):
    result = kb.search('"bonded oil')
    assert result.hits[0].id == ZHEJIANG_OIL
    assert any("plain words" in n for n in result.notes)


def test_query_language(kb):
    assert kb.search('"one order system"').hits[0].id == "china-laos-railway-multimodal-one-order-system"
    assert {h.id for h in kb.search("zone:zhejiang").hits} == {h.id for h in kb.search("", zones=["zhejiang"]).hits}
    assert kb.search("tag:rcep").hits[0].id == "guangdong-rcep-paperless-origin-certificates"
    assert kb.search("talent OR railway").total == 3
    assert [h.id for h in kb.search("credit NOT tank").hits] == ["beijing-export-credit-insurance-small-enterprises"]
    assert kb.search("oil NOT tank").total == 0  # both oil records quote the tank sentence
    assert kb.search("rail*").hits[0].id == "china-laos-railway-multimodal-one-order-system"
    assert kb.search("pillar:logistics").total == kb.search("", pillars=["logistics"]).total


def test_misspelling_gets_a_suggestion_and_corrected_results(kb):
    result = kb.search("raliway")
    assert result.suggestion == "railway"
    assert result.corrected_from == "raliway"
    assert result.hits[0].id == "china-laos-railway-multimodal-one-order-system"
    assert kb.search("railway").suggestion is None


def test_snippet_escapes_everything_but_mark(kb):
    for hit in kb.search("one order").hits:
        assert "<" not in hit.snippet.replace("<mark>", "").replace("</mark>", "")


def test_export_returns_every_match_without_snippets_in_either_order(kb):
    everything = kb.search("", per_page=100)
    exported = kb.export("", limit=10_000)
    assert [h.id for h in exported.hits] == [h.id for h in everything.hits]
    assert all(h.snippet == "" for h in exported.hits)
    ranked = kb.export("oil OR railway OR talent")
    newest = kb.export("oil OR railway OR talent", order="newest")
    assert sorted(h.id for h in ranked.hits) == sorted(h.id for h in newest.hits)
    keys = [(h.date, h.id) for h in newest.hits]
    assert keys == sorted(keys, key=lambda k: (-int(k[0].replace("-", "")), k[1]))


def test_counts_by_year(kb):
    assert kb.counts_by_year() == {2023: kb.stats()["measures"]}
    assert kb.counts_by_year(zones=["zhejiang"]) == {2023: 2}
    with pytest.raises(UnknownFilter):
        kb.counts_by_year(zones=["atlantis"])


def test_measures_limit_count_and_records_naming_no_zone(kb):
    assert len(kb.measures(limit=3)) == 3
    assert kb.count() == kb.stats()["measures"]
    unnamed = kb.measures(no_zone=True)
    assert [h.id for h in unnamed] == ["foreign-trade-investment-enterprise-white-list-service-ledger"]
    assert kb.count(pillars=["precise-services"], no_zone=True) == 1
    assert kb.count(zones=["zhejiang"], no_zone=True) == 0


def test_filters_take_a_zone_or_pillar_name_in_either_language(kb):
    by_id = [h.id for h in kb.search("", zones=["zhejiang"]).hits]
    assert [h.id for h in kb.search("", zones=["浙江"]).hits] == by_id
    result = kb.search("", zones=["Zhejiang", "zhejiang"])
    assert result.zones == ("zhejiang",) and [h.id for h in result.hits] == by_id
    assert kb.search("", pillars=["Logistics channels and services"]).total == \
        kb.search("", pillars=["logistics"]).total


def test_swapped_letters_count_as_one_typo_and_every_word_is_corrected(kb):
    result = kb.search("bondd oil tnak")
    assert result.suggestion == "bonded oil tank" and result.corrected_from == "bondd oil tnak"
    assert result.hits[0].id == ZHEJIANG_OIL


def test_no_suggestion_that_finds_nothing(kb):
    result = kb.search("xqzv")
    assert result.total == 0 and result.suggestion is None


def _scopes_of(kb, measure_id):
    return {step["scope"] for step in kb.measure(measure_id).get("lineage") or ()}


def test_scope_filter_and_facet_work_like_pillars(shipped_kb):
    """Records are filtered and counted by where their measure was adopted (lineage)."""
    kb = shipped_kb
    everything = kb.search("")
    assert set(everything.facets["scope"]) == {"province", "national", "best-practice-case"}
    national = kb.export("", scopes=["national"], order="newest")
    assert national.total == everything.facets["scope"]["national"] > 0
    assert all("national" in _scopes_of(kb, h.id) for h in national.hits)
    assert national.scopes == ("national",) and national.to_dict()["scopes"] == ["national"]
    either = kb.search("", scopes=["national", "province"])
    assert either.total == len({h.id for s in ("national", "province")
                                for h in kb.export("", scopes=[s]).hits})
    # disjunctive: the scope facet ignores the scope filter, the pillar facet applies it
    assert either.facets["scope"] == everything.facets["scope"]
    assert sum(either.facets["pillar"].values()) == either.total
    assert kb.count(scopes=["national"]) == national.total == len(kb.measures(scopes=["national"]))
    assert sum(kb.counts_by_year(scopes=["national"]).values()) == national.total
    assert kb.search("scope:national").total == national.total


def test_unknown_scope_is_a_clean_error(kb):
    with pytest.raises(UnknownFilter):
        kb.search("", scopes=["planetary"])


def test_records_on_cited_sources_have_no_quote_and_are_found(shipped_kb):
    kb = shipped_kb
    cited = [h for h in kb.measures() if kb.measure(h.id).get("quote") is None]
    assert cited
    record = kb.measure(cited[0].id)
    assert cited[0].id in [h.id for h in kb.search(record["title"], per_page=100).hits]


@pytest.mark.parametrize("query", ["wareh?use", "warehouse*", "wareh*", "war*house", "WAREH?USE",
                                   "Wareh*"])
def test_a_wildcard_finds_words_as_written_not_only_their_stems(kb, query):
    # the index holds stems (warehous); a wildcard is also read against the words as written
    hits = [h.id for h in kb.search(query).hits]
    assert "zhejiang-export-supervision-warehouse-multiple-functions" in hits, (query, hits)
