"""Logging in with two-factor sign-in on: the password, then a code from the app or a recovery
code. Wrong codes count under the login lockout; each code works once."""

import pyotp
import pytest
from sqlmodel import select

from tests.helpers import csrf_token, submit
from tracker.auth import two_factor
from tracker.db import get_session
from tracker.models import Passkey, User

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
FROZEN = 1_800_000_000
CODE = pyotp.TOTP(SECRET).at(FROZEN)
WRONG = pyotp.TOTP(SECRET).at(FROZEN + 600)


@pytest.fixture
def pat(app, auth) -> list[str]:
    """Pat, registered and logged out, with codes from an app on; their recovery codes."""
    app.config["NOW"] = FROZEN
    auth.register()
    auth.logout()
    with app.test_request_context():
        session = get_session()
        user = session.exec(select(User)).one()
        user.totp_secret = SECRET
        session.add(user)
        return two_factor.new_recovery_codes(session, user)


def logged_in(client) -> bool:
    return client.get("/account/").status_code == 200


def send_code(client, code: str):
    return submit(client, "/auth/second-step", {"code": code})


def test_the_password_leads_to_the_second_step_not_in(client, auth, pat):
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/second-step"
    assert not logged_in(client)
    page = client.get("/auth/second-step")
    assert "type the 6-digit code" in page.text
    assert "Lost your phone? Use one of your recovery codes." in page.text
    assert "Use your passkey" not in page.text


def test_the_right_code_logs_in_and_goes_where_the_person_was_going(client, auth, pat):
    submit(client, "/auth/login?next=/account/log",
           {"email": "pat@example.com", "password": "correct horse battery"},
           form_page="/auth/login")
    response = send_code(client, f"{CODE[:3]} {CODE[3:]}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/log"
    assert "Welcome back, Pat Doe." in client.get("/").text
    assert logged_in(client)


def test_a_wrong_code_is_refused_and_the_same_code_works_once(client, auth, pat):
    auth.login()
    refused = send_code(client, WRONG)
    assert refused.status_code == 200
    assert "That code is not right, or it was used before." in refused.text
    assert not logged_in(client)
    assert send_code(client, CODE).status_code == 302
    auth.logout()

    auth.login()
    again = send_code(client, CODE)
    assert "That code is not right, or it was used before." in again.text
    assert not logged_in(client)


def test_wrong_codes_lock_out_even_the_right_code(client, auth, pat):
    auth.login()
    for _ in range(5):
        assert send_code(client, WRONG).status_code == 200
    locked = send_code(client, CODE)
    assert locked.status_code == 429
    assert "Too many attempts. Try again in 15 minutes." in locked.text
    assert "Retry-After" in locked.headers
    assert not logged_in(client)


def test_a_recovery_code_logs_in_once(client, auth, pat):
    auth.login()
    response = send_code(client, pat[0].upper())
    assert response.status_code == 302
    assert "You used a recovery code. You have 9 left." in client.get("/").text
    auth.logout()

    auth.login()
    assert "That code is not right" in send_code(client, pat[0]).text
    assert send_code(client, pat[1]).status_code == 302


def test_without_a_password_first_there_is_no_second_step(client, pat):
    response = client.get("/auth/second-step")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert "Your login took too long or has ended. Please log in again." in client.get(
        "/auth/login").text
    posted = submit(client, "/auth/second-step", {"code": CODE}, form_page="/auth/login")
    assert posted.headers["Location"] == "/auth/login"
    assert not logged_in(client)


def test_the_second_step_ends_after_ten_minutes(client, auth, pat):
    auth.login()
    with client.session_transaction() as cookie:
        cookie["pending_login"] = {**cookie["pending_login"],
                                   "at": cookie["pending_login"]["at"] - 11 * 60}
    assert client.get("/auth/second-step").headers["Location"] == "/auth/login"


def test_a_person_with_a_passkey_is_offered_it_and_their_recovery_codes(app, client, auth):
    auth.register()
    auth.logout()
    with app.app_context():
        session = get_session()
        user = session.exec(select(User)).one()
        session.add(Passkey(user_id=user.id, name="Phone", credential_id=b"id", public_key=b"k",
                            transports=["internal", "not a transport"]))
        session.commit()
    assert auth.login().headers["Location"] == "/auth/second-step"
    page = client.get("/auth/second-step")
    assert "Use your passkey" in page.text
    assert "Passkeys need a browser with JavaScript turned on." in page.text
    assert "Lost your passkey? Use one of your recovery codes." in page.text
    assert "authenticator app" not in page.text
    options = client.post("/auth/second-step/passkey/options",
                          headers={"X-CSRFToken": csrf_token(page.text)}).json
    assert options["allowCredentials"] == [{"id": "aWQ", "type": "public-key",
                                            "transports": ["internal"]}]
    assert options["rpId"] == "localhost"


def test_a_passkey_answer_needs_its_own_prompt_and_a_known_passkey(client):
    headers = {"X-CSRFToken": csrf_token(client.get("/auth/login").text)}
    unasked = client.post("/auth/passkey", headers=headers, json={"id": "x"})
    assert unasked.status_code == 400
    assert unasked.json == {"error": "That took too long. Please try again."}

    options = client.post("/auth/passkey/options", headers=headers).json
    assert options["userVerification"] == "required" and options["allowCredentials"] == []
    unknown = client.post("/auth/passkey", headers=headers, json={"id": "x"})
    assert unknown.json == {"error": "This passkey is not one of your Recert passkeys."}
    second = client.post("/auth/second-step/passkey", headers=headers, json={"id": "x"})
    assert second.json == {"error": "Your login took too long or has ended. Please log in again."}
    assert client.get("/account/").status_code == 302
