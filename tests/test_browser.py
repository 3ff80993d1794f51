"""The site in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

What an analyst does: search from the home page, narrow by a zone, open a measure, browse a
pillar, compare two zones, download the CSV, type and see results live. Each run saves full-page
screenshots of the main pages into screenshots/ for review. Console errors (which include
Content-Security-Policy violations) fail the test that caused them.

Without Chromium or the playwright package these tests are skipped, unless CI is set in the
environment (as .ci/run does): there a missing browser fails. The fixtures (`browser`,
`live_server`, `page`, `phone`) are in conftest.py, their helpers in tests/browserhelpers.py.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest

from tests.browserhelpers import DESKTOP, PHONE, expect, new_page, result_ids, screenshot
from tests.conftest import PROJECT
from tests.helpers import ZHEJIANG_OIL, ZONE_COUNT
from tests.webhelpers import fixture_records

CJK_FONTS = ("Noto Sans CJK", "Noto Serif CJK", "WenQuanYi", "Droid Sans Fallback")
RECORDS = fixture_records()


def fonts_used(page, selector: str) -> dict[str, int]:
    """The fonts Chromium actually drew the element's text with, and how many glyphs each."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    cdp.send("CSS.enable")
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return {f["familyName"]: f["glyphCount"] for f in fonts}


def assert_chinese_renders(page, selector: str) -> None:
    fonts = fonts_used(page, selector)
    assert any(name.startswith(CJK_FONTS) for name in fonts), (
        f"{selector} is not drawn with a CJK font ({fonts}); install fonts-noto-cjk")


# -- what an analyst does ---------------------------------------------------------------

def test_search_from_the_home_page(page):
    page.goto("/")
    page.get_by_label("Search measures in English or Chinese").fill("bonded oil tank")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=bonded+oil+tank")
    assert result_ids(page)[0] == ZHEJIANG_OIL
    assert page.locator("section.results mark").count() > 0
    screenshot(page, "results")


def test_narrow_by_a_zone_facet(page):
    page.goto("/search?q=customs")
    everything = set(result_ids(page))
    page.locator('.facets a[data-facet="zone"]', has_text="Shanghai").click()
    page.wait_for_url("**zone=shanghai**")
    narrowed = set(result_ids(page))
    assert narrowed and narrowed < everything
    assert all("shanghai" in RECORDS[m]["zones"] for m in narrowed)
    assert page.locator(".active-filters").get_by_text("Shanghai").is_visible()


