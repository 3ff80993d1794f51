"""What the API answers, as pydantic models, declared once.

A record's fields (a measure, a zone, a source, a batch and its items, ...), their types and
descriptions, are the record schema's (indexer/records/schema.py): `record()` takes them from
its models, and the answers' models put them together with the API's own keys (below: the
search answer, its facet counts, one per filter facet of the registry, indexer/facets.py, and
the way its query was relaxed, an error, whose `kind` is one of the registry's filter facets,
the `labels` of a hit, a batch's counts, and the links, snippets and matched words). Their
JSON Schema (`model_json_schema()`) is the OpenAPI document's components
(webapp/openapi_schemas.py); every object there forbids keys it does not declare, so an
answer given a key without its field or model fails tests/test_openapi_schemas.py, and a
field added to the record schema is in the answers' components with no edit here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, create_model

from indexer.facets import FILTER_KINDS
from indexer.records import schema as S
from indexer.search.serialize import CITATION_KEYS, HIT_KEYS, MEASURE_EXTRA_KEYS, SEARCH_KEYS


class Answer(BaseModel):
    """An object of an answer: it holds the keys declared, no others."""

    model_config = ConfigDict(extra="forbid")


Words = list[str]
Count = Annotated[int, Field(ge=0)]
FilterKind = Literal[FILTER_KINDS]  # type: ignore[valid-type]  # the registry's filter facets
Definitions = dict[str, tuple[Any, Any]]  # create_model's: name -> (type, FieldInfo)


def record(model: type[BaseModel], *names: str, given: bool | None = None,
           **renamed: str) -> Definitions:
    """The fields `names` of `model` (by default every field but those the loader keeps for
    itself) as an answer's model declares them: the field's type with its metadata (the JSON
    form of its normalizer, F.Spec), its description and Chinese name as the model has them.
    `given`: True, an answer always gives them (none has a default); False, it may leave any
    out; None, as the model's defaults say. `renamed`: the answer's name = the field's."""
    fields = model.model_fields
    names = names or tuple(name for name in fields if name not in getattr(model, "internal", ()))
    out = {}
    for name in (*names, *renamed):
        info = fields[renamed.get(name, name)]
        kind = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        default = (... if given or (given is None and info.is_required()) else
                   None if given is False else info.default)
        out[name] = (kind, Field(default, description=info.description,
                                 json_schema_extra=info.json_schema_extra))
    return out


def retyped(definitions: Definitions, **kinds: Any) -> Definitions:
    """`definitions` with the types of some fields replaced (descriptions kept)."""
    return {name: (kinds.get(name, kind), info) for name, (kind, info) in definitions.items()}


def answer(name: str, doc: str | None = None, /, *, order: tuple[str, ...] = (),
           **definitions: tuple[Any, Any]) -> type[Answer]:
    """The model of an object of an answer, its fields in `order` (a KeyError names a key the
    serialiser gives that nothing declares), then the others."""
    ordered = {key: definitions.pop(key) for key in order}
    return create_model(name, __base__=Answer, __doc__=doc, **ordered, **definitions)


class Error(Answer):
    error: str
    kind: FilterKind = Field(None, description="The kind of an unknown filter value")
    value: str = None
    suggestion: Optional[str] = None
    known: Optional[list[str]] = Field(None, description="The values the filter knows, where "
                                                         "they are few enough to list")


class Relaxed(Answer):
    """Set when no measure holds every word of the query (or of its correction): words no
    measure holds are `unheld`; of the others the rarest that some measure holds together are
    `kept` (the commonest are left out first, so a common word is never kept while a rarer one
    is left out). A measure shown holds every kept word, or at least `minimum` of the query's
    words; all of them rank it (BM25), so those holding more of the query, and its rarer
    words, come first. Quoted phrases, fields and NOT parts are always kept; a query with AND,
    OR or brackets is never relaxed."""

    query: str = Field(description="What was searched")
    kept: Words
    dropped: Words = Field(description="The words (or terms) a measure need not hold")
    ranking: Words = Field(None, description="Words of `dropped` that still rank, and count "
                                             "towards `minimum`: a measure holding them "
                                             "comes first (the notes name the others as "
                                             "left out)")
    unheld: Words = Field(None, description="Words no measure (within the filters) holds")
    minimum: int = Field(None, description="A measure shown holds every `kept` word, or at "
                                           "least this many of the query's words")


# The facet counts of a search: for each filter facet of the registry, its values' counts.
Facets = create_model("Facets", __base__=Answer,
                      **{kind: (dict[str, int], ...) for kind in FILTER_KINDS})


class Labels(Answer):
    """Only with lang=zh: names in that language"""

    zones: Words = None
    pillar: str = None
    status: Optional[str] = None


class HitOwn(Answer):
    """A hit's keys besides the record's."""

    url: Optional[str] = Field(description="The measure's page (absolute in exports; null "
                                           "from the command line)")
    see_also_sources: list[Source] = Field(description="The sources of `see_also`, cited")
    matched_words: Words = Field(description="The query's words (or terms) this measure holds: "
                                             "all of them unless no measure held every word "
                                             "(see `relaxed`), or a place named is one it "
                                             "does not name (shown as a measure of the "
                                             "place's zone, as `explanation` says); stop "
                                             "words never")
    near_in_meaning: bool = Field(description="True for a measure a partial match (see "
                                              "`relaxed`) joined as nearer in meaning to the "
                                              "query than every match: it holds fewer of the "
                                              "query's words (`matched_words`), often none")
    snippet: str = Field(description="Escaped HTML with <mark> around matched words; empty in "
                                     "exports")
    explanation: Words = Field(description="How the query matched where it was not word for "
                                           "word, e.g. through a synonym (in Chinese with "
                                           "lang=zh)")
    labels: Labels = None


