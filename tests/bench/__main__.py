"""Benchmark: our Whoosh-backed search against SQLite FTS5 on the same synthetic records.

    python -m tests.bench                 # 1,000 and 10,000 records
    python -m tests.bench --full          # and 100,000 (about half an hour)
    python -m tests.bench --sizes 5000    # any sizes
    python -m tests.bench --profile other # the corpus and query mix never tuned on

For each size it generates records into a temporary directory, then measures, for both
engines in the same run: full build, incremental update of one changed record end to end
(a new process, as a user would run it; the median of 5; the full build's the median of 3
up to 10,000 records), index size, peak RSS of the build and of the
serving process, and query latency p50/p95/p99 over 200 distinct queries (single words,
two words, phrases, zone filter, pillar filter, Chinese, empty-query browse; facets and
snippets on; page 1). Ours is measured through the facade and through HTTP (/api/search,
gunicorn with 2 workers); FTS5 in-process. The last column is ours/FTS5.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from indexer.errors import Report
from indexer.records.taxonomy import load_taxonomy

from .generate import generate
from .queries import KINDS, query_mix

PYTHON = sys.executable


def run(args: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB (the process and the children it waited for) and stdout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        if proc.returncode:
            raise SystemExit(f"{' '.join(args)} failed:\n{err.read().decode()[-2000:]}")
        return wall, usage.ru_maxrss / 1024, out.read().decode()


def percentiles(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)

    def at(p):
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] * 1000

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99)}


def size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_peak_mb(master: int) -> float:
    """The largest peak RSS (VmHWM) among the gunicorn master's worker processes."""
    peak = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master:
                continue
            for line in (stat.parent / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        except (OSError, ValueError, IndexError):
            continue
    return peak


@contextlib.contextmanager
def gunicorn(measures: Path, index: Path, tree: Path | None = None):
    """A gunicorn of the site (2 workers) on `index`, each worker having opened it, and a
    connection to it; `tree`: a source tree whose `webapp` and `indexer` it imports."""
    port = free_port()
    env = {**os.environ, "FTZ_MEASURES_DIR": str(measures), "FTZ_INDEX_DIR": str(index)}
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    server = subprocess.Popen([PYTHON, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "webapp:create_app()"], env=env,
                              cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        conn = None
        for _ in range(600):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("GET", "/api/zones")
                if conn.getresponse().read() and True:
                    break
            except OSError:
                time.sleep(0.1)
        for _ in range(8):  # every worker opens the index before the clock starts
            conn.request("GET", "/api/search?q=warmup")
            conn.getresponse().read()
        yield conn, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def http_latency(measures: Path, index: Path, mix: list[dict]) -> tuple[dict, float]:
    with gunicorn(measures, index) as (conn, server):
        times, stopped = [], 0
        for item in mix:
            query = urllib.parse.urlencode([("q", item["q"])] + [("zone", z) for z in item["zones"]]
                                           + [("pillar", p) for p in item["pillars"]])
            start = time.perf_counter()
            conn.request("GET", f"/api/search?{query}")
            response = conn.getresponse()
            response.read()
            times.append(time.perf_counter() - start)
            if response.status == 400:
                stopped += 1  # over the server's time budget (SEARCH_TIME_BUDGET)
            elif response.status != 200:
                raise SystemExit(f"/api/search?{query} answered {response.status}")
        return {**percentiles(times), "stopped": stopped}, worker_peak_mb(server.pid)


UPDATES = 5  # one-record updates timed per size; the figure is their median
BUILDS = 3  # full builds timed per size up to 10,000 records; the figure is their median


def touch_one(measures: Path, which: int = 0) -> Path:
    """Append a sentence to one record (the `which`-th after the middle one)."""
    records = sorted(measures.glob("synthetic-*.md"))
    record = records[(len(records) // 2 + which) % len(records)]
    with open(record, "a", encoding="utf-8") as fh:
        fh.write("\nAn added sentence about customs clearance.\n")
    return record


def bench_size(n: int, work: Path, profile: str = "policy") -> dict:
    measures, index, db = work / "measures", work / "index", work / "fts5.db"
    print(f"[{n}] generating records", file=sys.stderr, flush=True)
    generate(n, measures, profile)
    taxonomy = load_taxonomy(measures, Report(measures))
    zones, pillars = list(taxonomy.zones), list(taxonomy.pillars)
    mix = query_mix(zones, pillars, profile=profile)
    mix_file = work / "mix.json"
    mix_file.write_text(json.dumps(mix))
    ftz = [str(Path(PYTHON).with_name("ftz"))]  # the console script, as a user runs it
    fig: dict = {"n": n, "profile": profile}

    # a full build into an empty place, BUILDS times up to 10,000 records (the median is
    # the figure; one run is at the mercy of the machine), once above (minutes each)
    builds = BUILDS if n <= 10_000 else 1
    ours, theirs = [], []
    for _ in range(builds):
        shutil.rmtree(index, ignore_errors=True)
        print(f"[{n}] building (ours)", file=sys.stderr, flush=True)
        ours.append(run([*ftz, "index", "--measures", str(measures), "--index", str(index)]))
        db.unlink(missing_ok=True)
        print(f"[{n}] building (FTS5)", file=sys.stderr, flush=True)
        theirs.append(run([PYTHON, "-m", "tests.bench.fts5", "build", str(measures), str(db)]))
    fig["build_s"] = statistics.median(wall for wall, _, _ in ours)
    fig["build_rss"] = max(rss for _, rss, _ in ours)
    fig["fts_build_s"] = statistics.median(wall for wall, _, _ in theirs)
    fig["fts_build_rss"] = max(json.loads(out)["peak_rss_mb"] for _, _, out in theirs)
    fig["build_runs"] = [wall for wall, _, _ in ours]
    fig["fts_build_runs"] = [wall for wall, _, _ in theirs]
    fig["size_mb"] = size_mb(index)
    fig["fts_size_mb"] = size_mb(db)

    # each engine updates the same changed record in turn, UPDATES times: one run is at the
    # mercy of the page cache and of whatever else the machine does, a median much less
    ours, theirs = [], []
    for which in range(UPDATES):
        changed = touch_one(measures, which)
        ours.append(run([*ftz, "index", "--measures", str(measures), "--index", str(index)])[0])
        theirs.append(run([PYTHON, "-m", "tests.bench.fts5", "update", str(measures), str(db),
                           str(changed)])[0])
    fig["update_s"], fig["fts_update_s"] = statistics.median(ours), statistics.median(theirs)
    fig["update_runs"], fig["fts_update_runs"] = ours, theirs

    print(f"[{n}] querying", file=sys.stderr, flush=True)
    _, _, out = run([PYTHON, "-m", "tests.bench.facade", str(index), str(mix_file)])
    ours = json.loads(out)
    _, _, out = run([PYTHON, "-m", "tests.bench.fts5", "query", str(db), str(mix_file)])
    fts = json.loads(out)
    fig["facade"] = percentiles(ours["times"])
    fig["facade_rss"] = ours["peak_rss_mb"]
    fig["fts"] = percentiles(fts["times"])
    fig["fts_rss"] = fts["peak_rss_mb"]
    fig["kinds"] = {kind: (percentiles([t for t, m in zip(ours["times"], mix) if m["kind"] == kind]),
                           percentiles([t for t, m in zip(fts["times"], mix) if m["kind"] == kind]))
                    for kind in KINDS}
    fig["http"], fig["server_rss"] = http_latency(measures, index, mix)
    return fig


def table(figs: list[dict]) -> str:
    rows = ["| records | figure | ours | FTS5 | ours/FTS5 |", "|---:|---|---:|---:|---:|"]

    def row(n, name, ours, fts, fmt):
        ratio = f"{ours / fts:.2f}" if fts else "-"
        rows.append(f"| {n:,} | {name} | {fmt.format(ours)} | {fmt.format(fts)} | {ratio} |")

    for f in figs:
        n = f["n"]
        row(n, "full build (s; median of 3 up to 10,000 records)", f["build_s"], f["fts_build_s"],
            "{:.1f}")
        row(n, "update one record, end to end (s, median of 5)", f["update_s"], f["fts_update_s"], "{:.2f}")
        row(n, "index size (MB)", f["size_mb"], f["fts_size_mb"], "{:.0f}")
        row(n, "build peak RSS (MB)", f["build_rss"], f["fts_build_rss"], "{:.0f}")
        row(n, "serving peak RSS (MB): gunicorn worker / FTS5 process", f["server_rss"], f["fts_rss"], "{:.0f}")
        for p in ("p50", "p95", "p99"):
            row(n, f"facade latency {p} (ms)", f["facade"][p], f["fts"][p], "{:.1f}")
        for p in ("p50", "p95", "p99"):
            row(n, f"HTTP /api/search latency {p} (ms)", f["http"][p], f["fts"][p], "{:.1f}")
        if f["http"].get("stopped"):
            rows.append(f"| {n:,} | HTTP searches stopped by the 3 s time budget | "
                        f"{f['http']['stopped']} of 200 | - | - |")
    rows.append("")
    rows.append("| records | query kind | ours p50 / p95 (ms) | FTS5 p50 / p95 (ms) |")
    rows.append("|---:|---|---:|---:|")
    for f in figs:
        for kind, (ours, fts) in f["kinds"].items():
            rows.append(f"| {f['n']:,} | {kind} | {ours['p50']:.1f} / {ours['p95']:.1f} | "
                        f"{fts['p50']:.1f} / {fts['p95']:.1f} |")
    return "\n".join(rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated record counts")
    parser.add_argument("--full", action="store_true", help="add 100,000 records")
    parser.add_argument("--profile", default="policy", choices=("policy", "other"),
                        help="corpus and query mix: the tuned-on one, or the other")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.full:
        sizes.append(100_000)
    figs = []
    # a wheel's install compiles the package's bytecode; an editable install where
    # PYTHONDONTWRITEBYTECODE is set (this project's machines) never has it, and every command
    # timed (ours and FTS5's, both Python) would compile the project's modules again
    compiled = subprocess.run([PYTHON, "-m", "compileall", "-q", "indexer", "webapp", "tests"],
                              cwd=Path(__file__).resolve().parents[2], capture_output=True)
    print(f"Bytecode compiled first: {'yes' if compiled.returncode == 0 else 'failed'} "
          f"(PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r})", flush=True)
    print(f"Machine: {os.cpu_count()} cores, {_memory()}, Python {sys.version.split()[0]}, "
          f"{os.uname().machine}; load average {os.getloadavg()[0]:.1f}; profile {args.profile}",
          flush=True)
    for n in sizes:
        work = Path(tempfile.mkdtemp(prefix=f"ftz-bench-{n}-"))
        try:
            figs.append(bench_size(n, work, args.profile))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(table(figs[-1:]), flush=True)  # each size as soon as it is measured
        if args.json:
            args.json.write_text(json.dumps(figs, indent=2))


def _memory() -> str:
    try:
        kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        return f"{kb / 2**20:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        return "RAM unknown"


if __name__ == "__main__":
    main()
