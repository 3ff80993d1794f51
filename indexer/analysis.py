"""Bilingual text analysis: Chinese runs segmented with rjieba, other text split into words.

One analyzer serves index and query time. Positions are numbered one word at a time so
phrase queries work in both languages (jieba's ready-made ChineseAnalyzer records character
offsets as positions, which breaks phrases). At index time a Chinese word also emits its
dictionary sub-words and single characters at the same position, so that a query for 原产地
finds 原产地证书 and 油 finds 油品; at query time only whole words are emitted.

Word pairs: at index time each pair of consecutive words is also a term of its own, so
that a phrase query is a lookup of its pairs instead of a position check of every
document holding all its words (the costliest query at 100,000 records).

A field's length, which BM25 normalises by, counts words only: pair and sub-word tokens
carry `whole = False` (see codec.WordPositions).

Lowercasing, stop words and stemming happen inside the one tokenizer rather than in a chain
of Whoosh filters: indexing spends most of its time per token, and each filter in a chain is
another generator step for every token.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import rjieba
from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter import stem as porter_stem

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
SPLIT_RE = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<word>\d+(?:[.,]\d+)+|[^\W_{CJK}]+)")
CJK_RUN_RE = re.compile(rf"[{CJK}]")

# A short list: the corpus is formal prose where these carry no meaning. Removed words take
# no position, so "certificate of origin" matches "certificate-of-origin" as a phrase.
STOP_WORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the this to was "
    "were will with".split()
)

_lock = threading.Lock()
stem = lru_cache(maxsize=200_000)(porter_stem)


@lru_cache(maxsize=4)
def segmenter(dictionary: tuple[tuple[str, int], ...]) -> "rjieba.Jieba":
    """One segmenter per process and dictionary: loading one costs about 0.07 s."""
    with _lock:
        jieba = rjieba.Jieba()
        for word, freq in dictionary:
            jieba.add_word(word, freq, None)
        return jieba


def has_chinese(text: str) -> bool:
    return bool(CJK_RUN_RE.search(text))


class MixedTokenizer(Tokenizer):
    """Splits mixed Chinese/other text into lowercase words with consecutive positions.

    `subwords`: index-mode tokenization also emits, at the same position, the dictionary
    sub-words and characters of each Chinese word. `stemming`: English words are stemmed
    (Porter). Words in `stoplist` are dropped without taking a position.
    """

    def __init__(self, dictionary: tuple[tuple[str, int], ...] = (), subwords: bool = True,
                 stoplist: frozenset[str] = frozenset(), stemming: bool = True,
                 pairs: bool = False):
        self.dictionary = tuple(dictionary)
        self.subwords = subwords
        self.stoplist = frozenset(stoplist)
        self.stemming = stemming
        self.pairs = pairs

    def _key(self):
        return (self.dictionary, self.subwords, self.stoplist, self.stemming, self.pairs)

    def __eq__(self, other):
        return isinstance(other, MixedTokenizer) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost, token.stopped, token.whole = 1.0, False, True
        if not tokenize:
            token.original = token.text = value
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        expand = self.subwords and mode == "index"
        pairs = self.pairs and mode == "index"
        previous = None  # the last whole word, for word pairs
        stoplist = self.stoplist if removestops else ()
        stemming = self.stemming
        pos = start_pos
        for match in SPLIT_RE.finditer(value):
            if match.lastgroup == "word":
                word = match.group().lower()
                if word in stoplist:
                    continue  # stop words take no position, so phrases across them match
                text = stem(word) if stemming and word.isalpha() else word
                token.text = text
                token.whole = True
                if keeporiginal:
                    token.original = match.group()
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar = start_char + match.start()
                    token.endchar = start_char + match.end()
                yield token
                if pairs:
                    if previous is not None:
                        token.text = pair_term(previous, text)
                        token.whole = False
                        yield token
                    previous = text
                pos += 1
                continue
            jieba = segmenter(self.dictionary)
            offset = start_char + match.start()
            for word in jieba.cut(match.group(), True):
                pieces = [(word, 0)]
                if pairs:
                    if previous is not None:
                        pieces.append((pair_term(previous, word), 0))
                    previous = word
                if expand and len(word) > 1:
                    pieces.extend(_subwords(jieba, word))
                for i, (text, at) in enumerate(pieces):
                    token.text = text
                    token.whole = i == 0  # the word itself; then its pair and sub-words
                    if keeporiginal:
                        token.original = text
                    if positions:
                        token.pos = pos
                    if chars:
                        token.startchar = offset + at
                        token.endchar = offset + at + len(text)
                    yield token
                offset += len(word)
                pos += 1


PAIR_MARK = "\x1f"  # starts every word-pair term: no typed prefix can reach them


def pair_term(first: str, second: str) -> str:
    """The index term of two words in a row: a two-word phrase is one term lookup."""
    return f"{PAIR_MARK}{first} {second}"


def _subwords(jieba, word: str) -> list[tuple[str, int]]:
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


def text_analyzer(dictionary=()):
    """The analyzer of every searchable text field: words, lowercased, stop words out,
    stemmed; at index time also every pair of words in a row (see pair_term)."""
    return MixedTokenizer(dictionary, stoplist=STOP_WORDS, pairs=True)


def spelling_analyzer(dictionary=()):
    """Unstemmed whole words: the vocabulary that spelling suggestions are drawn from."""
    return MixedTokenizer(dictionary, subwords=False, stemming=False)
