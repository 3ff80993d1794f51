"""Relevance report: MRR and recall@5 of the search over tests/relevance.yaml.

    python -m tests.relevance [--index DIR] [--verbose]

Without --index it builds a temporary index of the shipped measures/ first.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CASES = HERE / "relevance.yaml"


@dataclass
class Judged:
    query: str
    kind: str
    expect: list[str]
    got: list[str]

    @property
    def rank(self) -> int | None:
        return next((i + 1 for i, hit in enumerate(self.got) if hit in self.expect), None)

    @property
    def reciprocal_rank(self) -> float:
        return 1.0 / self.rank if self.rank else 0.0

    @property
    def recall_at_5(self) -> float:
        return len(set(self.got[:5]) & set(self.expect)) / len(self.expect)


def load_cases() -> list[dict]:
    return yaml.safe_load(CASES.read_text(encoding="utf-8"))["queries"]


def judge(kb) -> list[Judged]:
    out = []
    for case in load_cases():
        result = kb.search(case["q"], per_page=10)
        out.append(Judged(case["q"], case["kind"], case["expect"], [h.id for h in result.hits]))
    return out


def summary(judged: list[Judged]) -> dict[str, float]:
    n = len(judged)
    return {"queries": n,
            "mrr": sum(j.reciprocal_rank for j in judged) / n,
            "recall@5": sum(j.recall_at_5 for j in judged) / n}


def report(judged: list[Judged], verbose: bool = False) -> str:
    lines = []
    for j in judged:
        if verbose or j.rank != 1:
            lines.append(f"{j.kind:8} rank {j.rank or '-':>2}  {j.query!r:40} top: {j.got[:3]}")
    kinds = sorted({j.kind for j in judged})
    for kind in kinds:
        part = summary([j for j in judged if j.kind == kind])
        lines.append(f"{kind:8} {part['queries']:3} queries  MRR {part['mrr']:.3f}  recall@5 {part['recall@5']:.3f}")
    total = summary(judged)
    lines.append(f"{'all':8} {total['queries']:3} queries  MRR {total['mrr']:.3f}  recall@5 {total['recall@5']:.3f}")
    return "\n".join(lines)


def main(argv=None) -> None:
    from indexer.build import build_index
    from indexer.search import KnowledgeBase

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an index already built (default: build one)")
    parser.add_argument("--verbose", action="store_true", help="list every query, not only misses")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index
        if index is None:
            index = Path(tmp) / "index"
            build_index(HERE.parent / "measures", index)
        print(report(judge(KnowledgeBase(index)), args.verbose))


if __name__ == "__main__":
    main()
