"""`ftz check` catches every kind of broken record, each reported as path:line: field: message."""

from __future__ import annotations

import hashlib

import pytest

from indexer.records.catalog import load_catalog
from tests.helpers import CITED, ZHEJIANG_OIL, ZONE_COUNT, edit, record, write


def problems(measures) -> list[str]:
    return [str(p) for p in load_catalog(measures).problems]


def test_shipped_records_are_clean_and_complete():
    from tests.conftest import SHIPPED

    catalog = load_catalog(SHIPPED)
    assert catalog.problems == []
    assert len(catalog.taxonomy.zones) == ZONE_COUNT
    assert list(catalog.taxonomy.pillars) == [
        "institutional-innovation", "key-industries", "precise-services", "logistics"]
    assert len(catalog.measures) >= 13
    established = {z.id: z.established for z in catalog.taxonomy.zones.values()}
    assert established["shanghai"] == 2013 and established["anhui"] == 2020
    assert established["hainan"] == 2018 and established["yunnan"] == 2019


def test_every_quote_is_verbatim_in_its_source_and_never_the_boilerplate():
    from tests.conftest import SHIPPED

    catalog = load_catalog(SHIPPED)
    for measure in catalog.measures.values():
        source = catalog.taxonomy.sources[measure.source]
        if not source.held:
            assert measure.quote is None and source.url, measure.id
            continue
        text = " ".join(source.text.split())
        assert " ".join(measure.quote.split()) in text, measure.id
        assert "Huacheng" not in measure.quote, measure.id


def test_the_knowledge_base_covers_zones_years_sources_and_lineage():
    """What makes the knowledge base worth opening (issue 10): many sources, most zones, several
    years, measures followed to their replication; and no source that nothing cites."""
    from tests.conftest import SHIPPED

    catalog = load_catalog(SHIPPED)
    measures = list(catalog.measures.values())
    assert len(measures) >= 63 and len(catalog.taxonomy.sources) >= 11
    assert len({z for m in measures for z in m.zones}) >= 18
    assert len({m.date[:4] for m in measures}) >= 3
    assert sum(1 for m in measures if m.lineage) >= 10
    cited = {m.source for m in measures} | {s for m in measures for s in m.see_also} | {
        step.source for m in measures for step in m.lineage}
    for batch in catalog.taxonomy.batches.values():  # the register cites its sources too
        cited |= {batch.source, batch.items_stated_source, batch.title_source, *batch.see_also}
        cited |= {s for item in batch.items for s in (item.name_en_source, item.zones_source)}
    cited |= {total.source for total in catalog.taxonomy.totals.values()}
    assert set(catalog.taxonomy.sources) == cited - {None}


def test_every_shipped_record_is_dated_as_its_source():
    """Dates are the source's date: the year chart shows when sources reported measures."""
    from tests.conftest import SHIPPED

    catalog = load_catalog(SHIPPED)
    for measure in catalog.measures.values():
        assert measure.date == catalog.taxonomy.sources[measure.source].date, measure.id


# SHA-256 of the source as received (../shared/seed/000_c1e19b16a8446bfa.txt)
SEED_SHA256 = "5795a87a2371aae362a20c57d5de3922741f26136bdd9a93023b096003abebea"


def test_source_body_is_the_seed_verbatim():
    from tests.conftest import PROJECT, SHIPPED

    catalog = load_catalog(SHIPPED)
    source = catalog.taxonomy.sources["mofcom-2023-05-11-press-conference"]
    assert hashlib.sha256(source.text.encode("utf-8")).hexdigest() == SEED_SHA256
    seed = PROJECT.parent / "shared" / "seed" / "000_c1e19b16a8446bfa.txt"
    if seed.exists():  # beside the checkout in CI: compare with the file itself too
        assert source.text == seed.read_text(encoding="utf-8")
    assert {f.id for f in source.figures} >= {"trade-total", "exports", "imports", "foreign-investment"}


