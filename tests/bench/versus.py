"""Two source trees' search cores on one index, in fresh facade processes, alternated.

    python -m tests.bench.versus WORK BEFORE_TREE AFTER_TREE [--rounds 3] [--cpu]

WORK holds `index/` and `mix.json` (as tests.bench.narrowing makes them). Each round runs
tests/bench/facade.py once per tree, in a fresh process whose working directory is the
tree (so its `indexer` is imported), the trees' order flipped each round; a search's figure
is the median of its rounds. Prints p50 / p95 / p99 of the Chinese searches and of all of
them, per kind of search the geometric mean of the per-search ratios, and the slowest
Chinese searches. Both trees must read the index's format, and the BEFORE tree's
tests/bench/facade.py must be this one (it reports the CPU time that --cpu compares: the
process's, which a machine loaded by other work inflates less than the wall time).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
from pathlib import Path


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] * 1000


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cpu", action="store_true",
                        help="the searches' CPU time (process time), not their wall time")
    args = parser.parse_args(argv)
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    mix = json.loads((args.work / "mix.json").read_text())
    times: dict = {name: [] for name in trees}
    for r in range(args.rounds):
        for name in (list(trees) if r % 2 == 0 else list(reversed(trees))):
            out = subprocess.run([sys.executable, "-m", "tests.bench.facade",
                                  str((args.work / "index").resolve()),
                                  str((args.work / "mix.json").resolve())],
                                 cwd=trees[name], capture_output=True, text=True, check=True)
            figures = json.loads(out.stdout.strip().splitlines()[-1])
            times[name].append(figures["cpu_times" if args.cpu else "times"])
    med = {name: [statistics.median(run[i] for run in times[name]) for i in range(len(mix))]
           for name in trees}
    chinese = [i for i, item in enumerate(mix) if item["kind"] == "chinese"]
    print(f"{args.rounds} rounds alternated; a search's figure is the median of its rounds "
          f"({'CPU' if args.cpu else 'wall'} ms)")
    print("| searches | before p50 / p95 / p99 | after p50 / p95 / p99 |")
    print("|---|---:|---:|")
    for label, which in ((f"Chinese ({len(chinese)})", chinese), (f"all {len(mix)}", range(len(mix)))):
        cells = [" / ".join(f"{percentile([med[name][i] for i in which], p):.1f}"
                            for p in (0.5, 0.95, 0.99)) for name in trees]
        print(f"| {label} | {cells[0]} | {cells[1]} |")
    print("\n| kind | searches | after / before, geometric mean of the searches' ratios |")
    print("|---|---:|---:|")
    for kind in sorted({item["kind"] for item in mix}):
        which = [i for i, item in enumerate(mix) if item["kind"] == kind]
        ratio = math.exp(statistics.mean(math.log(med["after"][i] / med["before"][i])
                                         for i in which))
        print(f"| {kind} | {len(which)} | {ratio:.2f} |")
    print()
    for i in sorted(chinese, key=lambda i: -med["before"][i])[:5]:
        print(f"`{mix[i]['q']}`: {med['before'][i] * 1000:.1f} -> {med['after'][i] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
