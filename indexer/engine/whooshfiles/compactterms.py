"""A compact term dictionary: per field, the sorted terms' bytes in one blob with an array
of where each starts, and per term only the numbers of W3's term information, column by
column, each in the narrowest type its range allows (no hash table, no key or value
lengths, no field number, no flags; a field's consecutive posting records by their ends
alone): about 24 bytes a term and its text (at 10,000 records of the bench's other corpus)
where OrderedHashWriter's format (termtable.py) took about 70 and its text.

Written with the interface of termtable.TermTable (extras["fieldmap"], add_field, close)
and read by CompactTermsReader, which answers what W3TermsReader answers (lookups by
binary search over the blob, ordered iteration from a prefix, cursors, W3TermInfo objects
built from the stored numbers): in a serving process with `os.pread`, a block of terms at
a time (termfile.py), the mapped FieldTermsTable below being the plain reference. Layout: MAGIC, then per field its blob, its starts (<u4,
one more than terms) and its columns, then a pickled directory (the extras; per field its
count and where its parts are, each column's type and base), its position (<u8) and MAGIC.
The codec writes (fieldwriter.py) and reads (codec.py, segmentarrays.py) this format since
index format 11; tests/test_compact_terms.py checks it against W3TermsReader.
"""

from __future__ import annotations

import bisect
import mmap
import os
import pickle
import struct

import numpy as np
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.codec import base
from whoosh.reading import TermNotFound

from indexer.engine.whooshfiles.termfile import BLOCK, FieldTermsFile
from indexer.engine.whooshfiles.termtable import TERM_INFO

MAGIC = b"FTT1"
# W3TermInfo's numbers, little-endian, without the flags (always 0: no inlined postings)
INFO = np.dtype([("weight", "<f4"), ("df", "<u4"), ("minlen", "u1"), ("maxlen", "u1"),
                 ("maxweight", "<f4"), ("minid", "<u4"), ("maxid", "<u4"), ("offset", "<i8"),
                 ("length", "<i4")])
_TAIL = struct.Struct("<Q4s")


def _columns(infos: np.ndarray) -> dict[str, np.ndarray]:
    """The columns stored: a field's posting records are consecutive in the posting file
    (the field writer writes them so), so their ends give both offset and length ("ends",
    one more than terms); otherwise both are stored."""
    out = {name: infos[name] for name in INFO.names if name not in ("offset", "length")}
    offset, length = infos["offset"].astype(np.int64), infos["length"].astype(np.int64)
    if (offset[1:] == offset[:-1] + length[:-1]).all():
        out["ends"] = np.r_[offset, offset[-1] + length[-1]]
    else:
        out["offset"], out["length"] = offset, length
    return out


def _narrowest(values: np.ndarray) -> tuple[str, int]:
    """The narrowest little-endian type for a column, and the base subtracted first."""
    if values.dtype.kind == "f":
        return "<f4", 0
    base = int(values.min())
    top = int(values.max()) - base
    for limit, dtype in ((2**8, "u1"), (2**16, "<u2"), (2**32, "<u4")):
        if top < limit:
            return dtype, base
    return "<i8", base


class CompactTermTable:
    """The writer: TermTable's interface (a field's terms may come in several calls, in
    order, as a merge writes them run by run)."""

    def __init__(self, dbfile):
        self.dbfile = dbfile
        self.extras = {}
        dbfile.write(MAGIC)
        self._fields: dict[int, tuple[list[bytes], list[np.ndarray]]] = {}

    def add_field(self, fieldid: int, terms: list[bytes], infos: np.ndarray) -> None:
        if not terms:
            return
        if (infos["flags"] != 0).any():
            raise ValueError("compact term table: inlined postings are not supported")
        texts, parts = self._fields.setdefault(fieldid, ([], []))
        if texts and terms[0] <= texts[-1]:
            raise ValueError("compact term table: a field's terms must come in order")
        texts.extend(terms)
        part = np.empty(len(terms), dtype=INFO)
        for name in INFO.names:
            part[name] = infos[name]
        parts.append(part)

    def close(self):
        dbfile = self.dbfile
        directory = {}
        for fieldid in sorted(self._fields):
            texts, parts = self._fields[fieldid]
            starts = np.zeros(len(texts) + 1, dtype="<u8")
            np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)),
                      out=starts[1:])
            if starts[-1] >= 2**32:
                raise ValueError("compact term table: a field's terms exceed 4 GB")
            blob_at = dbfile.tell()
            dbfile.write(b"".join(texts))
            starts_at = dbfile.tell()
            dbfile.write(starts.astype("<u4").tobytes())
            infos = np.concatenate(parts)
            columns = {}
            for name, values in _columns(infos).items():
                dtype, base = _narrowest(values)
                columns[name] = (dbfile.tell(), dtype, base)
                stored = values if dtype == "<f4" else values.astype(np.int64) - base
                dbfile.write(stored.astype(dtype).tobytes())
            directory[fieldid] = (len(texts), blob_at, starts_at, columns)
        at = dbfile.tell()
        dbfile.write(pickle.dumps({"extras": self.extras, "fields": directory}, protocol=4))
        dbfile.write(_TAIL.pack(at, MAGIC))
        dbfile.close()


