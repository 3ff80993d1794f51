"""What an English word can be (noun, verb in which form, adjective, adverb), from a lexicon.

The drafter reads a sentence's structure, not its vocabulary: which word is the finite verb,
in what tense, voice and modality. Function words (auxiliaries, modals, determiners,
prepositions) are a closed class of the grammar and are named in cues.py; every other word's
possible classes come from lemminflect's English lexicon, which knows every verb, not only the
verbs a briefing has used so far, and morphology covers a word the lexicon lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import lemminflect

FINITE_FORMS = {"VBD", "VBZ", "VBP"}


@dataclass(frozen=True)
class WordClass:
    word: str
    pos: frozenset[str]  # NOUN, VERB, ADJ, ADV, ... (what the lexicon allows)
    forms: frozenset[str]  # Penn verb tags the word can stand for: VB, VBD, VBN, VBZ, VBP, VBG
    lemma: str  # the verb's base form when it can be a verb, else the word

    @property
    def verb(self) -> bool:
        return bool(self.forms)

    @property
    def only_verb(self) -> bool:
        """No other reading than a verb ("launched", "built", "cooperate")."""
        return self.verb and not (self.pos - {"VERB", "AUX"})

    @property
    def adverb(self) -> bool:
        """Only an adverb ("jointly", "formally"): "online" and "express" also qualify nouns."""
        if self.forms:
            return False
        return (self.word.endswith("ly") and len(self.word) > 4) or self.pos == {"ADV"}


@lru_cache(maxsize=20000)
def classify(word: str) -> WordClass:
    """The classes `word` (any case) can have."""
    w = word.lower().replace("’", "'")
    lemmas = lemminflect.getAllLemmas(w)
    if not lemmas and "-" in w:
        # "pre-approved", "e-filed": the last part's verb forms; "cross-border": a modifier
        head = classify(w.rsplit("-", 1)[1])
        forms = head.forms & {"VBD", "VBN"}
        if forms:
            return WordClass(w, frozenset({"VERB", "ADJ"}), forms, w.rsplit("-", 1)[0] + "-" + head.lemma)
        return WordClass(w, frozenset({"ADJ", "NOUN"}), frozenset(), w)
    if not lemmas:
        return _by_morphology(w)
    pos = frozenset(lemmas)
    verb_lemmas = lemmas.get("VERB", ())
    forms: set[str] = set()
    lemma = w
    for base in verb_lemmas:
        table = lemminflect.getAllInflections(base, upos="VERB")
        table.setdefault("VBN", table.get("VBD", ()))  # the lexicon leaves out a VBN that is the VBD
        for tag, spellings in table.items():
            if w in spellings:
                forms.add(tag)
                lemma = base
    return WordClass(w, pos, frozenset(forms), lemma)


def _by_morphology(w: str) -> WordClass:
    """A word the lexicon lacks: its ending says what it can be."""
    if re.fullmatch(r"[a-z]+ed", w):
        return WordClass(w, frozenset({"VERB", "ADJ"}), frozenset({"VBD", "VBN"}), w[:-2])
    if re.fullmatch(r"[a-z]+ing", w):
        return WordClass(w, frozenset({"VERB", "NOUN"}), frozenset({"VBG"}), w[:-3])
    if re.fullmatch(r"[a-z]+ly", w):
        return WordClass(w, frozenset({"ADV"}), frozenset(), w)
    return WordClass(w, frozenset({"NOUN"}), frozenset(), w)


def base_form(word: str) -> bool:
    """Can the word be a verb's base form ("to launch", "and promote")?"""
    return bool(classify(word).forms & {"VB", "VBP"})
