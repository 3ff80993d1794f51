"""Query evaluation over whole posting lists with numpy: match masks, BM25 scores, facets.

Whoosh walks postings one document at a time in Python, which costs seconds at 100,000
records for common words, and counting facets with `groupedby` costs as much again. Here
Whoosh stays the storage and the analysis, and a query is evaluated a posting *block* at a
time: each term's document ids and frequencies become numpy arrays, a query becomes a
boolean match mask and a float score array, and facet counts are mask intersections.

Phrases are checked on positions, decoded only for the documents that hold every word;
the optional phrase boost of plain multi-word queries is computed for the top candidates only.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from itertools import accumulate
from pickle import loads

import numpy as np
from whoosh import query as Q
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.system import _INT_SIZE

from .analysis import pair_term
from .errors import SearchTooSlow

K1, B = 1.2, 0.75
PHRASE_RESCORE = 64  # candidates whose phrase boost is computed, beyond the page


@dataclass
class Evaluated:
    mask: np.ndarray    # bool per docnum: the document matches
    scores: np.ndarray  # float32 per docnum


class Engine:
    """Evaluates Whoosh query trees for one opened index generation."""

    def __init__(self, searcher, live: np.ndarray, fields: tuple[str, ...]):
        self.searcher = searcher
        self.rank: np.ndarray | None = None  # newest-first rank per docnum, for ties
        self.keep = 0  # how many top documents the caller needs
        self.restrict: np.ndarray | None = None  # the filters the caller will apply
        self.deadline: float | None = None
        self.reader = searcher.reader()
        self.n = len(live)
        self.live = live
        self.leaves = _leaves(self.reader)
        self.lengths = {f: self._lengths(f) for f in fields}
        total = max(int(live.sum()), 1)
        self.avg = {f: max(float(self.lengths[f][live].sum()) / total, 1.0) for f in fields}
        self.doc_count = total

    # -- postings ------------------------------------------------------------------------
    def _lengths(self, fieldname: str) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        for leaf, offset in self.leaves:
            count = leaf.doc_count_all()
            out[offset:offset + count] = [leaf.doc_field_length(d, fieldname, 0) or 0
                                          for d in range(count)]
        return out

    def begin(self, keep: int, restrict: np.ndarray | None, budget: float | None = None) -> None:
        """Start evaluating one search: how many top documents it needs, which filters, and
        how many seconds it may take (SearchTooSlow past that)."""
        self.keep, self.restrict = keep, restrict
        self._memo: dict = {}
        self.budget = budget
        self.deadline = time.monotonic() + budget if budget else None

    def _check_time(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise SearchTooSlow(self.budget)

    def postings(self, fieldname: str, text, values: bool = False):
        """(ids, frequencies[, encoded values]) of one term across all segments.

        Remembered for the rest of the search (a word in a phrase and in the terms around it
        is read once), never across searches."""
        if isinstance(text, str):
            text = self.reader.schema[fieldname].to_bytes(text)
        memo = getattr(self, "_memo", None)
        key = (fieldname, text, values)
        if memo is not None and key in memo:
            return memo[key]
        ids, freqs, vals = self._read_postings(fieldname, text, values)
        found = (ids, freqs, vals) if values else (ids, freqs)
        if memo is not None:
            memo[key] = found
        return found

    def end(self) -> None:
        """Forget the search's postings: at 100,000 records they are tens of megabytes."""
        self._memo = None

    def _read_postings(self, fieldname: str, text: bytes, values: bool):
        self._check_time()
        ids, freqs, vals = [], [], []
        for leaf, offset in self.leaves:
            try:
                m = leaf.postings(fieldname, text)
            except Exception:  # TermNotFound in this segment
                continue
            if isinstance(m, W3LeafMatcher) and hasattr(m, "_read_data"):
                while m.is_active():
                    m._read_data()
                    raw = m._data[0]
                    block = np.asarray(raw, dtype=np.int64)
                    if not m._byteids:
                        block = np.cumsum(block)
                    ids.append(block + offset)
                    m._read_weights()
                    freqs.append(np.asarray(m._weights, dtype=np.float32))
                    if values:  # positions: kept only for the phrase checks that need them
                        m._read_values()
                        vals.extend(m._values)
                    m._next_block()
            else:  # another codec: the slow, public way
                while m.is_active():
                    ids.append(np.array([m.id() + offset]))
                    freqs.append(np.array([m.weight()], dtype=np.float32))
                    if values:
                        vals.append(m.value())
                    m.next()
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), []
        return np.concatenate(ids), np.concatenate(freqs), vals

    def _idf(self, df: int) -> float:
        return math.log(1.0 + (self.doc_count - df + 0.5) / (df + 0.5))

    def term(self, fieldname: str, text, boost: float = 1.0) -> Evaluated:
        mask = np.zeros(self.n, dtype=bool)
        scores = np.zeros(self.n, dtype=np.float32)
        ids, tf = self.postings(fieldname, text)
        if len(ids):
            keep = self.live[ids]
            ids, tf = ids[keep], tf[keep]
            mask[ids] = True
            if fieldname in self.lengths:
                norm = K1 * (1 - B + B * self.lengths[fieldname][ids] / self.avg[fieldname])
                scores[ids] = boost * self._idf(len(ids)) * tf * (K1 + 1) / (tf + norm)
            else:
                scores[ids] = 0.0
        return Evaluated(mask, scores)

    # -- query trees ---------------------------------------------------------------------
    def _rank(self) -> np.ndarray:
        return self.rank if self.rank is not None else np.zeros(self.n, dtype=np.int64)

    def evaluate(self, q, among: np.ndarray | None = None) -> Evaluated:
        """Match mask and scores of a query tree; `among` limits costly phrase checks."""
        if isinstance(q, Q.Term):
            return self.term(q.fieldname, q.text, q.boost)
        if isinstance(q, Q.Every):
            return Evaluated(self.live.copy(), np.zeros(self.n, dtype=np.float32))
        if q is Q.NullQuery or isinstance(q, type(Q.NullQuery)):
            return self._nothing()
        if isinstance(q, Q.Phrase):
            return self.phrase(q, among)
        if isinstance(q, Q.AndMaybe):
            required = self.evaluate(q.a, among)
            # the optional part (the phrase boost) only reorders the top: compute it there
            pool = required.mask if self.restrict is None else required.mask & self.restrict
            best = top(required.scores, pool, self._rank(), self.keep + PHRASE_RESCORE)
            candidates = np.zeros(self.n, dtype=bool)
            candidates[best] = True
            optional = self.evaluate(q.b, candidates)
            return Evaluated(required.mask, required.scores + optional.scores * candidates)
        if isinstance(q, Q.AndNot):
            positive = self.evaluate(q.a, among)
            negative = self.evaluate(q.b)
            mask = positive.mask & ~negative.mask
            return Evaluated(mask, positive.scores * mask)
        if isinstance(q, Q.Not):
            inner = self.evaluate(q.query)
            return Evaluated(self.live & ~inner.mask, np.zeros(self.n, dtype=np.float32))
        if isinstance(q, Q.Or) and any(_has_phrase(sub) for sub in q.subqueries):
            return self._or_with_phrases(q, among)
        if isinstance(q, (Q.And, Q.Or)):
            parts = [self.evaluate(sub, among) for sub in q.subqueries]
            if not parts:
                return self._nothing()
            mask = parts[0].mask.copy()
            scores = parts[0].scores.copy()
            for part in parts[1:]:
                if isinstance(q, Q.And):
                    mask &= part.mask
                else:
                    mask |= part.mask
                scores += part.scores
            if q.boost != 1.0:
                scores *= q.boost
            return Evaluated(mask, scores * mask)
        if isinstance(q, Q.MultiTerm):  # prefixes and wildcards, already capped
            texts = list(q._btexts(self.reader))
            return self.evaluate(Q.Or([Q.Term(q.fieldname, t, boost=q.boost) for t in texts]))
        # anything else: let Whoosh find the documents, and give them a flat score
        mask = np.zeros(self.n, dtype=bool)
        ids = np.fromiter(self.searcher.docs_for_query(q), dtype=np.int64)
        mask[ids] = True
        return Evaluated(mask & self.live, (mask & self.live).astype(np.float32))

    def _or_with_phrases(self, q: Q.Or, among: np.ndarray | None) -> Evaluated:
        """Phrase alternatives are costly to check: check them only for the documents whose
        result they can change, those no cheap alternative matched and the top candidates."""
        cheap = [sub for sub in q.subqueries if not _has_phrase(sub)]
        costly = [sub for sub in q.subqueries if _has_phrase(sub)]
        result = self.evaluate(Q.Or(cheap), among) if cheap else self._nothing()
        mask, scores = result.mask.copy(), result.scores.copy()
        check = ~mask
        if mask.any():
            pool = mask if self.restrict is None else mask & self.restrict
            check[top(scores, pool, self._rank(), self.keep + PHRASE_RESCORE)] = True
        if among is not None:
            check &= among
        for sub in costly:
            part = self.evaluate(sub, check)
            mask |= part.mask
            scores += part.scores
        if q.boost != 1.0:
            scores *= q.boost
        return Evaluated(mask, scores * mask)

    def _nothing(self) -> Evaluated:
        return Evaluated(np.zeros(self.n, dtype=bool), np.zeros(self.n, dtype=np.float32))

    def phrase(self, q: Q.Phrase, among: np.ndarray | None = None) -> Evaluated:
        """Documents with the words in order, at most `slop` positions apart each.

        An exact phrase is the documents holding each of its consecutive word pairs (one
        term each, see analysis.pair_term): exact for two words; for more, a document with
        "a b" and "b c" apart would pass, which in prose is rare enough to accept, as
        biword indexes do. Positions are checked only for proximity (slop > 1)."""
        field = self.reader.schema[q.fieldname]
        words = [field.to_bytes(w) for w in q.words]
        terms = [self.term(q.fieldname, w, q.boost) for w in words]
        candidates = terms[0].mask.copy()
        for t in terms[1:]:
            candidates &= t.mask
        if q.slop == 1 and len(q.words) > 1 and getattr(field.analyzer, "pairs", False):
            for first, second in zip(q.words, q.words[1:]):
                candidates &= self.term(q.fieldname, pair_term(first, second)).mask
            scores = sum(t.scores for t in terms)
            return Evaluated(candidates, scores * candidates)
        if among is not None:
            candidates &= among
        docs = np.flatnonzero(candidates)
        mask = np.zeros(self.n, dtype=bool)
        if len(docs) == 0:
            return Evaluated(mask, np.zeros(self.n, dtype=np.float32))
        per_word = []
        for w in words:
            ids, _tf, vals = self.postings(q.fieldname, w, values=True)
            wanted = np.flatnonzero(candidates[ids])
            per_word.append({int(ids[i]): vals[i] for i in wanted})
        for i, doc in enumerate(docs.tolist()):
            if not i % 1024:
                self._check_time()
            positions = [_positions(pw[doc]) for pw in per_word if doc in pw]
            if len(positions) == len(words) and _in_order(positions, q.slop):
                mask[doc] = True
        scores = np.zeros(self.n, dtype=np.float32)
        for t in terms:
            scores += t.scores
        return Evaluated(mask, scores * mask)


