"""Load test: concurrent searches against the gunicorn-served site, on loopback, bounded in time.

    python -m tests.load [--seconds 60] [--clients 8] [--workers 2] [--replicas N]
                         [--index DIR] [--measures DIR]

Starts gunicorn (``webapp:create_app()``, N sync workers, a free port on 127.0.0.1) on the
index given, or on an index of the records (--measures, default the shipped ones) built into
a temporary directory first. With --replicas N, N such servers read the one index behind
nginx (deploy/nginx-ftz.conf, as tests/test_replicas.py runs it, with the per-client limit
lifted: every client of the load test comes from one address), and the clients go through
nginx. Then --clients threads send requests back to back for --seconds: /api/search with a
rotating mix of English, Chinese, phrase, prefix, misspelled and filtered queries and later
pages, and about one request in five an HTML /search page. It prints
requests, errors (a status other than 200, a body that is not what the endpoint promises,
or an exception), throughput, and p50/p95/p99 latency; the exit status is 1 when there was
any error. Standard library only, and it stops by itself: at --seconds, at --max-requests,
with a timeout on every request, and gunicorn (and nginx) are stopped in a ``finally``.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import math
import shutil
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from tests import serving

SHIPPED = Path(__file__).resolve().parent.parent / "measures"
REQUEST_TIMEOUT = serving.REQUEST_TIMEOUT  # seconds; a request that takes longer is an error
UNLIMITED = 1_000_000  # requests a second and burst: nginx's per-client limit lifted
HTML_EVERY = 5  # about one request in five is an HTML /search page

# (q, other parameters): the kinds of search a reader does
SEARCHES: list[tuple[str, list[tuple[str, str]]]] = [
    ("bonded oil tank", []),
    ("保税", []),
    ("customs clearance", [("zone", "shanghai")]),
    ("原产地证书", []),
    ('"global operator"', []),
    ("rail*", []),
    ("", [("zone", "zhejiang")]),
    ("RCEP 原产地", []),
    ("oill", []),  # misspelled: a suggestion and a corrected search
    ("cross-border e-commerce", [("pillar", "key-industries")]),
    ("浙江 油", []),
    ("logistics", [("page", "2"), ("per_page", "5")]),
    ("", [("pillar", "logistics"), ("zone", "anhui")]),
    ("FTZ", []),  # a synonym group
    ("trade AND (port OR airport) NOT tariff", []),
    ("中老铁路 一单制", []),
    ("", [("page", "3"), ("per_page", "10")]),
    ("export supervision warehouse", [("zone", "zhejiang"), ("zone", "guangdong")]),
]


def request_paths() -> list[str]:
    paths = []
    for i, (q, extra) in enumerate(SEARCHES):
        query = urlencode(([("q", q)] if q else []) + extra)
        paths.append(f"/api/search?{query}")
        if i % (HTML_EVERY - 1) == 0:
            paths.append(f"/search?{query}")
    return paths


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if error:
                self.errors.append(error)


def _check(path: str, status: int, content_type: str, body: bytes) -> str | None:
    if status != 200:
        return f"{status} {path}: {body[:200]!r}"
    if path.startswith("/api/"):
        data = json.loads(body)
        if not isinstance(data.get("results"), list) or not isinstance(data.get("total"), int):
            return f"malformed JSON from {path}"
    elif not content_type.startswith("text/html") or b"</html>" not in body:
        return f"malformed HTML from {path}"
    return None


def _client(port: int, paths: list[str], start: int, deadline: float, budget: itertools.count,
            max_requests: int, tally: Tally) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        for path in itertools.islice(itertools.cycle(paths), start, None):
            if time.monotonic() >= deadline or next(budget) >= max_requests:
                return
            began = time.perf_counter()
            error = None
            try:
                conn.request("GET", path, headers={"Accept-Encoding": "identity"})
                response = conn.getresponse()
                body = response.read()
                error = _check(path, response.status, response.getheader("Content-Type", ""), body)
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()  # gunicorn's sync workers close after each response
            except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
                error = f"{type(exc).__name__} {path}: {exc}"
                conn.close()
            tally.add(time.perf_counter() - began, error)
    finally:
        conn.close()


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted seconds, in milliseconds."""
    if not ordered:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1] * 1000


