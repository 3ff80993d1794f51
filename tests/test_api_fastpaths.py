"""The JSON API's fast paths against the plain ones they stand for: an answer is the same
bytes either way (webapp/api.py: the links made around a stand-in id, the JSON encoded
without the check for circular references; indexer/search/serialize.py: a hit read as an
object or as a mapping)."""

from __future__ import annotations

import pytest
from flask import url_for
from hypothesis import given, settings, strategies as st

from indexer.search import serialize
from tests.helpers import examples
from webapp.api import id_link, json_answer

ENDPOINTS = (("pages.measure", "measure_id"), ("pages.source", "source_id"),
             ("pages.zone", "zone_id"))
IDS = st.from_regex(r"[a-z0-9-]{1,120}", fullmatch=True)
# what a caller might pass that the id converter does not take: quoted by url_for
OTHER_VALUES = st.text(max_size=30)


@settings(max_examples=examples(300))
@given(values=st.lists(st.one_of(IDS, OTHER_VALUES), min_size=1, max_size=4),
       which=st.sampled_from(ENDPOINTS), lang=st.sampled_from(("en", "zh")),
       external=st.booleans(), base=st.sampled_from(("http://localhost/",
                                                     "https://example.org/kb/")))
def test_a_link_made_around_a_stand_in_is_url_fors(app, values, which, lang, external, base):
    endpoint, name = which
    with app.test_request_context("/api/search", base_url=base):
        link = id_link(endpoint, name, lang, external)
        for value in values:
            assert link(value) == url_for(endpoint, **{name: value}, lang=lang,
                                          _external=external)


def test_a_chinese_link_is_the_zh_page(app):
    with app.test_request_context("/api/search"):
        assert id_link("pages.measure", "measure_id", "zh", False)("a-1") == "/zh/measures/a-1"
        assert id_link("pages.source", "source_id", "en", True)("b") == \
            "http://localhost/sources/b"


JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(),
                        st.floats(allow_nan=False, allow_infinity=False))
JSON_TREES = st.recursive(JSON_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8), inner, max_size=5)),
    max_leaves=40)


@settings(max_examples=examples(150))
@given(data=st.dictionaries(st.text(max_size=8), JSON_TREES, max_size=6))
def test_an_answer_encoded_without_the_circular_check_is_flasks(app, data):
    with app.test_request_context("/api/search"):
        fast, plain = json_answer(data), app.json.response(data)
        assert fast.get_data() == plain.get_data()
        assert fast.headers == plain.headers


def test_in_debug_mode_the_answer_is_flasks_own(app):
    app.debug = True
    with app.test_request_context("/api/search"):
        assert json_answer({"a": [1]}) == {"a": [1]}  # Flask indents it


@pytest.mark.parametrize("query", ["customs clearance", "", "oil"])
def test_a_hit_described_from_its_object_or_its_mapping_is_the_same(kb, query):
    sources = kb.sources_by_id()
    links = serialize.Links(measure=lambda m: f"/m/{m}", source=lambda s: f"/s/{s}")
    hits = kb.search(query).hits
    assert hits
    for hit in hits:
        assert serialize.hit(hit, sources, links) == serialize.hit(hit.to_dict(), sources, links)


def test_the_sources_by_id_are_the_sources_and_read_only(kb):
    sources = kb.sources_by_id()
    assert dict(sources) == {s["id"]: s for s in kb.sources()}
    with pytest.raises(TypeError):
        sources["new"] = {}  # shared by every answer of the generation
