"""The Chinese fallback field's analysis: every two Chinese characters in a row."""

from __future__ import annotations

import itertools

import numpy as np
from whoosh.analysis import Tokenizer

from indexer.analysis.cjk import CJK_RUN_RE
from indexer.analysis.terms import VOCABULARY
from indexer.analysis.tokens import new_token, whole_value

_NONE = np.zeros(0, dtype=np.uint32)
_NONE.flags.writeable = False  # one empty array for every text without Chinese


class BigramTokenizer(Tokenizer):
    """Every two Chinese characters in a row, at consecutive positions (Lucene's
    CJKBigramFilter, Elasticsearch's `cjk` analyser): the fallback field that lets a Chinese
    word the segmenter does not know (一站式, 首单) find the records holding its characters.
    Other text gives no tokens; a run of one character gives itself. Runs are kept apart by
    a gap of positions, so a phrase of bigrams never spans two runs."""

    def __eq__(self, other):
        return isinstance(other, BigramTokenizer)

    def __hash__(self):
        return hash(BigramTokenizer)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        token = new_token(positions, chars, removestops, mode, **kwargs)
        if not tokenize:
            yield whole_value(token, value, positions, chars, start_pos, start_char)
            return
        pos = start_pos
        for match in CJK_RUN_RE.finditer(value):  # index_arrays: the same, as arrays
            run = match.group()
            grams = [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
            for i, gram in enumerate(grams):
                token.text = token.original = gram
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar = start_char + match.start() + i
                    token.endchar = token.startchar + len(gram)
                yield token
                pos += 1
            pos += 1  # a gap: no phrase across two runs

    def index_arrays(self, value: str):
        """What index mode emits, gathered as MixedTokenizer.index_arrays gathers it (the
        terms as numbers of terms.VOCABULARY, their counts, positions and whole-word counts):
        the build reads bigrams without a Token object each."""
        positions: dict[str, list[int]] = {}
        pos = 0
        for run in CJK_RUN_RE.findall(value):
            grams = [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
            for gram in grams:
                found = positions.get(gram)
                if found is None:
                    positions[gram] = [pos]
                else:
                    found.append(pos)
                pos += 1
            pos += 1
        if not positions:
            return _NONE, _NONE, _NONE, _NONE
        terms = np.fromiter(map(VOCABULARY.add, positions), dtype=np.uint32, count=len(positions))
        counts = np.fromiter(map(len, positions.values()), dtype=np.uint32, count=len(positions))
        flat = np.fromiter(itertools.chain.from_iterable(positions.values()), dtype=np.uint32,
                           count=int(counts.sum()))
        return terms, counts, flat, counts.copy()  # every bigram is a whole token
