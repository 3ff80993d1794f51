"""Verbs of doing in a sentence: which words act, in what form (finite, passive, aimed at).

The verbs come from cues.py's lists, inflected; a verb is counted where it acts, not where a
noun of the same spelling stands ("the release of", "an increase of").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import cues

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*%?")
QUOTED = re.compile(r'"[^"\n]{2,}?"|“[^”\n]{2,}?”|‘[^’\n]{2,}?’|「[^」\n]{2,}?」')
MODALS = {"will", "can", "shall", "may", "must", "would", "could", "should", "do", "does", "did"}
FORMS = cues.verb_forms()


@dataclass(frozen=True)
class Verb:
    start: int  # offsets in the sentence
    end: int
    lemma: str
    kind: str  # make, change, weak, stat
    finite: bool
    passive: bool
    past: bool
    infinitive: bool = False


def verbs(text: str, start: int, end: int, blocked) -> list[Verb]:
    """Verbs of the cue lists in text[start:end], with their use (finite, passive)."""
    words = [(m.start(), m.end(), m.group(0).lower()) for m in WORD.finditer(text, start, end)]
    out = []
    i = 0
    while i < len(words):
        hit = None
        for n in (3, 2, 1):
            if i + n <= len(words):
                key = " ".join(w for _, _, w in words[i:i + n])
                if key in FORMS:
                    hit = (n, key)
                    break
        if not hit or any(s <= words[i][0] < e for s, e in blocked):
            i += 1
            continue
        n, key = hit
        lemma, kind = FORMS[key]
        head = key.split()[0]
        before = [w for _, _, w in words[max(0, i - 3):i] if not w.endswith("ly")]
        prev = before[-1] if before else ""
        past = head.endswith("ed") or head in {f for forms in cues.IRREGULAR.values() for f in forms}
        passive = past and prev in cues.AUX_BE
        if prev in cues.DETERMINERS:  # "the release of", "an increase of": a noun
            i += n
            continue
        if head.endswith("ing"):
            finite = prev in cues.AUX_BE
        elif prev == "to":
            finite = False
        else:
            finite = True
        if prev in MODALS:
            finite = True
        # "to launch", "took the lead in launching", "by introducing": what a zone set out to do
        aimed = not finite and (prev == "to" or (head.endswith("ing") and prev in {"in", "by"}))
        out.append(Verb(words[i][0], words[i + n - 1][1], lemma, kind, finite, passive, past,
                        infinitive=aimed))
        i += n
    return out


def main_verb(vs: list[Verb]) -> Verb | None:
    """The first finite verb of doing; failing one, what a zone set out to make or change
    ("worked with the Hunan FTZ to launch a joint model", "took the lead in launching")."""
    finite = [v for v in vs if v.finite]
    if finite:
        return finite[0]
    return next((v for v in vs if v.infinitive and v.kind in ("make", "change")), None)

