"""What a query's words may name besides the records' own words: zones (by id, name, short
name in either language, or a place inside them), pillars, scopes, statuses, field names,
synonyms and glossary terms. Built once per index generation from its taxonomy snapshot.

Two uses: a word of this vocabulary is never "corrected" to another (spelling.py: `Hainan`
is a zone even where no record names it), and a query naming a zone with no records gets a
note saying so (search.py).
"""

from __future__ import annotations

import re

from .analysis import has_chinese
from .model import SCOPES, STATUSES
from .syntax import FIELD_ALIASES, OPERATORS

_WORD_RE = re.compile(r"[a-z0-9]+")


def name_words(name: str) -> tuple[str, ...]:
    """A name's words, case, spacing and punctuation ignored: "Xiong'an" -> (xiong, an)."""
    return tuple(_WORD_RE.findall(name.casefold()))


class QueryVocabulary:
    def __init__(self, zones: dict[str, dict], pillars: dict[str, dict],
                 places: list[tuple] = (), synonyms=(), glossary=()):
        self.zones, self.pillars = zones, pillars
        # every name of a zone: lowercase -> zone id (zone:... takes any of them)
        names: list[tuple[str, str]] = []
        for z in zones.values():
            names += [(z["id"], n) for n in (z["id"], z["short"], z["short_zh"], z["name"], z["name_zh"])]
        names += [(zone, name) for zone, name, *_kind in places if zone in zones]
        self.zone_aliases = {" ".join(n.lower().split()): zone for zone, n in names}
        # places inside a zone (not other names of the zone itself): lowercase -> zone id;
        # a query that names one is told that measures are recorded by zone
        self.place_zone = {" ".join(name.lower().split()): zone
                           for zone, name, *kind in places if zone in zones and kind != ["name"]}
        self.pillar_aliases = {" ".join(n.lower().split()): p["id"] for p in pillars.values()
                               for n in (p["id"], p["name"], p["name_zh"])}
        self.scope_aliases = {s: s for s in SCOPES}
        self.status_aliases = {s: s for s in STATUSES}
        # how a query's words can name a zone: runs of words, or Chinese written anywhere
        self._zone_by_words: dict[tuple[str, ...], str] = {}
        self._zone_by_chinese: dict[str, str] = {}
        for zone, name in names:
            if has_chinese(name):
                self._zone_by_chinese[name] = zone
            elif name_words(name):
                self._zone_by_words[name_words(name)] = zone
        self._longest = max((len(k) for k in self._zone_by_words), default=1)
        self.groups = [tuple(g) for g in synonyms] + [tuple(p) for p in glossary]
        terms = [t for g in self.groups for t in g]
        self.known_words = {w for text in (
            *terms, *(n for _zone, n in names), *(n for p in pillars.values() for n in (p["id"], p["name"])),
            *SCOPES, *STATUSES, *FIELD_ALIASES) for w in _WORD_RE.findall(text.lower())}
        self.known_words |= {op.lower() for op in OPERATORS}

    def zones_named(self, text: str) -> list[tuple[str, str]]:
        """(zone id, the words that name it) for each zone the query's words name, in order
        of first mention: `Hebei`, `河北`, `zone:hebei`, `Xiong'an` (a place in Hebei)."""
        found: dict[str, str] = {}
        runs = list(re.finditer(r"[^\W_]+", text))
        words = [m.group(0).casefold() for m in runs]
        i = 0
        while i < len(words):
            for n in range(min(self._longest, len(words) - i), 0, -1):
                chunk = words[i:i + n]
                key = tuple(w for c in chunk for w in _WORD_RE.findall(c))
                zone = self._zone_by_words.get(key) if "".join(key) == "".join(chunk) else None
                if zone:
                    found.setdefault(zone, text[runs[i].start():runs[i + n - 1].end()])
                    i += n
                    break
            else:
                i += 1
        for name, zone in sorted(self._zone_by_chinese.items(), key=lambda kv: -len(kv[0])):
            if name in text:
                found.setdefault(zone, name)
        return list(found.items())
