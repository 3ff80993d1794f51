"""Find the concrete measures a source's sentences describe, with their zones and a title.

A sentence is cut into clauses ("X implements A, and B are released"; "has explored A and
introduced B"; "such as the "A" and the "B""), and a clause is a measure when a zone (or a
counted group of zones) does something concrete in it: a verb of doing, not a figure, not a
plan, not a question, with an object that says what. Everything else is reported as skipped,
with the reason, so that an editor sees what the drafter passed over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import cues
from .passages import QUESTION, Sentence
from .titles import tidy, title_of, title_stop
from .verbs import QUOTED, WORD, Verb, main_verb, verbs
from .zonefinder import LIST_JOIN, Mention, ZoneFinder

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


def _blocked(text: str, finder: ZoneFinder, mentions: list[Mention]) -> list[tuple[int, int]]:
    spans = [(m.start, m.end) for m in mentions]
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


def concrete(text: str) -> bool:
    """An object that says what: a quoted name, a proper name, or two words that are not
    mere words of number, degree or quality ("more than 500 innovative measures")."""
    if QUOTED.search(text):
        return True
    words = [m.group(0) for m in WORD.finditer(text) if not m.group(0)[0].isdigit()]
    if any(w[0].isupper() for w in words[1:]) or any(w.isupper() and len(w) > 1 for w in words):
        return True
    content = [w.lower() for w in words if w.lower() not in cues.GENERIC
               and w.lower() not in cues.DETERMINERS and w.lower() not in cues.FUNCTION_WORDS
               and len(w) > 2]
    return len(content) >= 2


def zones_of(clause: tuple[int, int], verb: Verb | None, text: str, mentions: list[Mention]) -> tuple[str, ...]:
    """The zones a clause names as its actors: those before its verb, and those it acts
    "with"; failing those, the zones it names anywhere (strong names first)."""
    start, end = clause
    inside = [m for m in mentions if start <= m.start < end]
    if not inside:
        return ()
    pivot = verb.start if verb else end
    actors = [m for m in inside if m.start < pivot]
    after = [m for m in inside if m.start >= pivot]
    co = False  # inside a "with the Hunan and Hubei FTZs" phrase
    for k, m in enumerate(after):
        if re.search(r"\bwith\s+(?:the\s+)?$", text[max(start, m.start - 25):m.start]):
            co = True
        elif co and not LIST_JOIN.fullmatch(text[after[k - 1].end:m.start]):
            co = False
        if co:
            actors.append(m)
    if not actors:
        strong = [m for m in inside if m.strong]
        actors = strong or inside
    return tuple(dict.fromkeys(m.zone for m in actors))



def _counted(text: str, finder: ZoneFinder, pivot: int) -> str | None:
    """"Multiple pilot free trade zones": the counting word, when the actors are zones
    the source counts without naming them."""
    m = re.search(rf"\b({cues.QUANTIFIER})\s+(?:of\s+the\s+)?(?:{finder.ftz.pattern})", text[:pivot], re.I)
    return m.group(1).lower() if m else None


def analyse(sentence: Sentence, finder: ZoneFinder, previous: tuple[str, ...]) -> list[Found]:
    """The clauses of one sentence, each a measure or skipped with a reason."""
    if re.search(r"[\u4e00-\u9fff]", sentence.text) and not re.search(r"[A-Za-z]{4}", sentence.text):
        return analyse_chinese(sentence, finder, previous)
    text = sentence.text
    mentions = finder.find(text)
    if QUESTION.search(text):
        return [Found(sentence, 0, len(text), skipped="a question")]
    blocked = _blocked(text, finder, mentions)
    out: list[Found] = []
    carried = previous if cues.ANAPHORS.match(re.sub(r"^\W+", "", text)) else ()
    for start, end in clauses(sentence, finder, mentions):
        verb = main_verb(verbs(text, start, end, blocked))
        found = Found(sentence, start, end, verb=verb)
        out.append(found)
        zones = zones_of((start, end), verb, text, mentions) or (out[-2].zones if len(out) > 1 else ())
        if not zones and carried and verb and (verb.past or re.search(
                r"\b(?:also|further|in\s+addition)\b", text[start:verb.start], re.I)):
            # "It also launched ...": a new measure of the zone named before; "It allows
            # pharmacies to ..." only says more about the measure before
            zones = carried
        found.zones = zones
        if verb is None:
            found.skipped = "no verb of doing"
            continue
        if verb.kind == "stat" or (verb.lemma in cues.RESULT and cues.AMOUNT.search(text, verb.end, end)):
            found.skipped = "reports a figure, not a measure"
            continue
        plan = cues.MODAL_PLAN.search(text, 0, verb.start)
        if plan and not (zones and QUOTED.search(text, verb.end, end)):
            found.skipped = f"a plan ({plan.group(0)!r}) without a named measure"
            continue
        if not zones:
            found.counted = _counted(text[start:end], finder, verb.start - start)
            if not found.counted or not (QUOTED.search(text, verb.end, end)
                                         or re.search(r"\s[A-Z][a-z]+", text[verb.end:end])):
                found.skipped = "names no zone"
                continue
        elif finder.others(text[start:end], mentions):
            found.counted = "other"
        # the object up to where a title would stop: ", of which 200 are firsts" adds nothing
        obj = text[verb.end:title_stop(text, verb.end, end, keep_purpose=True)] if not verb.passive \
            else text[start:end]
        if not concrete(obj) or (verb.kind == "weak" and not (
                QUOTED.search(obj) or re.search(r"\d", obj) or re.search(r"\s[A-Z]", obj))):
            found.skipped = "says how much or how well, not what"
            continue
        found.title = title_of(text, (start, end), verb)
    return _split_quoted_lists(out, finder)


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


def analyse_chinese(sentence: Sentence, finder: ZoneFinder, previous: tuple[str, ...]) -> list[Found]:
    """A Chinese sentence, read as one clause: a zone, a verb of doing, its object."""
    text = sentence.text
    found = Found(sentence, 0, len(text))
    if QUESTION.search(text):
        found.skipped = "a question"
        return [found]
    mentions = finder.find(text)
    act = cues.ZH_ACT.search(text)
    pivot = act.start() if act else len(text)
    subject = [m for m in mentions if m.start < pivot]
    found.zones = tuple(dict.fromkeys(m.zone for m in (subject or [m for m in mentions if m.strong])))
    if not act:
        found.skipped = "no verb of doing"
    elif cues.ZH_PLAN.search(text[:pivot]):
        found.skipped = "a plan without a named measure"
    elif (stat := cues.ZH_STAT.search(text)) and stat.start() < pivot:
        found.skipped = "reports a figure, not a measure"
    elif not found.zones and not cues.ZH_QUANTIFIER.search(text[:pivot]):
        found.skipped = "names no zone"
    else:
        obj = re.split(r"[，,；;。（(]", text[act.start():])[0]
        if len(obj) < 4:
            found.skipped = "says how much or how well, not what"
        found.title = obj
        found.counted = None if found.zones else "multiple"
    return [found]
