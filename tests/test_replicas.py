"""Replicas behind nginx (issue 21, item 1): three gunicorn servers, standing for three hosts,
read one published index folder behind Debian's nginx, run with deploy/nginx-ftz.conf.

A new generation is published while clients search through nginx: no request fails, and
every replica serves the new generation within PUBLISHED_WITHIN seconds of `ftz index`
returning (each replica checks for a new index at most once a second, then opens it between
two requests). nginx caches nothing, so a search after publishing finds the new text through
every replica; a generation built elsewhere and installed by deploy/install-index is served
too; a replica killed while clients search fails no request; a client past its burst is
answered 429, and another client is not held up.

Without nginx these tests are skipped, unless CI is set in the environment (`.ci/run` sets
it and installs nginx), when they fail.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from indexer.engine.build import build_index
from indexer.search import REFRESH_EVERY
from tests import serving

REPLICAS = 3
PUBLISHED_WITHIN = 5.0  # seconds from publishing to every replica serving the new generation
NEW_WORD = "quokkaprobe"  # a word no record holds until the test adds it
# deploy/nginx-ftz.conf's limit per client address: requests a second, and the burst above it
RATE = int(re.search(r"rate=(\d+)r/s", serving.SITE_CONFIG.read_text()).group(1))
BURST = int(re.search(r"burst=(\d+)", serving.SITE_CONFIG.read_text()).group(1))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A writable fixture corpus, its index, three replicas of it and nginx before them."""
    serving.need_nginx()
    from tests.conftest import fixture_corpus

    root = tmp_path_factory.mktemp("replicas")
    measures = fixture_corpus(root / "measures")
    index = root / "index"
    build_index(measures, index)
    # The replicas are told of no records (a folder that does not exist): a replica needs
    # only the index (docs/deploy.md); the records are where the builds run.
    with serving.replicas_behind_nginx(index, root / "no-records-on-replicas", root,
                                       replicas=REPLICAS) as running:
        yield running


@pytest.fixture(scope="module")
def records(site) -> Path:
    """The records the builds of the test read (not the replicas)."""
    return site.index.parent / "measures"


