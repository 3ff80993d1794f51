"""Do two commits give the same results? 209 searches on indexes each commit's code builds.

    python -m tests.bench.compare --base A --head B                 # 10,000 records, other
    python -m tests.bench.compare --base A --head B --records 2000 --profile policy

Generates the corpus once (tests/bench/generate.py of this checkout, so both commits read the
same files), then for each commit: checks it out into a temporary git worktree, builds an index
with that commit's `ftz index` and runs the searches through that commit's facade
(`KnowledgeBase(...).search(q, zones, pillars)`, of `indexer.search.facade` or before issue 20
of `indexer/search.py`: the same call throughout), each in a process of this interpreter whose PYTHONPATH is the commit's checkout (the
packages are this environment's). The 209 searches: the benchmark's 200 (tests/bench/queries.py,
the profile's mix, facets on) and EXTRA, nine more that reach what the mix does not: a
correction, syntax taken off with a note, prefixes and OR, NOT, field prefixes, relaxation with
a zone named, two malformed queries and a second page.

Compared, per search: the error (if any), the total, the hits (ids in order; scores to 1e-9
relative; snippets; explanations; matched words), the facets (a facet only one side has is
counted apart: a new facet is an intended difference), every note in English
(`messages()`), the suggestion, the correction, the relaxation and the words unmatched.
Prints a table of searches identical / differing per part, then the first differences.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SCORE_TOLERANCE = 1e-9  # relative

# (query, zones, pillars, page): nine searches beyond the mix, for the paths it does not reach
EXTRA = [
    ("custms clearence", [], [], 1),               # misspelt: a correction or "did you mean"
    ("oil~2 tank^5", [], [], 1),                     # syntax taken off, with a note
    ("rail* OR 铁路", [], [], 1),                    # a prefix, OR, Chinese
    ("oil NOT gas", [], [], 1),
    ('zone:zhejiang pillar:logistics title:"negative list"', [], [], 1),
    ("Hainan zero tariff refinery", [], [], 1),      # relaxed, a zone named
    ('"negative list', [], [], 1),                   # malformed: an unclosed quote
    ("((trade AND", [], [], 1),                      # malformed: unclosed brackets
    ("investment", [], [], 2),                       # a second page
]

# What a search gives, as plain data, read through the facade of whichever commit runs it.
# Only attributes every commit since before issue 20 has are read; a missing one is None.
_RESULT_PARTS = ("total", "facets", "suggestion", "corrected_from", "relaxed",
                 "unmatched_words", "zones_without_records")
_HIT_PARTS = ("id", "score", "snippet", "explanation", "matched_words")


def run_searches(index: Path, searches: list[dict]) -> list[dict]:
    """Each search's result as plain data (see _RESULT_PARTS and _HIT_PARTS), or its error.
    Imports the facade of whatever `indexer` is on sys.path."""
    from indexer.errors import FtzError
    try:  # the facade's module since the indexer went into rooms (issue 20)
        from indexer.search.facade import KnowledgeBase
    except ModuleNotFoundError:  # before: indexer/search.py
        from indexer.search import KnowledgeBase

    kb = KnowledgeBase(Path(index), time_budget=None)
    out = []
    for item in searches:
        try:
            result = kb.search(item["q"], item["zones"], item["pillars"], page=item.get("page", 1))
        except FtzError as error:
            out.append({"error": f"{type(error).__name__}: {error}"})
            continue
        data = {part: getattr(result, part, None) for part in _RESULT_PARTS}
        data["notes"] = [str(note) for note in result.messages()]
        data["hits"] = [{part: getattr(hit, part, None) for part in _HIT_PARTS}
                        for hit in result.hits]
        out.append(json.loads(json.dumps(data, default=list)))
    kb.close()
    return out


def the_searches(measures: Path, profile: str) -> list[dict]:
    from indexer.errors import Report
    from indexer.records.taxonomy import load_taxonomy

    from .queries import query_mix

    taxonomy = load_taxonomy(measures, Report(measures))
    mix = query_mix(list(taxonomy.zones), list(taxonomy.pillars), profile=profile)
    extra = [{"kind": "extra", "q": q, "zones": zones, "pillars": pillars, "page": page}
             for q, zones, pillars, page in EXTRA]
    return [dict(item, page=1) for item in mix] + extra


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= SCORE_TOLERANCE * max(abs(a), abs(b))


def differences(base: dict, head: dict) -> list[tuple[str, str]]:
    """What differs between one search's two results: (part, description) pairs; none when
    they are the same (scores within SCORE_TOLERANCE)."""
    if "error" in base or "error" in head:
        if base.get("error") != head.get("error"):
            return [("error", f"{base.get('error')!r} -> {head.get('error')!r}")]
        return []
    out = []
    ids_a, ids_b = [h["id"] for h in base["hits"]], [h["id"] for h in head["hits"]]
    if ids_a != ids_b:
        at = next((i for i, (x, y) in enumerate(zip(ids_a, ids_b)) if x != y),
                  min(len(ids_a), len(ids_b)))
        out.append(("ids", f"from hit {at + 1}: {ids_a[at:at + 3]} -> {ids_b[at:at + 3]}"))
    same_place = [(a, b) for a, b in zip(base["hits"], head["hits"]) if a["id"] == b["id"]]
    for part in ("score", "snippet", "explanation", "matched_words"):
        for a, b in same_place:
            if not (_close(a[part], b[part]) if part == "score" else a[part] == b[part]):
                out.append((part + "s", f"{a['id']}: {a[part]!r} -> {b[part]!r}"))
                break
    facets_a, facets_b = base["facets"] or {}, head["facets"] or {}
    added = sorted(set(facets_b) - set(facets_a))
    removed = sorted(set(facets_a) - set(facets_b))
    if added:
        out.append(("facets added", ", ".join(added)))
    if removed:
        out.append(("facets removed", ", ".join(removed)))
    for key in sorted(set(facets_a) & set(facets_b)):
        if facets_a[key] != facets_b[key]:
            changed = sorted(v for v in set(facets_a[key]) | set(facets_b[key])
                             if facets_a[key].get(v) != facets_b[key].get(v))
            out.append(("facet counts", f"{key}: " + ", ".join(
                f"{v} {facets_a[key].get(v)} -> {facets_b[key].get(v)}" for v in changed[:3])))
    for part in ("total", "notes", "suggestion", "corrected_from", "relaxed", "unmatched_words",
                 "zones_without_records"):
        if base[part] != head[part]:
            out.append((part, f"{base[part]!r} -> {head[part]!r}"))
    return out


PARTS = ("error", "total", "ids", "scores", "snippets", "explanations", "matched_wordss",
         "facet counts", "facets added", "facets removed", "notes", "suggestion",
         "corrected_from", "relaxed", "unmatched_words", "zones_without_records")


def report(searches: list[dict], base: list[dict], head: list[dict], first: int = 5) -> str:
    """The table: searches identical and differing, how many differ in each part, and the
    first `first` differing searches with what differs."""
    found = [differences(a, b) for a, b in zip(base, head)]
    differing = [i for i, diffs in enumerate(found) if diffs]
    lines = [f"| searches | {len(searches)} |", "|---|---|",
             f"| identical | {len(searches) - len(differing)} |",
             f"| differing | {len(differing)} |"]
    added_only = sum(bool(diffs) and all(p == "facets added" for p, _ in diffs) for diffs in found)
    if added_only:
        lines.append(f"| differing only by a facet the head adds | {added_only} |")
    for part in PARTS:
        count = sum(any(p == part for p, _ in diffs) for diffs in found)
        if count:
            lines.append(f"| differing in {part.replace('wordss', 'words')} | {count} |")
    for i in differing[:first]:
        item = searches[i]
        lines.append(f"- search {i + 1} ({item['kind']}) q={item['q']!r} zones={item['zones']} "
                     f"pillars={item['pillars']} page={item.get('page', 1)}:")
        lines.extend(f"    {part.replace('wordss', 'words')}: {text[:300]}"
                     for part, text in found[i])
    return "\n".join(lines)


def _side(commit: str, measures: Path, work: Path, searches: Path) -> list[dict]:
    """Build the index with `commit`'s code and run the searches with it."""
    tree = work / f"tree-{commit[:10]}"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "--quiet", str(tree),
                    commit], check=True)
    try:
        env = {**os.environ, "PYTHONPATH": str(tree)}
        index, out = work / f"index-{commit[:10]}", work / f"results-{commit[:10]}.json"
        started = time.perf_counter()
        subprocess.run([PYTHON, "-c", "from webapp.cli import main; main()", "index",
                        "--measures", str(measures), "--index", str(index)],
                       cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL)
        built = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run([PYTHON, __file__, "--run", str(index), str(searches), str(out),
                        str(tree)], cwd=tree, env=env, check=True)
        print(f"{commit[:10]}: built in {built:.1f} s, searched in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        return json.loads(out.read_text())
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)],
                       check=True)


