"""The segment's term dictionary, written in Whoosh's own formats.

W3's term information records (TERM_INFO: W3TermInfo's bytes, for postings that are not
inlined) in the file format of Whoosh's OrderedHashWriter (TermTable), as W3TermsReader
reads them back; and Whoosh's one-byte length codes (length_bytes). Written with array
operations, a field at a time: a Python call per term was most of a build.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np
import whoosh
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length

from indexer.engine.whooshfiles import check_version

check_version(whoosh.__version__)

# W3's term information, as W3TermInfo.to_bytes writes it for postings that are not inlined
TERM_INFO = np.dtype([("flags", "u1"), ("weight", ">f4"), ("df", ">u4"), ("minlen", "u1"),
                       ("maxlen", "u1"), ("maxweight", ">f4"), ("minid", ">u4"),
                       ("maxid", ">u4"), ("offset", ">i8"), ("length", ">i4")])
assert TERM_INFO.itemsize == W3TermInfo._struct.size + 12
_LENGTH_BYTES = np.array([byte_to_length(i) for i in range(256)], dtype=np.int64)


def length_bytes(lengths: np.ndarray) -> np.ndarray:
    """Whoosh's one-byte length codes (whoosh.util.numeric.length_to_byte), for arrays."""
    return np.minimum(np.searchsorted(_LENGTH_BYTES, lengths, side="left"), 255).astype(np.uint8)



class TermTable:
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
