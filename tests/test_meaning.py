"""Ranking by meaning (indexer/analysis/meaning.py, indexer/search/hybrid.py): the word
vectors kept with the project, a record's vector, and the hybrid ranking checked against a
plain reference computed from the records' text, apart from the index."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
import yaml
from hypothesis import given, settings, strategies as st

from indexer.analysis import meaning
from indexer.analysis.meaning_table import derive
from indexer.search import KnowledgeBase
from indexer.search.hybrid import CANDIDATES, WEIGHT, WINDOW
from tests.conftest import FIXTURE_RECORDS
from tests.helpers import examples
from tests.webhelpers import text_of


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


def _reference(kb, lexical, query: str, zones=()) -> tuple[list, list]:
    """What a relaxed search must show, computed apart from the index: (the window and the
    records joined, as (id, fused score, joined) in any order; the matches after the
    window, in BM25's order, as ids). BM25 from the lexical search; the common direction by
    a singular value decomposition of the records' bytes; the joins chosen among all
    records (within any zone the query names) before the filters, as the matches are."""
    plain = lexical.search(query, zones=zones, per_page=100)
    assert plain.total <= 100  # the test corpora: every match is on this one page
    mean = meaning.table().average([meaning.words(query)])
    if not plain.relaxed or mean is None:
        return [(h.id, h.score, False) for h in plain.hits], []
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
    q = np.frombuffer(meaning.quantize(mean), dtype=np.int8) / 127  # as a record's bytes
    q = q - (q @ common) * common
    q /= np.linalg.norm(q)
    cos = dict(zip(ids, vectors @ q))
    head, tail = plain.hits[:WINDOW], [h.id for h in plain.hits[WINDOW:]]
    best = max((h.score for h in head), default=0.0) or 1.0
    out = [(h.id, h.score / best + WEIGHT * cos[h.id], False) for h in head]
    # the joins: nearer than every match of the search without its filters
    parsed = kb._gen.builder.parse(query)
    holding = {h.id for h in lexical.search(query, per_page=100).hits}
    floor = max([0.0] + [cos[i] for i in holding])
    named = {z for z, _typed in parsed.zones_named}  # a zone named, or a place in it
    named |= {z for u in parsed.units for z in (u.zone, u.place) if z}
    near = sorted((i for i in ids if i not in holding and cos[i] > floor
                   and (not named or set(records[i]["zones"]) & named)),
                  key=lambda i: -cos[i])[:CANDIDATES]
    shown = {h.id for h in plain.hits}  # a filter's partial match may hold one of them
    out += [(i, WEIGHT * cos[i], True) for i in near
            if i not in shown and (not zones or set(records[i]["zones"]) & set(zones))]
    return out, tail


def _check_against_reference(kb, lexical, query: str, zones=(), per_page=7):
    head, tail = _reference(kb, lexical, query, zones)
    got, page = [], 1
    while True:  # every page, as a reader pages through them
        result = kb.search(query, zones=zones, page=page, per_page=per_page)
        got += result.hits
        if page * per_page >= result.total:
            break
        page += 1
    assert result.total == len(head) + len(tail) == len(got)
    expected = {i: (score, joined) for i, score, joined in head}
    shown_head, shown_tail = got[:len(head)], got[len(head):]
    assert [h.id for h in shown_tail] == tail  # after the window: BM25's order
    assert {h.id for h in shown_head} == set(expected)
    assert [h.near_in_meaning for h in shown_head] == [expected[h.id][1] for h in shown_head]
    scores = [expected[h.id][0] for h in shown_head]
    if any(joined for _i, _s, joined in head) or any(s is not None for s in scores):
        assert [h.score for h in shown_head] == pytest.approx(scores, abs=1e-5)
        assert all(a >= b - 1e-5 for a, b in zip(scores, scores[1:]))  # best first


WORDS = ["bonded", "oil", "tank", "fuel", "ships", "quantum", "firms", "foreign", "talent",
         "certificates", "origin", "paperless", "railway", "perishable", "fresh", "quickly",
         "insurance", "credit", "small", "warehouse", "export", "customs", "the", "of", "zebra",
         "Zhejiang", "Zhoushan", "Guangdong"]


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
       st.sampled_from([(), ("zhejiang",), ("guangdong",)]))
@settings(max_examples=examples(120))
def test_the_hybrid_ranking_is_the_reference_computed_apart(kb, lexical, words, zones):
    _check_against_reference(kb, lexical, " ".join(words), zones)


TOPICS = ["Ships refuel with bonded marine fuel at the port.",
          "Fresh fruit and vegetables are exported quickly by air.",
          "Foreign companies open accounts in yuan at local banks.",
          "Engineers from abroad have their qualifications recognised.",
          "Trains carry containers to Laos under one waybill.",
          "Small exporters buy credit insurance at lower premiums.",
          "Customs inspects special goods such as vaccines faster.",
          "A warehouse stores goods for export and for import."]


@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    """More matches than the window holds: 60 records holding the word zqshared, of eight
    topics (their meaning), and eight of the topics without it."""
    from tests.conftest import indexed_corpus_with

    bodies = {f"r-{i:02d}": f"zqshared {TOPICS[i % 8]} " + " zqshared" * (i % 5)
              for i in range(60)}
    bodies.update({f"s-{i}": TOPICS[i] for i in range(8)})
    index = indexed_corpus_with(tmp_path_factory.mktemp("crowded"), bodies)
    kbs = KnowledgeBase(index), KnowledgeBase(index, meaning=False)
    yield kbs
    for one in kbs:
        one.close()


@pytest.mark.parametrize("query", ["zqshared petroleum tanker", "zqshared orchard harvest",
                                   "zqshared astronaut galaxy"])
@pytest.mark.parametrize("per_page", [7, 20, 100])
def test_pages_past_the_window_are_the_reference_computed_apart(crowded, query, per_page):
    kb, lexical = crowded
    assert WINDOW < lexical.search(query).total <= 100 and lexical.search(query).relaxed
    _check_against_reference(kb, lexical, query, per_page=per_page)


@pytest.mark.parametrize("query", ["保税 油 zqabsent", "原产地证书 zqabsent", "oil 保税 zqabsent",
                                   '"bonded oil" tank zqabsent', "zone:zhejiang oil zqabsent"])
def test_chinese_and_syntax_are_ranked_by_their_words_alone(kb, lexical, query):
    got, plain = kb.search(query, per_page=100), lexical.search(query, per_page=100)
    assert plain.relaxed  # a partial match: where meaning would act on plain English
    assert [(h.id, h.score) for h in got.hits] == [(h.id, h.score) for h in plain.hits]
    assert got.total == plain.total and not any(h.near_in_meaning for h in got.hits)


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
    # the count of the joined is said after what the relaxation kept, which it adds to
    relaxed = next(i for i, n in enumerate(api["notes"]) if n.startswith("No measure holds"))
    assert api["notes"][relaxed + 1].startswith("Also shown, marked so")
    assert api["notes"][relaxed + 1].endswith(f"({len(joined)}).")
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
    # the page says how many, after what the relaxation kept, in both languages
    english = text_of(client.get("/search", query_string={"q": PARAPHRASE}).get_data(as_text=True))
    said = english.index(f"holding fewer of its words ({len(joined)}).")
    assert english.index("No measure holds every word") < said
    assert f"所含查询词较少的举措（{len(joined)} 项）" in text_of(page)


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


def test_the_vectors_read_whole_are_the_column_read_document_by_document(built_index, tmp_path):
    """Postings.fixed_column (each segment's column in one read) against Whoosh's column
    reader, document by document, over an index of several segments with deletions."""
    import shutil

    from indexer.engine.build import build_index
    from tests.helpers import write

    measures = tmp_path / "measures"
    shutil.copytree(built_index["measures"], measures)
    index = tmp_path / "index"
    build_index(measures, index)
    records = sorted(measures.glob("*.md"))
    records[0].unlink()  # a deletion
    text = records[1].read_text(encoding="utf-8")
    write(records[1], text.replace("\n---\n", "\n---\nShips refuel at a bonded tank.\n\n", 1))
    build_index(measures, index)  # an update: a segment more, the old document deleted
    kb = KnowledgeBase(index)
    try:
        postings = kb._gen.postings
        assert len(postings._segments) > 1 and not postings.live.all()
        whole = postings.fixed_column("meaning", meaning.DIM)
        one_by_one = b"".join(postings.column("meaning"))
        assert whole.tobytes() == one_by_one and whole.any()
    finally:
        kb.close()


@given(st.integers(2, 3000), st.integers(0, 2**32 - 1))
@settings(max_examples=examples(25))
def test_a_space_is_the_same_whatever_the_records_order(n, seed):
    """Segments merged or a record updated reorder the documents: the common direction and
    each record's vector must not move (the Gram matrix's sums are exact)."""
    rng = np.random.default_rng(seed)
    packed = rng.integers(-127, 128, size=(n, meaning.DIM)).astype(np.int8).view(np.uint8)
    packed[rng.random(n) < 0.1] = 0  # records without English
    live = rng.random(n) < 0.9
    perm = rng.permutation(n)
    one = meaning.Space(packed, live)
    other = meaning.Space(np.ascontiguousarray(packed[perm]), live[perm])
    assert np.array_equal(one.common, other.common)
    query = one.query("bonded fuel for ships at the port")
    if not one.usable:  # no live record has a vector: no query vector, nothing to rank by
        assert query is None and not other.usable
        return
    assert np.array_equal(one.similarity(query)[perm], other.similarity(query))
    docs = rng.permutation(n)[:50]
    assert np.array_equal(one.similarity(query, docs), other.similarity(query, np.argsort(perm)[docs]))
    # and they are the plain cosines: the common direction out of both, unit length
    raw = packed.view(np.int8).astype(np.float64) / 127
    flat = raw - np.outer(raw @ one.common, one.common)
    norms = np.linalg.norm(flat, axis=1)
    q = query.astype(np.float64) / 127
    q -= (q @ one.common) * one.common
    cos = np.divide(flat @ q, norms * np.linalg.norm(q), out=np.zeros(n),
                    where=(norms > 1e-9) & (live & packed.any(axis=1)))
    assert one.similarity(query) == pytest.approx(cos, abs=1e-9)
    # and it is the first right singular vector, as a plain SVD of the used rows finds it
    used = live & packed.any(axis=1)
    if used.sum() >= 2:
        svd = np.linalg.svd(packed.view(np.int8)[used].astype(np.float64) / 127)[2][0]
        assert abs(abs(float(svd @ one.common)) - 1) < 1e-4


@given(st.lists(st.sampled_from(WORDS), min_size=2, max_size=4),
       st.sampled_from(["zhejiang", "guangdong", "shanghai", "tianjin"]))
@settings(max_examples=examples(60))
def test_a_filter_shows_the_joined_records_of_its_zone_and_the_facet_counts_them(kb, words,
                                                                                zone):
    """The records joined by meaning do not depend on the filters (as the words' matches do
    not): the zone's facet counts them, and its filter shows exactly them (where the filter
    leaves a partial match: a filter may leave a record holding every word, or none)."""
    query = " ".join(words)
    everywhere = kb.search(query, per_page=100)
    filtered = kb.search(query, zones=[zone], per_page=100)
    joined = {h.id for h in everywhere.hits if h.near_in_meaning}
    in_zone = {h.id for h in everywhere.hits if h.near_in_meaning and zone in h.zones}
    assert len(joined) <= CANDIDATES
    if everywhere.relaxed and filtered.relaxed:  # both partial matches: both join by meaning
        # the zone's joined records are shown (joined, or matched by the filter's words: a
        # filter may keep other words of a partial match), and no other is joined
        assert in_zone <= {h.id for h in filtered.hits}
        assert {h.id for h in filtered.hits if h.near_in_meaning} <= in_zone
    if everywhere.relaxed and filtered.relaxed == everywhere.relaxed:
        assert everywhere.facets["zone"].get(zone, 0) == filtered.total


def _plain_average(words: list[str]) -> np.ndarray | None:
    table = meaning.table()
    known = [w for w in words if w in table.row]
    if not known:
        return None
    total = sum(float(table.weights[table.row[w]]) for w in known)
    return sum(float(table.weights[table.row[w]]) * table.vectors[table.row[w]] / 127.0
               for w in known) / total


@pytest.mark.parametrize("record", sorted(FIXTURE_RECORDS.glob("*.md")), ids=lambda p: p.stem)
def test_a_records_vector_is_its_words_averaged_as_documented(record):
    """record_vector against the rule written out plainly: each part's weighted average
    (weights a / (a + p)), title x3, tags x2, the body's first 80 known words x1, to unit
    length, in 127ths (one unit of rounding apart at most)."""
    import re

    text = record.read_text(encoding="utf-8")
    _before, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    title, tags = meta["title"], " ".join(str(t) for t in meta.get("tags", ()))
    table = meaning.table()
    body_words = [w for w in re.findall("[a-z]+", body[:1600].lower()) if w in table.row][:80]
    parts = [(re.findall("[a-z]+", title.lower()), 3.0), (re.findall("[a-z]+", tags.lower()), 2.0),
             (body_words, 1.0)]
    total = sum(w * v for words, w in parts if (v := _plain_average(words)) is not None)
    expected = np.round(total / np.linalg.norm(total) * 127)
    got = np.frombuffer(meaning.record_vector(title, tags, body), dtype=np.int8)
    assert np.abs(got - expected).max() <= 1
