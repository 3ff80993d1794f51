"""The build's fast paths against their plain references.

- A long text's word pairs leave the analyser as their words' numbers (index_entry) and
  are named by the segment's field writer, a segment at once; the reference numbers every
  pair in the vocabulary as the text is analysed (index_arrays). Both must write the same
  segment files, byte for byte, and index_entry must give index_arrays' terms.
- The spelling field's text is each word of a record once: index_arrays gives it without
  grouping (analyser.distinct), and must give what the analyser's tokens give.
"""

from __future__ import annotations

import hashlib
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index

from indexer.analysis.analyser import SHORT_TEXT, spelling_analyzer, text_analyzer
from indexer.analysis.terms import VOCABULARY, pair_texts
from indexer.engine import entries
from tests.helpers import examples

DICTIONARY = (("原产地证书", 100), ("原产地", 100), ("证书", 100), ("保税", 100), ("仓库", 100))
_PIECES = ["bonded", "oil", "tanks", "Tank", "the", "of", "and", "RCEP", "e-commerce", "2023",
           "x1", "保税", "仓库", "原产地证书", "原产地", "的", "自贸试验区", "跨境电商", "，", "。", " ",
           "\n", "-", "(", ")", "'s", "é", "ｏｉｌ", "İstanbul", "ß", "_", "3.5", "1,000", "\t",
           "\u3000", "trade."]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)


def _by_term(terms: list[str], counts, flat, whole) -> tuple[dict, dict]:
    """{term: positions}, {term: whole-word count} of gathered arrays."""
    assert len(terms) == len(set(terms)) == len(counts) == len(whole)
    ends = np.cumsum(counts)
    return ({t: flat[e - c:e].tolist() for t, c, e in zip(terms, counts, ends)},
            {t: int(w) for t, w in zip(terms, whole) if w})


def _tokens(analyzer, text) -> tuple[dict, dict]:
    """The reference: the analyser's tokens, one by one."""
    positions, words = {}, {}
    for t in analyzer(text, positions=True, mode="index"):
        positions.setdefault(t.text, []).append(t.pos)
        if t.whole:
            words[t.text] = words.get(t.text, 0) + 1
    return positions, words


@settings(max_examples=examples(200), deadline=None)
@given(_TEXT, st.integers(1, 40))
def test_keyed_pairs_name_the_terms_index_arrays_gives(text, times):
    # short and long texts (a long one repeats the short: pairs repeat too)
    analyzer = text_analyzer(DICTIONARY)
    for value in (text, " ".join([text] * times)):
        reference = analyzer.index_arrays(value)
        terms, counts, flat, whole, keys, pair_counts, pair_flat = analyzer.index_entry(value)
        assert keys.dtype == np.int64 and list(keys) == sorted(set(keys.tolist()))
        names = analyzer.term_texts(terms) + pair_texts(keys)
        got = _by_term(names, np.r_[counts, pair_counts].astype(np.int64), np.r_[flat, pair_flat],
                       np.r_[whole, np.zeros(len(keys), dtype=np.uint32)])
        assert got == _by_term(analyzer.term_texts(reference[0]), *reference[1:])
        if len(value) < SHORT_TEXT:
            assert not len(keys)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.text("abcdeé保税", min_size=1, max_size=8), max_size=300), st.booleans())
def test_the_spelling_fields_distinct_words_are_read_as_its_tokens(words, distinct):
    # schema.measure_document gives the spelling field each word once, sorted; any other
    # text (a word twice) takes the general way, and must answer the same
    analyzer = spelling_analyzer(DICTIONARY)
    text = " ".join(sorted(set(words)) if distinct else words)
    got = analyzer.index_arrays(text)
    assert _by_term(analyzer.term_texts(got[0]), *got[1:]) == _tokens(analyzer, text)


def _segment_files(folder, docs, keyed: bool) -> dict[str, str]:
    """The digest of each file of an index of `docs` written in one segment, by extension."""
    from indexer.engine.build import codec
    from indexer.engine.schema import build_schema

    entries.KEYED_PAIRS = keyed
    try:
        folder.mkdir()
        ix = index.create_in(str(folder), build_schema(DICTIONARY))
        VOCABULARY.reset()
        writer = ix.writer(codec=codec(), compound=False)
        for id_, title, body in docs:
            writer.add_document(id=id_, title=title, body=body, record=id_)
        writer.commit()
    finally:
        entries.KEYED_PAIRS = True
    return {path.name.rsplit(".", 1)[-1]: hashlib.sha1(path.read_bytes()).hexdigest()
            for path in folder.iterdir() if path.suffix in (".pst", ".trm", ".wln")}


@settings(max_examples=examples(25), deadline=None)
@given(st.integers(0, 2**32))
def test_segments_with_keyed_pairs_are_the_reference_segments_byte_for_byte(tmp_path_factory, seed):
    rng = random.Random(seed)
    words = rng.sample(_PIECES, rng.randint(2, len(_PIECES)))
    docs = [(f"d{i}", " ".join(rng.choices(words, k=rng.randint(1, 12))),
             " ".join(rng.choices(words, k=rng.randint(0, 900))))
            for i in range(rng.randint(1, 30))]
    if rng.random() < 0.5:  # a body with pairs both keyed (long) and numbered (short)
        docs.append(("short", "oil", "bonded oil tanks"))
    base = tmp_path_factory.mktemp("segments")
    keyed, reference = _segment_files(base / "keyed", docs, True), \
        _segment_files(base / "reference", docs, False)
    assert set(keyed) == {"pst", "trm", "wln"} and keyed == reference


@pytest.mark.parametrize("keyed", [True, False])
def test_a_phrase_is_found_in_a_long_body_either_way(tmp_path, keyed):
    """The keyed pairs are what a phrase looks up (engine/phrases.py): read back by Whoosh."""
    from indexer.analysis.analyser import pair_term

    _segment_files(tmp_path / "ix", [("d0", "a title", "bonded oil tanks " * 200),
                                     ("d1", "another", "oil bonded " * 200)], keyed)
    with index.open_dir(str(tmp_path / "ix")).searcher() as searcher:
        reader = searcher.reader()
        matcher = reader.postings("body", pair_term("bond", "oil").encode("utf-8"))
        found = []
        while matcher.is_active():
            found.append((matcher.id(), len(matcher.value_as("positions"))))
            matcher.next()
    assert found == [(0, 200), (1, 199)]
