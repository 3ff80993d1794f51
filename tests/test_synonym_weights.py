"""The word typed counts more than its synonyms and translations (docs/relevance.md).

A query word searches its whole synonym group (synonyms.yaml, everyday.yaml, glossary.yaml);
the word typed scores fully, another term of its language at SYNONYM_WEIGHT and a term of
the other language at TRANSLATION_WEIGHT (indexer/engine/scoring.py). On the fixture
records, with pairs of records added that are the same but for one word (the word typed in
one, a synonym or translation of it in the other, which is the newer, so that equal scores
would put it first): the record holding the word typed comes first, and the other is still
found.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from whoosh import qparser

import indexer.query.boosts as boosts
from indexer.engine.scoring import SYNONYM_WEIGHT, TRANSLATION_WEIGHT
from indexer.search import KnowledgeBase
from tests.conftest import indexed_corpus_with
from tests.helpers import examples, record

# (the word typed, the other term of its group a record holds, the weight the other counts at);
# no fixture record holds a term of these groups, so each term is in one record only
PAIRS = [
    ("supplier", "vendor", SYNONYM_WEIGHT),  # everyday.yaml, English
    ("航运", "海事", SYNONYM_WEIGHT),  # everyday.yaml, Chinese
    ("booking", "reservation", SYNONYM_WEIGHT),
    ("truck", "货车", TRANSLATION_WEIGHT),  # English typed, a Chinese record
    ("船舶", "vessel", TRANSLATION_WEIGHT),  # Chinese typed, an English record
]


def _record(term: str, date: str) -> str:
    return record(title="A test record", body=f"A measure on {term} only.", date=date)


@pytest.fixture(scope="module")
def pairs_kb(tmp_path_factory):
    records = {}
    for i, (typed, other, _weight) in enumerate(PAIRS):
        records[f"zzweights-{i}-own"] = _record(typed, "2024-01-01")
        records[f"zzweights-{i}-other"] = _record(other, "2024-06-01")  # newer: first on a tie
    kb = KnowledgeBase(indexed_corpus_with(tmp_path_factory.mktemp("weights"), {},
                                           records=records))
    yield kb
    kb.close()


def _ranks(result) -> dict[str, int]:
    return {hit.id: rank for rank, hit in enumerate(result.hits)}


@pytest.mark.parametrize("i", range(len(PAIRS)), ids=[f"{t}>{o}" for t, o, _w in PAIRS])
def test_the_word_typed_ranks_above_its_synonym(pairs_kb, i):
    typed, other, weight = PAIRS[i]
    own, alt = f"zzweights-{i}-own", f"zzweights-{i}-other"
    result = pairs_kb.search(typed, per_page=50)
    ranks = _ranks(result)
    # both found, the record of the word typed first, and no other record (each term is in
    # one record only, so the two scores differ by the weight alone)
    assert set(ranks) == {own, alt}, (typed, ranks)
    assert ranks[own] < ranks[alt], (typed, ranks)
    scores = {hit.id: hit.score for hit in result.hits}
    assert scores[alt] == pytest.approx(weight * scores[own], rel=1e-4), scores


@pytest.mark.parametrize("form", ["{typed} AND measure", "({typed} OR zzqqxx) only",
                                  "{typed} zzqqxx"],
                         ids=["structured", "brackets", "relaxed"])
@pytest.mark.parametrize("i", range(len(PAIRS)), ids=[f"{t}>{o}" for t, o, _w in PAIRS])
def test_the_word_typed_ranks_first_in_any_query(pairs_kb, i, form):
    """In a query with operators or brackets, and in one relaxed to the words some record
    holds, the word typed still ranks above its synonym, and the synonym's record is found."""
    typed, _other, _weight = PAIRS[i]
    own, alt = f"zzweights-{i}-own", f"zzweights-{i}-other"
    result = pairs_kb.search(form.format(typed=typed), per_page=50)
    ranks = _ranks(result)
    assert own in ranks and alt in ranks, (form, typed, ranks, result.messages())
    assert ranks[own] < ranks[alt], (form, typed, ranks)


def test_the_api_ranks_the_word_typed_first(pairs_kb, tmp_path):
    """Through the JSON API, as a client reads it."""
    from webapp import create_app

    index = pairs_kb.index_dir
    app = create_app({"TESTING": True, "MEASURES_DIR": index.parent / "measures",
                      "INDEX_DIR": index})
    body = app.test_client().get("/api/search?q=supplier&per_page=50").get_json()
    ids = [hit["id"] for hit in body["results"]]
    i = next(n for n, pair in enumerate(PAIRS) if pair[0] == "supplier")
    assert ids.index(f"zzweights-{i}-own") < ids.index(f"zzweights-{i}-other"), ids


# The user's own boosts never reach the parser, which reads the synonyms' weights as boosts:
# with the weights at 1 (no boost written), the query built with the parser's BoostPlugin is
# the query built without it (the reference), whatever the user types.
TOKENS = ["oil", "supplier", "货车", "^", "^5", "oil^5", "oil^0.5", '"oil^5 tank"', "(", ")",
          ")^2", "OR", "AND", "NOT", "title:oil^3", 'title:"bonded oil"^2', '"', "ship^",
          "保税^2", "zone:zhejiang^4", "~2", "tank~", "-oil^2", "+gas"]


@settings(max_examples=examples(300), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=6))
def test_a_users_boost_never_reaches_the_query(pairs_kb, monkeypatch, words):
    monkeypatch.setattr(boosts, "SYNONYM_WEIGHT", 1.0)
    monkeypatch.setattr(boosts, "TRANSLATION_WEIGHT", 1.0)
    builder = pairs_kb._gen.builder
    reference = copy.copy(builder)
    reference.parser = builder._parser(syntax=True)
    reference.parser.remove_plugin_class(qparser.BoostPlugin)
    text = " ".join(words)
    assert builder.parse(text).query == reference.parse(text).query, text
