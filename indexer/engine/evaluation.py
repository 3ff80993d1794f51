"""Query evaluation: nodes that match, score and bound (a Whoosh query tree compiled to
them by compiling.py; phrases are phrases.py's).

Each node answers three questions for one search, over global document numbers:

    match(ctx)          which documents match (a bool mask; totals and facets need it whole)
    score(ctx, docs)    the exact scores of the given documents (0 where they don't match)
    bound(ctx)          per block of documents (postings.Postings.block_starts), a score
                        no document of the block can exceed

so that the collector (collect.py) scores only the blocks that can still reach the top,
and costly checks (word positions) run only for the documents it asks about. A search's
state (its postings read so far, its masks, its deadline) lives in its SearchContext, never
on the shared nodes or the index: threads search in parallel.

Narrowing: a whole mask is found as match_within(ctx, everywhere), each node deciding only
the documents still open: an And its costly children (phrases.Phrase: positions) within
what the cheap supersets of all its children (candidates) leave, a Fallback its fallback
where the word is not found, a phrase each document at most once per search (ctx.memo).
An Or's children each decide all of what is open (the ranked documents' scores need every
one of them). With SearchContext.narrowing False every node's whole mask is found on its
own: the plain reference (tests/test_narrowing.py).
"""

from __future__ import annotations

import numpy as np

from indexer.engine.context import (SearchContext, cheap_first, either, intersection,
                                    narrowed, union, union_candidates, union_within)
from indexer.engine.postings import TermPostings
from indexer.engine.scoring import rounded

# a prefix or wildcard stands for at most its first 200 terms (compiling.py reads it here at
# each search)
MAX_WILDCARD_TERMS = 200
SAFETY = 1e-9  # relative widening of an upper bound: sums in another order round otherwise


class Node:
    boost = 1.0
    costly = False  # whether matching reads word positions (a phrase), or holds a node that does

    def match(self, ctx: SearchContext) -> np.ndarray:
        return ctx.mask(self)

    def match_within(self, ctx: SearchContext, within: np.ndarray) -> np.ndarray:
        """The node's matches among `within` (False outside it): a costly node decides only
        those documents."""
        return self.match(ctx) & within

    def candidates(self, ctx: SearchContext) -> np.ndarray:
        """A superset of the node's matches, found without costly checks."""
        return self.match(ctx)

    def match_docs(self, ctx: SearchContext, docs: np.ndarray) -> np.ndarray:
        return self.match(ctx)[docs]

    def compute_match(self, ctx: SearchContext) -> np.ndarray:
        raise NotImplementedError

    def score(self, ctx: SearchContext, docs: np.ndarray) -> np.ndarray:
        return np.zeros(len(docs))

    def upper(self, ctx: SearchContext, docs: np.ndarray) -> np.ndarray:
        """Per document, a score it cannot exceed, found without costly checks (positions);
        by default the exact score."""
        return self.score(ctx, docs)

    def score_above(self, ctx: SearchContext, docs: np.ndarray, floor: float | None) -> np.ndarray:
        """The exact score of every document that may reach `floor`; for the others, any
        value below `floor` (the collector drops them: they cannot enter its top k)."""
        return self.score(ctx, docs)

    def bound(self, ctx: SearchContext) -> np.ndarray:
        return np.zeros(ctx.postings.blocks)


class Nothing(Node):
    def compute_match(self, ctx):
        return np.zeros(ctx.n, dtype=bool)


class Everything(Node):
    def compute_match(self, ctx):
        return ctx.live.copy()


class Term(Node):
    """Where one term of one field stands: a matcher. Its score is its BM25F group's
    (Combined), which may hold the same term in other fields."""

    def __init__(self, fieldname: str, btext: bytes):
        self.fieldname, self.btext = fieldname, btext

    def postings(self, ctx) -> TermPostings:
        return ctx.term(self.fieldname, self.btext)

    def compute_match(self, ctx):
        mask = np.zeros(ctx.n, dtype=bool)
        mask[self.postings(ctx).ids] = True
        return mask

    def weighted_tf(self, ctx, docs: np.ndarray) -> np.ndarray:
        """The field's part of tf~ (scoring.py) in each of the given documents."""
        t = self.postings(ctx)
        out = np.zeros(len(docs))
        lengths = ctx.postings.lengths.get(self.fieldname)
        if not t.df or not len(docs) or lengths is None:
            return out
        hit = self.match(ctx)[docs]  # the search's mask of the term: a binary search
        held = docs[hit]             # only for the documents holding it
        out[hit] = ctx.bm25.weighted_tf(self.fieldname, t.tf[np.searchsorted(t.ids, held)],
                                        lengths[held])
        return out

    def weighted_bound(self, ctx) -> np.ndarray:
        """Per block, the largest part of tf~ the field can give a document of the block."""
        t = self.postings(ctx)
        out = np.zeros(ctx.postings.blocks)
        if t.df and self.fieldname in ctx.postings.lengths:
            out[t.block_ids] = ctx.bm25.weighted_tf(self.fieldname, t.block_max, t.block_minlen)
        return out

    def present(self, ctx) -> np.ndarray:
        """Per block, whether any of its documents holds the term."""
        out = np.zeros(ctx.postings.blocks, dtype=bool)
        out[self.postings(ctx).block_ids] = True
        return out