CASES = [
    # (what to write over the Zhejiang record's text, expected line, field, message part)
    ("title: Shared", "title: [unclosed", 2, "(front matter)", "YAML syntax error"),
    ("pillar: institutional-innovation\n", "", 2, "pillar", "required field is missing"),
    ("date: 2023-05-11", "date: 2023-05-11\npilar: logistics", 7, "pilar", "did you mean 'pillar'"),
    ("zones: [zhejiang]", "zones: [zhejaing]", 4, "zones", "did you mean 'zhejiang'"),
    ("pillar: institutional-innovation", "pillar: logistic", 5, "pillar", "did you mean 'logistics'"),
    ("source: mofcom-2023-05-11-press-conference", "source: mofcom-2023-05-12-press-conference",
     8, "source", "did you mean 'mofcom-2023-05-11-press-conference'"),
    ("date: 2023-05-11", "date: 2023-02-30", 6, "date", "not a real date"),
    ("date: 2023-05-11", "date: 2999-01-01", 6, "date", "in the future"),
    ("date: 2023-05-11", "date: May 2023", 6, "date", "YYYY-MM-DD"),
    ("title_zh: 保税和非保税油品“同罐共储”", "title_zh: Same tank", 3, "title_zh", "Chinese"),
    # Chinese text as docs/style-zh.md writes it: “” and （）, never the ASCII ones
    ("title_zh: 保税和非保税油品“同罐共储”", 'title_zh: 保税和非保税油品"同罐共储"', 3, "title_zh",
     "ASCII double quotes"),
    ("title_zh: 保税和非保税油品", "title_zh: 中国(浙江)自由贸易试验区保税和非保税油品", 3,
     "title_zh", "half-width brackets ('国(浙江)')"),
    ("oil and gas products in the same tank\" and", "oil and gas in the same tank\" and",
     9, "quote", "does not occur verbatim"),
    ("tags: [bonded,", "tags: [Bonded,", 7, "tags", "is not a tag"),
    ("pillar: institutional-innovation", "pillar: institutional-innovation\nstatus: done",
     6, "status", "is not one of piloted, replicated, nationwide"),
    ("pillar: institutional-innovation", "pillar: institutional-innovation\npillar: logistics",
     6, "pillar", "given twice"),
]


@pytest.mark.parametrize("old,new,line,field,message", CASES,
                         ids=[c[4].split()[0] + "-" + c[3] for c in CASES])
def test_each_broken_field_is_reported_with_file_line_and_field(measures_copy, old, new, line,
                                                                 field, message):
    path = measures_copy / f"{ZHEJIANG_OIL}.md"
    edit(path, old, new)
    found = problems(measures_copy)
    assert any(p.startswith(f"measures/{ZHEJIANG_OIL}.md:{line}: {field}: ") and message in p
               for p in found), found


def test_all_problems_are_reported_in_one_run(measures_copy):
    edit(measures_copy / f"{ZHEJIANG_OIL}.md", "zones: [zhejiang]", "zones: [atlantis]")
    write(measures_copy / "another-broken.md", record(pillar="nowhere", title_zh="no chinese"))
    found = problems(measures_copy)
    assert len({p.split(":")[0] for p in found}) == 2
    assert any("unknown zone 'atlantis'" in p for p in found)
    assert any("another-broken.md" in p and "pillar" in p for p in found)
    assert any("another-broken.md" in p and "title_zh" in p for p in found)


def test_ids_that_collide_ignoring_case_and_bad_file_names(measures_copy):
    write(measures_copy / "Test-Measure.md", record())
    write(measures_copy / "test-measure.md", record())
    found = problems(measures_copy)
    assert any(p.startswith("measures/Test-Measure.md:1: id:") and "collides" in p for p in found)
    assert any(p.startswith("measures/test-measure.md:1: id:") and "collides" in p for p in found)
    assert any(p.startswith("measures/Test-Measure.md:1: id:") and "is not an id" in p for p in found)


def test_missing_front_matter(measures_copy):
    write(measures_copy / "no-front-matter.md", "Just text\n")
    assert any(p.startswith("measures/no-front-matter.md:1: (front matter):") for p in problems(measures_copy))


def test_broken_zones_file(measures_copy):
    edit(measures_copy / "zones.yaml", "    established: 2013", "    established: twenty-thirteen")
    edit(measures_copy / "zones.yaml", "  - id: guangdong", "  - id: Guang Dong")
    found = problems(measures_copy)
    assert any(p.startswith("measures/zones.yaml:") and ": established: must be a year" in p for p in found)
    assert any(p.startswith("measures/zones.yaml:") and ": id: 'Guang Dong' is not an id" in p for p in found)
    # records of the zones that fell out are then reported too, as unknown zones
    assert any("unknown zone 'shanghai'" in p for p in found)


def test_broken_pillars_file_and_yaml_syntax(measures_copy):
    write(measures_copy / "pillars.yaml", "pillars:\n  - id: [oops\n")
    found = problems(measures_copy)
    assert any(p.startswith("measures/pillars.yaml:2: (yaml): YAML syntax error") for p in found), found


def test_pillar_statement_must_be_verbatim(measures_copy):
    edit(measures_copy / "pillars.yaml", "empower development", "empower growth")
    found = problems(measures_copy)
    assert any(p.startswith("measures/pillars.yaml:") and "statement: does not occur verbatim" in p
               for p in found), found


