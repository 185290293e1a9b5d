"""Changing a password or email, and deleting an account with all its data."""

from sqlalchemy import func, select
from sqlmodel import SQLModel

from tests.helpers import PASSWORD, AuthActions, submit
from tracker.db import get_session
from tracker.models import User

NEW_PASSWORD = "a brand new passphrase"


def test_account_page_shows_who_you_are(user_client):
    page = user_client.get("/account/")
    assert "pat@example.com" in page.text
    assert "Pat Doe" in page.text


def test_change_password(user_client, auth):
    response = submit(user_client, "/account/password",
                      {"current_password": PASSWORD, "password": NEW_PASSWORD,
                       "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert "Your password is changed" in user_client.get("/account/").text
    auth.logout()
    assert auth.login().status_code == 200
    assert auth.login(password=NEW_PASSWORD).status_code == 302


def test_change_password_needs_the_current_one(user_client, auth):
    response = submit(user_client, "/account/password",
                      {"current_password": "wrong password!", "password": NEW_PASSWORD,
                       "confirm": NEW_PASSWORD})
    assert response.status_code == 200
    assert "That is not your current password." in response.text
    auth.logout()
    assert auth.login().status_code == 302


def test_change_password_logs_out_other_devices(app, user_client, auth):
    other_device = app.test_client()
    assert AuthActions(other_device).login().status_code == 302
    submit(user_client, "/account/password",
           {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert "Hello, Pat Doe" in user_client.get("/").text
    assert "Hello, Pat Doe" not in other_device.get("/").text


def AuthOn(client):
    from tests.helpers import AuthActions

    return AuthActions(client)


def test_change_email(app, user_client, auth):
    response = submit(user_client, "/account/email",
                      {"email": "Pat.New@Example.com", "current_password": PASSWORD})
    assert response.status_code == 302
    assert "pat.new@example.com" in user_client.get("/account/").text
    auth.logout()
    assert auth.login(email="pat.new@example.com").status_code == 302


def test_change_email_refuses_a_wrong_password_and_a_taken_email(app, client, auth):
    auth.register(email="other@example.com", name="Other")
    auth.logout()
    auth.register()
    wrong = submit(client, "/account/email",
                   {"email": "new@example.com", "current_password": "wrong password!"})
    assert "That is not your current password." in wrong.text
    taken = submit(client, "/account/email",
                   {"email": "OTHER@example.com", "current_password": PASSWORD})
    assert "Another account already uses this email." in taken.text
    with app.app_context():
        emails = sorted(get_session().exec(select(User.email)).scalars())
    assert emails == ["other@example.com", "pat@example.com"]


def rows_of_user(app, user_id: int) -> dict[str, int]:
    """How many rows in each table belong to the user (by id, or by user_id)."""
    counts = {}
    with app.app_context():
        session = get_session()
        for table in SQLModel.metadata.sorted_tables:
            column = table.c.get("user_id")
            if column is None and table.name == "users":
                column = table.c.id
            if column is not None:
                counts[table.name] = session.execute(
                    select(func.count()).select_from(table).where(column == user_id)
                ).scalar_one()
    return counts


def test_delete_account_removes_every_row(app, client, auth):
    auth.register(email="stays@example.com", name="Stays")
    auth.logout()
    auth.register()
    with app.app_context():
        user_id = get_session().exec(select(User.id).where(User.email == "pat@example.com"))
        user_id = user_id.scalar_one()
    assert rows_of_user(app, user_id)["users"] == 1
    response = submit(client, "/account/delete", {"current_password": PASSWORD})
    assert response.status_code == 302
    assert "Your account and all its data are deleted." in client.get("/auth/login").text
    assert set(rows_of_user(app, user_id).values()) == {0}
    assert auth.login().status_code == 200
    assert auth.login(email="stays@example.com").status_code == 302


def test_delete_account_needs_the_password(app, user_client):
    response = submit(user_client, "/account/delete", {"current_password": "wrong password!"})
    assert response.status_code == 200
    assert "That is not your current password." in response.text
    assert "Hello, Pat Doe" in user_client.get("/").text
