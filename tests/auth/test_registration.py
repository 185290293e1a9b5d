"""Registering confirms the email by a link sent there, through a real SMTP server; no page
says whether an address has an account."""

import re
import time

import pyotp
import pytest
from sqlmodel import select

from tests.helpers import PASSWORD, AuthActions, follow_link, snapshot, submit
from tests.mail_server import emailed_link, emails_to, mail_server, text_of, words_of
from tracker.auth import two_factor, verification
from tracker.db import get_session
from tracker.models import User

FORM = {"email": "pat@example.com", "display_name": "Pat Doe", "password": PASSWORD,
        "confirm": PASSWORD}
CHECK_EMAIL = "/auth/register/check-email"


@pytest.fixture
def mailbox(app):
    with mail_server(app) as box:
        yield box


def user_of(app, email="pat@example.com") -> User | None:
    with app.app_context():
        return get_session().exec(select(User).where(User.email == email)).first()


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", html)


def make_older_unconfirmed(app, **changes) -> None:
    """Make the only account one as migration 0009 left those made before it (with
    `changes`)."""
    with app.app_context():
        session = get_session()
        user = session.exec(select(User)).one()
        for name, value in {"email_verified_at": None, "may_log_in_unverified": True,
                            **changes}.items():
            setattr(user, name, value)
        session.commit()


def verify_link(app, email="pat@example.com") -> str:
    return emailed_link(app, email, "/auth/verify/")


def test_registering_sends_a_link_that_confirms_and_logs_in(app, client, mailbox):
    response = submit(client, "/auth/register", FORM)
    assert response.headers["Location"] == CHECK_EMAIL
    page = client.get(CHECK_EMAIL)
    assert "Check your email to finish" in page.text
    assert "Hello, Pat Doe" not in client.get("/").text  # not logged in yet
    assert user_of(app).email_verified_at is None
    [message] = mailbox.messages
    assert message["Subject"] == "Confirm your email for Recert"
    assert "The link works for 48 hours." in text_of(message)
    assert str(message["To"]) == "pat@example.com"  # not proven: no name typed by anyone
    assert "Pat Doe" not in text_of(message)
    assert "<a href=" in message.get_body(("html",)).get_content()

    link = verify_link(app)
    assert "Confirm my email" in client.get(link).text
    assert user_of(app).email_verified_at is None  # opening the link (a mail scanner) is not enough
    response = follow_link(client, link)
    assert response.headers["Location"] == "/"
    home = client.get("/").text
    assert "Your email is confirmed." in home and "Welcome back, Pat Doe." in home
    assert "Confirm your email" not in home  # no banner
    assert user_of(app).email_verified_at is not None


def test_an_unconfirmed_account_cannot_log_in_and_gets_the_link_again(app, client, mailbox):
    auth = AuthActions(client)
    submit(client, "/auth/register", FORM)
    response = auth.login()
    assert response.status_code == 200
    assert "you have not confirmed your email yet" in response.text
    assert "We sent a new link to <strong>pat@example.com</strong>" in response.text
    assert "Hello, Pat Doe" not in client.get("/").text
    assert len(emails_to(app, "pat@example.com")) == 2
    assert follow_link(client, verify_link(app)).headers["Location"] == "/"
    auth.logout()
    assert auth.login().headers["Location"] == "/"


def test_a_used_link_says_so_and_changes_nothing(app, client, mailbox):
    submit(client, "/auth/register", FORM)
    link = verify_link(app)
    follow_link(client, link)
    AuthActions(client).logout()
    before = snapshot(app)
    again = client.get(link)
    assert again.status_code == 400
    assert "This link was already used" in again.text
    assert "Hello, Pat Doe" not in client.get("/").text
    assert snapshot(app) == before


@pytest.mark.parametrize(("make_token", "says"), [
    (lambda user: verification.verify_token(user, signed_at=time.time() - 49 * 3600),
     "This link is too old"),
    (lambda user: verification.verify_token(user)[:-3] + "abc", "This link is not right"),
    (lambda user: verification.change_token(user, user.email), "This link is not right"),
])
def test_an_old_or_changed_link_says_so_and_changes_nothing(app, client, mailbox, make_token,
                                                             says):
    submit(client, "/auth/register", FORM)
    with app.test_request_context():
        token = make_token(user_of(app))
    before = snapshot(app)
    for response in (client.get(f"/auth/verify/{token}"),
                     submit(client, f"/auth/verify/{token}", {}, form_page="/auth/login")):
        assert response.status_code == 400
        assert says in response.text
    assert "Hello, Pat Doe" not in client.get("/").text
    assert snapshot(app) == before


