"""The replication register and what the knowledge base holds, as a reader sees them: /nationwide
with its batches, counts and filters, a batch's page, its CSV, /api/batches, /coverage, a zone
with no record, and a record's Chinese text on the Chinese measure page.

The corpus is the fixture one (tests/fixtures/records and tests/fixtures/batches), with one item
of the MOFCOM fixture batch given its record, whose lineage names the batch and which has a
Chinese text of its own."""

from __future__ import annotations

import csv
import io
import re

import pytest

from indexer.engine.build import build_index
from tests.conftest import fixture_corpus
from tests.webhelpers import links, text_of
from webapp import create_app
from webapp.register import CSV_COLUMNS

RECORDED = "tianjin-overseas-vocational-qualification-catalogs"
CASES_SOURCE = "mofcom-2025-09-25-best-practice-cases-6"
BODY_ZH = ("天津自贸试验区推出首批境外职业资格认可目录，并探索人才跨境便利化措施。"
           "这是为测试而写的中文文本，用来检查中文页面先显示中文正文。")
STEP = f"""lineage:
  - scope: best-practice-case
    batch: mofcom-cases-6
    date: 2025-09-25
    source: {CASES_SOURCE}
body_zh: |-
  {BODY_ZH}
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("register")
    measures = fixture_corpus(root / "measures")
    record = measures / f"{RECORDED}.md"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("quote: >-", STEP + "quote: >-", 1), encoding="utf-8")
    batch = measures / "batches" / "mofcom-cases-6.yaml"
    text = batch.read_text(encoding="utf-8")
    anchor = f"    zones_source: {CASES_SOURCE}\n"
    batch.write_text(text.replace(anchor, anchor + f"    record: {RECORDED}\n", 1), encoding="utf-8")
    build_index(measures, root / "index")
    return root


@pytest.fixture(scope="module")
def client(corpus):
    app = create_app({"TESTING": True, "MEASURES_DIR": corpus / "measures",
                      "INDEX_DIR": corpus / "index"})
    return app.test_client()


@pytest.fixture(scope="module")
def facade(corpus):
    from indexer.search import KnowledgeBase

    kb = KnowledgeBase(corpus / "index")
    yield kb
    kb.close()


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def batch_sections(html: str) -> dict[str, str]:
    """Each batch's <section> on a register page, by batch id, in page order."""
    return dict(re.findall(r'<section class="batch" id="([a-z0-9-]+)".*?>(.*?)</section>', html, re.S))


def items_of(section: str) -> list[str]:
    """The text of each item of a batch section."""
    return [text_of(li) for li in re.findall(r'<li class="batch-item.*?</li>', section, re.S)]


# -- the register ------------------------------------------------------------------------------

def test_the_register_shows_every_batch_with_its_count_in_the_order_it_states(client, facade):
    html = page(client, "/nationwide")
    sections = batch_sections(html)
    assert set(sections) == {b["id"] for b in facade.batches()}
    assert list(sections) == ["state-council-3", "mofcom-cases-6"]  # State Council's first
    assert "The State Council's batches come first, by number" in text_of(html)
    council = text_of(sections["state-council-3"])
    assert council.startswith("State Council, 3rd batch ( 2017-07 )")
    assert "0 of 5 items recorded" in council and "国函〔2017〕68号" in council
    assert "3 of the batch's 5 items" in council
    cases = text_of(sections["mofcom-cases-6"])
    assert "1 of 2 listed items recorded, the batch's own count not in reach" in cases
    assert len(items_of(sections["state-council-3"])) == 3 and len(items_of(sections["mofcom-cases-6"])) == 2


