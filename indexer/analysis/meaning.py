"""Meaning: English words as GloVe vectors, a record and a query as their weighted average.

A paraphrase shares few words with the record it asks for ("foreign firms" for a record on
overseas companies); word vectors trained on general English (GloVe, 6 billion tokens of
Wikipedia and Gigaword; the table kept in data/glove-100d.npz and how it was made:
meaning_table.py) put such words near each other. A text's vector is the smooth inverse
frequency average of its words' vectors (Arora, Liang and Ma, "A simple but tough-to-beat
baseline for sentence embeddings", 2017): each word weighted a / (a + p(word)), p its share
of English text estimated from its frequency rank by Zipf's law, so "the" and "of" count
for nothing and "tariff" nearly fully; then the corpus's common direction (its first singular
vector) is taken out of every vector, records' and queries' alike (Space).

A record's vector is that of its English title (weight 3), tags (2) and the first
BODY_WORDS known words of its body (1; within its first BODY_WORDS * 20 characters), each
part averaged first (a word the table lacks counts nothing: 4.8% of the shipped records'
word occurrences, among them ftz, rcep, bunkering, zhoushan, waybill); it is kept in the index as
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
_EXACT_ROWS = 1024  # 1,024 x 127 x 127 = 16,516,096 < 2**24


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
    """The records' vectors of one index generation, for the cosine of each to a query once
    the corpus's common direction c is taken out of both (a record without English: 0).

    Computed so that the records' order changes nothing, bit for bit (segments merged, a
    record updated: the same record, the same cosine, the same rank): a record's signed bytes
    r and a query's, q (rounded as a record's are), have an exact dot product r.q (integers
    below 2**24, exact in float32 in any order), and the rest is per record, element by
    element: with r' = r - (r.c)c, r'.q' = r.q - (r.c)(q.c) and |r'|^2 = r.r - (r.c)^2."""

    def __init__(self, packed: np.ndarray, live: np.ndarray):
        """`packed`: every document's DIM bytes (n x DIM, as the index's column holds them),
        kept as they are (DIM bytes a record) and widened a block at a time where used."""
        used = live & (packed.any(axis=1) if DIM % 4 else
                       packed.view(np.uint32).any(axis=1))
        self.bytes = packed.view(np.int8)
        self.used = used
        # the first singular vector, of the DIM x DIM Gram matrix of the bytes: each block's
        # sums are integers below 2**24, exact in float32, and their total exact in float64
        self.common = np.zeros(DIM)
        if used.sum() >= 2:
            gram = np.zeros((DIM, DIM))
            for start, block in self._blocks(_EXACT_ROWS):
                gram += block.T @ block
            self.common = np.linalg.eigh(gram)[1][:, -1]
        # per record r.c and |r'|, element by element in a fixed order of dimensions
        self.along = np.zeros(len(used))
        squares = np.zeros(len(used))
        for start, block in self._blocks(_CHUNK):  # a row's squares: below 2**24, exact
            self.along[start:start + len(block)] = _along(block, self.common)
            squares[start:start + len(block)] = np.einsum("ij,ij->i", block, block)
        self.norms = np.sqrt(np.maximum(squares - self.along ** 2, 0.0))  # 0 where unused
        self.usable = bool(used.any())

    def _blocks(self, rows: int, docs: np.ndarray | None = None):
        """(start, the records' bytes as float32, a record without a vector all zeros), a
        block of `rows` records at a time (of `docs`, when given)."""
        count = len(self.used) if docs is None else len(docs)
        for start in range(0, count, rows):
            picked = slice(start, start + rows) if docs is None else docs[start:start + rows]
            block = self.bytes[picked].astype(np.float32)
            block[~self.used[picked]] = 0.0
            yield start, block

    def query(self, text: str) -> np.ndarray | None:
        """A query's vector in this space (its bytes, as a record's), None when no word of it
        is known (or no record has a vector)."""
        if not self.usable:
            return None
        mean = table().average([words(text)])
        if mean is None:
            return None
        vector = np.frombuffer(quantize(mean), dtype=np.int8).astype(np.float32)
        return vector if vector.any() else None

    def similarity(self, vector: np.ndarray, docs: np.ndarray | None = None) -> np.ndarray:
        """Cosine similarity of a query's `vector` (Space.query) to every record, or to
        `docs`, with the common direction out of both; 0 for a record without a vector."""
        along = self.along if docs is None else self.along[docs]
        norms = self.norms if docs is None else self.norms[docs]
        dots = np.zeros(len(along))
        for start, block in self._blocks(_CHUNK, docs):
            dots[start:start + len(block)] = block @ vector  # exact: integers below 2**24
        q_along = float(_along(vector[None, :], self.common)[0])
        q_norm = np.sqrt(max(float(vector.astype(np.float64) @ vector) - q_along ** 2, 0.0))
        if not q_norm:
            return np.zeros(len(along))
        cos = np.zeros(len(along))
        np.divide(dots - along * q_along, norms * q_norm, out=cos, where=norms > 0)
        return cos


def _along(rows: np.ndarray, common: np.ndarray) -> np.ndarray:
    """Each row's dot product with `common`, summed dimension by dimension in one order
    (element-wise operations: a row's result does not depend on where the row stands)."""
    columns = rows.T.astype(np.float64)
    out = np.zeros(len(rows))
    for j in range(DIM):
        out += columns[j] * common[j]
    return out
