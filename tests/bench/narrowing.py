"""The search core's plain paths against its fast ones, in one process, query by query.

    python -m tests.bench.narrowing DIR [--records 100000] [--rounds 3] [--shared-reads | --ranged-reads]

Makes DIR/measures (the corpus never tuned on, profile "other"), DIR/index and DIR/mix.json
(the benchmark's 200 searches) once, and keeps them: a later run reuses them. Then, through
the facade, every search of the mix with SearchContext.narrowing off (the plain reference)
and on, alternated search by search and round by round (the order flipped each time, so
neither side always runs with the warmer cache); a search's figure is the median of its
rounds. Prints p50 / p95 / p99 of the Chinese searches and of all 200, then, for the slowest
Chinese searches, their times and their peak memory inside the search (tracemalloc).

With --shared-reads, "plain" and "fast" are instead the shown records' explanations reading
every term again in a fresh context (as before) and sharing the search's reads
(SearchContext.unbounded), narrowing on in both. With --ranged-reads, "plain" reads a word's
positions posting by posting or whole and "fast" in runs, kept for the search
(postingfile.PostingArrays.ranged), narrowing and shared reads on in both.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from indexer.engine.context import SearchContext
from indexer.engine.postingfile import PostingArrays
from indexer.errors import Report
from indexer.records.taxonomy import load_taxonomy
from indexer.search import KnowledgeBase

from .generate import generate
from .queries import query_mix
from .versus import percentile


def prepare(work: Path, records: int) -> tuple[Path, list[dict]]:
    measures, index, mix_file = work / "measures", work / "index", work / "mix.json"
    if not mix_file.exists():
        generate(records, measures, "other")
        taxonomy = load_taxonomy(measures, Report(measures))
        mix = query_mix(list(taxonomy.zones), list(taxonomy.pillars), profile="other")
        mix_file.write_text(json.dumps(mix, ensure_ascii=False))
    if not (index / "CURRENT").exists():
        ftz = str(Path(sys.executable).with_name("ftz"))
        subprocess.run([ftz, "index", "--measures", str(measures), "--index", str(index)],
                       check=True)
    return index, json.loads(mix_file.read_text())


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shared-reads", action="store_true",
                        help="compare explanations in a fresh context with the search's own reads")
    parser.add_argument("--ranged-reads", action="store_true",
                        help="compare positions read whole or one by one with ranged reads")
    args = parser.parse_args(argv)
    index, mix = prepare(args.work, args.records)
    kb = KnowledgeBase(index, time_budget=None)
    shared = SearchContext.unbounded

    def fresh(ctx):
        return SearchContext(ctx.postings, ctx.bm25, ctx.live)

    def search(item, fast):
        if args.shared_reads:
            SearchContext.unbounded = shared if fast else fresh
        elif args.ranged_reads:
            PostingArrays.ranged = fast
        else:
            SearchContext.narrowing = fast
        start = time.perf_counter()
        kb.search(item["q"], item["zones"], item["pillars"])
        return time.perf_counter() - start

    for fast in (False, True):  # both sides once before the clock
        for item in mix:
            search(item, fast)
    times = {False: [[] for _ in mix], True: [[] for _ in mix]}
    for r in range(args.rounds):
        for i, item in enumerate(mix):
            for fast in ((False, True) if (r + i) % 2 == 0 else (True, False)):
                times[fast][i].append(search(item, fast))
    median = {fast: [statistics.median(t) for t in times[fast]] for fast in times}
    chinese = [i for i, item in enumerate(mix) if item["kind"] == "chinese"]
    print(f"{args.rounds} rounds; a search's figure is the median of its rounds (ms)")
    print("| searches | plain p50 / p95 / p99 | fast p50 / p95 / p99 |")
    print("|---|---:|---:|")
    for name, which in ((f"Chinese ({len(chinese)})", chinese), (f"all {len(mix)}", range(len(mix)))):
        cells = [" / ".join(f"{percentile([median[fast][i] for i in which], p):.1f}"
                            for p in (0.5, 0.95, 0.99)) for fast in (False, True)]
        print(f"| {name} | {cells[0]} | {cells[1]} |")
    print("\n| search | plain (ms) | fast (ms) | peak plain (MB) | peak fast (MB) |")
    print("|---|---:|---:|---:|---:|")
    tracemalloc.start()
    for i in sorted(chinese, key=lambda i: -median[False][i])[:8]:
        peaks = []
        for fast in (False, True):
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            search(mix[i], fast)
            peaks.append((tracemalloc.get_traced_memory()[1] - base) / 2**20)
        print(f"| `{mix[i]['q']}` | {median[False][i] * 1000:.1f} | {median[True][i] * 1000:.1f} "
              f"| {peaks[0]:.1f} | {peaks[1]:.1f} |")
    SearchContext.narrowing, SearchContext.unbounded = True, shared
    PostingArrays.ranged = True
    kb.close()


if __name__ == "__main__":
    main()
