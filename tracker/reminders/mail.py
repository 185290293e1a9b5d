"""Reminder emails: each person's new reminders in one email, sent the app's way (tracker.mail:
a mail server, or files in development). Only confirmed addresses get them."""

import smtplib
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from functools import partial

from flask import current_app
from sqlmodel import Session

from tracker import mail
from tracker.reminders import messages, services


class SendFailed(Exception):
    """The server could not be reached or stopped answering; `report` says what was sent."""

    def __init__(self, error: Exception, report: "SendReport") -> None:
        super().__init__(f"Could not send email through {mail.destination()}: {error}")
        self.report = report


@dataclass
class SendReport:
    emails: int = 0
    reminders: int = 0
    refused: list[str] = field(default_factory=list)  # addresses the server would not take


def send_due_reminders(session: Session, today: date) -> SendReport:
    """Email each person their new reminders, one email each, over one connection.

    Connects only when something is due. A refused address skips that person (the next run
    tries again); any other failure stops the run with what was sent so far recorded. A
    RECERT_SMTP_URL that cannot be read raises mail.BadSmtpUrl.
    """
    report = SendReport()
    due = services.reminders_to_email(session, today)
    if not due:
        return report
    try:
        with mail.outbox() as deliver:
            _send_each(session, deliver, due, report)
    except (OSError, smtplib.SMTPException) as error:
        raise SendFailed(error, report) from error
    return report


def _send_each(session: Session, deliver, due: list[services.UserReminders],
               report: SendReport) -> None:
    for item in due:
        email = _email_for(item)
        try:
            sent = services.send_once(session, item, partial(deliver, email))
        except smtplib.SMTPRecipientsRefused:
            report.refused.append(item.user.email)
            continue
        if sent:
            report.emails += 1
            report.reminders += item.count


def _email_for(item: services.UserReminders) -> EmailMessage:
    links = {}
    if current_app.config["BASE_URL"]:  # no request here: a link needs the site's address
        links = {c.credential.id: mail.link("credentials.show", credential_id=c.credential.id)
                 for c in item.credentials}
    return mail.compose(current_app.config["MAIL_FROM"], item.user.display_name,
                        item.user.email, messages.subject(item), messages.body(item, links))
