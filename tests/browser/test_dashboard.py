"""docs/rules.md's worked examples A, B and C entered in a real browser, then read off the
dashboard.

Drives Debian's Chromium through Playwright against the app served on a free local port;
screenshots of the home page and the credential's dashboard go to tests/artifacts/3*.png.
"""

import re
from datetime import date

import pytest

from tests.browser.helpers import CPT_MODULES, browser_tests, register, shot, to_credential_list

pytestmark = browser_tests
expect = pytest.importorskip("playwright.sync_api").expect

# What the form asks ("What did you do?"): kinds of activity, each a radio card named by the
# kind alone.
TRAINING = "Training course or workshop"
NONCREDIT = "College course not for credit"
CREDIT = "College course for credit"
CERTIFICATION = "Certification earned"
EXTRA = "Volunteering"
JOB = "Work in a related job"


def add_cpt(page, live_url, certified_on: str) -> None:
    """Register as Pat Doe and add the CPT, certified on `certified_on`, with four modules."""
    register(page, live_url)
    page.get_by_role("button", name="Add the credential you hold").click()
    page.get_by_role("button", name="Add CPT").click()
    page.get_by_label("Certification date").fill(certified_on)
    for module in CPT_MODULES:
        page.get_by_label(module, exact=True).check()
    page.locator("main").get_by_role("button", name="Add CPT").click()
    expect(page.get_by_text("MSSC Certified Production Technician is added.")).to_be_visible()


def open_form(page, kind: str, title: str) -> None:
    page.locator("main").get_by_role("button", name="Log an activity").first.click()
    page.get_by_role("radio", name=kind, exact=True).check()
    page.get_by_label("Title").fill(title)


def save(page, title: str, anyway: str = "") -> None:
    """Save the form. `anyway`: the warning the form must show first, before "Save anyway"."""
    page.get_by_role("button", name="Save activity").click()
    if anyway:
        expect(page.locator("main").get_by_role("alert")).to_contain_text(anyway)
        page.get_by_role("button", name="Save anyway").click()
    expect(page.get_by_text(f"“{title}” is saved.")).to_be_visible()
    to_credential_list(page)


def log(page, kind: str, title: str, day: str, how_many: str, anyway: str = "") -> None:
    open_form(page, kind, title)
    page.get_by_label("Date completed").fill(day)
    page.get_by_label("How many").fill(how_many)
    save(page, title, anyway)


def log_job(page, title: str, started_on: str, ended_on: str) -> None:
    open_form(page, JOB, title)
    expect(page.get_by_label("Start date")).to_be_visible()  # shown once the kind is chosen
    expect(page.get_by_label("Date completed")).not_to_be_visible()
    page.get_by_label("Start date").fill(started_on)
    page.get_by_label("End date", exact=True).fill(ended_on)
    page.get_by_label("Full time or part time").select_option(label="full time")
    save(page, title)


def home_then_dashboard(page, live_url, status: str, points: str, days: str, suffix: str):
    """Check the home card, then open the dashboard from the card's title; returns <main>."""
    page.goto(live_url)
    main = page.locator("main")
    card = main.locator("article.credential-card")
    assert card.locator(".status strong").inner_text() == status
    expect(card.get_by_text(points)).to_be_visible()
    expect(card.get_by_text(f"{days} days left")).to_be_visible()
    shot(page, f"{suffix[0]}-home-{suffix[1]}")
    card.get_by_role("link", name="MSSC Certified Production Technician").click()
    expect(page).to_have_url(re.compile(r"/credentials/\d+$"))
    expect(main.get_by_role("heading", name="Your figures")).to_be_visible()
    assert main.locator(".status strong").first.inner_text() == status
    expect(main.locator(".big-figures").get_by_text(points)).to_be_visible()
    days_left = main.locator("dt", has_text="Days left").locator("xpath=following-sibling::dd[1]")
    assert days_left.inner_text() == days
    expect(main.locator("svg.chart path.counted")).to_be_visible()
    return main


def fact(main, label: str) -> str:
    return main.locator("dt", has_text=label).locator("xpath=following-sibling::dd[1]").inner_text()


def test_example_a_complete(page, live_url, app):
    app.config["TODAY"] = date(2026, 11, 24)
    add_cpt(page, live_url, "2022-03-15")
    log(page, TRAINING, "Before the cycle", "2021-12-01", "8",
        anyway="This is dated before your CPT certification (Mar 15, 2022)")
    log(page, TRAINING, "Safety course", "2022-06-01", "10")
    log(page, CREDIT, "Statistics", "2023-05-20", "3")
    log(page, CERTIFICATION, "Forklift certification", "2024-09-10", "1")
    log(page, EXTRA, "Robotics coaching", "2025-04-02", "30")
    log_job(page, "Line operator", "2022-03-15", "2026-03-14")

    main = home_then_dashboard(page, live_url, "Complete (by Recert's estimates)",
                               "128 points (100 needed)", "111", ("30", "a"))
    assert fact(main, "Still to go") == "0 points"
    assert fact(main, "You can apply from") == "Dec 15, 2026"
    assert fact(main, "Reached 100 on") == "Apr 2, 2025"  # the job accrues month by month
    shot(page, "31-dashboard-a")


def test_example_b_behind(page, live_url, app):
    app.config["TODAY"] = date(2026, 11, 24)
    add_cpt(page, live_url, "2024-02-29")
    log(page, TRAINING, "Lean basics", "2024-06-01", "12")
    log(page, NONCREDIT, "Blueprints", "2025-01-15", "6")
    log(page, EXTRA, "Mentoring", "2025-08-01", "25")

    main = home_then_dashboard(page, live_url, "Behind", "38 points (100 needed)", "827",
                               ("32", "b"))
    assert fact(main, "You should have by today") == "54.7 points"
    assert fact(main, "Needed per month") == "2.3 points"
    assert fact(main, "Expected finish") == "May 12, 2031"
    expect(main.locator("svg.chart line.projection")).to_be_visible()
    shot(page, "33-dashboard-b")


def test_example_c_at_risk(page, live_url, app):
    app.config["TODAY"] = date(2026, 6, 1)
    add_cpt(page, live_url, "2021-09-01")
    log(page, TRAINING, "Hydraulics", "2022-02-01", "24")
    log_job(page, "Assembler", "2021-09-01", "2025-06-30")
    log(page, CERTIFICATION, "Welding cert", "2026-07-15", "1")

    main = home_then_dashboard(page, live_url, "At risk", "70 points (100 needed)", "92",
                               ("34", "c"))
    assert fact(main, "Still to go") == "30 points"
    assert fact(main, "Needed per month") == "9.9 points"
    assert fact(main, "Expected finish") == "Jun 14, 2028"
    shot(page, "35-dashboard-c")
