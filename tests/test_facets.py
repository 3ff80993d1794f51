"""The facet registry (indexer/facets.py): every facet declared there filters the search, the
query syntax, the URL parameter, the sidebar panel, the 400 on an unknown value, the OpenAPI
parameter and the exports, with nothing else to add. The tests run over the registry, so a
facet added to it is tested by them too; each filter is checked against a plain reference:
the records of measures/ whose values, as the facet says a record yields them, hold the
value."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from indexer.records.catalog import load_catalog
from indexer.facets import FACETS, FILTERS
from indexer.engine.schema import build_schema

PROJECT = Path(__file__).resolve().parent.parent
PO = PROJECT / "webapp" / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"


@lru_cache(maxsize=1)
def shipped_measures():
    return tuple(load_catalog(PROJECT / "measures").measures.values())


def expected(facet, value: str) -> set[str]:
    """The reference: the records whose values of the facet hold `value`."""
    return {m.id for m in shipped_measures() if value in facet.values(m)}


def found(kb, **filters) -> set[str]:
    return {h.id for h in kb.measures(**filters)}


def values_in_use(kb, facet) -> list[str]:
    counts = kb.search("", per_page=1).facets[facet.key]
    return [c["id"] for c in kb.facet_choices()[facet.key] if counts.get(c["id"])]


def test_every_facet_has_an_index_field():
    schema = build_schema(())
    for facet in FACETS:
        assert facet.field in schema.names(), facet.key


@pytest.mark.parametrize("facet", FILTERS, ids=lambda f: f.key)
def test_a_filter_finds_the_records_whose_values_hold_it(shipped_kb, facet):
    in_use = values_in_use(shipped_kb, facet)
    assert in_use, f"no record has a value of {facet.key}"
    for value in in_use:
        want = expected(facet, value)
        assert found(shipped_kb, **{facet.plural: [value]}) == want, value
        result = shipped_kb.search("", per_page=100, **{facet.plural: [value]})
        assert result.total == len(want) and getattr(result, facet.plural) == (value,)
    # several values: any of them
    two = in_use[:2]
    assert found(shipped_kb, **{facet.plural: two}) == set().union(
        *(expected(facet, v) for v in two))


@pytest.mark.parametrize("facet", FILTERS, ids=lambda f: f.key)
def test_facet_counts_are_the_records_of_each_value(shipped_kb, facet):
    counts = shipped_kb.search("", per_page=1).facets[facet.key]
    for choice in shipped_kb.facet_choices()[facet.key]:
        assert counts[choice["id"]] == len(expected(facet, choice["id"])), choice["id"]


@pytest.mark.parametrize("facet", FILTERS, ids=lambda f: f.key)
def test_the_prefix_finds_what_the_filter_finds(shipped_kb, facet):
    value = values_in_use(shipped_kb, facet)[0]
    for prefix in facet.prefixes:
        result = shipped_kb.search(f"{prefix}:{value}", per_page=100)
        assert {h.id for h in result.hits} == expected(facet, value), prefix
        assert not result.notes


@pytest.mark.parametrize("facet", FILTERS, ids=lambda f: f.key)
def test_an_unknown_value_is_a_400_that_says_what_is_known(shipped_client, shipped_kb, facet):
    response = shipped_client.get("/api/search", query_string={facet.key: "nosuchvalue"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["kind"] == facet.key and body["value"] == "nosuchvalue"
    known = [c["id"] for c in shipped_kb.facet_choices()[facet.key]]
    if facet.list_known:
        assert body["known"] == known
        assert ", ".join(known) in body["error"]
    page = shipped_client.get("/zh/search", query_string={facet.key: "nosuchvalue"})
    assert page.status_code == 400
    assert _chinese(facet.unknown) in page.get_data(as_text=True)


@pytest.mark.parametrize("facet", FACETS, ids=lambda f: f.key)
def test_an_unknown_value_in_a_query_is_noted(shipped_kb, facet):
    result = shipped_kb.search(f"{facet.prefixes[0]}:nosuchvalue")
    notes = [n for n in result.notes if getattr(n, "code", "") == "unknown_value"]
    assert notes and notes[0].params["kind"] == facet.key


@pytest.mark.parametrize("facet", FILTERS, ids=lambda f: f.key)
def test_the_url_parameter_has_a_panel_and_survives_a_new_search(shipped_client, shipped_kb,
                                                                 facet):
    value = values_in_use(shipped_kb, facet)[0]
    page = shipped_client.get("/search", query_string={facet.key: value})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'data-facet="{facet.key}" aria-current="true"' in html
    assert f'<input type="hidden" name="{facet.key}" value="{value}">' in html
    chinese = shipped_client.get("/zh/search", query_string={facet.key: value})
    assert f"<h2>{_chinese(facet.title)}</h2>" in chinese.get_data(as_text=True)


@pytest.mark.parametrize("facet", FILTERS, ids=lambda f: f.key)
def test_openapi_declares_the_parameter_with_its_allowed_values(shipped_client, shipped_kb,
                                                                facet):
    doc = shipped_client.get("/api/openapi.json").get_json()
    parameters = {p["name"]: p for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    declared = parameters[facet.key]["schema"]["items"]["enum"]
    assert declared == [c["id"] for c in shipped_kb.facet_choices()[facet.key]]
    schemas = doc["components"]["schemas"]
    assert schemas["SearchResult"]["properties"]["facets"] == {"$ref": "#/components/schemas/Facets"}
    assert facet.key in schemas["Facets"]["required"]
    assert schemas["Facets"]["properties"][facet.key]["propertyNames"]["enum"] == declared


@pytest.mark.parametrize("facet", FILTERS, ids=lambda f: f.key)
def test_the_exports_take_the_parameter(shipped_client, shipped_kb, facet):
    value = values_in_use(shipped_kb, facet)[0]
    data = shipped_client.get("/search.json", query_string={facet.key: value}).get_json()
    assert data[facet.plural] == [value]
    assert {m["id"] for m in data["measures"]} == expected(facet, value)
    csv = shipped_client.get("/search.csv", query_string={facet.key: value})
    assert csv.headers["X-Total-Count"] == str(len(expected(facet, value)))
    assert f"-{value}" in csv.headers["Content-Disposition"]


def test_every_facet_speaks_chinese():
    for facet in FACETS:
        for message in (facet.title, facet.noun, facet.unknown):
            assert not message or _chinese(message), (facet.key, message)


def test_a_keyword_no_facet_has_is_refused(kb):
    with pytest.raises(TypeError):
        kb.search("", colours=["red"])


@lru_cache(maxsize=1)
def _catalog():
    with open(PO, "rb") as f:
        return read_po(f)


def _chinese(msgid: str) -> str | None:
    message = _catalog().get(msgid)
    return message.string if message is not None and message.string else None


# -- the year facet: a record's date is as precise as its source (2023, 2023-06, 2023-06-01) --

def test_year_finds_the_records_of_the_year_however_precisely_dated(shipped_kb):
    dated_2023 = {m.id for m in shipped_measures() if str(m.date).startswith("2023")}
    assert any(len(str(m.date)) == 4 for m in shipped_measures() if m.id in dated_2023)
    assert {h.id for h in shipped_kb.search("year:2023", per_page=100).hits} == dated_2023
    assert found(shipped_kb, years=["2023"]) == dated_2023
    # a month's date too (2017-04)
    dated_2017 = {m.id for m in shipped_measures() if str(m.date).startswith("2017")}
    assert any(len(str(m.date)) == 7 for m in shipped_measures() if m.id in dated_2017)
    assert found(shipped_kb, years=["2017"]) == dated_2017
    # with words and another filter
    result = shipped_kb.search("trade year:2023", zones=["shanghai"], per_page=100)
    assert result.hits and all(h.date.startswith("2023") and "shanghai" in h.zones
                               for h in result.hits)


def test_the_year_panel_lists_the_years_newest_first(shipped_client):
    html = shipped_client.get("/search", query_string={"q": "trade"}).get_data(as_text=True)
    assert "<h2>Year</h2>" in html
    years = re.findall(r'href="[^"]*year=(\d{4})[^"]*" data-facet="year"', html)
    assert len(years) > 3 and years == sorted(years, reverse=True)
    chosen = shipped_client.get("/zh/search", query_string={"year": ["2023", "2021"]})
    text = chosen.get_data(as_text=True)
    assert "<h2>年份</h2>" in text and text.count('data-facet="year" aria-current="true"') == 2


def test_the_api_counts_and_filters_by_year(shipped_client):
    data = shipped_client.get("/api/search", query_string={"year": "2021"}).get_json()
    dated = {m.id for m in shipped_measures() if str(m.date).startswith("2021")}
    assert data["total"] == len(dated) and data["facets"]["year"]["2021"] == len(dated)
    # the other facets' counts are within the year; the year's own ignore it (disjunctive)
    assert sum(data["facets"]["pillar"].values()) == len(dated)
    assert data["facets"]["year"]["2023"] > 0
    wrong = shipped_client.get("/api/search", query_string={"year": "1999"})
    assert wrong.status_code == 400 and "2023" in wrong.get_json()["known"]


def test_a_year_export_is_named_and_filtered_by_it(shipped_client):
    csv = shipped_client.get("/search.csv", query_string={"year": "2024", "q": "port"})
    assert 'filename="ftz-measures-2024-port.csv"' in csv.headers["Content-Disposition"]
    data = shipped_client.get("/search.json", query_string={"year": "2024", "q": "port"}).get_json()
    assert data["years"] == ["2024"] and data["measures"]
    assert all(m["date"].startswith("2024") for m in data["measures"])


# -- the batch facet: the register's batches a measure's lineage steps name ------------------

def named_by_lineage(batch: str) -> set[str]:
    """The reference, read off the records' lineage steps, not through the facet."""
    return {m.id for m in shipped_measures() if any(s.batch == batch for s in m.lineage)}


