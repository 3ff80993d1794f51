"""Ranking a partial match by meaning too: when no record holds every word of a plain
English query (a relaxed search, relax.py), its best matches by BM25 are re-ranked with the
similarity of their meaning to the query's (analysis/meaning.py), and the few records nearer
in meaning than every match join them, marked so.

A query every word of which some record holds keeps BM25's ranking (title above body, the
word typed above its synonyms: what a query of the field's own words asks for), as do
phrases, fields, operators and Chinese (exact by what they are). A relaxed search's best
WINDOW matches (Elasticsearch's rescore window, Lucene's QueryRescorer) are ordered by

    score = bm25 / best bm25 of the window + WEIGHT * cosine(record, query)

and at most CANDIDATES records whose cosine is above every match's join them, chosen as the
search without its filters would choose them (a facet counts what its filter shows) and
within the zones the query names, as zones or by a place in them; they score their cosine
alone
(`near_in_meaning` on the hit, a note on each and one on the search). Matches after the
window keep BM25's order. Chosen on the tuning sets with round 5 held aside as
validation: docs/relevance.md, "Meaning".
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from indexer.analysis.cjk import has_cjk
from indexer.engine.collect import top
from indexer.engine.evaluation import Node, SearchContext
from indexer.engine.scoring import rounded
from indexer.query.parsed import ParsedQuery
from indexer.search.generation import Generation

WINDOW = 30
CANDIDATES = 3
WEIGHT = 1.0


def meaning_text(parsed: ParsedQuery) -> str | None:
    """The text whose meaning ranks a relaxed query's matches: a plain English query's
    (all its words, those no record holds too); None for any other (a phrase, a field, an
    operator, Chinese)."""
    if parsed.structured or not parsed.units:
        return None
    if not all(u.plain for u in parsed.units) or has_cjk(parsed.text):
        return None
    return parsed.text


def joins(gen: Generation, vector: np.ndarray, parsed: ParsedQuery, words: Sequence,
          matching: np.ndarray, k: int = CANDIDATES) -> np.ndarray:
    """The records a relaxed search joins by meaning, a boolean mask: at most `k` records
    that do not match (`matching`: the matches of the search without its filters) whose
    cosine is above every match's (and above 0), nearest first, equal cosines in the index's
    order; within the zones the query names (a zone or a place in it: who names one asks for
    its records; relax.py keeps the name first). None of it depends on the filters: a facet
    counts the joined records its filter shows."""
    named = {z for z, _typed in parsed.zones_named}
    named |= {z for u in words for z in (u.zone, u.place) if z}
    zones = [gen.zone_masks[z] for z in sorted(named) if z in gen.zone_masks]
    within = gen.live if not zones else gen.live & np.logical_or.reduce(zones)
    sims = gen.meaning.similarity(vector)
    floor = max(float(sims[matching].max()) if matching.any() else 0.0, 0.0)
    docs = np.flatnonzero(within & ~matching & (sims > floor))
    if len(docs) > k:
        docs = docs[np.lexsort((gen.rank[docs], -sims[docs]))[:k]]
    out = np.zeros(len(gen.live), dtype=bool)
    out[docs] = True
    return out


def fused(scores: dict[int, float], docs: list[int], sims: np.ndarray) -> dict[int, float]:
    """The fused score of each of `docs` (BM25 `scores`, 0 for a record found by meaning
    alone; `sims` their cosines), BM25 scaled by the best in `scores`."""
    best = max(scores.values(), default=0.0) or 1.0
    lexical = np.array([scores.get(d, 0.0) for d in docs], dtype=np.float64)
    # rounded as BM25's scores are (scoring.py): equal scores go newest first, in any order
    # of segments
    return dict(zip(docs, rounded(lexical / best + WEIGHT * np.asarray(sims)).tolist()))


def ranked(ctx: SearchContext, gen: Generation, root: Node, matching: np.ndarray,
           near: np.ndarray | None, vector: np.ndarray, k: int) -> tuple[list[int], dict]:
    """The k best of the allowed documents: `matching` (which match `root`) and `near`
    (joined by meaning; None for none), best first, with their fused scores (after the
    window, in BM25's order, a fused score may be above one before it)."""
    docs, scores = top(ctx, root, matching, gen.rank, max(WINDOW, k))
    head, tail = docs[:WINDOW], docs[WINDOW:]
    pool = head + ([] if near is None else np.flatnonzero(near & ~matching).tolist())
    # the tail keeps BM25's order; its fused scores are said all the same (the best BM25
    # score is the head's)
    sims = gen.meaning.similarity(vector, np.array(pool + tail, dtype=np.int64))
    out = fused(scores, pool + tail, sims)
    order = sorted(pool, key=lambda d: (-out[d], gen.rank[d]))
    return (order + tail)[:k], out