def test_broken_source(measures_copy):
    path = measures_copy / "sources" / "mofcom-2023-05-11-press-conference.md"
    edit(path, "reached 794.9 billion yuan", "reached 795 billion yuan")  # the body, not the figure
    edit(path, "language: en", "language: English")
    found = problems(measures_copy)
    assert any("figures[1].quote: does not occur verbatim" in p for p in found), found
    assert any(": language: must be a language code" in p for p in found), found


def cited_record(extra: str = "", quote: str | None = None) -> str:
    text = record(source="test-cited-page", date="2025-09-18", extra=extra)
    lines = [line for line in text.split("\n") if not line.startswith("quote:")]
    if quote is not None:
        lines.insert(1, f"quote: {quote}")
    return "\n".join(lines)


LINEAGE = """lineage:
  - scope: national
    date: 2023-07
    source: test-cited-page
  - scope: best-practice-case
    date: 2025
    source: mofcom-2023-05-11-press-conference
"""


def test_a_record_on_a_cited_source_needs_no_quote_and_takes_its_status_from_lineage(measures_copy):
    write(measures_copy / "sources" / "test-cited-page.md", CITED)
    write(measures_copy / "test-cited.md", cited_record(
        extra=LINEAGE + "see_also: [mofcom-2023-05-11-press-conference]\n"
              "title_zh_note: our translation\n"))
    catalog = load_catalog(measures_copy)
    assert catalog.problems == []
    measure = catalog.measures["test-cited"]
    assert measure.quote is None and measure.status == "nationwide"
    assert [s.scope for s in measure.lineage] == ["national", "best-practice-case"]
    assert measure.lineage[0].batch is None and measure.lineage[1].date == "2025"
    assert measure.see_also == ("mofcom-2023-05-11-press-conference",)
    source = catalog.taxonomy.sources["test-cited-page"]
    assert source.kind == "cited" and source.text == "" and "test measure" in source.description


def test_a_province_step_makes_a_measure_replicated(measures_copy):
    write(measures_copy / "sources" / "test-cited-page.md", CITED)
    write(measures_copy / "test-cited.md", cited_record(
        extra="lineage:\n  - scope: province\n    date: 2025-09-18\n    source: test-cited-page\n"))
    assert load_catalog(measures_copy).measures["test-cited"].status == "replicated"


SOURCE_CASES = [
    # (source text, line, field, message part)
    (CITED.replace("url: https://example.gov.cn/page.html\n", ""), 2, "url",
     "a cited source needs the url"),
    (CITED.replace("A page that describes, among other things, a test measure.\n", ""), 10,
     "(body)", "description in the project's own words"),
    (CITED.replace("kind: cited", "kind: copied"), 2, "kind", "is not one of held, cited"),
    (CITED.replace("kind: cited\n", ""), 2, "kind", "required field is missing"),
    (CITED.replace("language: en", "language: en\nfigures: []"), 8, "figures",
     "a cited source holds none"),
    # the publisher's Chinese name, for the Chinese pages
    (CITED.replace("publisher_zh: 中华人民共和国商务部\n", ""), 2, "publisher_zh",
     "required field is missing"),
    (CITED.replace("中华人民共和国商务部", "中国(浙江)自由贸易试验区管理委员会"), 5, "publisher_zh",
     "half-width brackets"),
]


@pytest.mark.parametrize("text,line,field,message", SOURCE_CASES,
                         ids=[c[2] + "-" + c[3].split()[-1] for c in SOURCE_CASES])
def test_each_broken_cited_source_is_reported(measures_copy, text, line, field, message):
    write(measures_copy / "sources" / "test-cited-page.md", text)
    found = problems(measures_copy)
    assert any(p.startswith(f"measures/sources/test-cited-page.md:{line}: {field}: ") and message in p
               for p in found), found


def test_records_on_a_cited_source_without_url_are_reported_too(measures_copy):
    write(measures_copy / "sources" / "test-cited-page.md",
          CITED.replace("url: https://example.gov.cn/page.html\n", ""))
    write(measures_copy / "test-cited.md", cited_record())
    found = problems(measures_copy)
    assert any(p.startswith("measures/test-cited.md:8: source: ") and "has no url" in p
               for p in found), found


