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
_default_taken = False
stem = lru_cache(maxsize=200_000)(porter_stem)


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
        self._known_subwords: dict[str, list[str]] = {}  # index_terms' cache: word -> sub-words

    def _key(self):
        return (self.dictionary, self.subwords, self.stoplist, self.stemming, self.pairs)

    def __getstate__(self):  # the schema is pickled into the index: not the cache
        state = dict(self.__dict__)
        state.pop("_known_subwords", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._known_subwords = {}

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
        for text, pos, whole, start, end, original in self._terms(value, mode == "index",
                                                                  removestops):
            token.text, token.whole = text, whole
            if keeporiginal:
                token.original = original
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token

    def index_terms(self, value: str) -> tuple[dict[str, list[int]], dict[str, int]]:
        """What index mode emits, gathered: each term's positions, and how many of its
        occurrences are whole words (codec.WordPositions). Indexing spends most of its time
        here, so this is _terms(value, True, True) inlined, without a generator step or a
        Token object per term; tests/test_engine.py checks the two agree on any text."""
        positions: dict[str, list[int]] = {}
        words: dict[str, int] = {}
        seen, count = positions.get, words.get
        stoplist, stemming, pairs = self.stoplist, self.stemming, self.pairs
        expand = self.subwords
        known = self._known_subwords
        previous = None  # the last whole word, for word pairs
        pos = 0
        # findall gives (Chinese run, word) pairs, one empty: no match object per word
        for chinese, word in SPLIT_RE.findall(value):
            if word:
                word = word.lower()
                if word in stoplist:
                    continue  # no position, as in _terms
                runs = ((stem(word) if stemming and word.isalpha() else word),)
                jieba = None
            else:
                jieba = segmenter(self.dictionary)
                runs = jieba.cut(chinese, True)
            for text in runs:
                found = seen(text)
                if found is None:
                    positions[text] = [pos]
                else:
                    found.append(pos)
                words[text] = count(text, 0) + 1
                if pairs:
                    if previous is not None:
                        pair = f"{PAIR_MARK}{previous} {text}"  # pair_term, inlined
                        found = seen(pair)
                        if found is None:
                            positions[pair] = [pos]
                        else:
                            found.append(pos)
                    previous = text
                if jieba is not None and expand and len(text) > 1:
                    subs = known.get(text)
                    if subs is None:  # the same Chinese words come back: cut each once
                        subs = known[text] = [sub for sub, _at in _subwords(jieba, text)]
                    for sub in subs:
                        found = seen(sub)
                        if found is None:
                            positions[sub] = [pos]
                        else:
                            found.append(pos)
                pos += 1
        return positions, words

    def _terms(self, value: str, index_mode: bool, removestops: bool):
        """(text, position, whole word?, start, end, original) of every term."""
        expand = self.subwords and index_mode
        pairs = self.pairs and index_mode
        previous = None  # the last whole word, for word pairs
        stoplist = self.stoplist if removestops else ()
        stemming = self.stemming
        pos = 0
        for match in SPLIT_RE.finditer(value):
            if match.lastgroup == "word":
                original = match.group()
                word = original.lower()
                if word in stoplist:
                    continue  # stop words take no position, so phrases across them match
                text = stem(word) if stemming and word.isalpha() else word
                start, end = match.start(), match.end()
                yield text, pos, True, start, end, original
                if pairs:
                    if previous is not None:
                        yield pair_term(previous, text), pos, False, start, end, original
                    previous = text
                pos += 1
                continue
            jieba = segmenter(self.dictionary)
            offset = match.start()
            for word in jieba.cut(match.group(), True):
                yield word, pos, True, offset, offset + len(word), word
                if pairs:
                    if previous is not None:
                        pair = pair_term(previous, word)
                        yield pair, pos, False, offset, offset + len(word), pair
                    previous = word
                if expand and len(word) > 1:
                    for sub, at in _subwords(jieba, word):
                        yield sub, pos, False, offset + at, offset + at + len(sub), sub
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