def test_a_taken_address_gets_the_same_answer_and_its_owner_a_note(app, client, mailbox):
    AuthActions(client).register()
    AuthActions(client).logout()
    new = submit(client, "/auth/register", {**FORM, "email": "sam@example.com"})
    taken = submit(client, "/auth/register", {**FORM, "email": "PAT@example.com",
                                              "display_name": "Someone Else"})
    assert (taken.status_code, taken.headers["Location"], taken.data) == (
        new.status_code, new.headers["Location"], new.data)
    note = emails_to(app, "pat@example.com")[-1]
    assert note["Subject"] == "Someone tried to make a Recert account with your email"
    body = words_of(note)
    assert "You already have an account, so we did not make a new one." in body
    assert "Someone Else" not in body and "Pat Doe" not in body
    assert str(note["To"]) == "pat@example.com"
    assert "http://localhost/auth/login" in body and "http://localhost/auth/forgot" in body
    with app.app_context():
        names = sorted(get_session().exec(select(User.display_name)))
    assert names == ["Pat Doe", "Pat Doe"]  # Pat, and the new sam@example.com


def test_registering_an_unconfirmed_address_again_starts_its_account_over(app, client,
                                                                         mailbox):
    """Pre-hijacking: a stranger registers Pat's address with their own password; when Pat
    registers, the account takes Pat's password and name, and the stranger's link dies."""
    stranger = submit(client, "/auth/register", {**FORM, "display_name": "Mallory",
                                                 "password": "the strangers secret 42",
                                                 "confirm": "the strangers secret 42"})
    stranger_link = verify_link(app)
    pat = submit(client, "/auth/register", FORM)
    assert (pat.status_code, pat.headers["Location"], pat.data) == (
        stranger.status_code, stranger.headers["Location"], stranger.data)
    assert len(emails_to(app, "pat@example.com")) == 2
    assert user_of(app).display_name == "Pat Doe"

    before = snapshot(app)
    dead = client.get(stranger_link)
    assert dead.status_code == 400 and "This link was already used" in dead.text
    assert snapshot(app) == before
    assert follow_link(client, verify_link(app)).headers["Location"] == "/"
    assert "Welcome back, Pat Doe." in client.get("/").text
    auth = AuthActions(client)
    auth.logout()
    assert auth.login(password="the strangers secret 42").status_code == 200  # refused
    assert auth.login().headers["Location"] == "/"


def test_a_link_made_for_a_strangers_password_asks_for_that_password(app, client, mailbox):
    """The stranger registers Pat's address again after Pat did: the newest link in Pat's
    inbox is for the stranger's password. Following it, Pat must type the account's password,
    which Pat does not know: nothing is confirmed, Pat is not logged in to an account the
    stranger can open, and a new password by email gets Pat in."""
    submit(client, "/auth/register", FORM)
    submit(client, "/auth/register", {**FORM, "display_name": "Mallory",
                                      "password": "the strangers secret 42",
                                      "confirm": "the strangers secret 42"})
    page = client.get(verify_link(app))
    assert "type the password you" in page.text and 'href="/auth/forgot"' in page.text
    refused = follow_link(client, verify_link(app), {"password": PASSWORD})
    assert refused.status_code == 200
    assert "That is not the password of this account." in refused.text
    assert user_of(app).email_verified_at is None
    assert "Log out" not in client.get("/").text


def test_an_older_unconfirmed_account_keeps_its_password_and_its_owner_is_told(app, client,
                                                                               mailbox):
    AuthActions(client).register()
    AuthActions(client).logout()
    make_older_unconfirmed(app)
    unknown = submit(client, "/auth/register", {**FORM, "email": "sam@example.com"})
    again = submit(client, "/auth/register", {**FORM, "display_name": "Mallory",
                                              "password": "the strangers secret 42",
                                              "confirm": "the strangers secret 42"})
    assert again.data == unknown.data
    note = emails_to(app, "pat@example.com")[-1]
    assert note["Subject"] == "Someone tried to make a Recert account with your email"
    assert user_of(app).display_name == "Pat Doe"
    assert AuthActions(client).login(password="the strangers secret 42").status_code == 200
    assert AuthActions(client).login().headers["Location"] == "/"


def test_a_link_made_before_the_password_changed_no_longer_works(app, client, mailbox):
    submit(client, "/auth/register", FORM)
    with app.test_request_context():
        session = get_session()
        user = session.exec(select(User).where(User.email == "pat@example.com")).one()
        token = verification.verify_token(user)
        user.password_hash = "$argon2id$changed"
        session.commit()
    before = snapshot(app)
    response = client.get(f"/auth/verify/{token}")
    assert response.status_code == 400 and "This link was already used" in response.text
    assert snapshot(app) == before


