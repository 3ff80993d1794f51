"""A full build written as several segments by worker processes (indexer/engine/segments.py) finds
what a build in one segment finds: the same records in the same order, with the same scores,
totals and facets; a broken record in any chunk publishes nothing and leaves no part behind."""

from __future__ import annotations

import os

import pytest

from indexer.engine import segments
from indexer.engine.build import build_index
from indexer.errors import ValidationFailed
from indexer.search import KnowledgeBase
from tests.bench.generate import generate

RECORDS = 240
QUERIES = ["customs", "bonded warehouse", '"cross-border e-commerce"', "trade OR finance",
           "port NOT railway", "invest*", "保税", "自贸试验区", "跨境 trade", "title:customs",
           "zone:zhejiang", ""]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return generate(RECORDS, tmp_path_factory.mktemp("segments") / "measures")


def _build(measures, index, monkeypatch, parallel: bool):
    with monkeypatch.context() as patch:
        # in one process, one segment; or a worker per chunk of about 16 KB: many segments
        patch.setattr(segments, "PARALLEL_FROM", 1 if parallel else 10**9)
        if parallel:
            patch.setattr(segments, "SEGMENT_BYTES", 16_000)
        report = build_index(measures, index, rebuild=True)
    generation = index / report.generation
    parts = {name.split("_")[0] for name in os.listdir(generation) if name.endswith(".pst")}
    return report, parts


def _answers(index):
    kb = KnowledgeBase(index)
    try:
        out = {}
        for query in QUERIES:
            pages = [kb.search(query, page=p, per_page=50) for p in (1, 2, 3)]
            out[query] = (pages[0].total, dict(pages[0].facets),
                          [(h.id, h.score if h.score is None else round(h.score, 6))
                           for r in pages for h in r.hits])
        out["record"] = kb.measure(kb.search("", per_page=1).hits[0].id)
        return out
    finally:
        kb.close()


def test_a_build_in_many_segments_answers_as_one_in_one_segment(corpus, tmp_path, monkeypatch):
    one, one_parts = _build(corpus, tmp_path / "one", monkeypatch, parallel=False)
    many, many_parts = _build(corpus, tmp_path / "many", monkeypatch, parallel=True)
    assert one.total == many.total == RECORDS and one.added == many.added == RECORDS
    assert len(one_parts) == 2  # the records' segment and the taxonomy's
    assert len(many_parts) >= 8, many_parts  # the workers' segments, then the taxonomy's
    single, parallel = _answers(tmp_path / "one"), _answers(tmp_path / "many")
    assert all(single[q][0] for q in QUERIES), "every query should find something"
    assert parallel == single


def test_a_broken_record_in_a_chunk_publishes_nothing_and_leaves_no_part(corpus, tmp_path,
                                                                         monkeypatch):
    index = tmp_path / "index"
    _build(corpus, index, monkeypatch, parallel=True)
    before = sorted(os.listdir(index))
    current = (index / "CURRENT").read_text()
    generation_files = {g: sorted(os.listdir(index / g)) for g in before if g.startswith("gen-")}
    broken = sorted(corpus.glob("synthetic-*.md"))[RECORDS // 2]
    text = broken.read_text(encoding="utf-8")
    try:
        broken.write_text(text.replace("pillar:", "pillar: nowhere\nx:", 1), encoding="utf-8")
        with pytest.raises(ValidationFailed) as failed:
            _build(corpus, index, monkeypatch, parallel=True)
        assert broken.name in str(failed.value.problems[0].path)
    finally:
        broken.write_text(text, encoding="utf-8")
    # the published generation is untouched and still current; what the workers wrote is
    # gone (the new generation's folder, empty of records, goes at the next build's clean)
    assert (index / "CURRENT").read_text() == current
    assert {g: sorted(os.listdir(index / g)) for g in before if g.startswith("gen-")} == \
        generation_files
    left = [name for g in os.listdir(index) if g.startswith("gen-") and g not in before
            for name in os.listdir(index / g)]
    assert not [name for name in left if name.startswith(("part", "_part"))], left
    _build(corpus, index, monkeypatch, parallel=True)
    assert len([g for g in os.listdir(index) if g.startswith("gen-")]) == 1


def test_chunks_keep_the_order_and_split_evenly():
    files = [(f"r{i:03}.md", 100 + (i % 7) * 50) for i in range(101)]
    for workers in (1, 2, 3):
        parts = segments.chunks(files, budget=1_000, workers=workers)
        assert [n for part in parts for n in part] == [n for n, _ in files]
        assert all(parts) and len(parts) % workers == 0
        sizes = [sum(dict(files)[n] for n in part) for part in parts]
        assert max(sizes) <= 2 * min(sizes)
    assert segments.chunks(files[:1], budget=10, workers=2) == [["r000.md"]]


# A fresh interpreter (the test process has imported everything already): when the pool that
# forks the workers is made, every module a worker imports must be imported, or a worker
# forked while the pool's result thread imports one (unpickling a finished segment) waits on
# that module's import lock forever (a full build of 30,000 records hung so).
_FORK_CHECK = """
import sys
from pathlib import Path
from indexer.engine import segments
from indexer.engine.build import build_index

seen = []
real = segments.multiprocessing.get_context

class Context:
    def __init__(self, kind):
        self.real = real(kind)
    def Pool(self, *args, **kwargs):
        seen.append(sorted(m for m in ("whoosh.codec.whoosh3", "indexer.engine.whooshfiles.codec")
                           if m not in sys.modules))
        return self.real.Pool(*args, **kwargs)

segments.multiprocessing.get_context = Context
segments.PARALLEL_FROM, segments.SEGMENT_BYTES = 1, 16_000
build_index(Path(sys.argv[1]), Path(sys.argv[2]), rebuild=True)
print(seen)
"""


def test_the_workers_import_nothing_after_the_first_fork(corpus, tmp_path):
    import subprocess
    import sys

    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: no worker processes")
    try:  # a few seconds; without the imports first, a worker hung here every time
        done = subprocess.run([sys.executable, "-c", _FORK_CHECK, str(corpus),
                               str(tmp_path / "ix")], capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail("the build hung: a worker waits on an import lock it inherited")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[[]]", done.stdout  # one pool, nothing left to import
