"""W3's field writer, writing the project's array posting lists (../postingfile.py).

It takes over W3FieldWriter's constructor and private attributes (the term dictionary is
written by TermTable, the postings as records of the project's layout) and Whoosh's
add_postings loop. A field's postings are gathered whole, as columns, and inverted and
written at the end of the field.
"""

from __future__ import annotations

from array import array

import numpy as np
import whoosh
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter

from indexer.engine.entries import DOCUMENT_TERM, WordPositions, read_entry
from indexer.engine.postingfile import plain_records, posting_records
from indexer.analysis.terms import VOCABULARY, pair_texts
from indexer.engine.whooshfiles import check_version
from indexer.engine.whooshfiles.lengths import read_lengths
from indexer.engine.whooshfiles.compactterms import CompactTermTable
from indexer.engine.whooshfiles.termtable import TERM_INFO, length_bytes

check_version(whoosh.__version__)

LOCAL_TERMS = 2**31  # a field writer's own term numbers start here (see FieldWriter)
PAIR_SLOT = 2**32 - 1  # the key of a posting of a keyed word pair (entries.document_entry)
_DOCUMENT_BTEXT = DOCUMENT_TERM.encode("utf-8")


class FieldWriter(W3FieldWriter):
    """W3's term dictionary writer with array posting lists.

    A field's postings are gathered whole, as columns, and inverted and written at the end
    of the field: the sort by term, the block statistics and the term statistics take a
    few numpy passes instead of Python calls per posting. A text field's postings arrive
    as one entry per document (see WordPositions); those of other fields (and of segments
    merged by Whoosh's add_reader, the reference merge) one by one. A merge (merges.py)
    hands over postings already in order, a run of terms at a time (write_sorted)."""

    def __init__(self, codec, storage, segment):
        # W3FieldWriter's, with the term dictionary written by CompactTermTable
        self._codec, self._storage, self._segment = codec, storage, segment
        self._fieldname = self._fieldid = self._btext = self._fieldobj = self._format = None
        self._tindex = CompactTermTable(self._create_file(W3Codec.TERMS_EXT))
        self._fieldmap = self._tindex.extras["fieldmap"] = {}
        self._postfile = self._create_file(W3Codec.POSTS_EXT)
        self._postwriter = None
        self._infield = False
        self.is_closed = False
        self._lengths_cache = None

    def _lengths(self):
        if self._lengths_cache is None:  # written by the per-document writer, closed first
            self._lengths_cache = read_lengths(self._storage, self._segment)
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
        self._pair_keys = array("q")  # the keyed pairs' (entries.py), one per PAIR_SLOT key
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
            raise ValueError("indexer.engine.postingfile stores values of whole 4-byte words only")
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
        terms, counts, positions, pair_keys, pair_counts = read_entry(blob)
        self._generation = VOCABULARY.generation
        self._keys.frombytes(terms)
        if pair_keys:  # word pairs, numbered at the end of the field (_terms_in_order)
            self._keys.frombytes(np.full(len(pair_keys) // 8, PAIR_SLOT, dtype=np.uint32).tobytes())
            self._pair_keys.frombytes(pair_keys)
            counts += pair_counts
        self._docs.frombytes(np.full(len(counts) // 4, docnum, dtype=np.uint32).tobytes())
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
        self._pair_keys = None
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
        """The field's distinct terms in order, and each posting's term's place among them.
        Numbers: the vocabulary's, then the writer's own (LOCAL_TERMS up), then the keyed
        word pairs' (PAIR_SLOT, each distinct key once, named here with pair_texts)."""
        if self._generation is not None and self._generation != VOCABULARY.generation:
            raise RuntimeError("the term vocabulary was reset while a segment was written")
        keys = np.frombuffer(self._keys, dtype=np.uint32).astype(np.int64)
        shared = len(VOCABULARY.texts)  # the local numbers follow the vocabulary's
        if shared >= LOCAL_TERMS:  # (and word pairs' keys hold two numbers of 32 bits)
            raise RuntimeError("more distinct terms in one segment than term numbers")
        slots = keys == PAIR_SLOT
        keys[keys >= LOCAL_TERMS] += shared - LOCAL_TERMS
        own = shared + len(self._local_texts)  # the keyed pairs' numbers follow the locals'
        pair_keys = np.frombuffer(self._pair_keys or b"", dtype=np.int64)
        pair_keys, keys[slots] = np.unique(pair_keys, return_inverse=True)
        keys[slots] += own
        present = np.zeros(own + len(pair_keys), dtype=bool)
        present[keys] = True
        numbers = np.flatnonzero(present)  # the field's terms' numbers, ascending
        del present
        split, paired = np.searchsorted(numbers, [shared, own]).tolist()
        texts = list(map(VOCABULARY.texts.__getitem__, numbers[:split].tolist()))
        texts += map(self._local_texts.__getitem__, (numbers[split:paired] - shared).tolist())
        texts += pair_texts(pair_keys[numbers[paired:] - own])
        by_text = sorted(range(len(texts)), key=texts.__getitem__)
        vocabulary = [texts[i] for i in by_text]
        place = np.arange(len(by_text))
        if sum(map(bool, (split, paired - split, len(numbers) - paired))) > 1:
            # a term may come in two ways (a pair both keyed and numbered): one place
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
        self.write_sorted(terms, ids, weights, value_ends, values, term_first)

    def write_sorted(self, terms: list[bytes], ids: np.ndarray, weights: np.ndarray,
                     value_ends: np.ndarray, values: np.ndarray, term_first: np.ndarray
                     ) -> None:
        """Write postings already in order (by term, then document) and their terms, after
        the field's terms written so far: `terms` in order, each one's postings from
        `term_first[t]`; `value_ends`: where each posting's values end in `values`. What
        a field's inversion ends with, and what a merge (merges.py) writes run by run."""
        block = self._codec.block
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
            chunks, extents = posting_records(ids, weights, value_ends, values, term_first,
                                               runs, blocks[runs], doc_lengths,
                                               self._format.field_boost)
        else:  # the plain reference (tests/test_engine.py)
            plain, extents = plain_records(ids, weights, value_ends, values, term_first, runs,
                                            blocks[runs], doc_lengths)
            chunks = [plain]
        for chunk in chunks:
            self._postfile.write(chunk)
        del chunks, values
        infos = np.zeros(len(terms), dtype=TERM_INFO)
        infos["weight"] = np.add.reduceat(weights.astype(np.float64), term_first)
        infos["df"] = np.diff(np.r_[term_first, len(ids)])
        infos["minlen"] = length_bytes(np.minimum.reduceat(doc_lengths, term_first))
        infos["maxlen"] = length_bytes(np.maximum.reduceat(doc_lengths, term_first))
        infos["maxweight"] = np.maximum.reduceat(weights, term_first)
        infos["minid"] = ids[term_first]
        infos["maxid"] = ids[np.r_[term_first[1:], len(ids)] - 1]
        infos["offset"] = offset + extents[:-1]
        infos["length"] = np.diff(extents)
        self._tindex.add_field(self._fieldid, terms, infos)