def register_batches() -> list[str]:
    """The batch files of measures/batches/, the State Council's then MOFCOM's, by number."""
    batches = load_catalog(PROJECT / "measures").taxonomy.batches.values()
    return [b.id for b in sorted(batches, key=lambda b: (b.issuer != "state-council", b.number))]


def test_batch_finds_exactly_the_measures_whose_lineage_names_it(shipped_kb, shipped_client):
    seventh = named_by_lineage("state-council-7")
    assert len(seventh) == 3
    assert found(shipped_kb, batches=["state-council-7"]) == seventh
    assert {h.id for h in shipped_kb.search("batch:state-council-7", per_page=100).hits} == seventh
    data = shipped_client.get("/api/search", query_string={"batch": "state-council-7",
                                                           "per_page": 100}).get_json()
    assert {h["id"] for h in data["results"]} == seventh and data["total"] == 3
    # each hit says so in its lineage
    assert all(any(step["batch"] == "state-council-7" for step in h["lineage"])
               for h in data["results"])
    # several batches: any of them; with another filter: both
    either = found(shipped_kb, batches=["state-council-7", "mofcom-cases-6"])
    assert either == seventh | named_by_lineage("mofcom-cases-6") and len(either) == 7
    assert found(shipped_kb, batches=["state-council-4"], zones=["zhejiang"]) == {
        m.id for m in shipped_measures()
        if m.id in named_by_lineage("state-council-4") and "zhejiang" in m.zones}
    # a nationwide step that names no batch is in no batch (scope= finds it, batch= does not)
    unbatched = {m.id for m in shipped_measures()
                 if any(s.scope == "national" and not s.batch for s in m.lineage)}
    in_some_batch = found(shipped_kb, batches=register_batches())
    assert unbatched and not unbatched & in_some_batch
    assert unbatched <= found(shipped_kb, scopes=["national"])


