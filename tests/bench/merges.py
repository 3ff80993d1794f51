"""Segments under many one-record updates, with the merge policy (indexer/engine/merging.py).

    python -m tests.bench.merges                      # 10,000 records, 200 updates
    python -m tests.bench.merges --records 2000 --updates 50

Generates the records, builds the index with `ftz index`, then changes one record at a time
and runs `ftz index` after each change, as an editor would: prints the number of segments
as it goes, and at the end the segments left, the update times end to end (interpreter
start included, a merge after the update included), the time until each update was
published (searchable: `ftz index` publishes an update before it merges, and says when) and
the merges' own times. `--each` prints every update's line. The issue's bound: at most 10
segments after 200 one-record updates of a 10,000-record index.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from indexer.engine.whooshfiles import files as segments
from indexer.engine import store

from .__main__ import touch_one
from .generate import generate

FTZ = [str(Path(sys.executable).with_name("ftz"))]
_MERGED = re.compile(r"(\d+) segments merged into (\d+) in ([0-9.]+) s")
_PUBLISHED = re.compile(r"measures in ([0-9.]+) s")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--profile", default="policy", choices=("policy", "other"))
    parser.add_argument("--each", action="store_true", help="print every update's summary")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ftz-merges-") as work:
        measures, index = Path(work) / "measures", Path(work) / "index"
        generate(args.records, measures, args.profile)
        started = time.perf_counter()
        ftz("index", "--measures", measures, "--index", index)
        print(f"full build of {args.records} records: {time.perf_counter() - started:.1f} s, "
              f"{count(index)} segments", flush=True)
        times, merges, most, plain, published = [], [], 0, [], []
        for i in range(args.updates):
            touch_one(measures, i)
            started = time.perf_counter()
            out = ftz("index", "--measures", measures, "--index", index)
            times.append(time.perf_counter() - started)
            if args.each:
                print(f"update {i + 1}: {times[-1]:.2f} s end to end: {out.strip()}", flush=True)
            published.append(float(_PUBLISHED.search(out).group(1)))
            found = _MERGED.search(out)
            if found:
                merges.append((int(found.group(1)), int(found.group(2)), float(found.group(3))))
            else:
                plain.append(times[-1])
            most = max(most, count(index))
            if (i + 1) % 20 == 0:
                print(f"after {i + 1} updates: {count(index)} segments", flush=True)
        merge_times = [m[2] for m in merges]
        print(f"segments after {args.updates} updates: {count(index)} (most at any time: {most})")
        print(f"update, end to end: median {statistics.median(times):.2f} s, "
              f"p95 {quantile(times, 0.95):.2f} s, max {max(times):.2f} s; median of those "
              f"without a merge {statistics.median(plain):.2f} s")
        print(f"update until published, in `ftz index` (interpreter start excluded): median "
              f"{statistics.median(published):.2f} s, p95 {quantile(published, 0.95):.2f} s, "
              f"max {max(published):.2f} s")
        if merges:
            print(f"merges: {len(merges)}, each of {min(m[0] for m in merges)}-"
                  f"{max(m[0] for m in merges)} segments; merge time median "
                  f"{statistics.median(merge_times):.2f} s, max {max(merge_times):.2f} s")
        else:
            print("merges: none")


def ftz(*args) -> str:
    done = subprocess.run([*FTZ, *map(str, args)], capture_output=True, text=True, check=True)
    return done.stdout


def count(index: Path) -> int:
    return len(segments.segment_sizes(store.current_generation(index)))


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


if __name__ == "__main__":
    main()
