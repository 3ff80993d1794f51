"""Phones show results first (issue 19, item 6): on a 390x844 screen the first result of a
search starts within the first screen, in English and Chinese, with and without JavaScript;
the filters are folded behind one control (a <details>) that works without JavaScript, and
stand open beside the results on a wide screen. On the shipped records, as a reader sees them."""

from __future__ import annotations

import re

import pytest

from tests.browserhelpers import DESKTOP, PHONE, expect, new_page, screenshot, serving

SEARCHES = ["/search?q=bonded", "/search?q=FTZ", "/zh/search?q=保税", "/zh/search?q=FTZ"]
FIRST_RESULT = "section.results .measure-item"


@pytest.fixture(scope="module")
def live_server(shipped_index):
    yield from serving(shipped_index)


def _phone(browser, live_server, javascript: bool):
    return new_page(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True,
                     java_script_enabled=javascript)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("url", SEARCHES)
def test_the_first_result_is_on_the_first_screen_of_a_phone(browser, live_server, url, javascript):
    page = _phone(browser, live_server, javascript)
    try:
        page.goto(url)
        top = page.locator(FIRST_RESULT).first.evaluate("e => e.getBoundingClientRect().top")
        print(f"{url} ({'js' if javascript else 'no js'}): first result at {top:.0f} px")
        assert top < PHONE["height"], f"{url}: the first result starts {top:.0f} px down"
        expect(page.locator(".facets-fold .facet-group").first).to_be_hidden()
        if javascript:
            assert page.errors == []
    finally:
        page.context.close()


@pytest.mark.parametrize("prefix, control", [("", "Filters"), ("/zh", "筛选")])
def test_the_folded_filters_open_and_work_without_javascript(browser, live_server, prefix, control):
    page = _phone(browser, live_server, javascript=False)
    try:
        page.goto(f"{prefix}/search?q=bonded")
        zone = page.locator('.facets a[data-facet="zone"]').first
        expect(zone).to_be_hidden()
        page.locator(".facets-fold > summary", has_text=control).click()
        expect(zone).to_be_visible()
        screenshot(page, f"phone-filters-open{prefix.replace('/', '-')}")
        zone_id = re.search(r"zone=([a-z0-9-]+)", zone.get_attribute("href")).group(1)
        zone.click()
        page.wait_for_url(re.compile(rf"zone={zone_id}"))
        # filtered: the results still come first, and the fold says a filter is in use
        top = page.locator(FIRST_RESULT).first.evaluate("e => e.getBoundingClientRect().top")
        assert top < PHONE["height"]
        expect(page.locator(".facets-fold > summary")).to_contain_text("1")
    finally:
        page.context.close()


def test_the_filters_stand_open_on_a_wide_screen(browser, live_server):
    page = new_page(browser, live_server, viewport=DESKTOP, java_script_enabled=False)
    try:
        page.goto("/search?q=bonded")
        expect(page.locator('.facets a[data-facet="zone"]').first).to_be_visible()
        expect(page.locator(".facets-fold > summary")).to_be_hidden()
    finally:
        page.context.close()
