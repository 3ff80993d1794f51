"""Time /api/search in one process: the site's WSGI app called as gunicorn's sync worker
calls it, over the benchmark's query mix, without the network (where the time goes between the
facade's answer and the HTTP response).

    python -m tests.bench.wsgi INDEX MEASURES MIX.json [--rounds 3] [--profile OUT.prof]
                               [--answers OUT.json] [--cached]

Each round runs the 200 searches in order (8 warm-up searches first, as tests/bench/__main__.py
does); a search's figure is its median over the rounds. Prints one JSON line: per search the
wall and CPU seconds of the whole call (the app called with a gunicorn-like environ, its body
read and closed) and of the facade's search inside it (`kb.search`, timed by wrapping it), and
the worker's peak RSS. --profile writes cProfile's figures of the last round. --answers writes
each search's status, headers but Date, and body, to compare two trees' answers byte for byte
(tests/bench/versus_http.py). --cached answers every search from the facade's result of a
first pass, so that the rounds time the HTTP work alone (parameters, serialization, JSON,
Flask).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import resource
import statistics
import sys
import time
import urllib.parse
from pathlib import Path


def environ_for(path: str, query: str) -> dict:
    """What gunicorn's sync worker passes the app for `GET path?query` (gunicorn/http/wsgi.py)."""
    return {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": query,
        "RAW_URI": f"{path}?{query}" if query else path, "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "40000", "HTTP_HOST": "127.0.0.1:8000", "HTTP_ACCEPT_ENCODING": "identity",
        "HTTP_ACCEPT": "*/*", "HTTP_USER_AGENT": "Python-urllib/3.11",
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False, "wsgi.file_wrapper": None, "wsgi.input_terminated": True,
        "SERVER_SOFTWARE": "gunicorn",
    }


def query_of(item: dict) -> str:
    """The mix item's query string, as tests/bench/__main__.py sends it."""
    return urllib.parse.urlencode([("q", item["q"])] + [("zone", z) for z in item["zones"]]
                                  + [("pillar", p) for p in item["pillars"]])


def call(app, path: str, query: str) -> tuple[str, list, bytes]:
    got: dict = {}

    def start_response(status, headers, exc_info=None):
        got["status"], got["headers"] = status, headers

    body = app(environ_for(path, query), start_response)
    try:
        data = b"".join(body)
    finally:
        if hasattr(body, "close"):
            body.close()
    return got["status"], got["headers"], data


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("measures", type=Path)
    parser.add_argument("mix", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--answers", type=Path)
    parser.add_argument("--extra", type=Path, help="a JSON list of more query strings to answer")
    parser.add_argument("--cached", action="store_true",
                        help="answer each search with the facade's result of a first pass: "
                             "time the work between the facade's answer and the response alone")
    args = parser.parse_args(argv)

    from webapp import create_app

    app = create_app({"INDEX_DIR": args.index, "MEASURES_DIR": args.measures})
    mix = json.loads(args.mix.read_text())
    queries = [query_of(item) for item in mix]
    if args.extra:
        queries += json.loads(args.extra.read_text())
    for _ in range(8):
        call(app, "/api/search", "q=warmup")
    from webapp.kb import EXTENSION
    kb = app.extensions[EXTENSION]
    inner: list[float] = []
    search = original = kb.search

    def timed_search(*a, **k):
        t = time.perf_counter()
        try:
            return search(*a, **k)
        finally:
            inner.append(time.perf_counter() - t)

    if args.cached:
        kept: dict = {}

        def kept_search(*a, **k):
            key = repr((a, sorted(k.items())))
            if key not in kept:
                kept[key] = original(*a, **k)
            return kept[key]

        kb.search = kept_search
        for query in queries:  # the facade's answers, kept: the rounds time the rest
            call(app, "/api/search", query)
        search = kept_search
    kb.search = timed_search
    wall: list[list[float]] = [[] for _ in queries]
    cpu: list[list[float]] = [[] for _ in queries]
    facade: list[list[float]] = [[] for _ in queries]
    answers = []
    profiler = cProfile.Profile() if args.profile else None
    for r in range(args.rounds):
        last = r == args.rounds - 1
        if last and profiler:
            profiler.enable()
        for i, query in enumerate(queries):
            del inner[:]
            t, c = time.perf_counter(), time.process_time()
            status, headers, body = call(app, "/api/search", query)
            wall[i].append(time.perf_counter() - t)
            cpu[i].append(time.process_time() - c)
            facade[i].append(sum(inner))
            if last and args.answers:
                answers.append({"query": query, "status": status, "headers": [
                    list(h) for h in headers if h[0].lower() != "date"],
                    "body": body.decode("utf-8")})
        if last and profiler:
            profiler.disable()
    if profiler:
        profiler.dump_stats(str(args.profile))
    if args.answers:
        args.answers.write_text(json.dumps(answers, ensure_ascii=False, indent=0))
    n = len(mix)
    print(json.dumps({
        "times": [statistics.median(w) for w in wall[:n]],
        "cpu_times": [statistics.median(c) for c in cpu[:n]],
        "facade_times": [statistics.median(f) for f in facade[:n]],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
