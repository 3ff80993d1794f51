"""The project's Whoosh codec: posting lists stored as plain arrays, read without unpickling.

Whoosh stays the index of record (its writer, segments and atomic commit) and its W3 codec
keeps the term dictionary, stored fields and columns. Only the postings differ: each
term's list is one record in the segment's `.pst` file, a header and little-endian arrays

    ids uint32[df] | weights float32[df] | block ids uint32[nb] | block max weight
    float32[nb] | block min length uint32[nb] | value offsets uint32[df + 1] | values

where a block is 128 consecutive document numbers of the segment (what a top-k search
skips by; see evaluation.py) and the values are the postings' encoded bytes, for the text
fields the word positions as uint32 arrays (see WordPositions). A reader gets a list with
one `os.pread` and `np.frombuffer`: no per-block decompression, and no shared file
position, so threads read in parallel. Each segment also has a `.wln` file: every
document's exact length, in words, of every scored field.

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

from .terms import VOCABULARY

SUPPORTED_WHOOSH = ((2, 7, 5), (2, 8, 0))  # [from, to): the private names used below exist
if not SUPPORTED_WHOOSH[0] <= tuple(whoosh.__version__[:3]) < SUPPORTED_WHOOSH[1]:
    raise ImportError(f"indexer.codec supports whoosh-reloaded {SUPPORTED_WHOOSH[0]} up to "
                      f"{SUPPORTED_WHOOSH[1]}, not {whoosh.__version__}: check the W3 names it uses")

BLOCK = 128  # documents per block of block-max statistics (a codec may say otherwise)
MAGIC = b"FTZ1"
_HEADER = struct.Struct("<4sIII")  # magic, df, number of blocks, bytes of values
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

    Positions are stored as raw uint32 arrays (decode_positions reads one posting's)."""

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
    """One term's postings in one segment: parallel arrays, and the values on demand."""

    __slots__ = ("ids", "weights", "block_ids", "block_max", "block_minlen", "_fd",
                 "_values_at", "_offsets", "_values")

    def __init__(self, ids, weights, block_ids, block_max, block_minlen, fd, values_at, offsets):
        self.ids, self.weights = ids, weights
        self.block_ids, self.block_max, self.block_minlen = block_ids, block_max, block_minlen
        self._fd, self._values_at, self._offsets, self._values = fd, values_at, offsets, None

    def values(self) -> bytes:
        """All postings' value bytes, concatenated (cut them with value_offsets())."""
        if self._values is None:
            size = int(self._offsets[-1]) if len(self._offsets) else 0
            self._values = os.pread(self._fd, size, self._values_at) if size else b""
        return self._values

    def value_offsets(self) -> np.ndarray:
        return self._offsets

    def positions(self, indexes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(posting index, position) of every position of the given postings (by index in
        `ids`): read whole when many are wanted, posting by posting when few."""
        offsets = self._offsets.astype(np.int64)
        starts, ends = offsets[indexes] // 4, offsets[indexes + 1] // 4
        if self._values is None and len(indexes) <= FEW_POSTINGS:
            chunks = [np.frombuffer(os.pread(self._fd, int(e - s) * 4, self._values_at + int(s) * 4),
                                    dtype="<u4") for s, e in zip(starts, ends)]
            pos = np.concatenate(chunks) if chunks else np.zeros(0, dtype="<u4")
        else:
            allpos = np.frombuffer(self.values(), dtype="<u4")
            counts = ends - starts
            first = np.repeat(np.cumsum(counts) - counts, counts)
            pos = allpos[np.repeat(starts, counts) + np.arange(int(counts.sum())) - first]
        return np.repeat(indexes, ends - starts), pos.astype(np.int64)


def read_postings(fd: int, offset: int, length: int) -> PostingArrays:
    head = os.pread(fd, _HEADER.size, offset)
    magic, df, nb, values_size = _HEADER.unpack(head)
    if magic != MAGIC:
        raise ValueError("not a posting list of indexer.codec (rebuild the index)")
    arrays_size = (2 * df + 3 * nb + (df + 1 if values_size else 0)) * 4
    data = os.pread(fd, arrays_size, offset + _HEADER.size)
    at = 0

    def take(dtype, count):
        nonlocal at
        out = np.frombuffer(data, dtype=dtype, count=count, offset=at)
        at += count * 4
        return out

    ids, weights = take("<u4", df), take("<f4", df)
    block_ids, block_max, block_minlen = take("<u4", nb), take("<f4", nb), take("<u4", nb)
    offsets = take("<u4", df + 1) if values_size else np.zeros(0, dtype="<u4")
    return PostingArrays(ids, weights, block_ids, block_max, block_minlen, fd,
                         offset + _HEADER.size + arrays_size, offsets)


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

    def __init__(self, block: int | None = None):
        W3Codec.__init__(self)
        self.block = block or BLOCK  # documents per block; kept with each segment

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
        raise ValueError("indexer.codec reads segments from a directory (FileStorage) only")
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
            raise ValueError("indexer.codec stores values of whole 4-byte words only")
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
        records, extents = _posting_records(ids, weights, value_ends, values, term_first, runs,
                                            blocks[runs], doc_lengths)
        self._postfile.write(records)
        del records, values
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


def _posting_records(ids, weights, value_ends, values, term_first, runs, run_block,
                     doc_lengths) -> tuple[bytes, np.ndarray]:
    """Every term's posting record (the layout in the module's docstring), concatenated,
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
    out[start] = np.frombuffer(MAGIC, dtype="<u4")[0]
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
