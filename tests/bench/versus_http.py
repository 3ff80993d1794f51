"""Two source trees' /api/search on one index, alternated: over HTTP (gunicorn, 2 workers, as
tests/bench/__main__.py serves it) or in one process (tests/bench/wsgi.py), with their answers
compared byte for byte.

    python -m tests.bench.versus_http WORK BEFORE_TREE AFTER_TREE [--rounds 5] [--wsgi [--cached]]

WORK holds `index/`, `measures/` and `mix.json` (the records the index was built from and the
benchmark's query mix, as tests/bench/__main__.py makes them). Each round serves the mix once
per tree, the trees' order flipped each round, from a server (or process) whose working
directory and PYTHONPATH are the tree, so its `webapp` and `indexer` are imported; a search's
figure is the median of its rounds. Prints p50 / p95 / p99 per tree and their ratio, and
whether every answer (status, headers but Date, body) of the two trees is the same bytes;
with --wsgi also the part of each call spent outside the facade's search (the HTTP work);
with --cached too, the facade's answers are kept from a first pass and only that work is timed.
The machine's load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .__main__ import gunicorn, percentiles
from .wsgi import query_of

WSGI = Path(__file__).with_name("wsgi.py")


def serve_mix(tree: Path, work: Path, queries: list[str]) -> tuple[list[float], list]:
    """One pass of the queries over HTTP against a gunicorn of `tree`: times and answers."""
    with gunicorn(work / "measures", work / "index", tree) as (conn, _server):
        times, answers = [], []
        for query in queries:
            start = time.perf_counter()
            conn.request("GET", f"/api/search?{query}")
            response = conn.getresponse()
            body = response.read()
            times.append(time.perf_counter() - start)
            answers.append([response.status, [h for h in response.getheaders()
                                               if h[0].lower() != "date"], body.decode()])
        return times, answers


def wsgi_mix(tree: Path, work: Path, mix: Path, cached: bool = False) -> tuple[dict, list]:
    """One run of tests/bench/wsgi.py (this tree's) on `tree`'s code: figures and answers;
    `cached`: the facade's answers kept from a first pass, 5 rounds of the HTTP work alone."""
    with tempfile.NamedTemporaryFile(suffix=".json") as answers:
        out = subprocess.run([sys.executable, str(WSGI), str(work / "index"),
                              str(work / "measures"), str(mix), "--answers", answers.name,
                              *(("--rounds", "5", "--cached") if cached else ("--rounds", "1"))],
                             cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)},
                             capture_output=True, text=True, check=True)
        got = json.loads(Path(answers.name).read_text())
    return (json.loads(out.stdout.strip().splitlines()[-1]),
            [[a["status"], a["headers"], a["body"]] for a in got])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--wsgi", action="store_true",
                        help="in one process, without gunicorn and the network")
    parser.add_argument("--cached", action="store_true",
                        help="with --wsgi: the facade's answers kept, the HTTP work alone")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    mix = json.loads((work / "mix.json").read_text())
    queries = [query_of(item) for item in mix]
    print(f"load average at the start: {os.getloadavg()[0]:.1f}", flush=True)
    times: dict = {name: [] for name in trees}
    outside: dict = {name: [] for name in trees}
    cpu: dict = {name: [] for name in trees}
    answers: dict = {}
    for r in range(args.rounds):
        for name in (list(trees) if r % 2 == 0 else list(reversed(trees))):
            if args.wsgi:
                figures, got = wsgi_mix(trees[name], work, work / "mix.json", args.cached)
                times[name].append(figures["times"])
                cpu[name].append(figures["cpu_times"])
                outside[name].append([t - f for t, f in zip(figures["times"],
                                                             figures["facade_times"])])
            else:
                run, got = serve_mix(trees[name], work, queries)
                times[name].append(run)
            answers.setdefault(name, got)
            if got != answers[name]:
                print(f"{name}: an answer differed between its own rounds", flush=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    how = ("over HTTP, gunicorn -w 2" if not args.wsgi else "in one process (tests/bench/wsgi.py"
           + (", the facade's answers kept: the HTTP work alone)" if args.cached else ")"))
    print(f"{args.rounds} rounds alternated, {how}; a search's figure is the median of its "
          f"rounds (ms)")
    print("| figure | before p50 / p95 / p99 | after p50 / p95 / p99 | after/before p95 |")
    print("|---|---:|---:|---:|")
    rows = [("/api/search, wall", times)]
    if args.wsgi:
        rows += [("/api/search, CPU", cpu), ("outside the facade's search, wall", outside)]
    for label, figures in rows:
        med = {name: [statistics.median(run[i] for run in figures[name]) for i in range(len(mix))]
               for name in trees}
        cells = {name: percentiles(med[name]) for name in trees}
        text = {name: " / ".join(f"{cells[name][p]:.1f}" for p in ("p50", "p95", "p99"))
                for name in trees}
        mean = {name: statistics.mean(med[name]) * 1000 for name in trees}
        print(f"| {label} | {text['before']} (mean {mean['before']:.2f}) | {text['after']} "
              f"(mean {mean['after']:.2f}) | {cells['after']['p95'] / cells['before']['p95']:.2f} |")
    differing = [i for i, (a, b) in enumerate(zip(answers["before"], answers["after"])) if a != b]
    print(f"\nanswers identical (status, headers but Date, body bytes): "
          f"{len(mix) - len(differing)} of {len(mix)}")
    for i in differing[:3]:
        print(f"  differs: /api/search?{queries[i]}")


if __name__ == "__main__":
    main()
