"""Ranking: the judged set holds its figures on the shipped corpus, and the ranking rules hold on made-up records."""

from __future__ import annotations

import shutil

import pytest

from indexer.engine.build import build_index
from indexer.search import KnowledgeBase
from tests.conftest import SHIPPED
from tests.helpers import record, shipped_zone_ids, write
from tests.relevance import (HERE, KINDS, NONE, TOP, Case, Judged, answered, answered_by_new_records,
                             breakdown, first_records, has_chinese, judge, load_cases)

# Figures measured by `python -m tests.relevance` on the shipped corpus (158 records, 241
# queries), the first run after the set was re-judged on the grown corpus (issue 18; it prints
# this table; on the 76 records the figures were MRR 1.000, nDCG@10 0.952, recall@10 0.994). The engine is
# deterministic, so on an unchanged corpus these are exact. The margins leave room for
# records added to measures/ (a new record can rightly push a judged answer down a place,
# which costs 0.5/241 = 0.002 of overall MRR), not for a ranking change: overall, 0.01 is
# two to five queries losing a place; per kind, 0.05 is about one query of the smallest
# kinds (10-17 queries) falling from rank 1 to 2. A change that moves more than that fails,
# and the report names the queries. Raise a floor when ranking improves; never lower one
# without re-judging the queries that moved (tests/relevance.yaml, protocol at its top).
# What the set guards: synonyms, typo correction, Chinese and mixed analysis, filters
# (without synonyms or typo correction these tests fail). What it hardly sees: the order
# among few matches (most queries match 1-3 records; flattening the title and tag boosts
# moved nDCG@10 by under 0.01), which the ranking-rule tests below hold instead.
MEASURED = {
    "all": {"mrr": 0.997, "ndcg@10": 0.956, "recall@10": 0.992},
    "new records": {"mrr": 0.997, "ndcg@10": 0.957, "recall@10": 0.990},
    "en": {"mrr": 1.000, "ndcg@10": 0.929, "recall@10": 0.992},
    "zh": {"mrr": 1.000, "ndcg@10": 0.980, "recall@10": 1.000},
    "mixed": {"mrr": 1.000, "ndcg@10": 0.939, "recall@10": 1.000},
    "acronym": {"mrr": 1.000, "ndcg@10": 0.971, "recall@10": 1.000},
    "typo": {"mrr": 1.000, "ndcg@10": 0.979, "recall@10": 1.000},
    "syntax": {"mrr": 1.000, "ndcg@10": 0.955, "recall@10": 1.000},  # was 0.953; raised by the synonym weights
    "zone": {"mrr": 1.000, "ndcg@10": 1.000, "recall@10": 0.985},
    "lineage": {"mrr": 0.956, "ndcg@10": 0.946, "recall@10": 0.931},
}
# Raised (issue 13) from MRR 0.945, nDCG@10 0.894, recall@10 0.938 overall: words left out when
# no record holds them all, the bilingual glossary, acronyms, lineage words indexed, tag: and
# title:"..." fixed. On the 227 queries the assessor's findings did not name, MRR stayed 1.000
# and nDCG@10 went from 0.942 to 0.953: the gain is not only on the queries fixed by name.
MARGIN_ALL = 0.01
MARGIN_PART = 0.05
LARGE_GROUPS = {"all", "new records"}


@pytest.fixture(scope="module")
def judged(shipped_kb):
    return judge(shipped_kb)


def test_judged_set_is_large_varied_and_mostly_on_new_records():
    cases = load_cases()
    first = first_records()
    assert len(cases) >= 120
    assert sum(answered_by_new_records(c, first) for c in cases) >= 40
    assert {c.kind for c in cases} == set(KINDS) - {"traditional"}  # the held-out set has those
    assert len({(c.query, c.zones) for c in cases}) == len(cases), "a query judged twice"


def test_every_judged_record_exists_and_has_one_grade():
    records, zones = {p.stem for p in SHIPPED.glob("*.md")}, set(shipped_zone_ids())
    for case in load_cases():
        assert case.expect, case.query
        assert not set(case.expect) & set(case.related), case.query
        assert not set(case.expect + case.related) - records, case.query  # a typo, or a record gone
        assert not set(case.zones) - zones, case.query


# The Chinese researcher's set (tests/relevance_zh_researcher.yaml, issue 22), written and
# committed before the engine ran on it. Measured by `python -m tests.relevance --cases
# tests/relevance_zh_researcher.yaml` on the shipped corpus (168 records, 75 queries): 73
# answered in the top 3 before zones were read by their official names (issue 22, item 4), 74
# after; the one left is 海南买免税品一年能买多少 (the relaxed search keeps 一年, its rarest word,
# over 海南). The target is 48 of 55 (87%). The margin of 2 leaves room for records
# added to measures/ that rightly push an answer out of the top 3, not for a ranking change.
RESEARCHER = HERE / "relevance_zh_researcher.yaml"
RESEARCHER_TOP3 = 74
RESEARCHER_MARGIN = 2


