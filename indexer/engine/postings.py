"""Postings of one opened index generation as arrays over global document numbers.

What the evaluation above it sees of an index is terms' posting arrays (ids, frequencies,
block statistics, positions on demand), field lengths, the live documents, term
expansions and stored records, through Whoosh's public reader and the codec of
whooshfiles/. Everything here is
safe to call from many threads at once: posting lists and term tables are read with
`os.pread`, and the only Whoosh structures with a shared file position (stored fields,
spelling) are used under a lock.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
from dataclasses import dataclass

import numpy as np
from whoosh.reading import TermNotFound

from indexer.engine.whooshfiles.codec import ProjectCodec, open_postings, read_postings
from indexer.engine.whooshfiles.segmentarrays import fixed_column


@dataclass
class TermPostings:
    """One term across all segments: sorted global ids of live documents and their tf;
    block statistics over global blocks (see Postings.block_of); positions on demand."""

    ids: np.ndarray         # int64, sorted
    tf: np.ndarray          # float32
    block_ids: np.ndarray   # int64, global block numbers holding the term
    block_max: np.ndarray   # float32, largest tf in the block
    block_minlen: np.ndarray  # uint32, shortest field length among the block's postings
    _parts: list            # (PostingArrays, segment offset, segment document count)

    @property
    def df(self) -> int:
        return len(self.ids)

    def positions(self, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(global docnum, position) of every position of the term in the `wanted`
        documents (sorted global docnums)."""
        docs, poses = [], []
        for arrays, offset, count in self._parts:
            lo, hi = np.searchsorted(wanted, (offset, offset + count)).tolist()
            if lo == hi:
                continue
            local = wanted[lo:hi] - offset
            idx = np.searchsorted(arrays.ids, local)  # where each would stand, held or not
            idx = idx[idx < len(arrays.ids)]  # (local is sorted: only its end is dropped)
            idx = idx[arrays.ids[idx] == local[:len(idx)]]
            if len(idx):
                which, pos = arrays.positions(idx)
                docs.append(arrays.ids[which].astype(np.int64) + offset)
                poses.append(pos)
        if not docs:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(docs), np.concatenate(poses)


_EMPTY = TermPostings(np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, np.int64),
                      np.zeros(0, np.float32), np.zeros(0, np.uint32), [])


