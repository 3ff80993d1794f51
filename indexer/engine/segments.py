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
at 100,000 records 9 instead of 25), so past that size its chunks grow with the corpus.
Nothing is merged: a search reads each term's postings from each segment (see
postings.py), a few more reads per term.

How Whoosh names an index's files, and merges of segments, are whooshfiles/files.py's.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import threading
from pathlib import Path
from typing import Callable, Iterator

from whoosh.filedb.filestore import FileStorage

from indexer.engine import prepare
from indexer.analysis.segmentation import cuts
from indexer.analysis.terms import VOCABULARY
from indexer.engine.whooshfiles import files as whoosh_files

SEGMENT_BYTES = 24 * 2**20  # Markdown per segment: what bounds a worker's memory
PARALLEL_FROM = 2000  # records; below this, starting processes costs more than it saves
_IN_PROCESS = threading.Lock()  # builds in threads of one process write segments in turn


def chunks(files: list[tuple[str, int]], budget: int | None = None,
           workers: int = 1, most: int | None = None) -> list[list[str]]:
    """Consecutive runs of (name, size), in order, of at most about `budget` bytes each and
    as even as may be, their number a multiple of `workers` (so that all finish together)
    unless `most` caps it. At most `most` runs: then larger than `budget` (the merge policy's budget of segments
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
        self.cuts: dict = {}  # the Chinese cuts the segmenter made (analysis/segmentation.py)
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
        # The pool forks a worker per chunk from a thread of its own, while its result thread
        # unpickles a finished worker's segment, which imports Whoosh's codec on first use: a
        # worker forked then inherits that module's import lock held, and waits on it forever
        # (a full build of 30,000 records hung so). Making the codec here imports every
        # module a worker imports before the first fork, so no worker imports anything.
        self._tasks[0][3]()
        prepare.before_fork()
        # fork: the workers inherit the taxonomy and the schema instead of unpickling them;
        # a process per chunk, so that each worker's memory is given back when it is done
        with multiprocessing.get_context("fork").Pool(procs, maxtasksperchild=1) as pool:
            yield from self._collect(pool.imap(_write_segment, self._tasks))

    def _collect(self, done) -> Iterator:
        for results, segment, fresh in done:
            self.cuts.update(fresh)
            yield from results
            if segment is not None:
                self.segments.append(segment)

    def commit(self, writer, **kwargs) -> None:
        """Commit `writer` (of the main index) with the written segments added after the
        index's own, and remove the parts' own tables of contents."""
        segments = self.segments
        writer.commit(mergetype=lambda _writer, existing: list(existing) + segments, **kwargs)
        whoosh_files.remove_part_tables(self.folder, self.prefix)

    def discard(self) -> None:
        """Remove every file the workers wrote (a build that publishes nothing)."""
        whoosh_files.remove_parts(self.folder, self.prefix)


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
        fresh = cuts(prepare.schema()["body"].analyzer.dictionary).taken()
        if failed or not writer.doc_count():
            writer.cancel()
            return results, None, fresh
        writer.commit()
        return results, writer.get_segment(), fresh
    finally:
        VOCABULARY.reset()  # its terms were this segment's: give their memory back
