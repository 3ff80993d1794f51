"""Helpers of the browser tests (headless Chromium, Debian's /usr/bin/chromium, driven by
Playwright): the app served from a thread, new pages that record console errors, screenshots.
The fixtures built on them (`browser`, `live_server`, `page`, `phone`) are in conftest.py.

Without Chromium or the playwright package the browser tests are skipped, unless CI is set in
the environment (as .ci/run does): there a missing browser fails.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def require_browser() -> None:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install -e '.[test]')")
    if not missing:
        return
    reason = "browser tests need " + " and ".join(missing)
    if os.environ.get("CI"):
        pytest.fail(reason + "; CI is set, so they may not be skipped", pytrace=False)
    pytest.skip(reason)


def launch_browser():
    """Chromium, launched through Playwright (skipping or failing as `require_browser` says);
    yields it, closes it after."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def serving(built: dict):
    """The app on `built` (its measures and index) on 127.0.0.1 at a free port, served from a
    background thread: yields the address, stops the server after."""
    from werkzeug.serving import make_server

    from webapp import create_app

    app = create_app({"MEASURES_DIR": built["measures"], "INDEX_DIR": built["index"]})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def new_page(browser, live_server, **options):
    """A page in a context of its own, its console errors gathered in `page.errors`."""
    context = browser.new_context(base_url=live_server, locale="en-GB", accept_downloads=True,
                                  **{"viewport": DESKTOP, **options})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.errors = []
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def checked_page(browser, live_server, **options):
    """A new page; after the test, it fails on any error the browser's console showed."""
    page = new_page(browser, live_server, **options)
    yield page
    errors = page.errors
    page.context.close()
    assert not errors, f"errors in the browser console: {errors}"


def on_a_phone(browser, live_server):
    yield from checked_page(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def result_ids(page) -> list[str]:
    hrefs = page.locator("section.results .measure-title a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    return [href.rsplit("/", 1)[-1] for href in hrefs]
