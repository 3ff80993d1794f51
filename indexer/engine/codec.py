"""The project's Whoosh codec: posting lists stored as narrow arrays, read without unpickling.

Whoosh stays the index of record (its writer, segments and atomic commit) and its W3 codec
keeps the term dictionary, stored fields and columns. Only the postings differ: each
term's list is one record in the segment's `.pst` file, a header and little-endian arrays

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
compact records are tested against (tests/test_engine.py). Each segment also has a `.wln`
file: every document's exact length, in words, of every scored field.

This module and postings.py are the postings layer: the only code that may know how
Whoosh stores anything (tests/test_layers.py enforces it). The Whoosh version is checked
here, against the range this code was written and tested for.
"""

from __future__ import annotations

import itertools
import os
import struct
import zlib
from array import array
from collections import defaultdict

import numpy as np
import whoosh
from whoosh.codec.whoosh3 import (W3Codec, W3FieldWriter, W3PerDocReader, W3PerDocWriter,
                                  W3TermInfo, W3TermsReader)
from whoosh.filedb.structfile import StructFile
from whoosh.formats import Positions, tokens
from whoosh.matching import ListMatcher
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length

from indexer.engine.terms import VOCABULARY

SUPPORTED_WHOOSH = ((2, 7, 5), (2, 8, 0))  # [from, to): the private names used below exist
if not SUPPORTED_WHOOSH[0] <= tuple(whoosh.__version__[:3]) < SUPPORTED_WHOOSH[1]:
    raise ImportError(f"indexer.engine.codec supports whoosh-reloaded {SUPPORTED_WHOOSH[0]} up to "
                      f"{SUPPORTED_WHOOSH[1]}, not {whoosh.__version__}: check the W3 names it uses")

BLOCK = 128  # documents per block of block-max statistics (a codec may say otherwise)
MAGIC = b"F2"  # a compact record (this version writes these)
MAGIC_V1 = b"FTZ1"  # a record of plain 4-byte arrays (earlier versions; still read)
_HEADER_V1 = struct.Struct("<4sIII")  # magic, df, number of blocks, bytes of values
LENGTHS_EXT = ".wln"
# Up to this many postings' positions are read one pread each; more, the term's whole
# positions at once (a common word's are megabytes: a serving worker's peak memory)
FEW_POSTINGS = 512


LOCAL_TERMS = 2**31  # a field writer's own term numbers start here (see _FieldWriter)
DOCUMENT_TERM = "\x00"  # the one pool entry a text field makes per document (see below)
_DOCUMENT_BTEXT = DOCUMENT_TERM.encode("utf-8")


class WordPositions(Positions):
    """A text field's postings of one document, handed to the writer as one entry.

    Whoosh's writer sorts every posting of a segment, a Python tuple each, before the
    codec sees them (most of a build's time at 10,000 records). This format gives it one
    entry per document and field instead, under DOCUMENT_TERM, whose value holds the
    document's terms (as numbers of terms.VOCABULARY), their counts and positions, as
    arrays (document_entry); the codec's field writer copies them and inverts them with
    numpy (_FieldWriter). The entry's frequency, which Whoosh sums into the field's
    length for BM25, is the number of words: the analyser's word pairs and Chinese
    sub-words are terms of their own (for phrases and partial Chinese words) but not words
    of the text, so their tokens carry `whole = False` and are not counted.

    A posting's value is its positions as uint32 bytes (decode_positions reads them); the
    field writer stores them narrower (see the module's docstring)."""

    def analysed(self, value: str, analyzer) -> "Analysed":
        """The value with its entry computed now (in a worker process; see prepare.py)."""
        out = Analysed(value)
        out.entries = list(self.word_values(value, analyzer))
        return out

    def word_values(self, value, analyzer, **kwargs):
        if isinstance(value, Analysed):
            yield from value.entries
            return
        stamp = VOCABULARY.stamp()  # what the numbers below are numbers of
        if isinstance(value, str) and hasattr(analyzer, "index_arrays"):
            terms, counts, positions, words = analyzer.index_arrays(value)  # no Token objects
        else:
            poses, counted = defaultdict(list), defaultdict(int)
            kwargs["positions"] = True
            for t in tokens(value, analyzer, kwargs):
                poses[t.text].append(t.pos)
                if getattr(t, "whole", True):
                    counted[t.text] += 1
            terms = np.fromiter(map(VOCABULARY.add, poses), dtype=np.uint32, count=len(poses))
            counts = np.fromiter(map(len, poses.values()), dtype=np.uint32, count=len(poses))
            positions = np.array(list(itertools.chain.from_iterable(poses.values())),
                                 dtype=np.uint32)
            words = np.array(list(counted.values()), dtype=np.uint32)
        if VOCABULARY.stamp() != stamp:
            raise RuntimeError("the term vocabulary was reset while a text was analysed")
        if not len(terms):
            return
        yield (DOCUMENT_TERM, int(words.sum()), self.field_boost,
               document_entry(terms, counts, positions, stamp))

    def encode(self, poslist):
        return array("I", poslist).tobytes()

    def decode_positions(self, valuestring):
        return np.frombuffer(valuestring, dtype="<u4").tolist()

    def decode_frequency(self, valuestring):
        return len(valuestring) // 4

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring) * self.field_boost


