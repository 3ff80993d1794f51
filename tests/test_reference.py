"""The engine against the reference (tests/reference.py) on generated corpora and queries.

For every generated corpus (records built and published as a user would, then partly
edited and deleted so the index has several segments and deleted documents) and query
(words, AND/OR/NOT, phrases, prefixes, fields, zone and pillar filters, Chinese):
- the matches equal the reference's;
- the top k (up to 20), scores and order, equal a brute-force BM25F ranking, through the block-max
  path (blocks of 4 documents, so that corpora of a few dozen records have many) and the
  score-everything path;
- pages 1..n read one after another are the first n x per_page of one page: no record
  twice, none skipped.
"""

from __future__ import annotations

import math
import shutil
import string

import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from indexer.engine.whooshfiles import codec
from indexer.engine import collect, scoring
from indexer.engine.build import build_index
from indexer.engine.compiling import compile_query
from indexer.query.relax import FUNCTION_WORDS
from indexer.search import KnowledgeBase
from tests.conftest import SHIPPED
from tests.helpers import examples, record, write
from tests.reference import Reference

EN = ["trade", "trading", "customs", "clearance", "bonded", "oil", "tank", "zone", "port",
      "railway", "warehouse", "the", "of", "and", "export", "credit", "insurance", "into",
      "without"]
ZH = ["油品", "保税", "原产地证书", "铁路", "中老铁路", "贸易", "仓库", "出口"]
ZONES = ["zhejiang", "shanghai", "yunnan"]
PILLARS = ["logistics", "key-industries", "precise-services"]
# No shrinking: each example builds an index, and shrinking one takes minutes; a failure
# prints its corpus and query as generated.
SETTINGS = dict(phases=[Phase.explicit, Phase.reuse, Phase.generate])  # the rest: the profile's

words = st.sampled_from(EN + ZH)
texts = st.lists(words, min_size=0, max_size=24).map(" ".join)
records = st.fixed_dictionaries({
    "title": st.lists(st.sampled_from(EN), min_size=1, max_size=5).map(" ".join),
    "title_zh": st.lists(st.sampled_from(ZH), min_size=1, max_size=3).map("".join),
    "zones": st.lists(st.sampled_from(ZONES), min_size=1, max_size=2, unique=True),
    "pillar": st.sampled_from(PILLARS),
    "date": st.dates(min_value=__import__("datetime").date(2015, 1, 1),
                     max_value=__import__("datetime").date(2016, 12, 31)).map(str),
    "tags": st.lists(st.sampled_from(EN + ZH), min_size=1, max_size=3, unique=True),
    "body": texts,
})
corpora = st.tuples(st.lists(records, min_size=16, max_size=60),
                    st.lists(st.tuples(st.integers(0, 59), texts), max_size=6),  # edits
                    st.lists(st.integers(0, 59), max_size=4))  # deletions

prefix = st.builds(lambda w, n: w[:n] + "*", st.sampled_from([w for w in EN if len(w) > 3]),
                   st.integers(2, 4))
atom = st.one_of(
    words, words, words,
    st.lists(words, min_size=2, max_size=3).map(lambda ws: '"' + " ".join(ws) + '"'),
    prefix,
    st.sampled_from(EN).map(lambda w: f"title:{w}"),
    st.sampled_from(EN + ZH).map(lambda w: f"tag:{w}"),
    st.sampled_from(ZONES).map(lambda z: f"zone:{z}"),
    st.sampled_from(PILLARS).map(lambda p: f"pillar:{p}"),
    words.map(lambda w: f"NOT {w}"),
)


@st.composite
def queries(draw):
    parts = draw(st.lists(atom, min_size=1, max_size=4))
    text = parts[0]
    for part in parts[1:]:
        text += draw(st.sampled_from([" ", " AND ", " OR "])) + part
    if draw(st.booleans()) and len(parts) > 1:
        text = f"({text}) {draw(words)}"
    return text


searches = st.tuples(queries(), st.lists(st.sampled_from(ZONES), max_size=2, unique=True),
                     st.lists(st.sampled_from(PILLARS), max_size=1))


