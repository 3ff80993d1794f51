"""Whether a clause tells of something done or in force, read from its verb's tense, voice and
modality and from the roles of its words, never from which verb it is.

Done or in force: a past tense, a perfect, a passive, a present ("now passes through a green
lane"), an ability now in force ("can now complete"). Not a measure: a plan (a modal of the
future, "plans to", "next step"), a figure (the verb's complement is an amount of money or a
share, "reached 3.2 billion US dollars", "grew by 15.3%"; or the subject is a count of things,
"37 chip firms signed up"), what a zone is or has ("is the largest ...", "has 120 firms"), an
occasion held in a zone ("hosted an investment fair", "a forum was held in Haikou", "a
delegation travelled to ...", "officials met in Chengdu").
"""

from __future__ import annotations

import re

from indexer.drafting import cues
from indexer.drafting.verbs import QUOTED, WORD, Verb
from indexer.drafting.wordclass import classify

COUNTED = re.compile(r"^\W*(?:(?:now|so\s+far|to\s+date|already)\s+)?(?:the\s+(?:first\s+|last\s+)?)?(?:(?:over|more\s+than|nearly|almost|about|around|some|a\s+total\s+of|"
                     r"another|an\s+additional)\s+)?(?:\d[\d,.]*(?!\d)|(?:%s)\b)" % "|".join(
                         sorted(cues.NUMBER_WORDS - {"one", "million", "billion", "trillion"})), re.I)
# a subject that is a quantity: "The number of ...", "the share of ..."
QUANTITY = re.compile(r"^\W*(?:(?:the|its|their)\s+)?(?:total\s+)?(?:number|share|volume|value|proportion|"
                      r"amount|output|turnover|scale|total)\s+of\b", re.I)
# a bare number as the complement: "has reached 500." (a count of things made has its noun:
# "introduced 22 measures")
BARE_NUMBER = re.compile(rf"\s*{cues.AMOUNT_LEAD}\d[\d,.]*\s*(?:$|[,;.]|(?:in|by|as|from|over|during|since)\b)", re.I)
# a ranking ("ranked first among"), or things counted with their worth ("signed 50 projects
# worth 30 billion yuan"): results, not what was made
RANKING = re.compile(r"\s+(?:(?:first|second|third|top|no\.\s*\d)\b|(?:the|its|their)\s+"
                     r"(?:\w+est|most|least|highest|largest|fastest|biggest)\b)", re.I)
YEAR = re.compile(r"^\W*(?:19|20)\d\d\b")
# a change over time; "compared with" alone is not one: a measure says what it saved
CHANGE_MARKERS = re.compile(r"\byear[- ]on[- ]year\b|\by-o-y\b|\bpercentage\s+points?\b"
                            r"|\bup\s+\d[\d.]*\s*%|\bdown\s+\d[\d.]*\s*%", re.I)
AMOUNT_AFTER = re.compile(rf"\s*{cues.AMOUNT_LEAD}(?:{cues.AMOUNT.pattern})", re.I)


def plan(text: str, start: int, verb: Verb) -> str | None:
    """The words that make the clause a plan ("will", "plans to"), or None."""
    if verb.modal in ("will", "shall", "would", "should"):
        return verb.modal
    m = cues.MODAL_PLAN.search(text, start, verb.start)
    return m.group(0) if m else None


def figure(text: str, clause: tuple[int, int], subject: str, vs: list[Verb]) -> bool:
    """Does the clause report a figure rather than a measure?"""
    start, end = clause
    if COUNTED.match(subject) and not YEAR.match(subject):
        return True  # "37 chip firms signed up", "over 3500 enterprises gather"
    if CHANGE_MARKERS.search(text, start, end) or QUANTITY.match(subject):
        return True
    main = next((v for v in vs if v.finite), None)
    if main is not None and (AMOUNT_AFTER.match(text, main.end, end) or BARE_NUMBER.match(text, main.end, end)):
        return True  # "reached 3.2 billion US dollars", "was 71.9 billion yuan"
    if main is not None and (RANKING.match(text, main.end, end) or (
            re.match(r"\s+(?:over\s+|more\s+than\s+|nearly\s+)?\d", text[main.end:end])
            and cues.AMOUNT.search(text, main.end, end))):
        return True
    # "grew by 15.3%", "saw its trade rise by 9%": a verb with no object but an amount
    for m in re.finditer(r"\b([A-Za-z]+)\s+(?:by|to)\s+(?:about\s+|nearly\s+|over\s+|more\s+than\s+)?\d",
                         text[start:end]):
        word = m.group(1).lower()
        at = start + m.start(1)
        if any(v.start == at for v in vs) or classify(word).only_verb:
            return True
    return False


def concrete(text: str) -> bool:
    """An object that says what: a quoted name, a proper name, or two words that are not
    mere words of number, degree or quality ("more than 500 innovative measures")."""
    if QUOTED.search(text):
        return True
    words = [m.group(0) for m in WORD.finditer(text) if not m.group(0)[0].isdigit()]
    if any(w[0].isupper() for w in words[1:]) or any(w.isupper() and len(w) > 1 for w in words):
        return True
    return len(content_words(words)) >= 2


def content_words(words: list[str]) -> list[str]:
    """The words that are not mere words of number, degree, quality or grammar."""
    return [w.lower() for w in words if w.lower() not in cues.GENERIC
            and w.lower() not in cues.DETERMINERS and w.lower() not in cues.FUNCTION_WORDS
            and w.lower() not in cues.PRONOUNS and len(w) > 2 and not w[0].isdigit()]


def head(phrase: str) -> str:
    """The head word of a noun phrase: its last word before a preposition, a relative or a
    comma ("A delegation from the Shaanxi zone" -> "delegation", "an investment fair in April"
    -> "fair", "the "Digital Trade Week"" -> "week")."""
    words = []
    for m in re.finditer(r"[A-Za-z][A-Za-z'’-]*|[,;:(]", phrase):
        w = m.group(0).lower()
        if words and (w in cues.PREPOSITIONS or w in ("to", "of") or w in cues.SUBORDINATORS
                      or not w[0].isalpha()):
            break
        words.append(w)
    return words[-1] if words else ""


def occasion(subject: str, verb: Verb, obj: str) -> bool:
    """Does the clause tell of an occasion (a fair, a forum, a visit) rather than a measure?"""
    if verb.lemma in cues.OCCASION_VERBS:
        return True
    return head(subject) in cues.OCCASIONS or (not verb.passive and head(obj) in cues.OCCASIONS)
