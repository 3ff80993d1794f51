"""Chinese word segmentation: rjieba with the user dictionary of measures/dictionary.txt.

rjieba builds its whole default dictionary when it is imported (0.1-0.25 s), so it is
imported by the first segmenter() call, not by this module. A build analyses through
cuts(dictionary): the same answers as the segmenter's, which can be kept (`keep`) and taken
from a store of earlier builds' (engine/cutcache.py) so that a one-record update whose
Chinese runs an earlier build has cut never loads rjieba.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Callable

_lock = threading.Lock()
_default_taken = False
CUT, FOR_SEARCH = 0, 1  # the two ways a text is cut: jieba.cut, jieba.cut_for_search


@lru_cache(maxsize=4)
def segmenter(dictionary: tuple[tuple[str, int], ...]):
    """One rjieba segmenter per process and dictionary. The first is the one rjieba made when
    it was imported: a new one loads the whole default dictionary again (0.12-0.2 s of every
    `ftz index`), and this process has no other use for rjieba's own."""
    global _default_taken
    import rjieba

    with _lock:
        if _default_taken:
            jieba = rjieba.Jieba()
        else:
            jieba, _default_taken = rjieba.add_word.__self__, True
        for word, freq in dictionary:
            jieba.add_word(word, freq, None)
        return jieba


Lookup = Callable[[int, str], "list[str] | None"]


class Cuts:
    """The segmenter of `dictionary`, as the analyser uses it (cut and cut_for_search, with
    the HMM), answering from the segmenter itself unless keep() was called: then each text's
    words come from what this process already cut, or `lookup(kind, text)` (a store of
    earlier cuts made with the same dictionary and rjieba), or the segmenter, and the cuts
    made by the segmenter are kept in `fresh` ((kind, text) -> words) for the store."""

    def __init__(self, dictionary: tuple[tuple[str, int], ...]):
        self.dictionary = dictionary
        self.lookup: Lookup | None = None
        self.fresh: dict[tuple[int, str], list[str]] | None = None
        self._known: dict[tuple[int, str], list[str]] = {}
        self._jieba = None  # segmenter(dictionary), once asked for

    def _segmenter(self):
        if self._jieba is None:
            self._jieba = segmenter(self.dictionary)
        return self._jieba

    def keep(self, lookup: Lookup | None = None) -> None:
        self.lookup, self.fresh, self._known = lookup, {}, {}

    def stop(self) -> None:
        self.lookup, self.fresh, self._known = None, None, {}

    def taken(self) -> dict[tuple[int, str], list[str]]:
        """The cuts the segmenter made since keep() or the last taken(); kept from now on."""
        fresh = self.fresh or {}
        if self.fresh is not None:
            self._known.update(fresh)
            self.fresh = {}
        return fresh

    def cut(self, text: str, hmm: bool = True) -> list[str]:
        return self._words(CUT, text, hmm)

    def cut_for_search(self, text: str, hmm: bool = True) -> list[str]:
        return self._words(FOR_SEARCH, text, hmm)

    def _words(self, kind: int, text: str, hmm: bool) -> list[str]:
        fresh = self.fresh
        if fresh is None or not hmm:
            return _segment(self._segmenter(), kind, text, hmm)
        key = (kind, text)
        words = fresh.get(key)
        if words is None:
            words = self._known.get(key)
        if words is None and self.lookup is not None:
            words = self.lookup(kind, text)
            if words is not None:
                self._known[key] = words
        if words is None:
            words = fresh[key] = _segment(self._segmenter(), kind, text, hmm)
        return words


def _segment(jieba, kind: int, text: str, hmm: bool) -> list[str]:
    if kind == CUT:
        return list(jieba.cut(text, hmm))
    return list(jieba.cut_for_search(text, hmm))


@lru_cache(maxsize=4)
def cuts(dictionary: tuple[tuple[str, int], ...]) -> Cuts:
    """The one Cuts of this process for `dictionary`."""
    return Cuts(dictionary)


def subwords(jieba, word: str) -> list[tuple[str, int]]:
    """Sub-words of a Chinese word with their offsets in it: dictionary words, then characters."""
    seen = {word}
    out = []
    for sub in jieba.cut_for_search(word, True):
        if sub not in seen:
            seen.add(sub)
            out.append((sub, word.find(sub)))
    for i, ch in enumerate(word):
        if ch not in seen:
            seen.add(ch)
            out.append((ch, i))
    return out
