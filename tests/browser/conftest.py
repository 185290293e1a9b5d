"""The fixture of the browser tests: a page of Debian's Chromium, driven by Playwright."""

import pytest

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture
def page():
    """A Chromium page (Debian's browser, never a downloaded one)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1024, "height": 720})
        page.set_default_timeout(5000)
        yield page
        browser.close()
