"""In Chromium: the API page works under the site's Content-Security-Policy and asks no other
site for anything; a person makes a token on the account page and copies it."""

from playwright.sync_api import expect

from tests.browser.helpers import browser_tests, register, shot

pytestmark = browser_tests


def test_the_api_page_shows_the_document_under_the_csp(page, live_url):
    problems, elsewhere = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda r: elsewhere.append(r.url)
            if not r.url.startswith((live_url, "data:")) else None)
    page.goto(f"{live_url}/api/v1/docs")
    page.get_by_role("heading", name="Recert API").wait_for()
    expect(page.get_by_text("/api/v1/credentials/{credential_id}/progress").first).to_be_visible()
    page.get_by_text("/api/v1/credentials/{credential_id}/progress").first.click()
    page.get_by_text("ProgressOut").first.wait_for()
    shot(page, "api-docs")
    assert problems == [], problems  # a CSP violation would be reported here
    assert elsewhere == [], elsewhere


def test_a_person_makes_and_revokes_a_token(page, live_url):
    register(page, live_url)
    page.get_by_role("link", name="Account").click()
    page.get_by_role("button", name="Manage API tokens").click()
    page.get_by_label("Name").fill("Laptop script")
    page.get_by_label("Read and change").check()
    page.get_by_role("button", name="Make token").click()
    secret = page.get_by_role("textbox", name="Token").input_value()
    assert secret.startswith("recert_")
    expect(page.get_by_text("Copy it now. You will not see it again.")).to_be_visible()
    shot(page, "api-token-made")
    page.get_by_role("button", name="Revoke Laptop script").click()
    expect(page.get_by_text("The token “Laptop script” is revoked.")).to_be_visible()
    expect(page.get_by_text("You have no tokens.")).to_be_visible()