def test_the_batches_are_the_registers_even_those_no_measure_names(shipped_kb, shipped_client):
    choices = shipped_kb.facet_choices()["batch"]
    assert [c["id"] for c in choices] == register_batches()
    seventh = next(c for c in choices if c["id"] == "state-council-7")
    assert seventh["name"].startswith("Notice of the State Council") and \
        seventh["name_zh"] == "国务院关于做好自由贸易试验区第七批改革试点经验复制推广工作的通知"
    counts = shipped_kb.search("", per_page=1).facets["batch"]
    assert counts["state-council-6"] == 0 and counts["state-council-4"] == 8
    doc = shipped_client.get("/api/openapi.json").get_json()
    parameter = next(p for p in doc["paths"]["/api/search"]["get"]["parameters"]
                     if p["name"] == "batch")
    assert parameter["schema"]["items"]["enum"] == register_batches()


def test_an_unknown_batch_is_a_400_naming_the_known_ones(shipped_client):
    response = shipped_client.get("/api/search", query_string={"batch": "state-council-8"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["kind"] == "batch" and body["value"] == "state-council-8"
    assert body["error"].startswith("There is no batch 'state-council-8'")
    assert "state-council-7" in body["error"] and body["known"] == register_batches()
    page = shipped_client.get("/zh/search", query_string={"batch": "state-council-8"})
    assert page.status_code == 400 and "未知的批次" in page.get_data(as_text=True)
    assert shipped_client.get("/search.csv", query_string={"batch": "nope"}).status_code == 400
    # in the query syntax, a note rather than an error
    assert shipped_client.get("/api/search", query_string={"q": "batch:nope"}).status_code == 200


def test_the_batch_panel_lists_the_batches_with_measures_and_their_counts(shipped_client):
    html = shipped_client.get("/search").get_data(as_text=True)
    panel = html.split("<h2>Batch</h2>", 1)[1].split("</ul>", 1)[0]
    listed = re.findall(r'href="[^"]*batch=([a-z0-9-]+)[^"]*" data-facet="batch"', panel)
    with_measures = [b for b in register_batches() if named_by_lineage(b)]
    assert listed == with_measures  # the register's order; a batch no measure names is hidden
    counts = [int(n) for n in re.findall(r'<span class="count">(\d+)</span>', panel)]
    assert counts == [len(named_by_lineage(b)) for b in with_measures]
    assert "Notice of the State Council on replicating and promoting the seventh batch" in panel
    chinese = shipped_client.get("/zh/search", query_string={"batch": "state-council-7"})
    text = chinese.get_data(as_text=True)
    assert "<h2>批次</h2>" in text and text.count('data-facet="batch" aria-current="true"') == 1
    assert "国务院关于做好自由贸易试验区第七批改革试点经验复制推广工作的通知" in text


def test_a_batch_export_and_feed_are_filtered_by_it_and_name_it(shipped_client):
    data = shipped_client.get("/search.json", query_string={"batch": "mofcom-cases-6"}).get_json()
    assert data["batches"] == ["mofcom-cases-6"]
    assert {m["id"] for m in data["measures"]} == named_by_lineage("mofcom-cases-6")
    feed = shipped_client.get("/search.atom", query_string={"batch": "mofcom-cases-6"})
    title = re.search(r"<title>([^<]*)</title>", feed.get_data(as_text=True)).group(1)
    assert title.endswith('Sixth batch of "Best Practice Cases" of the pilot free trade zones')


# -- the source_kind facet: whether a measure's source is held (and quoted) or cited ---------

def of_source_kind(kind: str) -> set[str]:
    """The reference, read off the sources the records rest on (the taxonomy's `kind`), not
    off the records' quotes as the facet reads them."""
    sources = load_catalog(PROJECT / "measures").taxonomy.sources
    return {m.id for m in shipped_measures() if sources[m.source].kind == kind}


def test_source_kind_finds_exactly_the_measures_on_held_or_cited_sources(shipped_kb,
                                                                         shipped_client):
    held, cited = of_source_kind("held"), of_source_kind("cited")
    assert held and cited and not held & cited
    assert held | cited == {m.id for m in shipped_measures()}
    for kind, want in (("held", held), ("cited", cited)):
        assert found(shipped_kb, source_kinds=[kind]) == want
        data = shipped_client.get("/api/search", query_string={"source_kind": kind,
                                                               "per_page": 100}).get_json()
        assert data["total"] == len(want) and data["facets"]["source_kind"][kind] == len(want)
        listed = set()
        for page in range(1, len(want) // 100 + 2):
            listed |= {h["id"] for h in shipped_client.get("/api/search", query_string={
                "source_kind": kind, "per_page": 100, "page": page}).get_json()["results"]}
        assert listed == want
        # each hit says so in its citation, and quotes its source exactly when it is held
        assert all(h["source"]["kind"] == kind and (h["quote"] is not None) == (kind == "held")
                   for h in data["results"])
    assert found(shipped_kb, source_kinds=["held", "cited"]) == held | cited
    # with another filter: both
    assert found(shipped_kb, source_kinds=["held"], zones=["zhejiang"]) == {
        m.id for m in shipped_measures() if m.id in held and "zhejiang" in m.zones}


def test_source_kind_in_a_query_in_either_language(shipped_kb):
    held = of_source_kind("held")
    for query in ("source_kind:held", "source_kind:保存", "source_kind:HELD"):
        result = shipped_kb.search(query, per_page=100)
        assert {h.id for h in result.hits} == held and not result.notes, query
    cited = shipped_kb.search("source_kind:引用", per_page=100)
    assert cited.total == len(of_source_kind("cited"))
    # with words: the held records that hold them
    words = shipped_kb.search("customs source_kind:held", per_page=100)
    assert words.hits and {h.id for h in words.hits} <= held
    assert {h.id for h in words.hits} == {
        h.id for h in shipped_kb.search("customs", per_page=100).hits} & held


def test_an_unknown_source_kind_is_a_400_naming_the_known_ones(shipped_client):
    response = shipped_client.get("/api/search", query_string={"source_kind": "quoted"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["kind"] == "source_kind" and body["value"] == "quoted"
    assert body["known"] == ["held", "cited"] and "Known: held, cited" in body["error"]
    close = shipped_client.get("/api/search", query_string={"source_kind": "helt"}).get_json()
    assert close["suggestion"] == "held" and "did you mean source_kind:held?" in close["error"]
    page = shipped_client.get("/zh/search", query_string={"source_kind": "quoted"})
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "<h1>未知的来源类型</h1>" in text
    assert "没有名为“quoted”的来源类型" in text and "保存（全文存于本站并被引用）（source_kind:held）" in text
    assert shipped_client.get("/search", query_string={"source_kind": "quoted"}).status_code == 400
    assert shipped_client.get("/search.csv", query_string={"source_kind": "x"}).status_code == 400
    # in the query syntax, a note rather than an error
    noted = shipped_client.get("/api/search", query_string={"q": "source_kind:quoted"})
    assert noted.status_code == 200 and "There is no source_kind 'quoted'" in noted.get_json()["notes"][0]


def test_the_source_panel_lists_held_and_cited_with_their_counts(shipped_client):
    want = {"held": len(of_source_kind("held")), "cited": len(of_source_kind("cited"))}
    html = shipped_client.get("/search").get_data(as_text=True)
    panel = html.split("<h2>Source</h2>", 1)[1].split("</ul>", 1)[0]
    listed = re.findall(r'href="[^"]*source_kind=([a-z]+)[^"]*" data-facet="source_kind"', panel)
    counts = [int(n) for n in re.findall(r'<span class="count">(\d+)</span>', panel)]
    assert dict(zip(listed, counts)) == want and listed == ["held", "cited"]
    assert "Held (its text kept and quoted)" in panel
    chinese = shipped_client.get("/zh/search", query_string={"source_kind": "held"})
    text = chinese.get_data(as_text=True)
    panel = text.split("<h2>来源</h2>", 1)[1].split("</ul>", 1)[0]
    assert "保存（全文存于本站并被引用）" in panel and "引用（链接并描述公开网页）" in panel
    assert text.count('data-facet="source_kind" aria-current="true"') == 1


def test_a_source_kind_export_and_feed_are_filtered_by_it_and_name_it(shipped_client):
    data = shipped_client.get("/search.json", query_string={"source_kind": "held"}).get_json()
    assert data["source_kinds"] == ["held"]
    assert {m["id"] for m in data["measures"]} == of_source_kind("held")
    for lang, name in (("en", "Held (its text kept and quoted)"), ("zh", "保存（全文存于本站并被引用）")):
        feed = shipped_client.get("/search.atom", query_string={"source_kind": "held", "lang": lang})
        title = re.search(r"<title>([^<]*)</title>", feed.get_data(as_text=True)).group(1)
        assert title.endswith(name), (lang, title)
