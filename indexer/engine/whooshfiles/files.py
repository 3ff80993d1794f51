"""An index folder's files as Whoosh names them, and merges of its segments.

Whoosh names an index's tables of contents `_<indexname>_<commit>.toc` (the main index's
indexname is MAIN), its lock `<indexname>_WRITELOCK`, and a segment's files after the
segment; several indexes, of different indexnames, may share a folder (segments.py writes
each worker's segment as an index of its own there, then commits the segments into the
main index). Reading the commit number from the file names lets a build that finds nothing
to do answer without importing Whoosh (tests/test_index.py checks that it agrees with
Index.latest_generation()).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path
from typing import Callable

_TOC_RE = re.compile(r"^_MAIN_([0-9]+)\.toc$")


def latest_commit(folder: Path) -> int:
    """The number of the last Whoosh commit of the index in `folder`, as Whoosh's
    Index.latest_generation() says, read from the file names. -1 when there is none."""
    found = [int(m.group(1)) for name in os.listdir(folder) if (m := _TOC_RE.match(name))]
    return max(found, default=-1)


def commit_time(folder: Path) -> float:
    """When the last commit of the index in `folder` was written (its table of contents'
    time)."""
    return os.stat(Path(folder) / f"_MAIN_{latest_commit(folder)}.toc").st_mtime


def remove_part_tables(folder: Path, prefix: str, every_lock: bool = False) -> None:
    """Remove the tables of contents and locks of the indexes named `prefix`... in `folder`
    (their segments, committed into the main index, stay); `every_lock`: any index's."""
    for name in os.listdir(folder):
        if (name.startswith(f"_{prefix}") and name.endswith(".toc")
                or (every_lock or name.startswith(prefix)) and name.endswith("_WRITELOCK")):
            os.remove(Path(folder) / name)


def remove_parts(folder: Path, prefix: str) -> None:
    """Remove every file of the indexes named `prefix`... in `folder`: their segments,
    tables of contents and locks."""
    for name in os.listdir(folder):
        if name.startswith((prefix, f"_{prefix}")):
            os.remove(Path(folder) / name)


def _whoosh_checked() -> None:
    """Whoosh imported only when an index is read (not for the files' names), and then
    refused in a version whose private names this module was not written for."""
    import whoosh

    from indexer.engine.whooshfiles import check_version

    check_version(whoosh.__version__)


def segment_sizes(folder: Path) -> list[tuple[int, int]]:
    """(live, all) documents of each segment of the index in `folder`, in document order."""
    _whoosh_checked()
    from whoosh.filedb.filestore import FileStorage

    ix = FileStorage(str(folder), readonly=True).open_index()
    return [(seg.doc_count(), seg.doc_count_all()) for seg in ix._segments()]


def merge_into(source: Path, target: Path, plan: list[tuple[int, int]], codec: Callable,
               reference: bool = False) -> int:
    """Write the index in `source` into the empty folder `target`: each run (start, stop)
    of `plan` as one segment of its live documents, in order, every other segment as it
    is, hard-linked (segment files never change; deletions live in the table of contents).
    A run's postings are copied as arrays (merges.py); with `reference`, they go through
    Whoosh's own merge (a writer given the run's segment readers: add_reader, a Python
    step per posting), the plain reference the copy is tested against. Returns the number
    of segments written."""
    _whoosh_checked()
    from whoosh.filedb.filestore import FileStorage
    from whoosh.reading import SegmentReader

    from indexer.engine.whooshfiles.merges import copy_run

    old = FileStorage(str(source), readonly=True).open_index()
    schema, existing = old.schema, old._segments()
    storage = FileStorage(str(target))
    prefix = f"merge{secrets.token_hex(4)}"
    runs = dict(plan)
    final, i = [], 0
    while i < len(existing):
        stop = runs.get(i)
        if stop is None:
            segment = existing[i]
            for name in segment.list_files(old.storage):
                _link(Path(source) / name, Path(target) / name)
            final.append(segment)
            i += 1
            continue
        part = storage.create_index(schema, indexname=f"{prefix}n{i}")
        writer = part.writer(codec=codec(), compound=False)
        readers = [SegmentReader(old.storage, schema, segment) for segment in existing[i:stop]]
        try:
            if reference:
                for reader in readers:
                    writer.add_reader(reader)
            else:
                copy_run(writer, old.storage, existing[i:stop], readers)
            if writer.doc_count():
                writer.commit()
                final.append(writer.get_segment())
            else:  # nothing live in the run: it goes
                writer.cancel()
        finally:
            for reader in readers:
                reader.close()
        i = stop
    main = storage.create_index(schema)
    main.writer(codec=codec(), compound=False).commit(mergetype=lambda _w, _segments: final)
    remove_part_tables(target, prefix, every_lock=True)
    return len(final)


def _link(source: Path, target: Path) -> None:
    """A segment's file into another generation's folder: a hard link, or a copy."""
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copy2(source, target)
