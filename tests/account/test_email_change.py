"""Changing the email: a link goes to the new address, the change happens when it is followed,
and the old address is told. The page never says whether the new address has an account."""

import time

import pytest
from sqlmodel import select

from tests.helpers import PASSWORD, AuthActions, csrf_token, follow_link, snapshot, submit
from tests.mail_server import emailed_link, emails_to, mail_server, words_of
from tracker.auth import verification
from tracker.db import get_session
from tracker.models import User

NEW = "pat.new@example.com"


@pytest.fixture
def mailbox(app):
    with mail_server(app) as box:
        yield box


def ask_for(client, email=NEW, password=PASSWORD):
    return submit(client, "/account/email", {"email": email, "current_password": password})


def change_link(app, email=NEW) -> str:
    return emailed_link(app, email, "/account/email/confirm/")


def emails_in_db(app) -> list[str]:
    with app.app_context():
        return sorted(get_session().exec(select(User.email)))


def test_the_email_changes_when_the_link_sent_there_is_followed(app, user_client, auth,
                                                                mailbox):
    response = ask_for(user_client, email="Pat.New@Example.com")
    assert response.headers["Location"] == "/account/"
    page = user_client.get("/account/").text
    assert f"We sent a link to {NEW}. Your email changes when you open it" in page
    assert emails_in_db(app) == ["pat@example.com"]  # not yet
    [message] = emails_to(app, NEW)
    assert message["Subject"] == "Confirm your new email for Recert"
    assert "Until you follow it, your account keeps its old email." in words_of(message)
    # The new address is not proven: no name in its email.
    assert str(message["To"]) == NEW and "Pat Doe" not in words_of(message)

    link = change_link(app)
    assert f"Use {NEW} to log in" in user_client.get(link).text
    assert follow_link(user_client, link).headers["Location"] == "/account/"
    assert f"Your email is now {NEW}." in user_client.get("/account/").text
    assert emails_in_db(app) == [NEW]
    notice = emails_to(app, "pat@example.com")[-1]
    assert notice["Subject"] == "Your Recert email was changed"
    assert f"Your Recert account now uses a new email: {NEW}." in words_of(notice)
    auth.logout()
    assert auth.login(email=NEW).headers["Location"] == "/"

    again = user_client.get(link)  # used: the account's email is no longer the one it names
    assert again.status_code == 400 and "already used" in again.text


def test_the_page_says_the_same_whether_or_not_the_new_address_has_an_account(
        app, client, auth, mailbox):
    auth.register(email="other@example.com", name="Other")
    auth.logout()
    auth.register()
    for email in ("other@example.com", "free@example.com"):
        response = ask_for(client, email=email)
        assert response.headers["Location"] == "/account/"
        assert f"We sent a link to {email}." in client.get("/account/").text
    assert emails_in_db(app) == ["other@example.com", "pat@example.com"]


def test_a_taken_address_by_the_time_the_link_is_followed_changes_nothing(
        app, client, auth, mailbox):
    auth.register()
    ask_for(client)
    link = change_link(app)
    auth.logout()
    auth.register(email=NEW, name="Newcomer")  # takes the address meanwhile
    auth.logout()
    auth.login()
    before = snapshot(app)
    response = follow_link(client, link)
    assert response.status_code == 400
    assert "Another account uses this email now, so we did not change yours." in response.text
    assert snapshot(app) == before


def test_a_wrong_password_sends_nothing(app, user_client, mailbox):
    response = ask_for(user_client, password="wrong password!")
    assert "That is not your current password." in response.text
    assert emails_to(app, NEW) == []


@pytest.mark.parametrize(("make_token", "says"), [
    (lambda user: verification.change_token(user, NEW, signed_at=time.time() - 49 * 3600),
     "This link is too old"),
    (lambda user: verification.verify_token(user), "This link is not right"),
])
def test_an_old_or_wrong_link_says_so_and_changes_nothing(app, user_client, mailbox,
                                                          make_token, says):
    with app.test_request_context():
        token = make_token(get_session().exec(select(User)).one())
    before = snapshot(app)
    response = submit(user_client, f"/account/email/confirm/{token}", {}, form_page="/")
    assert response.status_code == 400
    assert says in response.text
    assert snapshot(app) == before


def test_a_link_for_another_account_changes_nothing(app, client, mailbox):
    AuthActions(client).register()
    ask_for(client)
    link = change_link(app)
    other = app.test_client()
    AuthActions(other).register(email="other@example.com", name="Other")
    response = other.get(link)
    assert response.status_code == 400
    assert "This link is for another account." in response.text
    assert emails_in_db(app) == ["other@example.com", "pat@example.com"]


def test_the_link_does_not_wait_for_the_mail_server(app, user_client):
    token = csrf_token(user_client.get("/account/email").text)
    with mail_server(app) as box:
        with box.stalled():
            response = user_client.post("/account/email", data={
                "email": NEW, "current_password": PASSWORD, "csrf_token": token})
            assert response.headers["Location"] == "/account/"
            assert box.received_so_far == 0  # answered while the server held the email
        [message] = box.messages  # it does leave
    assert message["Subject"] == "Confirm your new email for Recert"
