"""tests/bench/compare.py finds what differs between two runs of the same searches, and only
that: run on the fixture index, then changed on purpose."""

from __future__ import annotations

import copy
import json

import pytest

from tests.bench import compare
from tests.conftest import PROJECT

SEARCHES = [
    {"kind": "word", "q": "customs", "zones": [], "pillars": [], "page": 1},
    {"kind": "extra", "q": "custms", "zones": [], "pillars": [], "page": 1},
    {"kind": "extra", "q": "oil~2", "zones": [], "pillars": [], "page": 1},
    {"kind": "browse", "q": "", "zones": ["zhejiang"], "pillars": [], "page": 1},
    {"kind": "extra", "q": "trade", "zones": ["atlantis"], "pillars": [], "page": 1},
]


@pytest.fixture(scope="module")
def runs(built_index):
    return compare.run_searches(built_index["index"], SEARCHES)


def test_a_run_holds_what_is_compared(runs):
    word, misspelt, fuzzy, browse, unknown_zone = runs
    assert len(word["hits"]) > 1 and all(h["score"] > 0 for h in word["hits"])
    assert word["facets"]["zone"] and word["total"] == len(word["hits"])
    assert misspelt["suggestion"] == "customs" and misspelt["notes"]
    assert fuzzy["notes"] and "oil~2" in fuzzy["notes"][0]
    assert browse["total"] > 0
    assert unknown_zone["error"].startswith("UnknownFilter")


def test_the_same_runs_are_identical_and_a_score_within_the_tolerance_is_the_same(runs):
    again = copy.deepcopy(runs)
    again[0]["hits"][0]["score"] *= 1 + 1e-12
    assert [compare.differences(a, b) for a, b in zip(runs, again)] == [[]] * len(runs)
    assert "| identical | 5 |" in compare.report(SEARCHES, runs, again)


def test_each_deliberate_change_is_found(runs):
    changed = copy.deepcopy(runs)
    hits = changed[0]["hits"]
    hits[0], hits[1] = hits[1], hits[0]
    changed[1]["notes"] = []
    changed[2]["hits"][0]["score"] *= 1 + 1e-6
    changed[3]["facets"]["newfacet"] = {"a": 1}
    changed[3]["facets"]["zone"]["zhejiang"] += 1
    changed[4]["error"] = "BadRequest: no"
    found = [[part for part, _ in compare.differences(a, b)] for a, b in zip(runs, changed)]
    assert found == [["ids"], ["notes"], ["scores"], ["facets added", "facet counts"], ["error"]]
    table = compare.report(SEARCHES, runs, changed, first=1)
    assert "| identical | 0 |" in table and "| differing in facets added | 1 |" in table
    assert "q='customs'" in table and "q='custms'" not in table  # the first only
    assert "only by a facet the head adds" not in table


def test_a_new_facet_alone_is_counted_apart(runs):
    """A merge that adds a facet changes every search by that facet's counts alone: the
    table says how many searches differ by nothing else."""
    changed = copy.deepcopy(runs)
    for result in changed[:4]:
        result["facets"]["region"] = {"east": 1}
    changed[0]["total"] += 1
    table = compare.report(SEARCHES, runs, changed)
    assert "| differing | 4 |" in table
    assert "| differing only by a facet the head adds | 3 |" in table


def test_a_side_runs_the_code_of_its_own_tree(built_index, tmp_path):
    """`--run` refuses a process whose `indexer` is not the commit's checkout, so a side can
    never quietly run this checkout's code instead of its commit's."""
    listed, out = tmp_path / "searches.json", tmp_path / "out.json"
    listed.write_text(json.dumps(SEARCHES[:1]))
    compare.main(["--run", str(built_index["index"]), str(listed), str(out), str(PROJECT)])
    assert json.loads(out.read_text())[0]["hits"]
    with pytest.raises(SystemExit, match="not from"):
        compare.main(["--run", str(built_index["index"]), str(listed), str(out), str(tmp_path)])
