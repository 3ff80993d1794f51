"""The project's Whoosh codec: W3's, with array posting lists and exact field lengths.

W3 keeps the stored fields and the columns; the term dictionary is compactterms.py's
(CompactTermsReader answers what W3TermsReader would); the posting lists are records of the project's layout (indexer/engine/
postingfile.py), written by fieldwriter.py and read here with `os.pread` (no shared file
position: threads read in parallel); the lengths are lengths.py's. ArrayMatcher is
Whoosh's matcher interface over one posting list, for Whoosh's own uses.
"""

from __future__ import annotations

import os

import numpy as np
import whoosh
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.structfile import StructFile
from whoosh.matching import ListMatcher

from indexer.engine.postingfile import PostingArrays, read_record
from indexer.engine.whooshfiles import check_version
from indexer.engine.whooshfiles.compactterms import CompactTermsReader
from indexer.engine.whooshfiles.fieldwriter import FieldWriter
from indexer.engine.whooshfiles.lengths import LengthsReader, LengthsWriter, read_lengths

check_version(whoosh.__version__)

BLOCK = 128  # documents per block of block-max statistics (a codec may say otherwise)


def read_postings(fd: int, offset: int, length) -> PostingArrays:
    """A term's posting record, at the extent its W3TermInfo gives (terminfo.extent(),
    whose length, read back from the term table, is a 1-tuple) in the posting file `fd`."""
    return read_record(fd, offset, length[0] if isinstance(length, tuple) else length)


def open_postings(storage, segment) -> int:
    """A file descriptor of the segment's posting file, for `os.pread` (close it)."""
    return os.open(os.path.join(storage.folder, segment.make_filename(W3Codec.POSTS_EXT)),
                   os.O_RDONLY)


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
        return LengthsWriter(self, storage, segment)

    def per_document_reader(self, storage, segment):
        return LengthsReader(storage, segment)

    def field_writer(self, storage, segment):
        return FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors (unused by this project) stay W3's
            return W3Codec.postings_writer(self, dbfile, byteids)
        raise NotImplementedError("array posting lists are written by the field writer")

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        postings = read_postings(dbfile.file.fileno(), *terminfo.extent())
        return ArrayMatcher(postings, format_, term=term, scorer=scorer, terminfo=terminfo)

    def terms_reader(self, storage, segment):
        tiname = segment.make_filename(self.TERMS_EXT)
        postfile = _open_pread(storage, segment.make_filename(self.POSTS_EXT))
        try:
            return CompactTermsReader(self, os.path.join(storage.folder, tiname), postfile)
        except BaseException:
            postfile.close()
            raise

    @staticmethod
    def word_lengths(storage, segment) -> dict[str, np.ndarray]:
        """Every document's length in words, per scored field, of one segment."""
        return read_lengths(storage, segment)


def _open_pread(storage, name):
    folder = getattr(storage, "folder", None)
    if folder is None:
        raise ValueError("indexer.engine.whooshfiles reads segments from a directory "
                         "(FileStorage) only")
    return _PreadFile(open(os.path.join(folder, name), "rb"), name=name)
