"""A segment's term dictionary and posting records read as arrays, many terms at a time.

What a merge (merges.py) copies: the term table (compactterms.py's file) read whole, each
field's terms in order with where each term's posting record is, and a run of consecutive terms' posting records (the layout of
indexer/engine/postingfile.py) decoded together, with array operations, into flat arrays:
every posting's document, weight and number of values, and the values. No Python step per
posting, and per term only its text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import whoosh
from whoosh.codec.whoosh3 import W3Codec

from indexer.engine.postingfile import MAGIC, read_record
from indexer.engine.whooshfiles import check_version
from indexer.engine.whooshfiles.compactterms import FieldTermsTable, read_directory

check_version(whoosh.__version__)

_WIDTH = np.array([0, 1, 2, 4])  # a width code's bytes (postingfile.py's widths byte)
_UINT = {1: "u1", 2: "<u2", 4: "<u4"}
_STORED, _FROM_COUNTS = 0, 1  # a record's weights mode (the flags' low bits)
_SHORT, _DERIVED = 4, 8  # the flags of a short header and of a block max not stored


@dataclass
class FieldTerms:
    """One field's terms in one segment, in the order written (the writer's sort)."""

    texts: list[bytes]
    offsets: np.ndarray  # where each term's posting record starts in the posting file
    lengths: np.ndarray  # and its size in bytes


def read_terms(storage, segment) -> dict[str, FieldTerms]:
    """Every field's terms of the segment, by field name."""
    name = segment.make_filename(W3Codec.TERMS_EXT)
    with open(os.path.join(storage.folder, name), "rb") as fh:
        data = fh.read()
    extras, directory = read_directory(data)
    names = {number: fieldname for fieldname, number in extras["fieldmap"].items()}
    out = {}
    for fieldid, entry in sorted(directory.items()):
        terms = FieldTermsTable(data, *entry)
        starts = (entry[1] + terms.starts.astype(np.int64)).tolist()
        out[names[fieldid]] = FieldTerms([data[a:b] for a, b in zip(starts[:-1], starts[1:])],
                                         terms.column("offset"), terms.column("length"))
    return out


def _little(raw: np.ndarray, at: np.ndarray, width) -> np.ndarray:
    """Unsigned little-endian integers of `width` (one or per element) bytes at `at`."""
    width = np.broadcast_to(width, at.shape)
    out = np.zeros(len(at), dtype=np.int64)
    for i in range(4):
        more = width > i
        out[more] |= raw[at[more] + i].astype(np.int64) << (8 * i)
    return out


@dataclass
class Postings:
    """The postings of a run of terms, term after term, each term's by document."""

    df: np.ndarray  # postings per term
    ids: np.ndarray  # uint32
    weights: np.ndarray  # float32
    counts: np.ndarray  # values per posting (int64)
    values: np.ndarray  # uint32, posting after posting


