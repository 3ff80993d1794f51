"""Ranking: the relevance set holds its floor, and the ranking rules hold on made-up records."""

from __future__ import annotations

import shutil

import pytest

from indexer.build import build_index
from indexer.search import KnowledgeBase
from tests.conftest import SHIPPED
from tests.helpers import record, write
from tests.relevance import judge, load_cases, summary

# The figures measured when the set was written; ranking may improve, never silently worsen.
MRR_FLOOR = 1.0
RECALL_AT_5_FLOOR = 1.0


def test_relevance_set_is_large_and_varied():
    cases = load_cases()
    assert len(cases) >= 40
    assert {c["kind"] for c in cases} >= {"en", "zh", "mixed", "acronym", "typo"}


def test_relevance_floor(kb):
    judged = judge(kb)
    figures = summary(judged)
    misses = [(j.query, j.got[:3]) for j in judged if j.rank != 1]
    assert figures["mrr"] >= MRR_FLOOR, misses
    assert figures["recall@5"] >= RECALL_AT_5_FLOOR, misses


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