def _has_phrase(q) -> bool:
    return isinstance(q, Q.Phrase) or any(_has_phrase(c) for c in q.children())


def _positions(value: bytes) -> list[int]:
    """Positions of a Whoosh `Positions` posting value (what its decode_positions does,
    with the running sum in C)."""
    if not value.endswith(b"."):
        value += b"."
    return list(accumulate(loads(value[_INT_SIZE:])))


def _in_order(positions: list[list[int]], slop: int) -> bool:
    """Whether word i+1 follows word i within `slop` positions, for some chain of positions."""
    current = set(positions[0])
    steps = range(1, slop + 1)
    for following in positions[1:]:
        reachable = {c + d for c in current for d in steps} if slop > 1 else {c + 1 for c in current}
        current = reachable.intersection(following)
        if not current:
            return False
    return True


def _leaves(reader):
    if reader.is_atomic():
        return [(reader, 0)]
    return [(leaf, offset) for leaf, offset in reader.leaf_readers()]


def top(scores: np.ndarray, mask: np.ndarray, rank: np.ndarray, k: int) -> list[int]:
    """Docnums of the k best matches: highest score, equal scores newest first."""
    docs = np.flatnonzero(mask)
    if len(docs) == 0 or k <= 0:
        return []
    s = np.round(scores[docs], 5)
    if len(docs) > k:
        # a partition keeps every document tied with the k-th, so the tie-break stays exact
        kth = np.partition(-s, k - 1)[k - 1]
        keep = -s <= kth
        docs, s = docs[keep], s[keep]
    order = np.lexsort((rank[docs], -s))
    return docs[order][:k].tolist()
