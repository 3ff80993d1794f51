"""Ranking: BM25F over arrays, and every constant that orders results, in one place.

BM25F as Robertson and Zaragoza define it (and Lucene's CombinedFieldQuery): a term searched
in several fields is one term of one combined document. Its frequency there is

    tf~ = sum over the fields f of  WEIGHT(f) * tf_f / (1 - B + B * length_f / average_f)

with a field's length counted in words (entries.WordPositions), and its score is saturated once,
with one idf (the live documents holding the term in any of the fields searched):

    boost * idf(term) * tf~ * (K1 + 1) / (tf~ + K1)

A field's weight belongs to the field, not to the query: a query's boost multiplies the term's
score (the words-together boost, a place's boost), the field weights stand inside tf~. The
Chinese character bigrams (a fallback for words the segmenter does not know) are another
analysis of the text, not the same term: a bigram term is scored alone, by the same formula
over its one field, times FALLBACK_WEIGHTS, below any whole word.

The same formula bounds a block of documents from each field's largest tf and shortest length
in the block: tf~ grows with every tf and shrinks with every length, and the saturation grows
with tf~, so no document of the block can score above it (what lets evaluation.py skip blocks;
see collect.py).
"""

from __future__ import annotations

import math

import numpy as np

K1, B = 1.2, 0.75

# BM25F field weights of the words of a record: titles above tags above zone/pillar names
# above the body.
FIELD_WEIGHTS = {
    "title": 4.0,
    "tags": 2.5,
    "names": 1.2,
    "body": 1.0,
}
# Fields of another analysis, scored alone and weighted outside the saturation: the Chinese
# character bigrams, below any whole word.
FALLBACK_WEIGHTS = {
    "cjk": 0.3,
}
TEXT_FIELDS = (*FIELD_WEIGHTS, *FALLBACK_WEIGHTS)

# The words-together boost of a query of plain words: records with the words in a row, or
# within NEAR_SLOP positions of each other, in a field, gain these multiples of the words'
# BM25F scores over the fields where they stand so.
TOGETHER_BOOST = 2.0
NEAR_BOOST = 0.5
NEAR_SLOP = 6

# A query word's synonym group (synonyms.yaml, everyday.yaml, glossary.yaml) is searched with
# it, each term a clause of its own: the word typed scores fully, another term of its language
# at SYNONYM_WEIGHT, a term of the other language (English <-> Chinese) at TRANSLATION_WEIGHT,
# so that a record holding the user's own word comes before one holding only its synonym (as
# Lucene's boosted synonyms and Elasticsearch's synonym rules weigh them). Chosen by a sweep
# on the tuning sets, from the middle of the range where both languages did best
# (docs/relevance.md, 6 December 2026).
SYNONYM_WEIGHT = 0.75
TRANSLATION_WEIGHT = 0.65

# A place inside a zone (places.yaml) in a query matches every record of the zone; the
# records that name the place gain this multiple of the place's score, to come first.
PLACE_BOOST = 10.0

# related(): a shared zone weighs like a good shared tag, a shared pillar like a weak one.
RELATED_ZONE = 2.0
RELATED_PILLAR = 1.0

# Scores are compared rounded to this many decimals, so that sums taken in another order
# (the reference, another page) rank alike; equal scores go newest first.
SCORE_DECIMALS = 6


def family(fieldname: str) -> str:
    """Fields whose terms combine into one BM25F term: the words of a record are one family;
    a fallback field is a family of its own."""
    return "words" if fieldname in FIELD_WEIGHTS else fieldname


class BM25F:
    """Term scores for one index generation: its live document count and average lengths."""

    def __init__(self, doc_count: int, average_lengths: dict[str, float]):
        self.doc_count = max(doc_count, 1)
        self.average = average_lengths

    def idf(self, df: int) -> float:
        return math.log(1.0 + (self.doc_count - df + 0.5) / (df + 0.5))

    def scored(self, fieldname: str) -> bool:
        return fieldname in self.average and fieldname in TEXT_FIELDS

    def weighted_tf(self, fieldname: str, tf: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """One field's part of tf~: its weight times tf over the normalised length."""
        if not self.scored(fieldname):  # not a scored field (zones, pillar, ...): matching only
            return np.zeros(len(tf))
        norm = 1 - B + B * lengths.astype(np.float64) / self.average[fieldname]
        return FIELD_WEIGHTS.get(fieldname, 1.0) * tf.astype(np.float64) / norm

    @staticmethod
    def saturated(tf_tilde: np.ndarray, idf: float, boost: float, fieldname: str) -> np.ndarray:
        """The score of a term of this combined frequency (0 where it is 0)."""
        outer = boost * idf * FALLBACK_WEIGHTS.get(fieldname, 1.0)
        return outer * tf_tilde * (K1 + 1) / (tf_tilde + K1)


def rounded(scores: np.ndarray) -> np.ndarray:
    return np.round(scores, SCORE_DECIMALS)
