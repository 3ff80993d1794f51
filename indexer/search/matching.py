"""One page of the matches of a parsed query: compiled (evaluation.py), matched within the
filters, counted by facet, ranked (collect.py), and only the shown records loaded, with
their passages and explanations."""

from __future__ import annotations

from typing import Sequence

import numpy as np
from whoosh import query as Q

from indexer.analysis.cjk import has_cjk
from indexer.engine.collect import facet_counts, intersect, top
from indexer.engine.compiling import compile_query
from indexer.engine.evaluation import Node
from indexer.notes import Note
from indexer.search.generation import Generation
from indexer.search.hybrid import joins, ranked
from indexer.query.parsed import ParsedQuery, Unit
from indexer.records.latin import unmark
from indexer.search.explanations import highlight_terms, place_use, synonym_use
from indexer.search.results import SearchResult, hit_from_record
from indexer.search.snippets import first_snippet


def searched(gen: Generation, unit: Unit) -> Q.Query | None:
    """The query a unit of plain words is searched by; None for one searched by nothing (a
    stop word: "and", "the"), which no record can be said to hold or not to hold."""
    q = gen.builder.unit_query(unit)
    return None if q is None or q is Q.NullQuery else q


def run(gen: Generation, parsed: ParsedQuery, filters: dict, page: int, per_page: int,
        budget: float | None, snippets: bool = True, newest_first: bool = False,
        words: Sequence = (), within: np.ndarray | None = None,
        coordination: np.ndarray | None = None, meaning: str | None = None,
        joined_over: np.ndarray | None = None) -> SearchResult:
    """One page of the matches of `parsed`; with `words` (units of a relaxed query, or a
    full match's place units), which of them each shown record holds, and which any matching
    record holds (a place: naming it; a record of its zone that does not says so). `budget`:
    the seconds the search may take (KnowledgeBase.time_budget). `meaning`: in a relaxed
    search (`within`), the text whose meaning ranks the matches too and joins the records
    nearer to it than every match of the search without its filters (`joined_over`: those
    matches; `within` when not given) (hybrid.py)."""
    masks = {kind: gen.any_of(kind, ids) for kind, ids in filters.items()}
    start = (page - 1) * per_page
    ctx = gen.context(budget)
    root = None
    if parsed.query is None:
        matched = gen.live
    else:
        root = compile_query(parsed.query, gen.postings)
        if coordination is not None:
            root = Coordinated(root, coordination)
        matched = root.match(ctx) & gen.live
    if within is not None:  # a relaxed search's matches (relax.py)
        matched = matched & within
    # a relaxed search ranked by meaning too (hybrid.py); the records it joins are matches
    # in either order (an export newest first, a feed, holds the records of the search's page)
    vector = gen.meaning.query(meaning) if meaning and within is not None else None
    near = None
    if vector is not None:
        over = within if joined_over is None else joined_over
        near = joins(gen, vector, parsed, words, over & gen.live) & ~matched
        matched = matched | near
    allowed = intersect(matched, *masks.values())
    shown = None if near is None else near & allowed  # the joined within the filters
    facets = facet_counts(matched, masks, gen.groups)
    scores: dict[int, float] = {}
    if root is None or newest_first:
        page_docs = gen.newest[allowed[gen.newest]][start:start + per_page].tolist()
    elif vector is not None:
        lexical = allowed if near is None else allowed & ~near
        page_docs, scores = ranked(ctx, gen, root, lexical, shown, vector, start + per_page)
        page_docs = page_docs[start:]
    else:
        page_docs, scores = top(ctx, root, allowed, gen.rank, start + per_page)
        page_docs = page_docs[start:]
    held = {}  # unit text -> mask of the documents holding it (a place's: those naming it)
    for unit in words:
        q = gen.builder.named_query(unit) if unit.place and unit.named else searched(gen, unit)
        if q is not None and q is not Q.NullQuery:
            held[unit.text] = compile_query(q, gen.postings).match(ctx)
    terms = (highlight_terms(gen, parsed) or set()) if snippets else set()
    explain = synonym_use(gen, parsed, page_docs, ctx) if snippets else {}
    joined = set() if near is None else {d for d in page_docs if near[d]}
    # a record of a place's zone that does not name it says so (the exports too)
    for docnum, notes in place_use(gen, words, held,
                                   [d for d in page_docs if d not in joined]).items():
        explain.setdefault(docnum, []).extend(notes)
    for docnum in joined:  # a record joined by meaning says so
        explain.setdefault(docnum, []).append(Note("matched_meaning"))
    hits = []
    for docnum in page_docs:  # only the shown records are loaded and highlighted
        record = gen.record(docnum)
        hit = hit_from_record(record, scores.get(docnum) if root is not None else None)
        if snippets:
            # a Chinese search's passage is in the Chinese text first
            # (the Chinese text without its language marks, as it is indexed: a passage
            # cut inside <span lang="en"> would show the tag's text)
            texts = (record["body"], unmark(record.get("body_zh") or ""))
            hit.snippet = first_snippet(texts[::-1] if has_cjk(parsed.text) else texts,
                                        terms)
        hit.explanation = explain.get(docnum, [])
        if words:
            hit.matched_words = [w for w, mask in held.items() if mask[docnum]]
        hit.near_in_meaning = docnum in joined
        hits.append(hit)
    out = SearchResult(parsed.text, int(np.count_nonzero(allowed)), page, per_page, hits,
                       facets, notes=list(parsed.notes), filters=dict(filters),
                       joined=0 if shown is None else int(np.count_nonzero(shown)))
    if words and allowed is not None:
        out.matched_words = [w for w, mask in held.items() if (mask & allowed).any()]
    return out


class Coordinated(Node):
    """A relaxed search's ranking (relax.py, rule 5): the query's BM25 score times the share
    of the query each document holds (at most 1, so the query's bounds still bound it)."""

    def __init__(self, inner: Node, share: np.ndarray):
        self.inner, self.share = inner, share
        self.costly = inner.costly

    def match(self, ctx):
        return self.inner.match(ctx)

    def match_within(self, ctx, within):
        return self.inner.match_within(ctx, within)

    def candidates(self, ctx):
        return self.inner.candidates(ctx)

    def match_docs(self, ctx, docs):
        return self.inner.match_docs(ctx, docs)

    def score(self, ctx, docs):
        return self.inner.score(ctx, docs) * self.share[docs]

    def upper(self, ctx, docs):
        return self.inner.upper(ctx, docs) * self.share[docs]

    def score_above(self, ctx, docs, floor):
        # a share of at most 1 only lowers a score: what cannot reach the floor before it
        # cannot after
        return self.inner.score_above(ctx, docs, floor) * self.share[docs]

    def bound(self, ctx):
        return self.inner.bound(ctx)
