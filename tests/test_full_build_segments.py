"""A full build leaves its segments within the merge policy's budget, with room for a tier's
worth of updates (issue 21: a full build of 100,000 records left 25 segments against a
budget of 17, and each of the first updates after it merged ten of the build's segments,
for 586 s and 1,167 s). Here records are cut into segments of a few kilobytes and the
policy's floor is a few documents, so that a small corpus shows what 100,000 records did."""

from __future__ import annotations

import pytest

from indexer.engine import segments, store
from indexer.engine.whooshfiles import files
from indexer.engine.build import build_index
from indexer.engine.merging import TieredMergePolicy
from tests.bench.generate import generate

POLICY = TieredMergePolicy(segments_per_tier=3, max_merge_at_once=4, floor=5)
RECORDS = 150


def sizes(index) -> list[tuple[int, int]]:
    return files.segment_sizes(store.current_generation(index))


@pytest.fixture
def built(tmp_path, monkeypatch):
    measures = generate(RECORDS, tmp_path / "measures")
    monkeypatch.setattr(segments, "SEGMENT_BYTES", 4_000)  # a segment per few records
    index = tmp_path / "index"
    report = build_index(measures, index, merge_policy=POLICY)
    assert report.mode == "full" and report.total == RECORDS
    return measures, index


def test_a_full_build_leaves_its_segments_within_the_budget(built):
    measures, index = built
    files = [(path.name, path.stat().st_size) for path in sorted(measures.glob("*.md"))]
    uncapped = len(segments.chunks(files))  # what the build wrote before issue 21's fix
    after = sizes(index)
    live = [n for n, _ in after]
    assert uncapped + 1 > POLICY.budget(live), "the fixture should be one the cap changes"
    assert len(after) <= POLICY.budget(live)
    # the build's segments and its taxonomy's, leaving room for a tier of updates
    assert len(after) == POLICY.full_build_segments(RECORDS) + 1
    assert len(after) + POLICY.segments_per_tier - 1 <= POLICY.budget(live)
    assert POLICY.find_merges(after) == []
    assert sum(live) == RECORDS + 1  # every record, and the taxonomy document


def test_the_updates_after_a_full_build_merge_none_of_its_segments(built):
    measures, index = built
    build = sizes(index)[:-1]  # the records' segments (the last is the taxonomy's)
    records = sorted(measures.glob("synthetic-*.md"))
    report = None
    for i in range(POLICY.segments_per_tier * 2):
        with open(records[(i * 11) % len(records)], "a", encoding="utf-8") as fh:
            fh.write("\nA sentence added about customs clearance.\n")
        report = build_index(measures, index, merge_policy=POLICY)
        assert report.mode == "incremental", report.summary()
        if i < POLICY.segments_per_tier - 1:  # the first updates merge nothing
            assert report.merged is None, (i, report.summary())
        now = sizes(index)
        assert len(now) <= POLICY.budget([n for n, _ in now])
        # the build's segments are all still there, as written (a changed record's old
        # document is marked deleted, the segment itself not rewritten)
        assert [total for _, total in now[:len(build)]] == [total for _, total in build]
    assert report is not None and report.merged, "the updates' own segments were merged"


def _simulate(policy: TieredMergePolicy, sizes_: list[int], updates: int) -> list[int]:
    """The size of each merge the policy makes over `updates` one-record updates of an
    index of segments of `sizes_` live documents (no deletions)."""
    segments_, merges = [(n, n) for n in sizes_], []
    for _ in range(updates):
        segments_.append((1, 1))
        runs = dict(policy.find_merges(segments_))
        merged, i = [], 0
        while i < len(segments_):
            stop = runs.get(i, i + 1)
            live = sum(n for n, _ in segments_[i:stop])
            if stop - i > 1:
                merges.append(live)
            merged.append((live, live))
            i = stop
        segments_ = merged
    return merges


@pytest.mark.parametrize("records", [100_000, 300_000, 1_000_000])
def test_at_scale_the_updates_never_merge_the_build_segments(records):
    """The default policy at issue 21's sizes: the build's segments (as many as the cap
    allows, of equal size) and its taxonomy's; 300 one-record updates after it merge only
    the updates' segments (before the fix: 25 segments at 100,000 records, and the first
    update merged 80,000 records)."""
    policy = TieredMergePolicy()
    count = policy.full_build_segments(records)
    built = [records // count] * count + [1]
    assert len(built) <= policy.budget(built)
    assert max(_simulate(policy, built, 300)) < records // count
    before = [records // 25] * 25 + [1]
    assert max(_simulate(policy, before, 1)) >= 8 * records // 25
