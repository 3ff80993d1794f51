"""The project's posting lists: narrow arrays, read without unpickling (the posting file's
layout: a record per term, read and written here).

Whoosh stays the index of record (its writer, segments and atomic commit) and its W3 codec
keeps the term dictionary, stored fields and columns (indexer/engine/whooshfiles/, the only
code that knows how Whoosh stores them). Only the postings differ: each term's list is one
record in the segment's posting file, a header and little-endian arrays

    "F2" | flags u8 | widths u8 | df, number of blocks, number of values (u16 each, or
    u32 each without the short-header flag) | [scalar f32] | ids[df] | [weights f32[df]] |
    block ids[nb] | [block max weight f32[nb]] | block min length[nb] | [counts[df]] |
    values[number of values]

where a block is 128 consecutive document numbers of the segment (what a top-k search
skips by; see evaluation.py) and the values are a text field's word positions, posting
after posting (counts: how many each posting has). Each integer array is as narrow as its
largest value allows (ids, positions, block ids and lengths 2 or 4 bytes, counts 1, 2 or
4: the `widths` byte, two bits each). The weights are stored only when nothing cheaper
gives them: a text field's are its counts times the field's boost (the scalar), a field
whose postings all weigh the same keeps that one weight (the scalar); a term in one block
has its block's largest weight computed, not stored. No per-posting varint decoding: a
reader gets a record with one or two `os.pread`s and `np.frombuffer`, and no shared file
position, so threads read in parallel. The first version's records ("FTZ1": uint32 ids,
float32 weights, the block arrays, uint32 value offsets in bytes and uint32 positions) are
still read, and still written by `ProjectCodec(compact=False)`, the plain reference the
compact records are tested against (tests/test_engine.py).
"""

from __future__ import annotations

import os
import struct

import numpy as np

from indexer.engine.runs import gather, merged, read_runs

MAGIC = b"F2"  # a compact record (this version writes these)
MAGIC_V1 = b"FTZ1"  # a record of plain 4-byte arrays (earlier versions; still read)
_HEADER_V1 = struct.Struct("<4sIII")  # magic, df, number of blocks, bytes of values
# The plain reference (PostingArrays.ranged False): up to this many postings' positions are
# read one pread each; more, the term's whole positions at once (a common word's are megabytes)
FEW_POSTINGS = 512
# Ranged reads: wanted postings whose values lie closer than this many bytes apart are read
# with one pread (the gap between them read and dropped); farther apart, a pread each
GAP = 8192
WHOLE_SHARE = 0.25  # past this share of the postings wanted (with those kept), read them all