def compare(base: str, head: str, records: int, profile: str, first: int = 5) -> str:
    from .generate import generate

    base_sha, head_sha = (subprocess.run(["git", "-C", str(REPO), "rev-parse", "--verify",
                                          f"{c}^{{commit}}"], check=True, capture_output=True,
                                         text=True).stdout.strip() for c in (base, head))
    with tempfile.TemporaryDirectory(prefix="ftz-compare-") as tmp:
        work = Path(tmp)
        measures = generate(records, work / "measures", profile)
        searches = the_searches(measures, profile)
        listed = work / "searches.json"
        listed.write_text(json.dumps(searches, ensure_ascii=False))
        results = [_side(sha, measures, work, listed) for sha in (base_sha, head_sha)]
    return (f"{base} ({base_sha[:7]}) -> {head} ({head_sha[:7]}), {records:,} records of the "
            f"{profile} profile\n" + report(searches, *results, first=first))


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--run"]:  # one side's searches, in the process of its commit's code
        index, searches, out, tree = argv[1:5]
        import indexer
        if not Path(indexer.__file__).resolve().is_relative_to(Path(tree).resolve()):
            raise SystemExit(f"indexer imported from {indexer.__file__}, not from {tree}")
        results = run_searches(Path(index), json.loads(Path(searches).read_text()))
        Path(out).write_text(json.dumps(results, ensure_ascii=False))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="a commit, branch or tag")
    parser.add_argument("--head", required=True, help="a commit, branch or tag")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--profile", default="other", choices=("policy", "other"))
    parser.add_argument("--first", type=int, default=5, help="differing searches to show")
    args = parser.parse_args(argv)
    print(compare(args.base, args.head, args.records, args.profile, args.first), flush=True)


if __name__ == "__main__":
    main()
