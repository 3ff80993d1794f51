"""Measures in a Chinese sentence: its clauses, each a zone as subject and a verb of its
predicate, found by word class (jieba's tagger, through rjieba), not from a list of verbs.

Chinese puts the subject first: a clause that opens with a zone ("湖北自贸试验区推出……") has
its predicate right after the zone's name, and a comma before a new zone starts a new clause
("……，湖南自贸试验区开通了……"). Plans (将, 拟, 下一步) and figures (同比, a verb whose
complement is a number: 增长20%), what a zone is or has (是, 成为) and occasions (举办博览会,
考察) are skipped, as in English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import rjieba

from indexer.drafting import cues
from indexer.drafting.passages import QUESTION
from indexer.drafting.zonefinder import ZoneFinder

CLAUSE_END = re.compile(r"[，,；;。！？]")
# word classes of jieba's tagger: verbs, idioms and set phrases used as verbs ("联合推出")
VERB_TAGS = ("v", "vd", "vi", "l", "i")


@dataclass
class ZhClause:
    start: int
    end: int
    zones: tuple[str, ...] = ()
    counted: str | None = None
    title: str = ""
    skipped: str | None = None


def _tagged(text: str) -> list[tuple[int, int, str, str]]:
    out, pos = [], 0
    for word, tag in rjieba.tag(text):
        at = text.find(word, pos)
        at = pos if at < 0 else at
        out.append((at, at + len(word), word, tag))
        pos = at + len(word)
    return out


def clauses(text: str, finder: ZoneFinder) -> list[tuple[int, int]]:
    """Cut where a comma is followed by a new zone as subject."""
    mentions = finder.find(text)
    starts = {m.start for m in mentions}
    cuts: list[int] = []
    for m in CLAUSE_END.finditer(text):
        begin = cuts[-1] if cuts else 0
        # a new zone after a comma, when the clause before had one: "……，湖南自贸试验区开通了……"
        if m.end() in starts and any(begin <= x.start < m.start() for x in mentions):
            cuts.append(m.end())
    bounds = [0] + cuts + [len(text)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]


def analyse_chinese(text: str, finder: ZoneFinder) -> list[ZhClause]:
    """The clauses of a Chinese sentence, each a measure or skipped with a reason."""
    if QUESTION.search(text):
        return [ZhClause(0, len(text), skipped="a question")]
    tokens = _tagged(text)
    return [_clause(text, start, end, finder, tokens) for start, end in clauses(text, finder)]


def _clause(text: str, start: int, end: int, finder: ZoneFinder, tokens) -> ZhClause:
    found = ZhClause(start, end)
    mentions = [m for m in finder.find(text) if start <= m.start < end]
    subject = [m for m in mentions if not re.search(r"[，,；;]", text[start:m.start])] or \
        [m for m in mentions if m.strong]
    pivot = max((m.end for m in subject), default=start)
    if not subject:  # "多个自贸试验区……": zones counted, not named
        counted = cues.ZH_QUANTIFIER.match(text[start:])
        pivot = start + counted.end() if counted else start
    ftz = finder.ftz.match(text, pivot)
    while ftz or re.match(r"片区|新区|港|自贸港", text[pivot:]):  # "自贸试验区", "片区" after the name
        pivot = ftz.end() if ftz else pivot + re.match(r"片区|新区|港|自贸港", text[pivot:]).end()
        ftz = finder.ftz.match(text, pivot)
    toks = [t for t in tokens if pivot <= t[0] < end]
    found.zones = tuple(dict.fromkeys(m.zone for m in subject))
    # the predicate: past adverbs (已, 率先), and nouns that continue the subject ("企业数量"),
    # up to the first run of verbs
    k = 0
    nouns = 0
    while k < len(toks) and toks[k][3] not in VERB_TAGS and (
            toks[k][3] in ("d", "ad", "p", "t", "f") or (toks[k][3] in ("n", "vn", "nz") and nouns < 3)):
        nouns += toks[k][3] in ("n", "vn", "nz")
        k += 1
    run = []
    while k < len(toks) and toks[k][3] in VERB_TAGS:
        run.append(toks[k])
        k += 1
    verb_start = run[0][0] if run else end
    verb_end = run[-1][1] if run else end
    if cues.ZH_PLAN.search(text[start:verb_start]):
        found.skipped = "a plan without a named measure"
    elif cues.ZH_STAT.search(text[start:verb_end]) or (k < len(toks) and toks[k][3] == "m"):
        found.skipped = "reports a figure, not a measure"
    elif not run:
        found.skipped = "tells of nothing done (no verb after the subject)"
    elif run[0][2] in cues.ZH_COPULA:
        found.skipped = "says what a zone is or has, not what it did"
    elif any(cues.ZH_OCCASION_VERB.search(t[2]) for t in run) or \
            cues.ZH_OCCASION.search(re.split(r"[，,；;。（(]", text[verb_end:end])[0]):
        found.skipped = "an occasion (a fair, a forum, a visit), not a measure"
    elif not found.zones and not cues.ZH_QUANTIFIER.search(text[start:verb_start]):
        found.skipped = "names no zone"
    else:
        obj = re.split(r"[，,；;。（(]", re.sub(r"^[了着过]", "", text[verb_end:end]))[0]
        if len(obj) < 4:
            found.skipped = "says how much or how well, not what"
        found.title = obj
        found.counted = None if found.zones else "multiple"
    return found
