"""The fast paths of evaluation against their plain references, on generated corpora.

- Narrowing (SearchContext.narrowing): each node decides only the documents still open
  (an And's costly children within its cheap supersets, a Fallback's fallback where the
  word is not found, a phrase's positions once per document per search); off, every
  node's whole mask on its own.
- Phrase._in_row (slop 1: the rarest term first, pairs where the index has them) against
  Phrase._in_order (the words' positions chained in turn).
- Ranged reads (PostingArrays.ranged): only the wanted postings' positions, in runs, kept
  for the search; off, posting by posting or the term's whole positions.

Corpora mix English and Chinese words the glossary joins (自贸试验区 and "pilot free trade
zone", 跨境电商 and "cross-border e-commerce"), so a Chinese query is a disjunction of phrases.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from indexer.engine import collect
from indexer.engine.build import build_index
from indexer.engine.compiling import compile_query
from indexer.engine.context import SearchContext
from indexer.engine.phrases import Phrase
from indexer.engine.postingfile import PostingArrays
from indexer.engine.whooshfiles import codec
from indexer.search import KnowledgeBase
from tests.conftest import SHIPPED
from tests.helpers import examples, record, write

EN = ["pilot free trade zone", "free trade zone", "free trade", "trade zone", "pilot", "zone",
      "cross-border e-commerce", "cross-border", "export", "port", "same tank storage",
      "shared storage", "free", "trade", "the", "customs"]
ZH = ["自贸试验区", "自贸区", "跨境电商", "出口", "同罐共储", "港口", "半导体", "贸易", "试验"]
ZONES = ["zhejiang", "shanghai", "yunnan"]
SETTINGS = dict(phases=[Phase.explicit, Phase.reuse, Phase.generate])  # no shrinking: builds

texts = st.lists(st.sampled_from(EN + ZH), min_size=0, max_size=30).map(" ".join)
records = st.fixed_dictionaries({
    "title": st.lists(st.sampled_from(EN), min_size=1, max_size=4).map(" ".join),
    "title_zh": st.lists(st.sampled_from(ZH), min_size=1, max_size=3).map("".join),
    "zones": st.lists(st.sampled_from(ZONES), min_size=1, max_size=2, unique=True),
    "tags": st.lists(st.sampled_from(["port", "export", "customs", "自贸试验区", "出口"]),
                     min_size=1, max_size=3, unique=True),
    "body": texts,
})
corpora = st.tuples(st.lists(records, min_size=12, max_size=40),
                    st.lists(st.integers(0, 39), max_size=3))  # deletions: a second segment
words = st.sampled_from(ZH + ["pilot free trade zone", "cross-border e-commerce", "free trade",
                              "port", "export"])
queries = st.one_of(
    words,
    st.lists(st.sampled_from(ZH), min_size=2, max_size=3).map(" ".join),
    st.lists(words, min_size=2, max_size=2).map(" ".join),
    st.lists(st.sampled_from(EN), min_size=1, max_size=2).map(lambda ws: '"' + " ".join(ws) + '"'),
    st.tuples(words, words).map(lambda ws: f"{ws[0]} NOT {ws[1]}"),
    st.tuples(words, words).map(lambda ws: f"{ws[0]} OR {ws[1]}"),
)


def _build(root, corpus):
    items, deletions = corpus
    measures, index = root / "measures", root / "index"
    shutil.rmtree(root, ignore_errors=True)
    measures.mkdir(parents=True)
    for name in ("zones.yaml", "pillars.yaml", "dictionary.txt", "synonyms.yaml",
                 "glossary.yaml", "everyday.yaml", "places.yaml"):
        shutil.copy(SHIPPED / name, measures / name)
    shutil.copytree(SHIPPED / "sources", measures / "sources")
    for i, item in enumerate(items):
        write(measures / f"r{i:03d}.md", record(
            title=item["title"], title_zh=item["title_zh"], zones=f"[{', '.join(item['zones'])}]",
            date=f"2016-0{1 + i % 9}-{1 + i % 28:02d}", tags=f"[{', '.join(item['tags'])}]",
            body=item["body"] or "No text."))
    build_index(measures, index)
    for i in deletions:
        if 0 < i < len(items):
            (measures / f"r{i:03d}.md").unlink(missing_ok=True)
    build_index(measures, index)
    return index


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 4 documents, batches of 4: the block-max path through many batches."""
    monkeypatch.setattr(codec, "BLOCK", 4)
    monkeypatch.setattr(collect, "FIRST_BATCH", 4)