class MeasureOwn(Answer):
    body_html: str = Field(description="Sanitized HTML")
    url: str


class ZoneNamedOwn(Answer):
    named_as: str = Field(description="The words of the query that name the zone (its name, "
                                      "or a place in it)")
    url: Optional[str] = Field(description="The zone's page (null from the command line)")


class BatchOwn(Answer):
    """What /api/batches adds to a batch's own fields."""

    title_is_ours: bool = Field(description="The English title is the project's translation")
    items_listed: Count = Field(description="The items the sources in reach list (the "
                                            "register's items)")
    items_recorded: Count = Field(description="Listed items that have a record")
    url: str = Field(description="The batch's page")


class BatchDetailOwn(Answer):
    """What /api/batches/{id} adds to a batch's fields besides its summary's."""

    source_url: str = Field(description="The page of the source the items come from")


class ItemOwn(Answer):
    """What a batch's answer adds to each of its items' fields."""

    name_en_is_ours: bool = Field(description="The English name is the project's translation")
    field_name: Optional[str] = Field(description="The field of reform's name")
    field_name_zh: Optional[str] = Field(description="The field of reform's Chinese name")
    record_url: Optional[str] = Field(description="The page of the record that describes it")


class SourceOwn(Answer):
    url: Optional[str] = Field(description="The source's page on this site (null from the "
                                           "command line)")


class Listed(Answer):
    """A zone or pillar as its list gives it, besides its own fields."""

    count: Count
    url: str = None


# A source as a record cites it (a hit's: CITATION_KEYS; a measure's: every field but its
# text): the publisher's page, the record's `url`, is `original_url`; `url` is the site's.
Source = answer("Source", order=CITATION_KEYS, **retyped(record(
    S.Source, *(n for n in S.Source.model_fields if n not in ("url", "text", "text_line")),
    given=False, original_url="url"), id=S.Id), **record(SourceOwn, given=False))
# What a hit and a measure both give of the record, in the order of its fields: its source
# cited (a Source), its id with the pattern of every id.
_RECORD = retyped(record(S.Measure, *(k for k in HIT_KEYS if k in S.Measure.model_fields),
                         given=True), id=S.Id, source=Optional[Source])
Hit = answer("Hit", "A measure as every list describes it: /api/search, the exports "
             "(/search.json; /search.csv spreads it into columns) and `ftz search --json`",
             order=HIT_KEYS, **_RECORD, **record(HitOwn))
Measure = answer("Measure", order=(*(k for k in HIT_KEYS if k not in SEARCH_KEYS),
                                   *MEASURE_EXTRA_KEYS),
                 **_RECORD, **record(S.Measure, *MEASURE_EXTRA_KEYS, given=True),
                 **record(HitOwn, "see_also_sources", "labels"), **record(MeasureOwn))
ZoneWithoutRecords = answer("ZoneWithoutRecords", **record(
    S.Zone, "id", "name", "name_zh", "short", "short_zh", given=True), **record(ZoneNamedOwn))
ZoneListed = answer("ZoneListed", **record(S.Zone), **record(Listed))
PillarListed = answer("PillarListed", **record(S.Pillar), **record(Listed))
BatchId = Annotated[str, Field(pattern="^(%s)-[1-9][0-9]?$" % "|".join(
    about["prefix"] for about in S.ISSUERS.values()))]
# What /api/batches says of each batch, and /api/batches/{id} of its one batch.
BatchSummary = answer("BatchSummary", id=(BatchId, ...), **record(
    S.Batch, "issuer", "number", "title", "title_zh", "title_zh_note", "document_number",
    "date", "items_stated", given=True), **record(BatchOwn))
BatchItem = answer("BatchItem", **record(S.BatchItem, given=True), **record(ItemOwn))
Batch = create_model("Batch", __base__=BatchSummary, **record(
    S.Batch, "title_source", "items_stated_source", "source", "note", given=True),
    **record(BatchDetailOwn), items=(list[BatchItem], ...))


class SearchResult(Answer):
    query: str
    total: Count
    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=100)
    results: list[Hit]
    facets: Facets
    suggestion: Optional[str] = Field(description="A likelier spelling of the whole query; "
                                                  "offered only when it finds something")
    corrected_from: Optional[str] = Field(
        description="Set when the query found nothing and the results are those of "
                    "`suggestion`; holds the original query")
    relaxed: Optional[Relaxed]
    corrected: bool = Field(None, description="Whether the results are those of a corrected "
                                              "spelling (`suggestion`)")
    matched_words: Words = Field(None, description="The query's plain words (or terms) that "
                                                   "some measure found holds")
    unmatched_words: Words = Field(None, description="The query's plain words (or terms) that "
                                                     "no measure found holds")
    zones_without_records: list[ZoneWithoutRecords] = Field(
        description="Zones the query (or a zone filter) names that have no measure yet: "
                    "each with its names and page")
    notes: Words = Field(description="Every note on the search, in English (in Chinese with "
                                     "lang=zh): how the query was read (syntax the search does "
                                     "not do, unknown fields or zones), then a correction, "
                                     "words left out and zones without measures")



MODELS = (Error, Relaxed, SearchResult, Labels, Measure, Batch, BatchSummary, ZoneListed,
          PillarListed)
