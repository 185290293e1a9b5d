"""Two-factor settings on the account page: turning codes from an app on and off, new recovery
codes, passkeys removed. Each change asks for the password again and sends an email."""

import re

import pyotp
import pytest
from sqlmodel import select

from tests.auth.test_second_step import refuses_odd_bodies
from tests.helpers import PASSWORD, csrf_token, submit
from tests.mail_server import emails_to, text_of, words_of
from tracker.auth import passkeys, two_factor
from tracker.db import get_session
from tracker.models import Passkey, RecoveryCode, User

FROZEN = 1_800_000_000
PAGE = "/account/two-factor/"


@pytest.fixture
def pat(app, user_client):
    app.config["NOW"] = FROZEN
    return user_client


def the_user(app) -> User:
    with app.app_context():
        return get_session().exec(select(User)).one()


def subjects(app) -> list[str]:
    return [message["Subject"] for message in emails_to(app, "pat@example.com")]


def shown_secret(html: str) -> str:
    return re.search(r'<code class="secret-key"[^>]*>([A-Z2-7 ]+)</code>', html).group(1)


def shown_codes(html: str) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9-]+)</code></li>", html)


def setup_form(setup_page: str) -> dict:
    return {"csrf_token": csrf_token(setup_page),
            "setup": re.search(r'name="setup" type="hidden" value="([^"]+)"',
                               setup_page).group(1)}


def turn_on(client) -> tuple[str, list[str]]:
    """Turn on codes from an app as a person would; the secret and the recovery codes."""
    setup = submit(client, f"{PAGE}app", {"current_password": PASSWORD})
    secret = shown_secret(setup.text).replace(" ", "")
    done = client.post(f"{PAGE}app/confirm", data={
        **setup_form(setup.text), "code": pyotp.TOTP(secret).at(FROZEN)})
    return secret, shown_codes(done.text)


def test_the_page_says_it_is_off_and_how_to_turn_it_on(pat):
    page = pat.get(PAGE)
    assert "Two-factor sign-in is off." in page.text
    assert "Set up an app" in page.text
    assert "This browser cannot use passkeys. To add one, use another browser" in " ".join(
        page.text.split())
    assert "A passkey lets your phone or computer prove it is you, with your fingerprint, face " \
           "or PIN." in " ".join(page.text.split())
    assert "authenticator app" not in page.text and "security key" not in page.text


def test_turning_on_asks_the_password_shows_a_qr_code_and_a_code_turns_it_on(app, pat):
    wrong = submit(pat, f"{PAGE}app", {"current_password": "not my password"})
    assert "That is not your current password." in wrong.text
    assert "<svg" not in wrong.text

    setup = submit(pat, f"{PAGE}app", {"current_password": PASSWORD})
    assert "<svg" in setup.text and "QR code for your code app" in setup.text
    assert "like Google Authenticator or Microsoft" in setup.text
    assert setup.headers["Cache-Control"] == "no-store"
    secret = shown_secret(setup.text)
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{1,4}", secret)
    assert the_user(app).totp_secret is None  # not until a code shows the app has it

    form = setup_form(setup.text)
    wrong_code = pat.post(f"{PAGE}app/confirm", data={**form, "code": "12345"})
    assert "That code is not right." in wrong_code.text
    assert the_user(app).totp_secret is None

    code = pyotp.TOTP(secret.replace(" ", "")).at(FROZEN)
    done = pat.post(f"{PAGE}app/confirm", data={**form, "code": code})
    assert "Codes from your app are on. Save your recovery codes." in done.text
    assert "you will not see them again" in done.text
    assert done.headers["Cache-Control"] == "no-store"
    codes = shown_codes(done.text)
    assert len(codes) == 10
    sent_again = pat.post(f"{PAGE}app/confirm", data={**form, "code": code})
    assert sent_again.headers["Location"] == PAGE  # no second set of codes
    assert the_user(app).totp_secret == secret.replace(" ", "")
    assert "Two-factor sign-in is on" in subjects(app)
    [email] = [m for m in emails_to(app, "pat@example.com")
               if m["Subject"] == "Two-factor sign-in is on"]
    assert "/auth/forgot" in text_of(email) and "/account/two-factor/" in text_of(email)

    page = pat.get(PAGE)
    assert "Two-factor sign-in is on." in page.text
    assert "You have 10 unused recovery codes." in page.text
    assert codes[0] not in page.text


def test_a_setup_from_another_account_or_changed_is_refused(app, client, auth, pat):
    setup = submit(pat, f"{PAGE}app", {"current_password": PASSWORD})
    setup_token = re.search(r'name="setup" type="hidden" value="([^"]+)"', setup.text).group(1)
    code = pyotp.TOTP(shown_secret(setup.text).replace(" ", "")).at(FROZEN)
    tampered = pat.post(f"{PAGE}app/confirm", data={
        "csrf_token": csrf_token(setup.text), "setup": setup_token[:-2] + "xx", "code": code})
    assert tampered.headers["Location"] == f"{PAGE}app"
    assert "That took too long. Please start again." in pat.get(PAGE).text

    auth.logout()
    auth.register(email="sam@example.com", name="Sam Roe")
    other = client.post(f"{PAGE}app/confirm", data={
        "csrf_token": csrf_token(client.get(PAGE).text), "setup": setup_token, "code": code})
    assert other.status_code == 302
    with app.app_context():
        assert all(user.totp_secret is None for user in get_session().exec(select(User)))


