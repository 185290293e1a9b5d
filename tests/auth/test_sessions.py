"""Server-side login sessions: one row per logged-in browser, gone at logout.

Flask-Login's id (in the session and the remember cookie) is `<user id>:<session token>`,
and only a token with a row in login_sessions logs anyone in.
"""

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.helpers import PASSWORD, AuthActions, counted_statements, submit
from tracker.auth.services import IDLE_LIMIT, SEEN_EVERY
from tracker.db import get_session
from tracker.models import LoginSession, User, utcnow

NEW_PASSWORD = "a brand new sentence"


def logins(app) -> list[LoginSession]:
    with app.app_context():
        return list(get_session().exec(select(LoginSession).order_by(LoginSession.id)))


def logged_in(client) -> bool:
    return client.get("/account/").status_code == 200


def copy_cookie(source, target, name: str) -> None:
    target.set_cookie(name, source.get_cookie(name).value)


def set_last_seen(app, moment) -> None:
    with app.app_context():
        session = get_session()
        for login in session.exec(select(LoginSession)):
            login.last_seen_at = moment
        session.commit()


@pytest.fixture
def second(app, client, auth):
    """A second browser logged in as the same person (registered in `client`)."""
    auth.register()
    browser = app.test_client()
    assert AuthActions(browser).login().status_code == 302
    return browser


def test_each_login_is_a_row_and_the_cookie_names_it(app, client, auth):
    auth.register()
    [login] = logins(app)
    with app.app_context():
        user = get_session().exec(select(User)).one()
    assert login.user_id == user.id
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{user.id}:{login.token}"


def test_the_remember_cookie_names_the_login_session_too(app, client, auth):
    auth.register()
    auth.logout()
    auth.login(remember=True)
    [login] = logins(app)
    assert client.get_cookie("remember_token").value.startswith(f"{login.user_id}:{login.token}|")
    # The remember cookie alone logs a browser in while the login session exists.
    browser = app.test_client()
    copy_cookie(client, browser, "remember_token")
    assert logged_in(browser)


def test_a_copied_session_cookie_stops_working_at_logout(app, client, auth):
    auth.register()
    thief = app.test_client()
    copy_cookie(client, thief, "session")
    assert logged_in(thief)
    auth.logout()
    assert logins(app) == []
    assert not logged_in(client)
    assert not logged_in(thief)


def test_a_copied_remember_cookie_stops_working_at_logout(app, client, auth):
    auth.register()
    auth.logout()
    auth.login(remember=True)
    thief = app.test_client()
    copy_cookie(client, thief, "remember_token")
    auth.logout()
    assert not logged_in(thief)


def test_logging_out_one_browser_keeps_the_other(app, client, second):
    assert len(logins(app)) == 2
    AuthActions(second).logout()
    assert len(logins(app)) == 1
    assert logged_in(client)
    assert not logged_in(second)


def test_a_password_change_logs_out_the_other_browsers_only(app, client, second):
    thief = app.test_client()  # a copy of this browser's own cookie stops working too
    copy_cookie(client, thief, "session")
    response = submit(client, "/account/password", {
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 302
    assert logged_in(client)
    assert not logged_in(second)
    assert not logged_in(thief)
    [login] = logins(app)
    with client.session_transaction() as session:
        assert session["_user_id"].endswith(f":{login.token}")
    assert AuthActions(second).login(password=NEW_PASSWORD).status_code == 302


def test_a_password_change_keeps_keep_me_logged_in(app, client, auth):
    auth.register()
    auth.logout()
    auth.login(remember=True)
    submit(client, "/account/password", {
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    browser = app.test_client()  # the new remember cookie alone logs in
    copy_cookie(client, browser, "remember_token")
    assert logged_in(browser)


def test_deleting_the_account_removes_every_login(app, client, second):
    response = submit(client, "/account/delete", {"current_password": PASSWORD})
    assert response.status_code == 302
    assert logins(app) == []
    assert not logged_in(client)
    assert not logged_in(second)


@pytest.mark.parametrize("stored_id", ["1", "1:", "x:y", "1:not-a-session-token"])
def test_an_id_without_a_live_login_session_is_no_one(app, client, auth, stored_id):
    auth.register()
    with client.session_transaction() as session:
        session["_user_id"] = stored_id
    assert not logged_in(client)


def test_last_seen_is_written_at_most_once_every_few_minutes(app, client, auth):
    auth.register()
    with counted_statements(app) as statements:
        assert logged_in(client)
    assert not [s for s in statements if s.startswith("UPDATE")]

    stale = utcnow() - SEEN_EVERY - timedelta(minutes=1)
    set_last_seen(app, stale)
    with counted_statements(app) as statements:
        assert logged_in(client)
    assert len([s for s in statements if s.startswith("UPDATE login_sessions")]) == 1
    [seen] = logins(app)
    assert seen.last_seen_at.replace(tzinfo=None) > stale.replace(tzinfo=None)

    with counted_statements(app) as statements:
        assert logged_in(client)
    assert not [s for s in statements if s.startswith("UPDATE")]


def test_a_login_left_unused_for_a_year_is_over_and_cleared_at_the_next_login(app, client,
                                                                              second):
    set_last_seen(app, utcnow() - IDLE_LIMIT - timedelta(days=1))
    assert not logged_in(client)
    assert not logged_in(second)
    assert AuthActions(client).login().status_code == 302
    assert len(logins(app)) == 1  # the two old ones were removed
