"""Ranking by meaning (indexer/analysis/meaning.py, indexer/search/hybrid.py): the word
vectors kept with the project, a record's vector, and the hybrid ranking checked against a
plain reference computed from the records' text, apart from the index."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from indexer.analysis import meaning
from indexer.analysis.meaning_table import derive
from indexer.search import KnowledgeBase
from indexer.search.hybrid import CANDIDATES, WEIGHT, WINDOW
from tests.helpers import examples


@pytest.fixture(scope="module")
def lexical(built_index):
    kb = KnowledgeBase(built_index["index"], meaning=False)
    yield kb
    kb.close()


def test_the_kept_table_puts_the_fields_paraphrases_near_each_other():
    table = meaning.table()
    assert len(table.row) == 60_000 and table.vectors.dtype == np.int8

    def nearest(word, among):
        v = table.vectors[table.row[word]].astype(float)
        return max(among, key=lambda w: table.vectors[table.row[w]].astype(float) @ v)

    assert nearest("firms", ["companies", "tanks", "quickly"]) == "companies"
    assert nearest("perishable", ["fresh", "aircraft", "licence"]) == "fresh"
    # a word as common as "the" weighs next to nothing; a rare one nearly 1
    assert table.weights[table.row["the"]] < 0.01 < 0.9 < table.weights[table.row["bunker"]]


def test_a_record_without_english_has_no_vector_and_one_with_it_has_unit_length():
    assert meaning.record_vector("", "", "") == meaning.EMPTY
    assert meaning.record_vector("保税燃料油", "保税", "舟山 保税 燃料油 供应") == meaning.EMPTY
    packed = np.frombuffer(meaning.record_vector("Bonded fuel", "bunkering", "Ships refuel."),
                           dtype=np.int8)
    assert abs(np.linalg.norm(packed / 127) - 1) < 0.02


def test_the_title_weighs_more_than_the_body():
    fuel = meaning.record_vector("Ship fuel supply", "", "Customs clearance of imported grain.")
    grain = meaning.record_vector("Imported grain clearance", "", "Ship fuel supply.")
    query = meaning.table().average([["fuel", "for", "ships"]])
    cos = {n: np.frombuffer(v, dtype=np.int8) @ query for n, v in (("fuel", fuel), ("grain", grain))}
    assert cos["fuel"] > cos["grain"]


def test_the_table_is_derived_from_the_source_as_documented():
    source = {"dimensions": meaning.DIM, "words": ["the", ",", "firms", "r&d", "zero"],
              "vectors": {"the": [3.0] + [0.0] * 101, ",": [1.0] * 102,
                          "firms": [0.0, 4.0] + [0.0] * 100, "r&d": [1.0] * 102,
                          "zero": [0.0] * 102}}
    table = derive(source, words=5)
    assert bytes(table["words"]).decode() == "the\nfirms"  # letters only; no null vector
    assert table["ranks"].tolist() == [1, 3]  # the rank in the full list weighs the word
    assert table["vectors"][0][0] == 127 and table["vectors"][1][1] == 127


def _reference(kb, lexical, query: str, zones=()) -> list[tuple[str, float, bool]]:
    """(id, score, joined by meaning) of every record shown, computed apart from the index:
    BM25 from the lexical search; for a relaxed one, each record's vector from its text, the
    common direction by a singular value decomposition, the fused scores of the matches and
    of the CANDIDATES records nearer in meaning than every match."""
    plain = lexical.search(query, zones=zones, per_page=WINDOW)
    assert plain.total <= WINDOW  # the fixture corpus: every match is in the window
    mean = meaning.table().average([meaning.words(query)])
    if not plain.relaxed or mean is None:
        return [(h.id, h.score, False) for h in plain.hits]
    ids = [m.id for m in kb.measures()]
    records = {i: kb.measure(i) for i in ids}
    raw = np.array([np.frombuffer(meaning.record_vector(r["title"], " ".join(r["tags"]),
                                                        r["body"]), dtype=np.int8)
                    for r in records.values()], dtype=np.float64) / 127
    used = raw.any(axis=1)
    common = np.linalg.svd(raw[used], full_matrices=False)[2][0]
    vectors = raw - np.outer(raw @ common, common)
    norms = np.linalg.norm(vectors, axis=1)
    vectors = np.divide(vectors, norms[:, None], out=np.zeros_like(vectors),
                        where=norms[:, None] > 0)
    q = mean - (mean @ common) * common
    q /= np.linalg.norm(q)
    cos = dict(zip(ids, vectors @ q))
    best = max((h.score for h in plain.hits), default=0.0) or 1.0
    out = [(h.id, h.score / best + WEIGHT * cos[h.id], False) for h in plain.hits]
    matches = {h.id for h in plain.hits}
    floor = max([0.0] + [cos[i] for i in matches])
    # a zone named in the query, as a zone or by a place in it, bounds the records joined
    parsed = kb._gen.builder.parse(query)
    named = {z for z, _typed in parsed.zones_named}
    named |= {z for u in parsed.units for z in (u.zone, u.place) if z}
    allowed = [i for i in ids if i not in matches and cos[i] > floor
               and (not zones or set(records[i]["zones"]) & set(zones))
               and (not named or set(records[i]["zones"]) & named)]
    near = sorted(allowed, key=lambda i: -cos[i])[:CANDIDATES]
    return out + [(i, WEIGHT * cos[i], True) for i in near]


WORDS = ["bonded", "oil", "tank", "fuel", "ships", "quantum", "firms", "foreign", "talent",
         "certificates", "origin", "paperless", "railway", "perishable", "fresh", "quickly",
         "insurance", "credit", "small", "warehouse", "export", "customs", "the", "of", "zebra",
         "Zhejiang", "Zhoushan", "Guangdong"]


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
       st.sampled_from([(), ("zhejiang",), ("guangdong",)]))
@settings(max_examples=examples(120))
def test_the_hybrid_ranking_is_the_reference_computed_apart(kb, lexical, words, zones):
    query = " ".join(words)
    expected = {i: (score, joined) for i, score, joined in _reference(kb, lexical, query, zones)}
    got = kb.search(query, zones=zones, per_page=len(expected) or 1)
    assert {h.id for h in got.hits} == set(expected)
    assert got.total == len(expected)
    assert [h.near_in_meaning for h in got.hits] == [expected[h.id][1] for h in got.hits]
    scores = [expected[h.id][0] for h in got.hits]
    assert [h.score for h in got.hits] == pytest.approx(scores, abs=2e-3)
    assert all(a >= b - 2e-3 for a, b in zip(scores, scores[1:]))  # best first


@pytest.mark.parametrize("query", ["保税 油", "原产地证书", '"bonded oil"', "oil AND tank",
                                   "title:railway", "zone:zhejiang oil", "rail*"])
def test_chinese_and_syntax_are_ranked_by_their_words_alone(kb, lexical, query):
    got, plain = kb.search(query), lexical.search(query)
    assert [(h.id, h.score) for h in got.hits] == [(h.id, h.score) for h in plain.hits]
    assert got.total == plain.total


@pytest.mark.parametrize("query", ["bonded", "oil tank", "certificates of origin", "talent",
                                   "fuel oil for ships"])
def test_a_query_every_word_of_which_matches_is_ranked_by_its_words(kb, lexical, query):
    got, plain = kb.search(query, per_page=100), lexical.search(query, per_page=100)
    assert got.relaxed is None and got.total == plain.total
    assert [(h.id, h.score) for h in got.hits] == [(h.id, h.score) for h in plain.hits]
    assert not any(h.near_in_meaning for h in got.hits)


PARAPHRASE = "fruit and vegetables sent abroad fast"
PERISHABLE = "guangdong-express-perishable-exports-6-hour-release"


def test_a_relaxed_search_joins_the_record_nearer_in_meaning_and_says_so(client, kb, lexical):
    plain = lexical.search(PARAPHRASE, per_page=100)
    got = kb.search(PARAPHRASE, per_page=100)
    assert plain.relaxed and PERISHABLE not in {h.id for h in plain.hits}
    ranked = [h.id for h in got.hits]
    assert PERISHABLE in ranked[:3]  # the 6-hour release of perishable exports
    joined = [h for h in got.hits if h.near_in_meaning]
    assert 0 < len(joined) <= CANDIDATES and got.total == plain.total + len(joined)
    assert {h.id for h in got.hits} - {h.id for h in joined} == {h.id for h in plain.hits}
    assert all("near in meaning" in " ".join(map(str, h.explanation)) for h in joined)
    assert not any("near in meaning" in " ".join(map(str, h.explanation))
                   for h in got.hits if not h.near_in_meaning)
    # the API, the exports and the feed carry the same records and facts
    api = client.get("/api/search", query_string={"q": PARAPHRASE, "per_page": 100}).get_json()
    assert {h["id"]: h["near_in_meaning"] for h in api["results"]} == \
        {h.id: h.near_in_meaning for h in got.hits}
    export = json.loads(client.get("/search.json", query_string={"q": PARAPHRASE})
                        .get_data(as_text=True))
    assert {r["id"]: r["near_in_meaning"] for r in export["measures"]} == \
        {h.id: h.near_in_meaning for h in got.hits}
    rows = list(csv.DictReader(io.StringIO(
        client.get("/search.csv", query_string={"q": PARAPHRASE}).get_data(as_text=True)
        .lstrip("\ufeff"))))
    assert {r["id"] for r in rows if r["near_in_meaning"] == "True"} == {h.id for h in joined}
    feed = client.get("/search.atom", query_string={"q": PARAPHRASE}).get_data(as_text=True)
    assert feed.count("Shown as near in meaning to the query") == len(joined)
    page = client.get("/zh/search", query_string={"q": PARAPHRASE}).get_data(as_text=True)
    assert page.count("因与查询含义相近而列出") == len(joined)


def test_an_index_built_again_ranks_alike(kb, built_index, tmp_path):
    """The vectors are part of the index: a rebuild of the same records ranks the same."""
    from indexer.engine.build import build_index

    build_index(built_index["measures"], tmp_path / "again")
    again = KnowledgeBase(tmp_path / "again")
    try:
        for query in (PARAPHRASE, "scientific research grants", "foreign firms"):
            assert [(h.id, round(h.score, 6)) for h in again.search(query).hits] == \
                [(h.id, round(h.score, 6)) for h in kb.search(query).hits]
    finally:
        again.close()
