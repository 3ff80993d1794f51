"""The domain objects: zones, pillars, sources with their figures, measures and the register's
batches, each a model of the record schema (indexer/records/schema.py), with the taxonomy that
holds them and the rules between them (a batch's id, a lineage's status)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.records.schema import (ID_RE, ISSUERS, ITEM_SCOPES, SCOPES, SOURCE_KINDS, STATUSES,
                                    Batch, BatchItem, Figure, LineageStep, Measure, Pillar,
                                    ReformField, Source, StatedTotal, Zone)

__all__ = ["ID_RE", "ISSUERS", "ITEM_SCOPES", "SCOPES", "SOURCE_KINDS", "STATUSES", "Batch",
           "BatchItem", "Figure", "LineageStep", "Measure", "Pillar", "ReformField", "Source",
           "StatedTotal", "Zone", "Taxonomy", "batch_id", "batch_of_id", "status_from_lineage"]


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
