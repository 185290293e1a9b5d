"""A person in a real browser logs activities with proof, filters them, trashes and restores one.

Drives Debian's Chromium through Playwright against the app served on a free local port;
screenshots go to tests/artifacts/20-*.png.
"""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.browser.helpers import browser_tests, register_and_add_cpt, shot, to_credential_list
from tests.helpers import pdf_bytes
from tracker.rules.checks import say_date

pytestmark = browser_tests
expect = pytest.importorskip("playwright.sync_api").expect


def log_activity(page, kind: str, title: str, provider: str, day: str, how_many: str,
                 proof=None, screenshot: str | None = None) -> None:
    page.locator("main").get_by_role("button", name="Log an activity").first.click()
    page.get_by_role("radio", name=kind, exact=True).check()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Provider").fill(provider)
    page.get_by_label("Date completed").fill(day)
    page.get_by_label("How many").fill(how_many)
    if proof is not None:
        page.get_by_label("Proof (certificate, transcript, letter)").set_input_files(proof)
    if screenshot:
        shot(page, screenshot)
    page.get_by_role("button", name="Save activity").click()
    expect(page.get_by_text(f"“{title}” is saved.")).to_be_visible()


def summary(page):
    """The list's line "N activities: X earned, Y count."."""
    return page.locator("main p").filter(has_text=re.compile(r"^\s*\d+ activit"))


def test_log_filter_trash_and_restore_activities(page, live_url, app, tmp_path):
    app.config["TODAY"] = date(2026, 11, 24)
    register_and_add_cpt(page, live_url)
    certificate = tmp_path / "forklift-certificate.pdf"
    certificate.write_bytes(pdf_bytes())

    log_activity(page, "Training course or workshop", "Forklift safety refresher",
                 "Acme Training", "2024-05-01", "8", proof=certificate,
                 screenshot="20-log-form")
    main = page.locator("main")
    expect(main.get_by_text("Earns 8 points")).to_be_visible()
    expect(main.get_by_role("link", name="forklift-certificate.pdf")).to_be_visible()
    expect(main.get_by_text("As “Training course”: 8 contact hours.")).to_be_visible()
    shot(page, "21-activity")

    to_credential_list(page)
    row = main.get_by_role("row").filter(has_text="Forklift safety refresher")
    assert row.get_by_role("cell", name="8", exact=True).count() == 2  # earned and counted
    assert "1 file" in row.inner_text()
    expect(main.get_by_text("8 points count (100 needed)")).to_be_visible()
    shot(page, "22-list")

    log_activity(page, "College course for credit",
                 "Statistical process control", "Valley Community College", "2025-01-20", "3")
    expect(main.get_by_text("Earns 30 points")).to_be_visible()
    to_credential_list(page)
    expect(summary(page)).to_contain_text("2 activities: 38 earned, 38 count")

    main.get_by_label(re.compile(r"^Category")).select_option(label="Training course")
    main.get_by_role("button", name="Show").click()
    assert "category=CE-TRAINING" in page.url
    body_rows = main.locator("tbody tr")
    expect(body_rows).to_have_count(1)
    assert "Forklift safety refresher" in body_rows.inner_text()
    assert re.match(r"1 activity match(es)?: 8 earned, 8 count", summary(page).inner_text())
    shot(page, "23-list-filtered")

    main.get_by_role("link", name="Forklift safety refresher").click()
    main.get_by_role("button", name="Move to trash").click()
    expect(page.get_by_text("“Forklift safety refresher” is in the trash.")).to_be_visible()
    # The home page: an activity may count toward several credentials.
    card = main.locator("article.credential-card")
    expect(card.get_by_text("30 points (100 needed)")).to_be_visible()
    card.get_by_role("link", name="MSSC Certified Production Technician").click()
    main.get_by_role("button", name="See your 1 activity").click()
    expect(main.get_by_role("link", name="Forklift safety refresher")).to_have_count(0)
    expect(main.get_by_text("30 points count (100 needed)")).to_be_visible()
    expect(summary(page)).to_contain_text("1 activity: 30 earned, 30 count")

    main.get_by_role("link", name="Trash", exact=True).click()
    row = main.get_by_role("row").filter(has_text="Forklift safety refresher")
    deleted_on = datetime.now(UTC).date()
    gone_on = deleted_on + timedelta(days=30)
    expect(row.get_by_role("cell", name=say_date(gone_on))).to_be_visible()
    header = main.get_by_role("columnheader", name="Gone for good on")
    expect(header).to_be_visible()
    shot(page, "24-trash")
    row.get_by_role("button", name="Restore").click()
    restored = page.get_by_text("“Forklift safety refresher” is back and counts again.")
    expect(restored).to_be_visible()
    expect(main.get_by_text("Earns 8 points")).to_be_visible()
    to_credential_list(page)
    expect(main.get_by_role("link", name="Forklift safety refresher")).to_be_visible()
    expect(main.get_by_text("38 points count (100 needed)")).to_be_visible()
    expect(summary(page)).to_contain_text("2 activities: 38 earned, 38 count")
    shot(page, "25-restored")

    page.set_viewport_size({"width": 375, "height": 740})
    page.reload()
    shot(page, "26-list-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_choose_a_kind_card_and_the_fields_fit_it(page, live_url, app):
    """The form opens with no kind chosen; a card chosen shows the fields of that kind; an
    odd amount is shown back as a warning, and "Save anyway" saves it."""
    app.config["TODAY"] = date(2026, 11, 24)
    register_and_add_cpt(page, live_url)
    main = page.locator("main")
    main.get_by_role("button", name="Log an activity").first.click()
    kinds = main.get_by_role("group", name="What did you do?")
    assert kinds.get_by_role("radio").count() >= 6
    expect(kinds.locator("input:checked")).to_have_count(0)
    for label in ("Date completed", "Start date"):  # what fits no kind yet: hidden
        expect(page.get_by_label(label)).to_be_hidden()
    expect(main.get_by_text("Where it counts")).to_be_hidden()
    shot(page, "27-kind-cards")

    main.locator("label.kind-card", has_text="Work in a related job").click()
    expect(page.get_by_label("Start date")).to_be_visible()
    expect(page.get_by_label("Date completed")).to_be_hidden()

    main.locator("label.kind-card", has_text="Training course or workshop").click()
    expect(page.get_by_role("radio", name="Training course or workshop")).to_be_checked()
    expect(page.get_by_label("Start date")).to_be_hidden()
    expect(page.get_by_label("How many hours?")).to_be_visible()
    expect(main.get_by_text("Where it counts")).to_be_visible()
    page.get_by_label("Title").fill("Lean week")
    page.get_by_label("Date completed").fill("2025-03-07")
    page.get_by_label("How many hours?").fill("40")
    page.get_by_role("button", name="Save activity").click()

    warning = main.get_by_role("alert")
    expect(warning).to_contain_text("That makes 40 hours on Mar 7, 2025, more than a day holds")
    expect(page.get_by_role("radio", name="Training course or workshop")).to_be_checked()
    expect(page.get_by_label("How many hours?")).to_have_value("40")
    shot(page, "28-warning")
    page.get_by_role("button", name="Save anyway").click()
    expect(page.get_by_text("“Lean week” is saved.")).to_be_visible()
    expect(main.get_by_text("Earns 40 points")).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 800})
    main.get_by_role("button", name="Change", exact=True).click()
    expect(page.get_by_label("How many hours?")).to_have_value("40")
    shot(page, "29-kind-cards-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
