"""The Chinese cuts kept in the index folder for updates (engine/cutcache.py): the segmenter's
own words, looked up instead of cut; an update whose Chinese some build has cut does not load
rjieba; an update that meets new Chinese cuts it; the index answers as a full build's."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given, settings, strategies as st

from indexer.analysis.segmentation import Cuts, segmenter
from indexer.engine.build import build_index
from indexer.engine.cutcache import CACHE, CutCache
from tests.helpers import answers, edit, examples

DICTIONARY = (("跨境电商", 20), ("保税仓库", 20))
# characters of words the corpus has, and of others, so that texts cut in many ways
CHINESE = "海南投资银行结算贸易便利化自由试验区跨境电商保税仓库原产地证书铁路专利研发化工测试举措"
texts = st.text(alphabet=CHINESE, min_size=1, max_size=24)


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(texts, min_size=1, max_size=8), st.lists(texts, max_size=8))
def test_kept_cuts_are_the_segmenters_words(tmp_path_factory, first, second):
    index = tmp_path_factory.mktemp("index")
    making = Cuts(DICTIONARY)
    making.keep()
    for text in first:
        making.cut(text)
        making.cut_for_search(text)
    CutCache(index, DICTIONARY).save(making.taken(), replace=True)

    kept = CutCache(index, DICTIONARY)
    reading = Cuts(DICTIONARY)
    reading.keep(kept.lookup)
    jieba = segmenter(DICTIONARY)  # the reference: rjieba itself
    try:
        for text in first + second:
            assert reading.cut(text) == list(jieba.cut(text, True))
            assert reading.cut_for_search(text) == list(jieba.cut_for_search(text, True))
        # what the store held was looked up, not cut again: only the new texts were cut
        assert set(reading.taken()) == {(kind, text) for text in set(second) - set(first)
                                        for kind in (0, 1)}
    finally:
        kept.close()


def test_a_cache_of_another_dictionary_or_a_broken_file_is_not_read(tmp_path):
    making = Cuts(DICTIONARY)
    making.keep()
    making.cut("跨境电商保税仓库")
    CutCache(tmp_path, DICTIONARY).save(making.taken(), replace=True)
    assert CutCache(tmp_path, DICTIONARY).lookup(0, "跨境电商保税仓库") == ["跨境电商", "保税仓库"]
    other = CutCache(tmp_path, (("跨境", 5),))
    assert other.lookup(0, "跨境电商保税仓库") is None
    other.save({(0, "跨境"): ["跨境"]}, replace=False)  # written over: the old words are gone
    assert CutCache(tmp_path, DICTIONARY).lookup(0, "跨境电商保税仓库") is None
    assert CutCache(tmp_path, (("跨境", 5),)).lookup(0, "跨境") == ["跨境"]
    (tmp_path / CACHE).write_bytes(b"not a database" * 100)
    broken = CutCache(tmp_path, DICTIONARY)
    assert broken.lookup(0, "跨境") is None
    broken.save({(0, "跨境"): ["跨境"]}, replace=False)  # not written: removed for the next
    assert not (tmp_path / CACHE).exists()
    fresh = CutCache(tmp_path, DICTIONARY)
    fresh.save({(0, "跨境"): ["跨境"]}, replace=False)
    assert fresh.lookup(0, "跨境") == ["跨境"]
    fresh.close()


_UPDATE = """
import sys
from indexer.engine.build import build_index
report = build_index(sys.argv[1], sys.argv[2])
print(report.mode, report.updated, "rjieba" in sys.modules)
"""


def _update(measures, index) -> str:
    done = subprocess.run([sys.executable, "-c", _UPDATE, str(measures), str(index)],
                          capture_output=True, text=True, timeout=300, check=True)
    return done.stdout.strip()


def test_an_update_cuts_only_chinese_no_build_has_cut(measures_copy, tmp_path):
    index = tmp_path / "index"
    build_index(measures_copy, index)
    assert (index / CACHE).exists()
    record = sorted(measures_copy.glob("*.md"))[0]
    queries = ("tank", "测试", "保税", "飞马独角兽", "独角兽", "")
    # an edit in English: the record's Chinese was cut by the full build
    edit(record, "\n---\n", "\n---\nA pegasus sentence.\n")
    assert _update(measures_copy, index) == "incremental 1 False"
    assert answers(index, queries) == answers(_full(measures_copy, tmp_path, 1), queries)
    # new Chinese: the segmenter is loaded and cuts it, and keeps it for the next update
    edit(record, "A pegasus sentence.", "飞马独角兽的句子。")
    assert _update(measures_copy, index) == "incremental 1 True"
    assert answers(index, queries) == answers(_full(measures_copy, tmp_path, 2), queries)
    edit(record, "飞马独角兽的句子。", "飞马独角兽的句子。 Again.")
    assert _update(measures_copy, index) == "incremental 1 False"
    assert answers(index, queries) == answers(_full(measures_copy, tmp_path, 3), queries)
    # without the cache (the plain path) the update is the same
    (index / CACHE).unlink()
    edit(record, " Again.", " Once more.")
    assert _update(measures_copy, index) == "incremental 1 True"
    assert answers(index, queries) == answers(_full(measures_copy, tmp_path, 4), queries)


def _full(measures, tmp_path, i):
    full = tmp_path / f"full{i}"
    build_index(measures, full, rebuild=True)
    return full