_ENTRY = struct.Struct("<III")  # process, vocabulary generation, number of terms


def document_entry(terms: np.ndarray, counts: np.ndarray, positions: np.ndarray,
                   stamp: tuple[int, int]) -> bytes:
    """A WordPositions entry: the terms, as numbers of terms.VOCABULARY (stamped with the
    process and generation they were given in, taken before the analysis), each term's
    number of positions, and the positions, term after term; all uint32."""
    return b"".join((_ENTRY.pack(*stamp, len(terms)),
                     terms.astype("<u4", copy=False).tobytes(),
                     counts.astype("<u4", copy=False).tobytes(),
                     positions.astype("<u4", copy=False).tobytes()))


def read_entry(blob: bytes) -> tuple[bytes, bytes, bytes]:
    """(terms, their counts, their positions) of an entry, as uint32 bytes each; refused
    when its numbers are not those of this process's vocabulary now."""
    pid, generation, count = _ENTRY.unpack_from(blob)
    if not VOCABULARY.current(pid, generation):
        raise RuntimeError("a document entry analysed in another process or before the "
                           "vocabulary was reset: its term numbers mean nothing here")
    at = _ENTRY.size
    return blob[at:at + 4 * count], blob[at + 4 * count:at + 8 * count], blob[at + 8 * count:]


class Analysed(str):
    """A text value whose index entries were computed already (WordPositions.analysed)."""

    entries: list