@contextmanager
def _serve(work: Path, index: Path, measures: Path, workers: int, replicas: int):
    """The port to load: gunicorn's, or with replicas, nginx's before them."""
    if replicas:
        with serving.replicas_behind_nginx(index, measures, work, replicas, workers,
                                           rate=UNLIMITED, burst=UNLIMITED) as site:
            yield site.port
        return
    port, log = serving.free_port(), work / "gunicorn.log"
    server = serving.start_gunicorn(port, index, measures, workers, log)
    try:
        serving.wait_until_serving(port, server, log)
        yield port
    finally:
        serving.stop(server)


def run(seconds: float = 60, clients: int = 8, workers: int = 2, index: Path | None = None,
        measures: Path | None = None, max_requests: int | None = None, out=None,
        replicas: int = 0) -> dict:
    """Serve, load, stop; the figures as a dict (also printed to `out`, default stdout).
    `workers` is per server; `replicas` servers behind nginx, or 0 for gunicorn alone."""
    out = out or sys.stdout
    measures = Path(measures or SHIPPED)
    max_requests = max_requests or int(seconds * 5000)  # far above what loopback can do
    work = Path(tempfile.mkdtemp(prefix="ftz-load-"))
    try:
        if index is None:
            from indexer.engine.build import build_index

            index = work / "index"
            print(f"building an index of {measures} ...", file=out, flush=True)
            build_index(measures, index)
        with _serve(work, index, measures, workers, replicas) as port:
            return _load(port, seconds, clients, workers * max(replicas, 1), max_requests, out,
                         replicas)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _load(port: int, seconds: float, clients: int, workers: int, max_requests: int, out,
          replicas: int) -> dict:
    paths = request_paths()
    # warm every worker: each opens the index at its first request
    warm = Tally()
    _client(port, paths, 0, time.monotonic() + 30, itertools.count(), 4 * workers, warm)

    tally = Tally()
    budget = itertools.count()
    started = time.monotonic()
    deadline = started + seconds
    threads = [threading.Thread(target=_client, daemon=True,
                                args=(port, paths, i * 7, deadline, budget, max_requests, tally))
               for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + REQUEST_TIMEOUT + 5)
    elapsed = time.monotonic() - started
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        tally.errors.append(f"{stuck} client thread(s) did not finish")

    ordered = sorted(tally.latencies)
    report = {
        "seconds": round(elapsed, 1), "clients": clients, "workers": workers,
        "replicas": replicas,
        "requests": len(ordered), "errors": len(tally.errors) + len(warm.errors),
        "throughput": round(len(ordered) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(ordered, 50), 1), "p95_ms": round(percentile(ordered, 95), 1),
        "p99_ms": round(percentile(ordered, 99), 1),
        "first_errors": (warm.errors + tally.errors)[:5],
    }
    servers = f"{replicas} replicas behind nginx, " if replicas else ""
    print(f"{report['requests']} requests in {report['seconds']} s, {clients} clients, "
          f"{servers}{workers} gunicorn workers: {report['errors']} errors, "
          f"{report['throughput']} req/s, latency p50 {report['p50_ms']} ms, "
          f"p95 {report['p95_ms']} ms, p99 {report['p99_ms']} ms", file=out, flush=True)
    for error in report["first_errors"]:
        print(f"  error: {error}", file=out)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="how long to send requests")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=2,
                        help="gunicorn worker processes (per replica with --replicas)")
    parser.add_argument("--replicas", type=int, default=0,
                        help="gunicorn servers of the one index behind nginx (0: gunicorn alone)")
    parser.add_argument("--index", type=Path, help="a built index (default: build one first)")
    parser.add_argument("--measures", type=Path, help="records to index and serve (default: the shipped ones)")
    parser.add_argument("--max-requests", type=int, help="stop after this many requests")
    args = parser.parse_args(argv)
    report = run(args.seconds, args.clients, args.workers, args.index, args.measures,
                 args.max_requests, replicas=args.replicas)
    return 1 if report["errors"] or not report["requests"] else 0


if __name__ == "__main__":
    sys.exit(main())
