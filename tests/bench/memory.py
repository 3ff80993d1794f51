"""Where the serving process's memory goes, on an index built once and kept.

    python -m tests.bench.memory MEASURES INDEX [PROFILE] [--runs N] [--facade]

The serving figure is the benchmark's own (tests/bench/__main__.py): the largest VmHWM of
the gunicorn workers (2 workers, `webapp:create_app()`) after the 200 searches of the
profile's mix over HTTP; beside it, each worker's resident memory split as the kernel
counts it (`/proc/PID/smaps_rollup`: anonymous memory, and pages of files: the index's
files read through mmap, the shared libraries' code). `--facade` runs the mix in this
process through the facade instead and prints the resident memory at each stage (after
the imports, after opening the index, after the searches), the searches that raised the
peak most, and the latency percentiles in wall time and in the searching thread's CPU
time (`cpu`: what to compare on a loaded machine). `--lean-against-mapped` times each
search's CPU with the term tables read with pread (as served) and mapped (the plain
reader) in one process, alternated.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from indexer.errors import Report
from indexer.records.taxonomy import load_taxonomy

from . import __main__ as bench
from .queries import query_mix

_KEYS = ("VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem")


def status(pid: int | str = "self") -> dict[str, float]:
    """VmHWM, VmRSS and its anonymous / file / shared-memory parts, in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key = line.split(":", 1)[0]
        if key in _KEYS:
            out[key] = int(line.split()[1]) / 1024
    return out


def _workers(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def serving(measures: Path, index: Path, mix: list[dict]) -> dict:
    """The bench's HTTP run, with each worker's memory read just before it stops."""
    seen: list[dict] = []
    measure = bench.worker_peak_mb

    def peak(master: int) -> float:
        seen.extend(status(pid) for pid in _workers(master))
        return measure(master)

    bench.worker_peak_mb = peak  # http_latency reads the peak with it, before it stops
    try:
        http, hwm = bench.http_latency(measures, index, mix)
    finally:
        bench.worker_peak_mb = measure
    return {"worker_hwm": hwm, "workers": seen, **http}


def facade(index: Path, mix: list[dict]) -> dict:
    """Stages of one process serving the mix through the facade."""
    import time

    stages = {"start": status()}
    from indexer.search import KnowledgeBase
    stages["imported"] = status()
    kb = KnowledgeBase(index, time_budget=None)
    stages["opened"] = status()
    kb.search("warmup", [], [])
    stages["warmed"] = status()
    rises, times, cpu = [], [], []
    for item in mix:
        before = status()["VmHWM"]
        start, start_cpu = time.perf_counter(), time.thread_time()
        kb.search(item["q"], item["zones"], item["pillars"])
        cpu.append(time.thread_time() - start_cpu)
        times.append(time.perf_counter() - start)
        rises.append((status()["VmHWM"] - before, item["q"]))
    stages["searched"] = status()
    rises.sort(reverse=True)
    # the search's own CPU time (this thread's): less at the mercy of a loaded machine
    return {"stages": stages, "largest_rises": rises[:5], **bench.percentiles(times),
            "cpu": bench.percentiles(cpu)}


def lean_against_mapped(index: Path, mix: list[dict], rounds: int = 3) -> dict:
    """The searching thread's CPU time per search, the term tables read with pread (the
    lean reader, as served) against mapped (the plain reader), in this process: one
    facade each, the mix's searches alternated between them, the median of `rounds`."""
    import time

    from indexer.engine.whooshfiles import compactterms
    from indexer.search import KnowledgeBase

    opened = {"lean": KnowledgeBase(index, time_budget=None)}
    init = compactterms.CompactTermsReader.__init__

    def mapped(self, *args, **kwargs):
        init(self, *args, **{**kwargs, "lean": False})

    compactterms.CompactTermsReader.__init__ = mapped
    try:
        opened["mapped"] = KnowledgeBase(index, time_budget=None)
    finally:
        compactterms.CompactTermsReader.__init__ = init
    for kb in opened.values():
        kb.search("warmup", [], [])
    cpu = {name: [[] for _ in mix] for name in opened}
    for r in range(rounds):
        for j, item in enumerate(mix):
            for name in ("lean", "mapped") if (r + j) % 2 else ("mapped", "lean"):
                start = time.thread_time()
                opened[name].search(item["q"], item["zones"], item["pillars"])
                cpu[name][j].append(time.thread_time() - start)
    medians = {name: [statistics.median(t) for t in times] for name, times in cpu.items()}
    return {name: {**bench.percentiles(times), "total_ms": sum(times) * 1000}
            for name, times in medians.items()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("measures", type=Path)
    parser.add_argument("index", type=Path)
    parser.add_argument("profile", nargs="?", default="other", choices=("policy", "other"))
    parser.add_argument("--runs", type=int, default=1, help="HTTP runs; the medians printed")
    parser.add_argument("--facade", action="store_true", help="stages in this process instead")
    parser.add_argument("--lean-against-mapped", action="store_true",
                        help="CPU time per search, term tables read with pread against mapped")
    args = parser.parse_args(argv)
    taxonomy = load_taxonomy(args.measures, Report(args.measures))
    mix = query_mix(list(taxonomy.zones), list(taxonomy.pillars), profile=args.profile)
    if args.facade:
        print(json.dumps(facade(args.index, mix), indent=1, ensure_ascii=False))
        return
    if args.lean_against_mapped:
        print(json.dumps(lean_against_mapped(args.index, mix)))
        return
    runs = [serving(args.measures, args.index, mix) for _ in range(args.runs)]
    for run in runs:
        print(json.dumps(run, ensure_ascii=False), flush=True)
    print(json.dumps({key: statistics.median(r[key] for r in runs)
                      for key in ("worker_hwm", "p50", "p95", "p99")}), file=sys.stderr)


if __name__ == "__main__":
    main()
