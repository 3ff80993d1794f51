"""`ftz index` scans the measures folder in a forked child while it imports the build
(folderscan.Prescan): its answer is exactly the plain scan's (catalog.scan_records, the
reference), and on any failure the plain scan is made instead; no child is left behind."""

from __future__ import annotations

import marshal
import os
import signal

import pytest
from hypothesis import given, settings, strategies as st

from indexer.engine import store
from indexer.engine.build import build_index
from indexer.records import folderscan
from indexer.records.catalog import scan_records
from indexer.records.folderscan import Prescan, scan_with_blob
from tests.helpers import answers, edit, examples, ftz

_NAMES = st.text(st.sampled_from("ab-_.中md"), min_size=1, max_size=8).filter(
    lambda n: n not in (".", ".."))
# each entry: a file (its size) or a folder
_ENTRIES = st.dictionaries(_NAMES, st.one_of(st.integers(0, 40), st.none()), max_size=12)


def _parts(folder) -> tuple:
    """A FolderScan's files, blob and count, to compare."""
    return folder.files, folder.blob, folder.count


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _scan_both(root):
    """(the child's scan and blob, others, its pid) and the plain scan and others, each
    with its blob (marshal.dumps of the plain scan, as the build keeps it)."""
    prescan = Prescan(root)
    pid = prescan.pid
    others, plain_others = [], []
    found = _parts(prescan(root, others))
    plain = scan_records(root, plain_others)
    return (found, others, pid), ((plain, marshal.dumps(plain), len(plain)), plain_others)


@settings(max_examples=examples(60), deadline=None)
@given(_ENTRIES)
def test_the_childs_scan_is_the_plain_scan(tmp_path_factory, entries):
    root = tmp_path_factory.mktemp("m")
    for name, size in entries.items():
        if size is None:
            (root / name).mkdir()
        else:
            (root / name).write_bytes(b"x" * size)
    (found, others, pid), (plain, plain_others) = _scan_both(root)
    assert pid is not None
    assert found == plain and others == plain_others
    assert all(type(f) is tuple for f in found[0])
    assert _reaped(pid)


def test_the_scan_of_the_corpus_and_its_other_entries(measures_copy):
    (found, others, pid), (plain, plain_others) = _scan_both(measures_copy)
    assert len(found[0]) > 10 and found == plain
    assert others == plain_others and "zones.yaml" in others
    assert _reaped(pid)


def test_without_a_fork_the_scan_is_made_here(measures_copy, monkeypatch):
    def no_fork():
        raise OSError("no more processes")

    monkeypatch.setattr(folderscan.os, "fork", no_fork)
    prescan = Prescan(measures_copy)
    assert prescan.pid is None and prescan.fd is None
    assert _parts(prescan(measures_copy)) == _parts(scan_with_blob(measures_copy))


def test_a_child_that_died_is_replaced_by_the_plain_scan(measures_copy):
    prescan = Prescan(measures_copy)
    pid = prescan.pid
    os.kill(pid, signal.SIGKILL)
    assert _parts(prescan(measures_copy)) == _parts(scan_with_blob(measures_copy))
    assert _reaped(pid)


def test_a_short_answer_is_not_trusted(measures_copy, monkeypatch):
    prescan = Prescan(measures_copy)
    pid = prescan.pid
    real_read, reads = folderscan.os.read, []

    def short_read(fd, n):  # the first 5 bytes, then an end as if the pipe were closed
        reads.append(n)
        return real_read(fd, 5) if len(reads) == 1 else b""

    monkeypatch.setattr(folderscan.os, "read", short_read)
    assert _parts(prescan(measures_copy)) == _parts(scan_with_blob(measures_copy))
    assert len(reads) == 2 and _reaped(pid)


def test_a_folder_the_child_cannot_scan_fails_as_the_plain_scan_does(tmp_path):
    missing = tmp_path / "missing"
    prescan = Prescan(missing)
    pid = prescan.pid
    with pytest.raises(FileNotFoundError):
        prescan(missing)
    assert _reaped(pid)


def test_another_folder_is_scanned_here_and_close_leaves_no_child(measures_copy, tmp_path):
    prescan = Prescan(tmp_path)
    pid = prescan.pid
    assert _parts(prescan(measures_copy)) == _parts(scan_with_blob(measures_copy))
    assert _reaped(pid)
    unused = Prescan(measures_copy)
    pid = unused.pid
    unused.close()
    unused.close()
    assert _reaped(pid)


def test_meanwhile_takes_steps_until_the_answer_is_ready(measures_copy):
    taken = []

    def steps():
        while True:
            taken.append(1)
            yield

    prescan = Prescan(measures_copy)
    prescan.meanwhile(steps())  # endless steps: it stops only when the child has answered
    assert prescan.ready()
    assert _parts(prescan(measures_copy)) == _parts(scan_with_blob(measures_copy))
    prescan, taken[:] = Prescan(measures_copy), []
    while not prescan.ready():
        pass
    prescan.meanwhile(steps())  # answered already: no step taken
    assert taken == []
    assert _parts(prescan(measures_copy)) == _parts(scan_with_blob(measures_copy))