def test_open_a_measure(page):
    page.goto("/search?q=railway")
    first = page.locator("section.results .measure-title a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url("**/measures/*")
    measure_id = page.url.rsplit("/", 1)[-1]
    assert page.locator("h1").inner_text() == title == RECORDS[measure_id]["title"]
    assert page.locator("p.h1-alt").inner_text() == RECORDS[measure_id]["title_zh"]
    assert_chinese_renders(page, "p.h1-alt")
    screenshot(page, "measure")


def test_browse_a_pillar(page):
    page.goto("/pillars")
    page.get_by_role("link", name="Logistics channels and services").first.click()
    page.wait_for_url("**/pillars/logistics")
    hrefs = page.locator(".pillar-list .measure-title a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    expected = {m for m, r in RECORDS.items() if r["pillar"] == "logistics"}
    assert sorted(h.rsplit("/", 1)[-1] for h in hrefs) == sorted(expected)  # each once
    assert page.locator(".tile-map a.tile").count() == ZONE_COUNT
    screenshot(page, "pillar")


def test_compare_two_zones(page):
    page.goto("/compare")
    page.get_by_label("First zone").select_option("zhejiang")
    page.get_by_label("Second zone").select_option("shanghai")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/compare?zone=zhejiang&zone=shanghai")  # the unused third left out
    table = page.locator("table.compare-table")
    columns = table.locator("thead th").all_inner_texts()
    assert [c.split()[0] for c in columns] == ["Zhejiang", "Shanghai"]
    assert table.locator("tbody.compare-pillar").count() == 4
    zhejiang = table.locator('td[data-zone="zhejiang"][data-pillar="institutional-innovation"] a[href^="/measures/"]')
    assert {a.rsplit("/", 1)[-1] for a in zhejiang.evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")} == {
        m for m, r in RECORDS.items() if r["zones"] == ["zhejiang"]
        and r["pillar"] == "institutional-innovation"}
    assert_chinese_renders(page, "h1 .h1-alt")
    screenshot(page, "compare")


def test_download_the_csv(page):
    page.goto("/zones/zhejiang")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    download = info.value
    assert download.suggested_filename == "ftz-measures-zhejiang.csv"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert {r["id"] for r in rows} == {m for m, r in RECORDS.items() if "zhejiang" in r["zones"]}
    assert all(r["zones"] == "zhejiang" for r in rows)
    screenshot(page, "zone")


# -- the home page's pictures and the live search ------------------------------------------

def test_home_page_pictures(page):
    page.goto("/")
    tiles = page.locator(".tile-map a.tile")
    assert tiles.count() == ZONE_COUNT
    box = page.locator(".tile-map").bounding_box()
    assert box["width"] > 300 and box["height"] > 250  # drawn, not collapsed
    assert page.locator("table.heat-table td.cell").count() == ZONE_COUNT * 4
    assert page.evaluate("""() => { const s = document.querySelector('.chart-matrix .table-scroll');
        return s.scrollWidth <= s.clientWidth; }"""), "a column of the matrix is out of sight"
    assert_chinese_renders(page, ".tile-map .tile-zh")
    screenshot(page, "home")
    if os.environ.get("FTZ_UPDATE_DOCS"):  # the README's picture: FTZ_UPDATE_DOCS=1 pytest -k pictures
        page.screenshot(path=str(PROJECT / "docs" / "home.png"))
    table = page.locator("details.table-view table").first
    assert table.is_hidden()
    page.locator("details.table-view summary").first.click()
    assert table.is_visible()
    page.locator('.tile-map a[href="/zones/zhejiang"]').click()
    page.wait_for_url("**/zones/zhejiang")
    assert "Zhejiang" in page.locator("h1").inner_text()


PAGE_KINDS = {
    "home": "/", "search": "/search?q=customs", "search-empty": "/search?q=zzznothing",
    "zones": "/zones", "zone": "/zones/shanghai", "pillars": "/pillars",
    "pillar": "/pillars/logistics", "measure": "/measures/china-laos-railway-multimodal-one-order-system",
    "compare-choose": "/compare", "compare": "/compare?zone=zhejiang&zone=shanghai&zone=anhui",
    "sources": "/sources", "source": "/sources/mofcom-2023-05-11-press-conference",
    "nationwide": "/nationwide", "not-found": "/no/such/page", "bad-request": "/search?zone=zhejang",
    "batch": "/nationwide/state-council-3", "register-filtered": "/nationwide?field=human-resources",
    "coverage": "/coverage", "zone-empty": "/zones/hainan",
}
WIDTH_REPORT = Path(os.environ.get("FTZ_WIDTH_REPORT", "")) if os.environ.get("FTZ_WIDTH_REPORT") else None


@pytest.fixture(scope="module")
def shared_phone(browser, live_server):
    """One 390 px page for every case of this module (its console errors checked by each
    test, as an error page's own status is logged), where conftest's `phone` is one per test."""
    page = new_page(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    yield page
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_no_page_scrolls_sideways_on_a_phone(shared_phone, kind, lang):
    url = PAGE_KINDS[kind] if lang == "en" else "/zh" + PAGE_KINDS[kind]
    shared_phone.errors.clear()
    shared_phone.goto(url)
    assert shared_phone.evaluate("document.documentElement.lang") == (
        "en" if lang == "en" else "zh-Hans")
    width = shared_phone.evaluate("document.documentElement.scrollWidth")
    wider = shared_phone.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .slice(0, 3).map(e => e.tagName + '.' + e.className)""")
    if WIDTH_REPORT:
        with WIDTH_REPORT.open("a") as report:
            report.write(f"{lang}\t{kind}\t{width}\n")
    assert width <= PHONE["width"], f"{url} is {width} px wide on a 390 px phone: {wider}"
    screenshot(shared_phone, f"phone-{kind}-{lang}")
    # an error page's own status is logged by the browser; nothing else may be
    assert [e for e in shared_phone.errors
            if "status of 40" not in e or kind not in ("not-found", "bad-request")] == []


def _overflowing(page, selector: str) -> list[str]:
    """Elements matching `selector` whose content is wider than they are, or that reach past
    the screen's edge: text cut off or out of sight."""
    return page.locator(selector).evaluate_all("""els => els.filter(e =>
        e.scrollWidth > e.clientWidth + 1 ||
        e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5 ||
        e.getBoundingClientRect().width === 0).map(e => e.textContent.trim().slice(0, 40))""")


@pytest.mark.parametrize("lang", ["", "/zh"])
def test_compare_on_a_phone_shows_every_zone_whole(shared_phone, lang):
    shared_phone.goto(lang + "/compare?zone=zhejiang&zone=shanghai&zone=anhui")
    cells = shared_phone.locator("td[data-zone]")
    assert cells.count() == 3 * 4
    assert _overflowing(shared_phone, "td[data-zone], td.shared-cell, .compare-table thead th") == []
    # each zone's cell says whose it is, where the columns' heads are out of sight
    for zone in ("zhejiang", "shanghai", "anhui"):
        heading = shared_phone.locator(f'td[data-zone="{zone}"] .cell-zone').first
        assert heading.is_visible()
    texts = shared_phone.locator('td[data-zone="anhui"] .cell-zone').all_inner_texts()
    assert all(("Anhui" in t) if not lang else ("安徽" in t) for t in texts)


@pytest.mark.parametrize("lang", ["", "/zh"])
def test_the_matrix_and_the_map_are_whole_and_bilingual_on_a_phone(shared_phone, lang):
    shared_phone.goto(lang + "/")
    # every column of the matrix in sight, nothing to scroll to without a cue
    assert _overflowing(shared_phone, "table.heat-table th, table.heat-table td") == []
    assert shared_phone.evaluate("""() => { const s = document.querySelector('.chart-matrix .table-scroll');
        return s.scrollWidth <= s.clientWidth; }""")
    assert shared_phone.locator("table.heat-table thead th").count() == 4 + 2
    key = shared_phone.locator(".pillar-key li").all_inner_texts()
    assert len(key) == 4 and all(re.search("[A-Za-z]", k) and re.search("[\u4e00-\u9fff]", k) for k in key)
    # every tile shows both names and its count, none cut off
    for part in (".tile-zh", ".tile-en", ".tile-count"):
        assert shared_phone.locator(f".tile-map {part}").evaluate_all(
            "els => els.filter(e => e.getBoundingClientRect().width === 0).length") == 0
    assert _overflowing(shared_phone, ".tile-map .tile") == []
    en_sizes = shared_phone.locator(".tile-map .tile-en").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert min(en_sizes) >= 9  # legible


def test_results_update_as_one_types(page):
    page.goto("/search")
    page.evaluate("window.stillTheSamePage = true")
    search = page.get_by_label("Search measures in English or Chinese")
    search.press_sequentially("railway", delay=30)
    expect(page.locator("section.results .measure-title a")).to_have_count(1)
    assert "china-laos-railway-multimodal-one-order-system" in result_ids(page)
    assert page.evaluate("window.stillTheSamePage") is True  # replaced in place, not reloaded
    assert page.url.endswith("/search?q=railway")
    assert "railway" in page.locator("link[rel=alternate][type='application/atom+xml']").get_attribute("href")
    assert page.locator("#live-status").inner_text().startswith("1 measure")
    assert page.locator("h1").inner_text() == "Search results"
    assert page.locator("#lang-switch").get_attribute("href") == "/zh/search?q=railway"


def test_live_results_that_find_nothing_say_so(page):
    page.goto("/search")
    assert page.locator("h1").inner_text() == "All measures"
    page.get_by_label("Search measures in English or Chinese").press_sequentially("zzqx", delay=30)
    expect(page.locator("#live-status")).to_have_text(re.compile(r"^0 measures match"))
    assert page.locator("h1").inner_text() == "Search results"  # not "All measures" over nothing
    assert page.locator("section.results .measure-title").count() == 0
    assert "No measures match this search." in page.locator("#live-results").inner_text()
    page.get_by_label("Search measures in English or Chinese").fill("")
    page.get_by_label("Search measures in English or Chinese").press("Backspace")
    expect(page.locator("h1")).to_have_text("All measures")


def test_the_language_switch_in_a_browser(page):
    page.goto("/search?q=oil&zone=zhejiang")
    page.locator("#lang-switch").click()
    page.wait_for_url("**/zh/search?q=oil&zone=zhejiang")
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    assert page.locator("h1").inner_text() == "搜索结果"
    assert_chinese_renders(page, "h1")
    screenshot(page, "results-zh")
    page.locator("#lang-switch").click()
    page.wait_for_url("**/search?q=oil&zone=zhejiang")
    assert page.evaluate("document.documentElement.lang") == "en"


def test_a_chinese_browser_lands_on_the_chinese_home(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto("/")
        assert page.url.endswith("/zh/") and page.evaluate("document.documentElement.lang") == "zh-Hans"
        screenshot(page, "home-zh")
        page.locator("#lang-switch").click()
        page.wait_for_url("**/?lang=en")
        page.goto("/")  # the choice is remembered: no redirect now
        assert page.url.endswith("/") and page.evaluate("document.documentElement.lang") == "en"
    finally:
        context.close()


def test_without_javascript_the_form_submits(browser, live_server):
    page = new_page(browser, live_server, java_script_enabled=False)
    try:
        page.goto("/search")
        search = page.get_by_label("Search measures in English or Chinese")
        search.fill("保税")
        search.press("Enter")
        page.wait_for_url("**/search?q=*")
        assert ZHEJIANG_OIL in result_ids(page)
        assert page.locator("#q-hint").is_hidden()  # "updates as you type" is not promised
    finally:
        page.context.close()


def test_keyboard_focus_is_visible(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return {text: el.textContent.trim(), outline: style.outlineStyle, top: box.top};
    }""")
    assert focused["text"] == "Skip to main content"
    assert focused["outline"] != "none" and focused["top"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    for landmark in ("banner", "navigation", "main", "contentinfo", "search"):
        assert page.get_by_role(landmark).count() >= 1, landmark
    # the map's tiles are reached by Tab and show where the focus is
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('tile')"):
            break
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert ring == "4px"
