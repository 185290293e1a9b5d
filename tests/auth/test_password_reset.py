"""Forgot password, end to end through a real SMTP server: the link, the new password, the
"password changed" email; an old or used link changes nothing; no answer tells whether an
address has an account."""

import re
import time
from datetime import date

import pyotp
import pytest
from sqlmodel import select

from tests.helpers import PASSWORD, AuthActions, csrf_token, follow_link, snapshot, submit
from tests.mail_server import emailed_link, emails_to, mail_server, words_of
from tracker.account.tokens import create_token
from tracker.auth import two_factor
from tracker.auth.password_reset import reset_token
from tracker.db import get_session
from tracker.models import User

NEW_PASSWORD = "a brand new passphrase"
NEW = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}


@pytest.fixture
def mailbox(app):
    with mail_server(app) as box:
        yield box


def forgot(client, email="pat@example.com"):
    return submit(client, "/auth/forgot", {"email": email})


def reset_link(app, email="pat@example.com") -> str:
    return emailed_link(app, email, "/auth/reset/")


def test_the_login_page_offers_it(client):
    page = client.get("/auth/login").text
    assert 'href="/auth/forgot"' in page
    assert "Forgot your password?" in client.get("/auth/forgot").text


def test_reset_end_to_end(app, client, mailbox):
    auth = AuthActions(client)
    auth.register()
    other_device = app.test_client()
    assert AuthActions(other_device).login().status_code == 302
    auth.logout()
    app.config["TODAY"] = date(2026, 11, 24)
    with app.app_context():
        create_token(get_session(), get_session().exec(select(User)).one(), "Laptop script",
                     "read", None)

    answer = forgot(client, email="PAT@example.com")
    assert answer.status_code == 200
    assert "If an account uses this address, we sent a link to it." in answer.text
    message = emails_to(app, "pat@example.com")[-1]
    assert message["Subject"] == "Set a new Recert password"
    assert "The link works for one hour, and only once." in words_of(message)

    link = reset_link(app)
    assert "Set a new password" in client.get(link).text
    response = follow_link(client, link, NEW)
    assert response.headers["Location"] == "/"
    home = client.get("/").text
    assert "Your password is changed." in home and "Welcome back, Pat Doe." in home
    assert "Hello, Pat Doe" not in other_device.get("/").text  # logged out

    changed = emails_to(app, "pat@example.com")[-1]
    assert changed["Subject"] == "Your Recert password was changed"
    body = words_of(changed)
    assert "Your account has 1 API token that still works." in body
    assert "http://localhost/account/tokens/" in body
    assert "Was this not you? Set a new password right away" in body
    assert "http://localhost/auth/forgot" in body

    auth.logout()
    assert auth.login().status_code == 200  # the old password no longer works
    assert auth.login(password=NEW_PASSWORD).headers["Location"] == "/"


def test_a_used_link_says_so_and_changes_nothing(app, client, mailbox):
    AuthActions(client).register()
    AuthActions(client).logout()
    forgot(client)
    link = reset_link(app)
    follow_link(client, link, NEW)
    AuthActions(client).logout()
    before = snapshot(app)
    again = client.get(link)
    assert again.status_code == 400
    assert "This link was already used" in again.text
    assert "Ask for a new link" in again.text
    assert snapshot(app) == before


@pytest.mark.parametrize(("signed_at", "says"), [
    (lambda: time.time() - 61 * 60, "This link is too old"),
    (lambda: time.time() - 59 * 60, None),
])
def test_a_link_works_for_an_hour(app, client, mailbox, signed_at, says):
    AuthActions(client).register()
    AuthActions(client).logout()
    with app.test_request_context():
        token = reset_token(get_session().exec(select(User)).one(), signed_at=signed_at())
    before = snapshot(app)
    page = client.get(f"/auth/reset/{token}")
    if says is None:
        assert page.status_code == 200
        return
    assert page.status_code == 400 and says in page.text
    response = client.post(f"/auth/reset/{token}", data={**NEW, "csrf_token": "x"})
    assert response.status_code == 400
    assert snapshot(app) == before
    assert AuthActions(client).login().headers["Location"] == "/"


def test_the_new_password_follows_the_rules(app, client, mailbox):
    AuthActions(client).register()
    AuthActions(client).logout()
    forgot(client)
    before = snapshot(app)
    link = reset_link(app)
    for data in ({"password": "pat@example.com", "confirm": "pat@example.com"},
                 {"password": NEW_PASSWORD, "confirm": "something else"}):
        response = follow_link(client, link, data)
        assert response.status_code == 200
        assert 'aria-invalid="true"' in response.text
    assert "The two passwords are not the same." in response.text
    assert snapshot(app) == before


def test_a_reset_confirms_an_unconfirmed_email(app, client, mailbox):
    submit(client, "/auth/register", {"email": "pat@example.com", "display_name": "Pat Doe",
                                      "password": PASSWORD, "confirm": PASSWORD})
    forgot(client)
    assert follow_link(client, reset_link(app), NEW).headers["Location"] == "/"
    with app.app_context():
        assert get_session().exec(select(User)).one().email_verified_at is not None


