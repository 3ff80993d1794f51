"""The replication register as data: `ftz check` (and a build) refuse an unknown batch, a batch
listing more items than it states, and a record and an item that point at each other
inconsistently; each problem is reported as path:line: field: message."""

from __future__ import annotations

import shutil

import pytest

from indexer.engine.build import build_index
from indexer.records.catalog import load_catalog
from indexer.errors import ValidationFailed
from indexer.records.lineage_text import batch_words
from tests.helpers import SOURCE_ID, ZHEJIANG_OIL, edit, write

BATCH = f"""id: state-council-7
issuer: state-council
number: 7
title: Test notice on the seventh batch
title_zh: 国务院关于做好第七批改革试点经验复制推广工作的通知
document_number: 国函〔2023〕56号
date: 2023-07
items_stated: 3
items_stated_source: {SOURCE_ID}
source: {SOURCE_ID}
items:
  - name_zh: 保税油品同罐共储
    name_en: Bonded and non-bonded oil in one tank
    field: 投资贸易便利化
    scope: nationwide
    zones: [zhejiang]
    zones_source: {SOURCE_ID}
    record: {ZHEJIANG_OIL}
  - name_zh: 另一项改革
    name_en: Another reform
    field: financial-opening
    scope: areas
    areas_zh: 自贸试验区
"""
STEP = f"""lineage:
  - scope: national
    batch: state-council-7
    date: 2023-07
    source: {SOURCE_ID}
"""


@pytest.fixture
def register(measures_copy):
    """The fixture corpus with one batch whose first item is the Zhejiang oil record, and that
    record's step naming the batch: consistent, no problem."""
    shutil.rmtree(measures_copy / "batches", ignore_errors=True)
    (measures_copy / "batches").mkdir()
    write(measures_copy / "batches" / "state-council-7.yaml", BATCH)
    edit(measures_copy / f"{ZHEJIANG_OIL}.md", "quote: >-", STEP + "quote: >-")
    return measures_copy


def problems(measures) -> list[str]:
    return [str(p) for p in load_catalog(measures).problems]


def test_a_consistent_register_loads_with_its_items_fields_and_counts(register):
    catalog = load_catalog(register)
    assert catalog.problems == []
    batch = catalog.taxonomy.batches["state-council-7"]
    assert batch.items_stated == 3 and batch.document_number == "国函〔2023〕56号"
    assert [item.field for item in batch.items] == ["investment-trade-facilitation", "financial-opening"]
    assert batch.items[1].scope == "areas" and batch.items[1].areas_zh == "自贸试验区"
    assert batch.to_dict()["items_recorded"] == 1
    assert catalog.measures[ZHEJIANG_OIL].lineage[0].batch == "state-council-7"
    assert catalog.measures[ZHEJIANG_OIL].status == "nationwide"


def test_an_unknown_batch_in_a_lineage_step_is_refused(register):
    path = register / f"{ZHEJIANG_OIL}.md"
    edit(path, "batch: state-council-7", "batch: state-council-9")
    line = path.read_text(encoding="utf-8").split("\n").index("    batch: state-council-9") + 1
    found = problems(register)
    assert any(p.startswith(f"measures/{ZHEJIANG_OIL}.md:{line}: lineage[0].batch: unknown batch "
                            "'state-council-9'") for p in found), found


def test_a_batch_named_in_words_is_refused_with_the_form_of_an_id(register):
    edit(register / f"{ZHEJIANG_OIL}.md", "batch: state-council-7", "batch: seventh-batch")
    found = [p for p in problems(register) if "lineage[0].batch" in p]
    assert found and "such as state-council-7" in found[0]


def test_more_items_than_the_batch_states_is_refused(register):
    edit(register / "batches" / "state-council-7.yaml", "items_stated: 3", "items_stated: 1")
    assert "measures/batches/state-council-7.yaml:11: items: lists 2 items; the batch states 1" \
        in problems(register)


def test_an_item_naming_a_record_without_the_step_is_refused(register):
    edit(register / f"{ZHEJIANG_OIL}.md", STEP, "")
    found = problems(register)
    assert ("measures/batches/state-council-7.yaml:12: items[0].record: record "
            f"{ZHEJIANG_OIL} has no lineage step with batch: state-council-7") in found


def test_a_step_naming_a_batch_that_does_not_list_the_record_is_refused(register):
    edit(register / "batches" / "state-council-7.yaml", f"    record: {ZHEJIANG_OIL}\n", "")
    found = [p for p in problems(register) if p.startswith(f"measures/{ZHEJIANG_OIL}.md")]
    assert len(found) == 1 and "lists no item with record: " + ZHEJIANG_OIL in found[0]


def test_a_step_of_the_wrong_scope_for_its_batch_is_refused(register):
    edit(register / f"{ZHEJIANG_OIL}.md", "  - scope: national", "  - scope: best-practice-case")
    found = [p for p in problems(register) if "lineage[0].batch" in p]
    assert found and "scope 'national', not 'best-practice-case'" in found[0]


def test_an_item_naming_a_missing_record_is_refused(register):
    edit(register / "batches" / "state-council-7.yaml", f"record: {ZHEJIANG_OIL}", "record: no-such-record")
    assert any("items[0].record: unknown record 'no-such-record'" in p for p in problems(register))


