"""Merging segments (indexer/engine/merging.py): incremental updates keep the number of segments
bounded; a merge changes no answer (every query's total, facets, ranking and scores, and the
records, compared before and after), drops deleted documents, and is published as a
generation of its own, atomically: a merge killed midway leaves the last index serving."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from indexer.engine import merging
from indexer.engine.whooshfiles import files as segments
from indexer.engine import store
from indexer.engine.build import build_index, codec
from indexer.engine.merging import TieredMergePolicy
from indexer.search import KnowledgeBase
from tests.answering import answers, mix
from tests.bench.generate import PROFILES, ZH_WORDS, generate
from tests.helpers import examples

SMALL = TieredMergePolicy(segments_per_tier=2, max_merge_at_once=3, floor=5)
ALL_IN_ONE = TieredMergePolicy(segments_per_tier=1, max_merge_at_once=1000, floor=10**9)
WORDS = [w for w in PROFILES["policy"]["words"] if "-" not in w][:300]


def count(index: Path) -> int:
    return len(segments.segment_sizes(store.current_generation(index)))


def change(measures: Path, i: int) -> None:
    """The i-th edit of a run of updates: mostly a record changed, now and then one added
    or one deleted (so that merged segments hold deleted documents)."""
    records = sorted(measures.glob("synthetic-*.md"))
    if i % 7 == 3:
        records[(i * 5) % len(records)].unlink()
    elif i % 7 == 5:
        source = records[(i * 3) % len(records)]
        shutil.copy(source, measures / f"synthetic-added-{i}.md")
    else:
        record = records[(i * 11) % len(records)]
        with open(record, "a", encoding="utf-8") as fh:
            # words only: a figure in a body must be in the record's quote or source
            fh.write(f"\nA sentence added about {WORDS[i % len(WORDS)]} clearance.\n")


@pytest.fixture(scope="module")
def updated(tmp_path_factory):
    """A 150-record index updated 30 times without merging: 30-odd segments, deletions."""
    root = tmp_path_factory.mktemp("merging")
    measures = generate(150, root / "measures")
    index = root / "index"
    build_index(measures, index)
    for i in range(30):
        change(measures, i)
        build_index(measures, index, merge_policy=None)
    return {"measures": measures, "index": index}


def merged_copy(updated: dict, target: Path, policy: TieredMergePolicy) -> Path:
    index = target / "index"
    shutil.copytree(updated["index"], index, ignore=shutil.ignore_patterns(store.READERS))
    with store.build_lock(index):
        done = merging.merge_if_needed(index, store.current_generation(index), policy, codec)
    assert done is not None
    return index


# -- the policy alone ----------------------------------------------------------------------

def test_the_budget_is_lucenes_allowed_segment_count():
    policy = TieredMergePolicy()  # 8 per tier, floor 1,000, tiers ten times apart
    assert policy.budget([5000, 5000, 1]) == 9  # 8 of the floor's size, 1 of the next tier
    assert policy.budget([1] * 50) == 8  # never below one tier
    assert policy.budget([50_000, 50_000, 1]) == 8 + 8 + 1


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 500)), min_size=1, max_size=60),
       st.integers(1, 6), st.integers(2, 8), st.integers(1, 200))
def test_a_plan_merges_runs_of_neighbours_until_the_budget_holds(sizes, per_tier, at_once, floor):
    segments_ = [(live, live + deleted) for live, deleted in sizes]
    policy = TieredMergePolicy(segments_per_tier=per_tier, max_merge_at_once=at_once, floor=floor)
    plan = policy.find_merges(segments_)
    # disjoint runs of neighbours, in order
    assert all(a < b for a, b in plan)
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(plan, plan[1:]))
    # the index after the plan: each run one segment of its live documents
    runs, after, i = dict(plan), [], 0
    while i < len(segments_):
        stop = runs.get(i)
        if stop is None:
            after.append(segments_[i][0])
            i += 1
        else:
            after.append(sum(live for live, _ in segments_[i:stop]))
            i = stop
    assert len(after) <= policy.budget(after)
    # deleted documents beyond the allowance are dropped: what the segments left as they
    # were still hold is within it
    kept = [segments_[i] for i in range(len(segments_)) if not any(a <= i < b for a, b in plan)]
    everything = sum(total for _, total in segments_)
    assert sum(total - live for live, total in kept) <= policy.deletes_allowed * everything
    # and an index within its budget, with few deletions, is left alone
    if len(segments_) <= policy.budget([live for live, _ in segments_]) and \
            sum(total - live for live, total in segments_) <= policy.deletes_allowed * everything:
        assert plan == []


def test_nothing_to_merge_in_an_index_within_its_budget():
    assert TieredMergePolicy().find_merges([(5000, 5000), (5000, 5010), (1, 1)]) == []
    # a record changed twice leaves a segment wholly deleted: swept by a later merge
    assert TieredMergePolicy().find_merges([(5000, 5000), (0, 1), (1, 1)]) == []


def test_deleted_documents_past_the_allowance_are_rewritten_most_deleted_first():
    policy = TieredMergePolicy(deletes_allowed=0.2)
    assert policy.find_merges([(100, 100), (60, 100), (10, 100)]) == [(2, 3)]
    assert policy.find_merges([(100, 100), (20, 100), (10, 100)]) == [(1, 2), (2, 3)]


# -- updates of a real index -----------------------------------------------------------------

def test_updates_keep_the_number_of_segments_within_the_bound(tmp_path):
    measures = generate(60, tmp_path / "measures")
    merged, unmerged = tmp_path / "merged", tmp_path / "unmerged"
    build_index(measures, merged)
    build_index(measures, unmerged)
    most = 0
    for i in range(20):
        change(measures, i)
        report = build_index(measures, merged, merge_policy=SMALL)
        build_index(measures, unmerged, merge_policy=None)
        most = max(most, count(merged))
        sizes = [live for live, _ in segments.segment_sizes(store.current_generation(merged))]
        assert count(merged) <= SMALL.budget(sizes), (i, report.summary())
    assert count(unmerged) >= 18  # without a policy, a segment per update
    assert most <= 6
    # the last merge's old generations went once nothing held them
    assert [p.name for p in merged.glob("gen-*")] == [store.current_generation(merged).name]
    assert answers(merged, mix(measures)[:30]) == answers(unmerged, mix(measures)[:30])


def test_a_merge_changes_no_answer_and_drops_deleted_documents(updated, tmp_path):
    before_sizes = segments.segment_sizes(store.current_generation(updated["index"]))
    assert len(before_sizes) > 25 and any(live < total for live, total in before_sizes)
    index = merged_copy(updated, tmp_path, ALL_IN_ONE)
    ((live, total),) = segments.segment_sizes(store.current_generation(index))
    assert live == total == sum(live for live, _ in before_sizes)
    queries = mix(updated["measures"]) + [{"q": q} for q in (
        "customs", '"cross-border e-commerce"', "trade OR finance", "port NOT railway", "invest*",
        "保税", "跨境 trade", "title:customs", "clearance", "sentence added", "")]
    before, after = answers(updated["index"], queries), answers(index, queries)
    assert sum(1 for k, v in before.items() if isinstance(k, tuple) and v[0]) > 100
    assert after == before


@pytest.fixture(scope="module")
def both(updated, tmp_path_factory):
    """Open knowledge bases of the updated index and of a merged copy."""
    before = KnowledgeBase(updated["index"])
    after = KnowledgeBase(merged_copy(updated, tmp_path_factory.mktemp("merged"), ALL_IN_ONE))
    yield before, after
    before.close()
    after.close()


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS[:120] + ZH_WORDS), min_size=1, max_size=3),
       st.sampled_from(["", "OR", '"']))
def test_any_query_answers_alike_before_and_after_a_merge(both, words, how):
    query = f" {how} ".join(words) if how == "OR" else (
        f'"{" ".join(words)}"' if how == '"' else " ".join(words))
    before, after = both
    assert answers(after, [{"q": query}]) == answers(before, [{"q": query}])


def test_a_reader_keeps_the_generation_a_merge_replaced(updated, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(updated["index"], index, ignore=shutil.ignore_patterns(store.READERS))
    kb = KnowledgeBase(index)
    old = store.current_generation(index).name
    expected = kb.search("customs").total
    with store.build_lock(index):
        merging.merge_if_needed(index, store.current_generation(index), ALL_IN_ONE, codec)
    assert old in {p.name for p in index.glob("gen-*")}  # held by kb's lease
    assert kb.search("customs").total == expected
    assert kb.refresh(force=True) and not kb.generation.startswith(old)
    assert kb.search("customs").total == expected
    kb.close()
    build_index(updated["measures"], index)  # nothing changed; its clean removes the old one
    assert old not in {p.name for p in index.glob("gen-*")}


MERGE_AND_WAIT = """
import sys, time
from pathlib import Path
from indexer.engine import merging
from indexer.engine.whooshfiles import files as segments
from indexer.engine import store
from indexer.engine.build import codec
from indexer.engine.merging import TieredMergePolicy

