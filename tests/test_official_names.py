"""Official Chinese names first (issue 22): a record's title_zh is the official name where a
source it rests on gives one, `title_zh_source` names that source, and the project's former
rendering stays searchable as `title_zh_alt`."""

from __future__ import annotations

import pytest

from indexer.engine.build import build_index
from indexer.records.catalog import load_catalog
from tests.conftest import fixture_corpus
from tests.helpers import CITED, SOURCE_ID, edit, record, write

RECORD_ID = "test-official-name"
OFFICIAL = "申报无疫放行"  # the official name, as a batch notice would give it
OURS = "外锚地受油船舶入境检疫便利"  # the project's rendering it replaced (no word of OFFICIAL)

# a Chinese official page that names the measure
CITED = CITED.replace("language: en", "language: zh").replace("page.html", "official.html")


def official_record(extra: str, zones: str = "[zhejiang]") -> str:
    return record(title="A measure with an official Chinese name", title_zh=OFFICIAL, zones=zones,
                  extra=extra)


def problems(measures) -> list[str]:
    return [str(p) for p in load_catalog(measures).problems]


def test_a_title_from_a_listed_source_is_clean(measures_copy):
    write(measures_copy / "sources" / "test-official-page.md", CITED)
    write(measures_copy / f"{RECORD_ID}.md", official_record(
        f"see_also: [test-official-page]\ntitle_zh_source: test-official-page\n"
        f"title_zh_alt: [{OURS}]\n"))
    catalog = load_catalog(measures_copy)
    assert catalog.problems == []
    measure = catalog.measures[RECORD_ID]
    assert measure.title_zh_source == "test-official-page" and measure.title_zh_alt == (OURS,)
    # the record's own source counts as listed too
    write(measures_copy / f"{RECORD_ID}.md", official_record(f"title_zh_source: {SOURCE_ID}\n"))
    assert problems(measures_copy) == []


def test_an_unknown_title_source_is_refused_with_path_and_line(measures_copy):
    write(measures_copy / f"{RECORD_ID}.md", official_record(
        "title_zh_source: mofcom-2023-05-11-press-conferense\n"))
    found = problems(measures_copy)
    assert len(found) == 1, found
    assert found[0].startswith(f"measures/{RECORD_ID}.md:10: title_zh_source: unknown source "
                               "'mofcom-2023-05-11-press-conferense'"), found
    assert "mofcom-2023-05-11-press-conference" in found[0]  # the did-you-mean


def test_a_known_source_the_record_does_not_list_is_refused(measures_copy):
    write(measures_copy / "sources" / "test-official-page.md", CITED)
    write(measures_copy / f"{RECORD_ID}.md", official_record("title_zh_source: test-official-page\n"))
    found = problems(measures_copy)
    assert len(found) == 1 and found[0].startswith(
        f"measures/{RECORD_ID}.md:10: title_zh_source: 'test-official-page' is neither a source "
        "of this record"), found


def test_a_source_of_the_records_batch_gives_an_official_name(measures_copy):
    """The batch notice names the item: its source may give the record's title."""
    batch = measures_copy / "batches" / "mofcom-cases-6.yaml"
    edit(batch, "    zones: [tianjin]\n    zones_source: mofcom-2025-09-25-best-practice-cases-6\n",
         "    zones: [tianjin]\n    zones_source: mofcom-2025-09-25-best-practice-cases-6\n"
         f"    record: {RECORD_ID}\n")
    step = ("lineage:\n  - scope: best-practice-case\n    batch: mofcom-cases-6\n    date: 2025\n"
            f"    source: {SOURCE_ID}\n")
    write(measures_copy / f"{RECORD_ID}.md", official_record(
        step + "title_zh_source: mofcom-2025-09-25-best-practice-cases-6\n", zones="[tianjin]"))
    assert problems(measures_copy) == []
    # the same source without the batch step: no longer one of the record's
    write(measures_copy / f"{RECORD_ID}.md", official_record(
        "title_zh_source: mofcom-2025-09-25-best-practice-cases-6\n", zones="[tianjin]"))
    found = problems(measures_copy)
    assert any(f"measures/{RECORD_ID}.md:10: title_zh_source: 'mofcom-2025-09-25-best-practice-"
               "cases-6' is neither" in p for p in found), found


def test_an_official_name_with_a_note_calling_it_ours_is_refused(measures_copy):
    write(measures_copy / f"{RECORD_ID}.md", official_record(
        f"title_zh_source: {SOURCE_ID}\ntitle_zh_note: our translation\n"))
    found = problems(measures_copy)
    assert len(found) == 1 and found[0].startswith(
        f"measures/{RECORD_ID}.md:11: title_zh_note: title_zh_source says"), found


@pytest.mark.parametrize("alt", ["[]", "外锚地", f"[{OURS}, {OURS}]", "[rendering]"])
def test_title_zh_alt_is_a_list_of_chinese_names(measures_copy, alt):
    write(measures_copy / f"{RECORD_ID}.md", official_record(f"title_zh_alt: {alt}\n"))
    found = problems(measures_copy)
    assert len(found) == 1 and found[0].startswith(f"measures/{RECORD_ID}.md:10: title_zh_alt: "), found


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from webapp import create_app

    root = tmp_path_factory.mktemp("official")
    measures = fixture_corpus(root / "measures")
    write(measures / "sources" / "test-official-page.md", CITED)
    write(measures / f"{RECORD_ID}.md", official_record(
        f"see_also: [test-official-page]\ntitle_zh_source: test-official-page\n"
        f"title_zh_alt: [{OURS}]\n"))
    build_index(measures, root / "index")
    app = create_app({"TESTING": True, "MEASURES_DIR": measures, "INDEX_DIR": root / "index"})
    return app.test_client()


@pytest.mark.parametrize("query", [OFFICIAL, OURS])
def test_both_the_official_name_and_our_rendering_find_the_record_first(client, query):
    data = client.get("/api/search", query_string={"q": query}).get_json()
    assert data["results"] and data["results"][0]["id"] == RECORD_ID, data["results"][:3]


def test_the_api_names_the_source_of_the_official_name(client):
    data = client.get(f"/api/measures/{RECORD_ID}").get_json()
    assert data["title_zh"] == OFFICIAL and data["title_zh_note"] is None
    assert data["title_zh_source"] == "test-official-page" and data["title_zh_alt"] == [OURS]
