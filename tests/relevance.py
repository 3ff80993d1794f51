"""Relevance report: MRR, nDCG@10 and recall@10 of the search over the judged set tests/relevance.yaml.

    python -m tests.relevance [--index DIR] [--cases PATH] [--verbose] [--lexical]

Without --index it builds a temporary index of the shipped measures/ first. Figures are
given per kind of query, for the queries answered by records other than the first 13
(`new records`), and overall; then the queries whose first answer is not at rank 1.
"""

from __future__ import annotations

import argparse
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CASES = HERE / "relevance.yaml"
MEASURES = HERE.parent / "measures"
# the records the set was first written on (the 2023-05-11 release); a query whose answers
# include any other record counts as "answered by the new records"
FIRST_RECORDS = HERE / "fixtures" / "records"
KINDS = ("en", "zh", "traditional", "mixed", "acronym", "typo", "syntax", "zone", "lineage")
# A question about what no record holds has no answer to rank: `kind: none`, `expect: []`. It
# is counted apart: what matters is that the search says so (no result, or a note).
NONE = "none"
CUTOFF = 10  # one results page: nDCG and recall are taken over what a user sees first
TOP = 3  # "answered in the top 3": what a researcher reads before refining the query (issue 22)


@dataclass(frozen=True)
class Case:
    query: str
    kind: str
    expect: tuple[str, ...]  # grade 2: the records that answer the query
    related: tuple[str, ...] = ()  # grade 1: relevant, but not the answer
    zones: tuple[str, ...] = ()  # a zone filter passed beside the query

    def grade(self, record_id: str) -> int:
        return 2 if record_id in self.expect else 1 if record_id in self.related else 0

    @property
    def label(self) -> str:
        return self.query + (f"  [zones: {', '.join(self.zones)}]" if self.zones else "")


@dataclass
class Judged:
    case: Case
    got: list[str]  # ids of the first CUTOFF hits, best first
    total: int = 0  # how many the search found
    notes: tuple[str, ...] = ()  # what it said of the query (in English)

    @property
    def rank(self) -> int | None:
        """Rank of the first record that answers the query, if it is on the first page."""
        return next((i + 1 for i, hit in enumerate(self.got) if hit in self.case.expect), None)

    @property
    def reciprocal_rank(self) -> float:
        return 1.0 / self.rank if self.rank else 0.0

    @property
    def recall(self) -> float:
        return len(set(self.got[:CUTOFF]) & set(self.case.expect)) / len(self.case.expect)

    @property
    def ndcg(self) -> float:
        gains = [self.case.grade(hit) for hit in self.got[:CUTOFF]]
        ideal = sorted([2] * len(self.case.expect) + [1] * len(self.case.related), reverse=True)
        return dcg(gains) / dcg(ideal[:CUTOFF])


def dcg(grades: list[int]) -> float:
    # graded gain 2^g - 1, discounted by log2 of (rank + 1)
    return sum((2 ** g - 1) / math.log2(rank + 2) for rank, g in enumerate(grades))


def load_cases(path: Path = CASES) -> list[Case]:
    cases = []
    for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]:
        cases.append(Case(str(raw["q"]), raw["kind"], tuple(raw["expect"]),
                          tuple(raw.get("related", ())), tuple(raw.get("zones", ()))))
    return cases


def first_records() -> set[str]:
    return {p.stem for p in FIRST_RECORDS.glob("*.md")}


def answered_by_new_records(case: Case, first: set[str]) -> bool:
    return bool(set(case.expect) - first)


def judge(kb, cases: list[Case] | None = None) -> list[Judged]:
    out = []
    for case in (load_cases() if cases is None else cases):
        result = kb.search(case.query, zones=case.zones, per_page=CUTOFF)
        out.append(Judged(case, [h.id for h in result.hits], result.total,
                          tuple(result.messages())))
    return out


