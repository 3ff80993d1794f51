"""Every document's exact length, in words, of every scored field: a `.wln` file per segment.

W3 keeps a field's length in one byte per document (an approximation past a few dozen
words); BM25 here takes the exact length. LengthsWriter is W3's per-document writer that
also keeps them (it takes over W3's add_field, whose private attributes it fills); the
file it writes beside the segment's is

    document count u32 | size of the names u32 | the field names, "\n"-joined, UTF-8,
    padded to 4 bytes | per field, in the names' order: a u32 per document

and LengthsReader answers Whoosh's length questions from it.
"""

from __future__ import annotations

import os
import struct
from array import array

import numpy as np
import whoosh
from whoosh.codec.whoosh3 import W3PerDocReader, W3PerDocWriter
from whoosh.columns import VarBytesColumn

from indexer.engine.whooshfiles import check_version

check_version(whoosh.__version__)

LENGTHS_EXT = ".wln"


def read_lengths(storage, segment) -> dict[str, np.ndarray]:
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


class LengthsWriter(W3PerDocWriter):
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

    def add_copied(self, stored: list[bytes], lengths: dict[str, np.ndarray],
                   columns: dict[str, tuple]) -> None:
        """Documents copied whole from another segment (a merge, merges.py), after those
        written so far: each one's stored fields as the stored column's bytes (pickled and
        compressed, copied as they are), its exact length in each scored field, and its
        values of the other columns ({field: (column type, values)})."""
        base = self._doccount
        raw = self._colwriters["_stored"]._child  # the compressed column under the pickles
        for i, value in enumerate(stored):
            if value:
                VarBytesColumn.Writer.add(raw, base + i, value)
        for fieldname, (column, values) in columns.items():
            if not self._has_column(fieldname):
                self._create_column(fieldname, column)
            writer = self._get_column(fieldname)
            for i, value in enumerate(values):
                writer.add(base + i, value)
        for fieldname, values in lengths.items():
            column = self._word_lengths.setdefault(fieldname, array("I"))
            column.extend([0] * (base - len(column)))
            column.frombytes(values.astype(np.uint32).tobytes())
            total = int(values.sum())
            if total:
                self._fieldlengths[fieldname] += total
        self._doccount += len(stored)


class LengthsReader(W3PerDocReader):
    """W3's per-document reader answering lengths exactly (W3 keeps a byte per length)."""

    def __init__(self, storage, segment):
        W3PerDocReader.__init__(self, storage, segment)
        self._word_lengths = read_lengths(storage, segment)

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
