"""The domain objects: zones, pillars, sources with their figures, and measures."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STATUSES = ("piloted", "replicated", "nationwide")
# How far a measure has spread beyond its pilot, one lineage step at a time.
SCOPES = ("province", "national", "best-practice-case")
# A held source's text is kept in the project (records quote it); a cited source is a public
# page the project may not copy: it holds a description in our words and the page's URL.
SOURCE_KINDS = ("held", "cited")
# Who issues batches of pilot experiences to replicate, the lineage scope a batch of each
# gives its records, and the prefix of its batch ids (state-council-7, mofcom-cases-6).
ISSUERS = {
    "state-council": {"scope": "national", "prefix": "state-council",
                      "name": "State Council", "name_zh": "国务院"},
    "mofcom": {"scope": "best-practice-case", "prefix": "mofcom-cases",
               "name": "Ministry of Commerce", "name_zh": "商务部"},
}
# Where a batch item is to be replicated: everywhere, or in the areas the batch names.
ITEM_SCOPES = ("nationwide", "areas")


@dataclass(frozen=True)
class Zone:
    id: str
    name: str
    name_zh: str
    short: str
    short_zh: str
    established: int
    tile: tuple[int, int] | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["tile"] = list(self.tile) if self.tile else None
        return data


@dataclass(frozen=True)
class Pillar:
    id: str
    name: str
    name_zh: str
    statement: str
    statement_zh: str
    source: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Figure:
    """A headline figure a source reports, kept as data so the site can show it."""

    id: str
    label: str
    label_zh: str
    value: float
    unit: str
    quote: str
    change: float | None = None
    change_unit: str | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Source:
    """A document measures rest on. `text` is the full text of a held source, and empty
    for a cited one, whose `description` says in the project's words what the page is."""

    id: str
    title: str
    publisher: str
    date: str
    language: str
    text: str
    kind: str = "held"
    title_zh: str | None = None
    publisher_zh: str | None = None  # required of a source file; None only in a broken one
    url: str | None = None
    reprint_of: str | None = None
    description: str | None = None
    note: str | None = None
    figures: tuple[Figure, ...] = ()
    text_line: int = 1  # line of the source file where `text` starts, for messages

    @property
    def held(self) -> bool:
        return self.kind == "held"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["figures"] = [f.to_dict() for f in self.figures]
        del data["text_line"]
        return data


@dataclass(frozen=True)
class LineageStep:
    """One step of a measure's spread that a source states: replicated across its province,
    replicated nationwide in a State Council batch, or listed as a MOFCOM best-practice case."""

    scope: str
    date: str  # YYYY, YYYY-MM or YYYY-MM-DD: as precise as the source is
    source: str
    batch: str | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ReformField:
    """A field of reform as the batches group their items (投资贸易便利化, ...)."""

    id: str
    name: str
    name_zh: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class BatchItem:
    """One item of a batch, under its official Chinese name as the batch lists it."""

    name_zh: str
    name_en: str
    name_en_source: str | None = None  # a source giving this English name; None: ours
    # where name_zh is not the batch's own wording (ours, or a report's): says so, on the page
    name_zh_note: str | None = None
    field: str | None = None  # a ReformField id
    scope: str | None = None  # ITEM_SCOPES; None where the batch does not say
    areas_zh: str | None = None  # with scope "areas": where, as the batch names it
    department: str | None = None
    zones: tuple[str, ...] = ()  # the zones it came from, where a source says so
    zones_source: str | None = None
    record: str | None = None  # the record that describes it
    line: int = 0  # of the batch file, for messages

    def to_dict(self) -> dict:
        data = asdict(self)
        data["zones"] = list(self.zones)
        del data["line"]
        return data


@dataclass(frozen=True)
class Batch:
    """A batch of pilot experiences to replicate (State Council) or of best-practice cases
    (MOFCOM), with the number of items it states and the items a source in reach lists."""

    id: str
    issuer: str  # a key of ISSUERS
    number: int
    title: str
    title_zh: str
    date: str  # as precise as the source
    source: str  # the source the items come from
    title_source: str | None = None  # a source giving the English title; None: ours
    title_zh_note: str | None = None  # where title_zh is not the document's own title
    document_number: str | None = None
    items_stated: int | None = None
    items_stated_source: str | None = None
    note: str | None = None
    see_also: tuple[str, ...] = ()  # other sources the note rests on
    items: tuple[BatchItem, ...] = ()
    path: str = ""

    @property
    def scope(self) -> str:
        """The lineage scope of the records this batch names."""
        return ISSUERS[self.issuer]["scope"]

    def to_dict(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["items"] = [item.to_dict() for item in self.items]
        data["items_recorded"] = sum(1 for item in self.items if item.record)
        return data


@dataclass(frozen=True)
class StatedTotal:
    """A count of the whole that a source states (485 innovations replicated nationally by
    September 2025), so that the site can set the sample it holds beside it."""

    id: str
    label: str
    label_zh: str
    value: int
    as_of: str  # as precise as the source
    source: str
    note: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def batch_id(issuer: str, number: int) -> str:
    """The id a batch must have: its issuer's prefix and its number (mofcom-cases-6)."""
    return f"{ISSUERS[issuer]['prefix']}-{number}"


def batch_of_id(value: str) -> tuple[str, int] | None:
    """(issuer, number) that a well-formed batch id names; None for another string."""
    for issuer, about in ISSUERS.items():
        match = re.fullmatch(re.escape(about["prefix"]) + r"-([1-9][0-9]?)", value)
        if match:
            return issuer, int(match.group(1))
    return None


def status_from_lineage(lineage: tuple[LineageStep, ...]) -> str | None:
    """A national step makes a measure nationwide; any other step, replicated."""
    if not lineage:
        return None
    return "nationwide" if any(step.scope == "national" for step in lineage) else "replicated"


@dataclass(frozen=True)
class Measure:
    id: str
    title: str
    title_zh: str
    zones: tuple[str, ...]
    pillar: str
    date: str
    tags: tuple[str, ...]
    source: str
    body: str
    quote: str | None = None  # the held source's words; None for a measure on a cited source
    path: str = ""
    zones_note: str | None = None
    status: str | None = None
    title_zh_note: str | None = None
    title_zh_source: str | None = None  # the source giving title_zh as the official name
    title_zh_alt: tuple[str, ...] = ()  # other Chinese names (our former rendering), searched
    see_also: tuple[str, ...] = ()
    lineage: tuple[LineageStep, ...] = ()
    body_zh: str | None = None  # the record's Chinese text, written afresh from the same facts

    def to_dict(self) -> dict:
        # its values are strings, None and tuples of them, and lineage steps: a shallow copy,
        # not asdict's deep one (a build makes one per record)
        data = {name: getattr(self, name) for name in _MEASURE_FIELDS}
        data["zones"] = list(self.zones)
        data["tags"] = list(self.tags)
        data["see_also"] = list(self.see_also)
        data["title_zh_alt"] = list(self.title_zh_alt)
        data["lineage"] = [step.to_dict() for step in self.lineage]
        return data


_MEASURE_FIELDS = tuple(f.name for f in fields(Measure))


@dataclass
class Taxonomy:
    """Zones, pillars and fields of reform in file order; sources and batches by id."""

    zones: dict[str, Zone] = field(default_factory=dict)
    pillars: dict[str, Pillar] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    batches: dict[str, Batch] = field(default_factory=dict)
    reform_fields: dict[str, ReformField] = field(default_factory=dict)
    totals: dict[str, StatedTotal] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)  # "zone"/"pillar": its file is broken
