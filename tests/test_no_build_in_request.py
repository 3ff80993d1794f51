"""No build inside a request: under gunicorn (or any server but `ftz serve`) a site with no
index answers 503 with Retry-After, in its language and as JSON under /api/, and builds
nothing; `ftz serve` builds the index before it serves (the README's first command)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.helpers import FTZ, ftz
from tests.serving import free_port, get
from webapp import create_app


def test_a_site_with_no_index_answers_503_and_builds_nothing(measures_copy, tmp_path):
    index = tmp_path / "index"
    client = create_app({"TESTING": True, "MEASURES_DIR": measures_copy,
                         "INDEX_DIR": index}).test_client()
    page = client.get("/search?q=oil")
    assert page.status_code == 503 and int(page.headers["Retry-After"]) > 0
    assert page.mimetype == "text/html"
    assert "The search index is not available yet" in page.get_data(as_text=True)
    zh = client.get("/zh/search?q=oil")
    assert zh.status_code == 503 and zh.headers["Retry-After"]
    assert "搜索索引尚未就绪" in zh.get_data(as_text=True)
    api = client.get("/api/search?q=oil")
    assert api.status_code == 503 and api.headers["Retry-After"]
    assert "not available yet" in api.get_json()["error"]
    assert not list(index.glob("gen-*")) and not (index / "CURRENT").exists()


def test_under_gunicorn_no_worker_builds_and_a_published_index_is_served(measures_copy, tmp_path):
    index = tmp_path / "index"
    port = free_port()
    env = {**os.environ, "FTZ_MEASURES_DIR": str(measures_copy), "FTZ_INDEX_DIR": str(index)}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b",
                               f"127.0.0.1:{port}", "--log-level", "critical",
                               "webapp:create_app()"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        status = _first_answer(port, "/api/zones")
        assert status == 503
        for _ in range(6):  # every worker, as often as asked: no build
            assert get(port, "/")[0] == 503
        assert not list(index.glob("gen-*"))
        assert ftz("index", "--measures", measures_copy, "--index", index).returncode == 0
        deadline = time.monotonic() + 20
        while any(get(port, "/api/zones")[0] != 200 for _ in range(4)):
            assert time.monotonic() < deadline, "a worker never opened the published index"
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_ftz_serve_builds_the_index_before_it_serves(measures_copy, tmp_path):
    index = tmp_path / "index"
    port = free_port()
    server = subprocess.Popen([*FTZ, "serve", "--port", str(port), "--measures", measures_copy,
                               "--index", index], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert _first_answer(port, "/api/zones", timeout=120) == 200
        assert (index / "CURRENT").exists()
    finally:
        server.terminate()
        server.wait(timeout=30)
        err = server.stderr.read()
        server.stderr.close()
    assert "building it" in err


def _first_answer(port: int, path: str, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return get(port, path)[0]
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(f"nothing answered on port {port}")
            time.sleep(0.1)