class FieldTermsTable:
    """One field's terms as a sequence of bytes (what bisect searches), and their numbers."""

    def __init__(self, buf, count, blob_at, starts_at, columns):
        self.starts = np.frombuffer(buf, dtype="<u4", count=count + 1, offset=starts_at)
        self._columns = {name: (np.frombuffer(buf, dtype=dtype, count=count + (name == "ends"),
                                              offset=at), base)
                         for name, (at, dtype, base) in columns.items()}
        self._buf, self._blob_at, self._count = buf, blob_at, count

    def __len__(self):
        return self._count

    def __getitem__(self, i):
        # no Python list of the starts: a million terms' would be tens of MB per reader
        a, starts = self._blob_at, self.starts
        return bytes(self._buf[a + int(starts[i]):a + int(starts[i + 1])])

    def bisect_left(self, text: bytes) -> int:
        return bisect.bisect_left(self, text)

    def find(self, text: bytes) -> int:
        i = self.bisect_left(text)
        return i if i < self._count and self[i] == text else -1

    def value(self, name: str, i: int):
        if name in ("offset", "length") and "ends" in self._columns:
            ends, base = self._columns["ends"]
            start = int(ends[i]) + base
            return start if name == "offset" else int(ends[i + 1]) + base - start
        array, base = self._columns[name]
        return float(array[i]) if array.dtype.kind == "f" else int(array[i]) + base

    def column(self, name: str) -> np.ndarray:
        """A whole column, decoded (int64 or float32)."""
        if name in ("offset", "length") and "ends" in self._columns:
            ends, base = self._columns["ends"]
            ends = ends.astype(np.int64) + base
            return ends[:-1] if name == "offset" else np.diff(ends)
        array, base = self._columns[name]
        return array.astype(np.float32) if array.dtype.kind == "f" else \
            array.astype(np.int64) + base


def info_of(terms, i) -> W3TermInfo:
    """The W3TermInfo of term `i` of a field's table (FieldTermsTable, termfile.py's)."""
    record = np.zeros(1, dtype=TERM_INFO)
    for name in INFO.names:
        record[name] = terms.value(name, i)
    return W3TermInfo.from_bytes(record.tobytes())


class _LazyTermInfo(W3TermInfo):
    """Term `i`'s W3TermInfo from a lean reader's table (termfile.py), its numbers read
    when asked (a `pread` each): a search asks most terms only their extent."""

    def __init__(self, terms, i):  # no W3TermInfo.__init__: __getattr__ fills it in
        self._terms, self._i = terms, i

    def extent(self):
        offset, length = self._terms.extent(self._i)
        return offset, (length,)  # as W3TermInfo.from_bytes leaves them

    def __getattr__(self, name):
        if name.startswith("__") or name in ("_terms", "_i"):
            raise AttributeError(name)
        self.__dict__.update(vars(info_of(self._terms, self._i)))
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None


def read_directory(buf) -> tuple[dict, dict[int, tuple]]:
    if bytes(buf[:4]) != MAGIC or bytes(buf[-4:]) != MAGIC:
        raise ValueError("not a compact term table")
    at, _ = _TAIL.unpack(bytes(buf[-_TAIL.size:]))
    found = pickle.loads(bytes(buf[at:len(buf) - _TAIL.size]))
    return found["extras"], found["fields"]


def _read_directory_of(fd: int) -> tuple[dict, dict[int, tuple]]:
    """read_directory of the file `fd`, reading only its head, its directory and tail."""
    size = os.fstat(fd).st_size
    tail = os.pread(fd, _TAIL.size, size - _TAIL.size) if size >= 4 + _TAIL.size else b""
    if os.pread(fd, 4, 0) != MAGIC or len(tail) != _TAIL.size:
        raise ValueError("not a compact term table")
    at, magic = _TAIL.unpack(tail)
    if magic != MAGIC or not 4 <= at <= size - _TAIL.size:
        raise ValueError("not a compact term table")
    found = pickle.loads(os.pread(fd, size - _TAIL.size - at, at))
    return found["extras"], found["fields"]


