"""Shared pieces of the browser tests: Debian's Chromium driven by Playwright."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.helpers import PASSWORD
from tests.mail_server import emails_in, links_in

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"  # tests/artifacts/
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

# `pytestmark = browser_tests` in a module marks its tests and skips them without Chromium.
browser_tests = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def shot(page, name: str) -> None:
    """Save a full-page screenshot under tests/artifacts/ to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


CPT_MODULES = ["Safety", "Quality Practices & Measurement",
               "Manufacturing Processes & Production", "Maintenance Awareness"]


def register(page, live_url) -> None:
    """Create an account as Pat Doe and confirm the email with the link written to
    instance/mail/ (the test app has no mail server); the home page follows."""
    page.goto(f"{live_url}/auth/register")
    page.get_by_label("Email").fill("pat@example.com")
    page.get_by_label("Your name").fill("Pat Doe")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your email to finish").wait_for()
    follow_emailed_link(page, live_url, "/auth/verify/")
    page.get_by_label("Your password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Confirm my email").click()


def follow_emailed_link(page, live_url, path_start: str) -> None:
    """Open the newest emailed link whose path starts with `path_start`."""
    folder = Path(os.environ["RECERT_INSTANCE_PATH"]) / "mail"
    paths = [urlsplit(link).path for message in emails_in(folder)
             for link in links_in(message)]
    page.goto(live_url + [path for path in paths if path.startswith(path_start)][-1])


def register_and_add_cpt(page, live_url) -> None:
    """Create an account as Pat Doe and add the CPT with its four required modules."""
    register(page, live_url)
    page.get_by_role("button", name="Add the credential you hold").click()
    page.get_by_role("button", name="Add CPT").click()
    page.get_by_label("Certification date").fill("2022-03-15")
    for module in CPT_MODULES:
        page.get_by_label(module, exact=True).check()
    page.locator("main").get_by_role("button", name="Add CPT").click()
    expect(page.get_by_text("MSSC Certified Production Technician is added.")).to_be_visible()


def to_credential_list(page, credential: str = "MSSC Certified Production Technician") -> None:
    """From an activity's page, open the list of a credential it counts toward (its name under
    "Where it counts")."""
    page.locator("main section.counts-toward").get_by_role("link", name=credential).click()
