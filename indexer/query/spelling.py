"""Spelling suggestions that only help: known words are left alone, and a correction must be
close for the word's length.

A word is known, and never "corrected", when the records hold it (or its stem), or the query
vocabulary does (vocabulary.py: a zone's name in any form or a place in it, a pillar, scope,
status or field name, a synonym or glossary term): `Hainan` is a zone even in an index where
no record names it, and `title` a field. An unknown word may be replaced by a word of the
records at most MAX_EDITS(len) edits away (a swap of two neighbouring letters counts one):
none for words of up to 3 letters, 1 from 4 letters, 2 from 9, as typo-tolerant engines
(Meilisearch) scale it; so `rails` is never `calls` (2 edits in 5 letters). A word of the
English lexicon (lemminflect's) is no misspelling either: `concert` is never `convert`. Whether the
suggestion finds anything is the facade's check (search/fallback.py): one that finds nothing is not
offered.
"""

from __future__ import annotations

import functools
import re
import threading

from indexer.analysis.analyser import STOP_WORDS
from indexer.query.vocabulary import QueryVocabulary

CANDIDATES = 10  # spelling candidates looked at per word


def max_edits(word: str) -> int:
    return 0 if len(word) <= 3 else 1 if len(word) <= 8 else 2


class Speller:
    """Suggestions from one index generation: its spelling field and its vocabulary."""

    def __init__(self, postings, schema, vocabulary: QueryVocabulary):
        self.postings = postings
        self.schema = schema
        self.vocabulary = vocabulary
        self.corrector = postings.corrector("spell")
        if english_word.cache_info().currsize == 0:  # the lexicon's first load takes 0.5 s:
            threading.Thread(target=english_word, args=("lexicon",), daemon=True,  # not in
                             name="ftz-lexicon").start()  # the first search that needs it

    def known(self, word: str) -> bool:
        """The records hold the word or its stem, or the query vocabulary has it."""
        word = word.lower()
        if word in self.vocabulary.known_words or self.postings.doc_frequency("spell", word):
            return True
        stems = list(self.schema["body"].process_text(word, mode="query"))
        return any(self.postings.doc_frequency(f, t) for t in stems for f in ("body", "title", "tags"))

    def correction(self, word: str) -> str | None:
        """The likeliest known word close enough to an unknown one, if any."""
        lower = word.lower()
        if (not lower.isascii() or not lower.isalpha() or max_edits(lower) == 0
                or self.known(lower) or english_word(lower)):
            return None
        allowed = max_edits(lower)
        # Levenshtein finds the candidates (a swap of two letters is two edits there),
        # then edits are counted with swaps as one: "tnak" is one edit from "tank"
        options = [o for o in self.corrector.suggest(lower, limit=CANDIDATES, maxdist=2)
                   if len(o) >= 3 and o not in STOP_WORDS and edits(lower, o) <= allowed]
        if not options:
            return None
        return min(options, key=lambda o: edits(lower, o))  # stable: frequency next

    def suggest(self, parsed) -> str | None:
        """The whole query with each unknown word and each unknown field value replaced by
        its likeliest correction; None when nothing would change."""
        text, changed = parsed.text, False
        for typed, fixed in parsed.fixes:
            text, changed = text.replace(typed, fixed, 1), True
        in_synonyms = {w for original, _ in parsed.synonyms for w in original.lower().split()}
        for word in parsed.words:
            if word.lower() in in_synonyms:
                continue
            best = self.correction(word)
            if best:
                text, changed = replace_word(text, word, best), True
        return text if changed else None


@functools.lru_cache(maxsize=4096)
def english_word(word: str) -> bool:
    """An English word (lemminflect's lexicon knows it, in any inflection): no misspelling,
    though no record holds it. "concert" is never "convert", nor "patents" "patients": the
    search says no record mentions the word and goes on with the others (relax.py)."""
    import lemminflect  # its lexicon loads on first use: only a query with an unknown word

    return bool(lemminflect.getAllLemmas(word))


def edits(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbouring letters as one edit (OSA)."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def replace_word(text: str, word: str, replacement: str) -> str:
    return re.sub(rf"(?<![\w:]){re.escape(word)}(?!\w)", replacement, text, count=1)
