"""Phrases in evaluation's node tree: words in order (Phrase), words all present (AllOf),
and their BM25F scoring over the fields of a family (CombinedPhrase).

A phrase matches where its words stand in order, at most `slop` positions apart: found
from the index's word pairs when it has them, else by checking word positions, a chunk
of documents at a time (PHRASE_CHUNK: bounded memory for common words).
"""

from __future__ import annotations

import numpy as np

from indexer.analysis.analyser import pair_term
from indexer.analysis.cjk import has_cjk
from indexer.engine.context import narrowed, union_candidates, union_within
from indexer.engine.evaluation import Node, Term, intersection, union, union_df

PHRASE_CHUNK = 8192  # documents whose positions are checked at once


class Phrase(Node):
    """Words in order in one field, each at most `slop` positions after the one before: a
    matcher, scored by its BM25F group (CombinedPhrase).

    With word pairs in the index (analysis.pair_term), the documents holding each
    consecutive pair are the exact matches of a two-word phrase, and few enough
    candidates for a longer one that their positions are checked exactly. Otherwise the
    positions of the documents holding every word are checked: for a whole mask when the
    phrase is required, for the asked documents only when it is optional."""

    def __init__(self, fieldname: str, words: list[str], btexts: list[bytes], slop: int,
                 pairs: bool):
        self.fieldname, self.slop = fieldname, slop
        self.words = [Term(fieldname, b) for b in btexts]
        # a Chinese word may stand in a text as a sub-word of a longer one, at that word's
        # position, where no pair of it was indexed: such phrases are checked on positions
        usable = pairs and slop == 1 and not any(has_cjk(w) for w in words)
        self.pairs = [Term(fieldname, pair_term(a, b).encode("utf-8"))
                      for a, b in zip(words, words[1:])] if usable else []
        self.exact_by_pairs = len(words) == 2 and bool(self.pairs)

    def _candidates(self, ctx, docs=None) -> np.ndarray:
        """The documents (or which of `docs`) holding every word and pair: the pairs first,
        and no more terms read once none is left (a word of no field's vocabulary)."""
        parts = self.pairs + self.words
        if docs is None:
            mask = parts[0].match(ctx).copy()
            for part in parts[1:]:
                if not mask.any():
                    break
                mask &= part.match(ctx)
            return mask
        mask = np.ones(len(docs), dtype=bool)
        for part in parts:
            if not mask.any():
                break
            mask &= part.match(ctx)[docs]
        return mask

    @property
    def costly(self):
        return not self.exact_by_pairs

    def candidates(self, ctx):
        known = ctx.known(self)
        return known if known is not None else self._candidates(ctx)

    def compute_match(self, ctx):
        if ctx.narrowing and not self.exact_by_pairs:
            return self.match_within(ctx, ctx.everywhere())
        mask = self._candidates(ctx)
        if self.exact_by_pairs:
            return mask
        docs = np.flatnonzero(mask)
        out = np.zeros(ctx.n, dtype=bool)
        for at in range(0, len(docs), PHRASE_CHUNK):  # bounded memory for common words
            chunk = docs[at:at + PHRASE_CHUNK]
            out[chunk[self._in_order(ctx, chunk)]] = True
        return out

    def match_within(self, ctx, within):
        """Positions checked only for the candidates among `within` not decided before in
        this search (ctx.memo): each document's at most once."""
        whole = narrowed(self, ctx)
        if whole is not None or self.exact_by_pairs:
            return (whole if whole is not None else self._candidates(ctx)) & within
        decided, found = ctx.memo(self)
        self._decide(ctx, np.flatnonzero(self._candidates(ctx) & within & ~decided))
        return found & within

    def _decide(self, ctx, docs: np.ndarray) -> None:
        decided, found = ctx.memo(self)
        check = self._in_row if self.slop == 1 else self._in_order
        for at in range(0, len(docs), PHRASE_CHUNK):  # bounded memory for common words
            chunk = docs[at:at + PHRASE_CHUNK]
            found[chunk[check(ctx, chunk)]] = True
        decided[docs] = True

    def _in_row(self, ctx, docs: np.ndarray) -> np.ndarray:
        """_in_order for slop 1: every term at its offset from the first word's position
        (a word at its index; with pairs, the pair of words i and i + 1 at i + 1, where it
        stands, and fewer positions than a common word's), the rarest term first, and each
        next term's positions read only for the documents still left."""
        if not len(docs):
            return np.zeros(0, dtype=bool)
        terms = ([(pair, i + 1) for i, pair in enumerate(self.pairs)] if self.pairs
                 else [(word, i) for i, word in enumerate(self.words)])
        terms.sort(key=lambda term: term[0].postings(ctx).df)
        left, current = docs, None
        for term, offset in terms:
            ctx.check_time()
            d, p = term.postings(ctx).positions(left)
            keep = p >= offset
            keys = _sorted_unique((d[keep] << 32) | (p[keep] - offset))
            current = keys if current is None else keys[_within(keys, current)]
            if not len(current):
                break
            left = np.unique(current >> 32)
        return _within(docs, np.unique(current >> 32))

    def match_docs(self, ctx, docs):
        known = ctx.known(self)
        if known is not None:
            return known[docs]
        found = self._candidates(ctx, docs)
        if self.exact_by_pairs or not found.any():
            return found
        if ctx.narrowing:
            decided, memo = ctx.memo(self)
            self._decide(ctx, docs[found & ~decided[docs]])
            return memo[docs]
        check = docs[found]
        found[found] = self._in_order(ctx, check)
        return found

    def possible(self, ctx, docs: np.ndarray) -> np.ndarray:
        """Which documents may match, without checking positions: exact when the pairs
        decide, or when the whole match is known already."""
        if self.exact_by_pairs or ctx.known(self) is not None:
            return self.match_docs(ctx, docs)
        return self._candidates(ctx, docs)

    def _in_order(self, ctx, docs: np.ndarray) -> np.ndarray:
        """For sorted documents holding every word: whether the words come in order."""
        if not len(docs):
            return np.zeros(0, dtype=bool)
        current = None
        for word in self.words:
            ctx.check_time()
            d, p = word.postings(ctx).positions(docs)
            keys = _sorted_unique((d << 32) | p)  # (document, position), in order already
            if current is None:
                current = keys
                continue
            reach = current + 1 if self.slop == 1 else np.unique(
                np.concatenate([current + step for step in range(1, self.slop + 1)]))
            current = reach[_within(reach, keys)]
            if not len(current):
                break
        return _within(docs, np.unique(current >> 32))

    def present(self, ctx) -> np.ndarray:
        """Per block, whether it holds every word (and every pair)."""
        parts = self.pairs + self.words
        present = parts[0].present(ctx)
        for part in parts[1:]:
            if not present.any():
                break
            present &= part.present(ctx)
        return present