def test_researcher_set_is_chinese_and_large():
    cases = load_cases(RESEARCHER)
    assert len(cases) >= 55 and all(has_chinese(c.query) for c in cases)
    assert {"zh", "traditional", "zone", NONE} <= {c.kind for c in cases}


def test_chinese_researcher_searches_are_answered_in_the_top_3(shipped_kb):
    judged = judge(shipped_kb, load_cases(RESEARCHER))
    missed = [(j.case.label, j.rank, j.got[:TOP]) for j in judged if not answered(j)]
    assert len(judged) - len(missed) >= RESEARCHER_TOP3 - RESEARCHER_MARGIN, missed


@pytest.mark.parametrize("name", ["relevance_heldout.yaml", "relevance_heldout_r3.yaml", "relevance_heldout_r4.yaml",
                                  "relevance_heldout_r5.yaml", "relevance_heldout_r6.yaml",
                                  "relevance_heldout_r7.yaml", "relevance_heldout_r8.yaml", "relevance_heldout_r9.yaml",
                                  "relevance_zh_researcher.yaml", "relevance_dev.yaml",
                                  "relevance_dev2.yaml"])
def test_held_out_set_is_valid(name):
    # Validity only for the held-out set, never a score floor: it (tests/relevance_heldout.yaml)
    # must not become a tuning target. Run it with `python -m tests.relevance --cases ...`.
    cases = load_cases(HERE / name)
    records, zones = {p.stem for p in SHIPPED.glob("*.md")}, set(shipped_zone_ids())
    assert len({(c.query, c.zones) for c in cases}) == len(cases), "a query judged twice"
    for case in cases:
        assert case.kind in (*KINDS, NONE), case.query
        assert bool(case.expect) == (case.kind != NONE), case.query  # a question no record answers has none
        assert not set(case.expect) & set(case.related), case.query
        assert not set(case.expect + case.related) - records, case.query  # a typo, or a record gone
        assert not set(case.zones) - zones, case.query


@pytest.mark.parametrize("group", list(MEASURED))
def test_relevance_holds_its_measured_figures(judged, group):
    figures = breakdown(judged)[group]
    margin = MARGIN_ALL if group in LARGE_GROUPS else MARGIN_PART
    in_group = [j for j in judged if group in LARGE_GROUPS or j.case.kind == group]
    worst = [(j.case.label, j.rank, j.got[:3]) for j in in_group if j.rank != 1]
    for metric, measured in MEASURED[group].items():
        assert figures[metric] >= measured - margin, (group, metric, figures[metric], worst)


def test_metrics_on_a_ranking_worked_by_hand():
    case = Case("q", "en", expect=("a", "b"), related=("c",))
    # c (grade 1, gain 1) at rank 1, a (grade 2, gain 3) at rank 2, b not on the page
    j = Judged(case, ["c", "a", "x"])
    assert j.rank == 2 and j.reciprocal_rank == 0.5
    assert j.recall == 0.5
    log2_3 = 1.584962500721156
    ideal = 3 / 1 + 3 / log2_3 + 1 / 2  # a, b, c in the best order
    assert j.ndcg == pytest.approx((1 / 1 + 3 / log2_3) / ideal)  # 0.536
    assert Judged(case, ["a", "b", "c"]).ndcg == pytest.approx(1.0)
    assert Judged(case, ["b", "a", "x", "c"]).ndcg < 1.0  # c below a grade-0 record
    assert Judged(case, ["x"]).ndcg == 0.0 and Judged(case, ["x"]).reciprocal_rank == 0.0


@pytest.fixture(scope="module")
def ranking_kb(tmp_path_factory):
    root = tmp_path_factory.mktemp("ranking")
    measures = root / "measures"
    measures.mkdir()
    for name in ("zones.yaml", "pillars.yaml", "dictionary.txt", "synonyms.yaml"):
        shutil.copy(SHIPPED / name, measures / name)
    shutil.copytree(SHIPPED / "sources", measures / "sources")
    made = {
        "in-title": record(title="Lighthouse programme", body="Nothing else here."),
        "in-tags": record(title="Harbour programme", tags="[lighthouse, harbour]", body="Plain text."),
        "in-body": record(title="Coast programme", body="A lighthouse is mentioned once in the body."),
        "adjacent": record(title="Quay one", body="The zebra crossing rules apply to the quay."),
        "apart": record(title="Quay two", body="The zebra walked a long way to the crossing."),
        "older": record(title="Walrus pilot", date="2021-01-01", body="Same words."),
        "newer": record(title="Walrus pilot", date="2022-01-01", body="Same words."),
    }
    for name, text in made.items():
        write(measures / f"{name}.md", text)
    build_index(measures, root / "index")
    return KnowledgeBase(root / "index")


def ids(kb, query):
    return [h.id for h in kb.search(query).hits]


def test_title_above_tags_above_body(ranking_kb):
    assert ids(ranking_kb, "lighthouse") == ["in-title", "in-tags", "in-body"]


def test_words_together_come_first(ranking_kb):
    assert ids(ranking_kb, "zebra crossing") == ["adjacent", "apart"]


def test_equal_scores_newest_first(ranking_kb):
    assert ids(ranking_kb, "walrus") == ["newer", "older"]
