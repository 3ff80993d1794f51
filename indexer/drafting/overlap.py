"""Whether a drafted measure already stands in a record: the same quote, or the same measure.

Two measures a source gives in one sentence share a quote, so a quote alone does not say
which record a draft repeats; the drafts of one sentence are paired with the records quoting
it by the likeness of their words, one to one. A measure reported again by another source
has another quote: it is matched by its words (tf-idf over the records) and its zones.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from indexer.records.fields import squash
from indexer.records.model import Measure
from indexer.drafting.pillar_model import cosine, idf_table, vector, tokens

SAME_MEASURE = 0.4  # cosine of a draft with a record of another quote, from the same zones


def _measure_text(m: Measure) -> str:
    return " ".join([m.title, " ".join(t.replace("-", " ") for t in m.tags)])


class Overlap:
    def __init__(self, measures: Iterable[Measure], names: Iterable[str] = ()):
        """`names`: the zones' names and places, which say where a measure is and are
        compared as zones, not as words ("Zhoushan" in two records is not one measure)."""
        self.measures = list(measures)
        self.names = {tok for name in names for tok in tokens(name)}
        self.counts = {m.id: Counter(tokens(_measure_text(m))) for m in self.measures}
        self.full = {m.id: Counter(tokens(_measure_text(m) + " " + (m.quote or "") + " " + m.body))
                     for m in self.measures}
        self.idf = idf_table(list(self.full.values()) or [Counter()])
        self.by_quote: dict[str, list[Measure]] = {}
        for m in self.measures:
            if m.quote:
                self.by_quote.setdefault(squash(m.quote), []).append(m)

    def similarity(self, text: str, measure_id: str, full: bool = False) -> float:
        counts = (self.full if full else self.counts)[measure_id]
        mine = Counter(t for t in tokens(text) if t not in self.names)
        theirs = Counter({t: c for t, c in counts.items() if t not in self.names})
        return cosine(vector(mine, self.idf), vector(theirs, self.idf))

    def match(self, drafts: Sequence[tuple[str, str, tuple[str, ...]]]) -> list[str | None]:
        """For each draft (quote, words of the measure, zones): the record it repeats, or None."""
        out: list[str | None] = [None] * len(drafts)
        groups: dict[str, list[int]] = {}
        for i, (quote, _, _) in enumerate(drafts):
            groups.setdefault(squash(quote), []).append(i)
        for quote, members in groups.items():
            records = self._quoting(quote)
            pairs = sorted(((self.similarity(drafts[i][1], r.id), i, r.id)
                            for i in members for r in records), reverse=True)
            used_d, used_r = set(), set()
            # greedy one to one by likeness; drafts left over are measures no record holds
            for _, i, rid in pairs:
                if i not in used_d and rid not in used_r:
                    out[i] = rid
                    used_d.add(i)
                    used_r.add(rid)
        for i, (quote, words, zones) in enumerate(drafts):
            if out[i] is not None:
                continue
            best, best_id = 0.0, None
            for m in self.measures:
                if set(zones) != set(m.zones) and not (set(zones) & set(m.zones)):
                    continue
                score = self.similarity(words, m.id, full=True)
                if score > best:
                    best, best_id = score, m.id
            if best >= SAME_MEASURE:
                out[i] = best_id
        return out

    def _quoting(self, quote: str) -> list[Measure]:
        """Records whose quote is this one, or lies inside it, or holds it."""
        exact = self.by_quote.get(quote, [])
        if exact:
            return exact
        return [m for q, ms in self.by_quote.items() if q in quote or quote in q for m in ms]

