"""One field's terms of a compact term table (compactterms.py's layout) read with `os.pread`,
a block of terms at a time, for a serving process.

Mapping the whole table (compactterms.FieldTermsTable over an mmap, the plain reader this
one is tested against) cost a serving worker its resident memory: a binary search touches
pages all over the blob, the starts and each column, and the kernel maps the cached pages
around every page touched (fault-around: 92 KB a random touch measured on this machine;
MADV_RANDOM does not stop it), all counted in the worker's RSS while the table is open
(230-250 MB of a worker's 440-470 MB at 100,000 records). Here memory holds only the first
term of every BLOCK-th term (a list of bytes: about 3 MB at 100,000 records); a lookup
bisects those, reads the block's starts and texts with two `pread`s and a term's extent
with one more (its other numbers one `pread` each, when asked: compactterms._LazyTermInfo).
The file's pages stay in the page cache, shared by every process and given back under
pressure, and are no longer counted in any process's RSS."""

from __future__ import annotations

import bisect
import os
import struct

import numpy as np

BLOCK = 128  # terms per block: a lookup reads about 2 KB; the first terms held are 1/128
# struct's code of a column's type (standard sizes: "<" + code)
_CODES = {("f", 4): "f", ("u", 1): "B", ("u", 2): "H", ("u", 4): "I", ("u", 8): "Q",
          ("i", 1): "b", ("i", 2): "h", ("i", 4): "i", ("i", 8): "q"}
_CHUNK = 1 << 16  # terms read at once while opening (their starts 256 KB, texts about 1 MB)


class FieldTermsFile:
    """What compactterms.FieldTermsTable answers (len, terms by number, find, bisect_left,
    value, info through `info_of`), from the open file `fd`."""

    def __init__(self, fd: int, count: int, blob_at: int, starts_at: int, columns: dict,
                 block: int = BLOCK):
        self._fd, self._count, self._blob_at, self._starts_at = fd, count, blob_at, starts_at
        self._block = block
        self._columns = {}
        for name, (at, dtype, base) in columns.items():
            code = _CODES[np.dtype(dtype).kind, np.dtype(dtype).itemsize]
            self._columns[name] = (at, (struct.Struct("<" + code), struct.Struct("<" + 2 * code)),
                                   np.dtype(dtype).itemsize, base)
        firsts = []
        for chunk in range(0, count, _CHUNK):  # a chunk at a time: no array of all starts
            upto = min(chunk + _CHUNK, count)
            starts = self._starts(chunk, upto + 1 - chunk)
            raw = os.pread(fd, int(starts[-1] - starts[0]), blob_at + int(starts[0]))
            wanted = np.arange(-(-chunk // block) * block, upto, block) - chunk  # firsts
            base = int(starts[0])
            for s, e in zip((starts[wanted] - base).tolist(), (starts[wanted + 1] - base).tolist()):
                firsts.append(raw[s:e])
        self._firsts = firsts
        self._last = (-1, None)  # the block read last (an ordered walk reads each once)

    def _starts(self, first: int, n: int) -> np.ndarray:
        """`n` consecutive starts from term number `first`."""
        raw = os.pread(self._fd, 4 * n, self._starts_at + 4 * first)
        return np.frombuffer(raw, dtype="<u4").astype(np.int64)

    def __len__(self):
        return self._count

    def close(self) -> None:
        """Reads after the file is closed fail (EBADF), never read another file that took
        its descriptor's number."""
        self._fd = -1

    def _block_of(self, k: int) -> tuple[list, bytes]:
        """Block `k`'s starts (one more than its terms, in its texts: from 0) and texts."""
        last = self._last
        if last[0] == k:
            return last[1]
        first = k * self._block
        n = min(self._block, self._count - first) + 1
        starts = np.frombuffer(os.pread(self._fd, 4 * n, self._starts_at + 4 * first), "<u4")
        raw = os.pread(self._fd, int(starts[-1] - starts[0]), self._blob_at + int(starts[0]))
        starts = (starts - starts[0]).tolist()
        self._last = (k, (starts, raw))  # one assignment: a thread sees the old or the new
        return starts, raw

    def __getitem__(self, i):
        if not 0 <= i < self._count:
            raise IndexError(i)
        starts, raw = self._block_of(i // self._block)
        j = i % self._block
        return raw[starts[j]:starts[j + 1]]

    def bisect_left(self, text: bytes) -> int:
        """Where `text` is, or would go, among the terms."""
        k = bisect.bisect_right(self._firsts, text) - 1
        if k < 0:
            return 0
        starts, raw = self._block_of(k)
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if raw[starts[mid]:starts[mid + 1]] < text:
                lo = mid + 1
            else:
                hi = mid
        return k * self._block + lo

    def find(self, text: bytes) -> int:
        i = self.bisect_left(text)
        return i if i < self._count and self[i] == text else -1

    def extent(self, i: int) -> tuple[int, int]:
        """Where term `i`'s posting record is, and its size in bytes."""
        if "ends" not in self._columns:
            return self.value("offset", i), self.value("length", i)
        at, (_one, two), size, base = self._columns["ends"]
        start, end = two.unpack(os.pread(self._fd, 2 * size, at + size * i))
        return start + base, end - start

    def value(self, name: str, i: int):
        if name in ("offset", "length") and "ends" in self._columns:
            return self.extent(i)[name == "length"]
        at, (one, _two), size, base = self._columns[name]
        value = one.unpack(os.pread(self._fd, size, at + size * i))[0]
        return value if one.format[-1] == "f" else value + base
