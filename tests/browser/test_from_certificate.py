"""The core task of proof-first logging, in a real browser: from the dashboard, "Add from a
certificate", choose the file (the page sends it by itself), check what was read, Save.

Counts the person's actions (clicks and the file chosen) and the seconds from the dashboard to
the saved activity, and writes them to tests/artifacts/from-certificate.json for the issue's
closing note. Screenshots of the filled form: tests/artifacts/44-*.png to 47-*.png.
"""

import json
import time
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import ARTIFACTS, browser_tests, register_and_add_cpt, shot
from tests.proofs.drafts import certificate_pdf
from tracker.activities.forms import READ_MARK

pytestmark = browser_tests

TODAY = date(2026, 11, 24)
TITLE = "Forklift Safety Refresher"
MEASURES = ARTIFACTS / "from-certificate.json"


def record(database: str, actions: int, seconds: float) -> None:
    """Keep the measures of this run, by database, beside those of the other database."""
    ARTIFACTS.mkdir(exist_ok=True)
    measures = json.loads(MEASURES.read_text()) if MEASURES.exists() else {}
    measures[database] = {"actions": actions, "seconds": round(seconds, 2)}
    MEASURES.write_text(json.dumps(measures, indent=1) + "\n")
    print(f"From a certificate on {database}: {actions} actions, {seconds:.2f} s")


@pytest.fixture
def certificate(tmp_path):
    path = tmp_path / "forklift.pdf"
    path.write_bytes(certificate_pdf(title=TITLE, provider="Acme Training Center",
                                     day="August 10, 2025", hours="8"))
    return path


def test_dashboard_to_saved_activity_from_a_certificate(page, live_url, app, database_url,
                                                        certificate):
    app.config["TODAY"] = TODAY
    page.set_viewport_size({"width": 1280, "height": 800})
    register_and_add_cpt(page, live_url)
    page.goto(f"{live_url}/")
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Hello, Pat Doe")).to_be_visible()
    shot(page, "44-from-certificate-dashboard")

    started, actions, not_counted = time.perf_counter(), 0, 0.0
    main.get_by_role("button", name="Add from a certificate").click()
    actions += 1
    page.get_by_label("Your certificate").set_input_files(certificate)
    actions += 1
    # The page sends the file by itself and the activity form opens, filled in.
    expect(main.get_by_role("heading", name="Log an activity")).to_be_visible(timeout=10_000)
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    expect(page.get_by_label("Provider")).to_have_value("Acme Training Center")
    expect(page.get_by_label("Date completed")).to_have_value("2025-08-10")
    expect(page.get_by_label("How many hours?")).to_have_value("8")
    expect(page.get_by_role("radio", name="Training course or workshop",
                            exact=True)).to_be_checked()
    expect(page.get_by_text(READ_MARK).first).to_be_visible()
    expect(main.get_by_text("Remove forklift.pdf")).to_be_visible()

    pause = time.perf_counter()  # the screenshots are the test's, not the person's
    shot(page, "45-from-certificate-form")
    not_counted += time.perf_counter() - pause

    page.get_by_role("button", name="Save activity").click()
    actions += 1
    expect(page.get_by_text(f"“{TITLE}” is saved.")).to_be_visible()
    seconds = time.perf_counter() - started - not_counted
    expect(main.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(main.get_by_role("link", name="forklift.pdf")).to_be_visible()
    expect(main.get_by_text("Earns 8 points")).to_be_visible()

    assert actions <= 4
    record("sqlite" if database_url.startswith("sqlite") else "postgresql", actions, seconds)


def test_the_filled_form_on_a_phone(page, live_url, app, database_url, certificate):
    if not database_url.startswith("sqlite"):
        pytest.skip("the phone layout does not depend on the database: checked on SQLite")
    app.config["TODAY"] = TODAY
    page.set_viewport_size({"width": 390, "height": 800})
    register_and_add_cpt(page, live_url)
    page.goto(f"{live_url}/activities/from-certificate")
    shot(page, "46-from-certificate-phone")
    page.get_by_label("Your certificate").set_input_files(certificate)
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    shot(page, "47-from-certificate-form-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the filled form is {width} px wide on a 390 px phone"