def test_an_item_without_a_record_is_listed_not_recorded_and_links_no_record(client):
    sections = batch_sections(page(client, "/nationwide"))
    items = re.findall(r'<li class="batch-item.*?</li>', sections["mofcom-cases-6"], re.S)
    recorded = [li for li in items if "not-recorded" not in li.split(">", 1)[0]]
    (with_record,) = recorded
    assert f"/measures/{RECORDED}" in {href for href, _, _ in links(with_record)}
    assert "listed, not yet recorded" not in text_of(with_record)
    for li in items_of(sections["state-council-3"]):
        assert li.endswith("Record listed, not yet recorded")
    assert not [href for href, _, _ in links(sections["state-council-3"]) if href.startswith("/measures/")]


def test_an_item_shows_its_field_scope_department_and_zones(client):
    section = batch_sections(page(client, "/nationwide"))["state-council-3"]
    first, second, _ = items_of(section)
    assert "Field of reform Investment administration 投资管理" in first
    assert "Scope nationwide" in first and "Department 商务部" in first
    assert "Scope in the areas named: 自贸试验区" in second
    assert ("/zones/tianjin", "Tianjin") in {(h, t) for h, t, _ in links(section)}


def test_english_names_no_source_gives_are_marked_ours(client):
    sections = batch_sections(page(client, "/nationwide"))
    first, second, _ = items_of(sections["state-council-3"])
    assert "(our translation)" not in first  # name_en_source given
    assert second.startswith("Cross-border facilitation for talent (our translation)")
    title = re.search(r'<p class="batch-title">(.*?)</p>', sections["state-council-3"], re.S).group(1)
    assert "(our translation)" in text_of(title)
    title = re.search(r'<p class="batch-title">(.*?)</p>', sections["mofcom-cases-6"], re.S).group(1)
    assert "(our translation)" not in text_of(title)


@pytest.mark.parametrize("query, expected", [
    ("field=human-resources", {"state-council-3": 1, "mofcom-cases-6": 1}),
    ("zone=zhejiang", {"state-council-3": 1, "mofcom-cases-6": 1}),
    ("zone=shanghai", {"state-council-3": 1}),
    ("year=2017", {"state-council-3": 3}),
    ("field=human-resources&year=2025", {"mofcom-cases-6": 1}),
    ("field=human-resources&zone=shanghai", {}),
])
def test_filters_narrow_the_items_and_say_how_many_are_shown(client, query, expected):
    html = page(client, f"/nationwide?{query}")
    shown = {bid: len(items_of(section)) for bid, section in batch_sections(html).items()}
    assert shown == expected
    total = sum(expected.values())
    if expected:
        assert re.search(rf"Shown: {total} items? listed, \d+ of them recorded, in {len(expected)} batch",
                         text_of(html))
    else:
        assert "No item of the register matches this filter." in text_of(html)


def test_the_filter_is_a_form_that_works_without_javascript(client):
    html = page(client, "/nationwide?field=human-resources")
    form = re.search(r'<form class="register-filter".*?</form>', html, re.S).group(0)
    assert 'method="get"' in form and 'action="/nationwide"' in form
    assert {name for name in re.findall(r'<select id="[^"]+" name="(\w+)"', form)} == {"field", "zone", "year"}
    assert '<option value="human-resources" selected>Human resources (2)</option>' in form
    assert "/nationwide" in {href for href, _, _ in links(form)}  # the way back to all


@pytest.mark.parametrize("query", ["field=no-such-field", "zone=zhejang", "year=1999", "year=abc"])
def test_an_unknown_filter_value_is_a_400_that_says_so(client, query):
    html = page(client, f"/nationwide?{query}", 400)
    name, value = query.split("=")
    noun = "field of reform" if name == "field" else name
    assert f"There is no {noun} '{value}'." in text_of(html)  # the catalog's message


def test_an_unknown_filter_value_is_said_in_chinese_by_the_catalog(client):
    html = page(client, "/zh/nationwide?zone=zhejang", 400)
    assert "没有名为“zhejang”的" in text_of(html)


