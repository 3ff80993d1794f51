"""`ftz check` catches every kind of broken record, each reported as path:line: field: message."""

from __future__ import annotations

import hashlib

import pytest

from indexer.catalog import load_catalog
from tests.helpers import ZHEJIANG_OIL, edit, record, write


def problems(measures) -> list[str]:
    return [str(p) for p in load_catalog(measures).problems]


def test_shipped_records_are_clean_and_complete():
    from tests.conftest import SHIPPED

    catalog = load_catalog(SHIPPED)
    assert catalog.problems == []
    assert len(catalog.taxonomy.zones) == 21
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
        text = " ".join(catalog.taxonomy.sources[measure.source].text.split())
        assert " ".join(measure.quote.split()) in text, measure.id
        assert "Huacheng" not in measure.quote, measure.id


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
    ('title_zh: 保税和非保税油品"同罐共储"', "title_zh: Same tank", 3, "title_zh", "Chinese"),
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
