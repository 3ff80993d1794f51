"""Unit tests of the search core's pieces: the analyser, the codec, lengths, query syntax
checks, snippets, and searches running in parallel threads."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import query as Q

from indexer.engine import postings as postings_module
from indexer.analysis.analyser import PAIR_MARK, pair_term, spelling_analyzer, STOP_WORDS, text_analyzer
from indexer.engine.entries import WordPositions
from indexer.engine.compiling import compile_query
from indexer.query.syntax import syntax_problem
from indexer.search.snippets import (first_snippet, matched_spans, scan_ignoring_case,
                                      snippet)
from tests.helpers import examples

DICTIONARY = (("原产地证书", 100), ("原产地", 100), ("证书", 100), ("保税", 100), ("仓库", 100))


def tokens(text, mode="index"):
    return [(t.text, t.pos, t.whole) for t in
            text_analyzer(DICTIONARY)(text, positions=True, mode=mode)]


# -- the analyser --------------------------------------------------------------------------
def test_words_take_consecutive_positions_in_both_languages_and_stop_words_none():
    words = [(text, pos) for text, pos, whole in tokens("Certificate of origin 保税仓库 storage")
             if whole]
    assert words == [("certif", 0), ("origin", 1), ("保税仓库", 2), ("storag", 3)]
    assert not {t for t, _p, _w in tokens("the of and")} & STOP_WORDS


def test_a_possessive_leaves_no_s():
    # "China's" was china and s: every record with a possessive matched "s", and snippets
    # highlighted it (Lucene's EnglishPossessiveFilter drops it too)
    for mode in ("index", "query"):
        words = [text for text, _pos, whole in tokens("China's regulator's approval", mode) if whole]
        assert words == ["china", "regul", "approv"]


def test_index_mode_adds_word_pairs_at_the_second_words_position():
    found = tokens("bonded oil tank")
    pairs = [(t, p) for t, p, whole in found if t.startswith(PAIR_MARK)]
    assert pairs == [(pair_term("bond", "oil"), 1), (pair_term("oil", "tank"), 2)]
    assert all(not whole for t, _p, whole in found if t.startswith(PAIR_MARK))


def test_chinese_words_add_their_sub_words_and_characters_at_their_own_position():
    found = tokens("原产地证书")
    whole = [(t, p) for t, p, w in found if w]
    subs = {t for t, p, w in found if not w and p == 0}
    assert whole == [("原产地证书", 0)]
    assert {"原产地", "证书", "原", "书"} <= subs


_TEXT = st.lists(st.sampled_from(
    ["bonded", "oil", "tanks", "Tank", "the", "of", "and", "RCEP", "e-commerce", "2023", "x1",
     "保税", "仓库", "原产地证书", "原产地", "的", "自贸试验区", "跨境电商", "，", "。", " ", "\n", "-",
     "(", ")", "'s", "é", "Ⅻ", "ｏｉｌ", "İstanbul", "ß", "_", "3.5", "1,000", "\t", "\u3000", "\xa0",
     "\x1c", "\x85", "trade."]), max_size=40).map("".join)


@settings(max_examples=examples(300), deadline=None)
@given(_TEXT)
def test_the_indexers_fast_gathering_equals_the_analysers_tokens(text):
    # index_arrays is the build's hot loop, with arrays: the same terms, positions and
    # whole words as the analyser's tokens, one by one (the order of the terms in a
    # document's entry means nothing: the codec sorts them)
    for analyzer in (text_analyzer(DICTIONARY), spelling_analyzer(DICTIONARY)):
        positions, words = {}, {}
        for t in analyzer(text, positions=True, mode="index"):
            positions.setdefault(t.text, []).append(t.pos)
            if t.whole:
                words[t.text] = words.get(t.text, 0) + 1
        # short texts are gathered with dictionaries, long ones with arrays: both ways, and
        # twice (the second time from the analyser's caches)
        for numbers, counts, flat, whole in [analyzer._gather_short(text), analyzer._gather_long(text),
                                             analyzer._gather_short(text), analyzer._gather_long(text)]:
            terms = analyzer.term_texts(numbers)
            assert len(terms) == len(set(terms)) == len(counts) == len(whole)
            ends = np.cumsum(counts)
            assert {t: flat[e - c:e].tolist() for t, c, e in zip(terms, counts, ends)} == positions
            assert {t: int(w) for t, w in zip(terms, whole) if w} == words


def test_query_mode_emits_whole_words_only():
    assert all(whole for _t, _p, whole in tokens("原产地证书 bonded oil", mode="query"))
    assert [t for t, _p, _w in tokens("原产地证书 bonded oil", mode="query")] == [
        "原产地证书", "bond", "oil"]


def test_a_fields_length_counts_words_only():
    """Pairs and sub-words are terms, not words: BM25 must not penalise Chinese. The
    format hands Whoosh one entry per document, whose frequency (the length) is the words."""
    from indexer.engine.entries import DOCUMENT_TERM, read_entry

    fmt = WordPositions()
    text = "Bonded oil 原产地证书 保税仓库 storage"
    [(term, freq, _weight, blob)] = fmt.word_values(text, text_analyzer(DICTIONARY), mode="index")
    assert term == DOCUMENT_TERM and freq == 5  # bond oil 原产地证书 保税仓库 storag
    numbers, counts, _positions, _keys, _pair_counts = read_entry(blob)
    terms = text_analyzer(DICTIONARY).term_texts(np.frombuffer(numbers, dtype="<u4"))
    counts = dict(zip(terms, np.frombuffer(counts, dtype="<u4").tolist()))
    assert counts["原产地"] == 1 and counts[pair_term("bond", "oil")] == 1


def test_indexed_lengths_are_words(kb):
    gen = kb._gen
    from tests.helpers import ZHEJIANG_OIL

    doc = gen.postings.docnum("id", ZHEJIANG_OIL)
    record = gen.record(doc)
    analyzer = gen.schema["title"].analyzer
    title = f"{record['title']}\n{record['title_zh']}"
    words = sum(1 for t in analyzer(title, positions=True, mode="index") if t.whole)
    assert gen.postings.lengths["title"][doc] == words < 20


# -- the codec, against Whoosh's own matchers ----------------------------------------------
@pytest.mark.parametrize("q", [
    Q.Term("body", "tank"), Q.Term("zones", "zhejiang"), Q.Term("title", "保税"),
    Q.Phrase("body", ["bond", "oil"]), Q.Phrase("body", ["product", "same", "tank"]),
    Q.And([Q.Term("body", "oil"), Q.Not(Q.Term("body", "railway"))]),
    Q.Or([Q.Term("tags", "rcep"), Q.Term("body", "铁路")]),
])
def test_matches_equal_whoosh_matchers_over_the_codec(kb, q):
    """Whoosh evaluates the same query with its own matchers (reading the codec through
    Whoosh's matcher interface): the same documents."""
    gen = kb._gen
    with gen.postings._lock:
        expected = set(gen.postings.searcher.docs_for_query(q)) - {
            gen.postings.docnum("id", "_taxonomy")}
    ctx = gen.context()
    got = set(np.flatnonzero(compile_query(q, gen.postings).match(ctx) & gen.live).tolist())
    assert got == expected and got


def test_positions_read_back(kb):
    gen = kb._gen
    t = gen.postings.term("body", "tank")
    docs, positions = t.positions(t.ids[:3])
    assert set(docs.tolist()) == set(t.ids[:3].tolist())
    assert len(positions) == int(t.tf[:3].sum())


_RECORDS: dict = {}


def _records_with_positions(kb, least: int) -> list:
    """(file, extent) of every posting record with positions and `least` postings or more."""
    from indexer.engine.whooshfiles.codec import read_postings
    key = (id(kb._gen.postings), least)
    if key in _RECORDS and _RECORDS[key][0] is kb._gen.postings:
        return _RECORDS[key][1]
    found = []
    _RECORDS[key] = (kb._gen.postings, found)
    for leaf, _, _, fd, _ in kb._gen.postings._segments:
        for fieldname, btext in leaf.all_terms():
            extent = leaf.term_info(fieldname, btext).extent()
            arrays = read_postings(fd, *extent)
            if len(arrays._ends) and len(arrays.ids) >= least:
                found.append((fd, extent))
    return found


@settings(max_examples=examples(60), deadline=None)
@given(data=st.data())
def test_ranged_position_reads_equal_the_whole_values(kb, data):
    """PostingArrays.positions (only the wanted postings, in runs at most GAP bytes apart,
    kept for the next call) against the plain reference (posting by posting, or the whole
    values sliced), over several calls on one record as a search makes them: any sorted
    postings, asked again or not, runs cut anywhere."""
    from indexer.engine import postingfile
    from indexer.engine.whooshfiles.codec import read_postings

    records = _records_with_positions(kb, least=6)
    assert len(records) > 10
    fd, extent = data.draw(st.sampled_from(records))
    ranged, plain = read_postings(fd, *extent), read_postings(fd, *extent)
    df = len(ranged.ids)
    gap = data.draw(st.sampled_from([0, 3, 64, postingfile.GAP]))
    saved, postingfile.GAP = postingfile.GAP, gap
    try:
        for _ in range(data.draw(st.integers(1, 4))):
            chosen = data.draw(st.lists(st.integers(0, df - 1), max_size=df, unique=True))
            pick = np.array(sorted(chosen), dtype=np.int64)
            got, want = ranged.positions(pick), plain._positions_plain(pick)
            assert all(np.array_equal(x, y) and x.dtype == y.dtype
                       for x, y in zip(got, want)), (gap, pick)
    finally:
        postingfile.GAP = saved
    whole = np.frombuffer(plain.values(), dtype="<u4")
    every = np.arange(df)
    _, pos = ranged.positions(every)  # everything read by now: what the values say
    assert np.array_equal(pos, whole)


def test_compact_records_read_as_the_plain_arrays_of_the_first_version(kb, built_index,
                                                                        tmp_path, monkeypatch):
    """The fixture records indexed again with the codec's plain writer (the first version's
    4-byte arrays, which the codec still reads): every term of every segment reads back the
    same from the compact records (narrow ids, counts and positions, weights computed from
    the counts) as from the plain ones: ids, weights, block statistics, every posting's
    positions, and what Whoosh's matchers see."""
    from indexer.engine import build
    from indexer.engine.postingfile import MAGIC, MAGIC_V1
    from indexer.engine.whooshfiles.codec import ArrayMatcher, ProjectCodec, read_postings
    from indexer.search import KnowledgeBase

    monkeypatch.setattr(build, "codec", lambda: ProjectCodec(compact=False))
    build.build_index(built_index["measures"], tmp_path / "plain")
    plain = KnowledgeBase(tmp_path / "plain")
    ours, theirs = kb._gen.postings._segments, plain._gen.postings._segments
    assert len(ours) == len(theirs)
    checked = 0
    for (leaf, _, count, fd, _), (pleaf, _, pcount, pfd, _) in zip(ours, theirs):
        assert count == pcount
        terms = list(leaf.all_terms())
        assert terms == list(pleaf.all_terms())
        for fieldname, btext in terms:
            offset, length = leaf.term_info(fieldname, btext).extent()
            poffset, plength = pleaf.term_info(fieldname, btext).extent()
            assert os.pread(fd, 2, offset) == MAGIC and os.pread(pfd, 4, poffset) == MAGIC_V1
            a, b = read_postings(fd, offset, length), read_postings(pfd, poffset, plength)
            for name in ("ids", "weights", "block_ids", "block_max", "block_minlen"):
                assert np.array_equal(getattr(a, name), getattr(b, name)), (btext, name)
                assert getattr(a, name).dtype.itemsize == 4
            assert a.values() == b.values()
            assert np.array_equal(a.value_offsets(), b.value_offsets())
            every = np.arange(len(a.ids))
            for pick in (every, every[:2]) if b.values() else ():  # whole; one by one
                got, want = a.positions(pick), b.positions(pick)
                assert all(np.array_equal(x, y) for x, y in zip(got, want)), btext
            fmt = leaf.schema[fieldname].format
            m, n = ArrayMatcher(a, fmt), ArrayMatcher(b, fmt)
            for _ in range(min(len(a.ids), 20)):
                assert (m.id(), m.weight(), m.value()) == (n.id(), n.weight(), n.value())
                m.next(), n.next()
            checked += 1
    plain.close()
    assert checked > 1000


def test_a_document_entry_is_refused_once_the_vocabulary_is_reset():
    """Entries carry term numbers of this process's vocabulary: after a reset (a new
    segment) an old entry would name other terms, so the field writer refuses it."""
    from indexer.engine.entries import read_entry
    from indexer.analysis.terms import VOCABULARY

    [(_term, _freq, _weight, blob)] = WordPositions().word_values(
        "bonded oil", text_analyzer(DICTIONARY), mode="index")
    read_entry(blob)
    VOCABULARY.reset()
    with pytest.raises(RuntimeError, match="vocabulary"):
        read_entry(blob)


def test_an_analysis_during_which_the_vocabulary_is_reset_gives_no_entry(monkeypatch):
    """Numbers given before a reset would name other terms after it: the entry is stamped
    before the analysis, and refused when the vocabulary changed meanwhile."""
    from indexer.analysis.terms import VOCABULARY

    from indexer.engine import entries

    for keyed, method in ((True, "index_entry"), (False, "index_arrays")):
        monkeypatch.setattr(entries, "KEYED_PAIRS", keyed)
        analyzer = text_analyzer(DICTIONARY)
        analyse = getattr(analyzer, method)

        def reset_midway(value, analyse=analyse):
            out = analyse(value)
            VOCABULARY.reset()  # as another thread might
            return out

        monkeypatch.setattr(analyzer, method, reset_midway)
        with pytest.raises(RuntimeError, match="reset"):
            list(WordPositions().word_values("bonded oil " * 200, analyzer, mode="index"))


def test_a_reset_of_the_vocabulary_empties_the_analysers_caches():
    """A segment writer resets the vocabulary when it is done: the terms and the caches of
    their numbers are given back (a site that built its index in-process keeps neither)."""
    from indexer.analysis.terms import VOCABULARY

    analyzer = text_analyzer(DICTIONARY)
    for text in ("bonded oil 保税仓库 " * 200, "bonded oil"):  # the long and the short way
        analyzer.index_arrays(text)
    assert analyzer._normalized and analyzer._known_subwords and VOCABULARY.texts
    VOCABULARY.reset()
    assert not (analyzer._normalized or analyzer._tokens or analyzer._known_subwords
                or VOCABULARY.texts)
    numbers, _counts, _flat, _whole = analyzer.index_arrays("bonded oil")
    assert analyzer.term_texts(numbers) == ["bond", "oil", pair_term("bond", "oil")]


def test_a_merged_index_holds_the_same_postings_as_one_written_at_once(tmp_path):
    """A merge hands the field writer the old segment's postings one by one and the new
    documents as entries: the terms in both are one term each, every posting as before."""
    import random

    from whoosh import index

    from indexer.engine.build import codec
    from indexer.engine.schema import build_schema
    from indexer.analysis.terms import VOCABULARY

    rng = random.Random(3)
    words = ["bonded", "oil", "tank", "the", "原产地证书", "保税仓库", "跨境电商", "RCEP", "1,000.5"]
    docs = [(f"d{i}", " ".join(rng.choice(words) for _ in range(rng.randint(1, 300))))
            for i in range(40)]

    def postings(split, merge):
        folder = tmp_path / f"{split}-{merge}"
        folder.mkdir()
        ix = index.create_in(str(folder), build_schema(DICTIONARY))
        for part in (docs[:split], docs[split:]):
            VOCABULARY.reset()
            writer = ix.writer(codec=codec(), compound=False)
            for id_, text in part:
                writer.add_document(id=id_, body=text, record=id_)
            writer.commit(optimize=merge)
        out = {}
        with index.open_dir(str(folder)).searcher() as searcher:
            reader = searcher.reader()
            for term in reader.lexicon("body"):
                matcher = reader.postings("body", term)
                found = []
                while matcher.is_active():
                    found.append((reader.stored_fields(matcher.id())["id"],
                                  tuple(matcher.value_as("positions"))))
                    matcher.next()
                out[term] = sorted(found)
        return out

    once, merged = postings(len(docs), False), postings(20, True)
    assert merged == once and len(once) > 50


def test_a_term_numbered_by_the_vocabulary_and_by_the_field_writer_is_one_term():
    """Document entries' terms come numbered by the process's vocabulary; a term added
    alone (another field's way; a merge's) is numbered by the field writer itself. Where
    one field has both, a term in both is one term, at one place in the term order."""
    from array import array

    from indexer.engine.whooshfiles.fieldwriter import LOCAL_TERMS, PAIR_SLOT, FieldWriter as _FieldWriter
    from indexer.analysis.terms import VOCABULARY

    VOCABULARY.reset()
    oil, tank = VOCABULARY.add("oil"), VOCABULARY.add("tank")
    writer = _FieldWriter.__new__(_FieldWriter)  # only its term numbering is tried here
    writer._generation = VOCABULARY.generation
    writer._local_texts = ["oil", "bond"]
    writer._keys = array("I", [tank, LOCAL_TERMS + 1, oil, LOCAL_TERMS, oil])
    writer._pair_keys = array("q")
    vocabulary, term_of = writer._terms_in_order()
    assert vocabulary == ["bond", "oil", "tank"]
    assert term_of.tolist() == [2, 0, 1, 1, 1]
    # a word pair keyed by its words' numbers (a long text's) and numbered by the
    # vocabulary (a short text's) is one term too
    numbered = VOCABULARY.add(pair_term("oil", "tank"))
    writer._keys = array("I", [PAIR_SLOT, numbered, tank, PAIR_SLOT, PAIR_SLOT])
    writer._pair_keys = array("q", [oil << 32 | tank, oil << 32 | tank, tank << 32 | oil])
    vocabulary, term_of = writer._terms_in_order()
    assert vocabulary == [pair_term("oil", "tank"), pair_term("tank", "oil"), "tank"]
    assert term_of.tolist() == [0, 0, 2, 0, 1]
    VOCABULARY.reset()
    with pytest.raises(RuntimeError, match="reset"):
        writer._terms_in_order()


# -- query syntax --------------------------------------------------------------------------
@pytest.mark.parametrize("text, problem", [
    ('"bonded oil', "an unbalanced quote"),
    ("(oil tank", "an unclosed bracket"),
    ("oil)", "a closing bracket with no opening one"),
    ("oil AND", "the operator AND with nothing on one side"),
    ("oil AND OR tank", "two operators in a row"),
    ("zone: oil", "a field name with nothing after it"),
    ("colour:red", "the unknown field 'colour'"),
    ("*oil", "a wildcard with no letters before it"),
    ("[a TO b]", "range brackets"),
])
def test_syntax_problems_are_named(text, problem):
    assert problem in syntax_problem(text)


@pytest.mark.parametrize("text", ['"bonded oil" tank', "oil AND (tank OR 保税)", "NOT railway",
                                  "zone:zhejiang oil", "scope:national", "oil*", "title:tank"])
def test_valid_syntax_has_no_problem(text):
    assert syntax_problem(text) is None


# -- snippets ------------------------------------------------------------------------------
def test_snippet_marks_stemmed_words_escapes_and_strips_markup():
    body = "Intro. **Bonded** oil <b>tanks</b> [store](http://x) the oil & gas products."
    html = snippet(body, {"bond", "tank", "oil"})
    assert "<mark>Bonded</mark>" in html and "<mark>tanks</mark>" in html
    assert "<b>" not in html and "http://x" not in html and "&amp;" in html


def test_snippet_window_prefers_the_passage_with_most_distinct_words():
    body = ("oil " * 8) + ("filler " * 60) + "bonded oil tank storage" + (" filler" * 60)
    html = snippet(body, {"bond", "oil", "tank"})
    assert "<mark>bonded</mark> <mark>oil</mark> <mark>tank</mark>" in html
    assert html.startswith("… ")


def test_snippet_marks_chinese_words():
    assert "<mark>保税</mark>" in snippet("这是保税仓库。", {"保税"})


_SPAN_TEXT = st.lists(st.sampled_from(list("abiksty _-.\n2İıſKSΣσς保税仓库é") +
                                      ["bonded", "Policy", "TRADING", "kelvin", "is", "polici"]),
                      max_size=60).map("".join)
_SPAN_TERMS = st.sets(st.sampled_from(["bond", "polici", "trade", "kelvin", "is", "s", "i",
                                       "k", "保税", "仓库", "é", "sty", "2"]), max_size=4)


@given(_SPAN_TEXT, _SPAN_TERMS)
@settings(max_examples=400, deadline=None)
def test_matched_words_are_those_the_pattern_ignoring_case_finds(text, terms):
    """The scan in lower case (half the time) finds what the pattern ignoring case finds,
    also where lower() and ignoring case part (İ, ı, ſ; the Kelvin sign; final sigma)."""
    assert matched_spans(text, terms) == scan_ignoring_case(text, terms)


_SNIPPET_WORDS = st.sampled_from(["bonded", "oil", "tanks", "保税", "仓库", "**trade**", "[a](b)",
                                  "filler", "<b>", "&", "\n\n", "Oil"])


@given(st.lists(st.lists(_SNIPPET_WORDS, max_size=40).map(" ".join), max_size=3),
       st.sets(st.sampled_from(["bond", "oil", "tank", "保税", "trade", "仓库"]), max_size=3))
@settings(max_examples=150, deadline=None)
def test_the_first_snippet_is_that_of_the_first_text_holding_a_matched_word(texts, terms):
    """first_snippet finds each text's matched words once and gives them to snippet: the
    passage is what snippet alone makes of the first text holding a matched word (of the
    first text when none does)."""
    held = [t for t in texts if t]
    chosen = next((t for t in held if terms and matched_spans(t, terms)), held[0] if held else None)
    assert first_snippet(texts, terms) == ("" if chosen is None else snippet(chosen, terms))


# -- threads -------------------------------------------------------------------------------
QUERIES = ["oil", "bonded oil tank", '"same tank"', "railway OR rcep", "保税", "logistics -oil",
           "certificate of origin", "zone:zhejiang tank", "tank*"]


def test_searches_in_threads_give_the_results_of_searches_in_turn(kb):
    expected = {q: [(h.id, h.score) for h in kb.search(q).hits] for q in QUERIES}
    failures = []

    def run(offset):
        for i in range(30):
            q = QUERIES[(i + offset) % len(QUERIES)]
            got = [(h.id, h.score) for h in kb.search(q).hits]
            if got != expected[q]:
                failures.append((q, got))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_a_search_held_up_does_not_hold_up_another(kb, monkeypatch):
    """Searches share no lock: while one search waits inside the postings layer, another
    runs to the end."""
    entered, release = threading.Event(), threading.Event()
    term = postings_module.Postings.term

    def slow_term(self, fieldname, text):
        if b"railwa" in (text if isinstance(text, bytes) else text.encode()):
            entered.set()
            release.wait(20)
        return term(self, fieldname, text)

    monkeypatch.setattr(postings_module.Postings, "term", slow_term)
    held = threading.Thread(target=kb.search, args=("railway",))
    held.start()
    try:
        assert entered.wait(10)
        finished = threading.Event()
        other = threading.Thread(target=lambda: (kb.search("oil tank"), finished.set()))
        other.start()
        assert finished.wait(10), "a search waited for another one"
        assert held.is_alive()
    finally:
        release.set()
        held.join()


# -- the codec's term dictionary ----------------------------------------------------------
@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.integers(0, 300), min_size=1, max_size=200))
def test_hash_slots_places_every_key_where_linear_probing_finds_it(homes):
    # each key in its own slot, reached from its home slot with no empty slot on the way
    from indexer.engine.whooshfiles.termtable import hash_slots
    slots = 2 * len(homes)
    home = np.array([h % slots for h in homes], dtype=np.int64)
    placed = hash_slots(home, slots)
    assert len(set(placed.tolist())) == len(homes) and all(0 <= p < slots for p in placed)
    taken = set(placed.tolist())
    for h, p in zip(home.tolist(), placed.tolist()):
        at = h
        while at != p:
            assert at in taken, "an empty slot before the key: a reader would stop there"
            at = (at + 1) % slots


