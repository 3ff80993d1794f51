"""Issue 13's search in a real browser (headless Chromium, as tests/test_browser.py): live
results that leave words out say which, a zone without records links its page, Chinese
queries find what English ones find; on a desktop and on a 390 px phone."""

from __future__ import annotations

import re

import pytest

from tests.browserhelpers import expect, result_ids, screenshot

EXPRESS = "guangdong-express-perishable-exports-6-hour-release"
SEARCH_LABEL = {"en": "Search measures in English or Chinese", "zh": "用中文或英文搜索举措"}


def _type(page, text: str, lang: str = "en") -> None:
    page.get_by_label(SEARCH_LABEL[lang]).press_sequentially(text, delay=30)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_live_results_say_which_words_were_left_out(page, phone, viewport):
    page = phone if viewport == "phone" else page
    page.goto("/search")
    page.evaluate("window.stillTheSamePage = true")
    _type(page, "express delivery")
    notice = page.locator("#live-results .notice.relaxed")
    expect(notice).to_be_visible()
    expect(notice.locator("s")).to_have_text("delivery")
    assert EXPRESS in result_ids(page)
    assert page.locator("h1").inner_text() == "Search results"  # never "All measures" here
    expect(page.locator("#live-status")).to_have_text(re.compile(r"^\d+ measures? match “express”"))
    assert page.evaluate("window.stillTheSamePage") is True
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{width} px wide"
    screenshot(page, f"search-relaxed-{viewport}")
    # the kept words' own search is one click away
    notice.get_by_role("link", name="express").click()
    expect(page).to_have_url(re.compile(r"/search\?q=express$"))
    assert page.locator("#live-results .notice.relaxed").count() == 0


def test_a_zone_without_records_links_its_page_live(page):
    page.goto("/search")
    _type(page, "Hebei")
    notice = page.locator("#live-results .notice.zone-without-records")
    expect(notice).to_contain_text("The Hebei pilot free trade zone has no measures")
    notice.get_by_role("link", name="see its page").click()
    expect(page).to_have_url(re.compile(r"/zones/hebei$"))


def test_a_chinese_query_finds_what_the_english_one_finds_live(page):
    page.goto("/search?q=cross-border")
    english = sorted(result_ids(page))
    assert len(english) >= 2, english  # else the comparison below proves nothing
    page.goto("/zh/search")
    _type(page, "跨境", lang="zh")
    expect(page.locator("section.results .measure-title a")).to_have_count(len(english))
    assert sorted(result_ids(page)) == english
    page.get_by_label(SEARCH_LABEL["zh"]).fill("")
    _type(page, "跨境贸易", lang="zh")
    expect(page.locator("#live-status")).to_have_text(re.compile(r"^[1-9]\d*"))
    screenshot(page, "search-zh-cross-border-trade")


def test_live_search_waits_for_the_input_method(page):
    """Pinyin typed through an input method is not searched while it is being composed (the
    half-typed "kuajing" would be), only once the reader picks 跨境: one request, after."""
    page.goto("/zh/search")
    searches = []
    page.on("request", lambda request: searches.append(request.url)
            if "/zh/search?" in request.url else None)
    box = page.get_by_label(SEARCH_LABEL["zh"])
    box.focus()
    cdp = page.context.new_cdp_session(page)
    for typed in ("k", "ku", "kua", "kuaj", "kuaji", "kuajin", "kuajing"):
        cdp.send("Input.imeSetComposition",
                 {"text": typed, "selectionStart": len(typed), "selectionEnd": len(typed)})
        page.wait_for_timeout(120)
    page.wait_for_timeout(800)  # three times the live search's pause
    assert box.input_value() == "kuajing"  # the composition reached the box
    assert searches == [], f"searched mid-composition: {searches}"
    with page.expect_request(lambda request: "/zh/search?" in request.url):
        cdp.send("Input.insertText", {"text": "跨境"})  # the reader picks the word
    expect(page.locator("#live-status")).not_to_have_text(re.compile(r"^0 "))
    page.wait_for_timeout(800)
    assert len(searches) == 1 and "q=%E8%B7%A8%E5%A2%83" in searches[0], searches
