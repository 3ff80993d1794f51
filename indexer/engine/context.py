"""A search's state (its postings read so far, its masks, its deadline), and the set
operations over nodes' masks that evaluation.py's nodes share; the nodes themselves are
there. Nothing here imports a node: the functions take any object with match(),
match_within(), candidates() and costly.
"""

from __future__ import annotations

import time

import numpy as np

from indexer.errors import SearchTooSlow
from indexer.engine.postings import Postings, TermPostings
from indexer.engine.scoring import BM25F


class SearchContext:
    """One search: the generation's postings and scorer, what it has read, its deadline."""

    narrowing = True  # False: each node's whole mask on its own (the plain reference)

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
        self._memos: dict = {}

    def unbounded(self) -> "SearchContext":
        """This search's reads without its deadline: for what is worked out after the ranking
        (the shown records' explanations), which reads the same terms again and must not
        fail a search already done."""
        other = SearchContext(self.postings, self.bm25, self.live)
        other._terms = self._terms
        return other

    def everywhere(self) -> np.ndarray:
        return np.ones(self.n, dtype=bool)

    def memo(self, node) -> tuple[np.ndarray, np.ndarray]:
        """The node's (decided, found) masks in this search: the documents whose match it
        has decided so far, and those found to match."""
        entry = self._memos.get(id(node))
        if entry is None or entry[0] is not node:  # held beside its masks, as in _masks
            entry = self._memos[id(node)] = (node, np.zeros(self.n, dtype=bool),
                                             np.zeros(self.n, dtype=bool))
        return entry[1], entry[2]

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


def union(ctx, nodes, how: str = "match") -> np.ndarray:
    """The documents any of the nodes matches (`how`: or may match, "candidates")."""
    mask = getattr(nodes[0], how)(ctx).copy()
    for node in nodes[1:]:
        mask |= getattr(node, how)(ctx)
    return mask


def intersection(ctx, nodes) -> np.ndarray:
    """The documents every one of the nodes matches."""
    mask = nodes[0].match(ctx).copy()
    for node in nodes[1:]:
        mask &= node.match(ctx)
    return mask


def narrowed(node, ctx: SearchContext) -> np.ndarray | None:
    """The node's whole mask if it is known, or if this search does not narrow."""
    known = ctx.known(node)
    return known if known is not None or ctx.narrowing else node.match(ctx)


def cheap_first(nodes: list) -> list:
    return sorted(nodes, key=lambda node: node.costly)


def union_within(ctx, nodes, within, exclusive: bool = False) -> np.ndarray:
    """What any of the nodes matches among `within`. Each decides all of `within`, as the
    scores of the documents that may be ranked need every one of them; `exclusive` (a word
    and its fallback, scored only where the word is not found): each costly one decides
    only the documents the others have not matched."""
    found = np.zeros(ctx.n, dtype=bool)
    for node in cheap_first(nodes):
        found |= node.match_within(ctx, within & ~found if exclusive else within)
    return found


def union_candidates(ctx, nodes) -> np.ndarray:
    """The documents any of the nodes may match (their candidates)."""
    return union(ctx, nodes, "candidates")


def either(ctx, docs, primary, fallback, how: str) -> np.ndarray:
    """The primary's `how` (score, upper) where it matches, else the fallback's (a word and
    its bigram fallback): narrowing, the fallback is asked only about the other documents."""
    found = primary.match_docs(ctx, docs)
    if not ctx.narrowing:
        return np.where(found, getattr(primary, how)(ctx, docs), getattr(fallback, how)(ctx, docs))
    out = np.where(found, getattr(primary, how)(ctx, docs), 0.0)
    if not found.all():
        out[~found] = getattr(fallback, how)(ctx, docs[~found])
    return out