def test_an_edit_after_the_childs_scan_is_built_by_the_next_update(measures_copy, tmp_path):
    """As with the plain scan, an edit made after the scan is not seen by that build; the
    next one finds it, and the index then answers as a full build."""
    index = tmp_path / "index"
    build_index(measures_copy, index, merge_policy=None)
    target = sorted(measures_copy.glob("*.md"))[0]
    prescan = Prescan(measures_copy)
    while not prescan.ready():
        pass
    edit(target, target.read_text(encoding="utf-8").splitlines()[-1], "Unicorn tank pilot")
    build_index(measures_copy, index, merge_policy=None, scan=prescan)
    assert build_index(measures_copy, index, merge_policy=None).mode == "incremental"
    full = tmp_path / "full"
    build_index(measures_copy, full, rebuild=True)
    assert answers(index) == answers(full)


def test_ftz_index_updates_through_the_childs_scan(measures_copy, tmp_path):
    """The child's blob is the plain scan's: after a build with the plain scan, `ftz index`
    finds the folder's digest the same (up to date, the manifest not rewritten)."""
    index = tmp_path / "index"
    build_index(measures_copy, index, merge_policy=None)
    manifest = store.current_generation(index) / store.MANIFEST
    written = manifest.stat().st_mtime_ns
    again = ftz("index", "--measures", str(measures_copy), "--index", str(index))
    assert again.returncode == 0 and "is up to date" in again.stdout, again.stdout + again.stderr
    assert manifest.stat().st_mtime_ns == written
    target = sorted(measures_copy.glob("*.md"))[1]
    edit(target, target.read_text(encoding="utf-8").splitlines()[-1], "Pegasus tank pilot")
    done = ftz("index", "--measures", str(measures_copy), "--index", str(index))
    assert done.returncode == 0 and "1 updated" in done.stdout, done.stdout + done.stderr
    full = tmp_path / "full"
    build_index(measures_copy, full, rebuild=True)
    assert answers(index) == answers(full)


def test_the_childs_comparison_is_the_stores_and_is_taken_only_for_the_same_kept_scan(
        measures_copy, tmp_path):
    """`ftz index`'s child compares its scan with the last build's kept scan (scanahead):
    the same answer as store.scan_changes here; the build takes it only when the kept
    scan it reads under its lock is the one the child compared with."""
    from indexer.cli import _compare_ahead
    from indexer.engine import scanahead

    index = tmp_path / "index"
    build_index(measures_copy, index, merge_policy=None)
    names = sorted(measures_copy.glob("*.md"))
    edit(names[0], names[0].read_text(encoding="utf-8").splitlines()[-1], "Unicorn tank")
    (names[1]).unlink()
    prescan = Prescan(measures_copy, then=_compare_ahead(index))
    folder = prescan(measures_copy)
    current = store.current_generation(index)
    kept = store.manifest_settings(current)["files"]
    expected = store.scan_changes(current, kept, scan_records(measures_copy))
    assert expected[0] and expected[2] == [names[1].name]
    entries = {n: (m, s) for n, m, s in scan_records(measures_copy) if n in expected[0]}
    assert folder.ahead == (kept, expected, entries)
    assert scanahead.taken(folder, kept, current) == (expected, entries)
    assert scanahead.taken(folder, "another kept scan", current) == (None, None)
    # an ahead of another kept scan is not taken: the build compares by itself
    folder.ahead = ("another kept scan", ([], set(), []), {})
    assert scanahead.taken(folder, kept, current) == (expected, None)
    report = build_index(measures_copy, index, merge_policy=None, scan=lambda root, others:
                         Prescan(root, then=_compare_ahead(index))(root, others))
    assert (report.updated, report.deleted) == (1, 1)
    full = tmp_path / "full"
    build_index(measures_copy, full, rebuild=True)
    assert answers(index) == answers(full)


def test_a_comparison_that_fails_in_the_child_falls_back_to_the_plain_scan(measures_copy):
    def broken(files):
        raise OSError("the manifest could not be read")

    prescan = Prescan(measures_copy, then=broken)
    pid = prescan.pid
    folder = prescan(measures_copy)
    assert folder.ahead is None and folder.files == scan_records(measures_copy)
    assert _reaped(pid)


def _children() -> set[int]:
    """This process's child processes (Linux: /proc/self/task/*/children)."""
    found = set()
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/children") as fh:
                found.update(map(int, fh.read().split()))
        except OSError:
            pass
    return found


@pytest.mark.parametrize("case", ["busy", "invalid"])
def test_a_build_that_fails_says_why_and_leaves_no_child(measures_copy, tmp_path, case):
    """`ftz index` on an index another build holds, or on a folder with a broken record:
    the error as before, and the scan child is ended and reaped, not left behind."""
    from click.testing import CliRunner

    from indexer.cli import cli

    index = tmp_path / "index"
    build_index(measures_copy, index, merge_policy=None)
    args = ["index", "--measures", str(measures_copy), "--index", str(index)]
    before = _children()
    if case == "busy":
        with store.build_lock(index):
            out = CliRunner().invoke(cli, args)
        assert out.exit_code == 1 and "another build is running" in out.output, out.output
    else:
        target = sorted(measures_copy.glob("*.md"))[0]
        target.write_text(target.read_text(encoding="utf-8").replace("zones:", "zonez:", 1),
                          encoding="utf-8")
        out = CliRunner().invoke(cli, args)
        assert out.exit_code == 1 and target.name in out.output, out.output
    assert _children() == before
