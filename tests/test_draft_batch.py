"""`ftz draft` on a list-shaped source: a held batch notice becomes a draft batch of the
register, its items read field by field, and is accepted only once its blanks are filled."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from indexer.errors import Report
from indexer.records.catalog import load_catalog
from indexer.records.taxonomy import load_taxonomy
from indexer.cli import cli
from indexer.drafting import batchlist
from tests.helpers import SOURCE_ID, write

SEVENTH = "state-council-2023-guohan-56-seventh-batch"
NOTICE = """---
kind: held
title: Test notice on the ninth batch
title_zh: 国务院关于做好自由贸易试验区第九批改革试点经验复制推广工作的通知
publisher: State Council of the People's Republic of China
publisher_zh: 中华人民共和国国务院
date: 2030-01-02
language: zh
url: https://example.gov.cn/ninth.html
---
国务院关于做好自由贸易试验区第九批改革试点经验复制推广工作的通知
国函〔2029〕9号
一、复制推广的主要内容
(一)在全国范围内复制推广的改革事项。
1.投资贸易便利化领域:“甲项改革”、“乙项‘云’改革”等2项。
2.金融开放创新领域:“丙项改革”等2项。
(二)在海关特殊监管区域复制推广的改革事项。
1.投资贸易便利化领域:“丁项改革”等1项。
本批共5项。
"""


@pytest.fixture
def corpus(measures_copy):
    shutil.rmtree(measures_copy / "batches", ignore_errors=True)
    (measures_copy / "batches").mkdir()
    return measures_copy


def test_the_held_seventh_notice_is_read_field_by_field(corpus):
    taxonomy = load_taxonomy(corpus, Report(corpus))
    source = taxonomy.sources[SEVENTH]
    assert batchlist.is_list_shaped(source)
    assert not batchlist.is_list_shaped(taxonomy.sources[SOURCE_ID])
    draft = batchlist.draft_batch(source, taxonomy)
    assert (draft.id, draft.document_number) == ("state-council-7", "国函〔2023〕56号")
    assert len(draft.items) == 18 and draft.items[0].name_zh == "工程建设项目审批统一化、标准化、信息化"
    assert {item.scope for item in draft.items} == {"nationwide"}
    assert [item.field for item in draft.items].count("金融开放创新") == 6
    # the excerpt breaks off in the fifth field's list: said, not guessed
    assert any("产业高质量发展" in note and "states no count" in note for note in draft.notes)


def test_a_notice_with_areas_counts_and_a_total_is_drafted_whole(corpus):
    write(corpus / "sources" / "test-ninth-notice.md", NOTICE.replace("2030-01-02", "2024-01-02"))
    taxonomy = load_taxonomy(corpus, Report(corpus))
    draft = batchlist.draft_batch(taxonomy.sources["test-ninth-notice"], taxonomy)
    assert draft.id == "state-council-9" and draft.items_stated == 5
    assert [(i.name_zh, i.scope, i.areas_zh) for i in draft.items] == [
        ("甲项改革", "nationwide", None), ("乙项‘云’改革", "nationwide", None),
        ("丙项改革", "nationwide", None), ("丁项改革", "areas", "海关特殊监管区域")]
    assert draft.notes == ["field '金融开放创新' states 2 item(s); 1 read"]


def test_ftz_draft_writes_the_batch_and_accepts_it_only_when_filled(corpus):
    runner = CliRunner()
    write(corpus / "sources" / "test-ninth-notice.md", NOTICE.replace("2030-01-02", "2024-01-02"))
    result = runner.invoke(cli, ["draft", "test-ninth-notice", "--measures", str(corpus)])
    assert result.exit_code == 0, result.output
    draft = corpus / "drafts" / "state-council-9.yaml"
    assert "4 item(s) read" in result.output and draft.is_file()

    refused = runner.invoke(cli, ["draft", "--accept", "state-council-9", "--measures", str(corpus)])
    assert refused.exit_code != 0 and "still a blank" in refused.output
    assert not (corpus / "batches" / "state-council-9.yaml").exists()

    text = draft.read_text(encoding="utf-8")
    text = text.replace('"[BLANK] the English title of the State Council notice"', "Ninth test notice")
    for n, name in enumerate(("Reform A", "Reform B", "Reform C", "Reform D")):
        text = text.replace('"[BLANK] an English name (ours)"', name, 1)
    write(draft, text)
    accepted = runner.invoke(cli, ["draft", "--accept", "state-council-9", "--measures", str(corpus)])
    assert accepted.exit_code == 0, accepted.output
    catalog = load_catalog(corpus)
    assert [p for p in catalog.problems if "batches" in p.path] == []
    batch = catalog.taxonomy.batches["state-council-9"]
    assert [item.name_en for item in batch.items] == ["Reform A", "Reform B", "Reform C", "Reform D"]
    assert batch.items_stated == 5 and batch.items[3].areas_zh == "海关特殊监管区域"
    assert "# draft:" not in (corpus / "batches" / "state-council-9.yaml").read_text(encoding="utf-8")
