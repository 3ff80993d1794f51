"""The domain objects: zones, pillars, sources with their figures, and measures."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STATUSES = ("piloted", "replicated", "nationwide")


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
    id: str
    title: str
    publisher: str
    date: str
    language: str
    text: str
    title_zh: str | None = None
    url: str | None = None
    note: str | None = None
    figures: tuple[Figure, ...] = ()

    def to_dict(self) -> dict:
        data = asdict(self)
        data["figures"] = [f.to_dict() for f in self.figures]
        return data


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
    quote: str
    body: str
    path: str = ""
    zones_note: str | None = None
    status: str | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["zones"] = list(self.zones)
        data["tags"] = list(self.tags)
        return data


@dataclass
class Taxonomy:
    """Zones and pillars in file order, and sources by id."""

    zones: dict[str, Zone] = field(default_factory=dict)
    pillars: dict[str, Pillar] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)  # "zone"/"pillar": its file is broken
