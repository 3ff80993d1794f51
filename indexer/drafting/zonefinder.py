"""Find the zones a text names, in every way a source names them, from data only.

The names come from zones.yaml (full and short names in both languages), places.yaml
(other names of a zone, places inside it) and synonyms.yaml (the group of terms meaning
"pilot free trade zone", so that "Zhejiang FTZ", "the Guangxi and Yunnan pilot free trade
zones" and "浙江自贸区" are recognised without a list of phrasings in code).

A mention is strong when it can only mean the zone (a full name, "X Pilot Free Trade Zone",
another name of the zone) and weak when it is a bare province or place name ("Shanghai",
"Chengdu"), which a sentence may use for something else than the zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from indexer.records.model import Zone
from indexer.records.places import ZonePlaces, fold, ftz_terms, official_name_patterns

LATIN = r"A-Za-z0-9"
# what may join the names of a list of zones: "Shanghai, Anhui and Jiangsu", "上海、浙江和江苏"
LIST_JOIN = re.compile(r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*[、和及与]\s*)")
AREA_WORD = re.compile(r"\s*(?:['’]s\s+)?(?:area|Area|片区)\b")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    zone: str
    strong: bool
    text: str


def _boundaried(literal: str, plural: bool = False) -> str:
    """A name as a pattern that never matches inside a longer Latin word (with `plural`,
    also its form with an -s)."""
    pattern = r"\s+".join(re.escape(part) for part in literal.split())
    if re.match(rf"[{LATIN}]", literal):
        pattern = rf"(?<![{LATIN}]){pattern}"
    if re.search(rf"[{LATIN}]$", literal):
        pattern = rf"{pattern}{'s?' if plural else ''}(?![{LATIN}])"
    return pattern


class ZoneFinder:
    """Mentions of zones in a text, longest name first, each with its strength."""

    def __init__(self, zones: dict[str, Zone], places: dict[str, ZonePlaces],
                 synonym_groups: Iterable[tuple[str, ...]] = ()):
        self.zones = zones
        terms = ftz_terms(((full, short) for z in zones.values()
                           for full, short in ((z.name, z.short), (z.name_zh, z.short_zh))),
                          synonym_groups)
        latin = [t for t in terms if re.match(rf"[{LATIN}]", t)]
        other = [t for t in terms if t not in latin]
        # "pilot FTZ", "free trade zones", "FTZs": an optional "pilot", a plural
        eng = "|".join(_boundaried(t, plural=True) for t in latin)
        alternatives = ([rf"(?:(?<![{LATIN}])pilot\s+)?(?:{eng})"] if eng else []) + \
            [re.escape(t) for t in other]
        self.ftz = re.compile("|".join(alternatives) or r"(?!x)x", re.I)
        self.kind: dict[str, tuple[str, str]] = {}  # folded name -> (zone, kind)
        for zone in zones.values():
            self.kind[fold(zone.name)] = (zone.id, "full")
            self.kind[fold(zone.name_zh)] = (zone.id, "full")
            self.kind[fold(zone.short)] = (zone.id, "short")
            self.kind[fold(zone.short_zh)] = (zone.id, "short")
        for entry in places.values():
            if entry.zone not in zones:
                continue
            for name in entry.names:
                self.kind.setdefault(fold(name), (entry.zone, "name"))
            for name in entry.places:
                self.kind.setdefault(fold(name), (entry.zone, "place"))
        names = sorted(self.kind, key=len, reverse=True)
        full_forms = []
        for zone in zones.values():
            # "China (Hubei) Free Trade Pilot Zone": the zone's parenthesised short name and any term
            full_forms.extend(official_name_patterns(zone.short, zone.short_zh, self.ftz.pattern))
        self.full = re.compile("|".join(full_forms), re.I) if full_forms else None
        self.names = re.compile("|".join(_boundaried(n) for n in names), re.I) if names else None

    def find(self, text: str) -> list[Mention]:
        """Every mention in `text`, in order; a full name is one mention, not three."""
        found: list[Mention] = []
        taken: list[tuple[int, int]] = []
        if self.full:
            for m in self.full.finditer(text):
                short = re.search(r"[(（]\s*(.+?)\s*[)）]", m.group(0)).group(1)
                zone, _ = self.kind[fold(short)]
                found.append(Mention(m.start(), m.end(), zone, True, m.group(0)))
                taken.append((m.start(), m.end()))
        if self.names:
            for m in self.names.finditer(text):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                zone, kind = self.kind[fold(m.group(0))]
                found.append(Mention(m.start(), m.end(), zone, kind in ("full", "name"), m.group(0)))
        found.sort(key=lambda x: x.start)
        return self._strengthen(text, found)

    def _strengthen(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """A bare name followed by an FTZ term or "area" is strong, and so is every name of a
        list that ends in one ("the Guangxi and Yunnan pilot free trade zones")."""
        out = list(mentions)
        i = 0
        while i < len(out):
            j = i
            while j + 1 < len(out) and LIST_JOIN.fullmatch(text[out[j].end:out[j + 1].start]):
                j += 1
            after = text[out[j].end:]
            tail = re.match(r"(?:['’]s)?\s*(?:and\s+(?:other|several|some|many)\s+|等)?", after)
            rest = after[tail.end():]
            ftz = self.ftz.match(rest)
            if ftz or AREA_WORD.match(after):
                for k in range(i, j + 1):
                    m = out[k]
                    out[k] = Mention(m.start, m.end, m.zone, True, m.text)
            i = j + 1
        return out

    def others(self, text: str, mentions: list[Mention]) -> bool:
        """True when the text attributes something to the named zones "and other" zones."""
        for m in mentions:
            if re.match(rf"\s*(?:,\s*)?and\s+other\s+(?:{self.ftz.pattern})|\s*等(?:{self.ftz.pattern})",
                        text[m.end:], re.I):
                return True
        return False
