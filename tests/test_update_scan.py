"""An update finds what changed from the last build's scan, kept in the manifest: the same
answer as reading the manifest's rows (the plain reference), and the same index as a
full build."""

from __future__ import annotations

import marshal
import os
import sqlite3

from hypothesis import given, settings, strategies as st

from indexer.engine import store
from indexer.engine.build import build_index
from indexer.records.catalog import record_files, scan_records
from tests.helpers import answers, edit, examples, record, write

NAMES = [f"m-{i:02d}.md" for i in range(12)]
_FILE = st.tuples(st.integers(1, 3), st.integers(1, 3))  # (mtime_ns, size): few, so alike often


@st.composite
def scans(draw):
    """A folder's scan before and after some edits, each in an order of its own."""
    before = {n: draw(_FILE) for n in draw(st.sets(st.sampled_from(NAMES)))}
    after = {n: draw(st.one_of(st.just(before[n]), _FILE)) if n in before else draw(_FILE)
             for n in draw(st.sets(st.sampled_from(NAMES)))}
    old = draw(st.permutations([(n, *v) for n, v in before.items()]))
    new = draw(st.permutations([(n, *v) for n, v in after.items()]))
    if draw(st.booleans()):  # the usual case: the folder lists its files in the same order
        new = sorted(new, key=lambda f: [f[0] for f in old].index(f[0])
                     if f[0] in before else len(old))
    return old, new


@settings(max_examples=examples(300), deadline=None)
@given(scans())
def test_the_kept_scan_finds_what_the_manifests_rows_find(tmp_path_factory, both):
    old, new = both
    generation = tmp_path_factory.mktemp("gen")
    blob = marshal.dumps(old)
    digest = store.scan_digest(blob)
    rows = {name: [mtime, size, name[:-3], [], "p", "s", "d"] for name, mtime, size in old}
    store.write_manifest(generation, {"toc": "x", "files": digest}, changed=rows, scan=blob)
    assert store.scan_changes(generation, digest, new) == store.manifest_changes(generation,
                                                                                 sorted(new))


def test_a_manifest_without_its_scan_or_with_another_one_is_not_trusted(tmp_path):
    rows = {"a.md": [1, 1, "a", [], "p", "s", "d"]}
    store.write_manifest(tmp_path, {"toc": "x"}, changed=rows)
    assert store.scan_changes(tmp_path, "anything", [("a.md", 2, 1)]) is None
    blob = marshal.dumps([("a.md", 1, 1)])
    store.write_manifest(tmp_path, {}, changed={}, scan=blob)
    assert store.scan_changes(tmp_path, store.scan_digest(blob), [("a.md", 2, 1)]) == (
        ["a.md"], set(), [])
    assert store.scan_changes(tmp_path, "another digest", [("a.md", 2, 1)]) is None
    (tmp_path / "old").mkdir()  # a manifest of an earlier version: no scan table at all
    with sqlite3.connect(tmp_path / "old" / store.MANIFEST) as db:
        db.execute("CREATE TABLE files (name TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER)")
    assert store.scan_changes(tmp_path / "old", "x", []) is None


def test_the_scan_lists_the_record_files_only(measures_copy):
    (measures_copy / "folder.md").mkdir()
    (measures_copy / "notes.txt").write_text("not a record", encoding="utf-8")
    scan = scan_records(measures_copy)
    assert sorted(scan) == record_files(measures_copy)
    assert {name for name, _, _ in scan} == {p.name for p in measures_copy.glob("*.md")
                                             if p.is_file()}
    for name, mtime, size in scan:
        found = os.stat(measures_copy / name)
        assert (mtime, size) == (found.st_mtime_ns, found.st_size)


def test_updates_answer_every_query_as_a_full_build_does(measures_copy, tmp_path, monkeypatch):
    """In-place edits, a new file, a rename and a deletion, each built incrementally (the
    kept scan's path, never the manifest's rows), against a full build of the same folder
    each time."""
    index = tmp_path / "index"
    build_index(measures_copy, index, merge_policy=None)

    def unread(*args, **kwargs):
        raise AssertionError("the manifest's rows were read")

    monkeypatch.setattr(store, "manifest_changes", unread)
    steps = [
        lambda: write(measures_copy / "new-tank-measure.md", record(title="Unicorn tank pilot")),
        lambda: edit(measures_copy / "new-tank-measure.md", "Unicorn", "Pegasus"),
        lambda: os.rename(measures_copy / "new-tank-measure.md",
                          measures_copy / "renamed-tank-measure.md"),
        lambda: edit(measures_copy / "renamed-tank-measure.md", "Pegasus", "Unicorn"),
        lambda: (measures_copy / "renamed-tank-measure.md").unlink(),
    ]
    for i, step in enumerate(steps):
        step()
        report = build_index(measures_copy, index, merge_policy=None)
        assert report.mode == "incremental"
        full = tmp_path / f"full{i}"
        build_index(measures_copy, full, rebuild=True)
        assert answers(index) == answers(full)
        assert build_index(measures_copy, index).mode == "unchanged"
