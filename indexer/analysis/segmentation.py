"""Chinese word segmentation: rjieba with the user dictionary of measures/dictionary.txt."""

from __future__ import annotations

import threading
from functools import lru_cache

import rjieba

_lock = threading.Lock()
_default_taken = False


@lru_cache(maxsize=4)
def segmenter(dictionary: tuple[tuple[str, int], ...]) -> "rjieba.Jieba":
    """One segmenter per process and dictionary. The first is the one rjieba made when it
    was imported: a new one loads the whole default dictionary again (0.12-0.2 s of every
    `ftz index`), and this process has no other use for rjieba's own."""
    global _default_taken
    with _lock:
        if _default_taken:
            jieba = rjieba.Jieba()
        else:
            jieba, _default_taken = rjieba.add_word.__self__, True
        for word, freq in dictionary:
            jieba.add_word(word, freq, None)
        return jieba


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
