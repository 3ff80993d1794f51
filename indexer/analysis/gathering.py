"""Array helpers of the analyser's index-time gathering (analyser.index_arrays and
index_entry): what a text's word numbers become without a Python step per word."""

from __future__ import annotations

import numpy as np

_NONE = np.zeros(0, dtype=np.uint32)
_NONE.flags.writeable = False
_NO_KEYS = np.zeros(0, dtype=np.int64)
_NO_KEYS.flags.writeable = False
EMPTY_PAIRS = (_NO_KEYS, _NONE, _NONE)  # no pair keys, counts or positions


def distinct(stream: list[int]):
    """index_arrays of a text whose words are all distinct terms: each term once, at its
    word's position (terms in the order of the text, not of their numbers)."""
    ones = np.ones(len(stream), dtype=np.uint32)
    return (np.array(stream, dtype=np.uint32), ones, np.arange(len(stream), dtype=np.uint32),
            ones.copy())


def group_pairs(keys: np.ndarray):
    """The word pairs of a text, `keys[i]` the pair ending at word i + 1 (first << 32 |
    second, int64), grouped: (each key once, ascending; its count; its positions, ascending
    per key, key after key), all uint32 but the keys."""
    order = np.argsort(keys, kind="stable")  # stable: each key's positions stay ascending
    grouped = keys[order]
    first = np.empty(len(grouped), dtype=bool)
    first[:1] = True
    np.not_equal(grouped[1:], grouped[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(starts, append=len(grouped)).astype(np.uint32)
    return grouped[starts], counts, (order + 1).astype(np.uint32)


def nones(values: list):
    """The indexes of None in `values`, ascending, found by list.index (in C: no Python
    step for the others); `values` may be filled in behind the one given."""
    at = -1
    try:
        while True:
            at = values.index(None, at + 1)
            yield at
    except ValueError:
        return
