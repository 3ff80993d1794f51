"""A posting list's values read in runs (postingfile.PostingArrays.positions): only the wanted
postings' values, each run of postings lying close together in one pread, and the values
read so far kept sorted by posting, merged with each new read."""

from __future__ import annotations

import os

import numpy as np


def gather(values: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """values[starts[i]:starts[i] + counts[i]] for every i, concatenated."""
    first = np.cumsum(counts) - counts
    return values[np.repeat(starts - first, counts) + np.arange(int(counts.sum()))]


def read_runs(fd: int, at: int, dtype: str, width: int, starts: np.ndarray, ends: np.ndarray,
              gap: int) -> np.ndarray:
    """The values [starts[i], ends[i]) for every i (ascending, apart), of the array of
    `width`-byte values from byte `at` of the file, concatenated: ranges less than `gap`
    bytes apart are read in one pread, the values between them dropped."""
    cut = np.flatnonzero((starts[1:] - ends[:-1]) * width > gap)  # a run ends before a gap
    firsts = np.zeros(len(cut) + 1, dtype=np.int64)
    firsts[1:] = cut + 1
    lasts = np.full(len(cut) + 1, len(starts) - 1, dtype=np.int64)
    lasts[:-1] = cut
    raw = np.frombuffer(b"".join(
        os.pread(fd, int(ends[b] - starts[a]) * width, at + int(starts[a]) * width)
        for a, b in zip(firsts.tolist(), lasts.tolist())), dtype=dtype)
    sizes = ends[lasts] - starts[firsts]
    run = np.repeat(np.arange(len(firsts)), lasts - firsts + 1)
    return gather(raw, (np.cumsum(sizes) - sizes)[run] + starts - starts[firsts][run],
                  ends - starts)


def merged(kept: tuple, counts: np.ndarray, fresh: tuple, fresh_counts: np.ndarray) -> tuple:
    """Two sets of postings' values, each (posting indexes, sorted; where each posting's
    values start; the values), with the postings' value counts, as one such set."""
    have, starts, got = kept
    more, more_starts, values = fresh
    every = np.concatenate([have, more])
    order = np.argsort(every, kind="stable")
    joined_counts = np.concatenate([counts, fresh_counts])[order]
    joined = gather(np.concatenate([got, values]),
                    np.concatenate([starts, more_starts + len(got)])[order], joined_counts)
    return every[order], np.cumsum(joined_counts) - joined_counts, joined