class PostingArrays:
    """One term's postings in one segment: parallel arrays, and the values on demand.

    The values are a text field's word positions; whatever width they are stored in, they
    are handed out as uint32 (values(), positions()), as Whoosh's matchers expect them."""

    __slots__ = ("ids", "weights", "block_ids", "block_max", "block_minlen", "_fd",
                 "_values_at", "_ends", "_width", "_values")

    def __init__(self, ids, weights, block_ids, block_max, block_minlen, fd, values_at, ends,
                 width=4):
        self.ids, self.weights = ids, weights
        self.block_ids, self.block_max, self.block_minlen = block_ids, block_max, block_minlen
        # _ends: 0, then where each posting's values end, in values (not bytes)
        self._fd, self._values_at, self._ends, self._width = fd, values_at, ends, width
        self._values = None

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
        `ids`): read whole when many are wanted, posting by posting when few."""
        starts, ends = self._ends[indexes], self._ends[indexes + 1]
        width = self._width
        if self._values is None and len(indexes) <= FEW_POSTINGS:
            chunks = [np.frombuffer(os.pread(self._fd, int(e - s) * width,
                                             self._values_at + int(s) * width),
                                    dtype=_UINT[width]) for s, e in zip(starts, ends)]
            pos = np.concatenate(chunks) if chunks else np.zeros(0, dtype="<u4")
        else:
            allpos = np.frombuffer(self.values(), dtype="<u4")
            counts = ends - starts
            first = np.repeat(np.cumsum(counts) - counts, counts)
            pos = allpos[np.repeat(starts, counts) + np.arange(int(counts.sum())) - first]
        return np.repeat(indexes, ends - starts), pos.astype(np.int64)


_UINT = {1: "u1", 2: "<u2", 4: "<u4"}
_WIDTH_CODE = {0: 0, 1: 1, 2: 2, 4: 3}
_CODE_WIDTH = (0, 1, 2, 4)
# flags of a record's header (see the module's docstring)
_WEIGHTS_STORED, _WEIGHTS_FROM_COUNTS, _WEIGHTS_CONSTANT = 0, 1, 2
_SHORT_HEADER, _BLOCK_MAX_DERIVED = 4, 8
_READ_AHEAD = 512  # bytes read with the header: a rare term's whole record but its positions


def read_postings(fd: int, offset: int, length: int) -> PostingArrays:
    if isinstance(length, tuple):  # how W3TermInfo reads it back
        length = length[0]
    head = os.pread(fd, min(length, _READ_AHEAD) if length else _READ_AHEAD, offset)
    if head[:2] == MAGIC:
        return _read_compact(fd, offset, head)
    magic, df, nb, values_size = _HEADER_V1.unpack_from(head)
    if magic != MAGIC_V1:
        raise ValueError("not a posting list of indexer.engine.codec (rebuild the index)")
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


class ArrayMatcher(ListMatcher):
    """Whoosh's matcher interface over one array posting list, for Whoosh's own uses
    (deleting by term, unique-field updates, spelling, queries it evaluates itself)."""

    def __init__(self, postings: PostingArrays, format_, term=None, scorer=None, terminfo=None):
        ListMatcher.__init__(self, postings.ids.tolist(), postings.weights.tolist(), None,
                             format_, scorer=scorer, term=term, terminfo=terminfo)
        self.postings = postings

    def value(self):
        offsets = self.postings.value_offsets()
        if not len(offsets):
            return b""
        i = self._i
        return self.postings.values()[offsets[i]:offsets[i + 1]]

    def copy(self):
        m = ArrayMatcher(self.postings, self._format, self._term, self._scorer, self._terminfo)
        m._i = self._i
        return m


class _PreadFile(StructFile):
    """A StructFile whose positioned reads (all that Whoosh's term tables use after
    opening) share no file position: threads look terms up in parallel."""

    def get(self, position, length):
        return os.pread(self.file.fileno(), length, position)


class ProjectCodec(W3Codec):
    """W3's term dictionary, columns and stored fields; array posting lists; exact lengths."""

    length_stats = False  # no per-posting length lookups: the writer has the lengths itself

    def __init__(self, block: int | None = None, compact: bool = True):
        W3Codec.__init__(self)
        self.block = block or BLOCK  # documents per block; kept with each segment
        # compact records (the default), or the first version's plain arrays (a reference)
        self.compact = compact

    def per_document_writer(self, storage, segment):
        return _LengthsWriter(self, storage, segment)

    def per_document_reader(self, storage, segment):
        return _LengthsReader(storage, segment)

    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors (unused by this project) stay W3's
            return W3Codec.postings_writer(self, dbfile, byteids)
        raise NotImplementedError("array posting lists are written by the field writer")

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        offset, length = terminfo.extent()
        postings = read_postings(dbfile.file.fileno(), offset, length)
        return ArrayMatcher(postings, format_, term=term, scorer=scorer, terminfo=terminfo)

    def terms_reader(self, storage, segment):
        tiname = segment.make_filename(self.TERMS_EXT)
        return W3TermsReader(self, _open_pread(storage, tiname), storage.file_length(tiname),
                             _open_pread(storage, segment.make_filename(self.POSTS_EXT)))

    @staticmethod
    def word_lengths(storage, segment) -> dict[str, np.ndarray]:
        """Every document's length in words, per scored field, of one segment."""
        return _read_lengths(storage, segment)


def _open_pread(storage, name):
    folder = getattr(storage, "folder", None)
    if folder is None:
        raise ValueError("indexer.engine.codec reads segments from a directory (FileStorage) only")
    return _PreadFile(open(os.path.join(folder, name), "rb"), name=name)


def _read_lengths(storage, segment) -> dict[str, np.ndarray]:
    name = segment.make_filename(LENGTHS_EXT)
    if not storage.file_exists(name):
        return {}
    with open(os.path.join(storage.folder, name), "rb") as fh:
        data = fh.read()
    (count,) = struct.unpack_from("<I", data, 0)
    names_size = struct.unpack_from("<I", data, 4)[0]
    names = data[8:8 + names_size].decode("utf-8").split("\n") if names_size else []
    at = 8 + names_size
    at += -at % 4
    out = {}
    for fieldname in names:
        out[fieldname] = np.frombuffer(data, dtype="<u4", count=count, offset=at)
        at += 4 * count
    return out


