"""Time the benchmark query mix through the search facade, in a fresh process.

    python -m tests.bench.facade INDEX QUERIES.json   ->  one JSON line of figures
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from indexer.search import KnowledgeBase


def main(index: str, queries: str) -> None:
    start = time.perf_counter()
    kb = KnowledgeBase(Path(index), time_budget=None)  # the true latency of every query
    opened = time.perf_counter() - start
    times, cpu = [], []
    for item in json.loads(Path(queries).read_text()):
        t, c = time.perf_counter(), time.process_time()
        kb.search(item["q"], item["zones"], item["pillars"])
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)  # the process's CPU time: less of a loaded machine
    print(json.dumps({"times": times, "cpu_times": cpu, "open_seconds": opened,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main(*sys.argv[1:])
