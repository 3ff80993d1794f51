"""The bilingual glossary (`measures/glossary.yaml`): English and Chinese terms that mean the same.

The records are written in English with Chinese titles and tags, so a Chinese query finds
little by its own words. At query time each glossary pair joins the synonym groups of
synonyms.yaml (querying.QueryBuilder), so that 跨境 also searches "cross-border" and the
reverse: a query in either language finds the same records.

"Used" means the pair can find something: its English term is a run of words of some record's
indexed text (analysed as the search analyses it: `certificates of origin` uses "certificate of
origin"), or its Chinese term is written in some record (title, tags, notes). A pair used by no
record is reported by `ftz check` as a warning, not an error: the glossary belongs to the field,
and a small corpus (the test fixtures, a knowledge base starting out) rightly uses few of its
terms; the shipped corpus is held to none unused by tests/test_glossary.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from indexer.analysis.cjk import CJK_RE
from indexer.records.frontmatter import load_yaml_list

GLOSSARY_FILE = "glossary.yaml"


@dataclass(frozen=True)
class GlossaryPair:
    english: str  # lowercase, single spaces
    chinese: str
    line: int = 0  # in glossary.yaml, for messages

    @property
    def terms(self) -> tuple[str, str]:
        return (self.english, self.chinese)


def load_glossary(root: Path, report) -> tuple[GlossaryPair, ...]:
    """The pairs of glossary.yaml, each checked; a missing file is an empty glossary."""
    path = Path(root) / GLOSSARY_FILE
    node = load_yaml_list(path, "glossary", report, "pairs")
    if node is None:
        return ()
    pairs, seen = [], {}
    for i, entry in enumerate(node.value):
        line, where = node.line_of(i), f"glossary[{i}]"
        if (not isinstance(entry, list) or len(entry) != 2
                or not all(isinstance(t, str) and t.strip() for t in entry)):
            report.add(path, line, where, "a pair is [English term, Chinese term]")
            continue
        english, chinese = (" ".join(t.split()) for t in entry)
        if CJK_RE.search(english):
            report.add(path, line, where, f"{english!r} has Chinese; the English term comes first")
            continue
        if not CJK_RE.search(chinese):
            report.add(path, line, where, f"{chinese!r} has no Chinese; the Chinese term comes second")
            continue
        key = (english.lower(), chinese)
        if key in seen:
            report.add(path, line, where, f"{english} = {chinese} is listed twice (also line {seen[key]})")
            continue
        seen[key] = line
        pairs.append(GlossaryPair(english.lower(), chinese, line))
    return tuple(pairs)


def unused_pairs(pairs: Iterable[GlossaryPair], documents: Iterable[dict], analyzer,
                 text_fields: Iterable[str]) -> list[GlossaryPair]:
    """The pairs no document uses (see the module's docstring). `documents` are index
    documents (schema.measure_document); reading stops once every pair is found."""
    pairs = list(pairs)
    text_fields = tuple(text_fields)
    wanted_en: dict[tuple[str, ...], list[GlossaryPair]] = {}
    wanted_zh: dict[str, list[GlossaryPair]] = {}
    for pair in pairs:
        key = tuple(analyzer_words(analyzer, pair.english))
        if key:
            wanted_en.setdefault(key, []).append(pair)
        wanted_zh.setdefault(pair.chinese, []).append(pair)
    found: set[GlossaryPair] = set()
    longest = max((len(k) for k in wanted_en), default=0)
    for document in documents:
        if len(found) == len(pairs):
            break
        for name in text_fields:
            text = document.get(name) or ""
            for chinese in [c for c in wanted_zh if c in text]:
                found.update(wanted_zh.pop(chinese))
            if not wanted_en:
                continue
            words = analyzer_words(analyzer, text)
            for start in range(len(words)):
                for n in range(1, min(longest, len(words) - start) + 1):
                    hit = wanted_en.pop(tuple(words[start:start + n]), None)
                    if hit:
                        found.update(hit)
    return [pair for pair in pairs if pair not in found]


def analyzer_words(analyzer, text: str) -> list[str]:
    """The whole words the search sees in `text` (stemmed, lowercase, stop words out)."""
    return [t.text for t in analyzer(text, mode="query")]