index = Path(sys.argv[1])
link = segments._link

def slow_link(source, target):  # a merge under way: files written, nothing published
    link(source, target)
    (index / "linked").touch()
    time.sleep(60)

segments._link = slow_link
with store.build_lock(index):
    merging.merge_if_needed(index, store.current_generation(index),
                            TieredMergePolicy(segments_per_tier=2, max_merge_at_once=3, floor=5),
                            codec)
"""


def test_a_merge_killed_midway_leaves_the_last_index_serving(updated, tmp_path):
    index, measures = tmp_path / "index", tmp_path / "measures"
    shutil.copytree(updated["index"], index, ignore=shutil.ignore_patterns(store.READERS))
    shutil.copytree(updated["measures"], measures)
    current = (index / store.POINTER).read_text()
    queries = [{"q": "customs"}, {"q": "保税"}, {"q": ""}]
    expected = answers(index, queries)
    _kill_when(index / "linked", [sys.executable, "-c", MERGE_AND_WAIT, str(index)], 60)
    assert len(list(index.glob("gen-*"))) == 2  # the half-written merge is there
    assert (index / store.POINTER).read_text() == current
    assert answers(index, queries) == expected
    report = build_index(measures, index, merge_policy=SMALL)
    assert report.mode == "unchanged"  # no lock left; its clean removed the half merge
    assert [p.name for p in index.glob("gen-*")] == [current.strip()]
    change(measures, 100)  # the next update merges, and publishes the merge
    report = build_index(measures, index, merge_policy=SMALL)
    assert report.merged is not None and count(index) == report.merged[1] < len(
        segments.segment_sizes(updated["index"] / current.strip()))
    assert store.current_generation(index).name != current.strip()
    assert answers(index, queries)["stats"] == expected["stats"]  # one record changed, none added


# -- an update is published before its merge runs ------------------------------------------

def test_an_update_is_searchable_before_its_merge_runs(updated, tmp_path, monkeypatch):
    index, measures = tmp_path / "index", tmp_path / "measures"
    shutil.copytree(updated["index"], index, ignore=shutil.ignore_patterns(store.READERS))
    shutil.copytree(updated["measures"], measures)
    record = sorted(measures.glob("synthetic-*.md"))[3]
    with open(record, "a", encoding="utf-8") as fh:
        fh.write("\nA sentence added about quokka clearance.\n")
    seen = {}
    merge = merging.merge_if_needed

    def merge_watched(index_dir, generation, *args, **kw):
        seen["current"] = store.current_generation(index_dir).name
        kb = KnowledgeBase(index_dir)  # a reader opening the index as the merge starts
        try:
            seen["found"] = [h.id for h in kb.search("quokka").hits]
        finally:
            kb.close()
        return merge(index_dir, generation, *args, **kw)

    monkeypatch.setattr(merging, "merge_if_needed", merge_watched)
    report = build_index(measures, index, merge_policy=SMALL)
    assert seen == {"current": report.published, "found": [record.name[:-3]]}
    assert report.merged is not None and report.generation != report.published
    assert store.current_generation(index).name == report.generation
    assert 0 < report.published_seconds < report.seconds and report.merge_seconds > 0
    summary = report.summary()
    assert f"build of {report.published}:" in summary
    assert f"published as {report.generation}" in summary
    assert answers(index, [{"q": "quokka"}])[("quokka", (), ())][0] == 1


UPDATE_AND_STALL_THE_MERGE = """
import sys, time
from pathlib import Path
from indexer.engine.build import build_index
from indexer.engine.merging import TieredMergePolicy
from indexer.engine.whooshfiles import merges

