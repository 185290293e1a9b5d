"""A person in a real browser: register, log out, log in, change password, log out.

Drives Debian's Chromium through Playwright (never a downloaded browser) against the app
served on a free local port; a screenshot of each page goes to tests/artifacts/.
"""

from datetime import date

from playwright.sync_api import expect

from tests.browser.helpers import (
    CPT_MODULES,
    browser_tests,
    follow_emailed_link,
    register,
    shot,
)
from tests.helpers import PASSWORD

pytestmark = browser_tests

def log_in(page, password: str) -> None:
    page.get_by_label("Email").fill("pat@example.com")
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Log in", exact=True).click()


def test_register_log_out_log_in_change_password(page, live_url, database_url):
    page.goto(live_url)
    shot(page, "01-welcome")
    page.get_by_role("button", name="Create a free account").click()
    page.get_by_label("Email").fill("pat@example.com")
    page.get_by_label("Your name").fill("Pat Doe")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    shot(page, "02-register")
    page.locator("main").get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email to finish")).to_be_visible()
    shot(page, "02-check-email")
    follow_emailed_link(page, live_url, "/auth/verify/")
    page.get_by_label("Your password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Confirm my email").click()
    expect(page.get_by_role("heading", name="Hello, Pat Doe")).to_be_visible()
    expect(page.get_by_role("button", name="Add the credential you hold")).to_be_visible()
    shot(page, "03-home-empty")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    shot(page, "04-logged-out")

    log_in(page, "not my password!")
    expect(page.get_by_text("The email or the password is not right.")).to_be_visible()
    shot(page, "05-login-error")
    log_in(page, PASSWORD)
    expect(page.get_by_text("Welcome back, Pat Doe.")).to_be_visible()

    page.get_by_role("link", name="Account").click()
    shot(page, "06-account")
    page.get_by_role("button", name="Change password").click()
    page.get_by_label("Your current password").fill(PASSWORD)
    page.get_by_label("Password", exact=True).fill("a brand new passphrase")
    page.get_by_label("Type the password again").fill("a brand new passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is changed.")).to_be_visible()
    shot(page, "07-password-changed")

    page.get_by_role("button", name="Log out").click()
    log_in(page, "a brand new passphrase")
    expect(page.get_by_role("heading", name="Hello, Pat Doe")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_the_layout_fits_a_phone(page, live_url):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_url}/auth/register")
    shot(page, "08-register-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375


def test_add_a_cpt_credential(page, live_url, app):
    app.config["TODAY"] = date(2026, 11, 24)
    register(page, live_url)
    page.get_by_role("button", name="Add the credential you hold").click()
    shot(page, "10-choose-credential")
    page.get_by_role("button", name="Add CPT").click()
    page.get_by_label("Certification date").fill("2022-03-15")
    page.get_by_label("Certificate number").fill("CPT 12#4")
    for module in CPT_MODULES:
        page.get_by_label(module, exact=True).check()
    page.get_by_label("Date you passed Safety").fill("2022-01-10")
    page.locator("main").get_by_role("button", name="Add CPT").click()
    expect(page.get_by_text("Use only letters, numbers, spaces")).to_be_visible()
    shot(page, "11-credential-form-error")
    page.get_by_label("Certificate number").fill("CPT-124")
    page.locator("main").get_by_role("button", name="Add CPT").click()
    expect(page.get_by_text("MSSC Certified Production Technician is added.")).to_be_visible()
    expect(page.get_by_text("0 points (100 needed)", exact=True).first).to_be_visible()
    # 111 days left and nothing logged: "At risk" is said, not "start by logging".
    assert page.locator("main .status strong").first.inner_text() == "At risk"
    shot(page, "12-credential")
    page.get_by_role("link", name="Home").click()
    expect(page.get_by_text("111 days left, until Mar 15, 2027")).to_be_visible()
    shot(page, "13-home-with-credential")
