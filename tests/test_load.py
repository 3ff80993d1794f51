"""The load test, briefly: gunicorn on loopback under concurrent searches answers every one."""

from __future__ import annotations

import io

from tests import load, serving


def test_concurrent_searches_against_gunicorn_have_no_errors(built_index):
    out = io.StringIO()
    report = load.run(seconds=5, clients=4, workers=2, index=built_index["index"],
                      measures=built_index["measures"], out=out)
    assert report["errors"] == 0, out.getvalue()
    assert report["requests"] >= 50, out.getvalue()
    assert report["p95_ms"] < 2000, out.getvalue()


def test_concurrent_searches_through_nginx_and_two_replicas_have_no_errors(built_index):
    serving.need_nginx()
    out = io.StringIO()
    report = load.run(seconds=3, clients=4, workers=1, replicas=2, index=built_index["index"],
                      measures=built_index["measures"], out=out)
    assert report["errors"] == 0, out.getvalue()
    assert report["requests"] >= 30, out.getvalue()
    assert "2 replicas behind nginx" in out.getvalue()


def test_the_load_script_counts_errors_and_exits_1(built_index, monkeypatch, capsys):
    # a path the site does not have: every request is a 404, so every one is an error
    monkeypatch.setattr(load, "request_paths", lambda: ["/api/no-such-route"])
    status = load.main(["--seconds", "1", "--clients", "2", "--workers", "1",
                        "--index", str(built_index["index"]),
                        "--measures", str(built_index["measures"])])
    out = capsys.readouterr().out
    assert status == 1, out
    assert "error: 404 /api/no-such-route" in out
