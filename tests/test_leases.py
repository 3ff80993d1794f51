"""Readers hold leases on their generation, not process ids: readers on other hosts (faked
with FTZ_HOST_ID) keep what they read, a reader killed outright lets its generation go once
its lease expires and never before (indexer/engine/store.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from indexer.engine import store
from indexer.engine.build import build_index

READER = """
import sys
from indexer.search import KnowledgeBase
kb = KnowledgeBase(sys.argv[1])
print(kb.generation.split(".")[0], flush=True)
for line in sys.stdin:  # each line: one search, its total printed
    print(kb.search(line.strip()).total, flush=True)
"""


def generations(index) -> list[str]:
    return sorted(p.name for p in index.glob("gen-*"))


def reader(index, host: str, lease: float) -> subprocess.Popen:
    env = {**os.environ, "FTZ_HOST_ID": host, "FTZ_LEASE_SECONDS": str(lease)}
    return subprocess.Popen([sys.executable, "-c", READER, str(index)], env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)


def ask(proc: subprocess.Popen, query: str) -> int:
    proc.stdin.write(query + "\n")
    proc.stdin.flush()
    return int(proc.stdout.readline())


def stop(proc: subprocess.Popen, kill: bool = False) -> None:
    if kill and proc.poll() is None:
        proc.kill()
    try:
        proc.stdin.close()
    except BrokenPipeError:  # it died with a line unread
        pass
    proc.wait(timeout=30)
    proc.stdout.close()


def clean(index) -> list[str]:
    with store.build_lock(index):
        return store.clean(index)


def test_readers_on_two_hosts_sharing_a_folder_keep_what_each_reads(measures_copy, tmp_path):
    index = tmp_path / "index"
    first = build_index(measures_copy, index).generation
    lease = 1.5
    a = reader(index, "hostA", lease)
    b = None
    try:
        assert a.stdout.readline().strip() == first
        second = build_index(measures_copy, index, rebuild=True).generation
        b = reader(index, "hostB", lease)
        assert b.stdout.readline().strip() == second
        third = build_index(measures_copy, index, rebuild=True).generation
        holders = {(x["holder"].split("-")[0], x["generation"]) for x in store.leases(index)}
        assert {("hostA", first), ("hostB", second)} <= holders
        # both go on reading for several leases: renewed, neither generation goes
        time.sleep(3 * lease)
        build_index(measures_copy, index, rebuild=True)
        assert {first, second} <= set(generations(index))
        assert ask(a, "oil") > 0 and ask(b, "oil") > 0
        stop(a)
        stop(b)
        last = build_index(measures_copy, index, rebuild=True).generation
        assert generations(index) == [last] and third not in generations(index)
    finally:
        for proc in (a, b):
            if proc is not None:
                stop(proc, kill=True)


def test_a_lease_from_another_host_holds_whatever_its_process_id_means_here(measures_copy,
                                                                          tmp_path):
    """A process id says nothing across hosts: a lease naming one that does not run here
    holds until it expires."""
    index = tmp_path / "index"
    first = build_index(measures_copy, index).generation
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    record = index / store.READERS / f"elsewhere-{dead}-abc"
    record.parent.mkdir(exist_ok=True)
    record.write_text(json.dumps({"generation": first, "expires": time.time() + 60}))
    build_index(measures_copy, index, rebuild=True)
    assert first in generations(index) and record.exists()
    record.write_text(json.dumps({"generation": first, "expires": time.time() - 0.1}))
    clean(index)
    assert first not in generations(index) and not record.exists()


def test_a_reader_killed_outright_lets_its_generation_go_after_its_lease_never_before(
        measures_copy, tmp_path):
    index = tmp_path / "index"
    first = build_index(measures_copy, index).generation
    proc = reader(index, "hostA", 2.0)
    try:
        assert proc.stdout.readline().strip() == first
        assert ask(proc, "oil") > 0
        build_index(measures_copy, index, rebuild=True)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        stop(proc)
    (held,) = [x for x in store.leases(index) if x["generation"] == first]
    checks = 0
    while time.time() < held["expires"] - 0.2:
        clean(index)
        assert first in generations(index), "removed before its lease expired"
        checks += 1
        time.sleep(0.1)
    assert checks >= 3
    time.sleep(max(0.0, held["expires"] - time.time()) + 0.05)
    clean(index)
    assert first not in generations(index)
    assert not (index / store.READERS / held["holder"]).exists()


def test_a_lease_is_renewed_while_held_and_gone_when_released(tmp_path):
    index = tmp_path / "index"
    generation = tmp_path / "index" / "gen-000001"
    generation.mkdir(parents=True)
    (tmp_path / "other").mkdir()
    longer = store.Lease(tmp_path / "other", generation, seconds=600)  # held elsewhere meanwhile
    lease = store.Lease(index, generation, seconds=2.0)
    try:
        (first,) = store.leases(index)
        time.sleep(3.0)  # past the first expiry: the timer renewed it meanwhile
        (later,) = store.leases(index)
        assert not later["expired"] and later["expires"] > first["expires"]
        assert store.generations_in_use(index) == {"gen-000001"}
    finally:
        lease.release()
        longer.release()
    assert store.leases(index) == []


def test_the_host_id_is_the_machines_unless_faked(monkeypatch):
    monkeypatch.delenv("FTZ_HOST_ID", raising=False)
    machine = store.host_id()
    assert machine and "-" not in machine
    monkeypatch.setenv("FTZ_HOST_ID", "box 7/β-2")
    assert store.host_id() == "box_7_2"  # no "-": it separates the parts of a lease name


@pytest.mark.parametrize("text", ["gen-000001", "{not json"])
def test_a_record_of_an_earlier_version_holds_as_a_lease_from_its_time(tmp_path, text,
                                                                      monkeypatch):
    index = tmp_path / "index"
    (index / store.READERS).mkdir(parents=True)
    record = index / store.READERS / "1234-1"
    record.write_text(text)
    monkeypatch.setenv("FTZ_LEASE_SECONDS", "30")
    (found,) = store.leases(index)
    assert not found["expired"] and abs(found["expires"] - (record.stat().st_mtime + 30)) < 1
    os.utime(record, (time.time() - 60, time.time() - 60))
    assert store.generations_in_use(index) == set() and not record.exists()


def test_a_lease_released_inside_the_renewers_own_lock_does_not_hang():
    """A reader dropped without close() releases its lease from a finalizer, which garbage
    collection may run in the renewer's thread while that thread holds the renewer's lock
    (CI hung so, in test_glossary: the renewer waited on itself, then every new reader on
    it)."""
    import threading

    class Held:  # a lease as the renewer holds it (weakly)
        seconds = 60.0

    renewer, held = store._Renewer(), Held()
    renewer._leases.add(held)
    done = threading.Event()

    def collected_inside_the_lock():
        with renewer._lock:
            renewer.discard(held)  # what Lease.release does, from the finalizer
        done.set()

    thread = threading.Thread(target=collected_inside_the_lock, daemon=True)
    thread.start()
    assert done.wait(10), "the renewer waited on its own lock"
    assert not list(renewer._leases)
