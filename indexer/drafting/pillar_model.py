"""Which pillar a passage belongs to, learned at run time from the records and pillars.yaml.

No keyword list: the words of each pillar are the words of the records filed under it
(title, tags, quote, body) and of its own entry in pillars.yaml (name, statement, in both
languages). A passage is scored by the cosine of its tf-idf vector with each pillar's
centroid. The parts of a source's own structure are matched in section_pillars.py.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from indexer.analysis.analyser import TOPIC_STOP_WORDS, MixedTokenizer
from indexer.analysis.bigrams import BigramTokenizer
from indexer.analysis.cjk import CJK, CJK_RE
from indexer.records.model import Measure, Pillar

WORD = re.compile(rf"[A-Za-z][A-Za-z0-9&'-]*|[{CJK}]+")
COUNTING = {"first", "second", "third", "fourth", "fifth", "sixth", "one", "two", "three", "four",
            "final", "last", "next", "anoth", "also", "一是", "二是", "三是", "四是"}


def tokens(text: str) -> list[str]:
    """Stemmed English words without stop words; Chinese as character pairs: the analysis
    room's own tokenizers (indexer/analysis/), the search's English words and its Chinese
    fallback field's bigrams, with Whoosh's longer stop list and words of two letters or
    more, as a passage's topic wants. (The search's field analyser, with Chinese segmented
    into words and its short stop list, scored worse in tests/draft_eval.py: 123/165 pillars
    right leaving one record out, 122 with this stop list, against 124, and a false
    duplicate in heldout-4-transcript.)"""
    out = []
    for w in WORD.findall(text):
        if CJK_RE.match(w):
            out.extend(t.text for t in _BIGRAMS(w))
            continue
        for part in w.lower().replace("'s", "").split("-"):
            out.extend(t.text for t in _ENGLISH(part) if len(t.text) > 1)
    return out


_BIGRAMS = BigramTokenizer()
_ENGLISH = MixedTokenizer(subwords=False, stoplist=TOPIC_STOP_WORDS)


def vector(counts: Counter, idf: dict[str, float]) -> dict[str, float]:
    vec = {t: (1 + math.log(c)) * idf.get(t, 0.0) for t, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items() if v}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def idf_table(docs: list[Counter]) -> dict[str, float]:
    df = Counter(t for d in docs for t in d)
    n = len(docs)
    return {t: math.log((1 + n) / (1 + c)) + 1 for t, c in df.items()}


def record_text(measure: Measure) -> str:
    return " ".join([measure.title, " ".join(t.replace("-", " ") for t in measure.tags),
                     measure.quote or "", measure.body])


def pillar_text(pillar: Pillar) -> str:
    return " ".join([pillar.name, pillar.statement, pillar.name_zh, pillar.statement_zh])


@dataclass(frozen=True)
class Guess:
    pillar: str | None
    score: float
    how: str  # how it was found, for the editor


class PillarModel:
    """Centroids of the pillars' records, and the pillars' own names for headings."""

    def __init__(self, pillars: dict[str, Pillar], measures: Iterable[Measure]):
        self.pillars = list(pillars)
        docs = [(m.pillar, Counter(tokens(record_text(m)))) for m in measures if m.pillar in pillars]
        docs += [(p.id, Counter(tokens(pillar_text(p)))) for p in pillars.values()]
        self.idf = idf_table([d for _, d in docs])
        self.centroids: dict[str, dict[str, float]] = {}
        for pid in self.pillars:
            total: Counter = Counter()
            for owner, counts in docs:
                if owner == pid:
                    total.update(vector(counts, self.idf))
            norm = math.sqrt(sum(v * v for v in total.values())) or 1.0
            self.centroids[pid] = {t: v / norm for t, v in total.items()}
        # a statement's count ("the first is to ...") is its place in one briefing, not its area
        labels = {p.id: Counter(t for t in tokens(pillar_text(p)) if t not in COUNTING)
                  for p in pillars.values()}
        self.label_idf = {t: math.log(len(labels) / c)
                          for t, c in Counter(t for d in labels.values() for t in d).items()}
        self.labels = {pid: vector(c, self.label_idf) for pid, c in labels.items()}

    def scores(self, text: str) -> dict[str, float]:
        """Cosine of the text with each pillar's records."""
        vec = vector(Counter(tokens(text)), self.idf)
        return {pid: cosine(vec, c) for pid, c in self.centroids.items()}

    def heading_scores(self, heading: str) -> dict[str, float]:
        """Cosine of a heading with each pillar's name and statement (words that every
        pillar's statement has, such as "development", count for nothing)."""
        vec = vector(Counter(tokens(heading)), self.label_idf)
        return {pid: cosine(vec, c) for pid, c in self.labels.items()}

    def classify(self, text: str) -> Guess:
        scores = self.scores(text)
        if not scores:
            return Guess(None, 0.0, "no pillars")
        best = max(scores, key=scores.get)
        if scores[best] <= 0:
            return Guess(None, 0.0, "no word shared with any pillar's records")
        return Guess(best, scores[best], f"wording: closest to the records of {best} "
                     f"(cosine {scores[best]:.2f})")
