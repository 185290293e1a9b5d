"""`flask users turn-off-two-factor EMAIL`: for someone who lost every second step, the people
who run the site remove the account's app, passkeys and recovery codes, and the person gets an
email saying so."""

import pytest
from sqlmodel import select

from tests.auth.test_second_step import SECRET, registered_with
from tests.mail_server import emails_to, links_in, words_of
from tracker.db import get_session
from tracker.models import Passkey, RecoveryCode, User


@pytest.fixture
def locked_out(app, auth):
    """Pat, registered and logged out, with an app, two passkeys and ten recovery codes."""
    registered_with(app, auth, secret=SECRET, passkeys=("Phone", "Key"))


def turn_off(runner, email="pat@example.com"):
    return runner.invoke(args=["users", "turn-off-two-factor", email])


def test_it_removes_every_second_step_says_so_and_emails_the_person(
        app, client, auth, runner, locked_out):
    app.config["BASE_URL"] = "https://recert.example.org"
    result = turn_off(runner, " Pat@Example.com ")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Turned off two-factor sign-in for pat@example.com: removed the code app, 2 passkeys "
        "and 10 recovery codes. They can now log in with their password alone.\n"
        "Sent pat@example.com an email saying so.\n")
    with app.app_context():
        session = get_session()
        assert session.exec(select(User)).one().totp_secret is None
        assert session.exec(select(Passkey)).all() == []
        assert session.exec(select(RecoveryCode)).all() == []

    [email] = [message for message in emails_to(app, "pat@example.com")
               if message["Subject"] == "Two-factor sign-in was turned off"]
    assert "The people who run Recert turned off two-factor sign-in for your account." in \
        words_of(email)
    assert links_in(email) == ["https://recert.example.org/account/two-factor/",
                               "https://recert.example.org/auth/forgot"]

    # The password alone logs in now.
    assert auth.login().headers["Location"] == "/"
    assert client.get("/account/").status_code == 200


def test_without_the_sites_address_the_email_says_where_to_go(app, runner, locked_out):
    app.config["BASE_URL"] = None
    assert turn_off(runner).exit_code == 0
    [email] = [message for message in emails_to(app, "pat@example.com")
               if message["Subject"] == "Two-factor sign-in was turned off"]
    assert links_in(email) == []
    assert "log in, open your account page, then Two-factor sign-in" in words_of(email)
    assert 'on the login page, choose "Forgot your password?"' in words_of(email)


def test_an_unknown_email_exits_1_and_changes_nothing(app, runner, locked_out):
    result = turn_off(runner, "nobody@example.com")
    assert result.exit_code == 1
    assert "No account uses the email nobody@example.com. Nothing was changed." in result.output
    with app.app_context():
        assert len(get_session().exec(select(Passkey)).all()) == 2


def test_an_account_without_two_factor_is_left_alone(app, auth, runner):
    auth.register()
    result = turn_off(runner)
    assert result.exit_code == 0
    assert result.stdout == (
        "Two-factor sign-in was already off for pat@example.com. Nothing was changed.\n")
    assert [m["Subject"] for m in emails_to(app, "pat@example.com")
            if "Two-factor" in m["Subject"]] == []


def test_with_mail_off_it_says_no_email_was_sent(app, runner, locked_out):
    app.config["MAIL_MODE"] = "off"
    result = turn_off(runner)
    assert result.exit_code == 0
    assert "RECERT_MAIL is off: no email was sent. Tell them yourself." in result.output


def test_a_mail_server_that_fails_exits_1_after_the_change(app, runner, locked_out):
    app.config.update(MAIL_MODE="smtp", SMTP_URL="smtp://127.0.0.1:1")
    result = turn_off(runner)
    assert result.exit_code == 1
    assert "Turned off two-factor sign-in for pat@example.com" in result.output
    assert "The email to pat@example.com could not be sent (127.0.0.1:1). Tell them yourself." \
        in result.output
    with app.app_context():
        assert get_session().exec(select(Passkey)).all() == []
