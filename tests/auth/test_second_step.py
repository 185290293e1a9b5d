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


def registered_with(app, auth, *, secret: str | None = None, passkeys: tuple[str, ...] = (),
                    codes: bool = True) -> list[str]:
    """Pat, registered and logged out, with codes from an app (`secret`), the named passkeys
    and (`codes`) recovery codes; the recovery codes."""
    auth.register()
    auth.logout()
    with app.test_request_context():
        session = get_session()
        user = session.exec(select(User)).one()
        user.totp_secret = secret
        session.add(user)
        session.add_all(Passkey(user_id=user.id, name=name, credential_id=name.encode(),
                                public_key=b"k", transports=["internal", "not a transport"])
                        for name in passkeys)
        session.commit()
        return two_factor.new_recovery_codes(session, user) if codes else []


@pytest.fixture
def pat(app, auth) -> list[str]:
    """Pat, registered and logged out, with codes from an app on; their recovery codes."""
    app.config["NOW"] = FROZEN
    return registered_with(app, auth, secret=SECRET)


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
    registered_with(app, auth, passkeys=("id",))
    assert auth.login().headers["Location"] == "/auth/second-step"
    page = client.get("/auth/second-step")
    assert "Use your passkey" in page.text
    assert "This browser cannot use passkeys. Type a code below instead." in " ".join(
        page.text.split())
    assert "Lost your passkey? Use one of your recovery codes." in page.text
    assert "One of your recovery codes." in page.text
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


def test_without_recovery_codes_the_second_step_says_who_can_help(app, client, auth):
    """A passkey alone and no code left: no box for codes, and no promise a code would help;
    it says that a new password does not help and the people who run Recert can."""
    registered_with(app, auth, passkeys=("id",), codes=False)
    auth.login()
    page = client.get("/auth/second-step")
    words = " ".join(page.text.split())
    assert "Use your passkey" in words
    assert "Use one of your recovery codes" not in words
    assert 'name="code"' not in page.text
    assert ("Lost your passkey, and you have no recovery codes left? A new password will not "
            "help") in words
    assert "Ask the people who run Recert where you work to turn off two-factor sign-in" in words
    assert "This browser cannot use passkeys. Try another browser" in words


def test_an_app_and_no_recovery_codes_left_says_who_can_help(client, auth, pat):
    for code in pat:
        with client.application.test_request_context():
            session = get_session()
            assert two_factor.use_recovery_code(session, session.exec(select(User)).one(), code)
    auth.login()
    words = " ".join(client.get("/auth/second-step").text.split())
    assert "Lost your phone, and you have no recovery codes left?" in words
    assert "type the 6-digit code" in words  # the app still works


NESTED = b"[" * 50_000  # under 64 KB, deeper than Python's json reader goes
NOT_AN_OBJECT = {
    "nothing": (b"", "application/json"),
    "null": (b"null", "application/json"),
    "a list": (b'[{"id": "x"}]', "application/json"),
    "a number": (b"5", "application/json"),
    "a string": (b'"x"', "application/json"),
    "not UTF-8": (b'{"id": "\xff\xfe"}', "application/json"),
    "nested too deep": (NESTED, "application/json"),
    "not JSON": (b"id=x", "application/x-www-form-urlencoded"),
}
TOO_BIG = b'{"id": "' + b"x" * 70_000 + b'"}'


def refuses_odd_bodies(client, url: str, token: str) -> None:
    """Each body that is not a small JSON object gets a 400 with a plain message in JSON."""
    headers = {"X-CSRFToken": token}
    for name, (body, kind) in NOT_AN_OBJECT.items():
        response = client.post(url, data=body, content_type=kind, headers=headers)
        assert response.status_code == 400, f"{url}, {name}: {response.status}"
        assert response.json == {"error": "The browser's answer was not understood. Please "
                                          "reload the page and try again."}, name
    response = client.post(url, data=TOO_BIG, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert response.json == {"error": "The browser sent too much. Please reload the page and "
                                      "try again."}


def test_the_passkey_login_answers_400_to_what_is_not_a_json_object(client):
    token = csrf_token(client.get("/auth/login").text)
    refuses_odd_bodies(client, "/auth/passkey", token)
    # The prompt's options read no body: an odd one changes nothing.
    options = client.post("/auth/passkey/options", data=NESTED, content_type="application/json",
                          headers={"X-CSRFToken": token})
    assert options.status_code == 200 and "challenge" in options.json
    assert client.get("/account/").status_code == 302


def test_the_second_step_passkey_answers_400_to_what_is_not_a_json_object(app, client, auth):
    registered_with(app, auth, passkeys=("id",))
    auth.login()
    refuses_odd_bodies(client, "/auth/second-step/passkey",
                       csrf_token(client.get("/auth/second-step").text))
    assert client.get("/account/").status_code == 302


def test_the_time_zone_of_a_login_is_kept_only_once_the_second_step_is_done(app, client, pat):
    submit(client, "/auth/login", {"email": "pat@example.com",
                                   "password": "correct horse battery",
                                   "time_zone": "Asia/Tokyo"})
    with app.app_context():  # a password alone changes nothing on the account
        assert get_session().exec(select(User)).one().time_zone is None
    assert send_code(client, CODE).status_code == 302
    with app.app_context():
        assert get_session().exec(select(User)).one().time_zone == "Asia/Tokyo"
