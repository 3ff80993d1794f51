"""Everyday words (issue 19, item 2): each group of measures/everyday.yaml has its effect.

A small corpus holds, for every group, one record with only the group's last term; a query
for the group's first term finds it as a match of the whole query, and in the same corpus
indexed without everyday.yaml finds it at most as a partial match or through a spelling
correction (so the group, not a shared stem, is what finds it). `ftz check`
validates the file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from indexer.engine.build import build_index
from indexer.cli import cli
from indexer.search import KnowledgeBase
from tests.conftest import SHIPPED, fixture_corpus
from tests.helpers import record, write

GROUPS = yaml.safe_load((SHIPPED / "everyday.yaml").read_text(encoding="utf-8"))["everyday"]


def _slug(i: int) -> str:
    return f"zzeveryday-{i:03d}"


def _corpus(root: Path, with_everyday: bool) -> KnowledgeBase:
    measures = fixture_corpus(root / "measures")
    if not with_everyday:
        (measures / "everyday.yaml").unlink()
    for i, group in enumerate(GROUPS):
        write(measures / f"{_slug(i)}.md",
              record(title=f"Record number {i}", body=f"A measure on {group[-1]} only."))
    build_index(measures, root / "index")
    return KnowledgeBase(root / "index")


@pytest.fixture(scope="module")
def everyday(tmp_path_factory):
    kb = _corpus(tmp_path_factory.mktemp("everyday"), True)
    yield kb
    kb.close()


@pytest.fixture(scope="module")
def without(tmp_path_factory):
    kb = _corpus(tmp_path_factory.mktemp("no-everyday"), False)
    yield kb
    kb.close()


def test_the_file_has_at_least_a_hundred_groups():
    assert len(GROUPS) >= 100
    # the issue's own examples are among them
    terms = {t for g in GROUPS for t in g}
    for word in ("firm", "company", "enterprise", "business", "permit", "licence", "license",
                 "approval", "fast", "quick", "expedited", "speed up", "fresh", "perishable",
                 "refuel", "bunkering", "dangerous", "hazardous", "car", "vehicle", "building",
                 "construction", "rules", "regulations", "research", "r&d", "centre", "center"):
        assert word in terms, word


def _ids(result) -> set[str]:
    return {h.id for h in result.hits}


@pytest.mark.parametrize("i", range(len(GROUPS)), ids=lambda i: " = ".join(GROUPS[i][::len(GROUPS[i]) - 1]))
def test_a_groups_first_term_finds_the_record_of_its_last(everyday, without, i):
    first, last = GROUPS[i][0], GROUPS[i][-1]
    found = everyday.search(first, per_page=100)
    assert _slug(i) in _ids(found), (first, last, found.messages())
    assert not found.relaxed and not found.corrected_from
    # without the group, the record is at most a partial match or a spelling's
    alone = without.search(first, per_page=100)
    assert (_slug(i) not in _ids(alone) or alone.relaxed or alone.corrected_from), \
        f"{first!r} finds {last!r} without the group"


def _check(root: Path) -> str:
    out = CliRunner().invoke(cli, ["check", "--measures", str(root)])
    return out.output + (str(out.exception) if out.exception else "")


def test_check_reports_a_bad_group(tmp_path):
    measures = fixture_corpus(tmp_path / "measures")
    path = measures / "everyday.yaml"
    path.write_text("everyday:\n  - [firm, company]\n  - [lorry]\n  - [company, business]\n"
                    "  - [permits, permit]\n  - [the, firmament]\n", encoding="utf-8")
    output = _check(measures)
    assert re.search(r"everyday.yaml:3: everyday\[1\]: a group is a list of two or more terms", output), output
    assert "'company' (also line 2) is listed twice" in output
    assert "reads every term of this group as the same word already" in output
    assert "only very common words" in output
    path.write_text("everyday:\n  - [firm, company]\n", encoding="utf-8")
    assert "ok:" in _check(measures)


def test_the_shipped_file_passes_the_check():
    assert "ok:" in _check(SHIPPED)


@pytest.mark.parametrize("query, first", [
    ("Hong Kong-owned tour operators licensed locally", "hong-kong-macao-travel-agency-approval-delegated"),
    ("merging cargo lists for rail shipments", "shaanxi-railway-manifest-consolidation"),
    ("ships can clear out while still refuelling", "zhejiang-zhoushan-large-small-vessel-split-supervision"),
])
def test_a_readers_plain_words_find_the_shipped_record_first(shipped_kb, query, first):
    # the groups added for the second development batch (tests/relevance_dev2.yaml): a reader's
    # words ("tour operator", "cargo list", "clear out") reach the record
    # that only uses the field's term, as its first hit
    found = shipped_kb.search(query)
    assert found.hits and found.hits[0].id == first, [h.id for h in found.hits[:3]]
