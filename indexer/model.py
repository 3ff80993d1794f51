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
    see_also: tuple[str, ...] = ()
    lineage: tuple[LineageStep, ...] = ()

    def to_dict(self) -> dict:
        # its values are strings, None and tuples of them, and lineage steps: a shallow copy,
        # not asdict's deep one (a build makes one per record)
        data = {name: getattr(self, name) for name in _MEASURE_FIELDS}
        data["zones"] = list(self.zones)
        data["tags"] = list(self.tags)
        data["see_also"] = list(self.see_also)
        data["lineage"] = [step.to_dict() for step in self.lineage]
        return data


_MEASURE_FIELDS = tuple(f.name for f in fields(Measure))


@dataclass
class Taxonomy:
    """Zones and pillars in file order, and sources by id."""

    zones: dict[str, Zone] = field(default_factory=dict)
    pillars: dict[str, Pillar] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)  # "zone"/"pillar": its file is broken
