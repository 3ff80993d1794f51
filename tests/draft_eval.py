"""Measure the drafter on a source whose measures are known: zones, pillars, spurious drafts.

    python -m tests.draft_eval                       # the shipped source, the test sources and
                                                     # the held-out briefings
    python -m tests.draft_eval SOURCE.md TRUTH.yaml  # any held source with its truth file
                                                     # (SOURCE.txt: a bare text, held)
    python -m tests.draft_eval --wording-only        # every pillar from the wording model

A truth file lists the measures an editor would draft, each with `anchor` (words of the
measure inside its passage), `quote` (its sentence) or `record` (the record it repeats),
`zones`, `pillar` and optionally `duplicate_of`. A draft matches the truth measure whose
anchor lies in its passage (or, failing that, its quote), or whose quote is its quote, one
to one; drafts matching none are spurious.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from indexer.records.catalog import load_catalog
from indexer.drafting.draft import Draft, Drafter
from indexer.records.fields import squash
from indexer.drafting.pillar_model import PillarModel, record_text

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "tests" / "fixtures" / "drafting"
HELDOUT = FIXTURES / "heldout"  # briefings written by others, with their truth files
SHIPPED_SOURCE = "mofcom-2023-05-11-press-conference"


@dataclass
class Figures:
    source: str
    truth: int = 0
    drafts: int = 0
    matched: int = 0
    spurious: int = 0
    zone_sets_right: int = 0
    zones_tp: int = 0
    zones_predicted: int = 0
    zones_true: int = 0
    pillars_right: int = 0
    duplicates_right: int = 0
    duplicates_true: int = 0
    duplicates_false: int = 0  # drafts marked as repeating a record when they do not
    verbatim: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def zone_precision(self) -> float:
        return self.zones_tp / self.zones_predicted if self.zones_predicted else 1.0

    @property
    def zone_recall(self) -> float:
        return self.zones_tp / self.zones_true if self.zones_true else 1.0

    def row(self) -> str:
        return (f"| {self.source} | {self.truth} | {self.drafts} | {self.matched} | {self.spurious} "
                f"| {self.zone_precision:.2f} | {self.zone_recall:.2f} "
                f"| {self.zone_sets_right}/{self.truth} | {self.pillars_right}/{self.truth} "
                f"| {self.duplicates_right}/{self.duplicates_true} | {self.duplicates_false} "
                f"| {self.verbatim}/{self.drafts} |")


HEADER = ("| source | measures | drafts | matched | spurious | zone precision | zone recall "
          "| zone set right | pillar right | duplicates found | false duplicates | quotes verbatim |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def truth_of_records(measures_dir: Path, source_id: str) -> list[dict]:
    """The records on a source, as the truth for re-drafting it."""
    catalog = load_catalog(measures_dir)
    return [{"record": m.id, "zones": list(m.zones), "pillar": m.pillar, "duplicate_of": m.id}
            for m in catalog.measures.values() if m.source == source_id]


def _matches(d: Draft, t: dict) -> int:
    """How well a draft matches a truth measure: 2 in its own passage, 1 in its quote."""
    if "record" in t:
        return 2 if d.duplicate_of == t["record"] else 0
    if "quote" in t:  # a truth file that gives each measure's sentence
        mine, theirs = squash(d.quote).lower(), squash(t["quote"]).lower()
        return 2 if mine == theirs else 1 if (mine in theirs or theirs in mine) else 0
    anchor = " ".join(t["anchor"].lower().split())
    if anchor in " ".join(f"{d.passage} {d.title or ''}".lower().split()):
        return 2
    return 1 if anchor in " ".join(d.quote.lower().split()) else 0


def evaluate(drafts: list[Draft], truth: list[dict], source_text: str, name: str) -> Figures:
    fig = Figures(name, truth=len(truth), drafts=len(drafts))
    text = squash(source_text)
    fig.verbatim = sum(1 for d in drafts if squash(d.quote) in text)
    # best matches first; among equals, the earlier draft (the first clause of a sentence)
    pairs = sorted(((-_matches(d, t), i, j) for i, d in enumerate(drafts) for j, t in enumerate(truth)))
    used_d, used_t, match = set(), set(), {}
    for score, i, j in pairs:
        score = -score
        if score and i not in used_d and j not in used_t:
            used_d.add(i)
            used_t.add(j)
            match[j] = drafts[i]
    fig.matched = len(match)
    fig.spurious = len(drafts) - len(match)
    for j, t in enumerate(truth):
        true_zones = set(t.get("zones") or [])
        fig.zones_true += len(true_zones)
        fig.duplicates_true += bool(t.get("duplicate_of"))
        d = match.get(j)
        label = t.get("anchor") or t.get("record") or t["quote"][:60]
        if d is None:
            fig.misses.append(f"missed: {label}")
            continue
        got = set(d.zones)
        fig.zones_predicted += len(got)
        fig.zones_tp += len(got & true_zones)
        fig.zone_sets_right += got == true_zones
        fig.pillars_right += d.pillar == t["pillar"]
        fig.duplicates_right += bool(t.get("duplicate_of")) and d.duplicate_of == t.get("duplicate_of")
        fig.duplicates_false += bool(d.duplicate_of) and d.duplicate_of != t.get("duplicate_of")
        if got != true_zones:
            fig.misses.append(f"zones of {label}: {sorted(got)} instead of {sorted(true_zones)}")
        if d.pillar != t["pillar"]:
            fig.misses.append(f"pillar of {label}: {d.pillar} instead of {t['pillar']}")
    for i, d in enumerate(drafts):
        if i not in used_d:
            fig.misses.append(f"spurious: {d.title or d.title_zh!r} {d.zones} ({d.passage[:60]!r})")
            fig.duplicates_false += bool(d.duplicate_of)
    return fig


def run(source_file: Path, truth: list[dict] | None, measures: Path | None = None,
        use_parts: bool = True) -> Figures:
    """Draft a source file in a copy of the shipped measures and measure the drafts."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "measures"
        shutil.copytree(measures or PROJECT / "measures", root,
                        ignore=shutil.ignore_patterns("drafts"))
        target = root / "sources" / f"{source_file.stem}.md"
        if source_file.suffix == ".txt":  # a bare text: held, with a front matter of our own
            target.write_text(TXT_FRONT_MATTER + source_file.read_text(encoding="utf-8"), encoding="utf-8")
        elif not target.exists():
            shutil.copy(source_file, target)
        if truth is None:
            truth = truth_of_records(root, source_file.stem)
        proposal = Drafter(root, use_parts=use_parts).propose(source_file.stem)
        source_text = load_catalog(root).taxonomy.sources[source_file.stem].text
        return evaluate(proposal.drafts, truth, source_text, source_file.stem)