class AllOf(Node):
    """Every one of several terms in one field, anywhere (a query word the analyser cuts into
    several, 外商投资企业): a matcher, scored by its BM25F group (CombinedPhrase)."""

    def __init__(self, fieldname: str, btexts: list[bytes]):
        self.fieldname = fieldname
        self.words = [Term(fieldname, b) for b in btexts]

    def compute_match(self, ctx):
        return intersection(ctx, self.words)

    def possible(self, ctx, docs: np.ndarray) -> np.ndarray:
        return self.match_docs(ctx, docs)

    def present(self, ctx) -> np.ndarray:
        present = self.words[0].present(ctx)
        for word in self.words[1:]:
            present &= word.present(ctx)
        return present


class CombinedPhrase(Node):
    """One phrase (or several words all present, AllOf) searched in one or more fields of a
    family, scored by BM25F: each word's weighted frequencies summed over the fields where the
    phrase stands in the document, saturated once, with the word's idf over the documents
    holding it in any of the fields."""

    def __init__(self, members: list[Phrase], boost: float = 1.0):
        self.members, self.boost = members, boost
        self.fieldname = members[0].fieldname

    @property
    def costly(self):
        return any(member.costly for member in self.members)

    def compute_match(self, ctx):
        if ctx.narrowing:
            return self.match_within(ctx, ctx.everywhere())
        return union(ctx, self.members)

    def match_within(self, ctx, within):
        whole = narrowed(self, ctx)
        return whole & within if whole is not None else union_within(ctx, self.members, within)

    def candidates(self, ctx):
        return union_candidates(ctx, self.members)

    def match_docs(self, ctx, docs):
        known = ctx.known(self)
        if known is not None:
            return known[docs]
        out = np.zeros(len(docs), dtype=bool)
        for phrase in self.members:
            out |= phrase.match_docs(ctx, docs)
        return out

    def _scores(self, ctx, docs, where: list[np.ndarray]) -> np.ndarray:
        """The words' BM25F over the fields where each member is marked in `where` (a field
        marked nowhere adds nothing: its words' frequencies are not read)."""
        total = np.zeros(len(docs))
        marked = [mark.any() for mark in where]
        if not any(marked):
            return total
        for i in range(len(self.members[0].words)):
            words = [phrase.words[i] for phrase in self.members]
            tf = sum(np.where(mark, word.weighted_tf(ctx, docs), 0.0)
                     for mark, word, held in zip(where, words, marked) if held)
            total += ctx.bm25.saturated(tf, ctx.bm25.idf(union_df(ctx, words)), self.boost,
                                        self.fieldname)
        return total

    def score(self, ctx, docs):
        return self._scores(ctx, docs, [p.match_docs(ctx, docs) for p in self.members])

    def upper(self, ctx, docs):
        """The words' scores in the fields that hold every word (and pair)."""
        return self._scores(ctx, docs, [p.possible(ctx, docs) for p in self.members])

    def bound(self, ctx):
        present = [phrase.present(ctx) for phrase in self.members]
        marked = [mark.any() for mark in present]
        total = np.zeros(ctx.postings.blocks)
        if not any(marked):
            return total
        for i in range(len(self.members[0].words)):
            words = [phrase.words[i] for phrase in self.members]
            tf = sum(np.where(mark, word.weighted_bound(ctx), 0.0)
                     for mark, word, held in zip(present, words, marked) if held)
            total += ctx.bm25.saturated(tf, ctx.bm25.idf(union_df(ctx, words)), self.boost,
                                        self.fieldname)
        return total


def _sorted_unique(keys: np.ndarray) -> np.ndarray:
    if len(keys) < 2 or bool(np.all(keys[1:] > keys[:-1])):
        return keys
    return np.unique(keys)


def _within(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Which values are among the sorted keys (a binary search each, no sort of both)."""
    if not len(sorted_keys):
        return np.zeros(len(values), dtype=bool)
    at = np.searchsorted(sorted_keys, values)
    at[at == len(sorted_keys)] = 0
    return sorted_keys[at] == values
