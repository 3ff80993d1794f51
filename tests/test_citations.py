"""Measures on cited sources and their lineage, as a reader sees them: the measure page, the
source page and the API show the citation with its link, never a quote, and the steps by
which a measure spread as a timeline."""

from __future__ import annotations

import re

import pytest

from indexer.engine.build import build_index
from tests.conftest import fixture_corpus
from tests.helpers import SOURCE_ID
from tests.webhelpers import links, text_of

CITED_ID = "test-cited-page"
LATER_ID = "test-later-page"
MEASURE_ID = "zzcited-tank-measure"
URL = "https://example.gov.cn/zzcited/page.html"

SOURCES = {
    CITED_ID: f"""---
kind: cited
title: Zzcited briefing on a tank measure
publisher: Ministry of Commerce of the People's Republic of China
publisher_zh: 中华人民共和国商务部
date: 2021-03-04
language: en
url: {URL}
---
A briefing that describes a test measure in its own words.
""",
    LATER_ID: """---
kind: cited
title: Zzlater notice of a national batch
publisher: State Council of the People's Republic of China
publisher_zh: 中华人民共和国国务院
date: 2022-06-07
language: zh
url: https://example.gov.cn/zzlater.html
reprint_of: People's Daily, 2022-06-08
---
A notice listing reforms replicated nationwide.
""",
}
RECORD = f"""---
title: Zzcited shared tank measure
title_zh: 测试共享油罐
title_zh_note: our translation; the source gives no Chinese name
zones: [zhejiang]
pillar: institutional-innovation
date: 2021-03-04
tags: [zzcited, tank]
source: {CITED_ID}
see_also: [{SOURCE_ID}]
lineage:
  - scope: national
    batch: state-council-7
    date: 2022-06
    source: {LATER_ID}
  - scope: province
    date: 2021
    source: {CITED_ID}
    note: Across Zhejiang first.
---
A test measure described in the project's own words.
"""
# The register's batch that the record's national step names; it lists the record.
BATCH = f"""id: state-council-7
issuer: state-council
number: 7
title: Zzlater notice on the seventh batch
title_zh: 国务院关于第七批改革试点经验复制推广工作的通知
date: 2022-06
items_stated: 24
items_stated_source: {LATER_ID}
source: {LATER_ID}
items:
  - name_zh: 测试共享油罐
    name_en: Zzcited shared tank measure
    zones: [zhejiang]
    zones_source: {LATER_ID}
    record: {MEASURE_ID}
"""


@pytest.fixture(scope="module")
def cited_app(tmp_path_factory):
    from webapp import create_app

    root = tmp_path_factory.mktemp("cited")
    measures = fixture_corpus(root / "measures")
    for source_id, text in SOURCES.items():
        (measures / "sources" / f"{source_id}.md").write_text(text, encoding="utf-8")
    (measures / f"{MEASURE_ID}.md").write_text(RECORD, encoding="utf-8")
    (measures / "batches" / "state-council-7.yaml").write_text(BATCH, encoding="utf-8")
    build_index(measures, root / "index")
    return create_app({"TESTING": True, "MEASURES_DIR": measures, "INDEX_DIR": root / "index"})


@pytest.fixture(scope="module")
def cited(cited_app):
    return cited_app.test_client()


def test_measure_page_cites_the_page_with_its_link_and_no_quote(cited):
    html = cited.get(f"/measures/{MEASURE_ID}").get_data(as_text=True)
    citation = re.search(r'<section class="citation".*?</section>', html, re.S).group(0)
    assert "<blockquote" not in citation
    hrefs = {href for href, _, _ in links(citation)}
    assert {f"/sources/{CITED_ID}", URL, f"/sources/{SOURCE_ID}"} <= hrefs
    text = text_of(citation)
    assert "Zzcited briefing on a tank measure , Ministry of Commerce" in text  # text_of spaces tags
    assert "its text is not held here" in text
    assert "Also reported by" in text  # see_also
    assert "(our translation; the source gives no Chinese name)" in text_of(html)


def test_measure_page_shows_the_lineage_as_a_timeline_oldest_first(cited):
    html = cited.get(f"/measures/{MEASURE_ID}").get_data(as_text=True)
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1)
    steps = [text_of(li) for li in re.findall(r"<li.*?</li>", timeline, re.S)]
    assert len(steps) == 3
    # a step dated by its year only sorts before the record's own report of that year
    assert steps[0].startswith("2021 Replicated across its province") and "Across Zhejiang first." in steps[0]
    assert steps[1].startswith("2021-03-04 Reported as a measure of Zhejiang")
    # the batch by its name in the register, linked to its page, never by its id
    assert steps[2].startswith("2022-06 Replicated nationwide, State Council, 7th batch")
    assert "state-council-7" not in steps[2]
    assert ("/nationwide/state-council-7", "State Council, 7th batch") in {
        (href, text) for href, text, _ in links(timeline)}
    assert "Zzlater notice of a national batch" in steps[2]
    assert "Status nationwide" in text_of(html)