class _LengthsWriter(W3PerDocWriter):
    """W3's per-document writer that also keeps every document's exact field lengths."""

    def __init__(self, codec, storage, segment):
        W3PerDocWriter.__init__(self, codec, storage, segment)
        self._word_lengths: dict[str, array] = {}

    def add_field(self, fieldname, fieldobj, value, length):
        # W3's, without its column of one-byte lengths: this writer keeps them exact
        if value is not None:
            self._storedfields[fieldname] = value
        if length:
            self._fieldlengths[fieldname] += length
        if fieldobj.scorable:
            column = self._word_lengths.get(fieldname)
            if column is None:
                column = self._word_lengths[fieldname] = array("I")
            column.extend([0] * (self._docnum - len(column)))
            column.append(length)

    def close(self):
        count = self._doccount
        names = sorted(self._word_lengths)
        head = "\n".join(names).encode("utf-8")
        out = self._segment.create_file(self._storage, LENGTHS_EXT)
        out.write(struct.pack("<II", count, len(head)) + head + b"\0" * (-(8 + len(head)) % 4))
        for fieldname in names:
            column = self._word_lengths[fieldname]
            column.extend([0] * (count - len(column)))
            out.write(column.tobytes())
        out.close()
        W3PerDocWriter.close(self)


class _LengthsReader(W3PerDocReader):
    """W3's per-document reader answering lengths exactly (W3 keeps a byte per length)."""

    def __init__(self, storage, segment):
        W3PerDocReader.__init__(self, storage, segment)
        self._word_lengths = _read_lengths(storage, segment)

    def doc_field_length(self, docnum, fieldname, default=0):
        column = self._word_lengths.get(fieldname)
        if column is None or docnum >= len(column):
            return default
        return int(column[docnum])

    def min_field_length(self, fieldname):
        column = self._word_lengths.get(fieldname)
        return int(column.min()) if column is not None and len(column) else 0

    def max_field_length(self, fieldname):
        column = self._word_lengths.get(fieldname)
        return int(column.max()) if column is not None and len(column) else 0


