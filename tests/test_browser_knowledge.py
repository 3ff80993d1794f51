"""The real knowledge base in a real browser (headless Chromium, as tests/test_browser.py): a
measure on a cited source with its lineage, the nationwide page and the lineage facet, on a
desktop and on a 390 px phone, in both languages. The pages are those of the shipped
measures/, so what is checked is taken from the records themselves."""

from __future__ import annotations

import pytest

from indexer.records.catalog import load_catalog
from tests.conftest import SHIPPED
from tests.browserhelpers import PHONE, expect, result_ids, screenshot, serving

CATALOG = load_catalog(SHIPPED)


def _richest_lineage():
    """The shipped measure on a cited source with the most lineage steps (ties by id)."""
    cited = [m for m in CATALOG.measures.values()
             if m.lineage and not CATALOG.taxonomy.sources[m.source].held]
    return max(cited, key=lambda m: (len(m.lineage), m.id))


MEASURE = _richest_lineage()
SOURCE = CATALOG.taxonomy.sources[MEASURE.source]
NATIONWIDE = sorted(m.id for m in CATALOG.measures.values()
                    if any(step.scope == "national" for step in m.lineage))
# The records the register page links: every item's record, and the measures replicated
# nationwide or listed as best-practice cases with no batch named.
REPLICATED = sorted(m.id for m in CATALOG.measures.values()
                    if any(step.scope in ("national", "best-practice-case") for step in m.lineage))


@pytest.fixture(scope="module")
def live_server(shipped_index):
    """The app on the shipped records."""
    yield from serving(shipped_index)


def _check_measure_page(page, prefix: str = "") -> None:
    page.goto(f"{prefix}/measures/{MEASURE.id}")
    timeline = page.locator("ol.timeline > li")
    expect(timeline).to_have_count(1 + len(MEASURE.lineage))
    dates = timeline.locator("time").evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))")
    assert dates == sorted(dates) and MEASURE.date in dates
    for step in MEASURE.lineage:
        assert step.date in dates
    citation = page.locator("section.citation")
    expect(citation.locator("blockquote")).to_have_count(0)  # a cited source: no quote
    original = citation.locator(f'a[href="{SOURCE.url}"]').first
    expect(original).to_be_visible()
    expect(citation.locator(f'a[href="{prefix}/sources/{SOURCE.id}"]').first).to_be_visible()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_measure_on_a_cited_source_shows_its_citation_and_lineage(page, phone, viewport):
    page = phone if viewport == "phone" else page
    _check_measure_page(page)
    if viewport == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, f"measure-lineage-{viewport}")


def test_the_chinese_measure_page_shows_the_same_timeline(phone):
    _check_measure_page(phone, prefix="/zh")
    expect(phone.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "measure-lineage-zh-phone")


def test_nationwide_page_and_the_lineage_facet(page):
    page.goto("/nationwide")
    listed = page.locator("a.item-record, section.group .measure-title a").evaluate_all(
        "links => links.map(a => a.getAttribute('href').split('/').pop())")
    assert sorted(set(listed)) == REPLICATED
    screenshot(page, "nationwide")
    page.goto("/search")
    page.locator('a[data-facet="scope"]', has_text="Replicated nationwide").click()
    page.wait_for_url("**/search?scope=national")
    shown = result_ids(page)
    assert set(shown) <= set(NATIONWIDE) and len(shown) == min(20, len(NATIONWIDE))
