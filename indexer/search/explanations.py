"""Why a record is shown: the query's terms to highlight in its passage; for a record that
matched only through a synonym or a glossary term, which one; for one shown for a place the
query names only as a record of the place's zone, that (notes on the hit)."""

from __future__ import annotations

from typing import Sequence

import numpy as np
from whoosh import query as Q

from indexer.analysis.cjk import has_cjk
from indexer.engine.compiling import compile_query
from indexer.engine.context import SearchContext
from indexer.search.generation import Generation
from indexer.engine.scoring import TEXT_FIELDS
from indexer.notes import Note
from indexer.query.fieldvalues import place_note
from indexer.query.parsed import ParsedQuery


def highlight_terms(gen: Generation, parsed: ParsedQuery) -> set[str] | None:
    if parsed.query is None or parsed.query is Q.NullQuery:
        return None
    terms = set()
    for fieldname, text in gen.postings.existing_terms(parsed.query):
        if fieldname in TEXT_FIELDS:
            terms.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    # Chinese words as typed (and their Chinese synonyms): a word the segmenter does not know
    # is no indexed term, but its characters in a row are what the bigram field matched
    terms |= {w for w in parsed.words if has_cjk(w)}
    terms |= {a for _o, alternatives in parsed.synonyms for a in alternatives if has_cjk(a)}
    return terms


def _docs_with(gen: Generation, ctx: SearchContext, phrase: str, docs: np.ndarray) -> np.ndarray:
    """Which of `docs` have this term or phrase in a text field."""
    tokens = list(gen.schema["body"].process_text(phrase, mode="query"))
    if not tokens:
        return np.zeros(len(docs), dtype=bool)
    # a Chinese term's words may be one indexed word with its sub-words at one position:
    # they are looked for in one field, not in a row (as the query itself does)
    together = Q.And if has_cjk(phrase) else Q.Phrase
    q = Q.Or([(Q.And([Q.Term(f, t) for t in tokens]) if together is Q.And else Q.Phrase(f, tokens))
              if len(tokens) > 1 else Q.Term(f, tokens[0]) for f in TEXT_FIELDS])
    # the search's context (a context holds each node beside its masks, so a short-lived
    # node's identity is never taken for another's): the terms it has read are not read again
    return compile_query(q, gen.postings).match_docs(ctx, docs)


def synonym_use(gen: Generation, parsed: ParsedQuery, docs: list[int],
                ctx: SearchContext | None = None) -> dict[int, list[str]]:
    """For each shown record that matched only through a synonym or a glossary term, say
    which one ("as a translation of" when the two are in different languages). `ctx`: the
    search's context, whose reads it shares (without its deadline: the search is done)."""
    if not parsed.synonyms or not docs:
        return {}
    ctx = gen.context() if ctx is None else ctx.unbounded()
    shown = np.array(sorted(docs), dtype=np.int64)
    out: dict[int, list[str]] = {}
    for original, alternatives in parsed.synonyms:
        has_original = dict(zip(shown.tolist(), _docs_with(gen, ctx, original, shown)))
        having = {a: dict(zip(shown.tolist(), _docs_with(gen, ctx, a, shown)))
                  for a in alternatives}
        for doc in docs:
            used = [a for a in alternatives if having[a][doc]]
            if used and not has_original[doc]:
                how = ("translation" if all(has_cjk(u) != has_cjk(original) for u in used)
                       else "synonym")
                out.setdefault(doc, []).append(Note(f"matched_{how}", used=tuple(used),
                                                    original=original))
    return out


PLACE_BY_ZONE = "matched_place_zone"  # the code of place_use's notes


def place_use(gen: Generation, units: Sequence, held: dict, docs: list[int]
              ) -> dict[int, list[Note]]:
    """For each of `docs` (shown records) that is of the zone of a place the query names
    (Zhoushan, 洋山: querying.py's place units, among `units`) and does not name the place
    (`held[unit.text]`: the records that name it), a note that it is shown as a record of
    the zone (its matched words leave the place out: matching.py)."""
    out: dict[int, list[Note]] = {}
    for unit in units:
        naming = held.get(unit.text) if unit.place and unit.named else None
        zone = gen.zone_masks.get(unit.place) if naming is not None else None
        if zone is None:
            continue
        for doc in docs:
            if zone[doc] and not naming[doc]:
                out.setdefault(doc, []).append(
                    place_note(gen.vocabulary, PLACE_BY_ZONE, unit.text, unit.place))
    return out