class PostingArrays:
    """One term's postings in one segment: parallel arrays, and the values on demand.

    The values are a text field's word positions; whatever width they are stored in, they
    are handed out as uint32 (values(), positions()), as Whoosh's matchers expect them.
    positions() reads only the wanted postings' values, in runs (GAP), and keeps them for
    the next call (a search's phrases ask for the same words' positions more than once:
    together and near, the match and the scores); never the whole term's unless all of it
    is wanted."""

    ranged = True  # False: the plain reference (posting by posting, or the whole values)

    __slots__ = ("ids", "weights", "block_ids", "block_max", "block_minlen", "_fd",
                 "_values_at", "_ends", "_width", "_values", "_got")

    def __init__(self, ids, weights, block_ids, block_max, block_minlen, fd, values_at, ends,
                 width=4):
        self.ids, self.weights = ids, weights
        self.block_ids, self.block_max, self.block_minlen = block_ids, block_max, block_minlen
        # _ends: 0, then where each posting's values end, in values (not bytes)
        self._fd, self._values_at, self._ends, self._width = fd, values_at, ends, width
        self._values = None
        # read so far by positions(): (posting indexes, sorted; where each one's values
        # start in the values read; the values read, in the stored width)
        self._got = None

    def values(self) -> bytes:
        """All postings' values as uint32 bytes, concatenated (cut them with value_offsets())."""
        if self._values is None:
            count = int(self._ends[-1]) if len(self._ends) else 0
            raw = os.pread(self._fd, count * self._width, self._values_at) if count else b""
            self._values = raw if self._width == 4 else \
                np.frombuffer(raw, dtype=_UINT[self._width]).astype("<u4").tobytes()
        return self._values

    def value_offsets(self) -> np.ndarray:
        """Where each posting's values start in values(), in bytes, and the last ends."""
        return self._ends * 4

    def positions(self, indexes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(posting index, position) of every position of the given postings (by index in
        `ids`, ascending): only theirs read, in runs of postings close together, and kept."""
        kept = len(self._got[0]) if self._got is not None else 0
        if self.ranged and kept + len(indexes) > len(self.ids) * WHOLE_SHARE:  # read all once
            self.values()
        if not self.ranged or self._values is not None or not len(indexes):
            return self._positions_plain(indexes)
        self._read(indexes)
        have, starts, got = self._got
        counts = self._ends[indexes + 1] - self._ends[indexes]
        pos = gather(got, starts[np.searchsorted(have, indexes)], counts)
        return np.repeat(indexes, counts), pos.astype(np.int64)

    def _read(self, indexes: np.ndarray) -> None:
        """The values of the given postings not read before, added to _got."""
        if self._got is not None:
            have = self._got[0]
            at = np.minimum(np.searchsorted(have, indexes), len(have) - 1)
            indexes = indexes[have[at] != indexes]
        if not len(indexes):
            return
        miss = np.unique(indexes)
        s, e = self._ends[miss], self._ends[miss + 1]
        fresh = read_runs(self._fd, self._values_at, _UINT[self._width], self._width, s, e, GAP)
        fresh = (miss, np.cumsum(e - s) - (e - s), fresh)
        if self._got is None:
            self._got = fresh
            return
        have = self._got[0]
        self._got = merged(self._got, self._ends[have + 1] - self._ends[have], fresh, e - s)

    def _positions_plain(self, indexes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """positions(), read posting by posting when few are wanted, else whole and kept."""
        starts, ends = self._ends[indexes], self._ends[indexes + 1]
        width = self._width
        if self._values is None and len(indexes) <= FEW_POSTINGS:
            chunks = [np.frombuffer(os.pread(self._fd, int(e - s) * width,
                                             self._values_at + int(s) * width),
                                    dtype=_UINT[width]) for s, e in zip(starts, ends)]
            pos = np.concatenate(chunks) if chunks else np.zeros(0, dtype="<u4")
        else:
            pos = gather(np.frombuffer(self.values(), dtype="<u4"), starts, ends - starts)
        return np.repeat(indexes, ends - starts), pos.astype(np.int64)


_UINT = {1: "u1", 2: "<u2", 4: "<u4"}
_CODE_WIDTH = (0, 1, 2, 4)
# flags of a record's header (see the module's docstring)
_WEIGHTS_STORED, _WEIGHTS_FROM_COUNTS, _WEIGHTS_CONSTANT = 0, 1, 2
_SHORT_HEADER, _BLOCK_MAX_DERIVED = 4, 8
_READ_AHEAD = 512  # bytes read with the header: a rare term's whole record but its positions


def read_record(fd: int, offset: int, length: int) -> PostingArrays:
    """The posting record of `length` bytes at `offset` of the file `fd`, either layout."""
    head = os.pread(fd, min(length, _READ_AHEAD) if length else _READ_AHEAD, offset)
    if head[:2] == MAGIC:
        return _read_compact(fd, offset, head)
    magic, df, nb, values_size = _HEADER_V1.unpack_from(head)
    if magic != MAGIC_V1:
        raise ValueError("not a posting list of indexer.engine.postingfile (rebuild the index)")
    arrays_size = (2 * df + 3 * nb + (df + 1 if values_size else 0)) * 4
    data = os.pread(fd, arrays_size, offset + _HEADER_V1.size)
    at = 0

    def take(dtype, count):
        nonlocal at
        out = np.frombuffer(data, dtype=dtype, count=count, offset=at)
        at += count * 4
        return out

    ids, weights = take("<u4", df), take("<f4", df)
    block_ids, block_max, block_minlen = take("<u4", nb), take("<f4", nb), take("<u4", nb)
    ends = take("<u4", df + 1).astype(np.int64) // 4 if values_size else np.zeros(0, np.int64)
    return PostingArrays(ids, weights, block_ids, block_max, block_minlen, fd,
                         offset + _HEADER_V1.size + arrays_size, ends)


def _read_compact(fd: int, offset: int, head: bytes) -> PostingArrays:
    flags, widths = head[2], head[3]
    if flags & _SHORT_HEADER:
        df, nb, npos = struct.unpack_from("<HHH", head, 4)
        at = 10
    else:
        df, nb, npos = struct.unpack_from("<III", head, 4)
        at = 16
    mode = flags & 3
    scalar = None
    if mode != _WEIGHTS_STORED:
        (scalar,) = struct.unpack_from("<f", head, at)
        at += 4
    iw, cw, pw, bw = (_CODE_WIDTH[(widths >> shift) & 3] for shift in (0, 2, 4, 6))
    derived_max = flags & _BLOCK_MAX_DERIVED
    size = (df * iw + (4 * df if mode == _WEIGHTS_STORED else 0) + 2 * nb * bw
            + (0 if derived_max else 4 * nb) + df * cw)
    data = head if at + size <= len(head) else os.pread(fd, at + size, offset)

    def take(dtype, width, count):
        nonlocal at
        out = np.frombuffer(data, dtype=dtype, count=count, offset=at)
        at += count * width
        return out

    ids = take(_UINT[iw], iw, df).astype("<u4")
    weights = take("<f4", 4, df) if mode == _WEIGHTS_STORED else None
    block_ids = take(_UINT[bw], bw, nb).astype("<u4")
    block_max = None if derived_max else take("<f4", 4, nb)
    block_minlen = take(_UINT[bw], bw, nb).astype("<u4")
    if cw:
        counts = take(_UINT[cw], cw, df)
        ends = np.zeros(df + 1, dtype=np.int64)
        np.cumsum(counts, out=ends[1:])
    else:
        counts, ends = None, np.zeros(0, np.int64)
    if mode == _WEIGHTS_FROM_COUNTS:
        weights = counts.astype(np.float32)
        weights *= np.float32(scalar)
    elif mode == _WEIGHTS_CONSTANT:
        weights = np.full(df, scalar, dtype=np.float32)
    if derived_max:
        block_max = weights.max(keepdims=True) if df else np.zeros(0, np.float32)
    return PostingArrays(ids, weights, block_ids, block_max, block_minlen, fd, offset + at,
                         ends, pw or 4)


def _width_of(largest: np.ndarray, smallest: int = 1) -> np.ndarray:
    """The fewest bytes (1, 2 or 4, at least `smallest`) an unsigned value holds in."""
    return np.maximum(np.where(largest < 256, 1, np.where(largest < 65536, 2, 4)), smallest)


def _put(out: np.ndarray, at: np.ndarray, lengths: np.ndarray, data: np.ndarray,
         widths: np.ndarray | int) -> None:
    """Term t's elements of `data` (the terms' elements one term after another, `lengths[t]`
    each) written from byte `at[t]` of `out`, each in `widths[t]` bytes, little-endian
    (float32 data: 4 bytes)."""
    widths = np.broadcast_to(widths, lengths.shape)
    firsts = np.cumsum(lengths) - lengths
    for width in (1, 2, 4):
        chosen = (widths == width) & (lengths > 0)
        if not chosen.any():
            continue
        sub = data if chosen.all() else data[np.repeat(chosen, lengths)]
        raw = (sub.astype("<f4") if sub.dtype.kind == "f" else sub.astype(_UINT[width])).view(np.uint8)
        size = lengths[chosen] * width
        before = np.cumsum(size) - size
        out[np.repeat(at[chosen] - before, size) + np.arange(int(size.sum()))] = raw
    del firsts


_CHUNK = 1 << 24  # bytes of records assembled at a time (the index arrays are 8 per byte)


def posting_records(ids, weights, value_ends, values, term_first, runs, run_block,
                     doc_lengths, boost) -> tuple[list[bytes], np.ndarray]:
    """Every term's posting record (the layout in the module's docstring), in chunks to be
    written one after another, and where each record starts and the last ends, in bytes
    from the first. The parts of all terms' records are placed with array operations, each
    part of each term at its term's start plus the part's place in the record."""
    n = len(ids)
    term_end = np.r_[term_first[1:], n]
    df = term_end - term_first
    run_first = np.searchsorted(runs, term_first)  # a term's first run
    nb = np.diff(np.r_[run_first, len(runs)])
    before = np.r_[0, value_ends]  # values before each posting
    v0 = before[term_first]
    npos = before[term_end] - v0  # a term's values
    has_values = npos > 0
    counts = np.diff(before)  # each posting's number of values
    # how each term's weights are kept: computed from the counts of values and the field's
    # boost (a text field's: the weight is the number of words), one for all, or stored
    derived = np.float32(boost) * counts.astype(np.float32)
    from_counts = np.logical_and.reduceat(weights == derived, term_first) & has_values
    constant = np.maximum.reduceat(weights, term_first) == np.minimum.reduceat(weights, term_first)
    mode = np.where(from_counts, _WEIGHTS_FROM_COUNTS,
                    np.where(constant, _WEIGHTS_CONSTANT, _WEIGHTS_STORED))
    scalar = np.where(from_counts, np.float32(boost), weights[term_first]).astype(np.float32)
    block_max = np.maximum.reduceat(weights, runs) if len(runs) else np.zeros(0, np.float32)
    block_min = np.minimum.reduceat(doc_lengths, runs) if len(runs) else np.zeros(0, np.uint32)
    derived_max = nb == 1
    # widths
    iw = _width_of(np.maximum.reduceat(ids, term_first), 2)
    cw = np.where(has_values, _width_of(np.maximum.reduceat(counts, term_first)), 0)
    pw = np.zeros(len(df), dtype=np.int64)
    if has_values.any():
        vfirst = v0[has_values]
        pw[has_values] = _width_of(np.maximum.reduceat(values, vfirst), 2)
    bw = _width_of(np.maximum(np.maximum.reduceat(run_block, run_first),
                              np.maximum.reduceat(block_min, run_first)), 2)
    short = (df < 65536) & (nb < 65536) & (npos < 65536)
    hw = np.where(short, 2, 4)
    flags = mode | np.where(short, _SHORT_HEADER, 0) | np.where(derived_max, _BLOCK_MAX_DERIVED, 0)
    codes = np.array(_WIDTH_CODE_ARRAY)
    widths = codes[iw] | codes[cw] << 2 | codes[pw] << 4 | codes[bw] << 6
    # each part's size per term, and the record's
    stored = mode == _WEIGHTS_STORED
    parts = [4 + 3 * hw + np.where(stored, 0, 4), df * iw, np.where(stored, 4 * df, 0), nb * bw,
             np.where(derived_max, 0, 4 * nb), nb * bw, df * cw, npos * pw]
    size = sum(parts)
    start = np.cumsum(size) - size
    extents = np.r_[start, int(size.sum())]
    chunks = []
    t = 0
    while t < len(df):
        # terms [t, u): at most _CHUNK bytes (or one term)
        u = max(t + 1, int(np.searchsorted(extents, extents[t] + _CHUNK, side="right")) - 1)
        u = min(u, len(df))
        chunks.append(_records_of(t, u, extents, parts, df, nb, npos, hw, flags, widths, scalar,
                                  stored, ids, weights, term_first, run_block, block_max,
                                  block_min, runs, run_first, derived_max, counts, values,
                                  v0, iw, bw, cw, pw))
        t = u
    return chunks, extents


_WIDTH_CODE_ARRAY = [0, 1, 2, 0, 3]  # a width's code, by width


def _records_of(t, u, extents, parts, df, nb, npos, hw, flags, widths, scalar, stored, ids,
                weights, term_first, run_block, block_max, block_min, runs, run_first,
                derived_max, counts, values, v0, iw, bw, cw, pw) -> bytes:
    """The records of terms [t, u) (see posting_records)."""
    base = int(extents[t])
    out = np.zeros(int(extents[u]) - base, dtype=np.uint8)
    sl = slice(t, u)
    at = extents[t:u] - base
    one = np.ones(u - t, dtype=np.int64)
    out[at] = MAGIC[0]
    out[at + 1] = MAGIC[1]
    out[at + 2] = flags[sl]
    out[at + 3] = widths[sl]
    h = hw[sl]
    _put(out, at + 4, one, df[sl], h)
    _put(out, at + 4 + h, one, nb[sl], h)
    _put(out, at + 4 + 2 * h, one, npos[sl], h)
    _put(out, at + 4 + 3 * h, (~stored[sl]).astype(np.int64), scalar[sl][~stored[sl]], 4)
    at = at + parts[0][sl]
    p0, p1 = int(term_first[t]), int(term_first[u]) if u < len(df) else len(ids)
    _put(out, at, df[sl], ids[p0:p1], iw[sl])
    at = at + parts[1][sl]
    s = stored[sl]
    _put(out, at, np.where(s, df[sl], 0), weights[p0:p1][np.repeat(s, df[sl])], 4)
    at = at + parts[2][sl]
    r0 = int(run_first[t])
    r1 = int(run_first[u]) if u < len(df) else len(runs)
    _put(out, at, nb[sl], run_block[r0:r1], bw[sl])
    at = at + parts[3][sl]
    keep = ~derived_max[sl]
    _put(out, at, np.where(keep, nb[sl], 0), block_max[r0:r1][np.repeat(keep, nb[sl])], 4)
    at = at + parts[4][sl]
    _put(out, at, nb[sl], block_min[r0:r1], bw[sl])
    at = at + parts[5][sl]
    c = cw[sl] > 0
    _put(out, at, np.where(c, df[sl], 0), counts[p0:p1][np.repeat(c, df[sl])], cw[sl])
    at = at + parts[6][sl]
    q0 = int(v0[t])
    q1 = int(v0[u]) if u < len(df) else len(values)
    _put(out, at, npos[sl], values[q0:q1], pw[sl])
    return out.tobytes()


def plain_records(ids, weights, value_ends, values, term_first, runs, run_block,
                     doc_lengths) -> tuple[bytes, np.ndarray]:
    """Every term's posting record in the first version's layout (FTZ1: plain 4-byte arrays,
    see read_record), concatenated,
    and where each starts and the last ends, in bytes from the first. All parts are
    4-byte words, so the records are built as one array of words: each part of each term
    lands at its term's start plus its place in the part."""
    n = len(ids)
    term_end = np.r_[term_first[1:], n]
    df = term_end - term_first
    run_first = np.searchsorted(runs, term_first)  # a term's first run
    nb = np.diff(np.r_[run_first, len(runs)])
    before = np.r_[0, value_ends]  # words of values before each posting
    v0 = before[term_first]
    vw = before[term_end] - v0  # a term's values, in words
    has_values = vw > 0
    size = 4 + 2 * df + 3 * nb + np.where(has_values, df + 1 + vw, 0)
    start = np.cumsum(size) - size
    out = np.zeros(int(size.sum()), dtype="<u4")
    out[start] = np.frombuffer(MAGIC_V1, dtype="<u4")[0]
    out[start + 1], out[start + 2], out[start + 3] = df, nb, 4 * vw

    def place(first_word, lengths, data, firsts):
        """data[k] for k in [firsts[t], firsts[t] + lengths[t]) to first_word[t] + (k - firsts[t])"""
        if len(data):
            out[np.repeat(first_word - firsts, lengths) + np.arange(len(data))] = data

    place(start + 4, df, ids, term_first)
    place(start + 4 + df, df, weights.view("<u4"), term_first)
    base = start + 4 + 2 * df
    place(base, nb, run_block.astype("<u4"), run_first)
    place(base + nb, nb, np.maximum.reduceat(weights, runs).astype("<f4").view("<u4") if len(runs)
          else np.zeros(0, "<u4"), run_first)
    place(base + 2 * nb, nb, np.minimum.reduceat(doc_lengths, runs).astype("<u4") if len(runs)
          else np.zeros(0, "<u4"), run_first)
    if has_values.any():
        # offsets: 0, then where each posting's values end, counted from the term's first
        at = base + 3 * nb
        sel = np.repeat(has_values, df)
        ends = (value_ends - np.repeat(v0, df))[sel] * 4
        place(at[has_values] + 1, df[has_values], ends, np.r_[0, np.cumsum(df[has_values])[:-1]])
        place(at[has_values] + 1 + df[has_values], vw[has_values], values, v0[has_values])
    extents = np.r_[start, len(out)] * 4
    return out.tobytes(), extents


