"""One knowledge base in two languages (issue 13, item 3): the bilingual glossary is data,
checked by `ftz check`, applied at query time, and measured on every pair.

The parity figures (tests/parity.py, on the shipped records) are held as floors here and
must be the ones docs/relevance.md states.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from indexer.engine.build import build_index
from indexer.checks import check_catalog
from indexer.cli import cli
from indexer.errors import ValidationFailed
from tests import parity
from tests.conftest import PROJECT, SHIPPED
from tests.helpers import write

# `python -m tests.parity` on the shipped records: terms, then two-term queries
MEASURED = {"terms": (242, 242, 1.000), "two-term queries": (400, 400, 1.000)}
FLOOR_SHARE = {"terms": 1.0, "two-term queries": 0.99}  # pairs with equal sets
FLOOR_JACCARD = {"terms": 0.999, "two-term queries": 0.99}
MIN_PAIRS = 150


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


# -- the data and its check ----------------------------------------------------------------
def test_the_shipped_glossary_is_large_and_every_pair_is_used():
    catalog = check_catalog(SHIPPED)  # what `ftz check` runs: the analysis data too
    assert catalog.problems == [] and catalog.warnings == []
    assert len(parity.glossary_pairs()) >= MIN_PAIRS
    for english, chinese in parity.glossary_pairs():
        assert re.search("[\u4e00-\u9fff]", chinese) and not re.search("[\u4e00-\u9fff]", english)


def test_check_warns_of_pairs_no_record_uses_without_failing(measures_copy):
    """The fixture corpus (13 records) uses few of the field's terms: `ftz check` names each
    unused pair, with its line, and still passes."""
    out = run("check", "--measures", measures_copy)
    assert out.exit_code == 0 and out.output.startswith("ok: ")
    lines = [line for line in out.output.splitlines() if line.startswith("warning: ")]
    # the fixture records have no Chinese text: each is warned of, apart from the glossary's
    untranslated = [w for w in lines if ": body_zh: no Chinese text" in w]
    assert len(untranslated) == 13
    # nor do they say whose their Chinese titles are (the shipped records all do)
    unattributed = [w for w in lines if ": title_zh: says neither which source" in w]
    assert len(unattributed) == 13
    warnings = [w for w in lines if w not in untranslated + unattributed]
    assert warnings and all(re.match(r"warning: measures/glossary\.yaml:\d+: ", w) for w in warnings)
    assert "warning: measures/glossary.yaml:" in out.output and "'bunkering' or '加注'" in out.output
    assert not any("'cross-border' or '跨境'" in w for w in warnings)  # the fixtures use it


def test_a_broken_pair_is_an_error_that_publishes_nothing(measures_copy, tmp_path):
    path = measures_copy / "glossary.yaml"
    write(path, path.read_text(encoding="utf-8") + "  - [跨境电商, cross-border e-commerce]\n"
                                                   "  - [bonded]\n")
    out = run("check", "--measures", measures_copy)
    assert out.exit_code == 1
    assert re.search(r"measures/glossary\.yaml:\d+: glossary\[\d+\]: '跨境电商' has Chinese; "
                     r"the English term comes first", out.output)
    assert "a pair is [English term, Chinese term]" in out.output
    with pytest.raises(ValidationFailed):
        build_index(measures_copy, tmp_path / "index")


def test_no_glossary_file_is_no_glossary(measures_copy):
    (measures_copy / "glossary.yaml").unlink()
    out = run("check", "--measures", measures_copy)
    assert out.exit_code == 0 and "glossary" not in out.output


def test_a_pair_added_applies_after_an_incremental_index(measures_copy, tmp_path):
    """Only the glossary changed: the build updates the taxonomy document alone, and the
    index it publishes opens and searches with the new pair."""
    from indexer.search import KnowledgeBase
    from tests.helpers import ZHEJIANG_OIL

    build_index(measures_copy, tmp_path / "index")
    kb = KnowledgeBase(tmp_path / "index")
    assert kb.search("储罐").total == 0
    path = measures_copy / "glossary.yaml"
    write(path, path.read_text(encoding="utf-8") + "  - [tank, 储罐]\n")
    assert build_index(measures_copy, tmp_path / "index").mode == "incremental"
    kb.refresh(force=True)
    assert ZHEJIANG_OIL in [h.id for h in kb.search("储罐").hits]
    assert [h.id for h in KnowledgeBase(tmp_path / "index").search("储罐").hits] == \
        [h.id for h in kb.search("tank").hits]


# -- at query time -------------------------------------------------------------------------
def ids(client, q) -> list[str]:
    response = client.get("/api/search", query_string={"q": q, "per_page": 100})
    assert response.status_code == 200
    return [hit["id"] for hit in response.get_json()["results"]]


@pytest.mark.parametrize("english, chinese", [
    ("cross-border", "跨境"), ("bonded", "保税"), ("certificate of origin", "原产地证书"),
    ("customs", "海关"), ("talent", "人才"), ("railway", "铁路"), ("warehouse", "仓库"),
    ("export", "出口"), ("insurance", "保险"), ("headquarters", "总部"),
])
def test_a_chinese_query_finds_what_its_english_finds(client, english, chinese):
    found = ids(client, english)
    assert found and sorted(found) == sorted(ids(client, chinese))


def test_the_issues_queries(client):
    assert len(ids(client, "跨境")) == len(ids(client, "cross-border")) == 3
    assert ids(client, "跨境贸易")  # found nothing before: cross-border + trade
    assert sorted(ids(client, "跨境贸易")) == sorted(ids(client, "cross-border trade"))


def test_a_hit_found_through_the_other_language_says_so(client):
    data = client.get("/api/search", query_string={"q": "跨境"}).get_json()
    explained = [line for hit in data["results"] for line in hit["explanation"]]
    assert any("as a translation of '跨境'" in line for line in explained), explained


def test_glossary_terms_are_found_inside_longer_chinese(client):
    assert sorted(ids(client, "海关人才")) == sorted(ids(client, "customs talent"))


# -- parity on the shipped records ---------------------------------------------------------
def test_parity_holds_its_floors_and_is_the_docs(shipped_kb):
    pairs = parity.glossary_pairs()
    results = {"terms": parity.measure(shipped_kb, pairs),
               "two-term queries": parity.measure(shipped_kb, parity.two_term_queries(shipped_kb, pairs))}
    readme = " ".join((PROJECT / "docs" / "relevance.md").read_text(encoding="utf-8").split())
    for name, result in results.items():
        assert result.share_equal >= FLOOR_SHARE[name], (name, result.unequal[:5])
        assert result.mean_jaccard >= FLOOR_JACCARD[name], name
        measured = MEASURED[name]
        assert (result.pairs, result.equal) == measured[:2], (
            f"{name}: {result.pairs} queries, {result.equal} equal; run python -m tests.parity "
            "and update MEASURED and docs/relevance.md")
        assert round(result.mean_jaccard, 3) >= measured[2]
    pairs_n, equal_n, jaccard = MEASURED["terms"]
    assert (f"{equal_n} of the {pairs_n} glossary pairs" in readme
            and f"mean Jaccard index {jaccard:.3f}" in readme)


def test_explaining_a_translation_reads_no_term_the_search_has_read(kb, monkeypatch):
    # the shown records' explanations share the search's reads: a term's postings are read
    # once per search, not again to say which record matched only through a translation
    from indexer.engine.postings import Postings
    reads = []
    term = Postings.term

    def counted(self, fieldname, text):
        reads.append((fieldname, text))
        return term(self, fieldname, text)

    monkeypatch.setattr(Postings, "term", counted)
    found = kb.search("海关")
    assert any(line for hit in found.hits for line in hit.explanation)  # explained
    assert reads and len(reads) == len(set(reads)), sorted(r for r in set(reads) if reads.count(r) > 1)
