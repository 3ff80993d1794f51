"""Publishing an index: atomic, safe against a killed build, never in the way of searches."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from indexer.engine import store
from indexer.engine.build import build_index
from indexer.errors import SearchTooSlow, ValidationFailed
from indexer.search.generation import Generation
from indexer.search import KnowledgeBase
from tests.bench.generate import generate
from tests.helpers import FTZ, ZHEJIANG_OIL, edit, ftz, record, write
from tests.serving import free_port, get

def generations(index: Path) -> list[str]:
    return sorted(p.name for p in index.glob("gen-*"))


# -- a killed build ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def big_measures(tmp_path_factory) -> Path:
    """Enough synthetic records that a full build takes a few seconds, time to kill it."""
    return generate(300, tmp_path_factory.mktemp("big") / "measures")


def kill_when(proc: subprocess.Popen, ready, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, "the build ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def test_build_killed_midway_leaves_the_last_index_serving_and_the_next_build_clean(
        big_measures, tmp_path):
    index = tmp_path / "index"
    build_index(big_measures, index)
    before = store.current_generation(index).name
    kb = KnowledgeBase(index)
    expected = [h.id for h in kb.search("customs clearance").hits]

    proc = subprocess.Popen([*FTZ, "index", "--rebuild", "--measures", big_measures,
                             "--index", index], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # a real SIGKILL once it writes its new segment's files: documents added, commit under way
    kill_when(proc, lambda: len(generations(index)) > 1 and
              any(p.suffix == ".col" for p in (index / generations(index)[-1]).iterdir()))
    assert proc.returncode == -signal.SIGKILL

    assert store.current_generation(index).name == before  # CURRENT never moved
    kb.refresh(force=True)
    assert [h.id for h in kb.search("customs clearance").hits] == expected
    fresh = KnowledgeBase(index)
    assert [h.id for h in fresh.search("customs clearance").hits] == expected
    fresh.close()

    done = ftz("index", "--rebuild", "--measures", big_measures, "--index", index)
    assert done.returncode == 0, done.stderr  # no stale lock, no half generation in the way
    after = store.current_generation(index).name
    assert after != before
    # the killed build's half generation is gone; the old one stays while we still read it
    assert generations(index) == sorted([before, after])
    kb.refresh(force=True)
    assert [h.id for h in kb.search("customs clearance").hits] == expected
    kb.close()


def test_incremental_build_killed_during_its_commit(big_measures, tmp_path):
    measures = tmp_path / "measures"
    shutil.copytree(big_measures, measures)
    index = tmp_path / "index"
    build_index(measures, index)
    kb = KnowledgeBase(index)
    total = kb.stats()["measures"]
    for path in sorted(measures.glob("synthetic-*.md"))[:150]:
        write(path, path.read_text() + "\nZeppelin.\n")
    gen = store.current_generation(index)
    tocs = set(gen.glob("*.toc"))
    proc = subprocess.Popen([*FTZ, "index", "--measures", measures, "--index", index],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kill_when(proc, lambda: any(p.name.endswith(".seg") and p.stat().st_size
                                for p in gen.iterdir() if p not in tocs) or
              any("tmp" in p.name for p in gen.iterdir()))
    kb.refresh(force=True)
    assert kb.stats()["measures"] == total
    assert kb.search("zeppelin").total in (0, 150)  # the commit happened whole, or not at all
    done = ftz("index", "--measures", measures, "--index", index)
    assert done.returncode == 0, done.stderr
    kb.refresh(force=True)
    assert kb.search("zeppelin").total == 150 and kb.stats()["measures"] == total
    kb.close()


# -- generations in use --------------------------------------------------------------------

def test_old_generations_are_removed_once_no_reader_needs_them(measures_copy, tmp_path):
    index = tmp_path / "index"
    first = build_index(measures_copy, index).generation
    kb = KnowledgeBase(index)  # this process reads the first generation
    second = build_index(measures_copy, index, rebuild=True).generation
    assert generations(index) == [first, second]  # still in use: kept
    kb.refresh(force=True)  # now reading the second
    third = build_index(measures_copy, index, rebuild=True).generation
    assert generations(index) == [second, third]
    # a reader that died without a word does not keep a generation past its lease
    expired = index / store.READERS / "elsewhere-1-0"
    expired.write_text(json.dumps({"generation": second, "expires": time.time() - 1}))
    kb.close()
    fourth = build_index(measures_copy, index, rebuild=True).generation
    assert generations(index) == [fourth]
    assert not expired.exists()


def test_a_refresh_never_opens_a_generation_a_build_removed_meanwhile(measures_copy, tmp_path,
                                                                    monkeypatch):
    index = tmp_path / "index"
    build_index(measures_copy, index)
    kb = KnowledgeBase(index)  # reads the first generation
    second = build_index(measures_copy, index, rebuild=True).generation
    built, take_lease = [], store.take_lease

    def a_build_in_between(index_dir, generation):
        # the worst moment: the facade has read CURRENT (the second generation) and not yet
        # said it reads it, and a full build publishes a third and removes the second
        if generation.name == second and not built:
            built.append(build_index(measures_copy, index, rebuild=True).generation)
        return take_lease(index_dir, generation)

    monkeypatch.setattr(store, "take_lease", a_build_in_between)
    assert kb.refresh(force=True)
    assert built and kb.generation.startswith(built[0])
    assert kb.search("oil").total > 0
    kb.close()


def test_a_search_under_way_keeps_its_generation_open_and_on_disk(measures_copy, tmp_path,
                                                                  monkeypatch):
    index = tmp_path / "index"
    first = build_index(measures_copy, index).generation
    kb = KnowledgeBase(index)
    in_search, may_go_on, found = threading.Event(), threading.Event(), []
    record = Generation.record

    def slow_record(self, docnum):
        if threading.current_thread().name == "slow":
            in_search.set()
            assert may_go_on.wait(60)
        return record(self, docnum)

    monkeypatch.setattr(Generation, "record", slow_record)
    slow = threading.Thread(target=lambda: found.append(kb.search("oil").total), name="slow")
    slow.start()
    try:
        assert in_search.wait(60)
        # meanwhile this process moves to a newer generation, and a build removes what no
        # search uses any more
        build_index(measures_copy, index, rebuild=True)
        assert kb.refresh(force=True)
        third = build_index(measures_copy, index, rebuild=True).generation
        assert first in generations(index)  # the slow search still reads it
    finally:
        may_go_on.set()
        slow.join()
    assert found and found[0] > 0
    kb.refresh(force=True)
    fourth = build_index(measures_copy, index, rebuild=True).generation
    assert generations(index) == sorted([third, fourth])  # now nothing reads the first
    kb.close()


def test_a_page_reads_one_generation_from_its_first_call_to_its_last(measures_copy, tmp_path):
    index = tmp_path / "index"
    first = build_index(measures_copy, index).generation
    kb = KnowledgeBase(index)
    before = kb.measure(ZHEJIANG_OIL)["title"]
    with kb.page():
        assert kb.measure(ZHEJIANG_OIL)["title"] == before
        edit(measures_copy / f"{ZHEJIANG_OIL}.md", f"title: {before}", "title: Zeppelin tank storage")
        build_index(measures_copy, index, rebuild=True)
        with ThreadPoolExecutor(1) as other:  # another request of this worker refreshes
            assert other.submit(kb.refresh, True).result()
            assert other.submit(kb.measure, ZHEJIANG_OIL).result()["title"] == "Zeppelin tank storage"
        # this page goes on with what it started with, in every call
        assert kb.measure(ZHEJIANG_OIL)["title"] == before
        assert kb.search("zeppelin").total == 0 and kb.search("oil").total > 0
        assert kb.generation.startswith(first)
        build_index(measures_copy, index, rebuild=True)
        assert first in generations(index)
    assert kb.measure(ZHEJIANG_OIL)["title"] == "Zeppelin tank storage"
    build_index(measures_copy, index, rebuild=True)
    assert first not in generations(index)  # closed with the page, then removed
    kb.close()


# -- serving while building ----------------------------------------------------------------

@pytest.fixture
def served(measures_copy, tmp_path):
    """The site under gunicorn with two workers, on a loopback port, for this test only."""
    index = tmp_path / "index"
    build_index(measures_copy, index)
    port = free_port()
    env = {**os.environ, "FTZ_MEASURES_DIR": str(measures_copy), "FTZ_INDEX_DIR": str(index)}
    log = tmp_path / "gunicorn.log"  # the workers' tracebacks, shown when a test fails
    with open(log, "wb") as err:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "2",
                                   "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                                   "webapp:create_app()"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=err)
    try:
        for _ in range(200):
            try:
                get(port, "/api/zones")
                break
            except OSError:
                time.sleep(0.05)
        yield {"port": port, "measures": measures_copy, "index": index, "log": log}
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_rebuilds_while_clients_search_fail_no_request(served):
    """Pages and API answers under gunicorn (2 workers of 2 threads) while incremental and
    full builds publish, one after another, and each worker refreshes between requests."""
    port, measures, index = served["port"], served["measures"], served["index"]
    failures, answered, stop = [], [], threading.Event()
    paths = ["/api/search?q=oil", "/api/search?q=%E4%B8%AD%E8%80%81%E9%93%81%E8%B7%AF",
             "/search?q=railway&zone=yunnan", "/api/search?zone=zhejiang", "/zones/zhejiang",
             f"/measures/{ZHEJIANG_OIL}", f"/api/measures/{ZHEJIANG_OIL}", "/search?q=tnak",
             "/sources", "/"]

    def client(n: int):
        i = n
        while not stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            try:
                status, _ = get(port, path)
                answered.append(path)
                if status != 200:
                    failures.append((path, status))
            except Exception as exc:  # a dropped connection is a failed request too
                failures.append((path, repr(exc)))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    try:
        for round_ in range(4):
            write(measures / f"added-{round_}.md", record(title=f"Quokka{round_} tank pilot"))
            assert ftz("index", "--measures", measures, "--index", index).returncode == 0
            write(measures / f"added-{round_}.md", record(title=f"Quokka{round_} tank pilot",
                                                          body="Changed in place."))
            assert ftz("index", "--measures", measures, "--index", index).returncode == 0
            assert ftz("index", "--rebuild", "--measures", measures, "--index", index).returncode == 0
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert failures == [], served["log"].read_text(errors="replace")
    assert len(answered) > 50

    # every worker picks the new generation up within a few seconds, without a restart
    deadline = time.monotonic() + 10
    while True:
        found = [b'"total":1' in get(port, "/api/search?q=quokka3")[1] for _ in range(8)]
        if all(found):
            break
        assert time.monotonic() < deadline, "a worker still serves the old index"
        time.sleep(0.2)


def test_broken_record_added_while_the_site_serves(served):
    port, measures, index = served["port"], served["measures"], served["index"]
    before = get(port, "/api/search?q=oil")
    write(measures / "broken.md", record(pillar="nowhere"))
    result = ftz("index", "--measures", measures, "--index", index)
    assert result.returncode == 1 and "broken.md" in result.stderr
    time.sleep(1.2)  # longer than the workers' refresh interval
    assert get(port, "/api/search?q=oil") == before
    assert get(port, "/measures/broken")[0] == 404


# -- time budget ---------------------------------------------------------------------------

def test_a_search_over_its_time_budget_is_stopped_with_a_clear_message(built_index):
    kb = KnowledgeBase(built_index["index"], time_budget=1e-9)
    with pytest.raises(SearchTooSlow, match="stopped after"):
        kb.search("customs clearance")
    assert kb.search("").total > 0  # browsing reads no postings: nothing to stop
    kb.close()


def test_the_site_answers_an_over_budget_search_with_400(built_index):
    from webapp import create_app

    app = create_app({"TESTING": True, "MEASURES_DIR": built_index["measures"],
                      "INDEX_DIR": built_index["index"], "SEARCH_TIME_BUDGET": 1e-9})
    response = app.test_client().get("/api/search?q=oil")
    assert response.status_code == 400 and "stopped after" in response.get_json()["error"]
    page = app.test_client().get("/search?q=oil")
    assert page.status_code == 400 and b"stopped after" in page.data


def test_invalid_build_names_every_broken_file(measures_copy, tmp_path):
    write(measures_copy / "broken-one.md", record(zones="[atlantis]"))
    write(measures_copy / "broken-two.md", record(date="2023-02-30"))
    with pytest.raises(ValidationFailed) as err:
        build_index(measures_copy, tmp_path / "index")
    assert {p.path for p in err.value.problems} == {"measures/broken-one.md", "measures/broken-two.md"}
    assert store.current_generation(tmp_path / "index") is None
