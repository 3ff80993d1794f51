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
"""

from __future__ import annotations

import time

import numpy as np

from indexer.errors import SearchTooSlow
from indexer.engine.postings import Postings, TermPostings
from indexer.engine.scoring import BM25F, rounded

# a prefix or wildcard stands for at most its first 200 terms (compiling.py reads it here at
# each search)
MAX_WILDCARD_TERMS = 200
SAFETY = 1e-9  # relative widening of an upper bound: sums in another order round otherwise


class SearchContext:
    """One search: the generation's postings and scorer, what it has read, its deadline."""

    def __init__(self, postings: Postings, bm25: BM25F, live: np.ndarray | None = None,
                 budget: float | None = None):
        self.postings = postings
        self.bm25 = bm25
        self.n = postings.n
        self.live = postings.live if live is None else live
        self.budget = budget
        self.deadline = time.monotonic() + budget if budget else None
        self._terms: dict = {}
        self._masks: dict = {}

    def check_time(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise SearchTooSlow(self.budget)

    def term(self, fieldname: str, btext: bytes) -> TermPostings:
        key = (fieldname, btext)
        found = self._terms.get(key)
        if found is None:
            self.check_time()
            found = self._terms[key] = self.postings.term(fieldname, btext)
        return found

    def known(self, node) -> np.ndarray | None:
        """The node's whole match mask if this search has computed it already."""
        entry = self._masks.get(id(node))
        # the node is held beside its mask, so its id cannot pass to another node
        return entry[1] if entry is not None and entry[0] is node else None

    def mask(self, node) -> np.ndarray:
        found = self.known(node)
        if found is None:
            found = node.compute_match(self)
            self._masks[id(node)] = (node, found)
        return found


class Node:
    boost = 1.0

    def match(self, ctx: SearchContext) -> np.ndarray:
        return ctx.mask(self)

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


def union(ctx, nodes) -> np.ndarray:
    """The documents any of the nodes matches."""
    mask = nodes[0].match(ctx).copy()
    for node in nodes[1:]:
        mask |= node.match(ctx)
    return mask


def intersection(ctx, nodes) -> np.ndarray:
    """The documents every one of the nodes matches."""
    mask = nodes[0].match(ctx).copy()
    for node in nodes[1:]:
        mask &= node.match(ctx)
    return mask


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
        at = np.searchsorted(t.ids, docs)
        at[at == t.df] = 0
        hit = t.ids[at] == docs
        out[hit] = ctx.bm25.weighted_tf(self.fieldname, t.tf[at[hit]], lengths[docs[hit]])
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

    def compute_match(self, ctx):
        return intersection(ctx, self.children)

    def score(self, ctx, docs):
        total = sum(child.score(ctx, docs) for child in self.children)
        return self.boost * total * self.match_docs(ctx, docs)

    def bound(self, ctx):
        return self.boost * sum(child.bound(ctx) for child in self.children)


class Or(And):
    def compute_match(self, ctx):
        return union(ctx, self.children)

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

    def compute_match(self, ctx):
        return self.positive.match(ctx) & ~self.negative.match(ctx)

    def score(self, ctx, docs):
        return self.positive.score(ctx, docs) * self.match_docs(ctx, docs)

    def bound(self, ctx):
        return self.positive.bound(ctx)


class Not(Node):
    def __init__(self, inner: Node):
        self.inner = inner

    def compute_match(self, ctx):
        return ctx.live & ~self.inner.match(ctx)


class AndMaybe(Node):
    """The required part decides the match; the optional part adds to the score where it
    matches too. Only the documents scored are checked against the optional part."""

    def __init__(self, required: Node, optional: Node):
        self.required, self.optional = required, optional

    def compute_match(self, ctx):
        return self.required.match(ctx)

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

    def compute_match(self, ctx):
        return self.primary.match(ctx) | self.fallback.match(ctx)

    def match_docs(self, ctx, docs):
        return self.primary.match_docs(ctx, docs) | self.fallback.match_docs(ctx, docs)

    def score(self, ctx, docs):
        return np.where(self.primary.match_docs(ctx, docs), self.primary.score(ctx, docs),
                        self.fallback.score(ctx, docs))

    def upper(self, ctx, docs):
        return np.where(self.primary.match_docs(ctx, docs), self.primary.upper(ctx, docs),
                        self.fallback.upper(ctx, docs))

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