def get(port: int, path: str, source: str = "127.0.0.1") -> tuple[int, dict, bytes]:
    """One GET from a given loopback address (nginx limits each address on its own)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=serving.REQUEST_TIMEOUT,
                                      source_address=(source, 0))
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def generation_of(port: int) -> str:
    status, headers, _ = get(port, "/api/search?q=oil")
    assert status == 200
    return headers["x-index-generation"]


class Searcher(threading.Thread):
    """A client searching through nginx at a pace within its limit, from its own address."""

    def __init__(self, port: int, source: str, stop: threading.Event):
        super().__init__(daemon=True)
        self.port, self.source, self.stop = port, source, stop
        self.answers: list = []  # (time, status, generation, error)

    def run(self):
        paths = ["/api/search?" + urlencode({"q": q}) for q in ("oil", "保税", "customs", NEW_WORD)]
        paths.append("/search?q=bonded")
        number = 0
        while not self.stop.is_set():
            path = paths[number % len(paths)]
            number += 1
            try:
                status, headers, body = get(self.port, path, self.source)
                error = None if status == 200 else f"{status} {path}: {body[:200]!r}"
                self.answers.append((time.monotonic(), status, headers.get("x-index-generation"),
                                     error))
            except Exception as exc:  # noqa: BLE001 - every failure is counted
                self.answers.append((time.monotonic(), None, None, f"{type(exc).__name__}: {exc}"))
            time.sleep(1 / (RATE / 2))  # half the allowed rate: never limited


def _publish_new_generation(site, records: Path) -> float:
    """Add NEW_WORD to a record and run `ftz index --rebuild` (a full build: a new
    generation in the shared folder); the moment it returned."""
    record = records / "zhejiang-bonded-non-bonded-oil-same-tank-storage.md"
    record.write_text(record.read_text(encoding="utf-8") + f"\nA replica probe: {NEW_WORD}.\n",
                      encoding="utf-8")
    subprocess.run([sys.executable, "-m", "webapp.cli", "index", "--rebuild",
                    "--measures", str(records), "--index", str(site.index)],
                   check=True, capture_output=True, cwd=serving.PROJECT)
    return time.monotonic()


def test_a_new_generation_is_served_by_every_replica_with_no_failed_request(site, records):
    before = {generation_of(port) for port in site.replica_ports}
    assert len(before) == 1, before  # one index folder, one generation
    stop = threading.Event()
    clients = [Searcher(site.port, f"127.0.0.{10 + n}", stop) for n in range(4)]
    for client in clients:
        client.start()
    try:
        time.sleep(1)
        published = _publish_new_generation(site, records)
        new = None
        switched = {}  # replica port -> seconds after publishing
        while time.monotonic() < published + PUBLISHED_WITHIN + 2 and len(switched) < REPLICAS:
            for port in site.replica_ports:
                generation = generation_of(port)
                if generation not in before and port not in switched:
                    switched[port] = time.monotonic() - published
                    new = generation
            time.sleep(0.1)
        time.sleep(PUBLISHED_WITHIN)  # the clients go on through nginx on the new generation
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=serving.REQUEST_TIMEOUT + 5)

    print(f"seconds from publishing to serving the new generation, per replica: {switched}")
    assert len(switched) == REPLICAS, f"replicas that served a new generation: {switched}"
    assert max(switched.values()) <= PUBLISHED_WITHIN, switched
    answers = [answer for client in clients for answer in client.answers]
    errors = [error for *_, error in answers if error]
    assert not errors, errors[:5]
    assert len(answers) >= 4 * 5, len(answers)  # the clients did search meanwhile
    late = [generation for moment, _, generation, _ in answers
            if moment > published + PUBLISHED_WITHIN]
    assert late and set(late) == {new}, set(late)


def test_nginx_caches_nothing_a_search_after_publishing_finds_the_new_text(site, records):
    word = "wombatprobe"
    path = f"/api/search?q={word}"

    def answers(block: int) -> list[tuple[int, str]]:
        """The same search through nginx, twice per replica (with none busy, least_conn takes
        them in turn), from addresses of their own."""
        found = []
        for n in range(2 * REPLICAS):
            status, headers, body = get(site.port, path, f"127.0.{block}.{n + 1}")
            assert status == 200
            found.append((json.loads(body)["total"], headers["x-index-generation"]))
        return found

    before = answers(2)  # what a cache, if there were one, would now hold
    assert {total for total, _ in before} == {0}
    record = records / "shanghai-global-operator-plan.md"
    record.write_text(record.read_text(encoding="utf-8") + f"\nA cache probe: {word}.\n",
                      encoding="utf-8")
    subprocess.run([sys.executable, "-m", "webapp.cli", "index",  # incremental: a new commit
                    "--measures", str(records), "--index", str(site.index)],
                   check=True, capture_output=True, cwd=serving.PROJECT)
    time.sleep(REFRESH_EVERY + 0.5)  # every replica checks for a new index once a second
    after = answers(3)
    assert {total for total, _ in after} == {1}, after
    assert len({generation for _, generation in after}) == 1, after
    assert not {generation for _, generation in before} & {generation for _, generation in after}


def test_a_generation_built_elsewhere_is_installed_and_served_by_every_replica(site, tmp_path):
    """The index as a versioned artifact: built on another host (here another folder),
    archived, copied, installed into the replicas' folder by deploy/install-index."""
    from tests.conftest import fixture_corpus

    word = "numbatprobe"
    elsewhere = fixture_corpus(tmp_path / "measures")
    record = elsewhere / "guangdong-rcep-paperless-origin-certificates.md"
    record.write_text(record.read_text(encoding="utf-8") + f"\nAn artifact probe: {word}.\n",
                      encoding="utf-8")
    built = tmp_path / "index"
    generation = build_index(elsewhere, built).generation
    archive = tmp_path / "ftz-index-test.tar.gz"
    subprocess.run(["tar", "-C", str(built), "-czf", str(archive), generation], check=True)
    before = {generation_of(port) for port in site.replica_ports}

    installed = subprocess.run([str(serving.PROJECT / "deploy" / "install-index"), str(archive),
                                str(site.index)], check=True, capture_output=True, text=True)
    new = (site.index / "CURRENT").read_text().strip()
    assert installed.stdout.startswith(f"published {new} ")
    assert new > max(before)  # the next number in the folder, whatever the archive called it
    time.sleep(REFRESH_EVERY + 0.5)
    for port in site.replica_ports:
        status, headers, body = get(port, f"/api/search?q={word}")
        assert status == 200 and json.loads(body)["total"] == 1, port
        assert headers["x-index-generation"].startswith(new + "."), headers
    status, _, body = get(site.port, f"/api/search?q={word}", "127.0.4.1")
    assert status == 200 and json.loads(body)["total"] == 1


