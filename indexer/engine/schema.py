"""The Whoosh schema and the mapping from a validated measure to an index document."""

from __future__ import annotations

import json
import re

from indexer import facets
from indexer.records.latin import unmark
from indexer.records.lineage_text import lineage_words
from indexer.records.model import Measure, Taxonomy
from indexer.analysis.normalize import has_cjk, normalize

# Whoosh, the analysis (rjieba and its dictionary) and the codec (numpy) are imported where a
# schema is built: `ftz index` that finds nothing changed never needs them.

# Bump _FORMAT when the text fields or the analysis change: an index of another version is
# rebuilt. The facets' fields (facets.py) count in by themselves.
# 12: each record's meaning vector (analysis/meaning.py) as the column `meaning`;
# 11: a compact term dictionary (whooshfiles/compactterms.py); 10: "s" a stop word
# (possessives); 9: the tokenizers pickled from analysis
_FORMAT = 12
SCHEMA_VERSION = _FORMAT * 10_000 + facets.signature()
TAXONOMY_DOC_ID = "_taxonomy"  # one stored-only document carries the taxonomy snapshot

_ASCII_WORD_RE = re.compile(r"[a-z]{3,}")


def _text(analyzer):
    """A text field: postings handed to the codec a document at a time, lengths in words
    (entries.WordPositions)."""
    from whoosh.fields import TEXT

    from indexer.engine.entries import WordPositions

    field = TEXT(analyzer=analyzer, multitoken_query="and")
    field.format = WordPositions(field_boost=field.format.field_boost)
    return field


def _bigrams():
    """The Chinese fallback field: character bigrams, a query's word as a phrase of them."""
    from indexer.analysis.bigrams import BigramTokenizer

    field = _text(BigramTokenizer())
    field.multitoken_query = "phrase"
    return field


def build_schema(dictionary: tuple[tuple[str, int], ...]):
    from whoosh.columns import FixedBytesColumn
    from whoosh.fields import COLUMN, ID, KEYWORD, STORED, Schema

    from indexer.analysis.meaning import DIM

    from indexer.analysis.analyser import spelling_analyzer, text_analyzer

    analyzer = text_analyzer(dictionary)
    # a facet's field: its values as whole terms, several comma-separated
    facet_fields = {f.field: KEYWORD(commas=True, lowercase=f.lowercase, scorable=False)
                    if f.many else ID() for f in facets.FACETS}
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=_text(analyzer),
        tags=_text(analyzer),
        names=_text(analyzer),
        body=_text(analyzer),
        cjk=_bigrams(),
        **facet_fields,
        date=ID(sortable=True),
        spell=_text(spelling_analyzer(dictionary)),
        # the record's meaning (analysis/meaning.py), DIM signed bytes; zeros for none
        meaning=COLUMN(FixedBytesColumn(DIM)),
        record=STORED(),
    )


def measure_document(measure: Measure, taxonomy: Taxonomy) -> dict:
    from indexer.analysis.meaning import record_vector  # numpy: only where records change

    zones = [taxonomy.zones[z] for z in measure.zones if z in taxonomy.zones]
    pillar = taxonomy.pillars.get(measure.pillar)
    # short names only: the full ones ("China (Zhejiang) Pilot Free Trade Zone") would put
    # the same five words in every record, which ranks nothing and costs every search
    names = " ".join(f"{z.short} {z.short_zh}" for z in zones)
    if pillar:
        names += f" {pillar.name} {pillar.name_zh}"
    # quote: None when cited; the lineage and the note on the Chinese title are searched too
    # ("replicated nationwide", 第四批, "EF account"), as words of the body
    body_zh = unmark(measure.body_zh) if measure.body_zh else None  # <span lang="en">: words only
    body = "\n\n".join(part for part in (measure.body, body_zh, measure.quote,
                                         lineage_words(measure.lineage),
                                         measure.title_zh_note) if part)
    title = normalize("\n".join((measure.title, measure.title_zh, *measure.title_zh_alt)))
    tags = normalize(" ".join(measure.tags))
    names, body = normalize(names), normalize(body)
    # the spelling vocabulary: each English word once per record, unstemmed
    words = set(_ASCII_WORD_RE.findall(f"{title} {tags} {body} {names}".lower()))
    return {
        "id": measure.id,
        "title": title,
        "tags": tags,
        "names": names,
        "body": body,
        "cjk": "\n".join(part for part in (title, tags, names, body) if has_cjk(part)),
        **{f.field: f.index_values(measure) for f in facets.FACETS},
        "date": measure.date,
        "spell": " ".join(sorted(words)),
        "meaning": record_vector(measure.title, " ".join(measure.tags), measure.body),
        "record": json.dumps(measure.to_dict(), ensure_ascii=False),
    }


def taxonomy_document(taxonomy: Taxonomy, lexicon) -> dict:
    snapshot = {
        "zones": [z.to_dict() for z in taxonomy.zones.values()],
        "pillars": [p.to_dict() for p in taxonomy.pillars.values()],
        "sources": [s.to_dict() for s in taxonomy.sources.values()],
        "batches": [b.to_dict() for b in taxonomy.batches.values()],
        "reform_fields": [f.to_dict() for f in taxonomy.reform_fields.values()],
        "totals": [t.to_dict() for t in taxonomy.totals.values()],
        **lexicon.snapshot(),  # synonyms, glossary, places: what a query may use
    }
    return {"id": TAXONOMY_DOC_ID, "record": json.dumps(snapshot, ensure_ascii=False)}
