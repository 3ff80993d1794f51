"""A Whoosh query tree compiled to evaluation's nodes, for one index generation.

The alternatives of an Or that search one term (a phrase, a word cut into several terms)
in several fields of a family become one BM25F node, as do the terms a prefix or wildcard
stands for (at most evaluation.MAX_WILDCARD_TERMS, the index's and the record's words as
written); what no node evaluates itself, Whoosh does (Flat).
"""

from __future__ import annotations

from whoosh import query as Q

from indexer.engine import evaluation
from indexer.engine.evaluation import (And, AndMaybe, AndNot, Combined, Everything, Fallback,
                                       Flat, Node, Not, Nothing, Or, Term)
from indexer.engine.phrases import AllOf, CombinedPhrase, Phrase
from indexer.engine.postings import Postings
from indexer.engine.scoring import FALLBACK_WEIGHTS, family

SPELL_FIELD = "spell"  # each record's words as written (schema.py): wildcards read them too


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
    """The terms a prefix or wildcard stands for (at most evaluation.MAX_WILDCARD_TERMS)."""
    if q.text != q.text.lower():  # every indexed term is lowercase: RAIL* is rail*
        q = type(q)(q.fieldname, q.text.lower(), boost=q.boost)
    most = evaluation.MAX_WILDCARD_TERMS
    return list(dict.fromkeys(postings.expand(q, most) + _as_written(q, postings)))[:most]


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
    for word in postings.expand(pattern, evaluation.MAX_WILDCARD_TERMS):
        out += [field.to_bytes(t.text) for t in field.analyzer(word.decode("utf-8"), mode="query")]
    return out
