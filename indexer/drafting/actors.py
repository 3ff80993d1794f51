"""Which zones a clause names as its actors, and which it names only as a place goods go to.

A zone is an actor when it is the clause's subject or in the phrase before it ("At Horgos,
...", "Road freight from Horgos ..."), or when the clause acts "with" it. A zone after the verb
is the place of a passive deed ("was launched in Nansha") or, named in full, of an active one;
a zone the clause names only as a destination ("a rail route to Shanghai", "exports bound for
Hainan") is never an actor.
"""

from __future__ import annotations

import re

from indexer.drafting.verbs import Verb
from indexer.drafting.zonefinder import LIST_JOIN, Mention

DESTINATION = re.compile(r"\b(?:to|towards?|into|bound\s+for|destined\s+for|heading\s+for)\s+(?:the\s+)?$", re.I)
LOCATIVE = re.compile(r"\b(?:in|at|within|across|inside|throughout)\s+(?:the\s+)?$", re.I)


def _lead(text: str, m: Mention, start: int) -> str:
    return text[max(start, m.start - 25):m.start]


def destination(text: str, m: Mention, start: int = 0) -> bool:
    """A zone named as where goods or people go, not as who acts."""
    return bool(DESTINATION.search(_lead(text, m, start)))


def zones_of(clause: tuple[int, int], verb: Verb | None, text: str, mentions: list[Mention]) -> tuple[str, ...]:
    """The zones a clause names as its actors (see the module's docstring)."""
    start, end = clause
    inside = [m for m in mentions if start <= m.start < end]
    inside = _without_destinations(text, inside, start)
    if not inside:
        return ()
    pivot = (verb.group if verb.finite and verb.group >= 0 else verb.start) if verb else end
    actors = [m for m in inside if m.start < pivot]
    after = [m for m in inside if m.start >= pivot]
    co = False  # inside a "with the Hunan and Hubei FTZs" phrase
    for k, m in enumerate(after):
        if re.search(r"\bwith\s+(?:the\s+)?$", _lead(text, m, start)):
            co = True
        elif co and not LIST_JOIN.fullmatch(text[after[k - 1].end:m.start]):
            co = False
        if co:
            actors.append(m)
    if not actors and verb is not None:
        # the place of the deed: "was launched in Nansha", "opened a lane in the Xinjiang
        # FTZ", "A new air cargo route links the Wuhan area ...": a new thing's place
        new_thing = re.match(r"\W*(?:a|an|the\s+new)\b", text[start:pivot], re.I)
        located = [m for m in after if LOCATIVE.search(_lead(text, m, start)) or _in_list(text, m, after)]
        actors = [m for m in after if (verb.passive and m in located) or (m.strong and m in located)
                  or (new_thing and (m.strong or m in located))]
    return tuple(dict.fromkeys(m.zone for m in actors))


def _in_list(text: str, m: Mention, group: list[Mention]) -> bool:
    """A name joined to the one before it ("in Guangxi and Yunnan")."""
    k = group.index(m)
    return k > 0 and bool(LIST_JOIN.fullmatch(text[group[k - 1].end:m.start]))


def _without_destinations(text: str, mentions: list[Mention], start: int) -> list[Mention]:
    """The mentions less the destinations, a destination's list included ("to Guangxi and
    Yunnan")."""
    out, going = [], False
    for k, m in enumerate(mentions):
        joined = k > 0 and bool(LIST_JOIN.fullmatch(text[mentions[k - 1].end:m.start]))
        going = destination(text, m, start) or (going and joined)
        if not going:
            out.append(m)
    return out


def zone_subject(text: str, subject: tuple[int, int], mentions: list[Mention], ftz) -> bool:
    """Does the subject name zones as what acts ("The Zhoushan area of the Zhejiang FTZ",
    "Shanghai, Anhui and other FTZs", "Multiple pilot free trade zones", "It")?"""
    s, e = subject
    words = re.sub(r"^\W*(?:the|a|an|both|all|multiple|several|many|some|other)\s+", "", text[s:e], flags=re.I)
    lead = e - len(words)
    if re.match(r"(?:it|they|both)\b", words, re.I):
        return True
    first = next((m for m in mentions if s <= m.start < e), None)
    if first is not None and first.start <= lead + 1:
        return True
    return bool(ftz.match(words)) or bool(re.match(rf"(?:pilot\s+)?(?:{ftz.pattern})", words, re.I))


def acted_on(text: str, verb: Verb, mentions: list[Mention], end: int) -> bool:
    """A zone as the verb's direct object ("visited the Tianjin FTZ", "thanked Hainan"): the
    zones deal with each other; no measure is named."""
    m = re.match(r"\s+(?:the\s+)?", text[verb.end:end])
    at = verb.end + m.end()
    return any(x.start == at for x in mentions)