@settings(max_examples=examples(40), deadline=None)
@given(st.sets(st.tuples(st.integers(0, 3), st.binary(min_size=1, max_size=12)),
               min_size=1, max_size=300),
       st.lists(st.binary(min_size=1, max_size=12), max_size=20))
def test_the_term_table_reads_back_with_whooshs_own_reader(keys, absent):
    # the codec writes Whoosh's ordered hash file with array operations (no Python step per
    # term); Whoosh's reader must find every key with its value, in order, and no other key
    from whoosh.filedb.filestore import RamStorage
    from whoosh.filedb.filetables import OrderedHashReader
    from whoosh.system import pack_ushort

    from indexer.engine.whooshfiles.termtable import TERM_INFO as _TERM_INFO, TermTable as _TermTable

    storage = RamStorage()
    table = _TermTable(storage.create_file("terms"))
    by_field: dict[int, list[bytes]] = {}
    for field, term in sorted(keys):
        by_field.setdefault(field, []).append(term)
    expected = {}
    for field, terms in sorted(by_field.items()):
        infos = np.zeros(len(terms), dtype=_TERM_INFO)
        infos["df"] = np.arange(len(terms)) + 7 * field
        table.add_field(field, terms, infos)
        for term, info in zip(terms, infos):
            expected[pack_ushort(field) + term] = info.tobytes()
    table.close()
    reader = OrderedHashReader.open(storage, "terms")
    assert list(reader.keys()) == sorted(expected)
    assert all(reader[key] == value for key, value in expected.items())
    for term in absent:
        key = pack_ushort(9) + term
        assert key not in reader
