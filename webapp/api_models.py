"""What the API answers besides a record's own fields, as pydantic models, declared once.

A record's fields (a measure, a zone, a batch, ...) are the record schema's
(indexer/records/schema.py); these are the answers' own keys: the search answer, its facet
counts (one per filter facet of the registry, indexer/facets.py) and the way its query was
relaxed, an error (its `kind` one of the registry's filter facets), the `labels` of a hit, a
batch's counts, and the links, snippets and matched words. Their JSON Schema
(`model_json_schema()`) is the OpenAPI document's (webapp/openapi_schemas.py); every object
there forbids keys it does not declare, so an answer given a key without its model fails
tests/test_openapi_schemas.py.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, create_model

from indexer.facets import FILTER_KINDS


def ref(name: str):
    """A component described elsewhere in the document (a record's, by its model), written
    as a $ref when the document is made (openapi_schemas.generated)."""
    return WithJsonSchema({"x-component": name})


class Answer(BaseModel):
    """An object of an answer: it holds the keys declared, no others."""

    model_config = ConfigDict(extra="forbid")


Words = list[str]
Count = Annotated[int, Field(ge=0)]
FilterKind = Literal[FILTER_KINDS]  # type: ignore[valid-type]  # the registry's filter facets


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
    ranking: Words = Field(None, description="Words left out that still rank: a measure "
                                             "holding them comes first")
    unheld: Words = Field(None, description="Words no measure (within the filters) holds")
    minimum: int = Field(None, description="A measure shown holds every `kept` word, or at "
                                           "least this many of the query's words")


# The facet counts of a search: for each filter facet of the registry, its values' counts.
Facets = create_model("Facets", __base__=Answer,
                      **{kind: (dict[str, int], ...) for kind in FILTER_KINDS})


class SearchResult(Answer):
    query: str
    total: Count
    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=100)
    results: list[Annotated[dict, ref("Hit")]]
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
    zones_without_records: list[Annotated[dict, ref("ZoneWithoutRecords")]] = Field(
        description="Zones the query (or a zone filter) names that have no measure yet: "
                    "each with its names and page")
    notes: Words = Field(description="Every note on the search, in English (in Chinese with "
                                     "lang=zh): how the query was read (syntax the search does "
                                     "not do, unknown fields or zones), then a correction, "
                                     "words left out and zones without measures")


class Labels(Answer):
    """Only with lang=zh: names in that language"""

    zones: Words = None
    pillar: str = None
    status: Optional[str] = None


class HitOwn(Answer):
    """A hit's keys besides the record's (the Hit component adds the record's fields)."""

    url: Optional[str] = Field(description="The measure's page (absolute in exports; null "
                                           "from the command line)")
    matched_words: Words = Field(description="The query's words (or terms) this measure holds: "
                                             "all of them unless no measure held every word "
                                             "(see `relaxed`)")
    snippet: str = Field(description="Escaped HTML with <mark> around matched words; empty in "
                                     "exports")
    explanation: Words = Field(description="How the query matched where it was not word for "
                                           "word, e.g. through a synonym")


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


class Listed(Answer):
    """A zone or pillar as its list gives it, besides its own fields."""

    count: Count
    url: str = None


MODELS = (Error, Relaxed, SearchResult, Labels)
