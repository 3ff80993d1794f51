"""The record schema: what a zone, a pillar, a source (with its figures), a record (with its
lineage) and the register's batches, items, fields of reform and totals hold, said once.

Each class is a pydantic model. A field an editor writes in a file carries its `F.Spec`:
whether the file must give it and the normalizer (indexer/records/fields.py) that checks it
and says what is wrong with its value; a field without one (a record's id, body and path, a
source's text) is filled in by the loader. From these models come:

- validation: `F.normalize_fields` checks a file's mapping against `fields_of(Model)`
  through pydantic, keeping `path:line: field: message` and did-you-mean (specs.py);
- serialisation: `to_dict()` is `model_dump`, and the API's, exports' and feeds' key lists
  are the models' fields (indexer/search/serialize.py);
- the API's description: the answers' models take the fields, with their types and
  `Field(description=...)`, from these (webapp/api_models.py), and `model_json_schema()`
  gives the components' types, patterns, enums and descriptions (webapp/openapi_schemas.py);
- docs/records.md's field tables, checked against `fields_of` (tests/test_docs.py).

Building a model from values already checked (`Measure(id=..., **data)`) converts lists to
tuples and nothing more: the editor's rules run on a file's values, not on every copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from indexer.records import fields as F
from indexer.records.fields import ID_RE  # noqa: F401  (the models' id pattern, re-exported)

# the records' vocabularies (statuses, scopes, kinds of source, issuers), re-exported: they
# live in a module without pydantic, which `ftz`'s options (indexer/facets.py) import
from indexer.records.vocabulary import (ISSUERS, ITEM_SCOPES, SCOPES,  # noqa: F401
                                        SOURCE_KINDS, STATUSES)


def nested(value: Any) -> Any:
    """A list whose items are checked against a model of their own, each at its own line
    (a source's figures, a record's lineage, a batch's items): taken as it is here."""
    return value


@dataclass(frozen=True)
class Shown:
    """Where a field is shown, beside the whole record: "page" (a measure's own page and
    /api/measures/<id>, not a list's hit), "citation" (a source as a record cites it)."""

    where: str


PAGE = Shown("page")
CITATION = Shown("citation")


def shown(model: type[BaseModel], where: str) -> tuple[str, ...]:
    """The fields of `model` marked as shown `where`, in the model's order."""
    return tuple(name for name, info in model.model_fields.items()
                 if Shown(where) in info.metadata)


def not_shown(model: type[BaseModel], where: str) -> tuple[str, ...]:
    """The fields of `model` not marked as shown `where`, in the model's order."""
    return tuple(name for name, info in model.model_fields.items()
                 if Shown(where) not in info.metadata)


def zh(heading: str):
    """A field's name for a Chinese reader, as the CSV export heads its column
    (webapp/labels.py): pydantic Field metadata, published in the API's description as
    `x-name-zh`."""
    return Field(json_schema_extra={NAME_ZH: heading})


NAME_ZH = "x-name-zh"


def name_zh(model: type[BaseModel], name: str) -> str | None:
    """The Chinese name `zh` gives the field `name` of `model`, if any."""
    extra = model.model_fields[name].json_schema_extra
    return extra.get(NAME_ZH) if isinstance(extra, dict) else None


# How an editor writes a field: required (True) or not, and its normalizer.
Id = Annotated[str, F.Spec(True, F.identifier)]
Text = Annotated[str, F.Spec(True, F.text)]
Chinese = Annotated[str, F.Spec(True, F.chinese)]
Date = Annotated[str, F.Spec(True, F.partial_date)]  # YYYY, YYYY-MM or YYYY-MM-DD
MaybeText = Annotated[str | None, F.Spec(False, F.text)]
MaybeId = Annotated[str | None, F.Spec(False, F.identifier)]
Ids = Annotated[tuple[str, ...], F.Spec(False, F.id_list)]
# the register's optional fields may be written `null`: the editor says "none"
NullText = Annotated[str | None, F.Spec(False, F.optional(F.text))]
NullId = Annotated[str | None, F.Spec(False, F.optional(F.identifier))]
NullChinese = Annotated[str | None, F.Spec(False, F.optional(F.chinese))]


class Record(BaseModel):
    """A value of the knowledge base: immutable, compared and hashed by its fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
    # fields the loader keeps for itself (lines, for messages), never shown or exported
    internal: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict:
        """Plain JSON data (lists for tuples), in the fields' order."""
        return self.model_dump(mode="json", exclude=set(self.internal) or None)


class Zone(Record):
    id: Id
    name: Text
    name_zh: Chinese
    short: Text
    short_zh: Chinese
    established: Annotated[int, F.Spec(True, F.year)]
    tile: Annotated[tuple[int, int] | None, F.Spec(False, F.tile)] = None


class Pillar(Record):
    id: Id
    name: Text
    name_zh: Chinese
    statement: Annotated[Text, Field(description="Verbatim from the source")]
    statement_zh: Chinese
    source: Id


class Figure(Record):
    """A headline figure a source reports, kept as data so the site can show it."""

    id: Id
    label: Text
    label_zh: Chinese
    value: Annotated[int | float, F.Spec(True, F.number)]
    unit: Text
    quote: Text
    change: Annotated[int | float | None, F.Spec(False, F.number)] = None
    change_unit: MaybeText = None
    note: MaybeText = None


class Source(Record):
    """A document measures rest on. `text` is the full text of a held source, and empty
    for a cited one, whose `description` says in the project's words what the page is."""

    internal = ("text_line",)
    # a citation (serialize.citation) gives the fields marked CITATION, in this order, the
    # url as `original_url`
    id: Annotated[str, CITATION]
    kind: Annotated[str, F.Spec(True, F.one_of(SOURCE_KINDS)), CITATION, Field(
        description="held: its text is kept and quoted; cited: a public page linked and "
                    "described in the project's words")] = "held"
    title: Annotated[str, F.Spec(True, F.text), CITATION]
    title_zh: Annotated[str | None, F.Spec(False, F.chinese), CITATION] = None
    publisher: Annotated[str, F.Spec(True, F.text), CITATION]
    date: Annotated[str, F.Spec(True, F.partial_date), CITATION]  # as precise as the page is
    language: Annotated[str, F.Spec(True, F.language), CITATION]
    url: Annotated[str | None, F.Spec(False, F.url), CITATION, Field(
        description="Where the publisher published it")] = None  # required of a cited source
    text: str
    # the body's Chinese name, for the Chinese pages: required of a source file; None only
    # in a broken one
    publisher_zh: Annotated[str | None, F.Spec(True, F.chinese)] = None
    reprint_of: MaybeText = None
    description: Annotated[str | None, Field(
        description="A cited source, in the project's words")] = None
    note: MaybeText = None
    # each figure is checked against Figure's fields (sources.py)
    figures: Annotated[tuple[Figure, ...], F.Spec(False, nested)] = ()
    text_line: int = 1  # line of the source file where `text` starts, for messages

    @property
    def held(self) -> bool:
        return self.kind == "held"


class LineageStep(Record):
    """One step of a measure's spread that a source states: replicated across its province,
    replicated nationwide in a State Council batch, or listed as a MOFCOM best-practice case."""

    scope: Annotated[str, F.Spec(True, F.one_of(SCOPES))]
    date: Date  # as precise as the source is
    source: Id
    batch: MaybeId = None  # a batch id: register.py checks it
    note: MaybeText = None


class ReformField(Record):
    """A field of reform as the batches group their items (投资贸易便利化, ...)."""

    id: Id
    name: Text
    name_zh: Chinese


class BatchItem(Record):
    """One item of a batch, under its official Chinese name as the batch lists it."""

    internal = ("line",)
    name_zh: Annotated[Chinese, Field(description="As the batch lists it")]
    name_en: Text
    name_en_source: NullId = None  # a source giving this English name; None: ours
    # shown on the page
    name_zh_note: Annotated[NullText, Field(
        description="Says so when name_zh is not the batch's own wording (ours, or a "
                    "report's)")] = None
    # a ReformField id (the file may name it by its Chinese name); the API's description
    # lists the ids when it is served
    field: Annotated[NullText, Field(
        description="A field of reform (measures/reform-fields.yaml, listed at /nationwide); "
                    "null where the sources in reach give none")] = None
    scope: Annotated[str | None, F.Spec(False, F.optional(F.one_of(ITEM_SCOPES))), Field(
        description="Where it is to be replicated: everywhere, or in the areas named "
                    "(areas_zh); null where the sources in reach do not say")] = None
    areas_zh: NullChinese = None  # with scope "areas": where, as the batch names it
    department: NullText = None
    # where a source says so
    zones: Annotated[Ids, Field(description="The zones it came from")] = ()
    zones_source: NullId = None
    record: Annotated[NullId, Field(description="The record that describes it; null: listed, "
                                                "not yet recorded")] = None
    line: int = 0  # of the batch file, for messages


class Batch(Record):
    """A batch of pilot experiences to replicate (State Council) or of best-practice cases
    (MOFCOM), with the number of items it states and the items a source in reach lists."""

    id: Id
    issuer: Annotated[str, F.Spec(True, F.one_of(ISSUERS)), Field(  # a key of ISSUERS
        description="state-council: a batch of reform pilot experiences to replicate; "
                    "mofcom: a batch of best-practice cases")]
    number: Annotated[int, F.Spec(True, F.whole_number)]
    title: Text
    title_zh: Chinese
    date: Date  # as precise as the source
    source: Id  # the source the items come from
    title_source: Annotated[NullId, Field(
        description="The source giving the English title; null: the project's "
                    "translation")] = None
    title_zh_note: Annotated[NullText, Field(
        description="Says so when title_zh is not the document's own title")] = None
    document_number: NullChinese = None
    items_stated: Annotated[int | None, F.Spec(False, F.optional(F.whole_number)), Field(
        description="The number of items the batch states; null when no source in reach "
                    "gives it")] = None
    items_stated_source: NullId = None
    note: NullText = None
    see_also: Ids = ()  # other sources the note rests on
    # each item is checked against BatchItem's fields (register.py)
    items: Annotated[tuple[BatchItem, ...], F.Spec(False, nested)] = ()
    path: str = ""

    @property
    def scope(self) -> str:
        """The lineage scope of the records this batch names."""
        return ISSUERS[self.issuer]["scope"]

    def to_dict(self) -> dict:
        data = super().to_dict()
        data["items_recorded"] = sum(1 for item in self.items if item.record)
        return data


class StatedTotal(Record):
    """A count of the whole that a source states (485 innovations replicated nationally by
    September 2025), so that the site can set the sample it holds beside it."""

    id: Id
    label: Text
    label_zh: Chinese
    value: Annotated[int, F.Spec(True, F.whole_number)]
    as_of: Date  # as precise as the source
    source: Id
    note: NullText = None


class Measure(Record):
    """A record: its front matter's fields, its id (the file's name), its body and path.

    A hit of a list (serialize.hit: /api/search, the exports, `ftz search --json`, the
    feeds) gives its fields in this order but those marked PAGE, which only a measure's own
    page gives (serialize.measure), after them in this order."""

    id: Annotated[str, zh("编号")]
    title: Annotated[Text, zh("英文标题")]
    title_zh: Annotated[Chinese, zh("中文标题")]
    zones: Annotated[tuple[str, ...], F.Spec(True, F.id_list), zh("自贸试验区")]
    pillar: Annotated[Id, zh("方面")]
    date: Annotated[Date, zh("日期")]  # its source's date, as precise as it
    status: Annotated[str | None, F.Spec(False, F.one_of(STATUSES)), zh("状态")] = None
    tags: Annotated[tuple[str, ...], F.Spec(True, F.tags), zh("标签")]
    source: Annotated[Id, zh("来源")]
    # the held source's words, required exactly when the source is held
    quote: Annotated[MaybeText, zh("引文"), Field(
        description="Verbatim from a held source; null on a cited one")] = None
    see_also: Annotated[Ids, zh("另见"), Field(
        description="Other sources reporting the measure")] = ()
    # each step is checked against LineageStep's fields (validation.py)
    lineage: Annotated[tuple[LineageStep, ...], F.Spec(False, nested), zh("复制推广历程")] = ()
    # written afresh from the same facts
    body_zh: Annotated[str | None, F.Spec(False, F.chinese_text(40)), zh("中文说明"), Field(
        description="The record's Chinese text (Markdown), written from the same facts; null "
                    "when the record has none")] = None
    title_zh_note: Annotated[str | None, F.Spec(False, F.text), PAGE, Field(
        description="Says when title_zh is a translation")] = None
    # the record's, or its batch's
    title_zh_source: Annotated[str | None, F.Spec(False, F.identifier), PAGE, Field(
        description="The source giving title_zh as the official name (a source id)")] = None
    # our former rendering
    title_zh_alt: Annotated[tuple[str, ...], F.Spec(False, F.chinese_list), PAGE, Field(
        description="Other Chinese names, searched as the title")] = ()
    zones_note: Annotated[str | None, F.Spec(False, F.text), PAGE] = None
    body: Annotated[str, PAGE, Field(description="Markdown")]
    path: Annotated[str, PAGE, Field(description="The record's file")] = ""


def fields_of(model: type[BaseModel]) -> dict[str, F.Spec]:
    """The fields an editor writes of `model`, in its order, each with its Spec: the table a
    file's mapping is checked against (F.normalize_fields)."""
    return {name: spec for name, info in model.model_fields.items()
            for spec in info.metadata if isinstance(spec, F.Spec)}
