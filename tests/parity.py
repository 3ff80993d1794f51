"""Bilingual parity: does a Chinese query find what its English equivalent finds?

    python -m tests.parity [--index DIR] [--verbose]

For every pair of measures/glossary.yaml, the records found by the English term and by the
Chinese term (every match, through the facade as a user searches): the share of pairs whose
two sets are equal, and the mean Jaccard index of the two sets. Then the same for two-term
queries: for pairs of glossary pairs whose English terms some record holds together, "A B" in
English against the two Chinese terms written together without a space, as Chinese is typed
(跨境贸易), which the query's segmentation must take apart. Without --index it builds
temporary indexes of the shipped measures/, with the glossary and without it (the figures the
glossary is measured against).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from indexer.engine.build import build_index
from indexer.errors import Report
from indexer.records.glossary import GLOSSARY_FILE, load_glossary
from indexer.search import KnowledgeBase

MEASURES = Path(__file__).resolve().parent.parent / "measures"
COMBINATIONS = 400  # two-term queries measured at most (an even sample of the candidates)


@dataclass
class Parity:
    pairs: int
    equal: int
    mean_jaccard: float
    unequal: list[tuple[str, str, set, set]]

    @property
    def share_equal(self) -> float:
        return self.equal / self.pairs if self.pairs else 1.0


def found(kb: KnowledgeBase, query: str) -> set[str]:
    return {hit.id for hit in kb.export(query, limit=100_000).hits}


def jaccard(a: set, b: set) -> float:
    return 1.0 if not a and not b else len(a & b) / len(a | b)


def measure(kb: KnowledgeBase, queries: list[tuple[str, str]]) -> Parity:
    scores, unequal = [], []
    for english, chinese in queries:
        en, zh = found(kb, english), found(kb, chinese)
        scores.append(jaccard(en, zh))
        if en != zh:
            unequal.append((english, chinese, en, zh))
    return Parity(len(queries), len(queries) - len(unequal),
                  sum(scores) / len(scores) if scores else 1.0, unequal)


def glossary_pairs(measures: Path = MEASURES) -> list[tuple[str, str]]:
    return [p.terms for p in load_glossary(measures, Report(measures))]


def two_term_queries(kb: KnowledgeBase, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """("A B", "甲乙") for glossary pairs whose English terms some record holds together;
    an even sample of at most COMBINATIONS of them, in file order."""
    found_by = {english: found(kb, english) for english, _ in pairs}
    candidates = []
    for i, (en_a, zh_a) in enumerate(pairs):
        for en_b, zh_b in pairs[i + 1:]:
            if zh_a != zh_b and en_a != en_b and found_by[en_a] & found_by[en_b]:
                candidates.append((f"{en_a} {en_b}", zh_a + zh_b))
    step = max(1, len(candidates) // COMBINATIONS)
    return candidates[::step][:COMBINATIONS]


def report(kb: KnowledgeBase, pairs, label: str, verbose: bool, combos=None) -> tuple[Parity, Parity]:
    single = measure(kb, pairs)
    double = measure(kb, combos if combos is not None else two_term_queries(kb, pairs))
    for name, result in (("terms", single), ("two-term queries", double)):
        print(f"{label:18} {name:17} {result.pairs:4}  equal sets {result.equal:4} "
              f"({result.share_equal:.1%})  mean Jaccard {result.mean_jaccard:.3f}")
        if verbose:
            for english, chinese, en, zh in result.unequal:
                print(f"    {english!r} {len(en)} vs {chinese!r} {len(zh)}: "
                      f"only English {sorted(en - zh)[:3]}, only Chinese {sorted(zh - en)[:3]}")
    return single, double


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an index already built (default: build "
                        "indexes of measures/ with and without the glossary)")
    parser.add_argument("--verbose", action="store_true", help="list every unequal pair")
    args = parser.parse_args(argv)
    pairs = glossary_pairs()
    if args.index:
        report(KnowledgeBase(args.index), pairs, "index", args.verbose)
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        build_index(MEASURES, tmp / "with")
        without = tmp / "measures"
        shutil.copytree(MEASURES, without, ignore=shutil.ignore_patterns("drafts"))
        (without / GLOSSARY_FILE).unlink()
        build_index(without, tmp / "without")
        kb = KnowledgeBase(tmp / "with")
        combos = two_term_queries(kb, pairs)
        print(f"{len(pairs)} glossary pairs, shipped records\n")
        report(KnowledgeBase(tmp / "without"), pairs, "without glossary", args.verbose, combos)
        report(kb, pairs, "with glossary", args.verbose, combos)


if __name__ == "__main__":
    main()