def _build(root, corpus) -> tuple:
    """Write the records, build, then edit and delete some and build again (segments)."""
    items, edits, deletions = corpus
    measures, index = root / "measures", root / "index"
    shutil.rmtree(root, ignore_errors=True)
    measures.mkdir(parents=True)
    for name in ("zones.yaml", "pillars.yaml", "dictionary.txt", "synonyms.yaml"):
        shutil.copy(SHIPPED / name, measures / name)
    shutil.copytree(SHIPPED / "sources", measures / "sources")

    def put(i, item, body=None):
        write(measures / f"r{i:03d}.md", record(
            title=item["title"], title_zh=item["title_zh"], zones=f"[{', '.join(item['zones'])}]",
            pillar=item["pillar"], date=item["date"], tags=f"[{', '.join(item['tags'])}]",
            body=body if body is not None else item["body"] or "No text."))

    for i, item in enumerate(items):
        put(i, item)
    build_index(measures, index)
    for i, body in edits:
        if i < len(items):
            put(i, items[i], body or "Edited.")
    for i in deletions:
        if 0 < i < len(items):
            (measures / f"r{i:03d}.md").unlink(missing_ok=True)
    build_index(measures, index)
    return measures, index


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 4 documents and batches of 4 to start with: small corpora take the
    block-max path through many blocks and batches."""
    monkeypatch.setattr(codec, "BLOCK", 4)
    monkeypatch.setattr(collect, "FIRST_BATCH", 4)


def _engine_ranking(gen, parsed, zones, pillars, k, score_all):
    ctx = gen.context()
    root = compile_query(parsed.query, gen.postings)
    matched = root.match(ctx) & gen.live
    allowed = collect.intersect(matched, gen.any_of("zone", zones), gen.any_of("pillar", pillars))
    before = collect.SCORE_ALL_BELOW
    collect.SCORE_ALL_BELOW = 10**9 if score_all else 0
    try:
        docs, scores = collect.top(ctx, root, allowed, gen.rank, k)
    finally:
        collect.SCORE_ALL_BELOW = before
    return matched, allowed, [(d, scores[d]) for d in docs]


@settings(max_examples=examples(12), **SETTINGS)
@given(corpus=corpora, data=st.data())
def test_engine_equals_reference(tmp_path, small_blocks, corpus, data):
    measures, index = _build(tmp_path / "corpus", corpus)
    reference = Reference(measures)
    kb = KnowledgeBase(index, time_budget=None)
    try:
        gen = kb._gen
        assert gen.postings.blocks > 1 or len(reference.docs) <= 4
        ids = np.array(gen.postings.column("id"), dtype=object)
        for _ in range(12):
            text, zones, pillars = data.draw(searches)
            parsed = gen.builder.parse(text)
            if parsed.query is None:
                continue
            allowed_ids = {d.id for d in reference.docs
                           if (not zones or set(zones) & set(reference.by_id[d.id].terms["zones"]))
                           and (not pillars or pillars[0] in reference.by_id[d.id].terms["pillar"])}
            expected = reference.ranking(parsed.query, allowed_ids)
            matched_all = {d.id for d in reference.docs if reference.matches(parsed.query, d)}
            k = data.draw(st.sampled_from([1, 3, 7, 20]))
            for score_all in (False, True):
                matched, allowed, top = _engine_ranking(gen, parsed, zones, pillars, k, score_all)
                assert set(ids[np.flatnonzero(matched)]) == matched_all, (text, parsed.query)
                assert set(ids[np.flatnonzero(allowed)]) == {i for i, _ in expected}, text
                got = [(ids[d], s) for d, s in top]
                assert [i for i, _ in got] == [i for i, _ in expected[:k]], (text, parsed.query, got,
                                                                          expected[:k])
                assert np.allclose([s for _, s in got], [s for _, s in expected[:k]],
                                   rtol=0, atol=1e-6), text
    finally:
        kb.close()


@settings(max_examples=examples(8), **SETTINGS)
@given(corpus=corpora, data=st.data())
def test_pages_read_in_turn_equal_one_long_page(tmp_path, small_blocks, corpus, data):
    """The words-together boost included (queries of plain words): no record twice or
    skipped, whatever the page size."""
    _measures, index = _build(tmp_path / "corpus", corpus)
    kb = KnowledgeBase(index, time_budget=None)
    try:
        for _ in range(6):
            text = data.draw(st.one_of(queries(), st.lists(words, min_size=2, max_size=3)
                                       .map(" ".join)))
            per_page = data.draw(st.integers(1, 7))
            pages = data.draw(st.integers(2, 6))
            whole = [h.id for h in kb.search(text, per_page=per_page * pages).hits]
            read = []
            for page in range(1, pages + 1):
                read += [h.id for h in kb.search(text, page=page, per_page=per_page).hits]
            assert read == whole, text
            assert len(set(read)) == len(read)
    finally:
        kb.close()


def test_block_max_path_scores_few_blocks(tmp_path, small_blocks, monkeypatch):
    """The bound stops early: on a corpus where one record stands out, the top 1 is found
    after scoring far fewer documents than match."""
    items = [{"title": "trade zone", "title_zh": "贸易", "zones": ["zhejiang"],
              "pillar": "logistics", "date": f"2016-01-{1 + i % 28:02d}", "tags": ["port"],
              "body": "trade " + " ".join(["warehouse"] * 30)} for i in range(200)]
    items[77]["body"] = "trade trade trade oil"
    items[77]["title"] = "trade oil"
    _measures, index = _build(tmp_path / "c", (items, [], []))
    kb = KnowledgeBase(index, time_budget=None)
    try:
        gen = kb._gen
        parsed = gen.builder.parse("trade")
        ctx = gen.context()
        root = compile_query(parsed.query, gen.postings)
        scored = []
        original = root.score

        def counting(ctx_, docs):
            scored.append(len(docs))
            return original(ctx_, docs)

        root.score = counting
        monkeypatch.setattr(collect, "FIRST_BATCH", 8)
        allowed = root.match(ctx) & gen.live
        before = collect.SCORE_ALL_BELOW
        collect.SCORE_ALL_BELOW = 0
        try:
            docs, _ = collect.top(ctx, root, allowed, gen.rank, 1)
        finally:
            collect.SCORE_ALL_BELOW = before
        assert gen.record(docs[0])["id"] == "r077"
        assert int(allowed.sum()) == 200 and sum(scored) < 200, scored
    finally:
        kb.close()


def test_generated_text_is_plain():
    # the strategies above write YAML without quoting: keep their words YAML-safe
    assert all(set(w) <= set(string.ascii_lowercase) for w in EN)


def _expected_relaxation(reference, gen, text):
    """The relaxed search worked out on the reference, one record at a time (relax.py's
    rules): which records match and in which order, or None when the query is not relaxed."""
    parsed = gen.builder.parse(text)
    units = [u for u in parsed.units if u.plain]
    holding = {}
    for i, unit in enumerate(units):
        q = gen.builder.unit_query(unit)
        holding[i] = {d.id for d in reference.docs if reference.matches(q, d)}
    held = [i for i in holding if holding[i]]
    missing = [units[i].text for i in holding if not holding[i]]
    named = {typed.lower() for _zone, typed in parsed.zones_named}
    counts = {d.id: sum(d.id in holding[i] for i in held) for d in reference.docs}
    # a word that only shapes the sentence last, a zone's name first, then rarest first;
    # between words as rare, the one whose records hold the most of the other words
    reach = {i: max(counts[d] for d in holding[i]) for i in held}
    held.sort(key=lambda i: (units[i].text.lower() in FUNCTION_WORDS,
                             units[i].text.lower() not in named, len(holding[i]), -reach[i], i))
    together, kept = {d.id for d in reference.docs}, []
    for i in held:
        if not together & holding[i]:
            break
        together &= holding[i]
        kept.append(i)
    matching = together if kept else set()
    if len(held) > 1:
        most = max(counts.values())
        if most > 1:  # Lucene's minimum_should_match 50% from four words on, capped by most
            if len(held) < 4:  # as many as any record holds
                least = max(2, len(kept), most)
            else:  # half, however many words are kept
                least = max(2, min(most, -(-len(held) // 2)))
            matching = matching | {d for d, c in counts.items() if c >= least}
    if not kept:
        return [], missing, []
    ranked = gen.builder.ranked(parsed, [], [units[i] for i in sorted(held)]).query
    # each score times the share of the held words (those that only shape a sentence left
    # out) the record holds, when there are two or more of them
    counted = [i for i in held if units[i].text.lower() not in FUNCTION_WORDS]
    share = {d.id: (sum(d.id in holding[i] for i in counted) / len(counted)
                    if len(counted) > 1 else 1.0) for d in reference.docs}
    found = [(d, float(scoring.rounded(reference.score(ranked, d) * share[d.id])))
             for d in reference.docs if d.id in matching and reference.matches(ranked, d)]
    found.sort(key=lambda ds: (-ds[1], -int(ds[0].date.replace("-", "")), ds[0].id))
    return [units[i].text for i in sorted(kept)], missing, [(d.id, s) for d, s in found]


@settings(max_examples=examples(10), **SETTINGS)
@given(corpus=corpora, data=st.data())
def test_relaxed_search_equals_reference(tmp_path, small_blocks, corpus, data):
    """Partial matches (issue 19): when no record holds every word, the records the facade
    shows and their order are those worked out record by record on the reference."""
    measures, index = _build(tmp_path / "corpus", corpus)
    reference = Reference(measures)
    # BM25 and the relaxation alone: the ranking by meaning has its own reference
    # (tests/test_meaning.py)
    kb = KnowledgeBase(index, time_budget=None, meaning=False)
    relaxed = 0
    try:
        gen = kb._gen
        plain = [w for w in EN + ZH if w not in ("the", "of", "and")] + ["zzabsent", "tariff"]
        for n in range(15):
            text = " ".join(data.draw(st.lists(st.sampled_from(plain), min_size=2, max_size=4,
                                               unique=True)))
            if n % 3 == 0 and "zzabsent" not in text:  # a word no record holds: relaxed
                text += " zzabsent"
            result = kb.search(text, per_page=100)
            if result.total and not result.relaxed or result.corrected_from:
                continue
            kept, missing, expected = _expected_relaxation(reference, gen, text)
            if not result.relaxed:  # nothing any record holds, or only single characters
                assert not kept and result.total == 0, text
                continue
            relaxed += 1
            assert result.relaxed["kept"] == kept and result.relaxed["unheld"] == missing, text
            got = [(h.id, h.score) for h in result.hits]
            assert [i for i, _ in got] == [i for i, _ in expected[:100]], (text, got, expected)
            assert np.allclose([s for _, s in got], [s for _, s in expected[:100]],
                               rtol=0, atol=1e-6), text
            assert result.total == len(expected)
    finally:
        kb.close()
    assert relaxed, "no query of these was relaxed"


def test_a_word_in_several_fields_is_one_term_saturated_once(tmp_path):
    """BM25F (issue 21): a word in the title, the tags and the body is one term of one
    combined document, with one idf over the records holding it anywhere; its score stays
    below idf * (K1 + 1), where per-field scores summed would reach several times that."""
    from indexer.engine import scoring

    def item(i, title="trade zone", tags=("port",), body="customs clearance"):
        return {"title": title, "title_zh": "贸易", "zones": ["zhejiang"], "pillar": "logistics",
                "date": f"2016-01-{1 + i:02d}", "tags": list(tags), "body": body}

    items = [item(i) for i in range(10)]
    items[0] = item(0, title="zzquux trade", tags=("zzquux",), body="zzquux " * 12)
    items[1] = item(1, body="customs zzquux clearance")
    _measures, index = _build(tmp_path / "c", (items, [], []))
    kb = KnowledgeBase(index, time_budget=None)
    try:
        result = kb.search("zzquux")
        scores = {h.id: h.score for h in result.hits}
        assert result.total == 2 and [h.id for h in result.hits] == ["r000", "r001"]
        n, df = 10, 2  # df: records holding the word in any field
        ceiling = math.log(1 + (n - df + 0.5) / (df + 0.5)) * (scoring.K1 + 1)
        assert 0.85 * ceiling < scores["r000"] <= ceiling, (scores, ceiling)
        assert scores["r001"] < 0.6 * ceiling
    finally:
        kb.close()
