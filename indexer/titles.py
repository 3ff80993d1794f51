"""Provisional titles made of a passage's own words, never of invented ones."""

from __future__ import annotations

import re

from . import cues
from .verbs import FORMS, QUOTED, Verb


def _strip_quotes(title: str) -> str:
    m = QUOTED.fullmatch(title.strip())
    return m.group(0)[1:-1] if m else title


def tidy(title: str) -> str:
    """The first letter up, no leading article, a whole quoted name without its marks."""
    title = " ".join(title.split())
    title = re.sub(r"^(?:a|an|the)\s+", "", title.strip(" ,;:."), flags=re.I)
    title = _strip_quotes(title)
    words = title.split()
    if len(words) > 16:  # long objects: stop at the last preposition before the 16th word
        cut = max((i for i, w in enumerate(words[:16]) if w.lower() in
                   {"of", "for", "to", "in", "at", "on", "with", "by"} and i >= 4), default=16)
        title = " ".join(words[:cut])
    first = re.search(r"[^\W\d_]|\d", title)
    if first and first.group(0).isalpha():
        title = title[:first.start()] + first.group(0).upper() + title[first.end():]
    return title


def title_stop(text: str, start: int, end: int, keep_purpose: bool = False) -> int:
    """Where a title taken from text[start:end] stops (never inside a quoted name)."""
    quotes = [(m.start(), m.end()) for m in QUOTED.finditer(text)]
    stop = end
    for m in cues.TITLE_STOPS.finditer(text, start, end):
        if not any(s <= m.start() < e for s, e in quotes) and m.start() > start:
            stop = m.start()
            break
    # "... and promote the smooth flow": a second verb starts another thought
    for m in re.finditer(r"\s+and\s+([a-z]+)\b", text[start:stop]):
        if m.start() > 0 and m.group(1) in FORMS and FORMS[m.group(1)][1] != "stat":
            stop = start + m.start()
            break
    if not keep_purpose:
        m = cues.PURPOSE.search(text, start, stop)
        if m and (m.group(1) in FORMS or m.group(1).endswith(("e", "t", "ize", "ise"))):
            if len(text[start:m.start()].split()) > 2:
                stop = m.start()
    return stop


def title_of(text: str, clause: tuple[int, int], verb: Verb) -> str:
    """A provisional title made of the clause's own words: what was made ("a notification
    system"), what was changed with its verb ("expanded the coverage of ..."), or, in the
    passive, the subject with its participle ("exports ... released within 6 hours")."""
    start, end = clause
    if verb.passive:
        aux = re.search(r"(?:\s+(?:has|have|had))?(?:\s+been|\s+(?:is|are|was|were))(?:\s+\w+ly)?\s*$",
                        text[start:verb.start])
        subject_end = start + aux.start() if aux else verb.start
        subject = text[start:subject_end]
        # "For example, in the Lingang area, a new ... was launched": past the lead-in phrases
        while cues.LEAD_IN.match(subject) and "," in subject:
            subject = subject[subject.index(",") + 1:].lstrip()
        subject = subject[:subject.index(",")] if "," in subject else subject
        return tidy(f"{subject} {text[verb.start:title_stop(text, verb.start, end)]}")
    obj_start = verb.end
    # "has deployed and implemented over 90 projects": the object follows the last verb
    joined = re.match(r"\s+(?:and|or)\s+([a-z]+(?:\s+(?:up|out))?)\b", text[obj_start:end])
    if joined and joined.group(1) in FORMS:
        obj_start += joined.end()
    quote = QUOTED.search(text, obj_start, end)
    if verb.kind not in ("make", "change") and quote:
        article = re.search(r"(?:\b(?:a|an|the)\s+)?$", text[obj_start:quote.start()])
        obj_start = obj_start + article.start() if article else quote.start()
    stop = title_stop(text, obj_start, end)
    if verb.kind == "change":
        return tidy(text[verb.start:stop])
    title = tidy(text[obj_start:stop])
    if len(title.split()) <= 2 and not QUOTED.search(text, obj_start, stop):
        title = tidy(text[obj_start:title_stop(text, obj_start, end, keep_purpose=True)])
    return title
