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
import marshal
import os
import struct
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


DOCUMENT_TERM = "\x00"  # the one pool entry a text field makes per document (see below)
_DOCUMENT_BTEXT = DOCUMENT_TERM.encode("utf-8")


class WordPositions(Positions):
    """A text field's postings of one document, handed to the writer as one entry.

    Whoosh's writer sorts every posting of a segment, a Python tuple each, before the
    codec sees them (most of a build's time at 10,000 records). This format gives it one
    entry per document and field instead, under DOCUMENT_TERM, whose value holds the
    document's terms, their counts and positions; the codec's field writer inverts them
    with numpy (_FieldWriter). The entry's frequency, which Whoosh sums into the field's
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
        if isinstance(value, str) and hasattr(analyzer, "index_terms"):
            poses, words = analyzer.index_terms(value)  # the same terms, without Token objects
        else:
            poses, words = defaultdict(list), defaultdict(int)
            kwargs["positions"] = True
            for t in tokens(value, analyzer, kwargs):
                poses[t.text].append(t.pos)
                if getattr(t, "whole", True):
                    words[t.text] += 1
        if not poses:
            return
        counts = list(map(len, poses.values()))
        positions = array("I", itertools.chain.from_iterable(poses.values())).tobytes()
        yield (DOCUMENT_TERM, sum(words.values()), self.field_boost,
               marshal.dumps((list(poses), counts, positions)))

    def encode(self, poslist):
        return array("I", poslist).tobytes()

    def decode_positions(self, valuestring):
        return np.frombuffer(valuestring, dtype="<u4").tolist()

    def decode_frequency(self, valuestring):
        return len(valuestring) // 4

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring) * self.field_boost


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
        W3PerDocWriter.add_field(self, fieldname, fieldobj, value, length)
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


class _FieldWriter(W3FieldWriter):
    """W3's term dictionary writer with array posting lists.

    A field's postings are gathered whole, as columns, and inverted and written at the end
    of the field: the sort by term, the block statistics and the term statistics take a
    few numpy passes instead of Python calls per posting. A text field's postings arrive
    as one entry per document (see WordPositions); those of other fields, and of segments
    being merged, one by one."""

    def __init__(self, codec, storage, segment):
        super().__init__(codec, storage, segment)
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
        # one entry per posting, in arrival order: term number, document, weight, value
        # size; the values themselves as a list of buffers to join. Terms are numbered as
        # they come (a string per posting would be gigabytes at 100,000 records)
        self._numbers: dict[str, int] = {}
        self._keys = array("I")
        self._docs, self._weights, self._sizes = array("I"), array("f"), array("I")
        self._buffers: list[bytes] = []
        self._term = None

    def start_term(self, btext):
        self._term = btext.decode("utf-8", "surrogateescape")

    def _number(self, term: str) -> int:
        found = self._numbers.get(term)
        if found is None:
            found = self._numbers[term] = len(self._numbers)
        return found

    def add(self, docnum, weight, vbytes, length):
        self._keys.append(self._number(self._term))
        self._docs.append(docnum)
        self._weights.append(weight)
        self._sizes.append(len(vbytes or b""))
        if vbytes:
            self._buffers.append(vbytes)

    def add_document_postings(self, docnum, weight, blob):
        """A WordPositions entry: all the postings of one document in this field."""
        terms, counts, positions = marshal.loads(blob)
        numbers = self._numbers
        for term in terms:
            if term not in numbers:
                numbers[term] = len(numbers)
        self._keys.extend(map(numbers.__getitem__, terms))
        self._docs.extend(itertools.repeat(docnum, len(terms)))
        if weight == 1.0:
            self._weights.extend(counts)
        else:
            self._weights.extend(c * weight for c in counts)
        self._sizes.extend(map((4).__mul__, counts))
        self._buffers.append(positions)

    def finish_term(self):
        pass

    def finish_field(self):
        if not self._infield:
            raise Exception("Called finish_field before start_field")
        self._infield = False
        if self._keys:
            self._write_field()
        self._keys = self._docs = self._weights = self._sizes = self._buffers = None
        self._numbers = None

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

    def _write_field(self):
        block = self._codec.block
        # invert: postings by term (in the byte order of their UTF-8), then by document
        vocabulary = sorted(self._numbers)  # terms in order; a term's rank among them:
        rank = np.empty(len(vocabulary), dtype=np.int64)
        rank[np.fromiter(map(self._numbers.__getitem__, vocabulary), dtype=np.int64,
                         count=len(vocabulary))] = np.arange(len(vocabulary))
        term_of = rank[np.frombuffer(self._keys, dtype=np.uint32)]
        docs = np.frombuffer(self._docs, dtype=np.uint32)
        order = np.lexsort((docs, term_of))
        ids = docs[order]
        weights = np.frombuffer(self._weights, dtype=np.float32)[order]
        sizes = np.frombuffer(self._sizes, dtype=np.uint32).astype(np.int64)
        buffer = np.frombuffer(b"".join(self._buffers), dtype=np.uint8)
        if len(buffer):  # the values in the new order
            old_starts = np.cumsum(sizes) - sizes
            sizes = sizes[order]
            value_ends = np.cumsum(sizes)
            gather = (np.repeat(old_starts[order] - (value_ends - sizes), sizes)
                      + np.arange(int(value_ends[-1]) if len(value_ends) else 0))
            values = buffer[gather].tobytes()
        else:
            sizes = sizes[order]
            value_ends = np.cumsum(sizes)
            values = b""
        sorted_terms = term_of[order]
        term_first = np.flatnonzero(np.r_[True, sorted_terms[1:] != sorted_terms[:-1]])
        starts = np.r_[term_first, len(ids)]
        terms = [vocabulary[t].encode("utf-8", "surrogateescape")
                 for t in sorted_terms[term_first].tolist()]
        lengths = self._lengths().get(self._fieldname)
        # one run per (term, block): a run starts where a term starts or the block changes
        blocks = (ids // block).astype(np.int64)
        new = np.ones(len(ids), dtype=bool)
        new[1:] = blocks[1:] != blocks[:-1]
        new[term_first] = True
        runs = np.flatnonzero(new)
        run_block = blocks[runs].astype("<u4")
        run_max = np.maximum.reduceat(weights, runs).astype("<f4")
        doc_lengths = lengths[ids] if lengths is not None else np.zeros(len(ids), dtype=np.uint32)
        run_min = np.minimum.reduceat(doc_lengths, runs).astype("<u4")
        run_of_term = np.searchsorted(runs, starts)  # first run of each term (and the end)
        term_sum = np.add.reduceat(weights.astype(np.float64), term_first).tolist()
        term_max = np.maximum.reduceat(weights, term_first).tolist()
        term_minlen = np.minimum.reduceat(doc_lengths, term_first).tolist()
        term_maxlen = np.maximum.reduceat(doc_lengths, term_first).tolist()
        ids_b, weights_b = ids.astype("<u4").tobytes(), weights.astype("<f4").tobytes()
        rb, rm, rn = run_block.tobytes(), run_max.tobytes(), run_min.tobytes()
        starts_l, runs_l = starts.tolist(), run_of_term.tolist()
        ends_l = value_ends.tolist()
        postfile, tindex, fieldid = self._postfile, self._tindex, self._fieldid
        offset = postfile.tell()  # then counted here: a tell() per term cost seconds
        for t, btext in enumerate(terms):
            lo, hi = starts_l[t], starts_l[t + 1]
            r0, r1 = runs_l[t], runs_l[t + 1]
            v0 = ends_l[lo - 1] if lo else 0
            v1 = ends_l[hi - 1]
            record = [_HEADER.pack(MAGIC, hi - lo, r1 - r0, v1 - v0), ids_b[4 * lo:4 * hi],
                      weights_b[4 * lo:4 * hi], rb[4 * r0:4 * r1], rm[4 * r0:4 * r1],
                      rn[4 * r0:4 * r1]]
            if v1 > v0:
                offsets = np.zeros(hi - lo + 1, dtype="<u4")
                offsets[1:] = value_ends[lo:hi] - v0
                record += [offsets.tobytes(), values[v0:v1]]
            data = b"".join(record)
            postfile.write(data)
            info = W3TermInfo(weight=term_sum[t], df=hi - lo, minlength=int(term_minlen[t]),
                              maxlength=int(term_maxlen[t]), maxweight=term_max[t],
                              minid=int(ids[lo]), maxid=int(ids[hi - 1]))
            info.set_extent(offset, len(data))
            offset += len(data)
            tindex.add(pack_ushort(fieldid) + btext, info.to_bytes())
