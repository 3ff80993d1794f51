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
carry `whole = False` (see engine/entries.WordPositions).

Lowercasing, stop words and stemming happen inside the one tokenizer rather than in a chain
of Whoosh filters: indexing spends most of its time per token, and each filter in a chain is
another generator step for every token. At index time the build does not take tokens at all:
index_arrays gives a text's terms (as numbers of terms.VOCABULARY), positions and counts as
arrays, from caches of what each piece of text between spaces becomes; _terms, the plain
token-by-token reading, is what it is tested against. The build itself reads index_entry:
the same, with a long text's word pairs as their words' numbers, which the segment's field
writer names all at once (engine/entries.py).
"""

from __future__ import annotations

import itertools
import re
from array import array
from functools import lru_cache

import numpy as np
from whoosh.analysis import Tokenizer
from whoosh.analysis import STOP_WORDS as WHOOSH_STOP_WORDS
from whoosh.lang.porter import stem as porter_stem

from indexer.analysis.cjk import CJK, CJK_RE
from indexer.analysis.gathering import EMPTY_PAIRS, distinct, group_pairs, nones
from indexer.analysis.segmentation import cuts, subwords as subwords_of
from indexer.analysis.terms import PAIR_MARK, VOCABULARY, pair_term  # noqa: F401 (re-exported)
from indexer.analysis.tokens import new_token, whole_value

SPLIT_RE = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<word>\d+(?:[.,]\d+)+|[^\W_{CJK}]+)")
# SPLIT_RE without its groups: the same matches, as strings (findall makes no tuples)
TOKEN_RE = re.compile(rf"[{CJK}]+|\d+(?:[.,]\d+)+|[^\W_{CJK}]+")
_CACHE_LIMIT = 500_000  # entries in index_arrays' caches: a long-lived process stays bounded
SHORT_TEXT = 1000  # characters: below, index_arrays gathers with dictionaries, not arrays
# (measured on bodies of the bench's corpora: the array way is faster from about here)
_NONE = np.zeros(0, dtype=np.uint32)
_NONE.flags.writeable = False  # one empty array for every empty text

# A short list: the corpus is formal prose where these carry no meaning. Removed words take
# no position, so "certificate of origin" matches "certificate-of-origin" as a phrase. "s" is
# what a possessive leaves ("China's": china, s; Lucene's EnglishPossessiveFilter drops it):
# kept, it matched and was highlighted in every record with a possessive.
STOP_WORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or s that the this to was "
    "were will with".split()
)

# Whoosh's longer stop list: the words that say nothing of a passage's topic (the drafter's
# pillar model), where a search keeps "can", "may", "not", ... as words a phrase may hold
TOPIC_STOP_WORDS = frozenset(WHOOSH_STOP_WORDS)

stem = lru_cache(maxsize=200_000)(porter_stem)


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
        # index_arrays' caches, of terms.VOCABULARY's numbers (of its generation): a piece
        # of text between spaces, and a token as written -> its whole words; a Chinese
        # word -> its sub-words and characters
        self._normalized: dict[str, tuple[int, ...]] = {}
        self._tokens: dict[str, tuple[int, ...]] = {}
        self._known_subwords: dict[int, tuple[int, ...]] = {}
        self._has_subwords = bytearray()
        self._generation = 0

    def _key(self):
        return (self.dictionary, self.subwords, self.stoplist, self.stemming, self.pairs)

    def __getstate__(self):  # the schema is pickled into the index: not the caches
        state = dict(self.__dict__)
        state.pop("_known_subwords", None)
        state.pop("_normalized", None)
        state.pop("_tokens", None)
        state.pop("_has_subwords", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._known_subwords, self._normalized, self._tokens, self._generation = {}, {}, {}, 0
        self._has_subwords = bytearray()

    def __eq__(self, other):
        return isinstance(other, MixedTokenizer) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        token = new_token(positions, chars, removestops, mode, **kwargs)
        if not tokenize:
            yield whole_value(token, value, positions, chars, start_pos, start_char)
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

    def index_arrays(self, value: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """What index mode emits, gathered as arrays: (the terms, as numbers of
        terms.VOCABULARY; each term's number of positions; the positions, ascending per
        term, term after term; each term's number of whole-word occurrences), the same
        terms and positions as _terms(value, True, True) gives one by one
        (tests/test_engine.py checks both ways of gathering against it on any text).
        Indexing spends most of its time here.

        A word costs a lookup of the piece of text it is in (between spaces) in a cache of
        what the piece becomes (no word, a stemmed word, a Chinese run's words), as
        numbers, made by a map in C. A long text (a body) is then paired and grouped by
        array operations; a short one (a title, tags) with dictionaries, where a dozen
        array calls would cost more."""
        self._current()
        if not (self.pairs or self.subwords):
            # the spelling field: each word of a record once (schema.measure_document), so
            # each word is a term at its own position, with no grouping to do
            stream = self._words(value)
            if len(set(stream)) == len(stream):
                return distinct(stream)
        if len(value) < SHORT_TEXT:
            return self._gather_short(value)
        return self._gather_long(value)

    def index_entry(self, value: str):
        """index_arrays' terms, counts, positions and whole-word counts, with a long text's
        word pairs apart, as their words' numbers (first << 32 | second), each pair once
        with its count and positions (group_pairs): (terms, counts, positions, whole, pair
        keys, pair counts, pair positions). The segment's field writer names the pairs of
        all its documents at once (one np.unique), where a lookup in the vocabulary of each
        pair of each text, and a string made for each new one, cost half of a body's
        analysis. A short text's pairs come as index_arrays numbers them, with no keys."""
        if self.pairs and len(value) >= SHORT_TEXT:
            self._current()
            return self._gather_long(value, keyed=True)
        return (*self.index_arrays(value), *EMPTY_PAIRS)

    def _current(self) -> None:
        """index_arrays' caches of numbers of this vocabulary generation, and bounded."""
        vocabulary = VOCABULARY
        if (self._generation != vocabulary.generation
                or len(self._normalized) + len(self._tokens) + len(self._known_subwords)
                > _CACHE_LIMIT):
            self.forget_terms()
            self._generation = vocabulary.generation
            vocabulary.hold(self)

    def forget_terms(self) -> None:
        """Empty index_arrays' caches (all together: the words of a cached Chinese run
        have their sub-words cached)."""
        self._normalized, self._tokens, self._known_subwords = {}, {}, {}
        self._has_subwords = bytearray()
        self._generation = 0

    @staticmethod
    def term_texts(numbers) -> list[str]:
        """The terms that index_arrays' numbers stand for."""
        return list(map(VOCABULARY.texts.__getitem__, np.asarray(numbers).tolist()))

    def _words(self, value: str) -> list[int]:
        """The whole words of the text, as numbers, in order (word i is at position i).

        No term holds a space (TOKEN_RE matches none of the characters str.split() cuts
        at), so the text's terms are those of its space-separated pieces in turn: a piece
        seen before ("investment", "trade.") is one lookup, with no regular expression."""
        pieces = value.split()
        normalized = self._normalized  # a piece -> its words' numbers
        found = list(map(normalized.get, pieces))
        for missing in nones(found):
            piece = pieces[missing]
            words = normalized.get(piece)  # an earlier miss of this text may have cached it
            if words is None:
                words = normalized[piece] = self._normalize_piece(piece)
            found[missing] = words
        return list(itertools.chain.from_iterable(found))

    def _normalize_piece(self, piece: str) -> tuple[int, ...]:
        tokens = self._tokens
        out: list[int] = []
        for token in TOKEN_RE.findall(piece):
            words = tokens.get(token)
            if words is None:
                words = tokens[token] = self._normalize(token)
            out.extend(words)
        return tuple(out)

    def _normalize(self, token: str) -> tuple[int, ...]:
        """The whole words a token of TOKEN_RE stands for, as numbers: a Chinese run's
        words (whose sub-words are cut now, once), or the word lowercased and stemmed, or
        none (a stop word)."""
        add = VOCABULARY.add
        if CJK_RE.match(token):
            jieba = cuts(self.dictionary)
            cut = list(jieba.cut(token, True))
            words = tuple(map(add, cut))
            if self.subwords:
                known = self._known_subwords
                flags = self._has_subwords  # by number: 1 where known has the word
                for word, number in zip(cut, words):
                    if len(word) > 1 and number not in known:
                        known[number] = tuple(add(sub) for sub, _at in subwords_of(jieba, word))
                        if len(flags) <= number:
                            flags.extend(bytes(number + 1 - len(flags)))
                        flags[number] = 1
            return words
        word = token.lower()
        if word in self.stoplist:
            return ()  # no position, as in _terms
        return (add(stem(word) if self.stemming and word.isalpha() else word),)

    @staticmethod
    def _pair(key: int) -> int:
        """The number of the pair term of two words, given by `key` (their numbers, first
        << 32 | second), made now if this vocabulary has none."""
        found = VOCABULARY.pairs.get(key)
        if found is None:
            texts = VOCABULARY.texts
            found = VOCABULARY.pairs[key] = VOCABULARY.add(
                pair_term(texts[key >> 32], texts[key & 0xFFFFFFFF]))
        return found

    def _gather_short(self, value: str):
        positions: dict[int, list[int]] = {}
        words: dict[int, int] = {}
        seen, count = positions.get, words.get
        pairs, known = self.pairs, self._known_subwords
        pair_of = VOCABULARY.pairs.get
        expand = self.subwords
        previous = None  # the last word, for word pairs
        for pos, term in enumerate(self._words(value)):
            found = seen(term)
            if found is None:
                positions[term] = [pos]
            else:
                found.append(pos)
            words[term] = count(term, 0) + 1
            if pairs:
                if previous is not None:
                    key = previous << 32 | term
                    pair = pair_of(key)
                    if pair is None:
                        pair = self._pair(key)
                    found = seen(pair)
                    if found is None:
                        positions[pair] = [pos]
                    else:
                        found.append(pos)
                previous = term
            if expand:
                for sub in known.get(term, ()):  # a Chinese word's sub-words and characters
                    found = seen(sub)
                    if found is None:
                        positions[sub] = [pos]
                    else:
                        found.append(pos)
        terms = array("I", positions)
        counts = array("I", map(len, positions.values()))
        flat = array("I", itertools.chain.from_iterable(positions.values()))
        whole = array("I", map(count, terms, itertools.repeat(0)))
        return tuple(np.frombuffer(a, dtype=np.uint32) for a in (terms, counts, flat, whole))

    def _gather_long(self, value: str, keyed: bool = False):
        stream = self._words(value)
        n = len(stream)
        if not n:
            return (_NONE, _NONE, _NONE, _NONE, *(EMPTY_PAIRS if keyed else ()))
        ids = np.array(stream, dtype=np.int64)
        at = np.arange(n)
        all_ids, all_at = [ids], [at]
        known = self._known_subwords
        if self.subwords and known:
            # a Chinese word's sub-words and characters, at each of its positions
            flags = self._has_subwords
            if len(flags) < len(VOCABULARY.texts):
                flags.extend(bytes(len(VOCABULARY.texts) - len(flags)))
            chinese = np.flatnonzero(np.frombuffer(flags, dtype=bool)[ids])
            if len(chinese):
                subs = list(map(known.__getitem__, ids[chinese].tolist()))
                sizes = np.fromiter(map(len, subs), dtype=np.int64, count=len(subs))
                all_ids.append(np.fromiter(itertools.chain.from_iterable(subs), dtype=np.int64,
                                           count=int(sizes.sum())))
                all_at.append(np.repeat(chinese, sizes))
        keyed_pairs = EMPTY_PAIRS
        if self.pairs and n > 1 and keyed:  # by their words' numbers (index_entry)
            keyed_pairs = group_pairs(ids[:-1] << 32 | ids[1:])
        elif self.pairs and n > 1:
            # each pair of words in a row, at the second word's position
            keys = (ids[:-1] << 32 | ids[1:]).tolist()
            numbers = list(map(VOCABULARY.pairs.get, keys))
            for missing in nones(numbers):  # pairs this vocabulary had not seen
                numbers[missing] = self._pair(keys[missing])
            all_ids.append(np.array(numbers, dtype=np.int64))
            all_at.append(at[1:])
        ids_ = np.concatenate(all_ids) if len(all_ids) > 1 else ids
        at_ = np.concatenate(all_at) if len(all_at) > 1 else at
        # by term, then position: one sort of one key (a term is at a position once)
        order = np.argsort(ids_ * n + at_)
        grouped = ids_[order]
        first = np.empty(len(grouped), dtype=bool)  # where a term's positions start
        first[0] = True
        np.not_equal(grouped[1:], grouped[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        counts = np.diff(starts, append=len(grouped)).astype(np.uint32)
        whole = np.add.reduceat((order < n).astype(np.uint32), starts)  # the first n: words
        return (grouped[starts].astype(np.uint32), counts, at_[order].astype(np.uint32),
                whole.astype(np.uint32), *(keyed_pairs if keyed else ()))

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
            jieba = cuts(self.dictionary)
            offset = match.start()
            for word in jieba.cut(match.group(), True):
                yield word, pos, True, offset, offset + len(word), word
                if pairs:
                    if previous is not None:
                        pair = pair_term(previous, word)
                        yield pair, pos, False, offset, offset + len(word), pair
                    previous = word
                if expand and len(word) > 1:
                    for sub, at in subwords_of(jieba, word):
                        yield sub, pos, False, offset + at, offset + at + len(sub), sub
                offset += len(word)
                pos += 1


def text_analyzer(dictionary=()):
    """The analyzer of every searchable text field: words, lowercased, stop words out,
    stemmed; at index time also every pair of words in a row (see pair_term)."""
    return MixedTokenizer(dictionary, stoplist=STOP_WORDS, pairs=True)


def spelling_analyzer(dictionary=()):
    """Unstemmed whole words: the vocabulary that spelling suggestions are drawn from."""
    return MixedTokenizer(dictionary, subwords=False, stemming=False)