def union_df(ctx, terms: list[Term]) -> int:
    """The live documents holding any of these terms (one term in several fields)."""
    if len(terms) == 1:
        return terms[0].postings(ctx).df
    return int(np.count_nonzero(union(ctx, terms)))


class Combined(Node):
    """One term searched in one or more fields of a family (scoring.family), scored as one
    term by BM25F: the fields' weighted frequencies summed, saturated once, one idf over the
    documents holding the term in any of the fields."""

    def __init__(self, members: list[Term], boost: float = 1.0):
        self.members, self.boost = members, boost
        self.fieldname = members[0].fieldname  # the family's weight outside the saturation

    def compute_match(self, ctx):
        return union(ctx, self.members)

    def _idf(self, ctx) -> float:
        return ctx.bm25.idf(union_df(ctx, self.members))

    def score(self, ctx, docs):
        tf = sum(term.weighted_tf(ctx, docs) for term in self.members)
        return ctx.bm25.saturated(tf, self._idf(ctx), self.boost, self.fieldname)

    def bound(self, ctx):
        tf = sum(term.weighted_bound(ctx) for term in self.members)
        return ctx.bm25.saturated(tf, self._idf(ctx), self.boost, self.fieldname)


class Weighted(Node):
    """A fixed set of documents, each scoring `weight` (related(): a shared zone)."""

    def __init__(self, mask: np.ndarray, weight: float):
        self.mask_, self.weight = mask, weight

    def compute_match(self, ctx):
        return self.mask_ & ctx.live

    def score(self, ctx, docs):
        return self.weight * self.match(ctx)[docs]

    def bound(self, ctx):
        has = np.add.reduceat(self.match(ctx), ctx.postings.block_starts[:-1]) > 0
        return self.weight * has


class And(Node):
    def __init__(self, children: list[Node], boost: float = 1.0):
        self.children, self.boost = children, boost

    @property
    def costly(self):
        return any(child.costly for child in self.children)

    def compute_match(self, ctx):
        if ctx.narrowing:
            return self.match_within(ctx, ctx.everywhere())
        return intersection(ctx, self.children)

    def match_within(self, ctx, within):
        whole = narrowed(self, ctx)
        if whole is not None:
            return whole & within
        for child in self.children:  # every child's cheap superset first
            within = within & child.candidates(ctx)
        for child in cheap_first(self.children):
            within = child.match_within(ctx, within)
        return within

    def candidates(self, ctx):
        out = self.children[0].candidates(ctx).copy()
        for child in self.children[1:]:
            out &= child.candidates(ctx)
        return out

    def score(self, ctx, docs):
        total = sum(child.score(ctx, docs) for child in self.children)
        return self.boost * total * self.match_docs(ctx, docs)

    def bound(self, ctx):
        return self.boost * sum(child.bound(ctx) for child in self.children)


class Or(And):
    def compute_match(self, ctx):
        if ctx.narrowing:
            return self.match_within(ctx, ctx.everywhere())
        return union(ctx, self.children)

    def match_within(self, ctx, within):
        whole = narrowed(self, ctx)
        return whole & within if whole is not None else union_within(ctx, self.children, within)

    def candidates(self, ctx):
        return union_candidates(ctx, self.children)

    def match_docs(self, ctx, docs):
        out = np.zeros(len(docs), dtype=bool)
        for child in self.children:
            out |= child.match_docs(ctx, docs)
        return out

    def score(self, ctx, docs):  # a child scores 0 where it does not match
        return self.boost * sum(child.score(ctx, docs) for child in self.children)

    def upper(self, ctx, docs):
        return self.boost * sum(child.upper(ctx, docs) for child in self.children)