def test_a_client_past_its_burst_is_answered_429_and_others_are_not(site):
    # Back to back from one address until refused: faster than RATE on any machine this runs
    # on (a request takes milliseconds), so a 429 comes after the burst.
    began = time.monotonic()
    statuses = []
    while 429 not in statuses and len(statuses) < 20 * BURST:
        status, headers, body = get(site.port, "/api/zones", "127.0.6.1")
        statuses.append(status)
    elapsed = time.monotonic() - began
    assert statuses[-1] == 429 and set(statuses[:-1]) == {200}, statuses
    # the first request and the burst are served at once, then one more per 1/RATE seconds
    served = len(statuses) - 1
    assert BURST + 1 <= served <= BURST + 1 + int(elapsed * RATE) + 1, (served, elapsed)
    assert headers["retry-after"] == "1"
    assert json.loads(body)["error"].startswith("too many requests")
    # another address is served at once, and the first again after a pause
    assert get(site.port, "/api/zones", "127.0.6.2")[0] == 200
    time.sleep(1.0)
    assert get(site.port, "/api/zones", "127.0.6.1")[0] == 200


def test_the_deploy_page_shows_the_config_the_tests_run():
    page = (serving.PROJECT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert "```nginx\n" + serving.SITE_CONFIG.read_text(encoding="utf-8") + "```" in page


def test_a_replica_killed_while_clients_search_fails_no_request(site):
    """nginx passes a request a replica cannot answer to the next one (the site is read-only)."""
    stop = threading.Event()
    clients = [Searcher(site.port, f"127.0.5.{n + 1}", stop) for n in range(4)]
    victim = 0
    for client in clients:
        client.start()
    try:
        time.sleep(1)
        os.killpg(site.replicas[victim].pid, signal.SIGKILL)  # the master and its worker
        site.replicas[victim].wait(timeout=10)
        killed = time.monotonic()
        time.sleep(3)
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=serving.REQUEST_TIMEOUT + 5)
        # the replica back, for whatever runs after
        port = site.replica_ports[victim]
        log = site.run.parent / f"replica-{victim}.log"
        site.replicas[victim] = serving.start_gunicorn(port, site.index, site.measures, 1, log)
        serving.wait_until_serving(port, site.replicas[victim], log)
    answers = [answer for client in clients for answer in client.answers]
    errors = [error for *_, error in answers if error]
    assert not errors, errors[:5]
    assert sum(moment > killed for moment, *_ in answers) >= 4 * 5  # searched on meanwhile


def test_without_nginx_the_tests_skip_and_with_ci_they_fail(monkeypatch, tmp_path):
    monkeypatch.setattr(serving, "NGINX", tmp_path / "no-nginx")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        serving.need_nginx()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        serving.need_nginx()