def test_the_register_in_chinese(client):
    html = page(client, "/zh/nationwide")
    assert '<html lang="zh-Hans">' in html
    sections = batch_sections(html)
    council, cases = text_of(sections["state-council-3"]), text_of(sections["mofcom-cases-6"])
    assert council.startswith("国务院第三批 （ 2017年7月 ）") or council.startswith("国务院第三批 ( 2017年7月 )")
    assert cases.startswith("商务部第六批")
    title = text_of(re.search(r'<p class="batch-title">(.*?)</p>', sections["state-council-3"], re.S).group(1))
    assert title.index("国务院关于做好") < title.index("Test notice")  # the Chinese title first
    assert "共5项，已收录0项" in council
    assert "已列入，尚未收录" in council and "人力资源" in council
    assert "listed, not yet recorded" not in html


# -- a batch's page, its CSV and the API ----------------------------------------------------------

def test_a_batch_page_lists_its_items_and_says_which_have_no_record(client):
    html = page(client, "/nationwide/mofcom-cases-6")
    missing = text_of(re.search(r'<section class="batch-missing".*?</section>', html, re.S).group(0))
    assert "1 listed item has no record yet" in missing
    assert "Bonded and non-bonded oil in the same tank" in missing
    assert "Catalogues recognising" not in missing  # it has a record
    assert len(re.findall(r'<li class="batch-item', html)) == 2
    assert "/nationwide/mofcom-cases-6.csv" in {href for href, _, _ in links(html)}
    assert 'aria-current="page">Nationwide' in html
    assert "商务部第六批" in page(client, "/zh/nationwide/mofcom-cases-6")
    page(client, "/nationwide/state-council-99", 404)


