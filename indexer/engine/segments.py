"""Many records into the index as several segments, each written by a worker process.

A single Whoosh writer inverts every posting of what it was given in one process when it
commits: at 100,000 records that was one core for most of the build and up to 20 GB of
memory. Here the records are cut into chunks of about SEGMENT_BYTES of Markdown; a worker
process reads, checks and analyses a chunk's records (prepare.py) and writes them as one
segment of its own, in a Whoosh index of its own name in the same folder (so that no two
writers share a lock or a table of contents); then the build commits all the segments into
the main index at once, through Whoosh's public commit(mergetype=...). The memory of a
worker is bounded by its chunk, and the workers use every core. A full build writes no
more segments than the merge policy leaves room for (merging.py's full_build_segments:
at 100,000 records 9 instead of 25), so past that size its chunks grow with the corpus. Nothing is merged: a search reads each term's postings from each segment (see
postings.py), a few more reads per term.

With postings.py and codec.py this is the postings layer: it knows how Whoosh names and
lists segments (tests/test_layers.py).
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import shutil
import threading
from pathlib import Path
from typing import Callable, Iterator

from whoosh.filedb.filestore import FileStorage

from indexer.engine import prepare
from indexer.engine.terms import VOCABULARY

SEGMENT_BYTES = 24 * 2**20  # Markdown per segment: what bounds a worker's memory
PARALLEL_FROM = 2000  # records; below this, starting processes costs more than it saves
_IN_PROCESS = threading.Lock()  # builds in threads of one process write segments in turn


def chunks(files: list[tuple[str, int]], budget: int | None = None,
           workers: int = 1, most: int | None = None) -> list[list[str]]:
    """Consecutive runs of (name, size), in order, of at most about `budget` bytes each and
    as even as may be, their number a multiple of `workers` (so that all finish together).
    At most `most` runs: then larger than `budget` (the merge policy's budget of segments
    outweighs a worker's memory: merging.TieredMergePolicy.full_build_segments)."""
    total = sum(size for _, size in files)
    count = max(1, -(-total // (budget or SEGMENT_BYTES)))
    count = -(-count // workers) * workers if len(files) >= workers else 1
    if most is not None:
        count = min(count, most)  # the policy's cap before the workers' even share
    share = total / count
    out, current, held = [], [], 0
    for name, size in files:
        if current and held + size / 2 > share * (len(out) + 1) and len(out) < count - 1:
            out.append(current)
            current = []
        current.append(name)
        held += size
    if current:
        out.append(current)
    return out


class SegmentWriters:
    """Write the records `files` ((name, size), in order) of the measures folder `root` as
    segments in `folder`, in parallel when there are many. Iterate over records() for each
    record's (name, facts or None, problems) in order; then `segments` holds the written
    segments, in order, for commit(). After the first problem a worker only checks records:
    with any problem nothing is committed, and discard() removes what was written.
    `most`: at most that many segments (see chunks())."""

    def __init__(self, folder: Path, files: list[tuple[str, int]], root: Path, taxonomy,
                 schema, codec: Callable, budget: int | None = None, most: int | None = None):
        self.folder = Path(folder)
        self.prefix = f"part{secrets.token_hex(4)}"  # never the name of an earlier build's parts
        self.segments: list = []
        self._procs = min(os.cpu_count() or 1, 8) if len(files) >= PARALLEL_FROM else 1
        self._tasks = [(self.folder, f"{self.prefix}n{i}", names, codec)
                       for i, names in enumerate(chunks(files, budget, self._procs, most))]
        self._parallel = self._procs > 1 and len(self._tasks) > 1
        prepare.set_up(root, taxonomy, schema)

    def records(self) -> Iterator[tuple[str, tuple | None, list]]:
        if not self._parallel:
            with _IN_PROCESS:  # one vocabulary per process (terms.py): one segment at a time
                done = list(map(_write_segment, self._tasks))  # the lock is not held by a yield
            yield from self._collect(done)
            return
        procs = min(self._procs, len(self._tasks))
        # fork: the workers inherit the taxonomy and the schema instead of unpickling them;
        # a process per chunk, so that each worker's memory is given back when it is done
        with multiprocessing.get_context("fork").Pool(procs, maxtasksperchild=1) as pool:
            yield from self._collect(pool.imap(_write_segment, self._tasks))

    def _collect(self, done) -> Iterator:
        for results, segment in done:
            yield from results
            if segment is not None:
                self.segments.append(segment)

    def commit(self, writer, **kwargs) -> None:
        """Commit `writer` (of the main index) with the written segments added after the
        index's own, and remove the parts' own tables of contents."""
        segments = self.segments
        writer.commit(mergetype=lambda _writer, existing: list(existing) + segments, **kwargs)
        for name in os.listdir(self.folder):  # the parts' tables of contents and locks
            if (name.startswith(f"_{self.prefix}") and name.endswith(".toc")
                    or name.startswith(self.prefix) and name.endswith("_WRITELOCK")):
                os.remove(self.folder / name)

    def discard(self) -> None:
        """Remove every file the workers wrote (a build that publishes nothing)."""
        for name in os.listdir(self.folder):
            if name.startswith((self.prefix, f"_{self.prefix}")):
                os.remove(self.folder / name)


def _write_segment(task):
    """A worker: one chunk of records, read, checked and analysed, as one segment."""
    folder, indexname, names, codec = task
    VOCABULARY.reset()  # this segment's terms only (terms.py)
    storage = FileStorage(str(folder))
    ix = storage.create_index(prepare.schema(), indexname=indexname)
    writer = ix.writer(codec=codec(), compound=False, limitmb=1024)  # no spill to disk
    results, failed = [], False
    try:
        for name in names:
            facts, document, problems = prepare.prepare_one(name)
            results.append((name, facts, problems))
            failed = failed or bool(problems)
            if facts is not None and not failed:
                writer.add_document(**document)
        if failed or not writer.doc_count():
            writer.cancel()
            return results, None
        writer.commit()
        return results, writer.get_segment()
    finally:
        VOCABULARY.reset()  # its terms were this segment's: give their memory back


# -- merges (the policy and the publishing are merging.py's) --------------------------

def segment_sizes(folder: Path) -> list[tuple[int, int]]:
    """(live, all) documents of each segment of the index in `folder`, in document order."""
    ix = FileStorage(str(folder), readonly=True).open_index()
    return [(seg.doc_count(), seg.doc_count_all()) for seg in ix._segments()]


def merge_into(source: Path, target: Path, plan: list[tuple[int, int]], codec: Callable) -> int:
    """Write the index in `source` into the empty folder `target`: each run (start, stop)
    of `plan` as one segment of its live documents, in order (a Whoosh merge: a writer
    given the run's segment readers), every other segment as it is, hard-linked (segment
    files never change; deletions live in the table of contents). Returns the number of
    segments written."""
    from whoosh.reading import SegmentReader

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
            for reader in readers:
                writer.add_reader(reader)
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
    for name in os.listdir(target):  # the parts' own tables of contents and locks
        if name.startswith(f"_{prefix}") and name.endswith(".toc") or name.endswith("_WRITELOCK"):
            os.remove(Path(target) / name)
    return len(final)


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copy2(source, target)