def test_new_recovery_codes_ask_the_password_and_end_the_old_ones(app, pat):
    _secret, old = turn_on(pat)
    wrong = submit(pat, f"{PAGE}recovery-codes", {"current_password": "not my password"})
    assert "That is not your current password." in wrong.text
    new = shown_codes(submit(pat, f"{PAGE}recovery-codes", {"current_password": PASSWORD}).text)
    assert len(new) == 10 and not set(new) & set(old)
    with app.app_context():
        assert len(get_session().exec(select(RecoveryCode)).all()) == 10
    assert "You have new recovery codes" in subjects(app)


def test_turning_off_asks_the_password_and_sends_an_email(app, pat):
    turn_on(pat)
    wrong = submit(pat, f"{PAGE}app/off", {"current_password": "not my password"})
    assert "That is not your current password." in wrong.text
    assert the_user(app).totp_secret is not None

    off = submit(pat, f"{PAGE}app/off", {"current_password": PASSWORD}, follow_redirects=True)
    assert "Codes from an app are off." in off.text
    assert "Two-factor sign-in is off." in off.text
    assert the_user(app).totp_secret is None
    with app.app_context():
        assert get_session().exec(select(RecoveryCode)).all() == []
    assert "Two-factor sign-in with an app is off" in subjects(app)


def test_after_turning_on_login_asks_for_a_code(app, client, auth, pat):
    secret, _codes = turn_on(pat)
    auth.logout()
    assert auth.login().headers["Location"] == "/auth/second-step"
    # The code that turned it on was used; the next step's code logs in.
    app.config["NOW"] = FROZEN + 30
    code = pyotp.TOTP(secret).at(FROZEN + 30)
    assert submit(client, "/auth/second-step", {"code": code}).status_code == 302
    assert client.get("/account/").status_code == 200


def add_passkey(app, name="Work laptop", email="pat@example.com") -> int:
    with app.app_context():
        session = get_session()
        user = session.exec(select(User).where(User.email == email)).one()
        passkey = Passkey(user_id=user.id, name=name, credential_id=name.encode(),
                          public_key=b"k", transports=["internal"])
        session.add(passkey)
        session.commit()
        return passkey.id


def test_passkeys_are_listed_and_one_is_removed_with_the_password(app, pat):
    passkey_id = add_passkey(app)
    page = pat.get(PAGE)
    assert "Work laptop" in page.text and "Last used: never" in page.text
    assert "Two-factor sign-in is on." in page.text
    assert "You have no recovery codes." in page.text  # added without them: say so

    remove = f"{PAGE}passkeys/{passkey_id}/remove"
    assert "Remove the passkey “Work laptop”" in pat.get(remove).text
    wrong = submit(pat, remove, {"current_password": "not my password"})
    assert "That is not your current password." in wrong.text
    done = submit(pat, remove, {"current_password": PASSWORD}, follow_redirects=True)
    assert "The passkey “Work laptop” is removed." in done.text
    assert "You have no passkeys yet." in done.text
    assert "Two-factor sign-in is off." in done.text
    assert "A passkey was removed" in subjects(app)


def test_another_persons_passkey_cannot_be_removed(app, client, auth, pat):
    auth.logout()
    auth.register(email="sam@example.com", name="Sam Roe")
    passkey_id = add_passkey(app, "Sam's key", "sam@example.com")
    auth.logout()
    auth.login()
    assert client.get(f"{PAGE}passkeys/{passkey_id}/remove").status_code == 404


def test_adding_a_passkey_asks_the_password_then_gives_the_browser_its_options(pat):
    page = pat.get(PAGE)
    headers = {"X-CSRFToken": csrf_token(page.text)}
    wrong = pat.post(f"{PAGE}passkeys/options", headers=headers,
                     data={"name": "Phone", "current_password": "not my password"})
    assert wrong.status_code == 400
    assert wrong.json == {"error": "That is not your current password."}
    no_name = pat.post(f"{PAGE}passkeys/options", headers=headers,
                       data={"name": "", "current_password": PASSWORD})
    assert no_name.json == {"error": "Give the passkey a name."}

    options = pat.post(f"{PAGE}passkeys/options", headers=headers,
                       data={"name": "Phone", "current_password": PASSWORD}).json
    assert options["rp"] == {"name": "Recert", "id": "localhost"}
    assert options["user"]["name"] == "pat@example.com"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"

    answer = pat.post(f"{PAGE}passkeys", headers=headers, json={"id": "x"})
    assert answer.status_code == 400
    assert answer.json == {"error": "The passkey could not be added. Please try again."}
    # The challenge was used up by that answer.
    again = pat.post(f"{PAGE}passkeys", headers=headers, json={"id": "x"})
    assert again.json == {"error": "That took too long. Please try again."}


