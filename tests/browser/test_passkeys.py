"""Passkeys in a real browser: Chromium with a virtual authenticator (Chrome DevTools Protocol
`WebAuthn.addVirtualAuthenticator`, a built-in one that checks the person). Pat adds a passkey
(the first one turns two-factor sign-in on and shows ten recovery codes once), logs out, logs
in with it alone, then with the password and the passkey as the second step.

WebAuthn refuses an IP address as the site's name, so these pages are opened at localhost.
Screenshots go to tests/artifacts/60-*.png.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import browser_tests, register, shot
from tests.helpers import PASSWORD

pytestmark = browser_tests


@pytest.fixture
def site(live_url) -> str:
    """The live app at http://localhost:<port>."""
    return live_url.replace("://127.0.0.1:", "://localhost:")


@pytest.fixture
def authenticator(page):
    """A passkey authenticator built into the browser that keeps passkeys and checks the
    person (as a fingerprint reader would): its DevTools session and id."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    added = devtools.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True,
        "automaticPresenceSimulation": True}})
    return devtools, added["authenticatorId"]


def log_out(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()


def test_add_a_passkey_and_log_in_with_it_alone_and_after_the_password(
        page, site, authenticator):
    devtools, authenticator_id = authenticator
    register(page, site)
    page.goto(f"{site}/account/two-factor/")
    main = page.locator("main")
    expect(main.get_by_text("Two-factor sign-in is off.")).to_be_visible()
    expect(main.get_by_text("Passkeys need a browser")).not_to_be_visible()
    main.get_by_label("Name").fill("This laptop")
    main.get_by_label("Your current password").fill(PASSWORD)
    main.get_by_role("button", name="Add a passkey").click()
    page.get_by_text("Your passkey “This laptop” is added. From now on, after your password, "
                     "Recert will also ask for this passkey. Save your recovery codes.").wait_for()
    expect(main.get_by_text("Save them now: you will not see them again.")).to_be_visible()
    expect(main.locator("ol.recovery-codes li")).to_have_count(10)
    shot(page, "60-passkey-recovery-codes")
    main.get_by_role("button", name="I saved my codes").click()
    expect(main.get_by_text("Two-factor sign-in is on.")).to_be_visible()
    expect(main.get_by_text("You have 10 unused recovery codes.")).to_be_visible()
    listed = main.get_by_role("listitem").filter(has_text="This laptop")
    assert "Last used: never" in listed.inner_text()
    shot(page, "60-passkey-added")
    [credential] = devtools.send("WebAuthn.getCredentials",
                                 {"authenticatorId": authenticator_id})["credentials"]
    assert credential["isResidentCredential"]

    # Alone: no email, no password.
    log_out(page)
    main.get_by_role("button", name="Log in with a passkey").click()
    page.get_by_text("Welcome back, Pat Doe.").wait_for()
    expect(page.get_by_text("Hello, Pat Doe")).to_be_visible()

    # After the password, as the second step.
    log_out(page)
    main.get_by_label("Email").fill("pat@example.com")
    main.get_by_label("Password").fill(PASSWORD)
    main.get_by_role("button", name="Log in", exact=True).click()
    page.get_by_role("heading", name="One more step").wait_for()
    shot(page, "61-second-step")
    main.get_by_role("button", name="Use your passkey").click()
    page.get_by_text("Welcome back, Pat Doe.").wait_for()

    page.goto(f"{site}/account/two-factor/")
    listed = main.get_by_role("listitem").filter(has_text="This laptop")
    assert "Last used: never" not in listed.inner_text()


@pytest.mark.parametrize(("password", "form_too_old", "message"), [
    ("not my password", False, "That is not your current password."),
    # The CSRF token ran out: the server answers its HTML 400 page, the script says it plainly.
    (PASSWORD, True, "This page is too old. Reload it and try again."),
])
def test_a_refused_request_adds_no_passkey_and_says_why(
        page, site, authenticator, password, form_too_old, message):
    devtools, authenticator_id = authenticator
    register(page, site)
    page.goto(f"{site}/account/two-factor/")
    main = page.locator("main")
    if form_too_old:
        main.locator("input[name=csrf_token]").evaluate("input => { input.value = 'old'; }")
    main.get_by_label("Name").fill("This laptop")
    main.get_by_label("Your current password").fill(password)
    main.get_by_role("button", name="Add a passkey").click()
    main.get_by_role("alert").filter(has_text=message).wait_for()
    assert devtools.send("WebAuthn.getCredentials",
                         {"authenticatorId": authenticator_id})["credentials"] == []


def test_without_javascript_the_login_page_says_passkeys_need_it(page, site):
    context = page.context.browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(f"{site}/auth/login")
    main = plain.locator("main")
    expect(main.get_by_text("This browser cannot use passkeys. Log in with your password.")) \
        .to_be_visible()
    expect(main.get_by_role("button", name="Log in with a passkey")).not_to_be_visible()
    expect(main.get_by_role("link", name="Forgot your password?")).to_be_visible()
    context.close()

