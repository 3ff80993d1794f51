"""Query evaluation: a Whoosh query tree compiled to nodes that match, score and bound.

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
from whoosh import query as Q

from indexer.analysis.analyser import has_chinese, pair_term
from indexer.errors import SearchTooSlow
from indexer.engine.postings import Postings, TermPostings
from indexer.engine.scoring import BM25F, FALLBACK_WEIGHTS, family, rounded

MAX_WILDCARD_TERMS = 200  # a prefix or wildcard stands for at most its first 200 terms
SPELL_FIELD = "spell"  # each record's words as written (schema.py): wildcards read them too
PHRASE_CHUNK = 8192  # documents whose positions are checked at once
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


def _union(ctx, nodes) -> np.ndarray:
    """The documents any of the nodes matches."""
    mask = nodes[0].match(ctx).copy()
    for node in nodes[1:]:
        mask |= node.match(ctx)
    return mask


def _intersection(ctx, nodes) -> np.ndarray:
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


def _union_df(ctx, terms: list[Term]) -> int:
    """The live documents holding any of these terms (one term in several fields)."""
    if len(terms) == 1:
        return terms[0].postings(ctx).df
    return int(np.count_nonzero(_union(ctx, terms)))


class Combined(Node):
    """One term searched in one or more fields of a family (scoring.family), scored as one
    term by BM25F: the fields' weighted frequencies summed, saturated once, one idf over the
    documents holding the term in any of the fields."""

    def __init__(self, members: list[Term], boost: float = 1.0):
        self.members, self.boost = members, boost
        self.fieldname = members[0].fieldname  # the family's weight outside the saturation

    def compute_match(self, ctx):
        return _union(ctx, self.members)

    def _idf(self, ctx) -> float:
        return ctx.bm25.idf(_union_df(ctx, self.members))

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
        return _intersection(ctx, self.children)

    def score(self, ctx, docs):
        total = sum(child.score(ctx, docs) for child in self.children)
        return self.boost * total * self.match_docs(ctx, docs)

    def bound(self, ctx):
        return self.boost * sum(child.bound(ctx) for child in self.children)


class Or(And):
    def compute_match(self, ctx):
        return _union(ctx, self.children)

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
        usable = pairs and slop == 1 and not any(has_chinese(w) for w in words)
        self.pairs = [Term(fieldname, pair_term(a, b).encode("utf-8"))
                      for a, b in zip(words, words[1:])] if usable else []
        self.exact_by_pairs = len(words) == 2 and bool(self.pairs)

    def _candidates(self, ctx, docs=None) -> np.ndarray:
        parts = self.words + self.pairs
        if docs is None:
            mask = parts[0].match(ctx).copy()
            for part in parts[1:]:
                mask &= part.match(ctx)
            return mask
        mask = np.ones(len(docs), dtype=bool)
        for part in parts:
            mask &= part.match(ctx)[docs]
        return mask

    def compute_match(self, ctx):
        mask = self._candidates(ctx)
        if self.exact_by_pairs:
            return mask
        docs = np.flatnonzero(mask)
        out = np.zeros(ctx.n, dtype=bool)
        for at in range(0, len(docs), PHRASE_CHUNK):  # bounded memory for common words
            chunk = docs[at:at + PHRASE_CHUNK]
            out[chunk[self._in_order(ctx, chunk)]] = True
        return out

    def match_docs(self, ctx, docs):
        known = ctx.known(self)
        if known is not None:
            return known[docs]
        found = self._candidates(ctx, docs)
        if not self.exact_by_pairs and found.any():
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
        present = self.words[0].present(ctx)
        for part in self.words[1:] + self.pairs:
            present &= part.present(ctx)
        return present


class AllOf(Node):
    """Every one of several terms in one field, anywhere (a query word the analyser cuts into
    several, 外商投资企业): a matcher, scored by its BM25F group (CombinedPhrase)."""

    def __init__(self, fieldname: str, btexts: list[bytes]):
        self.fieldname = fieldname
        self.words = [Term(fieldname, b) for b in btexts]

    def compute_match(self, ctx):
        return _intersection(ctx, self.words)

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

    def compute_match(self, ctx):
        return _union(ctx, self.members)

    def match_docs(self, ctx, docs):
        known = ctx.known(self)
        if known is not None:
            return known[docs]
        out = np.zeros(len(docs), dtype=bool)
        for phrase in self.members:
            out |= phrase.match_docs(ctx, docs)
        return out

    def _scores(self, ctx, docs, where: list[np.ndarray]) -> np.ndarray:
        """The words' BM25F over the fields where each member is marked in `where`."""
        total = np.zeros(len(docs))
        for i in range(len(self.members[0].words)):
            words = [phrase.words[i] for phrase in self.members]
            tf = sum(np.where(mark, word.weighted_tf(ctx, docs), 0.0)
                     for mark, word in zip(where, words))
            total += ctx.bm25.saturated(tf, ctx.bm25.idf(_union_df(ctx, words)), self.boost,
                                        self.fieldname)
        return total

    def score(self, ctx, docs):
        return self._scores(ctx, docs, [p.match_docs(ctx, docs) for p in self.members])

    def upper(self, ctx, docs):
        """The words' scores in the fields that hold every word (and pair)."""
        return self._scores(ctx, docs, [p.possible(ctx, docs) for p in self.members])

    def bound(self, ctx):
        present = [phrase.present(ctx) for phrase in self.members]
        total = np.zeros(ctx.postings.blocks)
        for i in range(len(self.members[0].words)):
            words = [phrase.words[i] for phrase in self.members]
            tf = sum(np.where(mark, word.weighted_bound(ctx), 0.0)
                     for mark, word in zip(present, words))
            total += ctx.bm25.saturated(tf, ctx.bm25.idf(_union_df(ctx, words)), self.boost,
                                        self.fieldname)
        return total


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


