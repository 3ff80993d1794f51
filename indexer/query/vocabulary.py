"""What a query's words may name besides the records' own words: zones (by id, name, short
name in either language, or a place inside them), the values of the other facets
(facets.py: pillars, scopes, statuses, years), field names,
synonyms and glossary terms. Built once per index generation from its taxonomy snapshot.

Two uses: a word of this vocabulary is never "corrected" to another (spelling.py: `Hainan`
is a zone even where no record names it), and a query naming a zone with no records gets a
note saying so (search/fallback.py).
"""

from __future__ import annotations

import re

from indexer.analysis.cjk import has_cjk
from indexer.facets import FACETS
from indexer.analysis.normalize import normalize
from indexer.records.places import ftz_terms, official_name_patterns
from indexer.query.syntax import FIELD_ALIASES, OPERATORS

_WORD_RE = re.compile(r"[a-z0-9]+")
_QUOTED_RE = re.compile(r'"[^"]*"')


def name_words(name: str) -> tuple[str, ...]:
    """A name's words, case, spacing and punctuation ignored: "Xiong'an" -> (xiong, an)."""
    return tuple(_WORD_RE.findall(name.casefold()))


class QueryVocabulary:
    def __init__(self, zones: dict[str, dict], pillars: dict[str, dict],
                 places: list[tuple] = (), synonyms=(), glossary=(), choices=None):
        """`choices`: each facet's allowed values by facet key (facets.py, as a Generation
        derives them); by default those of the zones and pillars given."""
        self.zones, self.pillars = zones, pillars
        if choices is None:
            snapshot = {"zones": list(zones.values()), "pillars": list(pillars.values())}
            choices = {f.key: f.choices(snapshot, lambda _name: []) for f in FACETS}
        # every name of a zone: lowercase -> zone id (zone:... takes any of them)
        names: list[tuple[str, str]] = []
        for z in zones.values():
            names += [(z["id"], n) for n in (z["id"], z["short"], z["short_zh"], z["name"], z["name_zh"])]
        names += [(zone, name) for zone, name, *_kind in places if zone in zones]
        # what a prefix (zone:, pillar:, year: ...) may name each facet's values by: lowercase
        # -> id; a zone by its places too
        self.aliases = {f.key: {" ".join(a.lower().split()): c["id"] for c in choices[f.key]
                                for a in c["aliases"]} for f in FACETS}
        self.aliases["zone"] = {" ".join(n.lower().split()): zone for zone, n in names}
        # places inside a zone (not other names of the zone itself): lowercase -> zone id;
        # a query that names one is told that measures are recorded by zone
        self.place_zone = {" ".join(name.lower().split()): zone
                           for zone, name, *kind in places if zone in zones and kind != ["name"]}
        # how a query's words can name a zone: runs of words, or Chinese written anywhere
        self._zone_by_words: dict[tuple[str, ...], str] = {}
        self._zone_by_chinese: dict[str, str] = {}
        for zone, name in names:
            if has_cjk(name):
                self._zone_by_chinese[name] = zone
            elif name_words(name):
                self._zone_by_words[name_words(name)] = zone
        self._longest = max((len(k) for k in self._zone_by_words), default=1)
        self.groups = [tuple(g) for g in synonyms] + [tuple(p) for p in glossary]
        self._zone_forms(zones, places, synonyms)
        terms = [t for g in self.groups for t in g]
        self.known_words = {w for text in (
            *terms, *(n for _zone, n in names), *(n for kind, aliases in self.aliases.items()
                                                  if kind != "zone" for n in aliases),
            *FIELD_ALIASES) for w in _WORD_RE.findall(text.lower())}
        self.known_words |= {op.lower() for op in OPERATORS}

    def _zone_forms(self, zones: dict[str, dict], places, synonyms) -> None:
        """How a query names a zone as a zone, not a bare province: its short name joined to
        each term meaning "pilot free trade zone" (浙江自贸区, 浙江自贸试验区, Zhejiang FTZ), its
        official names (中国（浙江）自由贸易试验区; in English "Zhejiang Pilot Free Trade Zone",
        see `canonical`), and its other names in places.yaml (海南自由贸易港, 自贸港). All made
        from the zone list and the synonyms, never listed zone by zone."""
        terms = ftz_terms(((z[full], z[short]) for z in zones.values()
                           for full, short in (("name", "short"), ("name_zh", "short_zh"))),
                          synonyms)
        chinese = [t for t in terms if has_cjk(t)]
        latin = [t for t in terms if not has_cjk(t)]
        # form -> zone id; the query builder keys them as it keys every term
        self.zone_forms: dict[str, str] = {}
        for z in zones.values():
            for t in chinese:
                self.zone_forms.setdefault(f"{z['short_zh']}{t}", z["id"])
                self.zone_forms.setdefault(f"中国（{z['short_zh']}）{t}", z["id"])
            for t in latin:
                self.zone_forms.setdefault(f"{z['short']} {t}", z["id"])
        for zone, name, *kind in places:
            if zone in zones and kind == ["name"]:
                self.zone_forms.setdefault(normalize(name), zone)
        # an official name with its brackets, "中国(浙江)自由贸易试验区" typed with half-width
        # ones too: one word of the query, never its syntax (brackets group words)
        ftz = "|".join([re.escape(t) for t in chinese] +
                       [re.escape(t) + r"(?![a-z0-9])" for t in latin])
        self._official = []
        for z in zones.values():
            english, han = official_name_patterns(z["short"], z["short_zh"], f"(?P<term>{ftz})")
            self._official.append((re.compile(english, re.I), z["short"] + " {term}"))
            self._official.append((re.compile(han, re.I), f"中国（{z['short_zh']}）{{term}}"))

    def canonical(self, text: str) -> str:
        """The query with each zone's official name in one form, outside quoted phrases:
        中国（浙江）自由贸易试验区 (full-width brackets, which are no syntax) and, in English,
        "Zhejiang Pilot Free Trade Zone" (the brackets of "China (Zhejiang) ..." left out)."""
        if "(" not in text and "（" not in text:
            return text
        out, at = [], 0
        for quoted in [*_QUOTED_RE.finditer(text), None]:
            end = quoted.start() if quoted else len(text)
            part = text[at:end]
            for pattern, form in self._official:
                part = pattern.sub(lambda m, form=form: form.format(term=m.group("term")), part)
            out.append(part + (quoted.group(0) if quoted else ""))
            at = quoted.end() if quoted else end
        return "".join(out)

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
