"""The taxonomy and lexicon kept between builds (engine/taxonomycache.py): after any edit of
the files they are read from, a build gets what the loaders (the plain reference) read."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hypothesis import given, settings, strategies as st

from indexer.engine import build, taxonomycache
from indexer.errors import Report
from indexer.records.lexicon import load_lexicon
from indexer.records.taxonomy import load_taxonomy
from tests.conftest import fixture_corpus
from tests.helpers import examples, write


def loaded(measures: Path, index: Path):
    report = Report(measures)
    taxonomy, lexicon = build._taxonomy_and_lexicon(measures, index, report)
    return taxonomy, lexicon, report.problems


def plain(measures: Path):
    report = Report(measures)
    return load_taxonomy(measures, report), load_lexicon(measures, report), report.problems


def _append(path: Path, text: str) -> None:
    write(path, path.read_text(encoding="utf-8") + text)


def _same_size_same_time(path: Path, old: str, new: str) -> None:
    """An edit that keeps the file's size and puts its modification time back; made twice,
    it puts the old text back (a sequence may hold it more than once)."""
    assert len(old.encode()) == len(new.encode())
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    if old not in text:
        old, new = new, old
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


EDITS = {
    "zone name": lambda m: _same_size_same_time(m / "zones.yaml", "short: Shanghai",
                                                "short: Shanghaj"),
    "pillar comment": lambda m: _append(m / "pillars.yaml", "\n# a comment\n"),
    "broken zones": lambda m: _append(m / "zones.yaml", "\n  - id: [unclosed\n"),
    "dictionary word": lambda m: _append(m / "dictionary.txt", "同罐共储 300\n"),
    "synonyms": lambda m: _append(m / "synonyms.yaml", "\n# more\n"),
    "a source removed": lambda m: sorted((m / "sources").glob("*.md"))[-1].unlink(),
    "a source copied": lambda m: shutil.copy(sorted((m / "sources").glob("*.md"))[0],
                                             m / "sources" / "zz-copy.md"),
    "a batch removed": lambda m: [p.unlink() for p in sorted((m / "batches").glob("*"))[:1]],
    "a draft": lambda m: ((m / "drafts").mkdir(exist_ok=True),
                          write(m / "drafts" / "draft.md", "---\ntitle: x\n---\n")),
    "a record": lambda m: _append(sorted(m.glob("*.md"))[0], "\nZeppelin.\n"),
    "nothing": lambda m: None,
}


@settings(max_examples=examples(25), deadline=None)
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=5))
def test_the_kept_taxonomy_is_what_the_loaders_read_after_any_edit(tmp_path_factory, edits):
    root = tmp_path_factory.mktemp("cache")
    measures, index = fixture_corpus(root / "measures"), root / "index"
    index.mkdir()
    assert loaded(measures, index) == plain(measures)  # loaded, then kept
    for name in edits:
        EDITS[name](measures)
        assert loaded(measures, index) == plain(measures), name
        assert loaded(measures, index) == plain(measures), name  # from the cache, if kept


def test_the_cache_is_used_and_a_torn_or_foreign_file_is_ignored(measures_copy, tmp_path,
                                                                 monkeypatch):
    index = tmp_path / "index"
    index.mkdir()
    expected = plain(measures_copy)
    assert loaded(measures_copy, index) == expected
    cache = index / taxonomycache.CACHE
    whole = cache.read_bytes()

    def unread(*args):
        raise AssertionError("the loaders ran")

    monkeypatch.setattr(build, "load_taxonomy", unread)
    assert loaded(measures_copy, index) == expected  # nothing changed: the kept copy
    monkeypatch.undo()
    for damaged in (whole[: len(whole) // 2], b"\0" * len(whole), b"",
                    whole[:32] + whole[33:] + b"x"):
        cache.write_bytes(damaged)
        assert loaded(measures_copy, index) == expected
        assert cache.read_bytes() == whole  # loaded again and kept again


def test_the_key_from_the_scans_listing_is_the_key_from_the_folders_own(measures_copy):
    """A build lists the folder once (catalog.scan_records gives the non-record entries to
    the key): the same key as the folder's own listing, with a folder named *.md, a file
    beside the records, a drafts folder and a sub-folder of sources."""
    from indexer.records.catalog import scan_records

    (measures_copy / "odd.md").mkdir()
    (measures_copy / "odd.md" / "inside.yaml").write_text("x: 1\n", encoding="utf-8")
    (measures_copy / "notes.txt").write_text("not a record", encoding="utf-8")
    (measures_copy / "drafts").mkdir(exist_ok=True)
    (measures_copy / "sources" / "more").mkdir()
    others: list[str] = []
    scan = scan_records(measures_copy, others)
    assert "odd.md" in others and "notes.txt" in others
    assert not any(name.endswith(".md") for name in others if name != "odd.md")
    assert {name for name, _, _ in scan} == {p.name for p in measures_copy.glob("*.md")
                                             if p.is_file()}
    before = taxonomycache.key(measures_copy, others)
    assert before == taxonomycache.key(measures_copy)
    write(measures_copy / "notes.txt", "another, longer text")  # seen through the scan's listing
    again: list[str] = []
    scan_records(measures_copy, again)
    assert taxonomycache.key(measures_copy, again) != before