class _FieldWriter(W3FieldWriter):
    """W3's term dictionary writer with array posting lists.

    A field's postings are gathered whole, as columns, and inverted and written at the end
    of the field: the sort by term, the block statistics and the term statistics take a
    few numpy passes instead of Python calls per posting. A text field's postings arrive
    as one entry per document (see WordPositions); those of other fields, and of segments
    being merged, one by one."""

    def __init__(self, codec, storage, segment):
        # W3FieldWriter's, with the term dictionary written by _TermTable
        self._codec, self._storage, self._segment = codec, storage, segment
        self._fieldname = self._fieldid = self._btext = self._fieldobj = self._format = None
        self._tindex = _TermTable(self._create_file(W3Codec.TERMS_EXT))
        self._fieldmap = self._tindex.extras["fieldmap"] = {}
        self._postfile = self._create_file(W3Codec.POSTS_EXT)
        self._postwriter = None
        self._infield = False
        self.is_closed = False
        self._lengths_cache = None

    def _lengths(self):
        if self._lengths_cache is None:  # written by the per-document writer, closed first
            self._lengths_cache = _read_lengths(self._storage, self._segment)
        return self._lengths_cache

    def start_field(self, fieldname, fieldobj):
        fmap = self._fieldmap
        self._fieldid = fmap.setdefault(fieldname, len(fmap))
        self._fieldname, self._fieldobj, self._format = fieldname, fieldobj, fieldobj.format
        self._infield = True
        # one entry per posting, in arrival order: term number (a string per posting would
        # be gigabytes), document, weight, value size in 4-byte words; the values
        # themselves as a list of buffers to join. A document entry's terms come numbered
        # by terms.VOCABULARY; a term added alone (other fields; merges) is numbered here,
        # from LOCAL_TERMS up, so that nothing but document entries depends on the
        # vocabulary
        self._keys = array("I")
        self._local: dict[str, int] = {}
        self._local_texts: list[str] = []
        self._generation = None  # the vocabulary's, when a document entry came
        self._docs, self._weights, self._words = array("I"), array("f"), array("I")
        self._buffers: list[bytes] = []
        self._term = None

    def start_term(self, btext):
        self._term = btext.decode("utf-8", "surrogateescape")

    def add(self, docnum, weight, vbytes, length):
        size = len(vbytes or b"")
        if size % 4:
            raise ValueError("indexer.engine.codec stores values of whole 4-byte words only")
        number = self._local.get(self._term)
        if number is None:
            number = self._local[self._term] = LOCAL_TERMS + len(self._local_texts)
            self._local_texts.append(self._term)
        self._keys.append(number)
        self._docs.append(docnum)
        self._weights.append(weight)
        self._words.append(size // 4)
        if vbytes:
            self._buffers.append(vbytes)

    def add_document_postings(self, docnum, weight, blob):
        """A WordPositions entry: all the postings of one document in this field (each
        term once), copied as bytes."""
        terms, counts, positions = read_entry(blob)
        self._generation = VOCABULARY.generation
        self._keys.frombytes(terms)
        self._docs.frombytes(np.full(len(terms) // 4, docnum, dtype=np.uint32).tobytes())
        weights = np.frombuffer(counts, dtype="<u4").astype(np.float32)
        if weight != 1.0:
            weights *= np.float32(weight)
        self._weights.frombytes(weights.tobytes())
        self._words.frombytes(counts)  # a position is one word
        self._buffers.append(positions)

    def finish_term(self):
        pass

    def finish_field(self):
        if not self._infield:
            raise Exception("Called finish_field before start_field")
        self._infield = False
        if self._keys:
            self._write_field()
        self._keys = self._docs = self._weights = self._words = self._buffers = None
        self._local = self._local_texts = None

    def add_postings(self, schema, lengths, items):
        # Whoosh's loop, without a length lookup and three method calls per posting
        lastfn = lasttext = None
        for fieldname, btext, docnum, weight, value in items:
            if fieldname != lastfn:
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                lastfn, lasttext = fieldname, None
            if docnum == -1:
                continue
            if btext == _DOCUMENT_BTEXT and isinstance(self._format, WordPositions):
                self.add_document_postings(docnum, weight, value)
                continue
            if btext != lasttext:
                self.start_term(btext)
                lasttext = btext
            self.add(docnum, weight, value, None)
        if lastfn is not None:
            self.finish_field()

    def _terms_in_order(self) -> tuple[list[str], np.ndarray]:
        """The field's distinct terms in order, and each posting's term's place among them."""
        if self._generation is not None and self._generation != VOCABULARY.generation:
            raise RuntimeError("the term vocabulary was reset while a segment was written")
        keys = np.frombuffer(self._keys, dtype=np.uint32).astype(np.int64)
        shared = len(VOCABULARY.texts)  # the local numbers follow the vocabulary's
        if shared >= LOCAL_TERMS:  # (and word pairs' keys hold two numbers of 32 bits)
            raise RuntimeError("more distinct terms in one segment than term numbers")
        keys[keys >= LOCAL_TERMS] += shared - LOCAL_TERMS
        present = np.zeros(shared + len(self._local_texts), dtype=bool)
        present[keys] = True
        numbers = np.flatnonzero(present)  # the field's terms' numbers, ascending
        del present
        split = int(np.searchsorted(numbers, shared))
        texts = list(map(VOCABULARY.texts.__getitem__, numbers[:split].tolist()))
        texts += map(self._local_texts.__getitem__, (numbers[split:] - shared).tolist())
        by_text = sorted(range(len(texts)), key=texts.__getitem__)
        vocabulary = [texts[i] for i in by_text]
        place = np.arange(len(by_text))
        if split and split < len(numbers):  # a term may be in both: one place for both
            new = np.ones(len(vocabulary), dtype=bool)
            new[1:] = [a != b for a, b in zip(vocabulary, vocabulary[1:])]
            place = np.cumsum(new) - 1
            vocabulary = [v for v, first in zip(vocabulary, new.tolist()) if first]
        rank = np.empty(int(numbers[-1]) + 1, dtype=np.int64)
        rank[numbers[by_text]] = place
        return vocabulary, rank[keys]

    def _write_field(self):
        """Invert the field's postings and write them, and their terms, with array
        operations: a Python step per term cost most of a build (millions of word pairs)."""
        block = self._codec.block
        # invert: postings by term (in the byte order of their UTF-8), then by document
        vocabulary, term_of = self._terms_in_order()
        docs = np.frombuffer(self._docs, dtype=np.uint32)
        # by term, then document: one sort of one key (a lexsort of two took three times as long)
        order = np.argsort(term_of * (int(docs.max()) + 1) + docs)
        ids = docs[order]
        sorted_terms = term_of[order]
        del term_of
        weights = np.frombuffer(self._weights, dtype=np.float32)[order]
        # the values (positions, 4-byte words) in the new order
        words = np.frombuffer(self._words, dtype=np.uint32).astype(np.int64)
        values = np.frombuffer(b"".join(self._buffers), dtype="<u4")
        self._buffers = None
        old_starts = np.cumsum(words) - words
        words = words[order]
        value_ends = np.cumsum(words)  # in words, per posting in the new order
        if len(values):
            values = values[np.repeat(old_starts[order] - (value_ends - words), words)
                            + np.arange(int(value_ends[-1]))]
        del old_starts, order
        term_first = np.flatnonzero(np.r_[True, sorted_terms[1:] != sorted_terms[:-1]])
        terms = [vocabulary[t].encode("utf-8", "surrogateescape")
                 for t in sorted_terms[term_first].tolist()]
        del vocabulary, sorted_terms
        lengths = self._lengths().get(self._fieldname)
        doc_lengths = lengths[ids] if lengths is not None else np.zeros(len(ids), dtype=np.uint32)
        # one run per (term, block): a run starts where a term starts or the block changes
        blocks = (ids // block).astype(np.int64)
        new = np.ones(len(ids), dtype=bool)
        new[1:] = blocks[1:] != blocks[:-1]
        new[term_first] = True
        runs = np.flatnonzero(new)
        del new
        offset = self._postfile.tell()
        if getattr(self._codec, "compact", True):
            chunks, extents = _posting_records(ids, weights, value_ends, values, term_first,
                                               runs, blocks[runs], doc_lengths,
                                               self._format.field_boost)
        else:  # the plain reference (tests/test_engine.py)
            plain, extents = _plain_records(ids, weights, value_ends, values, term_first, runs,
                                            blocks[runs], doc_lengths)
            chunks = [plain]
        for chunk in chunks:
            self._postfile.write(chunk)
        del chunks, values
        infos = np.zeros(len(terms), dtype=_TERM_INFO)
        infos["weight"] = np.add.reduceat(weights.astype(np.float64), term_first)
        infos["df"] = np.diff(np.r_[term_first, len(ids)])
        infos["minlen"] = _length_bytes(np.minimum.reduceat(doc_lengths, term_first))
        infos["maxlen"] = _length_bytes(np.maximum.reduceat(doc_lengths, term_first))
        infos["maxweight"] = np.maximum.reduceat(weights, term_first)
        infos["minid"] = ids[term_first]
        infos["maxid"] = ids[np.r_[term_first[1:], len(ids)] - 1]
        infos["offset"] = offset + extents[:-1]
        infos["length"] = np.diff(extents)
        self._tindex.add_field(self._fieldid, terms, infos)


# W3's term information, as W3TermInfo.to_bytes writes it for postings that are not inlined
_TERM_INFO = np.dtype([("flags", "u1"), ("weight", ">f4"), ("df", ">u4"), ("minlen", "u1"),
                       ("maxlen", "u1"), ("maxweight", ">f4"), ("minid", ">u4"),
                       ("maxid", ">u4"), ("offset", ">i8"), ("length", ">i4")])
assert _TERM_INFO.itemsize == W3TermInfo._struct.size + 12
_LENGTH_BYTES = np.array([byte_to_length(i) for i in range(256)], dtype=np.int64)


def _length_bytes(lengths: np.ndarray) -> np.ndarray:
    """Whoosh's one-byte length codes (whoosh.util.numeric.length_to_byte), for arrays."""
    return np.minimum(np.searchsorted(_LENGTH_BYTES, lengths, side="left"), 255).astype(np.uint8)


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


def _posting_records(ids, weights, value_ends, values, term_first, runs, run_block,
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
    """The records of terms [t, u) (see _posting_records)."""
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


def _plain_records(ids, weights, value_ends, values, term_first, runs, run_block,
                     doc_lengths) -> tuple[bytes, np.ndarray]:
    """Every term's posting record in the first version's layout (FTZ1: plain 4-byte arrays,
    see read_postings), concatenated,
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


class _TermTable:
    """The segment's term dictionary in the file format of Whoosh's OrderedHashWriter
    (read back by W3TermsReader: hashed lookups, ordered iteration), written a field at a
    time with array operations. Keys are the field number and the term's bytes; values
    W3TermInfo's bytes. The hash is CRC-32 (the format's hash type 1, which the reader
    takes from the file's header), computed in C per key."""

    def __init__(self, dbfile):
        self.dbfile = dbfile
        self.extras = {}
        dbfile.write(b"HSH3" + bytes([_CRC32]) + struct.pack("!ii", 0, 0))
        self._positions, self._hashes = [], []

    def add_field(self, fieldid: int, terms: list[bytes], infos: np.ndarray) -> None:
        if not terms:
            return
        prefix = pack_ushort(fieldid)
        keys = [prefix + t for t in terms]
        key_len = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
        size = 8 + key_len + infos.itemsize
        start = np.cumsum(size) - size
        out = np.empty(int(size.sum()), dtype=np.uint8)
        lens = np.empty(len(keys), dtype=[("k", ">i4"), ("v", ">i4")])
        lens["k"], lens["v"] = key_len, infos.itemsize
        out[(start[:, None] + np.arange(8)).ravel()] = lens.view(np.uint8)
        key_bytes = np.frombuffer(b"".join(keys), dtype=np.uint8)
        key_first = np.cumsum(key_len) - key_len
        out[np.repeat(start + 8 - key_first, key_len) + np.arange(len(key_bytes))] = key_bytes
        out[((start + 8 + key_len)[:, None] + np.arange(infos.itemsize)).ravel()] = \
            infos.view(np.uint8)
        position = self.dbfile.tell()
        self.dbfile.write(out.tobytes())
        self._positions.append(position + start)
        self._hashes.append(np.fromiter(map(zlib.crc32, keys), dtype=np.int64, count=len(keys)))

    def close(self):
        dbfile = self.dbfile
        positions = np.concatenate(self._positions) if self._positions else np.zeros(0, np.int64)
        hashes = np.concatenate(self._hashes) if self._hashes else np.zeros(0, np.int64)
        directory = []
        bucket_of = hashes & 255
        for bucket in range(256):
            chosen = np.flatnonzero(bucket_of == bucket)
            slots = 2 * len(chosen)
            directory.append((dbfile.tell(), slots))
            if not slots:
                continue
            table = np.zeros(slots, dtype=[("hash", ">u4"), ("pos", ">i8")])
            where = hash_slots((hashes[chosen] >> 8) % slots, slots)
            table["hash"][where], table["pos"][where] = hashes[chosen], positions[chosen]
            dbfile.write(table.tobytes())
        for position, slots in directory:
            dbfile.write(struct.pack("!qi", position, slots))
        expos = dbfile.tell()
        count = len(positions)
        top = int(positions.max()) if count else 0
        typecode, dtype = next((c, d) for limit, c, d in _INDEX_TYPES if top < limit)
        self.extras["indextype"], self.extras["indexlen"] = typecode, count
        dbfile.write_pickle(self.extras)
        dbfile.write(positions.astype(dtype).tobytes())
        dbfile.write(struct.pack("!i", dbfile.tell() - expos))
        dbfile.close()


_CRC32 = 1  # whoosh.filedb.filetables: hash types 0 MD5, 1 CRC-32, 2 CDB
# the array type Whoosh's GrowableArray would choose for the largest position (big-endian)
_INDEX_TYPES = ((2**16, "H", ">u2"), (2**31, "i", ">i4"), (2**32, "I", ">u4"), (2**63, "q", ">i8"))


def hash_slots(home: np.ndarray, slots: int) -> np.ndarray:
    """Slots of an open-addressing table with linear probing for keys whose home slots are
    `home`: a key sits at its home slot or after it (wrapping around) with no empty slot in
    between, which is what the reader's probing needs. Keys in order of their home slots,
    each at the first free slot from its home: slot = i + max over j <= i of (home_j - j);
    those pushed past the end take the first free slots from the start."""
    order = np.argsort(home, kind="stable")
    ranked = home[order]
    i = np.arange(len(ranked))
    placed = i + np.maximum.accumulate(ranked - i)
    over = placed >= slots
    if over.any():
        taken = np.zeros(slots, dtype=bool)
        taken[placed[~over]] = True
        placed[over] = np.flatnonzero(~taken)[:int(over.sum())]
    out = np.empty(len(home), dtype=np.int64)
    out[order] = placed
    return out