def has_chinese(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def summary(judged: list[Judged]) -> dict[str, float]:
    n = len(judged)
    return {"queries": n,
            "mrr": sum(j.reciprocal_rank for j in judged) / n,
            "ndcg@10": sum(j.ndcg for j in judged) / n,
            "recall@10": sum(j.recall for j in judged) / n}


def breakdown(judged: list[Judged]) -> dict[str, dict[str, float]]:
    """Figures per kind, per language of the query, for the queries answered by new records,
    and for all (the questions no record answers apart: see `unanswerable`)."""
    first = first_records()
    judged = [j for j in judged if j.case.kind != NONE]
    groups = {kind: [j for j in judged if j.case.kind == kind] for kind in KINDS}
    groups["English"] = [j for j in judged if not has_chinese(j.case.query)]
    groups["Chinese"] = [j for j in judged if has_chinese(j.case.query)]
    groups["new records"] = [j for j in judged if answered_by_new_records(j.case, first)]
    groups["all"] = judged
    return {name: summary(part) for name, part in groups.items() if part}


def says_none(j: Judged) -> bool:
    """No result, or a note saying that no record holds (some of) the query's words."""
    return j.total == 0 or any("no record" in n.lower() or "no measure" in n.lower()
                               for n in j.notes)


def answered(j: Judged, top: int = TOP) -> bool:
    """A record that answers the query is among the first `top`; a question no record
    answers is answered by saying so (`says_none`)."""
    if j.case.kind == NONE:
        return says_none(j)
    return j.rank is not None and j.rank <= top


def unanswerable(judged: list[Judged]) -> str | None:
    """The questions no record answers: how many got no result, and how many a note saying
    that no record holds (some of) their words."""
    part = [j for j in judged if j.case.kind == NONE]
    if not part:
        return None
    empty = sum(1 for j in part if j.total == 0)
    said = sum(1 for j in part if says_none(j))
    return (f"{'none':12} {len(part):7}  no result: {empty}; no result or a note that no record "
            f"holds the words: {said}")


def table(judged: list[Judged]) -> str:
    lines = [f"{'':12} {'queries':>7} {'MRR':>6} {'nDCG@10':>8} {'recall@10':>9}"]
    for name, f in breakdown(judged).items():
        lines.append(f"{name:12} {f['queries']:7} {f['mrr']:6.3f} {f['ndcg@10']:8.3f} "
                     f"{f['recall@10']:9.3f}")
    none = unanswerable(judged)
    top = (f"answered in the top {TOP}: {sum(answered(j) for j in judged)} of {len(judged)} "
           "(questions no record answers: by saying so)")
    return "\n".join(lines + ([none] if none else []) + [top])


def report(judged: list[Judged], verbose: bool = False) -> str:
    lines = []
    for j in judged:
        if j.case.kind == NONE:
            if verbose or j.total:
                lines.append(f"{'none':8} found {j.total:>3}  {j.case.label!r:44} notes: {list(j.notes)[:2]}")
            continue
        if verbose or j.rank != 1:
            lines.append(f"{j.case.kind:8} rank {j.rank or '-':>2}  nDCG {j.ndcg:.2f}  "
                         f"{j.case.label!r:44} top: {j.got[:3]}")
    return "\n".join(lines + ([""] if lines else []) + [table(judged)])


def main(argv=None) -> None:
    from indexer.engine.build import build_index
    from indexer.search import KnowledgeBase

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an index already built (default: build one of measures/)")
    parser.add_argument("--cases", type=Path, default=CASES,
                        help="the judged set to run (default: tests/relevance.yaml; the held-out "
                             "set is tests/relevance_heldout.yaml)")
    parser.add_argument("--verbose", action="store_true", help="list every query, not only those not at rank 1")
    parser.add_argument("--lexical", action="store_true",
                        help="rank by BM25 alone, without meaning (indexer/search/hybrid.py)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index
        if index is None:
            index = Path(tmp) / "index"
            build_index(MEASURES, index)
        kb = KnowledgeBase(index, meaning=not args.lexical)
        print(report(judge(kb, load_cases(args.cases)), args.verbose))


if __name__ == "__main__":
    main()
