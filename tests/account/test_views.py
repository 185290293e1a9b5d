"""Changing a password or email, and deleting an account with all its data."""

from sqlalchemy import func, select
from sqlmodel import SQLModel

from tests.helpers import PASSWORD, AuthActions, assert_sound_page, submit
from tracker.db import get_session

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


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        session = get_session()
        return {
            table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }


def add_credential(client) -> None:
    response = submit(client, "/credentials/new/mssc-cpt", {
        "certified_on": "2022-03-15", "module_safety": "y", "module_quality": "y",
        "module_production": "y", "module_maintenance": "y",
    })
    assert response.status_code == 302


def test_delete_account_removes_every_row_of_it_and_nothing_else(app, client, auth):
    auth.register(email="stays@example.com", name="Stays")
    add_credential(client)
    auth.logout()
    before = row_counts(app)
    auth.register()
    add_credential(client)
    grown = row_counts(app)
    assert all(grown[name] > before[name] for name in ("users", "held_credentials", "cycles"))
    response = submit(client, "/account/delete", {"current_password": PASSWORD})
    assert response.status_code == 302
    assert "Your account and all its data are deleted." in client.get("/auth/login").text
    assert row_counts(app) == before
    assert auth.login().status_code == 200
    assert auth.login(email="stays@example.com").status_code == 302


def test_delete_account_needs_the_password(app, user_client):
    response = submit(user_client, "/account/delete", {"current_password": "wrong password!"})
    assert response.status_code == 200
    assert "That is not your current password." in response.text
    assert "Hello, Pat Doe" in user_client.get("/").text


def test_pages_without_an_id_are_sound(user_client):

    for url in ["/", "/account/", "/account/password", "/account/email", "/account/delete",
                "/credentials/new", "/credentials/new/mssc-cpt", "/trash/", "/trash/empty"]:
        response = user_client.get(url)
        assert response.status_code == 200, url
        assert_sound_page(response.text, url)
