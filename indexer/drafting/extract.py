"""Find the concrete measures a source's sentences describe, with their zones and a title.

A sentence is cut into clauses ("X implements A, and B are released"; "has explored A and
introduced B"; "such as the "A" and the "B""), and a clause is a measure when it names a zone
(or a counted group of zones) as its actor or place and tells of something done or in force
there (deeds.py: by tense, voice and modality, not by which verb), with an object that says
what. Everything else is reported as skipped, with the reason, so that an editor sees what
the drafter passed over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.analysis.cjk import has_cjk
from indexer.drafting import cues, deeds
from indexer.drafting.actors import acted_on, zone_subject, zones_of
from indexer.drafting.chinese import analyse_chinese
from indexer.drafting.passages import QUESTION, Sentence
from indexer.drafting.titles import subject_of, tidy, title_of, title_stop
from indexer.drafting.verbs import QUOTED, WORD, Verb, main_verb, object_verb, verbs
from indexer.drafting.wordclass import classify
from indexer.drafting.zonefinder import Mention, ZoneFinder

CLAUSE_JOIN = re.compile(r",\s+and\s+|;\s+(?:and\s+)?|,\s+while\s+|,\s+whereas\s+|,\s+meanwhile,?\s+")
QUOTE_LIST_JOIN = re.compile(r"\s*(?:,\s*)?(?:and|or|as\s+well\s+as)?\s*(?:the\s+)?", re.I)


@dataclass
class Found:
    """A clause of a sentence that describes a measure (or why it does not)."""

    sentence: Sentence
    start: int  # offsets of the clause in the sentence
    end: int
    zones: tuple[str, ...] = ()
    counted: str | None = None  # "other", "multiple", ...: zones the source does not name
    title: str = ""
    verb: Verb | None = None
    skipped: str | None = None  # why it is not a measure
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.sentence.text[self.start:self.end]


# a clause that says how a measure works, which names it when its object is only generic words
MECHANISM = re.compile(r"\s+(?:under\s+which|whereby|through\s+which|by\s+which)\b", re.I)
# a relative clause that says what a thing named in one word does
RELATIVE = re.compile(r"\s+(?:that|which|who)\s+(?!is\b|are\b|was\b|were\b)([a-z]+)", re.I)
# the head noun of a zone's name when a source shortens it: "the Shandong and Jiangsu zones"
NAME_HEAD = re.compile(r"(?:['’]s)?\s+(?:zones?|areas?)\b", re.I)


def _blocked(text: str, finder: ZoneFinder, mentions: list[Mention]) -> list[tuple[int, int]]:
    """Spans read as one name: zones (with their head noun), FTZ terms, quoted names."""
    spans = [(m.start, m.end) for m in mentions]
    spans += [(m.end, head.end()) for m in mentions if (head := NAME_HEAD.match(text, m.end))]
    spans += [(m.start(), m.end()) for m in finder.ftz.finditer(text)]
    spans += [(m.start(), m.end()) for m in QUOTED.finditer(text)]
    return spans



def clauses(sentence: Sentence, finder: ZoneFinder, mentions: list[Mention]) -> list[tuple[int, int]]:
    """Cut a sentence where a second clause with its own verb starts."""
    text = sentence.text
    blocked = _blocked(text, finder, mentions)
    inside = lambda pos: any(s <= pos < e for s, e in blocked)  # noqa: E731
    cuts = []
    for m in CLAUSE_JOIN.finditer(text):
        if inside(m.start()):
            continue
        right = main_verb(verbs(text, m.end(), len(text), blocked))
        if right is not None:
            cuts.append((m.start(), m.end()))
    # "has explored A and introduced B": a second finite verb in the past with its own object
    for m in re.finditer(r"\s+and\s+", text):
        if inside(m.start()) or any(s <= m.start() < e for s, e in cuts):
            continue
        vs = verbs(text, m.end(), min(len(text), m.end() + 30), blocked)
        if not vs or vs[0].start != m.end() or not vs[0].past or vs[0].passive:
            continue
        left = [v for v in verbs(text, 0, m.start(), blocked) if v.finite]
        if left and re.search(r"[A-Za-z0-9]", text[left[-1].end:m.start()]):
            cuts.append((m.start(), m.end()))
    spans, begin = [], 0
    for s, e in sorted(cuts):
        spans.append((begin, s))
        begin = e
    spans.append((begin, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def quoted_list(text: str, start: int, end: int) -> list[re.Match]:
    """Two or more quoted names listed together ("such as the "A" and the "B"")."""
    quotes = list(QUOTED.finditer(text, start, end))
    best, run = [], quotes[:1]
    for a, b in zip(quotes, quotes[1:]):
        if QUOTE_LIST_JOIN.fullmatch(text[a.end():b.start()]):
            run.append(b)
        else:
            best, run = max(best, run, key=len), [b]
    best = max(best, run, key=len)
    return best if len(best) >= 2 else []


def _counted(text: str, finder: ZoneFinder, pivot: int) -> str | None:
    """"Multiple pilot free trade zones": the counting word, when the actors are zones
    the source counts without naming them."""
    m = re.search(rf"\b({cues.QUANTIFIER})\s+(?:of\s+the\s+)?(?:{finder.ftz.pattern})", text[:pivot], re.I)
    return m.group(1).lower() if m else None


def analyse(sentence: Sentence, finder: ZoneFinder, previous: tuple[str, ...]) -> list[Found]:
    """The clauses of one sentence, each a measure or skipped with a reason."""
    if has_cjk(sentence.text) and not re.search(r"[A-Za-z]{4}", sentence.text):
        return [Found(sentence, c.start, c.end, c.zones, c.counted, c.title, skipped=c.skipped)
                for c in analyse_chinese(sentence.text, finder)]
    text = sentence.text
    mentions = finder.find(text)
    if QUESTION.search(text):
        return [Found(sentence, 0, len(text), skipped="a question")]
    blocked = _blocked(text, finder, mentions)
    out: list[Found] = []
    carried = previous if cues.ANAPHORS.match(re.sub(r"^\W+", "", text)) else ()
    for start, end in clauses(sentence, finder, mentions):
        vs = verbs(text, start, end, blocked)
        verb = main_verb(vs)
        found = Found(sentence, start, end, verb=verb)
        out.append(found)
        zones = zones_of((start, end), verb, text, mentions)
        if not zones and len(out) > 1 and not any(start <= m.start < end for m in mentions):
            zones = out[-2].zones  # "..., and exports ... are released": the zone before
        if not zones and carried and verb and (verb.past or re.search(
                r"\b(?:also|further|in\s+addition)\b", text[start:verb.start], re.I)):
            # "It also launched ...": a new measure of the zone named before; "It allows
            # pharmacies to ..." only says more about the measure before
            zones = carried
        found.zones = zones
        found.skipped = _why_not(text, (start, end), verb, vs, zones, finder, mentions, found)
        if found.skipped:
            continue
        subject = subject_of(text, start, verb.group if verb.finite else verb.start)
        actor = zone_subject(text, subject, mentions, finder.ftz) or \
            (not zones and found.counted) or bool(carried and zones == carried)
        found.title = title_of(text, (start, end), object_verb(vs, text) or verb, actor,
                               zones_in(*subject, mentions))
        found.verb = object_verb(vs, text) or verb
    return _split_quoted_lists(out, finder)


def _why_not(text: str, clause: tuple[int, int], verb: Verb | None, vs: list[Verb], zones, finder: ZoneFinder,
             mentions: list[Mention], found: Found) -> str | None:
    """Why a clause is not a measure, or None when it is one."""
    start, end = clause
    if verb is None:
        return "tells of nothing done (no finite verb)"
    s, e = subject_of(text, start, verb.group if verb.finite else verb.start)
    if deeds.figure(text, clause, text[s:e], vs):
        return "reports a figure, not a measure"
    plan = deeds.plan(text, start, verb)
    if plan and not (zones and QUOTED.search(text, verb.end, end)):
        return f"a plan ({plan!r}) without a named measure"
    if not zones:
        found.counted = _counted(text[start:end], finder, verb.start - start)
        if not found.counted or not (QUOTED.search(text, verb.end, end)
                                     or re.search(r"\s[A-Z][a-z]+", text[verb.end:end])
                                     or deeds.concrete(text[verb.end:end])):
            return "names no zone as actor or place"
    elif finder.others(text[start:end], mentions):
        found.counted = "other"
    if verb.copula and zone_subject(text, (s, e), mentions, finder.ftz):
        return "says what a zone is or has, not what it did"
    if verb.finite and acted_on(text, verb, mentions, end) and zones_in(s, e, mentions):
        return "a zone acting on another (a visit, an agreement), not a measure"
    acting = object_verb(vs, text) or verb
    # the object up to where a title would stop: ", of which 200 are firsts" adds nothing
    stop = title_stop(text, acting.end, end, keep_purpose=True)
    if deeds.occasion(text[s:e], verb, text[verb.end:end]) or deeds.occasion("", acting, text[acting.end:stop]):
        return "an occasion (a fair, a forum, a visit), not a measure"
    obj = text[acting.end:stop] if not acting.passive else text[start:end]
    if MECHANISM.match(text, stop, end):
        obj = text[acting.end:end]  # "a new system of rules under which ...": the clause says what
    elif (rel := RELATIVE.match(text, stop, end)) and deeds.content_words(WORD.findall(obj)) \
            and classify(rel.group(1)).forms & {"VBZ", "VBD"} and not re.search(r"\b(?:of|to|for|in)\s*$", obj):
        obj = text[acting.end:end]  # "a hotline that answers investors ...": a thing and what it does
    if not deeds.concrete(obj) and not (acting.finite and deeds.concrete(text[s:e]) and not zones_in(s, e, mentions)):
        return "says how much or how well, not what"
    return None


def zones_in(start: int, end: int, mentions: list[Mention]) -> bool:
    return any(start <= m.start < end for m in mentions)


def _split_quoted_lists(found: list[Found], finder: ZoneFinder) -> list[Found]:
    """One measure per quoted name of a list ("such as the "A" and the "B" for ...")."""
    out = []
    for f in found:
        names = quoted_list(f.sentence.text, f.verb.end, f.end) if f.verb and not f.skipped else []
        if not names:
            out.append(f)
            continue
        text = f.sentence.text
        for k, m in enumerate(names):
            stop = m.end()
            if k == len(names) - 1:  # the last name keeps what follows it ("... for export warehouses")
                stop = title_stop(text, m.end(), f.end)
            part = Found(f.sentence, m.start(), stop, f.zones, f.counted, tidy(text[m.start():stop]), f.verb)
            part.notes.append(f"one of {len(names)} names listed in the sentence")
            out.append(part)
    return out