def test_the_link_leads_to_the_second_step_when_two_factor_is_on(app, client, mailbox):
    """An older unconfirmed account may have turned two-factor sign-in on: the link alone
    must not log it in."""
    secret, frozen = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 1_800_000_000
    app.config["NOW"] = frozen
    AuthActions(client).register()
    AuthActions(client).logout()
    make_older_unconfirmed(app, totp_secret=secret)
    submit(client, "/auth/register", FORM)  # the owner is told
    AuthActions(client).login()  # logging in goes to the second step, not the link
    client.get("/auth/second-step")
    with app.test_request_context():
        link = f"/auth/verify/{verification.verify_token(user_of(app))}"
    other = app.test_client()
    response = follow_link(other, link)
    assert response.headers["Location"] == "/auth/second-step"
    assert other.get("/account/").status_code != 200  # not logged in
    assert user_of(app).email_verified_at is not None
    code = submit(other, "/auth/second-step", {"code": pyotp.TOTP(secret).at(frozen)})
    assert code.headers["Location"] == "/"
    assert other.get("/account/").status_code == 200
    with app.app_context():
        assert two_factor.is_on(get_session(), user_of(app))


def test_a_name_that_is_an_address_is_not_in_the_email(app, client, mailbox):
    submit(client, "/auth/register", {**FORM, "display_name": "http://evil.example"})
    [message] = emails_to(app, "pat@example.com")
    assert "evil.example" not in message.as_string()
    html = message.get_body(("html",)).get_content()
    assert re.findall(r'href="([^"]+)"', html) == [verify_link(app)]


def test_a_known_address_does_not_wait_for_the_mail_server(app, client):
    """Its email leaves after the answer, so the time the page takes tells nothing."""
    AuthActions(client).register()
    AuthActions(client).logout()
    page = client.get("/auth/register")  # (the CSRF token, before the clock starts)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]*)"', page.text).group(1)
    with mail_server(app) as box:
        with box.stalled():
            response = client.post("/auth/register", data={**FORM, "csrf_token": token})
            assert response.headers["Location"] == CHECK_EMAIL
            assert box.received_so_far == 0  # answered while the server held the email
        [note] = box.messages  # it does leave
    assert note["Subject"] == "Someone tried to make a Recert account with your email"


def test_register_and_login_answer_the_same_for_a_known_and_an_unknown_address(app, client):
    """The same address before and after it has an account: not a byte differs but the
    CSRF token."""
    unknown_register = submit(client, "/auth/register", FORM)
    unknown_login = AuthActions(client).login(password="not the password!")
    with app.app_context():  # the account is gone again, then made and confirmed
        session = get_session()
        session.delete(session.exec(select(User)).one())
        session.commit()
    AuthActions(client).register()
    AuthActions(client).logout()
    known_register = submit(client, "/auth/register", FORM)
    known_login = AuthActions(client).login(password="not the password!")
    assert known_register.headers["Location"] == unknown_register.headers["Location"]
    assert known_register.data == unknown_register.data
    assert known_login.status_code == unknown_login.status_code == 200
    assert without_csrf(known_login.text) == without_csrf(unknown_login.text)


def test_link_emails_to_one_address_stop_after_five_an_hour(app, client, mailbox):
    for _ in range(7):
        response = submit(client, "/auth/register", FORM)
        assert response.headers["Location"] == CHECK_EMAIL
    assert len(emails_to(app, "pat@example.com")) == 5
    assert AuthActions(client).login().status_code == 200  # still says the link was sent
    assert len(emails_to(app, "pat@example.com")) == 5


def test_without_email_registering_logs_in_at_once(app, client):
    app.config["MAIL_MODE"] = "off"
    response = submit(client, "/auth/register", FORM)
    assert response.headers["Location"] == "/"
    home = client.get("/").text
    assert "Welcome, Pat Doe. Your account is ready." in home
    assert "Send the link" not in home  # nothing could be sent
    assert user_of(app).may_log_in_unverified


def test_an_older_account_sees_a_banner_until_it_confirms(app, client, mailbox):
    AuthActions(client).register()
    make_older_unconfirmed(app)
    home = client.get("/").text
    assert "Confirm your email" in home and "Send the link" in home
    sent = submit(client, "/auth/verify/send", {}, form_page="/")
    assert sent.headers["Location"] == "/"
    assert "We sent a link to pat@example.com." in client.get("/").text
    assert follow_link(client, verify_link(app)).headers["Location"] == "/"
    assert "Send the link" not in client.get("/").text
    assert user_of(app).email_verified_at is not None
