"""A record on a held source gives no figure its source does not: in its English body and in its
Chinese text, where figures follow characters (共24项, 2023年6月) and months are numbers."""

from __future__ import annotations

from indexer.records.catalog import load_catalog
from indexer.records.verbatim import month_numbers, numbers
from tests.helpers import ZHEJIANG_OIL, edit


def test_figures_are_read_inside_chinese_text():
    assert list(numbers("共24项,2023年6月10日起,增长3.50%,1,000家")) == ["24", "2023", "6", "10", "3.5", "1000"]
    assert list(numbers("ISO9001 and v2.5")) == []  # digits inside a Latin word are no figure


def test_months_named_in_words_are_their_numbers():
    assert list(month_numbers("from 1 August 2019 to Dec 5; you may")) == ["8", "12"]


def chinese_text(path, text):
    edit(path, "quote: >-", f"body_zh: |-\n  {text}\nquote: >-")


def problems(measures):
    return [str(p) for p in load_catalog(measures).problems]


def test_an_invented_figure_in_the_chinese_text_is_refused(measures_copy):
    path = measures_copy / f"{ZHEJIANG_OIL}.md"
    chinese_text(path, "浙江自贸试验区推出保税和非保税油品同罐共储，两类油品可以存放在同一个储罐，"
                       "据称已为企业节省37亿元，这是商务部在发布会上介绍的制度创新举措之一。")
    found = [p for p in problems(measures_copy) if p.startswith(f"measures/{ZHEJIANG_OIL}.md")]
    assert len(found) == 1 and "figure(s) 37 appear in neither the quote nor source" in found[0]


def test_the_dates_of_the_record_s_sources_may_be_written_in_chinese(measures_copy):
    """The press conference of 11 May 2023 is the record's source: 2023年5月11日 invents nothing."""
    path = measures_copy / f"{ZHEJIANG_OIL}.md"
    chinese_text(path, "商务部在2023年5月11日的例行新闻发布会上介绍，浙江自贸试验区推出保税和非保税油品"
                       "同罐共储，两类油品可以存放在同一个储罐里，是一项制度创新举措。")
    assert [p for p in problems(measures_copy) if p.startswith(f"measures/{ZHEJIANG_OIL}.md")] == []