def test_a_measure_on_the_held_source_keeps_its_quote_and_has_no_timeline(cited):
    html = cited.get("/measures/zhejiang-bonded-non-bonded-oil-same-tank-storage").get_data(as_text=True)
    assert "<blockquote" in html and 'class="timeline"' not in html


def test_cited_source_page_describes_the_page_and_holds_no_text(cited):
    html = cited.get(f"/sources/{LATER_ID}").get_data(as_text=True)
    text = text_of(html)
    assert "A notice listing reforms replicated nationwide." in text
    assert "Reprint of: People's Daily, 2022-06-08" in text
    assert "Full text" not in text and "the project does not hold its text" in text
    assert "https://example.gov.cn/zzlater.html" in {href for href, _, _ in links(html)}


def test_sources_list_says_which_kind_each_is(cited):
    text = text_of(cited.get("/sources").get_data(as_text=True))
    assert "Zzcited briefing on a tank measure" in text and "cited" in text and "held" in text


def test_api_gives_lineage_see_also_and_the_original_url(cited):
    data = cited.get(f"/api/measures/{MEASURE_ID}").get_json()
    assert data["quote"] is None and data["status"] == "nationwide"
    assert data["see_also"] == [SOURCE_ID]
    assert data["title_zh_note"].startswith("our translation")
    assert [s["scope"] for s in data["lineage"]] == ["national", "province"]
    assert data["lineage"][0] == {"scope": "national", "batch": "state-council-7", "date": "2022-06",
                                  "source": LATER_ID, "note": None}
    source = data["source"]
    assert source["kind"] == "cited" and source["original_url"] == URL
    assert source["url"] == f"/sources/{CITED_ID}" and "text" not in source


def test_status_query_finds_the_nationwide_measure(cited):
    data = cited.get("/api/search?q=status:nationwide").get_json()
    assert [hit["id"] for hit in data["results"]] == [MEASURE_ID]


def test_nationwide_page_lists_the_batch_with_its_recorded_item(cited):
    html = cited.get("/nationwide").get_data(as_text=True)
    section = re.search(r'<section class="batch" id="state-council-7".*?</section>', html, re.S).group(0)
    heading = text_of(re.search(r"<h3.*?</h3>", section, re.S).group(0))
    assert heading == "State Council, 7th batch ( 2022-06 )"  # text_of spaces tags
    assert "1 of 24 items recorded" in text_of(section)
    assert f"/measures/{MEASURE_ID}" in {href for href, _, _ in links(section)}
    # a measure on the held source, never replicated by any source's account, is not there
    assert "zhejiang-bonded-non-bonded-oil-same-tank-storage" not in html
    assert 'aria-current="page">Nationwide' in html
    zh = text_of(cited.get("/zh/measures/" + MEASURE_ID).get_data(as_text=True))
    assert "国务院第七批" in zh and "state-council-7" not in zh


def test_scope_filter_and_facet_through_the_api(cited):
    data = cited.get("/api/search?scope=national").get_json()
    assert [hit["id"] for hit in data["results"]] == [MEASURE_ID]
    assert data["facets"]["scope"] == {"province": 1, "national": 1, "best-practice-case": 0}
    # facets are disjunctive: the scope counts ignore the scope filter, not the zone filter
    other = cited.get("/api/search?scope=best-practice-case&zone=zhejiang").get_json()
    assert other["total"] == 0 and other["facets"]["scope"]["national"] == 1
    unknown = cited.get("/api/search?scope=nationwide")
    assert unknown.status_code == 400
    assert unknown.get_json()["suggestion"] == "national" and unknown.get_json()["kind"] == "scope"


def test_scope_facet_on_the_search_page_and_in_exports(cited):
    html = cited.get("/search").get_data(as_text=True)
    facet = {text: href for href, text, attrs in links(html) if attrs.get("data-facet") == "scope"}
    assert set(facet) == {"Replicated province-wide 省（市）内复制推广", "Replicated nationwide 全国复制推广"}
    narrowed = cited.get(facet["Replicated nationwide 全国复制推广"]).get_data(as_text=True)
    assert f"/measures/{MEASURE_ID}" in {href for href, _, _ in links(narrowed)}
    assert "scope=national" in {href for href, _, _ in links(narrowed) if "search.csv" in href}.pop()
    csv = cited.get("/search.csv?scope=national").get_data(as_text=True)
    assert MEASURE_ID in csv and csv.count("\r\n") == 2  # the header and one measure
    assert cited.get("/zh/search?scope=national").status_code == 200
