"""The one-record update of several checkouts (or settings) against each other, alternated.

    python -m tests.bench.updates MEASURES INDEX WORK NAME=TREE[:VAR=VALUE,...] ... [--rounds N]

MEASURES and INDEX: a folder of records and its built index (tests.bench.generate, then
`ftz index`), copied once into WORK for each NAME. TREE: a checkout whose `indexer` and
`webapp` are run (`python -c "from webapp.cli import main; main()" index ...` with TREE as
the working directory; compile its bytecode first, `python -m compileall indexer webapp`,
where PYTHONDONTWRITEBYTECODE is set), with the environment variables given after it. Each
round edits the same record of every copy (tests.bench.touch_one), then runs each NAME's
update in a new process, in an order rotated from round to round. Prints each run and the
medians of wall time and of processor time (the process's and its children's), and each
NAME's ratio to the first NAME (the median of the rounds' ratios).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .__main__ import touch_one


def run(tree: str, env: dict, measures: Path, index: Path) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", "from webapp.cli import main; main()", "index",
                           "--measures", str(measures), "--index", str(index)], cwd=tree,
                          env={**os.environ, **env}, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, done.stdout.strip()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("measures", type=Path)
    parser.add_argument("index", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("trees", nargs="+", metavar="NAME=TREE[:VAR=VALUE,...]")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    setups = {}
    for spec in args.trees:
        name, _, rest = spec.partition("=")
        tree, _, variables = rest.partition(":")
        setups[name] = (tree, dict(v.split("=", 1) for v in variables.split(",") if v))
    for name in setups:
        if not (args.work / name).exists():
            shutil.copytree(args.measures, args.work / name / "m")
            shutil.copytree(args.index, args.work / name / "i")
        tree, env = setups[name]
        run(tree, env, args.work / name / "m", args.work / name / "i")  # settle the copy
    print("load average", os.getloadavg(), flush=True)
    walls = {name: [] for name in setups}
    cpus = {name: [] for name in setups}
    names = list(setups)
    for i in range(args.rounds):
        for name in names:
            touch_one(args.work / name / "m", 100 + i)
        order = names[i % len(names):] + names[:i % len(names)]
        if (i // len(names)) % 2:
            order.reverse()
        for name in order:
            tree, env = setups[name]
            wall, cpu, out = run(tree, env, args.work / name / "m", args.work / name / "i")
            walls[name].append(wall)
            cpus[name].append(cpu)
            print(f"{i} {name} wall {wall:.3f} cpu {cpu:.3f}  {out[-80:]}", flush=True)
    print("load average", os.getloadavg())
    first = names[0]
    for name in names:
        ratio = statistics.median(b / a for a, b in zip(walls[first], walls[name]))
        cpu_ratio = statistics.median(b / a for a, b in zip(cpus[first], cpus[name]))
        print(f"{name}: median wall {statistics.median(walls[name]):.3f} s, "
              f"processor {statistics.median(cpus[name]):.3f} s; to {first}: "
              f"wall {ratio:.3f}, processor {cpu_ratio:.3f}")


if __name__ == "__main__":
    main()
