"""Which segments to merge, and a merge published as a generation of its own.

Every incremental build adds a segment (build.py), and a search reads each term from every
segment: without merges a site updated daily slows until someone rebuilds. The policy is
Lucene's TieredMergePolicy, in live documents instead of bytes: segments smaller than
`floor` count as `floor`; the index may hold `segments_per_tier` segments at each tier of
sizes (the floor, ten times it, ...), a budget computed from the total; while there are
more, the merge of at most `max_merge_at_once` segments with the least skew (the largest
one's share of the merged size, Lucene's score) is chosen, and so on until the budget
holds. Merges cascade in one plan: a run of small segments merged now is merged again with
its neighbours later, once the run is a tier's worth. A merge drops deleted documents; when
they exceed `deletes_allowed` of the whole index, the segments most deleted are rewritten
until they do not (Lucene's deletesPctAllowed).

Unlike Lucene, only neighbours merge (segments next to each other in document order), so
that every live document keeps its place relative to every other: the order of equal
scores and of equal dates is that of document numbers, and a merge changes no answer
(tests/test_merging.py compares every answer before and after).

A merge never touches the generation readers have open (Whoosh deletes the files of merged
segments at its commit, and a reader in another process may still have to open them): it
writes a new generation, with the segments it keeps hard-linked (their files never change)
and the merged ones written anew, and publishes it as a full build does. Killed at any
point, it leaves the last generation current; the next build removes the half-written one.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass
from pathlib import Path

from indexer.engine import store


@dataclass(frozen=True)
class TieredMergePolicy:
    segments_per_tier: int = 8  # with a floor of 1,000: at most 9 segments at 10,000 records
    max_merge_at_once: int = 10
    floor: int = 1_000  # live documents: a smaller segment costs as much as one of this size
    max_merged: int = 1_000_000  # no merge makes a larger segment; half of it is "too big"
    deletes_allowed: float = 0.33  # deleted share of the index past which segments are rewritten

    def budget(self, lives: list[int]) -> int:
        """How many segments an index of these sizes may hold (Lucene's allowed count)."""
        if not lives:
            return 0
        left = float(sum(lives))
        level = float(max(min(lives), self.floor))
        allowed = 0
        while True:
            at_level = left / level
            if at_level < self.segments_per_tier:
                allowed += math.ceil(at_level)
                break
            allowed += self.segments_per_tier
            left -= self.segments_per_tier * level
            level *= self.max_merge_at_once
        return max(allowed, self.segments_per_tier)

    def full_build_segments(self, records: int) -> int:
        """The most segments of records a full build of `records` may write. Issue 21: a
        full build of 100,000 records left 25 segments against a budget of 17, and each of
        the first updates after it merged ten of them (586 s, 1,167 s). Here the build
        leaves room in its budget for a tier's worth of updates (`segments_per_tier` small
        segments, the build's own taxonomy segment among them), so that the updates' small
        segments fill that tier and are merged with each other, not with the build's. The
        budget depends only on the total and the smallest segment, here one document (the
        taxonomy's), counted as the floor. Never fewer than `segments_per_tier` - 1: with
        the taxonomy's, still within the least budget there is (small indexes, whose
        merges take seconds, keep their parallel build)."""
        room = self.budget([records, 1]) - self.segments_per_tier
        return max(room, self.segments_per_tier - 1, 1)

    def find_merges(self, segments: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The merges for segments of (live, all) documents, in document order: disjoint
        runs (start, stop) of neighbours, each to become one segment (a run of one: a
        segment rewritten without its deleted documents). [] when the index is fine."""
        runs = [[i, i + 1, live, total] for i, (live, total) in enumerate(segments)]
        too_big = self.max_merged / 2
        while True:
            eligible = [r for r in runs if r[2] <= too_big]
            if len(eligible) <= self.budget([r[2] for r in eligible]):
                break
            best = self._best_window(runs, too_big)
            if best is None:
                break
            start, stop = best
            window = runs[start:stop]
            runs[start:stop] = [[window[0][0], window[-1][1], sum(r[2] for r in window),
                                 sum(r[3] for r in window)]]
        # deleted documents past the index's allowance: the segments most deleted are
        # rewritten (Lucene's deletesPctAllowed); below it they wait for a merge to sweep them
        everything = sum(r[3] for r in runs)
        wasted = sum(r[3] - r[2] for r in runs if r[1] - r[0] == 1)
        rewrite = set()
        for run in sorted((r for r in runs if r[1] - r[0] == 1 and r[3] > r[2]
                           and r[2] <= self.max_merged), key=lambda r: r[2] / r[3]):
            if not everything or wasted / everything <= self.deletes_allowed:
                break
            rewrite.add(run[0])
            wasted -= run[3] - run[2]
        return [(first, last) for first, last, _live, _total in runs
                if last - first > 1 or first in rewrite]

    def _best_window(self, runs: list, too_big: float) -> tuple[int, int] | None:
        best, best_score = None, math.inf
        for start in range(len(runs)):
            floored, live, total = [], 0, 0
            for stop in range(start, min(start + self.max_merge_at_once, len(runs))):
                run = runs[stop]
                if run[2] > too_big or live + run[2] > self.max_merged:
                    break
                floored.append(max(run[2], self.floor))
                live, total = live + run[2], total + run[3]
                if len(floored) < 2:
                    continue
                skew = max(floored) / sum(floored)
                kept = live / total if total else 0.0
                score = skew * max(live, 1) ** 0.05 * kept ** 2  # Lucene's: lower is better
                if score < best_score:
                    best, best_score = (start, stop + 1), score
        return best


POLICY = TieredMergePolicy()


def merge_if_needed(index_dir: Path, generation: Path, policy: TieredMergePolicy, codec,
                    reference: bool = False) -> tuple[Path, int, int] | None:
    """Under the build lock, after a build committed into `generation` (the current one):
    when the policy asks for merges, write them into a new generation and publish it.
    Returns (new generation, segments before, segments after), or None. A merge copies
    the segments' posting arrays; `reference`: through Whoosh's own merge (tests)."""
    from indexer.engine.whooshfiles import files

    sizes = files.segment_sizes(generation)
    plan = policy.find_merges(sizes)
    if not plan:
        return None
    target = store.new_generation(index_dir)
    try:
        after = files.merge_into(generation, target, plan, codec, reference)
        shutil.copy2(generation / store.MANIFEST, target / store.MANIFEST)
        store.write_manifest(target, {"toc": files.latest_commit(target)}, changed={})
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    store.publish(index_dir, target)
    store.clean(index_dir)
    return target, len(sizes), after