def test_an_item_from_a_zone_its_record_does_not_list_is_refused(register):
    edit(register / "batches" / "state-council-7.yaml", "zones: [zhejiang]", "zones: [zhejiang, hainan]")
    assert any("items[0].zones: the item came from hainan, which record" in p
               for p in problems(register))


@pytest.mark.parametrize("old, new, expected", [
    ("number: 7", "number: 6",
     "measures/batches/state-council-7.yaml:3: number: a batch of state-council numbered 6 is "
     "'state-council-6': name the file so"),
    ("field: financial-opening", "field: 金融创新",
     "measures/batches/state-council-7.yaml:21: items[1].field: unknown field of reform '金融创新'"),
    ("    areas_zh: 自贸试验区\n", "",
     "measures/batches/state-council-7.yaml:22: items[1].areas_zh: scope 'areas' and areas_zh go together"),
    (f"    zones_source: {SOURCE_ID}\n", "",
     "measures/batches/state-council-7.yaml:16: items[0].zones_source: name the source"),
    (f"source: {SOURCE_ID}\nitems:", "source: no-such-source\nitems:",
     "measures/batches/state-council-7.yaml:10: source: unknown source 'no-such-source'"),
    ("name_en: Another reform", "name_en: Another reform\n    name_zh: 保税油品同罐共储",
     "measures/batches/state-council-7.yaml:"),  # the YAML names a key twice
    ("  - name_zh: 另一项改革", "  - name_zh: 保税油品同罐共储",
     "measures/batches/state-council-7.yaml:19: items[1].name_zh: '保税油品同罐共储' is listed twice"),
    ("issuer: state-council", "issuer: ndrc",
     "measures/batches/state-council-7.yaml:2: issuer: 'ndrc' is not one of state-council, mofcom"),
    ("items_stated_source: " + SOURCE_ID + "\n", "",
     "measures/batches/state-council-7.yaml:8: items_stated_source: name the source"),
])
def test_a_broken_batch_is_reported_at_its_line(register, old, new, expected):
    edit(register / "batches" / "state-council-7.yaml", old, new)
    found = problems(register)
    assert any(p.startswith(expected) for p in found), found


def test_a_broken_batch_is_left_out_and_its_records_are_refused_too(register):
    edit(register / "batches" / "state-council-7.yaml", "issuer: state-council", "issuer: ndrc")
    catalog = load_catalog(register)
    assert "state-council-7" not in catalog.taxonomy.batches
    assert any(p.path == f"measures/{ZHEJIANG_OIL}.md" for p in catalog.problems)


def test_a_build_refuses_an_inconsistent_register_and_publishes_nothing(register, tmp_path):
    edit(register / f"{ZHEJIANG_OIL}.md", STEP, "")
    with pytest.raises(ValidationFailed) as failed:
        build_index(register, tmp_path / "index")
    assert any("has no lineage step with batch: state-council-7" in str(p)
               for p in failed.value.problems)
    assert not (tmp_path / "index" / "CURRENT").exists()


def test_a_chinese_text_must_hold_forty_chinese_characters(register):
    edit(register / f"{ZHEJIANG_OIL}.md", "quote: >-", "body_zh: 太短的中文。\nquote: >-")
    assert any(p.startswith(f"measures/{ZHEJIANG_OIL}.md:") and "body_zh: must hold at least 40 "
               "Chinese characters" in p for p in problems(register))


def test_a_stated_total_must_cite_a_known_source(register):
    edit(register / "totals.yaml", "source: mofcom-2025-09-25-best-practice-cases-6",
         "source: nowhere")
    assert any(p.startswith("measures/totals.yaml:") and "source: unknown source 'nowhere'" in p
               for p in problems(register))


def test_a_batch_is_found_by_the_words_people_use_for_it(register, tmp_path):
    from indexer.search import KnowledgeBase

    assert batch_words("state-council-7") == ("State Council 国务院 7th batch seventh batch 第七批")
    assert batch_words("mofcom-cases-6").startswith("Ministry of Commerce 商务部 6th batch")
    build_index(register, tmp_path / "index")
    kb = KnowledgeBase(tmp_path / "index")
    try:
        with kb.page():
            for query in ("第七批", "seventh batch", "国务院 第七批"):
                assert [h.id for h in kb.search(query).hits] == [ZHEJIANG_OIL], query
            assert kb.batch("state-council-7")["items_recorded"] == 1
            assert [f["id"] for f in kb.reform_fields()][:2] == [
                "investment-trade-facilitation", "government-management"]
            assert kb.stated_totals()[0]["value"] == 485
    finally:
        kb.close()


def test_a_record_is_found_by_words_only_its_chinese_text_holds(register, tmp_path):
    from indexer.search import KnowledgeBase

    edit(register / f"{ZHEJIANG_OIL}.md", "quote: >-",
         "body_zh: |-\n  浙江自贸试验区推出保税和非保税油品同罐共储，两类油品可以存放在同一个储罐里，"
         "这是商务部新闻发布会介绍的制度创新举措之一，称为罐容共享。\nquote: >-")
    build_index(register, tmp_path / "index")
    kb = KnowledgeBase(tmp_path / "index")
    try:
        with kb.page():
            hits = kb.search("罐容共享").hits
            assert [h.id for h in hits] == [ZHEJIANG_OIL]
            assert "罐容共享" in hits[0].snippet.replace("<mark>", "").replace("</mark>", "")
            assert hits[0].body_zh.startswith("浙江自贸试验区")
    finally:
        kb.close()
