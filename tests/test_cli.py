"""The `ftz` command through click's runner: messages and exit codes a user sees."""

from __future__ import annotations

import json

from click.testing import CliRunner

from indexer.cli import cli
from tests.helpers import ZHEJIANG_OIL, edit


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_check_clean_and_broken(measures_copy):
    ok = run("check", "--measures", measures_copy)
    assert ok.exit_code == 0 and ok.output.startswith("ok: ")
    edit(measures_copy / f"{ZHEJIANG_OIL}.md", "pillar: institutional-innovation", "pillar: logistic")
    bad = run("check", "--measures", measures_copy)
    assert bad.exit_code == 1
    assert f"measures/{ZHEJIANG_OIL}.md:5: pillar: unknown pillar 'logistic' (did you mean 'logistics'?)" in bad.output


def test_index_then_search_json(measures_copy, tmp_path):
    index = tmp_path / "index"
    built = run("index", "--measures", measures_copy, "--index", index)
    assert built.exit_code == 0 and "full build" in built.output
    found = run("search", "bonded oil tank", "--json", "--index", index)
    data = json.loads(found.output)
    assert set(data) >= {"query", "total", "results", "facets", "suggestion"}
    assert data["results"][0]["id"] == ZHEJIANG_OIL
    # the hit of /api/search, citation included, without the site's addresses
    from webapp import create_app

    client = create_app({"TESTING": True, "MEASURES_DIR": measures_copy,
                         "INDEX_DIR": index}).test_client()
    api = client.get("/api/search?q=bonded+oil+tank&per_page=10").get_json()
    assert set(data) == set(api)

    def without_urls(value):
        if isinstance(value, dict):
            return {k: without_urls(v) for k, v in value.items() if k != "url"}
        if isinstance(value, list):
            return [without_urls(v) for v in value]
        return value

    assert without_urls(data["results"]) == without_urls(api["results"])
    assert data["results"][0]["url"] is None and data["results"][0]["source"]["url"] is None
    assert data["results"][0]["quote"] and data["results"][0]["source"]["publisher"]
    text = run("search", "中老铁路", "--index", index)
    assert "china-laos-railway-multimodal-one-order-system" in text.output


def test_environment_variables_choose_the_directories(measures_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("FTZ_MEASURES_DIR", str(measures_copy))
    monkeypatch.setenv("FTZ_INDEX_DIR", str(tmp_path / "envindex"))
    assert run("index").exit_code == 0
    assert (tmp_path / "envindex" / "CURRENT").exists()


def test_unknown_zone_is_one_line_and_exit_2(built_index):
    result = CliRunner().invoke(cli, ["search", "oil", "--zone", "atlantis", "--index",
                                      str(built_index["index"])])
    assert result.exit_code == 2
    assert result.output.strip() == "Error: There is no zone 'atlantis'."
    assert "Traceback" not in result.output


def test_broken_build_exits_1_and_names_the_file(measures_copy, tmp_path):
    edit(measures_copy / f"{ZHEJIANG_OIL}.md", "date: 2023-05-11", "date: 2023-13-01")
    result = run("index", "--measures", measures_copy, "--index", tmp_path / "i")
    assert result.exit_code == 1
    assert f"{ZHEJIANG_OIL}.md:6: date:" in result.output
    assert "nothing was published" in result.output


def test_search_says_when_it_shows_only_some(built_index):
    result = run("search", "", "--limit", "3", "--index", built_index["index"])
    assert "; showing 3 (use --limit for more)" in result.output.splitlines()[0]
    by_name = run("search", "RCEP 原产地", "--zone", "广东", "--index", built_index["index"])
    assert by_name.exit_code == 0 and "guangdong-rcep-paperless-origin-certificates" in by_name.output


def test_search_takes_an_option_for_every_filter_of_the_registry(built_index):
    # --zone, --pillar, --scope, --year ...: indexer/facets.py's filters, each a filter
    from indexer.facets import FACETS, FILTERS
    from indexer.search import KnowledgeBase

    index = built_index["index"]
    helped = run("search", "--help").output
    assert all(f"--{facet.key}" in helped for facet in FILTERS)
    kb = KnowledgeBase(index)
    counts = kb.search(per_page=1).facets
    for facet in FILTERS:
        value = max(counts[facet.key], key=counts[facet.key].get)  # a value some record has
        found = json.loads(run("search", "--json", "--limit", "100", f"--{facet.key}", value,
                               "--index", index).output)
        expected = kb.search(per_page=100, **{facet.plural: [value]})
        assert [h["id"] for h in found["results"]] == [h.id for h in expected.hits]
        assert found["total"] == expected.total == counts[facet.key][value]
    unknown = run("search", "--year", "1899", "--index", index)
    assert unknown.exit_code == 2 and "There is no year '1899'" in unknown.output
    # the help names every facet's prefix, as the registry declares it
    assert all(f"{facet.prefixes[0]}:" in " ".join(helped.split()) for facet in FACETS)


def test_facets_lists_every_facet_of_the_registry_with_its_values_and_counts(built_index):
    from indexer.facets import FACETS
    from indexer.search import KnowledgeBase

    index = built_index["index"]
    listed = json.loads(run("facets", "--json", "--index", index).output)["facets"]
    assert [f["key"] for f in listed] == [f.key for f in FACETS]
    kb = KnowledgeBase(index)
    choices, counts = kb.facet_choices(), kb.search(per_page=1).facets
    for facet, said in zip(FACETS, listed):
        assert said["prefixes"] == list(facet.prefixes) and said["plural"] == facet.plural
        assert [v["id"] for v in said["values"]] == [c["id"] for c in choices[facet.key]]
        if facet.filter:
            assert said["parameter"] == facet.key and said["option"] == f"--{facet.key}"
            assert {v["id"]: v["count"] for v in said["values"]} == {
                c["id"]: counts[facet.key].get(c["id"], 0) for c in choices[facet.key]}
        else:  # the query syntax only: no parameter, no counts
            assert said["parameter"] is None and {v["count"] for v in said["values"]} == {None}
    text = run("facets", "--index", index).output
    for facet in FACETS:
        assert f"\n{facet.key}: {facet.title}" in f"\n{text}" and f"{facet.prefixes[0]}:" in text
    zhejiang = counts["zone"]["zhejiang"]
    assert f"  zhejiang ({zhejiang}): Zhejiang / 浙江" in text
    missing = run("facets", "--index", f"{index}-none")
    assert missing.exit_code != 0 and "Traceback" not in missing.output