def compile_query(q, postings: Postings) -> Node:
    """The node tree of a Whoosh query tree, for one index generation."""
    if q is None or q is Q.NullQuery or isinstance(q, type(Q.NullQuery)):
        return Nothing()
    if isinstance(q, (Q.Term, Q.Phrase)):
        return _grouped([q], postings)[0]
    if isinstance(q, Q.Every):
        return Everything()
    if isinstance(q, Q.AndMaybe):
        return AndMaybe(compile_query(q.a, postings), compile_query(q.b, postings))
    if isinstance(q, Q.AndNot):
        return AndNot(compile_query(q.a, postings), compile_query(q.b, postings))
    if isinstance(q, Q.Not):
        return Not(compile_query(q.query, postings))
    if isinstance(q, Q.And):
        children = [compile_query(sub, postings) for sub in q.subqueries]
        return And(children, q.boost) if children else Nothing()
    if isinstance(q, (Q.Or, Q.Prefix, Q.Wildcard)):
        children = _grouped(q.subqueries if isinstance(q, Q.Or) else [q], postings)
        if not children:
            return Nothing()
        return Or(children, q.boost if isinstance(q, Q.Or) else 1.0)
    return Flat(q)


def _grouped(subqueries, postings: Postings) -> list[Node]:
    """The nodes of the alternatives of an Or: a term (a phrase, a word cut into several
    terms) of equal boost searched in several fields of a family is one BM25F node, as is each
    term a prefix or wildcard stands for; the other alternatives are compiled alone. A term
    twice in one field counts once."""
    groups: dict[tuple, dict[str, Node]] = {}
    out: list = []  # group keys and nodes, in the order first met

    def add(key, fieldname: str, make) -> None:
        if key not in groups:
            groups[key] = {}
            out.append(key)
        if fieldname not in groups[key]:
            groups[key][fieldname] = make()

    for sub in subqueries:
        if isinstance(sub, Q.Phrase) and len(sub.words) == 1:
            sub = Q.Term(sub.fieldname, sub.words[0], boost=sub.boost)
        if isinstance(sub, Q.Term):
            btext = postings.to_bytes(sub.fieldname, sub.text)
            add(("term", family(sub.fieldname), (btext,), 0, sub.boost), sub.fieldname,
                lambda f=sub.fieldname, b=btext: Term(f, b))
        elif isinstance(sub, Q.Phrase):
            field = postings.schema[sub.fieldname]
            btexts = tuple(field.to_bytes(w) for w in sub.words)
            add(("phrase", family(sub.fieldname), btexts, sub.slop, sub.boost), sub.fieldname,
                lambda s=sub, f=field, b=btexts: Phrase(
                    s.fieldname, list(s.words), list(b), s.slop,
                    getattr(f.analyzer, "pairs", False)))
        elif _all_terms_of_one_field(sub):
            fieldname = sub.subqueries[0].fieldname
            btexts = tuple(postings.to_bytes(fieldname, t.text) for t in sub.subqueries)
            add(("all", family(fieldname), btexts, 0, sub.boost), fieldname,
                lambda f=fieldname, b=btexts: AllOf(f, list(b)))
        elif isinstance(sub, (Q.Prefix, Q.Wildcard)):
            for btext in _expansion(sub, postings):
                add(("term", family(sub.fieldname), (btext,), 0, sub.boost), sub.fieldname,
                    lambda f=sub.fieldname, b=btext: Term(f, b))
        else:
            out.append(compile_query(sub, postings))
    built = {key: (Combined if key[0] == "term" else CombinedPhrase)(
        list(groups[key].values()), key[-1]) for key in groups}
    # a bigram fallback of a word the Or searches as a whole word too scores only where the
    # whole word is not found
    primary = {(_written(key), key[-1]): key for key in groups if key[1] == "words"}
    fallback_of = {primary[(_written(key), key[-1])]: key for key in groups
                   if key[1] in FALLBACK_WEIGHTS and (_written(key), key[-1]) in primary}
    used = set(fallback_of.values())
    nodes = []
    for item in out:
        if not isinstance(item, tuple):
            nodes.append(item)
        elif item in fallback_of:
            nodes.append(Fallback(built[item], built[fallback_of[item]]))
        elif item not in used:
            nodes.append(built[item])
    return nodes


