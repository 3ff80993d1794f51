"""The JSON API's answers in the test suite, recorded, to compare two trees' byte for byte.

    python -m tests.bench.api_answers BEFORE_TREE AFTER_TREE [TEST FILES...]

Runs the given test files (by default every one that asks the API: tests/test_api*.py and the
others that name /api/) under each tree, with this module as a pytest plugin (`-p
tests.bench.api_answers`, FTZ_API_ANSWERS=FILE): every answer a Flask test client gets from a
path under /api/ is recorded (the test, the request, the status, the headers but Date, the
body), under one hash seed. Then the answers of the tests both trees have are compared: the same requests in the
same order, the same bytes. Prints how many were compared and the first differences.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

_RECORDED: list[dict] = []
_CURRENT = {"test": None}


def pytest_runtest_setup(item) -> None:
    _CURRENT["test"] = item.nodeid


def pytest_configure(config) -> None:
    from flask.testing import FlaskClient

    opened = FlaskClient.open
    if getattr(opened, "_recording", False):
        return

    def open_and_record(self, *args, **kwargs):
        response = opened(self, *args, **kwargs)
        request = getattr(response, "request", None)
        path = request.path if request is not None else ""
        if path == "/api" or path.startswith("/api/"):
            _RECORDED.append({
                "test": _CURRENT["test"], "method": request.method, "path": path,
                "query": request.query_string.decode("latin-1"), "status": response.status,
                "headers": [[k, v] for k, v in response.headers.items() if k.lower() != "date"],
                "body": response.get_data().decode("utf-8", "replace")})
        return response

    open_and_record._recording = True
    FlaskClient.open = open_and_record


def pytest_unconfigure(config) -> None:
    target = os.environ.get("FTZ_API_ANSWERS")
    if target:
        Path(target).write_text(json.dumps(_RECORDED, ensure_ascii=False))


def _default_files(tree: Path) -> list[str]:
    out = []
    for path in sorted((tree / "tests").glob("test_*.py")):
        if path.name.startswith("test_browser"):
            continue
        if path.name.startswith("test_api") or "/api/" in path.read_text(encoding="utf-8"):
            out.append(str(path.relative_to(tree)))
    return out


def _record(tree: Path, files: list[str], out: Path) -> None:
    plugin_dir = Path(__file__).resolve().parents[2]  # this tree, for the plugin only
    # one hash seed for both trees: the methods a 405's Allow header lists come from a set
    env = {**os.environ, "FTZ_API_ANSWERS": str(out), "PYTHONHASHSEED": "0",
           "PYTHONPATH": os.pathsep.join([str(tree), str(plugin_dir / "tests" / "bench")])}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "api_answers", *files], cwd=tree, env=env,
                          capture_output=True, text=True)
    print(f"{tree}: {done.stdout.strip().splitlines()[-1] if done.stdout.strip() else '?'}")


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    before, after, files = Path(argv[0]).resolve(), Path(argv[1]).resolve(), argv[2:]
    files = files or sorted(set(_default_files(before)) & set(_default_files(after)))
    with tempfile.TemporaryDirectory() as tmp:
        answers = {}
        for name, tree in (("before", before), ("after", after)):
            out = Path(tmp) / f"{name}.json"
            _record(tree, files, out)
            answers[name] = json.loads(out.read_text()) if out.exists() else []
    by_test: dict = {name: {} for name in answers}
    for name, recorded in answers.items():
        for answer in recorded:
            by_test[name].setdefault(answer["test"], []).append(answer)
    common = sorted(set(by_test["before"]) & set(by_test["after"]))
    compared = differing = other_request = 0
    shown = 0
    for test in common:
        a, b = by_test["before"][test], by_test["after"][test]
        if len(a) != len(b):
            differing += 1
            print(f"{test}: {len(a)} answers before, {len(b)} after")
            continue
        for x, y in zip(a, b):
            if any(x[k] != y[k] for k in ("method", "path", "query")):
                other_request += 1  # a property test drew another example: nothing to compare
                continue
            compared += 1
            if x != y:
                differing += 1
                if shown < 5:
                    shown += 1
                    part = next(k for k in x if x[k] != y.get(k))
                    print(f"differs ({part}): {test} {x['method']} {x['path']}?{x['query']}\n"
                          f"  before: {str(x[part])[:300]}\n  after:  {str(y[part])[:300]}")
    print(f"{len(files)} test files; {len(common)} tests asking the API under both trees; "
          f"{compared} answers to the same request compared, {differing} differing; "
          f"{other_request} requests not the same under both (examples drawn differently)")


if __name__ == "__main__":
    main()
