"""Terms as numbers: the one vocabulary a process's analysis and its segment writer share.

A build hands every document's terms from the analyser (analysis.py) to the segment's
field writer (whooshfiles/fieldwriter.py), through Whoosh's writer. As strings, each
posting of each document cost a string made, hashed and looked up on both sides: most of
a build once the rest was array work. Here a process numbers every distinct term once;
the analyser gives a document's terms as an array of numbers and the field writer copies
their bytes, looking up strings only for the distinct terms of a segment when it writes
them.

A number means something only in the process and the vocabulary generation that made it:
a document entry carries both, and the field writer refuses an entry of another
(codec.read_entry). A segment writer starts a new generation (segments.py), so that a
worker's vocabulary holds its own chunk's terms, not every earlier build's, and gives the
memory back when it is done. One thread uses it at a time: the segment writers of one
process take turns (segments._IN_PROCESS); an entry analysed while another thread reset the
vocabulary is refused, not written.
"""

from __future__ import annotations

import os
import weakref


class Vocabulary:
    """Distinct terms numbered 0, 1, ... in the order they were first seen."""

    def __init__(self) -> None:
        self.generation = 0
        # what keeps caches of these numbers (the analysers): emptied with the vocabulary
        self._holders: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
        self.reset()

    def reset(self) -> None:
        """Forget every term, and every cache of their numbers: numbers given before mean
        nothing now, and their memory is given back."""
        for holder in list(self._holders.values()):
            holder.forget_terms()
        self.number: dict[str, int] = {}
        self.texts: list[str] = []
        # word pairs by their words' numbers (first << 32 | second): the pair term's number
        self.pairs: dict[int, int] = {}
        self.generation += 1

    def add(self, text: str) -> int:
        """The term's number, given now if it has none."""
        found = self.number.get(text)
        if found is None:
            found = self.number[text] = len(self.texts)
            self.texts.append(text)
        return found

    def hold(self, holder) -> None:
        """Have `holder.forget_terms()` called at the next reset."""
        self._holders[id(holder)] = holder

    def stamp(self) -> tuple[int, int]:
        """What an entry of numbers from this vocabulary, now, carries: (process, generation)."""
        return os.getpid(), self.generation

    def current(self, pid: int, generation: int) -> bool:
        """Whether numbers stamped (pid, generation) are this vocabulary's now."""
        return pid == os.getpid() and generation == self.generation


VOCABULARY = Vocabulary()

PAIR_MARK = "\x1f"  # starts every word-pair term: no typed prefix can reach them


def pair_term(first: str, second: str) -> str:
    """The index term of two words in a row: a two-word phrase is one term lookup."""
    return f"{PAIR_MARK}{first} {second}"


def pair_texts(keys) -> list[str]:
    """The pair terms of word pairs given by their words' numbers in VOCABULARY (first << 32
    | second, an array of int64): what pair_term makes of their texts."""
    texts = VOCABULARY.texts
    firsts = map(texts.__getitem__, (keys >> 32).tolist())
    seconds = map(texts.__getitem__, (keys & 0xFFFFFFFF).tolist())
    return [f"{PAIR_MARK}{a} {b}" for a, b in zip(firsts, seconds)]