class AndNot(Node):
    def __init__(self, positive: Node, negative: Node):
        self.positive, self.negative = positive, negative

    @property
    def costly(self):
        return self.positive.costly or self.negative.costly

    def compute_match(self, ctx):
        if ctx.narrowing:
            return self.match_within(ctx, ctx.everywhere())
        return self.positive.match(ctx) & ~self.negative.match(ctx)

    def match_within(self, ctx, within):
        whole = narrowed(self, ctx)
        if whole is not None:
            return whole & within
        found = self.positive.match_within(ctx, within)
        return found & ~self.negative.match_within(ctx, found)

    def candidates(self, ctx):
        return self.positive.candidates(ctx)

    def score(self, ctx, docs):
        return self.positive.score(ctx, docs) * self.match_docs(ctx, docs)

    def bound(self, ctx):
        return self.positive.bound(ctx)


class Not(Node):
    def __init__(self, inner: Node):
        self.inner = inner

    @property
    def costly(self):
        return self.inner.costly

    def compute_match(self, ctx):
        return ctx.live & ~self.inner.match(ctx)

    def match_within(self, ctx, within):
        whole = narrowed(self, ctx)
        if whole is not None:
            return whole & within
        return within & ctx.live & ~self.inner.match_within(ctx, within)

    def candidates(self, ctx):
        return ctx.live


class AndMaybe(Node):
    """The required part decides the match; the optional part adds to the score where it
    matches too. Only the documents scored are checked against the optional part."""

    def __init__(self, required: Node, optional: Node):
        self.required, self.optional = required, optional

    @property
    def costly(self):
        return self.required.costly

    def compute_match(self, ctx):
        return self.required.match(ctx)

    def match_within(self, ctx, within):
        return self.required.match_within(ctx, within)

    def candidates(self, ctx):
        return self.required.candidates(ctx)

    def match_docs(self, ctx, docs):
        return self.required.match_docs(ctx, docs)

    def score(self, ctx, docs):
        base = self.required.score(ctx, docs)
        return (base + self.optional.score(ctx, docs)) * self.match_docs(ctx, docs)

    def score_above(self, ctx, docs, floor):
        """The optional part's costly checks (the words within six positions) only for the
        documents that could reach `floor` with it: the rest keep the required part's score,
        which is below `floor` too."""
        if floor is None:
            return self.score(ctx, docs)
        base = self.required.score(ctx, docs)
        could = base + self.optional.upper(ctx, docs)
        check = rounded(could * (1 + SAFETY) + SAFETY) >= floor  # floor: a rounded score
        out = base.copy()
        if check.any():
            out[check] += self.optional.score(ctx, docs[check])
        return out * self.match_docs(ctx, docs)

    def bound(self, ctx):
        return self.required.bound(ctx) + self.optional.bound(ctx)


class Fallback(Node):
    """A word and its fallback (the Chinese character bigrams of a word the segmenter may not
    know): the word's score where the word is found, else the fallback's."""

    def __init__(self, primary: Node, fallback: Node):
        self.primary, self.fallback = primary, fallback

    @property
    def costly(self):
        return self.primary.costly or self.fallback.costly

    def compute_match(self, ctx):
        if ctx.narrowing:
            return self.match_within(ctx, ctx.everywhere())
        return self.primary.match(ctx) | self.fallback.match(ctx)

    def match_within(self, ctx, within):
        whole = narrowed(self, ctx)
        if whole is not None:
            return whole & within
        return union_within(ctx, [self.primary, self.fallback], within, exclusive=True)

    def candidates(self, ctx):
        return union_candidates(ctx, [self.primary, self.fallback])

    def match_docs(self, ctx, docs):
        return self.primary.match_docs(ctx, docs) | self.fallback.match_docs(ctx, docs)

    def score(self, ctx, docs):
        return either(ctx, docs, self.primary, self.fallback, "score")

    def upper(self, ctx, docs):
        return either(ctx, docs, self.primary, self.fallback, "upper")

    def bound(self, ctx):
        return np.maximum(self.primary.bound(ctx), self.fallback.bound(ctx))


class Flat(Node):
    """A query Whoosh evaluates itself (none the parser makes now): a flat score of 1."""

    def __init__(self, query):
        self.query = query

    def compute_match(self, ctx):
        mask = np.zeros(ctx.n, dtype=bool)
        with ctx.postings._lock:
            ids = np.fromiter(ctx.postings.searcher.docs_for_query(self.query), dtype=np.int64)
        mask[ids] = True
        return mask & ctx.live

    def score(self, ctx, docs):
        return self.match(ctx)[docs].astype(np.float64)

    def bound(self, ctx):
        return np.ones(ctx.postings.blocks)