class CompactTermsReader(base.TermsReader):
    """What W3TermsReader answers, from a compact term table (`path`); `postfile` and the
    codec read the postings (matcher). `lean` (the default, what the codec opens): the
    table read with `os.pread`, a block of terms at a time (termfile.py: no mapped page
    counts in the process's RSS); otherwise mapped whole (the plain reader the lean one is
    tested against). `block`: terms per block of the lean reader."""

    def __init__(self, codec, path: str, postfile, lean: bool = True, block: int = BLOCK):
        self._codec, self._postfile = codec, postfile
        self._map = self._fd = None
        try:
            if lean:
                self._fd = os.open(path, os.O_RDONLY)
                extras, directory = _read_directory_of(self._fd)
                fields = {fid: FieldTermsFile(self._fd, *where, block=block)
                          for fid, where in directory.items()}
            else:
                with open(path, "rb") as fh:
                    self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
                buf = memoryview(self._map)
                extras, directory = read_directory(buf)
                fields = {fid: FieldTermsTable(buf, *where) for fid, where in directory.items()}
            self._fieldmap = extras["fieldmap"]
            names = {number: name for name, number in self._fieldmap.items()}
            self._fields = {names[fid]: fields[fid] for fid in sorted(fields)}
            self._order = [names[fid] for fid in sorted(directory)]
        except BaseException:  # the file is closed whatever went wrong, then it goes on up
            self._close_file()
            raise

    def _locate(self, fieldname, tbytes):
        terms = self._fields.get(fieldname)
        i = terms.find(tbytes) if terms is not None else -1
        return terms, i

    def __contains__(self, term):
        return self._locate(*term)[1] >= 0

    def indexed_field_names(self):
        return self._fieldmap.keys()

    def cursor(self, fieldname, fieldobj):
        return CompactFieldCursor(self._fields.get(fieldname), fieldobj)

    def _from(self, fieldname, prefix):
        # as OrderedHashReader.keys_from: from the first key >= (field, prefix) to the end
        number = -1 if fieldname is None else self._fieldmap.get(fieldname, 65535)
        for name in self._order:
            fid = self._fieldmap[name]
            if fid < number:
                continue
            terms = self._fields[name]
            start = terms.bisect_left(prefix) if fid == number else 0
            for i in range(start, len(terms)):
                yield name, terms, i

    def terms(self):
        return ((name, terms[i]) for name, terms, i in self._from(None, b""))

    def terms_from(self, fieldname, prefix):
        return ((name, terms[i]) for name, terms, i in self._from(fieldname, prefix))

    def items(self):
        return (((name, terms[i]), info_of(terms, i)) for name, terms, i in self._from(None, b""))

    def items_from(self, fieldname, prefix):
        return (((name, terms[i]), info_of(terms, i))
                for name, terms, i in self._from(fieldname, prefix))

    def term_info(self, fieldname, tbytes):
        terms, i = self._locate(fieldname, tbytes)
        if i < 0:
            raise TermNotFound("No term %s:%r" % (fieldname, tbytes))
        return _LazyTermInfo(terms, i) if self._fd is not None else info_of(terms, i)

    def frequency(self, fieldname, tbytes):
        terms, i = self._locate(fieldname, tbytes)
        if i < 0:
            raise KeyError((fieldname, tbytes))
        return terms.value("weight", i)

    def doc_frequency(self, fieldname, tbytes):
        terms, i = self._locate(fieldname, tbytes)
        if i < 0:
            raise KeyError((fieldname, tbytes))
        return terms.value("df", i)

    def matcher(self, fieldname, tbytes, format_, scorer=None):
        terminfo = self.term_info(fieldname, tbytes)
        return self._codec.postings_reader(self._postfile, terminfo, format_,
                                           term=(fieldname, tbytes), scorer=scorer)

    def _close_file(self):
        if self._fd is not None:
            for terms in getattr(self, "_fields", {}).values():
                terms.close()  # a cursor or a term's numbers read later fail, not misread
            os.close(self._fd)
            self._fd = None
        if self._map is not None:
            try:
                self._map.close()
            except BufferError:  # arrays handed out still view it: closed when they go
                pass

    def close(self):
        self._close_file()
        self._fields = {}
        self._postfile.close()


class CompactFieldCursor(base.FieldCursor):
    """W3FieldCursor's walk over one field's terms."""

    def __init__(self, terms, fieldobj):
        self._terms, self._fieldobj = terms, fieldobj
        self._i = 0
        self._text = None
        self.next()

    def first(self):
        self._i = 0
        return self.next()

    def find(self, term):
        if not isinstance(term, bytes):
            term = self._fieldobj.to_bytes(term)
        self._i = self._terms.bisect_left(term) if self._terms is not None else 0
        return self.next()

    def next(self):
        if self._terms is not None and self._i is not None and self._i < len(self._terms):
            self._at = self._i
            self._text = self._fieldobj.from_bytes(self._terms[self._i])
            self._i += 1
            return self._text
        self._text = self._i = None
        return None

    def text(self):
        return self._text

    def term_info(self):
        return None if self._i is None else info_of(self._terms, self._at)

    def is_valid(self):
        return self._i is not None