def test_the_passkey_requests_need_the_pages_csrf_token(pat):
    refused = pat.post(f"{PAGE}passkeys/options",
                       data={"name": "Phone", "current_password": PASSWORD})
    assert refused.status_code == 400
    assert pat.post("/auth/passkey/options").status_code == 400


def test_the_settings_need_a_login(client):
    for path in [PAGE, f"{PAGE}app", f"{PAGE}recovery-codes", f"{PAGE}passkeys/1/remove"]:
        assert client.get(path).headers["Location"].startswith("/auth/login")


def test_a_setup_page_works_once_not_again_after_turning_off(app, pat):
    setup = submit(pat, f"{PAGE}app", {"current_password": PASSWORD})
    form = {**setup_form(setup.text),
            "code": pyotp.TOTP(shown_secret(setup.text).replace(" ", "")).at(FROZEN)}
    assert len(shown_codes(pat.post(f"{PAGE}app/confirm", data=form).text)) == 10
    submit(pat, f"{PAGE}app/off", {"current_password": PASSWORD})
    assert the_user(app).totp_secret is None

    replayed = pat.post(f"{PAGE}app/confirm", data=form)
    assert replayed.headers["Location"] == f"{PAGE}app"
    assert "That page was used already, or is out of date." in pat.get(PAGE).text
    assert the_user(app).totp_secret is None
    with app.app_context():
        assert get_session().exec(select(RecoveryCode)).all() == []
    assert subjects(app).count("Two-factor sign-in is on") == 1


@pytest.fixture
def added_without_a_browser(monkeypatch):
    """passkeys.add keeps a passkey named in the answer, without checking it (the browser test
    tests/browser/test_passkeys.py adds real ones)."""
    def add(session, user, answer):
        passkey = Passkey(user_id=user.id, name=answer["name"],
                          credential_id=answer["name"].encode(), public_key=b"k")
        session.add(passkey)
        session.commit()
        return passkey
    monkeypatch.setattr(passkeys, "add", add)


def test_a_first_passkey_comes_with_recovery_codes_shown_once(app, pat, added_without_a_browser):
    headers = {"X-CSRFToken": csrf_token(pat.get(PAGE).text)}
    added = pat.post(f"{PAGE}passkeys", headers=headers, json={"name": "Phone"})
    assert added.json == {"redirect": f"{PAGE}recovery-codes/show"}

    shown = pat.get(added.json["redirect"])
    assert shown.headers["Cache-Control"] == "no-store"
    words = " ".join(shown.text.split())
    assert ("Your passkey “Phone” is added. From now on, after your password, Recert will also "
            "ask for this passkey. Save your recovery codes.") in words
    assert "Save them now: you will not see them again." in words
    codes = shown_codes(shown.text)
    assert len(codes) == 10
    again = pat.get(added.json["redirect"])
    assert again.headers["Location"] == PAGE
    assert not any(code in pat.get(PAGE).text for code in codes)
    assert "You have 10 unused recovery codes." in pat.get(PAGE).text
    [email] = [m for m in emails_to(app, "pat@example.com")
               if m["Subject"] == "A passkey was added"]
    assert "You also got ten recovery codes." in words_of(email)
    with app.test_request_context():
        session = get_session()
        assert two_factor.use_recovery_code(session, session.exec(select(User)).one(), codes[0])

    # A second passkey: two-factor sign-in was on already, the codes stay.
    second = pat.post(f"{PAGE}passkeys", headers=headers, json={"name": "Key"})
    assert second.json == {"redirect": PAGE}
    page = " ".join(pat.get(PAGE).text.split())
    assert ("Your passkey “Key” is added. From now on, after your password, Recert will also "
            "ask for this passkey.") in page
    assert "You have 9 unused recovery codes." in page


def test_a_first_passkey_keeps_recovery_codes_the_app_made(app, pat, added_without_a_browser):
    _secret, codes = turn_on(pat)
    headers = {"X-CSRFToken": csrf_token(pat.get(PAGE).text)}
    added = pat.post(f"{PAGE}passkeys", headers=headers, json={"name": "Phone"})
    assert added.json == {"redirect": PAGE}
    with app.test_request_context():
        session = get_session()
        assert two_factor.use_recovery_code(session, session.exec(select(User)).one(), codes[0])


def test_adding_a_passkey_answers_400_to_what_is_not_a_json_object(app, pat):
    refuses_odd_bodies(pat, f"{PAGE}passkeys", csrf_token(pat.get(PAGE).text))
    with app.app_context():
        assert get_session().exec(select(Passkey)).all() == []


def test_a_passkey_id_too_big_for_the_database_is_not_found(pat):
    page = pat.get(PAGE)
    for passkey_id in (2**31, 2**63, 2**64 + 1):
        url = f"{PAGE}passkeys/{passkey_id}/remove"
        assert pat.get(url).status_code == 404
        assert pat.post(url, data={"csrf_token": csrf_token(page.text),
                                   "current_password": PASSWORD}).status_code == 404
