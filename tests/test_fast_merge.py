"""The merge that copies posting arrays (indexer/engine/whooshfiles/merges.py) against the plain
reference, Whoosh's own merge (add_reader): over generated small indexes with deletions and
any plan of runs, both write the same segments (term lists, each term's statistics and
posting arrays with their block statistics, stored fields, exact lengths, columns) and the
index answers every query alike."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from whoosh.index import open_dir

from indexer.engine import merging, store
from indexer.engine.build import build_index, codec
from indexer.engine.whooshfiles import files as segments
from tests.bench.generate import generate
from tests.answering import answers, mix
from tests.helpers import examples

QUERIES = ["customs", '"cross-border e-commerce"', "trade OR finance", "port NOT railway",
           "invest*", "保税", "跨境 trade", "title:customs", "clearance", "sentence added", ""]


class Plan:
    """A merge policy that asks for the given runs."""

    def __init__(self, runs: list[tuple[int, int]]):
        self.runs = runs

    def find_merges(self, sizes):
        return self.runs


def contents(generation: Path) -> list[dict]:
    """Every segment's terms (statistics and posting arrays), stored fields, lengths and
    columns, read back through Whoosh's reader and the codec's matchers."""
    ix = open_dir(str(generation))
    reader = ix.reader()
    try:
        out = []
        for leaf, _ in reader.leaf_readers():
            docs = list(leaf.all_doc_ids())
            segment = {"docs": len(docs), "terms": {}}
            for fieldname, text in leaf.all_terms():
                info = leaf.term_info(fieldname, text)
                matcher = leaf.postings(fieldname, text)
                arrays = getattr(matcher, "postings", None)
                if arrays is not None:
                    listed = (arrays.ids.tolist(), arrays.weights.tolist(),
                              arrays.block_ids.tolist(), arrays.block_max.tolist(),
                              arrays.block_minlen.tolist(), arrays.values(),
                              arrays.value_offsets().tolist())
                else:  # a segment with deletions: its live postings
                    listed = []
                    while matcher.is_active():
                        listed.append((matcher.id(), matcher.weight(), matcher.value()))
                        matcher.next()
                segment["terms"][(fieldname, text)] = (
                    info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                    info.max_weight(), info.min_id(), info.max_id(), listed)
            schema = ix.schema
            segment["stored"] = [leaf.stored_fields(d) for d in docs]
            scored = [name for name in schema.names() if schema[name].scorable]
            segment["lengths"] = {name: ([leaf.doc_field_length(d, name) for d in docs],
                                         leaf.field_length(name)) for name in scored}
            segment["columns"] = {name: [leaf.column_reader(name)[d] for d in docs]
                                  for name in schema.names() if schema[name].column_type}
            out.append(segment)
        return out
    finally:
        reader.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = tmp_path_factory.mktemp("fastmerge")
    measures = generate(24, root / "measures")
    build_index(measures, root / "index")
    return root


def edit(measures: Path, kind: int, which: int, step: int) -> None:
    records = sorted(measures.glob("synthetic-*.md"))
    record = records[which % len(records)]
    if kind == 0 and len(records) > 3:
        record.unlink()
    elif kind == 1:
        shutil.copy(record, measures / f"synthetic-copy-{step}.md")
    else:
        with open(record, "a", encoding="utf-8") as fh:
            fh.write(f"\nA sentence added about customs clearance, step {'abcdefgh'[step % 8]}.\n")


def merged(index: Path, target: Path, runs, reference: bool) -> Path:
    shutil.copytree(index, target, ignore=shutil.ignore_patterns(store.READERS))
    with store.build_lock(target):
        done = merging.merge_if_needed(target, store.current_generation(target), Plan(runs),
                                       codec, reference=reference)
    assert done is not None
    return target


@st.composite
def runs_of(draw, count: int) -> list[tuple[int, int]]:
    """Disjoint runs of neighbours among `count` segments, at least one."""
    cuts = sorted(draw(st.sets(st.integers(1, count - 1), max_size=count - 1))) if count > 1 \
        else []
    bounds = [0, *cuts, count]
    chosen = [(a, b) for a, b in zip(bounds, bounds[1:]) if draw(st.booleans())]
    return chosen or [(0, count)]


@settings(max_examples=examples(12), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 60)), min_size=1, max_size=7),
       data=st.data())
def test_the_copying_merge_writes_what_whooshs_merge_writes(base, edits, data):
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        measures, index = work / "measures", work / "index"
        shutil.copytree(base / "measures", measures)
        shutil.copytree(base / "index", index, ignore=shutil.ignore_patterns(store.READERS))
        for step, (kind, which) in enumerate(edits):
            edit(measures, kind, which, step)
            build_index(measures, index, merge_policy=None)
        count = len(segments.segment_sizes(store.current_generation(index)))
        runs = data.draw(runs_of(count), label="runs")
        fast = merged(index, work / "fast", runs, reference=False)
        plain = merged(index, work / "plain", runs, reference=True)
        assert contents(store.current_generation(fast)) == \
            contents(store.current_generation(plain))
        queries = mix(measures)[::7] + [{"q": q} for q in QUERIES]
        expected = answers(index, queries)
        assert answers(plain, queries) == expected
        assert answers(fast, queries) == expected


def test_a_merge_of_every_segment_with_deletions_matches_the_reference(tmp_path):
    """A run that is the whole index, with a segment whose documents are all deleted."""
    measures = generate(30, tmp_path / "measures")
    index = tmp_path / "index"
    build_index(measures, index)
    records = sorted(measures.glob("synthetic-*.md"))
    for step in range(6):
        edit(measures, 2, 4, step)  # the same record again and again: whole segments deleted
        build_index(measures, index, merge_policy=None)
    edit(measures, 0, 7, 6)
    build_index(measures, index, merge_policy=None)
    sizes = segments.segment_sizes(store.current_generation(index))
    assert any(live == 0 for live, _ in sizes) and len(records) == 30
    everything = [(0, len(sizes))]
    fast = merged(index, tmp_path / "fast", everything, reference=False)
    plain = merged(index, tmp_path / "plain", everything, reference=True)
    assert contents(store.current_generation(fast)) == contents(store.current_generation(plain))
    ((live, total),) = segments.segment_sizes(store.current_generation(fast))
    assert live == total == 29 + 1  # the records left and the taxonomy's document
