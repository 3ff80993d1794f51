"""No dead ends: when no record holds every word of a query, the words to leave out.

The strategy (Meilisearch's matching strategy, decided on the records rather than by a fixed
order of words): among the sets of a query's plain words that some record holds together
(within the filters and every explicit part of the query), keep the set with
  1. the most words, then
  2. the most useful words: the highest sum of their idf, so a rare word, which says most
     about what is sought, is never left out while a common one is kept, and a word no record
     holds is the first to go; then
  3. the earliest words (a query's first words are its subject);
and never a single Chinese character cut from a word (前海, cut into 前 and 海, is not a search
for 海): when words are left out, those go first.
The search then runs on that set: every record shown holds all its words, and the page says
which were left out. Explicit parts (quoted phrases, fields, NOT ...) are always kept, and a
query with AND, OR or brackets is never relaxed: it is searched as written (querying.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query as Q

from .analysis import has_chinese
from .evaluation import compile_query
from .querying import ParsedQuery, QueryBuilder, Unit

MAX_UNITS = 24  # plain words weighed; a longer query keeps its later words as they are


@dataclass
class Relaxation:
    kept: list[Unit]  # every unit of the query but the dropped ones, in order
    dropped: list[Unit]


def relax(builder: QueryBuilder, parsed: ParsedQuery, ctx, allowed: np.ndarray,
          idf) -> Relaxation | None:
    """The words to leave out of `parsed` (which found nothing among `allowed` documents), or
    None when leaving words out cannot help (a structured query, one plain word, or no record
    holding any of them)."""
    if parsed.structured or not parsed.units:
        return None
    base = allowed.copy()
    weighed: list[tuple[int, np.ndarray, float]] = []  # (unit index, mask, weight)
    lone: list[int] = []  # single Chinese characters: the first to go, never kept alone
    nodes = []  # held while the context lives: it caches masks by node identity
    for i, unit in enumerate(parsed.units):
        if unit.plain and _lone_character(unit.text):
            lone.append(i)
            continue
        q = builder.unit_query(unit)
        if q is Q.NullQuery or q is None:
            continue  # only common words: neither kept nor dropped
        nodes.append(compile_query(q, ctx.postings))
        mask = nodes[-1].match(ctx) & ctx.live
        if not unit.plain or len(weighed) >= MAX_UNITS:
            base &= mask
            continue
        weighed.append((i, mask, idf(int(np.count_nonzero(mask)))))
    if not weighed or len(weighed) + len(lone) < 2 or not base.any():
        return None
    docs = np.flatnonzero(base)
    signature = np.zeros(len(docs), dtype=np.int64)
    for bit, (_i, mask, _w) in enumerate(weighed):
        signature |= mask[docs].astype(np.int64) << bit
    best = None
    for sig in np.unique(signature).tolist():
        held = [bit for bit in range(len(weighed)) if sig >> bit & 1]
        if not held or len(held) == len(weighed) and not lone:
            continue
        earliest = sum(1 << (len(weighed) - 1 - bit) for bit in held)
        key = (len(held), round(sum(weighed[b][2] for b in held), 9), earliest)
        if best is None or key > best[0]:
            best = (key, set(held))
    if best is None:
        return None
    dropped_at = {weighed[b][0] for b in range(len(weighed)) if b not in best[1]} | set(lone)
    return Relaxation([u for i, u in enumerate(parsed.units) if i not in dropped_at],
                      [parsed.units[i] for i in sorted(dropped_at)])


def _lone_character(text: str) -> bool:
    return len(text) == 1 and has_chinese(text)
