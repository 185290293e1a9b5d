"""The credential chooser: rule sets grouped by agency, MSSC's CPT and CLT first, each with
who holds it, and a search box that filters as you type (static/chooser.js)."""

import re
from pathlib import Path

import pytest

from tests.browser.helpers import CHROMIUM_ARGS, browser_tests, register
from tracker.credentials.views import by_agency
from tracker.rules import load_catalog

SHOTS = Path("/tmp/shots-chooser")  # noqa: S108 - screenshots to look at, as asked


def test_agencies_come_mssc_first_then_by_name(app):
    with app.app_context():
        groups = [(agency.short_name, [r.short_name for r in rulesets])
                  for agency, rulesets in by_agency()]
    assert groups[0] == ("MSSC", ["CPT", "CLT"])
    assert [short for short, _ in groups[1:]] == [
        "ASCM", "ASQ", "ISC2", "NICET", "NATE", "PMI", "SME", "SMRP"]  # by full name
    assert sum(len(rulesets) for _, rulesets in groups) == len(load_catalog().codes())


def test_the_page_lists_every_credential_with_who_holds_it(user_client):
    page = user_client.get("/credentials/new").text
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    assert headings[0] == "Manufacturing Skill Standards Council (MSSC)"
    assert len(headings) == 9
    titles = re.findall(r"<h3>(.*?)</h3>", page)
    assert titles[:2] == ["MSSC Certified Production Technician (CPT)",
                          "MSSC Certified Logistics Technician (CLT)"]
    assert len(titles) == len(load_catalog().codes())
    for ruleset in load_catalog().all_current():
        assert f"Who holds it: {ruleset.holders}" in page.replace("&#39;", "'")
    # Without the script every credential shows and the search box stays hidden.
    assert "data-chooser-search hidden" in page
    assert 'src="/static/chooser.js"' in page
    # MSSC's first; the 11 others one click away.
    assert page.index("MSSC Certified Logistics Technician") < page.index(
        "<summary>Other credentials (11)</summary>") < page.index("ASCM")


@pytest.fixture
def browser_page():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(5000)
        yield page
        browser.close()


@browser_tests[0]
@browser_tests[1]
def test_the_search_box_filters_as_you_type(browser_page, live_url):
    page = browser_page
    SHOTS.mkdir(exist_ok=True)
    register(page, live_url)
    page.goto(f"{live_url}/credentials/new")
    items = page.locator("[data-chooser-item]")
    assert items.count() == len(load_catalog().codes())
    assert page.locator("[data-chooser-item]:visible h3").all_inner_texts() == [
        "MSSC Certified Production Technician (CPT)", "MSSC Certified Logistics Technician (CLT)"]
    page.screenshot(path=SHOTS / "chooser-1280.png", full_page=True)
    search = page.get_by_label("Find a credential")
    search.fill("calibration")
    assert [h.inner_text() for h in page.locator("[data-chooser-item]:visible h3").all()] == [
        "ASQ Certified Calibration Technician (CCT)"]
    assert page.locator("[data-chooser-agency]:visible h2").all_inner_texts() == [
        "ASQ (American Society for Quality)"]
    assert page.get_by_text("1 of 13 credentials shown").is_visible()
    page.screenshot(path=SHOTS / "chooser-1280-calibration.png", full_page=True)
    search.fill("soldiers")  # who holds it is searched too
    assert page.locator("[data-chooser-item]:visible h3").all_inner_texts() == [
        "MSSC Certified Production Technician (CPT)", "MSSC Certified Logistics Technician (CLT)"]
    search.fill("zzz")
    assert page.get_by_text("No credential matches.").is_visible()
    search.fill("")
    assert page.locator("[data-chooser-item]:visible").count() == items.count()
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=SHOTS / "chooser-390.png", full_page=True)
    search.fill("hvac")
    page.screenshot(path=SHOTS / "chooser-390-hvac.png", full_page=True)
    assert page.locator("[data-chooser-item]:visible h3").all_inner_texts() == [
        "NATE Certified HVACR Technician (NATE)"]