def _fast(monkeypatch, on: bool) -> None:
    monkeypatch.setattr(SearchContext, "narrowing", on)
    monkeypatch.setattr(PostingArrays, "ranged", on)


def _ranking(gen, parsed, k, score_all, monkeypatch):
    ctx = gen.context()
    root = compile_query(parsed.query, gen.postings)
    matched = root.match(ctx) & gen.live
    monkeypatch.setattr(collect, "SCORE_ALL_BELOW", 10**9 if score_all else 0)
    docs, scores = collect.top(ctx, root, matched, gen.rank, k)
    return matched, [(d, scores[d]) for d in docs]


def _phrases(node, seen=None):
    """Every Phrase node of a compiled tree."""
    seen = [] if seen is None else seen
    if isinstance(node, Phrase):
        seen.append(node)
    for name in ("children", "members", "words", "pairs"):
        for child in getattr(node, name, ()) or ():
            _phrases(child, seen)
    for name in ("positive", "negative", "inner", "required", "optional", "primary", "fallback"):
        if getattr(node, name, None) is not None:
            _phrases(getattr(node, name), seen)
    return seen


@settings(max_examples=examples(10), **SETTINGS)
@given(corpus=corpora, data=st.data())
def test_fast_paths_equal_the_plain_ones(tmp_path, small_blocks, monkeypatch, corpus, data):
    index = _build(tmp_path / "corpus", corpus)
    kb = KnowledgeBase(index, time_budget=None)
    try:
        gen = kb._gen
        for _ in range(8):
            text = data.draw(queries)
            parsed = gen.builder.parse(text)
            if parsed.query is None:
                continue
            k = data.draw(st.sampled_from([1, 3, 10]))
            for score_all in (False, True):
                got = {}
                for on in (False, True):
                    _fast(monkeypatch, on)
                    matched, top = _ranking(gen, parsed, k, score_all, monkeypatch)
                    got[on] = (np.flatnonzero(matched).tolist(), top)
                assert got[True][0] == got[False][0], (text, parsed.query)
                assert [d for d, _ in got[True][1]] == [d for d, _ in got[False][1]], text
                assert np.allclose([s for _, s in got[True][1]], [s for _, s in got[False][1]],
                                   rtol=0, atol=1e-9), text
            pages = {}
            for on in (False, True):  # the facade: totals, facets, hits and their scores
                _fast(monkeypatch, on)
                result = kb.search(text, per_page=7)
                pages[on] = (result.total, result.facets,
                             [(h.id, h.score, h.explanation) for h in result.hits])
            assert pages[True] == pages[False], text
    finally:
        kb.close()


@settings(max_examples=examples(10), **SETTINGS)
@given(corpus=corpora, data=st.data())
def test_a_phrase_in_a_row_equals_its_words_chained(tmp_path, corpus, data):
    """_in_row (the rarest term first; pairs where the index has them) against _in_order,
    on any sorted set of documents holding every word."""
    index = _build(tmp_path / "corpus", corpus)
    kb = KnowledgeBase(index, time_budget=None)
    try:
        gen = kb._gen
        for _ in range(6):
            parsed = gen.builder.parse(data.draw(queries))
            if parsed.query is None:
                continue
            ctx = gen.context()
            for phrase in _phrases(compile_query(parsed.query, gen.postings)):
                if phrase.slop != 1:
                    continue
                held = np.flatnonzero(phrase._candidates(ctx))
                chosen = data.draw(st.lists(st.booleans(), min_size=len(held),
                                            max_size=len(held)))
                docs = held[np.array(chosen, dtype=bool)] if len(held) else held
                assert (phrase._in_row(ctx, docs) == phrase._in_order(ctx, docs)).all(), \
                    phrase.words
    finally:
        kb.close()