def _written(key: tuple) -> str:
    """The word a group searches, as written: its terms joined (a Chinese word cut into
    several), or its character bigrams chained (外商 商投 投资 -> 外商投资)."""
    texts = [t.decode("utf-8") if isinstance(t, bytes) else t for t in key[2]]
    if key[1] in FALLBACK_WEIGHTS:
        return texts[0] + "".join(t[1:] for t in texts[1:])
    return "".join(texts)


def _all_terms_of_one_field(q) -> bool:
    """An And of terms of one field: what the parser makes of a word the analyser cuts into
    several in each field it searches."""
    return (isinstance(q, Q.And) and len(q.subqueries) > 1
            and all(isinstance(t, Q.Term) for t in q.subqueries)
            and len({t.fieldname for t in q.subqueries}) == 1)


def _expansion(q, postings) -> list[bytes]:
    """The terms a prefix or wildcard stands for (at most MAX_WILDCARD_TERMS)."""
    if q.text != q.text.lower():  # every indexed term is lowercase: RAIL* is rail*
        q = type(q)(q.fieldname, q.text.lower(), boost=q.boost)
    return list(dict.fromkeys(postings.expand(q, MAX_WILDCARD_TERMS)
                              + _as_written(q, postings)))[:MAX_WILDCARD_TERMS]


def _as_written(q, postings) -> list[bytes]:
    """The terms a prefix or wildcard stands for when read against the words as written: a
    text field holds stems (`warehous`), so `wareh?use` or `warehouse*` would miss them; the
    spelling field holds each record's words unstemmed, and each word it matches is analysed
    as the field analyses it."""
    field = postings.schema[q.fieldname] if q.fieldname in postings.schema else None
    if (field is None or q.fieldname == SPELL_FIELD or SPELL_FIELD not in postings.schema
            or not getattr(field.analyzer, "stemming", False)):
        return []
    pattern = (Q.Prefix if isinstance(q, Q.Prefix) else Q.Wildcard)(SPELL_FIELD, q.text)
    out = []
    for word in postings.expand(pattern, MAX_WILDCARD_TERMS):
        out += [field.to_bytes(t.text) for t in field.analyzer(word.decode("utf-8"), mode="query")]
    return out
