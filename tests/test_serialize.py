"""One shape for a hit and a measure (indexer/search/serialize.py): the API, the exports and the
command line describe a measure the same way, and its citation travels with it."""

from __future__ import annotations

import csv
import io

import pytest

from indexer.search import serialize
from tests.helpers import SOURCE_ID, ZHEJIANG_OIL
from tests.webhelpers import app_with, fixture_records

RECORDS = fixture_records()
CITED = "test-serialize-cited"
OTHER = "test-serialize-other"
MEASURE = "zzserial-cited-measure"
URL = "https://example.gov.cn/zzserial.html"
SOURCES = {
    CITED: f"""---
kind: cited
title: Zzserial notice
title_zh: 测试通知
publisher: People's Government of Zhejiang Province
publisher_zh: 浙江省人民政府
date: 2022-01-05
language: zh
url: {URL}
---
A notice described in the project's own words.
""",
    OTHER: """---
kind: cited
title: Zzserial report
publisher: Xinhua
publisher_zh: 新华社
date: 2022-03-01
language: en
url: https://example.com/zzserial-report
---
A report that mentions the same measure.
""",
}
RECORD = f"""---
title: Zzserial shared warehouse
title_zh: 测试共享仓库
zones: [zhejiang, shanghai]
pillar: logistics
date: 2022-01-05
tags: [zzserial, warehouse]
source: {CITED}
see_also: [{OTHER}]
lineage:
  - scope: best-practice-case
    batch: mofcom-cases-4
    date: 2022-02
    source: {OTHER}
---
A test measure in the project's own words.
"""
# The register's batch that the record's lineage step names, listing the record.
BATCH = f"""id: mofcom-cases-4
issuer: mofcom
number: 4
title: Zzserial fourth batch of best practice cases
title_zh: 测试第四批最佳实践案例
date: 2022-02
source: {OTHER}
items:
  - name_zh: 测试共享仓库
    name_en: Zzserial shared warehouse
    zones: [zhejiang]
    zones_source: {OTHER}
    record: {MEASURE}
"""


@pytest.fixture(scope="module")
def cited(tmp_path_factory):
    return app_with(tmp_path_factory.mktemp("serialize"), SOURCES, {MEASURE: RECORD},
                    {"mofcom-cases-4": BATCH}).test_client()


def test_api_search_and_json_export_describe_a_hit_alike(client):
    api = client.get("/api/search?q=customs&per_page=100").get_json()["results"]
    export = client.get("/search.json?q=customs").get_json()["measures"]
    assert [h["id"] for h in api] == [m["id"] for m in export] and api
    for hit, measure in zip(api, export):
        assert list(hit) == list(measure) == list(serialize.HIT_KEYS)
        assert measure["url"] == "http://localhost" + hit["url"]
        assert measure["source"]["url"] == "http://localhost" + hit["source"]["url"]
        same = {k for k in serialize.HIT_KEYS if k not in ("url", "source", "snippet", "explanation")}
        assert {k: hit[k] for k in same} == {k: measure[k] for k in same}
        assert measure["snippet"] == "" and measure["explanation"] == []


def test_a_held_source_travels_with_its_quote(client):
    hit = client.get(f"/api/search?q=id:{ZHEJIANG_OIL}").get_json()["results"][0]
    assert hit["quote"] and " ".join(hit["quote"].split()) == " ".join(
        RECORDS[ZHEJIANG_OIL]["quote"].split())
    source = hit["source"]
    assert source["id"] == SOURCE_ID and source["kind"] == "held"
    assert source["publisher"].startswith("Ministry of Commerce")
    assert source["url"] == f"/sources/{SOURCE_ID}"


def test_a_cited_source_travels_with_the_publishers_page_and_no_quote(cited):
    hit = cited.get(f"/api/search?q=zzserial").get_json()["results"][0]
    assert hit["id"] == MEASURE and hit["quote"] is None
    assert hit["source"] == {"id": CITED, "kind": "cited", "title": "Zzserial notice",
                             "title_zh": "测试通知",
                             "publisher": "People's Government of Zhejiang Province",
                             "date": "2022-01-05", "language": "zh", "original_url": URL,
                             "url": f"/sources/{CITED}"}
    assert hit["see_also"] == [OTHER]
    assert [s["title"] for s in hit["see_also_sources"]] == ["Zzserial report"]
    assert hit["lineage"] == [{"scope": "best-practice-case", "batch": "mofcom-cases-4",
                               "date": "2022-02", "source": OTHER, "note": None}]
    # the same in the CSV, one row per measure
    text = cited.get("/search.csv?q=zzserial").get_data(as_text=True).lstrip("\ufeff")
    (row,) = list(csv.DictReader(io.StringIO(text, newline="")))
    assert (row["source_title"], row["source_publisher"], row["source_date"],
            row["source_original_url"]) == ("Zzserial notice", "People's Government of Zhejiang Province",
                                            "2022-01-05", URL)
    assert row["quote"] == "" and row["see_also"] == OTHER
    assert row["lineage"] == f"2022-02 best-practice-case (mofcom-cases-4; {OTHER})"
    assert row["zones"] == "zhejiang;shanghai"


def test_the_measure_api_shares_the_hit_shape(cited):
    measure = cited.get(f"/api/measures/{MEASURE}").get_json()
    hit = cited.get("/api/search?q=zzserial").get_json()["results"][0]
    for key in serialize.HIT_KEYS:
        if key in serialize.SEARCH_KEYS:  # what a search found
            assert key not in measure
        elif key == "source":
            assert hit["source"].items() <= measure["source"].items()  # plus the source's details
        else:
            assert measure[key] == hit[key], key


def test_the_command_line_can_describe_hits_without_a_site(kb):
    """What `ftz search --json` calls: no Flask, no URL builder."""
    sources = {s["id"]: s for s in kb.sources()}
    result = kb.search("railway")
    described = [serialize.hit(h, sources) for h in result.hits]
    assert described and all(list(d) == list(serialize.HIT_KEYS) for d in described)
    first = described[0]
    assert first["url"] is None and first["source"]["url"] is None
    assert first["source"]["title"] == sources[first["source"]["id"]]["title"]
    assert first["snippet"]  # a search's hits keep their snippet
    flat = serialize.flat(first)
    assert list(flat) == list(serialize.FLAT_COLUMNS) and flat["source_id"] == first["source"]["id"]


def test_a_dict_describes_like_a_hit(kb):
    hit = kb.search("", per_page=1).hits[0]
    sources = {s["id"]: s for s in kb.sources()}
    assert serialize.hit(hit, sources) == serialize.hit(hit.to_dict(), sources)