def test_a_batch_as_csv_has_one_row_per_item_and_no_formula(client, facade):
    response = client.get("/nationwide/state-council-3.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="ftz-register-state-council-3.csv"' in response.headers["Content-Disposition"]
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8")[1:], newline="")))
    assert rows[0] == list(CSV_COLUMNS)
    body = [dict(zip(rows[0], row)) for row in rows[1:]]
    assert [r["name_zh"] for r in body] == ["外商投资负面清单管理模式", "人才跨境便利化措施",
                                            "'=出口监管仓一仓多功能"]
    assert body[2]["name_en"].startswith("'-Export")  # neutralised for spreadsheets
    assert [r["name_en_is_ours"] for r in body] == ["false", "true", "true"]
    assert body[0]["field"] == "investment-management" and body[0]["field_name_zh"] == "投资管理"
    assert {r["batch"] for r in body} == {"state-council-3"} and body[0]["zones"] == "shanghai"
    recorded = client.get("/nationwide/mofcom-cases-6.csv").get_data(as_text=True)
    assert f"http://localhost/measures/{RECORDED}" in recorded
    assert client.get("/nationwide/no-such-batch.csv").status_code == 404


def test_api_batches_lists_every_batch_with_its_counts(client, facade):
    data = client.get("/api/batches").get_json()
    assert [b["id"] for b in data["batches"]] == ["state-council-3", "mofcom-cases-6"]
    by_id = {b["id"]: b for b in data["batches"]}
    keys = {"id", "issuer", "number", "title", "title_zh", "document_number", "date",
            "items_stated", "items_listed", "items_recorded", "url"}
    assert all(keys <= set(b) for b in data["batches"])
    assert (by_id["state-council-3"]["items_stated"], by_id["state-council-3"]["items_listed"],
            by_id["state-council-3"]["items_recorded"]) == (5, 3, 0)
    assert (by_id["mofcom-cases-6"]["items_stated"], by_id["mofcom-cases-6"]["items_listed"],
            by_id["mofcom-cases-6"]["items_recorded"]) == (None, 2, 1)
    assert by_id["mofcom-cases-6"]["url"] == "/nationwide/mofcom-cases-6"
    assert by_id["state-council-3"]["document_number"] == "国函〔2017〕68号"


def test_api_batch_gives_its_items(client):
    data = client.get("/api/batches/mofcom-cases-6").get_json()
    first, second = data["items"]
    assert first["record"] == RECORDED and first["record_url"] == f"/measures/{RECORDED}"
    assert first["name_en_is_ours"] is True and second["name_en_is_ours"] is False
    assert (first["field"], first["field_name"], first["field_name_zh"]) == (
        "human-resources", "Human resources", "人力资源")
    assert second["field"] == "investment-trade-facilitation"
    assert second["record"] is None and second["record_url"] is None
    assert first["zones"] == ["tianjin"] and first["scope"] == "nationwide"
    assert {"name_zh", "name_en", "scope", "areas_zh", "department"} <= set(second)
    missing = client.get("/api/batches/state-council-99")
    assert missing.status_code == 404 and missing.get_json() == {"error": "no batch 'state-council-99'"}


def test_openapi_declares_the_batches_and_the_fields_of_reform(client, facade):
    doc = client.get("/api/openapi.json").get_json()
    assert {"/api/batches", "/api/batches/{id}"} <= set(doc["paths"])
    schemas = doc["components"]["schemas"]
    item = schemas["BatchItem"]["properties"]
    assert item["field"]["enum"] == [f["id"] for f in facade.reform_fields()] + [None]
    assert item["scope"]["enum"] == ["nationwide", "areas", None]
    data = client.get("/api/batches/mofcom-cases-6").get_json()
    assert set(schemas["Batch"]["required"]) <= set(data) <= set(schemas["Batch"]["properties"])
    assert set(data["items"][0]) <= set(item)


# -- what the knowledge base holds --------------------------------------------------------------

def fact(html: str, element_id: str) -> str:
    return text_of(re.search(rf'<dd id="{element_id}">(.*?)</dd>', html, re.S).group(1))


def test_coverage_gives_the_facades_numbers_beside_the_stated_totals(client, facade):
    html = page(client, "/coverage")
    assert fact(html, "records-total") == str(facade.stats()["measures"])
    assert fact(html, "records-lineage").startswith(
        str(facade.count(scopes=["province", "national", "best-practice-case"])) + ",")
    by_zone = re.search(r'<table class="data-table" id="records-by-zone">.*?</table>', html, re.S).group(0)
    rows = {text_of(th): text_of(td) for th, td in
            re.findall(r'<th scope="row">(.*?)</th>\s*<td class="num">(.*?)</td>', by_zone, re.S)}
    assert rows == {z["short"]: str(z["count"]) if z["count"] else "none yet" for z in facade.zones()}
    sources = facade.sources()
    assert fact(html, "sources-total") == str(len(sources))
    assert fact(html, "sources-held") == str(sum(s["kind"] == "held" for s in sources))
    batches = facade.batches()
    assert fact(html, "register-batches") == str(len(batches))
    assert fact(html, "register-listed") == str(sum(len(b["items"]) for b in batches))
    assert fact(html, "register-recorded") == str(sum(b["items_recorded"] for b in batches)) == "1"
    assert fact(html, "register-stated").startswith("5,")  # only state-council-3 states a count
    text = text_of(html)
    assert "The knowledge base is a sample, not the whole" in text
    for total in facade.stated_totals():
        assert f"{total['value']} {total['label']}" in text
        assert f"/sources/{total['source']}" in {href for href, _, _ in links(html)}


@pytest.mark.parametrize("url", ["/", "/search?q=oil", "/zones/hainan", "/nationwide", f"/measures/{RECORDED}"])
def test_every_page_links_what_the_knowledge_base_holds(client, url):
    assert "/coverage" in {href for href, _, _ in links(page(client, url))}
    assert "/zh/coverage" in {href for href, _, _ in links(page(client, "/zh" + url))}


def test_coverage_in_chinese(client):
    html = page(client, "/zh/coverage")
    assert '<html lang="zh-Hans">' in html and "本知识库是样本，而非全部" in text_of(html)


def test_a_zone_with_no_record_says_why(client, facade):
    assert facade.zone("hainan")["count"] == 0
    html = page(client, "/zones/hainan")
    text = text_of(html)
    assert "Measures none recorded yet" in text
    assert "holds no record of this zone yet" in text and "name no concrete measure" in text
    facts = re.search(r'<dl class="facts">.*?</dl>', html, re.S).group(0)
    assert not re.search(r"<dd>\s*0\s*</dd>", facts)
    assert "尚未收录此自贸试验区的举措" in text_of(page(client, "/zh/zones/hainan"))
    # a zone with records says nothing of the kind
    assert "holds no record of this zone" not in text_of(page(client, "/zones/tianjin"))


# -- a record's Chinese text and its batch on the timeline ---------------------------------------

def test_the_chinese_measure_page_shows_the_chinese_text_and_the_english_marked(client):
    html = page(client, f"/zh/measures/{RECORDED}")
    main = re.search(r'<div class="body body-zh">(.*?)</div>', html, re.S).group(1)
    assert BODY_ZH in text_of(main).replace(" ", "")
    english = re.search(r'<details class="body-en">(.*?)</details>', html, re.S).group(1)
    assert '<div class="body" lang="en">' in english
    assert "first batch of catalogs recognising overseas vocational qualifications" in text_of(english)
    assert html.index("body-zh") < html.index("body-en")


def test_the_english_measure_page_shows_the_english_text_and_links_the_chinese(client):
    html = page(client, f"/measures/{RECORDED}")
    assert BODY_ZH not in html and "body-zh" not in html
    assert "first batch of catalogs recognising overseas vocational qualifications" in text_of(html)
    assert f"/zh/measures/{RECORDED}" in {href for href, _, _ in links(html)}


def test_a_record_without_chinese_text_keeps_its_english_on_the_chinese_page(client):
    html = page(client, "/zh/measures/zhejiang-bonded-non-bonded-oil-same-tank-storage")
    assert "body-zh" not in html and '<div class="body" lang="en">' in html


def test_the_timeline_names_the_batch_as_the_register_does(client):
    html = page(client, f"/measures/{RECORDED}")
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1)
    assert ("/nationwide/mofcom-cases-6", "Ministry of Commerce, 6th batch") in {
        (href, text) for href, text, _ in links(timeline)}
    assert "mofcom-cases-6" not in text_of(timeline)
    zh = page(client, f"/zh/measures/{RECORDED}")
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', zh, re.S).group(1)
    assert ("/zh/nationwide/mofcom-cases-6", "商务部第六批") in {
        (href, text) for href, text, _ in links(timeline)}