RECORD_CASES = [
    # (record text, line, field, message part)
    (cited_record(quote="Anything at all"), 2, "quote", "its text not held: a record on it has no quote"),
    (record().replace("quote: The pilot free trade zone actively strengthens international "
                      "logistics accessibility\n", ""), 2, "quote", "required: the sentence(s)"),
    (cited_record(extra="see_also: [test-cited-page]\n"), 9, "see_also", "the record's source already"),
    (cited_record(extra="see_also: [mofcom-2023-05-12-press-conference]\n"), 9, "see_also",
     "did you mean 'mofcom-2023-05-11-press-conference'"),
    (cited_record(extra=LINEAGE.replace("scope: national", "scope: region")), 10,
     "lineage[0].scope", "is not one of province, national, best-practice-case"),
    (cited_record(extra=LINEAGE.replace("date: 2023-07", "date: July 2023")), 11,
     "lineage[0].date", "YYYY-MM-DD, YYYY-MM or YYYY"),
    (cited_record(extra=LINEAGE.replace("date: 2023-07", "date: 2999-01")), 11,
     "lineage[0].date", "in the future"),
    (cited_record(extra=LINEAGE.replace("    source: test-cited-page\n", "    source: nowhere\n")), 12,
     "lineage[0].source", "unknown source 'nowhere'"),
    (cited_record(extra=LINEAGE.replace("    source: test-cited-page\n", "")), 10,
     "lineage[0].source", "required field is missing"),
    (cited_record(extra="lineage: []\n"), 9, "lineage", "must be a list of steps"),
    (cited_record(extra="status: piloted\n" + LINEAGE), 9, "status",
     "follows from the lineage (nationwide); leave it out"),
]


@pytest.mark.parametrize("text,line,field,message", RECORD_CASES,
                         ids=[c[2] + "-" + c[3].split()[-1] for c in RECORD_CASES])
def test_each_broken_citation_is_reported(measures_copy, text, line, field, message):
    write(measures_copy / "sources" / "test-cited-page.md", CITED)
    write(measures_copy / "test-cited.md", text)
    found = problems(measures_copy)
    assert any(p.startswith(f"measures/test-cited.md:{line}: {field}: ") and message in p
               for p in found), found


def test_a_quote_that_is_not_verbatim_gets_the_nearest_passage_and_the_differences(measures_copy):
    path = measures_copy / f"{ZHEJIANG_OIL}.md"
    edit(path, "promotes institutional innovations", "promoted institutional innovation")
    found = [p for p in problems(measures_copy) if p.startswith(f"measures/{ZHEJIANG_OIL}.md:9: quote: ")]
    assert len(found) == 1, found
    message = found[0]
    assert "does not occur verbatim in source 'mofcom-2023-05-11-press-conference'" in message
    # where to look: the source file and line of the passage, and the passage itself
    source = (measures_copy / "sources" / "mofcom-2023-05-11-press-conference.md").read_text()
    line = next(i for i, text in enumerate(source.split("\n"), 1)
                if "The Zhejiang Pilot Free Trade Zone promotes institutional innovations" in text)
    assert f"nearest passage, sources/mofcom-2023-05-11-press-conference.md:{line}: " in message
    assert '"The Zhejiang Pilot Free Trade Zone promotes institutional innovations such as' in message
    assert "the quote has 'promoted' where the source has 'promotes'" in message
    assert "the quote has 'innovation' where the source has 'innovations'" in message


def test_a_quote_with_a_word_left_out_says_which(measures_copy):
    edit(measures_copy / f"{ZHEJIANG_OIL}.md", "oil and gas products in the same tank\" and",
         "oil and gas in the same tank\" and")
    message = next(p for p in problems(measures_copy) if ": quote: " in p)
    assert "the quote leaves out 'products'" in message


def test_a_figure_the_source_does_not_give_is_reported(measures_copy):
    path = measures_copy / f"{ZHEJIANG_OIL}.md"
    text = path.read_text(encoding="utf-8")
    body_line = text.split("\n").index("---", 1) + 2
    write(path, text + "\nIt cut storage costs by 37% from 2021, in 1,250 tanks.\n")
    found = [p for p in problems(measures_copy) if ZHEJIANG_OIL in p]
    assert found == [f"measures/{ZHEJIANG_OIL}.md:{body_line}: (body): figure(s) 37, 2021, 1250 "
                     "appear in neither the quote nor source 'mofcom-2023-05-11-press-conference'"]


def test_figures_the_source_gives_and_markup_are_not_flagged(measures_copy):
    path = measures_copy / f"{ZHEJIANG_OIL}.md"
    # 6.6% and 1.8 trillion are in the source's text; numbers inside links and tags are markup
    write(path, path.read_text(encoding="utf-8") + "\nTrade grew 6.6% to 1.8 trillion yuan "
          "([figures](https://example.org/2099/report-77)) <span data-x=\"12\">here</span>.\n")
    assert [p for p in problems(measures_copy) if ZHEJIANG_OIL in p] == []


def test_a_pillar_statement_cannot_rest_on_a_cited_source(measures_copy):
    write(measures_copy / "sources" / "test-cited-page.md", CITED)
    edit(measures_copy / "pillars.yaml", "source: mofcom-2023-05-11-press-conference",
         "source: test-cited-page")
    found = problems(measures_copy)
    assert any(p.startswith("measures/pillars.yaml:") and "is a cited source" in p for p in found), found
