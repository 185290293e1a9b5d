"""`flask send-reminders`: each person gets their new reminders by email, never twice."""

from datetime import date

import pytest
from sqlmodel import select

from tests.helpers import AuthActions, add_cpt, log_activity
from tests.mail_server import free_port, mail_server, sent_emails, text_of
from tracker.db import get_session
from tracker.models import ReminderNotice, User


@pytest.fixture
def mailbox(app):
    """A real SMTP server on a free local port; the app is set to send through it."""
    with mail_server(app) as box:
        yield box


@pytest.fixture
def pat_at_risk(app, user_client):
    """Pat's CPT certified 2022-03-15 with 72 points, on 2026-11-24: 111 days left."""
    app.config["TODAY"] = date(2026, 11, 24)
    credential_id = add_cpt(user_client)
    log_activity(user_client, credential_id, quantity="72")
    return credential_id


def reminders_in(mailbox) -> list:
    """The reminder emails received (not the link that confirmed Pat's email)."""
    return [m for m in mailbox.messages if m["Subject"].startswith("Recert: ")]


def send(runner):
    return runner.invoke(args=["send-reminders"])


def notices(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = get_session().exec(select(ReminderNotice).order_by(ReminderNotice.id))
        return [(row.code, row.kind) for row in rows]


def test_sends_the_due_reminder_with_the_figures(app, runner, mailbox, pat_at_risk):
    app.config["BASE_URL"] = "https://recert.example.org"
    result = send(runner)
    assert result.exit_code == 0, result.output
    assert "Sent 1 reminder email (1 reminder)." in result.output
    [message] = reminders_in(mailbox)
    assert message["To"].addresses[0].addr_spec == "pat@example.com"
    assert message["To"].addresses[0].display_name == "Pat Doe"
    assert message["From"] == "Recert <recert@localhost>"
    assert message["Subject"] == "Recert: 1 reminder about your CPT"
    body = text_of(message)
    assert "Hello Pat Doe," in body
    assert ("111 days left on your CPT: you still need 28 more points by Mar 15, 2027; "
            "about 7.7 a month.") in body
    assert f"https://recert.example.org/credentials/{pat_at_risk}" in body
    # The window opens on 2026-12-15: not yet.
    assert "application window" not in body
    assert notices(app) == [("days-180", "emailed")]


def test_never_sends_a_reminder_twice(app, runner, mailbox, pat_at_risk):
    assert send(runner).exit_code == 0
    again = send(runner)
    assert again.exit_code == 0, again.output
    assert "Sent 0 reminder emails (0 reminders)." in again.output
    assert len(reminders_in(mailbox)) == 1


def test_window_opening_is_sent_once_when_it_comes(app, runner, mailbox, pat_at_risk):
    send(runner)
    app.config["TODAY"] = date(2026, 12, 20)  # the window opened on 2026-12-15
    result = send(runner)
    assert "Sent 1 reminder email (2 reminders)." in result.output
    body = text_of(reminders_in(mailbox)[-1])
    assert ("Your application window for CPT is open. You still need 28 more points by "
            "Mar 15, 2027; about 10 a month.") in body
    assert "85 days left on your CPT" in body
    assert "recert.example.org" not in body  # no RECERT_BASE_URL, no link
    send(runner)
    assert len(reminders_in(mailbox)) == 2


def test_someone_on_track_gets_nothing(app, client, runner, mailbox, pat_at_risk):
    AuthActions(client).logout()
    AuthActions(client).register(email="sam@example.com", name="Sam Lee")
    sams = add_cpt(client, certified_on="2025-01-01")
    log_activity(client, sams, quantity="40", completed_on="2025-06-01")
    result = send(runner)
    assert "Sent 1 reminder email (1 reminder)." in result.output
    assert [str(m["To"]) for m in reminders_in(mailbox)] == ["Pat Doe <pat@example.com>"]


def test_behind_pace(app, user_client, runner, mailbox):
    app.config["TODAY"] = date(2026, 11, 24)
    credential_id = add_cpt(user_client, certified_on="2024-01-01")
    log_activity(user_client, credential_id, quantity="10")
    send(runner)
    body = text_of(reminders_in(mailbox)[0])
    assert ("You are behind pace on your CPT: you have 10 points, and by now you should "
            "have about 57.9.") in body
    assert "days left" not in body  # 769 days left: no countdown reminder yet


def test_nothing_logged_yet_is_not_called_behind(app, user_client, runner, mailbox):
    app.config["TODAY"] = date(2026, 11, 24)
    add_cpt(user_client, certified_on="2024-01-01")
    result = send(runner)
    assert reminders_in(mailbox) == []
    assert "behind pace" not in user_client.get("/").text
    assert "Start by logging what you have done since" in user_client.get("/").text
    assert result.exit_code == 0


def test_with_email_off_says_so(app, runner, pat_at_risk):
    app.config["MAIL_MODE"] = "off"
    result = send(runner)
    assert result.exit_code == 0
    assert result.output.strip() == "RECERT_MAIL is off: no reminders were sent."
    assert notices(app) == []


def test_without_a_mail_server_reminders_are_written_as_files(app, runner, pat_at_risk):
    """Development with no RECERT_SMTP_URL: each email is a file in instance/mail/."""
    result = send(runner)
    folder = f"{app.instance_path}/mail"
    assert result.stdout.strip() == f"Sent 1 reminder email (1 reminder) to {folder}."
    assert "Recert: 1 reminder about your CPT" in result.stderr  # as the server prints it
    [reminder] = [m for m in sent_emails(app) if m["Subject"].startswith("Recert: ")]
    assert "111 days left on your CPT" in text_of(reminder)
    assert notices(app) == [("days-180", "emailed")]


def test_an_unconfirmed_address_gets_no_reminders(app, client, runner, mailbox):
    """An account made before emails were confirmed, that never followed a link."""
    app.config["TODAY"] = date(2026, 11, 24)
    AuthActions(client).register()
    with app.app_context():
        session = get_session()
        user = session.exec(select(User)).one()
        user.email_verified_at = None
        user.may_log_in_unverified = True
        session.commit()
    log_activity(client, add_cpt(client), quantity="72")
    result = send(runner)
    assert "Sent 0 reminder emails (0 reminders)." in result.output
    assert reminders_in(mailbox) == []


def test_unreachable_server_records_nothing(app, runner, pat_at_risk):
    port = free_port()  # nothing listens there
    app.config.update(MAIL_MODE="smtp", SMTP_URL=f"smtp://127.0.0.1:{port}")
    result = send(runner)
    assert result.exit_code == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Could not send email through 127.0.0.1:{port}: ")
    assert notices(app) == []


def test_bad_smtp_url(app, runner, pat_at_risk):
    app.config.update(MAIL_MODE="smtp", SMTP_URL="http://mail.example.org")
    result = send(runner)
    assert result.exit_code == 1
    assert "RECERT_SMTP_URL must start with smtp:// or smtps://." in result.output


def test_complete_gets_only_the_window_reminder(app, user_client, runner, mailbox):
    app.config["TODAY"] = date(2026, 12, 20)
    credential_id = add_cpt(user_client)
    log_activity(user_client, credential_id, quantity="100")
    result = send(runner)
    assert "Sent 1 reminder email (1 reminder)." in result.output
    body = text_of(reminders_in(mailbox)[0])
    assert "Your application window for CPT is open: apply to MSSC by Mar 15, 2027." in body
    assert "still need" not in body
    assert "days left" not in body