class Postings:
    """An opened index generation, seen as arrays; closes what it opened with close()."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = reader = searcher.reader()
        self.schema = reader.schema
        self._lock = threading.Lock()  # for Whoosh objects with a shared file position
        leaves = [(reader, 0)] if reader.is_atomic() else list(reader.leaf_readers())
        self._segments = []
        self._deletions = set()  # the offsets of the segments with deleted documents
        self._fds = []
        block_starts = []
        block_base = 0
        self.n = sum(leaf.doc_count_all() for leaf, _ in leaves)
        self.live = np.zeros(self.n, dtype=bool)
        self.lengths: dict[str, np.ndarray] = {}
        lengths = []
        for leaf, offset in leaves:
            count = leaf.doc_count_all()
            segment, storage = leaf.segment(), leaf.storage()
            fd = open_postings(storage, segment)
            self._fds.append(fd)
            self._segments.append((leaf, offset, count, fd, block_base))
            block = leaf.codec().block
            block_starts.extend(range(offset, offset + count, block))
            block_base += -(-count // block)
            live = np.ones(count, dtype=bool)
            if leaf.has_deletions():
                live[:] = False
                live[np.fromiter(leaf.all_doc_ids(), dtype=np.int64)] = True
            self.live[offset:offset + count] = live
            if not live.all():
                self._deletions.add(offset)
            lengths.append((offset, count, ProjectCodec.word_lengths(storage, segment)))
            if count:  # open the stored fields now: a later build may remove the generation
                leaf.stored_fields(0)
        for fieldname in {f for _, _, found in lengths for f in found}:
            column = np.zeros(self.n, dtype=np.float64)
            for offset, count, found in lengths:
                if fieldname in found:
                    column[offset:offset + count] = found[fieldname]
            self.lengths[fieldname] = column
        # documents [block_starts[g], block_starts[g + 1]) form global block g
        self.block_starts = np.asarray(block_starts + [self.n], dtype=np.int64)
        self.blocks = len(block_starts)

    def close(self) -> None:
        """Close the files; again, it does nothing (the facade and a finalizer may both)."""
        with self._lock:
            fds, self._fds = self._fds, None
            if fds is None:
                return
            for fd in fds:
                os.close(fd)
            self.searcher.close()

    def to_bytes(self, fieldname: str, text) -> bytes:
        return self.schema[fieldname].to_bytes(text) if isinstance(text, str) else text

    def term(self, fieldname: str, text) -> TermPostings:
        """The live postings of one term; an empty list when no segment has it."""
        btext = self.to_bytes(fieldname, text)
        ids, tfs, bids, bmax, bmin, parts = [], [], [], [], [], []
        for leaf, offset, count, fd, block_base in self._segments:
            try:
                info = leaf.term_info(fieldname, btext)
            except TermNotFound:
                continue
            arrays = read_postings(fd, *info.extent())
            found = arrays.ids.astype(np.int64) + offset
            if offset in self._deletions:  # else every posting is of a live document
                keep = self.live[found]
                found = found[keep]
                tfs.append(arrays.weights[keep])
            else:
                tfs.append(arrays.weights)
            ids.append(found)
            bids.append(arrays.block_ids.astype(np.int64) + block_base)
            bmax.append(arrays.block_max)
            bmin.append(arrays.block_minlen)
            parts.append((arrays, offset, count))
        if not parts:
            return _EMPTY
        if len(parts) == 1:
            return TermPostings(ids[0], tfs[0], bids[0], bmax[0], bmin[0], parts)
        return TermPostings(np.concatenate(ids), np.concatenate(tfs), np.concatenate(bids),
                            np.concatenate(bmax), np.concatenate(bmin), parts)

    def doc_frequency(self, fieldname: str, text) -> int:
        """Documents holding the term, deleted ones included (cheap: no posting is read)."""
        return self.reader.doc_frequency(fieldname, self.to_bytes(fieldname, text))

    def expand(self, query, cap: int) -> list[bytes]:
        """The first `cap` terms a prefix or wildcard query stands for."""
        return [t for _f, t in itertools.islice(query.expanded_terms(self.reader), cap)]

    def column(self, fieldname: str) -> list:
        """A sortable field's value for every document number. Segment by segment:
        Whoosh's column over several segments skips those without the column (the
        taxonomy document's), which shifts every document after them."""
        with self._lock:
            out = []
            for leaf, _offset, count, _fd, _block_base in self._segments:
                column = leaf.column_reader(fieldname)  # a default where it has none
                out.extend(column[d] for d in range(count))
            return out

    def fixed_column(self, fieldname: str, width: int) -> np.ndarray:
        """A fixed-width bytes column of every document, `width` bytes each (n x width
        uint8): each segment's read whole where it can be (segmentarrays.fixed_column),
        else document by document, as column() reads it."""
        with self._lock:
            parts = []
            for leaf, _offset, count, _fd, _block_base in self._segments:
                whole = fixed_column(leaf, fieldname, width)
                if whole is None:
                    column = leaf.column_reader(fieldname)
                    whole = b"".join(column[d] for d in range(count))
                parts.append(whole)
        return np.frombuffer(b"".join(parts), dtype=np.uint8).reshape(self.n, width)

    def stored(self, docnum: int) -> dict:
        with self._lock:
            return self.searcher.stored_fields(docnum)

    def record(self, docnum: int) -> dict:
        return json.loads(self.stored(docnum)["record"])

    def docnum(self, fieldname: str, text) -> int | None:
        """The live document holding a unique term (an id), if any."""
        ids = self.term(fieldname, text).ids
        return int(ids[0]) if len(ids) else None

    def existing_terms(self, query) -> set:
        """(field, text) of the query's terms present in the index, phrases and prefixes
        expanded (for highlighting)."""
        return set(query.existing_terms(self.reader, phrases=True, expand=True))

    def corrector(self, fieldname: str):
        """Whoosh's spelling corrector over a field, used under the lock."""
        return _LockedCorrector(self.searcher.corrector(fieldname), self._lock)


class _LockedCorrector:
    def __init__(self, corrector, lock):
        self._corrector, self._lock = corrector, lock

    def suggest(self, text, limit=5, maxdist=2, prefix=0):
        with self._lock:
            return self._corrector.suggest(text, limit=limit, maxdist=maxdist, prefix=prefix)
