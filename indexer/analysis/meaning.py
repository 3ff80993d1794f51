"""Meaning: English words as GloVe vectors, a record and a query as their weighted average.

A paraphrase shares few words with the record it asks for ("foreign firms" for a record on
overseas companies); word vectors trained on general English (GloVe, 6 billion tokens of
Wikipedia and Gigaword; the table kept in data/glove-100d.npz and how it was made:
meaning_table.py) put such words near each other. A text's vector is the smooth inverse
frequency average of its words' vectors (Arora, Liang and Ma, "A simple but tough-to-beat
baseline for sentence embeddings", 2017): each word weighted a / (a + p(word)), p its share
of English text estimated from its frequency rank by Zipf's law, so "the" and "of" count
for nothing and "bunkering" fully; then the corpus's common direction (its first singular
vector) is taken out of every vector, records' and queries' alike (Space).

A record's vector is that of its English title (weight 3), tags (2) and the first
BODY_WORDS words of its body (1), each part averaged first; it is kept in the index as
DIM signed bytes (the schema's `meaning` column). How the search uses it: search/hybrid.py.
English only: Chinese text has no vector here (its characters are no words of the table).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np

DIM = 100
TABLE = Path(__file__).resolve().parent / "data" / "glove-100d.npz"
SIF_A = 1e-4  # the weight's a: a word of share p(w) counts a / (a + p(w))
_ZIPF = 13.5  # p(word of rank r) ~ 1 / (r * H), H ~ ln(341,479) + 0.58 + some: 13.5
BODY_WORDS = 80
PART_WEIGHTS = (3.0, 2.0, 1.0)  # title, tags, body
_WORD = re.compile(r"[a-z]+")
EMPTY = bytes(DIM)
_CHUNK = 8192


class Table:
    """The kept vectors (int8, unit length in 127ths): a word's row, and its weight."""

    def __init__(self, path: Path = TABLE):
        with np.load(path, allow_pickle=False) as data:
            words = bytes(data["words"]).decode("ascii").split("\n")
            self.vectors = data["vectors"]
            ranks = data["ranks"].astype(np.float64)
        self.row = dict(zip(words, range(len(words))))
        share = 1.0 / (ranks * _ZIPF)
        self.weights = (SIF_A / (SIF_A + share)).astype(np.float32)

    def average(self, parts: list[list[str]], part_weights=(1.0,)) -> np.ndarray | None:
        """The weighted sum over `parts` of each part's weighted average of its known words'
        vectors (a part without one counts nothing); None when no word is known."""
        rows, part = [], []
        for number, words_ in enumerate(parts):
            found = [i for i in map(self.row.get, words_) if i is not None]
            rows += found
            part += [number] * len(found)
        if not rows:
            return None
        rows_ = np.array(rows, dtype=np.int64)
        parts_ = np.array(part, dtype=np.int64)
        weights = self.weights[rows_]
        totals = np.bincount(parts_, weights, minlength=len(parts))
        if not totals.any():
            return None
        coef = weights * np.asarray(part_weights, dtype=np.float64)[parts_] / totals[parts_]
        return coef @ self.vectors[rows_].astype(np.float64) / 127.0


@lru_cache(maxsize=1)
def table() -> Table:
    return Table()


def words(text: str) -> list[str]:
    """The text's English words, lower-cased (a record's text is NFKC-normalised already)."""
    return _WORD.findall(text.lower())


def record_vector(title: str, tags: str, body: str) -> bytes:
    """A record's vector as DIM signed bytes (unit length in 127ths); zeros when it has no
    English word the table knows."""
    t = table()
    # the body's first BODY_WORDS known words lie well within its first characters
    head = [w for w in words(body[:BODY_WORDS * 20]) if w in t.row][:BODY_WORDS]
    total = t.average([words(title), words(tags), head], PART_WEIGHTS)
    return EMPTY if total is None else quantize(total)


def quantize(vector: np.ndarray) -> bytes:
    norm = float(np.linalg.norm(vector))
    if not norm:
        return EMPTY
    return np.round(vector / norm * 127).astype(np.int8).tobytes()


class Space:
    """The records' vectors of one index generation, the common direction taken out and
    scaled to unit length (a record without English: zeros), for cosine similarity."""

    def __init__(self, packed: list[bytes], live: np.ndarray):
        raw = np.frombuffer(b"".join(packed), dtype=np.int8).reshape(len(packed), DIM)
        used = live & raw.any(axis=1)
        vectors = raw.astype(np.float32)
        vectors[~used] = 0.0
        vectors *= 1 / 127.0
        # the first singular vector, of the 100 x 100 Gram matrix (no n x 100 copy), summed
        # in float64 so that the records' order (segments merged, an update) changes nothing
        self.common = np.zeros(DIM, dtype=np.float32)
        if used.sum() >= 2:
            gram = np.zeros((DIM, DIM))
            for start in range(0, len(vectors), _CHUNK):
                chunk = vectors[start:start + _CHUNK].astype(np.float64)
                gram += chunk.T @ chunk
            _values, eigen = np.linalg.eigh(gram)
            self.common = eigen[:, -1].astype(np.float32)
        for start in range(0, len(vectors), _CHUNK):  # in place, a chunk at a time
            chunk = vectors[start:start + _CHUNK]
            chunk -= np.outer(chunk @ self.common, self.common)
            norms = np.linalg.norm(chunk, axis=1, keepdims=True)
            np.divide(chunk, norms, out=chunk, where=norms > 0)
        self.vectors = vectors
        self.usable = bool(used.any())

    def query(self, text: str) -> np.ndarray | None:
        """A query's vector in this space; None when no word of it is known (or no record
        has a vector)."""
        if not self.usable:
            return None
        mean = table().average([words(text)])
        if mean is None:
            return None
        vector = mean - (mean @ self.common) * self.common
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else None

    def similarity(self, vector: np.ndarray, docs: np.ndarray | None = None) -> np.ndarray:
        """Cosine similarity of `vector` to every record (float32), or to `docs`, a few
        (float64: the scores a ranking adds them to)."""
        if docs is None:
            return self.vectors @ vector.astype(np.float32)
        return self.vectors[docs].astype(np.float64) @ vector.astype(np.float64)
