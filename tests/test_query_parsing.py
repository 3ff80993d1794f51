"""A query goes from the user's text to the project's nodes once (issue 20, item 3): a query of
units side by side is the conjunction of its units' queries, each parsed once and read again
by relaxation, the relaxed ranking, the words each record holds and the place boost; it is the
query a parse of the whole text gives (the reference, the way it was built before). One known
difference, left out of TOKENS: a lone `:` no longer glues onto its neighbours (`: oil*` was
searched as the term ":oil*", and `: NOT x` as the word "not" and x); it is nothing now."""

from __future__ import annotations

import collections

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from indexer.query.querying import PARSER_ERRORS
from indexer.query.syntax import joined
from tests.helpers import examples

TOKENS = ["oil", "gas", "the", "NOT", "not", '"oil', 'tank"', '"bonded oil"', "zone:zhejiang",
          "title:", "oil*", "oil^5", "~3", "-", "+", "保税", "仓库", "Zhoushan", "浙江自贸区",
          "tag:x", "status:nationwide", '"', "*", "^", "year:2023", "洋山", "Qianhai", "Horgos",
          "Hainan Free Trade Port", "中国（浙江）自由贸易试验区", "自贸港", "express", "6 hours"]


@settings(max_examples=examples(300), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=5))
def test_the_units_queries_make_the_whole_texts(shipped_kb, words):
    builder = shipped_kb._gen.builder
    parsed = builder.parse(" ".join(words))
    if parsed.structured or not parsed.units:
        return
    try:
        reference = builder.parser.parse(joined(u.query for u in parsed.units))
    except PARSER_ERRORS:
        reference = "unparsable"
    for unit in parsed.units:
        unit.parsed = None  # parsed afresh, as a new reading would
    try:
        built = builder._whole(parsed, parsed.units)
    except PARSER_ERRORS:
        built = "unparsable"
    assert built == reference, words


# a place's own words are parsed once more, to say which records name it (a record of its
# zone that does not is shown as one: search/explanations.py)
@pytest.mark.parametrize("q, units", [("Hainan zero tariff express", 3),
                                      ("bonded fuel Zhoushan", 4),
                                      ("浙江自贸区 保税", 2)])
def test_each_unit_is_parsed_once_and_nothing_twice(shipped_kb, monkeypatch, q, units):
    import whoosh.qparser.default as default

    parsed_texts = collections.Counter()
    original = default.QueryParser.parse

    def counting(self, text, *args, **kwargs):
        parsed_texts[text] += 1
        return original(self, text, *args, **kwargs)

    monkeypatch.setattr(default.QueryParser, "parse", counting)
    result = shipped_kb.search(q)
    assert result.total  # found (relaxed or not), the place and zone boosts built
    # one parse per unit, each text once: no whole-text parse, no re-parse for the boosts,
    # relaxation or the words each record holds (it was 4 for the first, 2 for the second)
    assert sum(parsed_texts.values()) == units, parsed_texts
    assert max(parsed_texts.values()) == 1, parsed_texts
