"""A person catching up adds three certificates at once to the proof inbox, fixes one draft and
saves it as an activity, and discards another.

Drives Debian's Chromium through Playwright; screenshots go to tests/artifacts/9?-inbox-*.png.
"""

import re
from datetime import date

import pytest

from tests.browser.helpers import browser_tests, register_and_add_cpt, shot
from tests.browser.test_journey import (
    MOST_READING_GRADE,
    RUN_AXE,
    WCAG_TAGS,
    axe_source,
    visible_text,
)
from tests.proofs.drafts import certificate_pdf, certificate_png
from tests.readability import grade
from tracker.proofs import inbox

pytestmark = browser_tests
expect = pytest.importorskip("playwright.sync_api").expect


def assert_accessible_and_plain(page) -> None:
    """No WCAG 2.1 A or AA rule broken (axe), and words at grade 8 or lower, as the journey's
    pages (tests/browser/test_journey.py)."""
    page.evaluate(axe_source())
    violations = page.evaluate(RUN_AXE, WCAG_TAGS)["violations"]
    assert violations == [], violations
    assert grade(visible_text(page)) <= MOST_READING_GRADE


def test_three_certificates_become_drafts_to_fix_save_and_discard(page, live_url, app,
                                                                   tmp_path, monkeypatch):
    app.config["TODAY"] = date(2026, 11, 24)
    # Each request reads one file only: the page's script reads the others by itself.
    monkeypatch.setattr(inbox, "READ_SECONDS", 0)
    register_and_add_cpt(page, live_url)
    files = {
        "forklift.pdf": certificate_pdf(),
        "first-aid.png": certificate_png(title="First Aid and CPR", hours="4",
                                         day="March 3, 2024"),
        "lockout.pdf": certificate_pdf(title="Lockout Tagout Basics", day="", hours="2"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)

    page.goto(f"{live_url}/inbox")
    main = page.locator("main")
    expect(main.get_by_text("Drafts are not activities and count toward nothing")).to_be_visible()
    page.get_by_label("Your certificates").set_input_files([tmp_path / n for n in files])
    main.get_by_role("button", name="Add these files").click()
    expect(main.get_by_text("3 files added.")).to_be_visible()
    drafts = main.locator("article.draft")
    expect(drafts).to_have_count(3)
    # "2 files are not read yet", then each draft read by a request of its own.
    expect(main.get_by_text("not read yet")).to_have_count(0, timeout=15_000)

    forklift = drafts.filter(has=page.get_by_role("link", name="forklift.pdf"))
    expect(forklift.get_by_label("Title")).to_have_value("Forklift Safety Refresher")
    expect(forklift.get_by_label("Date completed")).to_have_value("2025-08-10")
    lockout = drafts.filter(has=page.get_by_role("link", name="lockout.pdf"))
    expect(lockout.get_by_label("Title")).to_have_value("Lockout Tagout Basics")
    expect(lockout.get_by_text("Enter the date you finished this activity.")).to_be_visible()
    photo = drafts.filter(has=page.get_by_role("link", name="first-aid.png"))
    expect(photo.locator("img.draft-preview")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "90-inbox-three-drafts")
    assert_accessible_and_plain(page)
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "91-inbox-three-drafts-phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})

    # A job shows its own boxes only (inbox.js), and a course its own.
    expect(lockout.get_by_label("Start date")).to_be_hidden()
    lockout.get_by_label("Date completed").fill("2024-02-20")
    lockout.get_by_label("How many hours?").fill("2.1")
    lockout.get_by_role("button", name="Save as an activity").click()
    # Nothing saved: the draft comes back with the error and what was typed.
    expect(lockout.get_by_text("2.1 is not a multiple of 0.25.")).to_be_visible()
    expect(lockout.get_by_label("Date completed")).to_have_value("2024-02-20")
    shot(page, "92-inbox-draft-error")
    lockout.get_by_label("How many hours?").fill("2")
    lockout.get_by_role("button", name="Save as an activity").click()
    expect(main.get_by_text("“Lockout Tagout Basics” is saved.")).to_be_visible()
    expect(drafts).to_have_count(2)
    saved = main.get_by_role("link", name="See the activity").get_attribute("href")

    forklift.get_by_role("button", name="Discard").click()
    expect(main.get_by_text("forklift.pdf is discarded.")).to_be_visible()
    expect(drafts).to_have_count(1)
    expect(drafts.first.get_by_role("link", name="first-aid.png")).to_be_visible()
    shot(page, "93-inbox-after-save-and-discard")

    page.goto(live_url + saved)
    expect(main.get_by_role("heading", name="Lockout Tagout Basics")).to_be_visible()
    expect(main.get_by_role("link", name="lockout.pdf")).to_be_visible()
    expect(main.get_by_text(re.compile(r"Earns 2 points"))).to_be_visible()


def test_many_files_go_a_few_at_a_time_and_one_message_says_how_many(page, live_url, app,
                                                                      tmp_path, monkeypatch):
    """Twelve files: the page's script sends them five at a time (each request stays short),
    then shows one message for all of them; the files are all in the inbox."""
    monkeypatch.setattr(inbox, "READ_SECONDS", 0)
    register_and_add_cpt(page, live_url)
    sent = []
    page.on("request", lambda request: sent.append(request.method)
            if request.url == f"{live_url}/inbox" and request.method == "POST" else None)
    paths = []
    for number in range(12):
        paths.append(tmp_path / f"certificate-{number:02}.pdf")
        paths[-1].write_bytes(certificate_pdf(title=f"Safety course {number}"))
    page.goto(f"{live_url}/inbox")
    main = page.locator("main")
    page.get_by_label("Your certificates").set_input_files(paths)
    main.get_by_role("button", name="Add these files").click()
    expect(main.get_by_text("12 files added.")).to_be_visible(timeout=30_000)
    expect(main.locator("article.draft")).to_have_count(12)
    assert len(sent) == 3  # 5 + 5 + 2
    expect(main.get_by_text("5 files added.")).to_have_count(0)
