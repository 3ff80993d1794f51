"""The places inside each zone (`measures/places.yaml`): loading and checking them.

A source names a zone in many ways: "Zhoushan", "the Nansha area", "Horgos", "洋浦". The
file maps each zone id to the zone's other names and the places inside it, so that the
drafter finds the zone from data an editor can extend, never from code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from indexer.records import fields as F
from indexer.records.frontmatter import Located, load_yaml_file
from indexer.records.model import Zone

PLACES_FILE = "places.yaml"
KINDS = ("names", "places")


@dataclass(frozen=True)
class ZonePlaces:
    """Another name of the zone itself (`names`) or a place inside it (`places`)."""

    zone: str
    names: tuple[str, ...] = ()
    places: tuple[str, ...] = ()


def fold(name: str) -> str:
    """The form two names are compared in: case and spacing ignored."""
    return " ".join(name.split()).casefold()


def zone_names(zone: Zone) -> tuple[str, ...]:
    return (zone.name, zone.name_zh, zone.short, zone.short_zh)


def ftz_terms(full_and_short: Iterable[tuple[str, str]],
              synonym_groups: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    """The terms meaning "pilot free trade zone", folded, longest first: what the zones' full
    names share after "China (X)" / "中国（X）" (given as (full name, short name) pairs, in
    both languages), and every synonym group holding one of those."""
    suffixes = set()
    for full, short in full_and_short:
        at = full.find(short)
        if at >= 0:
            rest = full[at + len(short):].lstrip(")）").strip()
            if rest:
                suffixes.add(fold(rest))
    terms = set(suffixes)
    for group in synonym_groups:
        if any(fold(term) in suffixes for term in group):
            terms.update(fold(term) for term in group)
    return tuple(sorted(terms, key=len, reverse=True))


def official_name_patterns(short: str, short_zh: str, ftz_pattern: str) -> tuple[str, str]:
    """Regular expressions of a zone's official name in each language, "China (Hubei) Free
    Trade Pilot Zone" and "中国（湖北）自由贸易试验区": the short name in brackets of either width
    (a half-width bracket typed in Chinese too), any FTZ term after it, spacing ignored."""
    return (rf"China\s*[(（]\s*{re.escape(short)}\s*[)）]\s*(?:{ftz_pattern})",
            rf"中国\s*[(（]\s*{re.escape(short_zh)}\s*[)）]\s*(?:{ftz_pattern})")


def load_places(root: Path, zones: dict[str, Zone], report, check_zones: bool = True) -> dict[str, ZonePlaces]:
    """The places file, checked: unknown zone ids, names listed twice, names that
    zones.yaml already gives. A missing file is no problem (the drafter then knows
    the zones by the names in zones.yaml alone); a broken entry is reported and skipped."""
    path = Path(root) / PLACES_FILE
    if not path.exists():
        return {}
    doc = load_yaml_file(path, report)
    if doc is None:
        return {}
    if not isinstance(doc.value, dict):
        report.add(path, doc.line, "(file)", "must be a mapping of zone id: {names: [...], places: [...]}")
        return {}
    taken = {fold(name): (zone.id, "zones.yaml") for zone in zones.values() for name in zone_names(zone)}
    seen: dict[str, tuple[str, int]] = {}
    out: dict[str, ZonePlaces] = {}
    for zone_id, entry in doc.value.items():
        node = doc.children[zone_id]
        if check_zones and zone_id not in zones:
            hint = F.closest(str(zone_id), zones)
            report.add(path, node.line, str(zone_id), f"unknown zone {zone_id!r}"
                       + (f" (did you mean {hint!r}?)" if hint else ""))
            continue
        lists = _entry(path, zone_id, node, report)
        if lists is None:
            continue
        kept: dict[str, list[str]] = {kind: [] for kind in KINDS}
        for kind, items in lists.items():
            for i, name in enumerate(items):
                line = node.children[kind].line_of(i)
                where = f"{zone_id}.{kind}[{i}]"
                if not isinstance(name, str) or not name.strip():
                    report.add(path, line, where, "must be non-empty text")
                    continue
                key = fold(name)
                if key in taken:
                    owner = taken[key][0]
                    report.add(path, line, where,
                               f"{name!r} is already a name of zone {owner} in zones.yaml")
                    continue
                if key in seen:
                    other_zone, other_line = seen[key]
                    report.add(path, line, where,
                               f"{name!r} is listed twice (also under {other_zone}, line {other_line})")
                    continue
                seen[key] = (zone_id, line)
                kept[kind].append(" ".join(name.split()))
        out[zone_id] = ZonePlaces(zone_id, tuple(kept["names"]), tuple(kept["places"]))
    return out


def _entry(path: Path, zone_id, node: Located, report) -> dict[str, list] | None:
    if not isinstance(node.value, dict):
        report.add(path, node.line, str(zone_id), "must be a mapping with names: and places: lists")
        return None
    lists = {}
    for key, value in node.value.items():
        if key not in KINDS:
            hint = F.closest(str(key), KINDS)
            report.add(path, node.line_of(key), f"{zone_id}.{key}", "unknown field"
                       + (f" (did you mean {hint!r}?)" if hint else ""))
            continue
        if not isinstance(value, list):
            report.add(path, node.line_of(key), f"{zone_id}.{key}", "must be a list of names")
            continue
        lists[key] = value
    return lists