TXT_FRONT_MATTER = ("---\nkind: held\ntitle: A text given for evaluation\npublisher: unknown\npublisher_zh: 不详\n"
                    "date: 2024-01-01\nlanguage: en\n---\n")


def load_truth(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["measures"]


def standard(use_parts: bool = True) -> list[Figures]:
    figures = [run(PROJECT / "measures" / "sources" / f"{SHIPPED_SOURCE}.md", None, use_parts=use_parts)]
    for source in sorted((FIXTURES / "sources").glob("*.md")):
        figures.append(run(source, load_truth(FIXTURES / "truth" / f"{source.stem}.yaml"),
                           use_parts=use_parts))
    for source in sorted(HELDOUT.glob("*.txt")):
        figures.append(run(source, load_truth(source.with_suffix(".yaml")), use_parts=use_parts))
    return figures


def leave_one_out(measures: Path | None = None) -> tuple[int, int]:
    """The wording model alone on the records: each record's pillar guessed from its title,
    tags and body by a model trained on all the other records."""
    catalog = load_catalog(measures or PROJECT / "measures")
    records = list(catalog.measures.values())
    right = 0
    for m in records:
        model = PillarModel(catalog.taxonomy.pillars, [r for r in records if r.id != m.id])
        right += model.classify(record_text(m)).pillar == m.pillar
    return right, len(records)


def main(argv: list[str]) -> int:
    wording = "--wording-only" in argv
    argv = [a for a in argv if a != "--wording-only"]
    if len(argv) == 2:
        figures = [run(Path(argv[0]), load_truth(Path(argv[1])), use_parts=not wording)]
    else:
        figures = standard(use_parts=not wording)
    print(HEADER)
    for fig in figures:
        print(fig.row())
    for fig in figures:
        for miss in fig.misses:
            print(f"{fig.source}: {miss}")
    if not argv:
        right, total = leave_one_out()
        print(f"\nwording model, leave one record out: {right}/{total} pillars right")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
