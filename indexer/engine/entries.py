"""The entries a text field hands Whoosh's writer: one per document, its postings as arrays.

Whoosh's writer sorts every posting of a segment, a Python tuple each, before the codec
sees them. A text field's format here (WordPositions) gives it one entry per document and
field instead, under DOCUMENT_TERM: the document's terms as numbers of terms.VOCABULARY,
their counts and their positions (document_entry); the field writer
(whooshfiles/fieldwriter.py) copies them and inverts them with numpy. A long text's word
pairs come apart, as their two words' numbers, and the field writer names them, a segment
at once (analyser.index_entry; KEYED_PAIRS = False is the reference, every pair numbered
by the vocabulary as it is analysed).
"""

from __future__ import annotations

import itertools
import struct
from array import array
from collections import defaultdict

import numpy as np
from whoosh.formats import Positions, tokens

from indexer.analysis.terms import VOCABULARY

DOCUMENT_TERM = "\x00"  # the one pool entry a text field makes per document (see below)


class WordPositions(Positions):
    """A text field's postings of one document, handed to the writer as one entry.

    Whoosh's writer sorts every posting of a segment, a Python tuple each, before the
    codec sees them (most of a build's time at 10,000 records). This format gives it one
    entry per document and field instead, under DOCUMENT_TERM, whose value holds the
    document's terms (as numbers of terms.VOCABULARY), their counts and positions, as
    arrays (document_entry); the codec's field writer copies them and inverts them with
    numpy (whooshfiles/fieldwriter.py). The entry's frequency, which Whoosh sums into the
    field's length for BM25, is the number of words: the analyser's word pairs and Chinese
    sub-words are terms of their own (for phrases and partial Chinese words) but not words
    of the text, so their tokens carry `whole = False` and are not counted.

    A posting's value is its positions as uint32 bytes (decode_positions reads them); the
    field writer stores them narrower (see postingfile.py)."""

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
        pairs = ()  # word pairs by their words' numbers, named by the field writer
        if isinstance(value, str) and KEYED_PAIRS and hasattr(analyzer, "index_entry"):
            terms, counts, positions, words, *pairs = analyzer.index_entry(value)
        elif isinstance(value, str) and hasattr(analyzer, "index_arrays"):
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
               document_entry(terms, counts, positions, stamp, *pairs))

    def encode(self, poslist):
        return array("I", poslist).tobytes()

    def decode_positions(self, valuestring):
        return np.frombuffer(valuestring, dtype="<u4").tolist()

    def decode_frequency(self, valuestring):
        return len(valuestring) // 4

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring) * self.field_boost


_ENTRY = struct.Struct("<IIII")  # process, vocabulary generation, terms, keyed pairs
# analysers' index_entry (word pairs named by the field writer, a segment at once) or, when
# False, index_arrays (every pair a term of the vocabulary): the reference, which
# tests/test_keyed_pairs.py writes segments with to compare
KEYED_PAIRS = True
_NO_KEYS = np.zeros(0, dtype=np.int64)


def document_entry(terms: np.ndarray, counts: np.ndarray, positions: np.ndarray,
                   stamp: tuple[int, int], pair_keys: np.ndarray = _NO_KEYS,
                   pair_counts: np.ndarray | None = None,
                   pair_positions: np.ndarray | None = None) -> bytes:
    """A WordPositions entry: the terms, as numbers of terms.VOCABULARY (stamped with the
    process and generation they were given in, taken before the analysis), each term's
    number of positions, and the positions, term after term; all uint32. Then word pairs
    given by their words' numbers (analyser.index_entry), if any: their keys (int64),
    counts and positions, pair after pair, after the terms'."""
    parts = [_ENTRY.pack(*stamp, len(terms), len(pair_keys)),
             terms.astype("<u4", copy=False).tobytes(),
             counts.astype("<u4", copy=False).tobytes()]
    if len(pair_keys):
        parts += [pair_keys.astype("<i8", copy=False).tobytes(),
                  pair_counts.astype("<u4", copy=False).tobytes()]
    parts.append(positions.astype("<u4", copy=False).tobytes())
    if len(pair_keys):
        parts.append(pair_positions.astype("<u4", copy=False).tobytes())
    return b"".join(parts)


def read_entry(blob: bytes) -> tuple[bytes, bytes, bytes, bytes, bytes]:
    """(terms, their counts, their positions then the pairs', pair keys, pair counts) of an
    entry, as uint32 bytes each but the keys (int64); refused when its numbers are not those
    of this process's vocabulary now."""
    pid, generation, count, pairs = _ENTRY.unpack_from(blob)
    if not VOCABULARY.current(pid, generation):
        raise RuntimeError("a document entry analysed in another process or before the "
                           "vocabulary was reset: its term numbers mean nothing here")
    at = _ENTRY.size
    keys_at = at + 8 * count
    counts_at = keys_at + 8 * pairs
    positions_at = counts_at + 4 * pairs
    return (blob[at:at + 4 * count], blob[at + 4 * count:keys_at], blob[positions_at:],
            blob[keys_at:counts_at], blob[counts_at:positions_at])


class Analysed(str):
    """A text value whose index entries were computed already (WordPositions.analysed)."""

    entries: list
