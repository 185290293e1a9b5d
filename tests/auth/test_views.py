"""Registering, logging in and out, and the login lockout."""

import pytest
from argon2 import extract_parameters, profiles
from sqlmodel import select

from tests.helpers import PASSWORD, submit
from tracker.auth.lockout import ADDRESS_LIMIT
from tracker.auth.passwords import hash_password, verify_password
from tracker.db import get_session
from tracker.models import User


def users(app) -> list[User]:
    with app.app_context():
        return list(get_session().exec(select(User)))


def test_register_creates_the_account_and_shows_the_empty_state(app, client, auth):
    response = auth.register(email="  Pat@Example.COM ")
    assert response.status_code == 302
    home = client.get("/")
    assert "Hello, Pat Doe" in home.text
    assert "Add the credential you hold" in home.text
    [user] = users(app)
    assert user.email == "pat@example.com"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_passwords_are_hashed_at_full_cost_outside_the_tests(app):
    """The suite hashes with argon2's cheapest parameters; a real server never does."""
    app.config["TESTING"] = False
    with app.app_context():
        hashed = hash_password(PASSWORD)
        assert extract_parameters(hashed) == profiles.RFC_9106_LOW_MEMORY
        assert verify_password(hashed, PASSWORD) and not verify_password(hashed, "wrong one")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password": "short pw", "confirm": "short pw"}, "Use at least 10 characters."),
        ({"confirm": "something different"}, "The two passwords are not the same."),
        ({"password": "Password123", "confirm": "Password123"}, "easy to guess"),
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"display_name": ""}, "Enter your name."),
    ],
)
def test_bad_registration_re_renders_with_the_error_and_creates_nothing(
    app, auth, changes, message
):
    response = auth.register(**changes)
    assert response.status_code == 200
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert users(app) == []


def test_without_email_registering_logs_in_and_a_taken_email_is_refused(app, client, auth):
    """RECERT_MAIL=off: nothing can be verified, so the account is ready at once (with email,
    see tests/auth/test_registration.py)."""
    app.config["MAIL_MODE"] = "off"
    assert auth.register().headers["Location"] == "/"
    auth.logout()
    response = auth.register(email="PAT@example.com", name="Someone Else")
    assert response.status_code == 200
    assert "An account with this email already exists" in response.text
    assert [u.display_name for u in users(app)] == ["Pat Doe"]


def test_a_name_with_control_characters_is_refused(app, auth):
    response = auth.register(name="Pat\x00Doe")
    assert response.status_code == 200
    assert "Remove the invisible control characters from this text." in response.text
    assert users(app) == []


def test_login_and_logout(client, auth):
    auth.register()
    auth.logout()
    assert "Add the credential you hold" not in client.get("/").text
    response = auth.login(email="PAT@example.com")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Hello, Pat Doe" in client.get("/").text
    auth.logout()
    assert client.get("/account/").status_code == 302


def test_unknown_email_and_wrong_password_get_the_same_message(client, auth):
    auth.register()
    auth.logout()
    wrong_password = auth.login(password="not the password at all")
    unknown_email = auth.login(email="nobody@example.com")
    assert wrong_password.status_code == unknown_email.status_code == 200
    message = "The email or the password is not right."
    assert message in wrong_password.text
    assert message in unknown_email.text


def test_logout_needs_a_post(user_client):
    assert user_client.get("/auth/logout").status_code == 405
    assert "Hello, Pat Doe" in user_client.get("/").text


def test_remember_me_sets_a_lasting_cookie(client, auth):
    auth.register()
    auth.logout()
    auth.login(remember=True)
    assert client.get_cookie("remember_token") is not None


def test_without_remember_me_there_is_no_lasting_cookie(client, auth):
    auth.register()
    auth.logout()
    auth.login()
    assert client.get_cookie("remember_token") is None


def test_the_session_cookie_changes_at_login(client, auth):
    auth.register()
    auth.logout()
    client.get("/auth/login")
    before = client.get_cookie("session").value
    auth.login()
    after = client.get_cookie("session").value
    assert before != after


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/account/", "/account/"),
        ("https://evil.example/steal", "/"),
        ("//evil.example/steal", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_accepts_paths_on_this_site(client, auth, next_url, expected):
    auth.register()
    auth.logout()
    response = submit(
        client,
        f"/auth/login?next={next_url}",
        {"email": "pat@example.com", "password": PASSWORD},
        form_page="/auth/login",
    )
    assert response.headers["Location"] == expected


def test_a_page_that_needs_login_sends_you_there_and_back(client, auth):
    auth.register()
    auth.logout()
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")
    login = submit(client, response.headers["Location"],
                   {"email": "pat@example.com", "password": PASSWORD})
    assert login.headers["Location"] == "/account/"


def test_five_failed_logins_lock_the_email_out(client, auth):
    auth.register()
    auth.logout()
    for _ in range(5):
        assert auth.login(password="wrong password here").status_code == 200
    locked = auth.login()  # even the right password is refused now
    assert locked.status_code == 429
    assert "Too many attempts. Try again in 15 minutes." in locked.text
    assert "Retry-After" in locked.headers
    assert "Hello" not in client.get("/").text


def test_failed_logins_from_one_address_lock_it_out_for_any_email(client, auth):
    for number in range(ADDRESS_LIMIT):
        assert auth.login(email=f"guess{number}@example.com").status_code == 200
    assert auth.login(email="another@example.com").status_code == 429


def test_the_email_lockout_holds_from_another_address(client, auth):
    auth.register()
    auth.logout()
    for number in range(5):
        response = submit(client, "/auth/login",
                          {"email": "pat@example.com", "password": "wrong password here"},
                          environ_base={"REMOTE_ADDR": f"10.0.0.{number}"})
        assert response.status_code == 200
    response = submit(client, "/auth/login",
                      {"email": "pat@example.com", "password": PASSWORD},
                      environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert response.status_code == 429


def test_successful_logins_do_not_count_toward_the_lockout(client, auth):
    auth.register()
    auth.logout()
    for _ in range(6):
        assert auth.login().status_code == 302
        auth.logout()
