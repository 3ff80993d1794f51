"""What counts as a Chinese character is defined once (indexer/analysis/cjk.py), and the
records' checks, the normalisation, both analysers and the drafter read a text alike."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from indexer.analysis.analyser import spelling_analyzer
from indexer.analysis.bigrams import BigramTokenizer
from indexer.analysis.cjk import has_cjk
from indexer.analysis.normalize import normalize
from indexer.drafting.draft import _as_tag
from indexer.drafting.pillar_model import tokens
from indexer.engine import store
from indexer.engine.whooshfiles import files
from indexer.engine.build import build_index, index_is_stale
from indexer.engine.schema import SCHEMA_VERSION
from indexer.errors import IndexOutdated
from indexer.records import fields
from indexer.search.facade import KnowledgeBase

PROJECT = Path(__file__).resolve().parent.parent

# U+4E2D (unified), U+3400 (Extension A), U+FA0E (a unified ideograph of the compatibility
# block, which NFKC leaves as it is)
CHINESE = ["中国", "\u3400\u3401", "\ufa0e\ufa0f"]
NOT_CHINESE = ["bonded", "２０２３", "\u3007", "。、", "한국", "カタカナ"]


@pytest.mark.parametrize("text", CHINESE)
def test_every_part_reads_a_chinese_text_as_chinese(text):
    assert has_cjk(text) and normalize(text) == text
    assert fields.chinese(text) == text  # a Chinese field accepts it
    assert fields.TAG_RE.match(text) and _as_tag(text) == text  # a tag may be Chinese
    assert [t.text for t in spelling_analyzer()(text)] and all(
        has_cjk(t.text) for t in spelling_analyzer()(text))  # segmented, not split as words
    assert [t.text for t in BigramTokenizer()(text)] == [text]  # the fallback field's bigram
    assert tokens(text) == [text]  # the drafter's character pair


@pytest.mark.parametrize("text", NOT_CHINESE)
def test_no_part_reads_other_text_as_chinese(text):
    assert not has_cjk(text)
    with pytest.raises(fields.FieldError, match="must contain Chinese characters"):
        fields.chinese(text)
    assert list(BigramTokenizer()(text)) == []
    assert not any(has_cjk(t) for t in tokens(text))


def test_the_ranges_are_written_in_one_module():
    spelled = re.compile(r"\\u(?:4e00|3400|9fff|4dbf|f900|faff)", re.I)
    found = [path.relative_to(PROJECT).as_posix()
             for folder in ("indexer", "webapp") for path in sorted((PROJECT / folder).rglob("*.py"))
             if spelled.search(path.read_text(encoding="utf-8"))]
    assert found == ["indexer/analysis/cjk.py"]


def test_an_index_pickled_with_the_tokenizers_old_modules_is_rebuilt(measures_copy, tmp_path):
    # an index written before the tokenizers moved module (format 8): its pickled schema
    # names a module this version lacks, and the format number says so before any unpickling
    index = tmp_path / "index"
    first = build_index(measures_copy, index)
    generation = store.current_generation(index)
    toc = generation / f"_MAIN_{files.latest_commit(generation)}.toc"
    data = toc.read_bytes()
    assert b"indexer.analysis.bigrams" in data and b"indexer.analysis.analyser" in data
    toc.write_bytes(data.replace(b"indexer.analysis.bigrams", b"indexer.analysis.missing"))
    with sqlite3.connect(generation / store.MANIFEST) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION - 10_000),))
    db.close()

    with pytest.raises(IndexOutdated):
        KnowledgeBase(index)
    assert index_is_stale(measures_copy, index)
    rebuilt = build_index(measures_copy, index)
    assert rebuilt.mode == "full" and rebuilt.generation != first.generation
    kb = KnowledgeBase(index)
    try:
        assert kb.search("oil").total >= 1 and kb.search("油品").total >= 1
    finally:
        kb.close()
