"""Collection: the top k documents of a query without scoring every match, and facets.

Top-k by block-max bounds. The documents are cut into blocks (postings.Postings); the
query's node tree gives every block an upper bound of its documents' scores (evaluation.py),
from each term's largest frequency and shortest length in the block. Blocks are scored in
the order of their bounds, a batch at a time, and the search stops as soon as the k-th
best score found is above the bound of every block not scored yet: no document there can
enter the top k, so the result is exactly the top k of scoring everything.

Ranking is a total order, (score rounded to scoring.SCORE_DECIMALS, descending; newest
first), and every document's score is its own, computed the same whichever batch or page
it is in; so page p of per_page is always the slice [(p-1)*per_page, p*per_page) of the
same full ranking: pages never repeat or skip a record.
"""

from __future__ import annotations

import numpy as np

from indexer.engine.evaluation import SAFETY, Node, SearchContext
from indexer.engine.scoring import rounded

SCORE_ALL_BELOW = 2048  # with fewer candidates than this, scoring them all is cheapest
FIRST_BATCH = 512  # documents scored in the first batch of blocks; each batch doubles it


def top(ctx: SearchContext, root: Node, allowed: np.ndarray, rank: np.ndarray,
        k: int) -> tuple[list[int], dict[int, float]]:
    """The k best of the `allowed` documents (all of which match `root`), best first, and
    their scores."""
    if k <= 0:
        return [], {}
    candidates = np.flatnonzero(allowed)
    if len(candidates) <= max(SCORE_ALL_BELOW, 4 * k):
        return _best(candidates, _two_pass(ctx, root, candidates, rank, k), rank, k)
    starts = ctx.postings.block_starts
    bounds = root.bound(ctx)
    occupied = np.add.reduceat(allowed.astype(np.int32), starts[:-1]) > 0
    blocks = np.flatnonzero(occupied)
    blocks = blocks[np.argsort(-bounds[blocks], kind="stable")]
    ceiling = rounded(bounds[blocks] * (1 + SAFETY) + SAFETY)
    sizes = np.diff(starts)[blocks]
    best_docs = np.zeros(0, dtype=np.int64)
    best_scores = np.zeros(0)
    done, batch = 0, max(2 * k, FIRST_BATCH)
    while done < len(blocks):
        # enough blocks for about `batch` documents, and at least one
        end = done + max(1, int(np.searchsorted(np.cumsum(sizes[done:]), batch)))
        chosen = np.zeros(len(occupied), dtype=bool)
        chosen[blocks[done:end]] = True
        docs = np.flatnonzero(np.repeat(chosen, np.diff(starts)) & allowed)
        ctx.check_time()
        docs = np.concatenate([best_docs, docs])
        floor = best_scores[-1] if len(best_docs) == k else None
        fresh = root.score_above(ctx, docs[len(best_docs):], floor)
        scores = np.concatenate([best_scores, rounded(fresh)])
        order = np.lexsort((rank[docs], -scores))[:k]
        best_docs, best_scores = docs[order], scores[order]
        done, batch = end, batch * 2
        if len(best_docs) == k and done < len(blocks) and ceiling[done] < best_scores[-1]:
            break  # bounds are sorted: no block left can reach the k-th score
    return best_docs.tolist(), dict(zip(best_docs.tolist(), best_scores.tolist()))


def _two_pass(ctx, root, docs, rank, k):
    """Scores of all the candidates, the costly parts only where they can matter: the
    k-th best of the scores without them is a floor no document below it needs."""
    if len(docs) <= k or type(root).score_above is Node.score_above:
        return root.score(ctx, docs)
    cheap = rounded(root.score_above(ctx, docs, np.inf))  # the exact parts only
    floor = np.partition(-cheap, k - 1)[k - 1] * -1
    return root.score_above(ctx, docs, floor)


def _best(docs: np.ndarray, scores: np.ndarray, rank: np.ndarray, k: int):
    scores = rounded(scores)
    if len(docs) > k:
        # a partition keeps every document tied with the k-th, so the tie-break stays exact
        kth = np.partition(-scores, k - 1)[k - 1]
        keep = -scores <= kth
        docs, scores = docs[keep], scores[keep]
    order = np.lexsort((rank[docs], -scores))[:k]
    return docs[order].tolist(), dict(zip(docs[order].tolist(), scores[order].tolist()))


def facet_counts(matched: np.ndarray, filters: dict[str, np.ndarray | None],
                 groups: dict[str, dict[str, np.ndarray]]) -> dict[str, dict[str, int]]:
    """Disjunctive facets: each kind's counts apply every filter but its own, over the
    precomputed document sets of each of its values (a zone's, a pillar's, a scope's)."""
    out = {}
    for kind, values in groups.items():
        base = matched
        for other, mask in filters.items():
            if other != kind and mask is not None:
                base = base & mask
        out[kind] = {value: int(np.count_nonzero(base & mask)) for value, mask in values.items()}
    return out


def intersect(*masks: np.ndarray | None) -> np.ndarray | None:
    """The intersection of optional filter masks (None: no filter)."""
    out = None
    for mask in masks:
        if mask is not None:
            out = mask if out is None else out & mask
    return out