@pytest.mark.parametrize("named", ["Shanghai", "上海", "SHANGHAI"])
def test_the_register_reads_a_zone_by_the_registrys_aliases(client, named):
    """The zone and year filters are the registry's facets (indexer/facets.py): a zone's name
    in either language stands for its id, as in a search."""
    by_name = batch_sections(page(client, f"/nationwide?zone={named}"))
    by_id = batch_sections(page(client, "/nationwide?zone=shanghai"))
    assert {b: len(items_of(s)) for b, s in by_name.items()} == {"state-council-3": 1}
    assert by_name.keys() == by_id.keys()
    form = re.search(r'<form class="register-filter".*?</form>',
                     page(client, f"/nationwide?zone={named}"), re.S).group(0)
    assert re.search(r'<option value="shanghai" selected>Shanghai \(\d+\)</option>', form)


def test_the_register_names_its_facet_values_in_the_pages_language(client):
    form = re.search(r'<form class="register-filter".*?</form>', page(client, "/zh/nationwide"),
                     re.S).group(0)
    zones = re.search(r'name="zone">(.*?)</select>', form, re.S).group(1)
    assert re.search(r'<option value="shanghai">上海', zones)
    years = re.findall(r'<option value="(\d{4})"', re.search(r'name="year">(.*?)</select>', form,
                                                            re.S).group(1))
    assert years == sorted(years, reverse=True) and "2017" in years  # the year facet's order
