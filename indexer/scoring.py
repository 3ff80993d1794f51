"""Ranking: BM25F over arrays, and every constant that orders results, in one place.

A query's score for a document is the sum, over the query's terms, of
    boost(field) * idf(term) * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
with a field's length counted in words (codec.WordPositions) and idf over live documents.
The same formula bounds a block of documents from its largest tf and its shortest length:
the term's contribution grows with tf and shrinks with length, so no document of the block
can score above it (what lets evaluation.py skip blocks; see collect.py).
"""

from __future__ import annotations

import math

import numpy as np

K1, B = 1.2, 0.75

# Field weights: titles above tags above zone/pillar names above the body; the Chinese
# character bigrams (a fallback for words the segmenter does not know) below any whole word.
FIELD_BOOSTS = {
    "title": 4.0,
    "tags": 2.5,
    "names": 1.2,
    "body": 1.0,
    "cjk": 0.3,
}
TEXT_FIELDS = tuple(FIELD_BOOSTS)

# The words-together boost of a query of plain words: records with the words in a row, or
# within NEAR_SLOP positions of each other, in a field, gain these multiples of the words'
# scores in that field.
TOGETHER_BOOST = 2.0
NEAR_BOOST = 0.5
NEAR_SLOP = 6

# A place inside a zone (places.yaml) in a query matches every record of the zone; the
# records that name the place gain this multiple of the place's score, to come first.
PLACE_BOOST = 10.0

# related(): a shared zone weighs like a good shared tag, a shared pillar like a weak one.
RELATED_ZONE = 2.0
RELATED_PILLAR = 1.0

# Scores are compared rounded to this many decimals, so that sums taken in another order
# (the reference, another page) rank alike; equal scores go newest first.
SCORE_DECIMALS = 6


class BM25F:
    """Term scores for one index generation: its live document count and average lengths."""

    def __init__(self, doc_count: int, average_lengths: dict[str, float]):
        self.doc_count = max(doc_count, 1)
        self.average = average_lengths

    def idf(self, df: int) -> float:
        return math.log(1.0 + (self.doc_count - df + 0.5) / (df + 0.5))

    def scores(self, fieldname: str, tf: np.ndarray, lengths: np.ndarray, idf: float,
               boost: float) -> np.ndarray:
        """Scores of postings with frequencies `tf` in documents of these field lengths."""
        average = self.average.get(fieldname)
        if average is None:  # not a scored field (zones, pillar, ...): matching only
            return np.zeros(len(tf))
        tf = tf.astype(np.float64)
        norm = K1 * (1 - B + B * lengths.astype(np.float64) / average)
        return boost * idf * tf * (K1 + 1) / (tf + norm)

    def bounds(self, fieldname: str, max_tf: np.ndarray, min_length: np.ndarray, idf: float,
               boost: float) -> np.ndarray:
        """Upper bounds of the scores in blocks with these largest tf and shortest lengths."""
        return self.scores(fieldname, max_tf, min_length, idf, boost)


def rounded(scores: np.ndarray) -> np.ndarray:
    return np.round(scores, SCORE_DECIMALS)
