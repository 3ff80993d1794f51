"""The analysis data kept in `measures/`: the segmenter's user dictionary, query synonyms, the
everyday words, the bilingual glossary and the zones' places (words a query may use that no
record need hold)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from indexer.analysis.cjk import has_cjk
from indexer.errors import Report
from indexer.records.frontmatter import load_yaml_list
from indexer.records.glossary import GlossaryPair, load_glossary
from indexer.records.places import load_places

DICTIONARY_FILE = "dictionary.txt"
SYNONYMS_FILE = "synonyms.yaml"
EVERYDAY_FILE = "everyday.yaml"


@dataclass(frozen=True)
class Lexicon:
    """User dictionary entries (word, frequency), synonym groups (lowercase terms), glossary
    pairs, and the (zone id, name, "name" or "place") of every entry of places.yaml."""

    dictionary: tuple[tuple[str, int], ...] = ()
    synonyms: tuple[tuple[str, ...], ...] = ()
    glossary: tuple[GlossaryPair, ...] = ()
    places: tuple[tuple[str, str, str], ...] = ()
    everyday: tuple[tuple[str, ...], ...] = ()  # everyday words and spellings (everyday.yaml)

    def snapshot(self) -> dict:
        """What a search needs of it, stored with the index (schema.taxonomy_document)."""
        return {"synonyms": [list(g) for g in self.synonyms],
                "everyday": [list(g) for g in self.everyday],
                "glossary": [list(p.terms) for p in self.glossary],
                "places": [list(p) for p in self.places]}

    @property
    def digest(self) -> str:
        # lines left out: moving a pair in the file changes nothing a search sees
        return hashlib.sha1(repr((self.dictionary, self.snapshot())).encode()).hexdigest()[:16]

    @property
    def dictionary_digest(self) -> str:
        return hashlib.sha1(repr(self.dictionary).encode()).hexdigest()[:16]


def _load_dictionary(path: Path, report) -> tuple[tuple[str, int], ...]:
    entries: list[tuple[str, int]] = []
    if not path.exists():
        return ()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        report.add(path, 1, "(file)", f"cannot be read as UTF-8 text: {exc}")
        return ()
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if not has_cjk(parts[0]):
            report.add(path, number, "word", f"{parts[0]!r} has no Chinese; the dictionary is for the segmenter")
            continue
        freq = 100
        if len(parts) > 1:
            if not parts[1].isdigit():
                report.add(path, number, "frequency", f"{parts[1]!r} is not a whole number")
                continue
            freq = int(parts[1])
        entries.append((parts[0], freq))
    return tuple(entries)


def _load_synonyms(path: Path, report, key: str = "synonyms",
                   once: bool = False) -> tuple[tuple[str, ...], ...]:
    """The groups of terms of a synonyms-shaped file (`key:` a list of lists). With `once`,
    a term listed twice (in one group or in two) is reported: the groups of everyday.yaml
    are meant to be apart, where a shared term would join two meanings into one."""
    node = load_yaml_list(path, key, report, "groups")
    if node is None:
        return ()
    groups = []
    seen: dict[str, int] = {}
    for i, group in enumerate(node.value):
        line = node.line_of(i)
        if (not isinstance(group, list) or len(group) < 2
                or not all(isinstance(t, str) and t.strip() for t in group)):
            report.add(path, line, f"{key}[{i}]", "a group is a list of two or more terms")
            continue
        terms = tuple(" ".join(t.lower().split()) for t in group)
        if once:
            twice = [t for t in terms if t in seen]
            if twice or len(set(terms)) < len(terms):
                where = ", ".join(f"{t!r} (also line {seen[t]})" for t in twice) or "a term"
                report.add(path, line, f"{key}[{i}]", f"{where} is listed twice")
                continue
            seen.update((t, line) for t in terms)
        groups.append(terms)
    return tuple(groups)


def _load_places(root: Path) -> tuple[tuple[str, str, str], ...]:
    # places.yaml is checked by `ftz check` (catalog.load_catalog); here a broken entry only
    # means fewer names, so its problems go to a report of their own, not the build's
    places = load_places(root, {}, Report(Path(root)), check_zones=False)
    return tuple((zone, name, kind) for zone, entry in places.items()
                 for kind, names in (("name", entry.names), ("place", entry.places))
                 for name in names)


def load_lexicon(root: Path, report) -> Lexicon:
    return Lexicon(_load_dictionary(root / DICTIONARY_FILE, report),
                   _load_synonyms(root / SYNONYMS_FILE, report),
                   load_glossary(root, report),
                   _load_places(root),
                   _load_synonyms(root / EVERYDAY_FILE, report, "everyday", once=True))