index, measures = Path(sys.argv[1]), Path(sys.argv[2])
write = merges.write_postings

def stalled(*args):  # the merged segment's postings half written
    (index / "merging").touch()
    time.sleep(60)

merges.write_postings = stalled
build_index(measures, index,
            merge_policy=TieredMergePolicy(segments_per_tier=2, max_merge_at_once=3, floor=5))
"""


def test_an_update_whose_merge_is_killed_stays_published(updated, tmp_path):
    index, measures = tmp_path / "index", tmp_path / "measures"
    shutil.copytree(updated["index"], index, ignore=shutil.ignore_patterns(store.READERS))
    shutil.copytree(updated["measures"], measures)
    current = store.current_generation(index).name
    record = sorted(measures.glob("synthetic-*.md"))[5]
    with open(record, "a", encoding="utf-8") as fh:
        fh.write("\nA sentence added about wombat clearance.\n")
    _kill_when(index / "merging", [sys.executable, "-c", UPDATE_AND_STALL_THE_MERGE, str(index),
                                   str(measures)], 120)
    assert len(list(index.glob("gen-*"))) == 2  # the half-written merge is there
    assert store.current_generation(index).name == current  # the update's, committed in it
    kb = KnowledgeBase(index)
    try:
        assert [h.id for h in kb.search("wombat").hits] == [record.name[:-3]]
    finally:
        kb.close()
    report = build_index(measures, index, merge_policy=None)
    assert report.mode == "unchanged"  # the update was complete; the half merge is removed
    assert [p.name for p in index.glob("gen-*")] == [current]


def _kill_when(mark, command: list[str], seconds: float) -> None:
    """Run `command` and kill it (SIGKILL: no clean-up of its own) once it has written `mark`."""
    proc = subprocess.Popen(command)
    try:
        deadline = time.monotonic() + seconds
        while not mark.exists():
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
