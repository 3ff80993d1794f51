"""Provisional titles made of a passage's own words, never of invented ones.

Which words, by the sentence's structure: what a zone made (the verb's object, "a
notification system"); what it changed, with the verb ("expanded the coverage of ...", an
object that already existed: "the", "its"); and where the measure itself is the subject (a
passive, "exports ... are released within 6 hours"; a thing in a zone, "a cross-strait
express channel ... now carries goods"), the subject with its verb.
"""

from __future__ import annotations

import re

from indexer.drafting import cues
from indexer.drafting.verbs import QUOTED, WORD, Verb
from indexer.drafting.wordclass import base_form, classify

# a subject that names an act on a thing ("The launch of a hub", "The opening of a lane")
EVENT_OF = re.compile(r"\W*the\s+([a-z]+)\s+of\s+(?=\S)", re.I)
LIST_LEAD = re.compile(r"\b(?:such\s+as|including|like|namely)\b", re.I)
# an object that existed before the measure changed it: "the coverage of", "its fees"
CHANGED = re.compile(r"^\s*(?:the|its|their)\s+(?!first\b|second\b|third\b|new\b|latest\b|\d)[\w-]+", re.I)


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
    # "... and promote the smooth flow": a second verb with its own object starts another thought
    for m in re.finditer(r"\s+and\s+([a-z]+)\s+(?:the|a|an|its|their)\b", text[start:stop]):
        if m.start() > 0 and classify(m.group(1)).verb:
            stop = start + m.start()
            break
    if not keep_purpose:
        m = cues.PURPOSE.search(text, start, stop)
        if m and base_form(m.group(1)) and len(text[start:m.start()].split()) > 2:
            stop = m.start()
    return stop


def subject_of(text: str, start: int, group: int) -> tuple[int, int]:
    """The subject of a clause: what stands before its verb, past the lead-in phrases ("For
    example, in the Lingang area, ...") and the commas that set off a phrase."""
    subject = text[start:group]
    offset = start
    comma = re.compile(r",(?!\d)")  # not the comma of "1,200"
    while comma.search(subject) and (
            cues.LEAD_IN.match(subject.lstrip()) or
            subject.lstrip().split(" ", 1)[0].lower() in cues.PREPOSITIONS | cues.SUBORDINATORS | {"thanks"}):
        cut = comma.search(subject).end()
        offset += cut + len(subject[cut:]) - len(subject[cut:].lstrip())
        subject = subject[cut:].lstrip()
    if comma.search(subject):  # ", first tried in ...,": the subject proper is before the aside
        subject = subject[:comma.search(subject).start()]
    aux = re.search(r"(?:\s+(?:has|have|had|is|are|was|were|been|be|can|may|will|now|also|\w+ly))+\s*$",
                    subject)
    if aux:
        subject = subject[:aux.start()]
    return offset, offset + len(subject.rstrip())


def _named(subject: str) -> bool:
    """A subject that names a thing in words of its own (not "enterprises", "it")."""
    words = [w for w in WORD.findall(subject) if w.lower() not in cues.DETERMINERS
             and w.lower() not in cues.FUNCTION_WORDS and w.lower() not in cues.PRONOUNS]
    return len(words) >= 2


def title_of(text: str, clause: tuple[int, int], verb: Verb, zone_subject: bool, zone_inside: bool) -> str:
    """A provisional title made of the clause's own words (see the module's docstring);
    `zone_subject`: the clause's subject is a zone (or zones), its actor; `zone_inside`: the
    subject names a zone inside it ("firms in the Yunnan FTZ"), so it is who acts, not what
    was made."""
    start, end = clause
    neg = re.search(r"\bno\s+longer\s+(?:\w+\s+to\s+)?$", text[start:verb.start])
    if neg:  # "applicants no longer need to submit paper documents"
        return tidy(text[start + neg.start():title_stop(text, verb.end, end)])
    subj_start, subj_end = subject_of(text, start, verb.group if verb.finite else verb.start)
    subject = text[subj_start:subj_end]
    obj_start = verb.end
    after = text[obj_start:end]
    no_object = re.match(r"\s*(?:[,;]|$|(?:through|in|at|on|to|from|into|across|via|with|within|"
                         r"under|for|by)\b)", after, re.I)
    event = EVENT_OF.match(subject)
    if event and classify(event.group(1)).verb and not verb.passive:
        # "The launch of a bonded maintenance hub at Yangpu has allowed ...": what was launched
        return tidy(subject[event.end():])
    if verb.finite and (verb.passive or (not zone_subject and _named(subject) and not zone_inside)
                        or (no_object and subject and not zone_subject)):
        return tidy(f"{subject} {text[verb.start:title_stop(text, verb.start, end)]}")
    # "has deployed and implemented over 90 projects": the object follows the last verb
    joined = re.match(r"\s+(?:and|or)\s+([a-z]+(?:\s+(?:up|out))?)\b", after)
    if joined and classify(joined.group(1).split()[0]).forms & {"VBD", "VBN", "VBZ", "VBP"}:
        obj_start += joined.end()
    quote = QUOTED.search(text, obj_start, end)
    if quote and LIST_LEAD.search(text, obj_start, quote.start()):
        # "promotes institutional innovations such as the "A"": the named one is the measure
        article = re.search(r"(?:\b(?:a|an|the)\s+)?$", text[obj_start:quote.start()])
        obj_start = obj_start + article.start()
    stop = title_stop(text, obj_start, end)
    if CHANGED.match(text[obj_start:stop]) or re.match(r"\s*\d", text[obj_start:stop]) or \
            (verb.modal in ("can", "may") and zone_inside):
        # what existed, a count of things, what firms may now do: the verb says the measure
        return tidy(text[verb.start:stop])
    title = tidy(text[obj_start:stop])
    if len(title.split()) <= 2 and not QUOTED.search(text, obj_start, stop):
        title = tidy(text[obj_start:title_stop(text, obj_start, end, keep_purpose=True)])
    return title