def read_postings(fd: int, offsets: np.ndarray, lengths: np.ndarray) -> Postings:
    """The posting records at `offsets` (of `lengths` bytes, one after another) of the
    posting file `fd`, read with one `pread`."""
    if not len(offsets):
        empty = np.zeros(0, dtype=np.int64)
        return Postings(empty, empty.astype(np.uint32), empty.astype(np.float32), empty,
                        empty.astype(np.uint32))
    if (np.diff(offsets) < 0).any():  # not one after another (the field writer's are)
        return _read_one_by_one(fd, offsets, lengths)
    start = int(offsets[0])
    size = int(offsets[-1] + lengths[-1]) - start
    posts = np.frombuffer(os.pread(fd, size, start), dtype=np.uint8)
    if len(posts) != size:
        raise ValueError("a posting file shorter than its term table says")
    absolute, offsets = offsets, offsets - start
    if ((posts[offsets] != MAGIC[0]) | (posts[offsets + 1] != MAGIC[1])).any():
        return _read_one_by_one(fd, absolute, lengths)
    flags = posts[offsets + 2].astype(np.int64)
    codes = posts[offsets + 3].astype(np.int64)
    short = (flags & _SHORT) != 0
    head = np.where(short, 2, 4)
    df = _little(posts, offsets + 4, head)
    nb = _little(posts, offsets + 4 + head, head)
    npos = _little(posts, offsets + 4 + 2 * head, head)
    at = offsets + 4 + 3 * head
    mode = flags & 3
    scalar = np.zeros(len(offsets), dtype=np.float32)
    has_scalar = mode != _STORED
    scalar[has_scalar] = _little(posts, at[has_scalar], 4).astype("<u4").view("<f4")
    at = at + np.where(has_scalar, 4, 0)
    iw, cw, pw, bw = (_WIDTH[(codes >> shift) & 3] for shift in (0, 2, 4, 6))
    ids = _gather(posts, at, df, iw).astype(np.uint32)
    at = at + df * iw
    stored = mode == _STORED
    weights = _gather(posts, at, np.where(stored, df, 0), 4).astype("<u4").view("<f4")
    at = at + np.where(stored, 4 * df, 0)
    at = at + 2 * nb * bw + np.where(flags & _DERIVED, 0, 4 * nb)  # the block statistics
    counts = _gather(posts, at, np.where(cw > 0, df, 0), cw)
    at = at + df * cw
    values = _gather(posts, at, npos, pw).astype(np.uint32)
    # the weights as read_record gives them: counts times the scalar, the scalar, or stored
    per_posting = np.repeat(mode, df)
    out = np.empty(int(df.sum()), dtype=np.float32)
    out[per_posting == _STORED] = weights
    with_counts = per_posting == _FROM_COUNTS
    counts_all = np.zeros(len(out), dtype=np.int64)
    counts_all[np.repeat(cw > 0, df)] = counts
    out[with_counts] = counts_all[with_counts].astype(np.float32) * \
        np.repeat(scalar, df)[with_counts]
    constant = per_posting > _FROM_COUNTS
    out[constant] = np.repeat(scalar, df)[constant]
    return Postings(df, ids, out, counts_all, values)


def _gather(raw: np.ndarray, at: np.ndarray, lengths: np.ndarray, widths) -> np.ndarray:
    """Term t's `lengths[t]` unsigned little-endian integers of `widths[t]` bytes from byte
    `at[t]` of `raw`, all terms' one after another (int64)."""
    widths = np.broadcast_to(widths, lengths.shape)
    out = np.zeros(int(lengths.sum()), dtype=np.int64)
    firsts = np.cumsum(lengths) - lengths
    for width in (1, 2, 4):
        chosen = (widths == width) & (lengths > 0)
        if not chosen.any():
            continue
        count = lengths[chosen]
        size = count * width
        before = np.cumsum(size) - size
        data = raw[np.repeat(at[chosen] - before, size) + np.arange(int(size.sum()))]
        ends = np.cumsum(count)
        places = np.repeat(firsts[chosen] - (ends - count), count) + np.arange(int(ends[-1]))
        out[places] = data.view(_UINT[width])
    return out


def _read_one_by_one(fd: int, offsets: np.ndarray, lengths: np.ndarray) -> Postings:
    """Records of the first layout (FTZ1, see postingfile.py), or of both, or out of order:
    a term at a time."""
    records = [read_record(fd, o, n) for o, n in zip(offsets.tolist(), lengths.tolist())]
    df = np.array([len(r.ids) for r in records], dtype=np.int64)
    ends = [np.diff(r.value_offsets()) // 4 if len(r.value_offsets()) else
            np.zeros(len(r.ids), dtype=np.int64) for r in records]
    return Postings(df, np.concatenate([r.ids for r in records]).astype(np.uint32),
                    np.concatenate([r.weights for r in records]).astype(np.float32),
                    np.concatenate(ends).astype(np.int64),
                    np.frombuffer(b"".join(r.values() for r in records), dtype="<u4"))


def fixed_column(leaf, fieldname: str, width: int) -> bytes | None:
    """A segment's whole column of a FixedBytesColumn field, `width` bytes per document (a
    document after the last written one reads as zeros, as W3's reader fills it), in one
    read; None where the segment keeps it otherwise (no column: read it document by
    document). Reference: the column reader's value per document (tests/test_meaning.py)."""
    from whoosh.columns import FixedBytesColumn, TranslatingColumnReader

    if not leaf.has_column(fieldname):
        return None
    reader = leaf.column_reader(fieldname)
    if isinstance(reader, TranslatingColumnReader):
        reader = reader.raw_column()
    if not isinstance(reader, FixedBytesColumn.Reader) or reader._fixedlen != width \
            or any(reader._default):
        return None
    count = min(reader._count, reader._doccount)
    data = bytes(reader._dbfile.get(reader._basepos, count * width)) if count else b""
    return data + bytes((reader._doccount - count) * width)