def test_changing_the_password_on_the_account_page_sends_the_same_email(app, user_client,
                                                                          mailbox):
    submit(user_client, "/account/password", {"current_password": PASSWORD, **NEW})
    changed = emails_to(app, "pat@example.com")[-1]
    assert changed["Subject"] == "Your Recert password was changed"
    assert "API token" not in words_of(changed)  # none to mention


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(app, client, mailbox):
    """The same address before and after it has an account: not a byte differs but the
    CSRF token, and only the owner gets an email."""
    unknown = forgot(client)
    AuthActions(client).register()
    AuthActions(client).logout()
    sent_before = len(mailbox.messages)
    known = forgot(client)
    assert known.status_code == unknown.status_code == 200
    assert known.data == unknown.data
    assert len(mailbox.messages) == sent_before + 1
    assert forgot(client, email="nobody@example.com").data == unknown.data
    assert len(mailbox.messages) == sent_before + 1


def test_links_to_one_address_stop_after_five_an_hour(app, client, mailbox):
    AuthActions(client).register()
    AuthActions(client).logout()
    answers = {forgot(client).data for _ in range(7)}
    assert len(answers) == 1  # the same page each time
    # The link that confirmed the email counts too.
    assert len(emails_to(app, "pat@example.com")) == 5


def test_one_address_may_ask_ten_times_an_hour(app, client):
    for number in range(10):
        assert forgot(client, email=f"person{number}@example.com").status_code == 200
    refused = forgot(client, email="person10@example.com")
    assert refused.status_code == 429
    assert re.search(r"Too many", refused.text)


def test_the_email_to_an_unconfirmed_address_has_no_name(app, client, mailbox):
    submit(client, "/auth/register", {"email": "pat@example.com",
                                      "display_name": "http://evil.example",
                                      "password": PASSWORD, "confirm": PASSWORD})
    forgot(client)
    message = emails_to(app, "pat@example.com")[-1]
    assert message["Subject"] == "Set a new Recert password"
    assert "evil.example" not in message.as_string()
    assert words_of(message).startswith("Hello, Someone asked")


def test_a_known_address_does_not_wait_for_the_mail_server(app, client):
    """The email leaves after the answer, so the time the page takes tells nothing."""
    AuthActions(client).register()
    AuthActions(client).logout()
    token = csrf_token(client.get("/auth/forgot").text)
    with mail_server(app) as box:
        with box.stalled():
            response = client.post("/auth/forgot", data={"email": "pat@example.com",
                                                         "csrf_token": token})
            assert response.status_code == 200
            assert box.received_so_far == 0  # answered while the server held the email
        [message] = box.messages  # it does leave
    assert message["Subject"] == "Set a new Recert password"


# With two-factor sign-in on, the mailbox alone does not set the password.

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
FROZEN = 1_800_000_000


@pytest.fixture
def recovery_codes(app, client, mailbox) -> list[str]:
    """Pat, with codes from an app on, logged out and sent a reset link; their recovery
    codes."""
    app.config["NOW"] = FROZEN
    AuthActions(client).register()
    AuthActions(client).logout()
    with app.test_request_context():
        session = get_session()
        user = session.exec(select(User)).one()
        user.totp_secret = SECRET
        session.add(user)
        codes = two_factor.new_recovery_codes(session, user)
    forgot(client)
    return codes


def logged_in(client) -> bool:
    return client.get("/account/").status_code == 200


def test_with_two_factor_on_a_reset_also_asks_for_a_code(app, client, recovery_codes):
    link = reset_link(app)
    page = client.get(link).text
    assert "Code from your code app, or a recovery code" in page
    before = snapshot(app)
    for code in (None, "", pyotp.TOTP(SECRET).at(FROZEN + 600)):
        data = NEW if code is None else {**NEW, "code": code}
        response = follow_link(client, link, data)
        assert response.status_code == 200
        assert 'aria-invalid="true"' in response.text
    assert "That code is not right" in response.text
    assert snapshot(app) == before
    assert not logged_in(client)

    response = follow_link(client, link, {**NEW, "code": pyotp.TOTP(SECRET).at(FROZEN)})
    assert response.headers["Location"] == "/"  # the second step was this form
    assert logged_in(client)
    AuthActions(client).logout()
    assert AuthActions(client).login(password=NEW_PASSWORD).headers["Location"] == (
        "/auth/second-step")


def test_with_two_factor_on_a_recovery_code_works_once(app, client, recovery_codes):
    response = follow_link(client, reset_link(app), {**NEW, "code": recovery_codes[0]})
    assert response.headers["Location"] == "/"
    AuthActions(client).logout()
    forgot(client)
    again = follow_link(client, reset_link(app), {"password": "another new passphrase",
                                                  "confirm": "another new passphrase",
                                                  "code": recovery_codes[0]})
    assert again.status_code == 200 and "That code is not right" in again.text


def test_with_two_factor_on_wrong_codes_count_under_the_lockout(app, client, recovery_codes):
    link = reset_link(app)
    before = snapshot(app)
    wrong = {**NEW, "code": "000000"}
    for _ in range(5):
        assert follow_link(client, link, wrong).status_code == 200
    refused = follow_link(client, link, {**NEW, "code": pyotp.TOTP(SECRET).at(FROZEN)})
    assert refused.status_code == 429
    assert "Too many attempts." in refused.text
    assert snapshot(app) == before
