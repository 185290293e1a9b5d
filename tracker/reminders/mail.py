"""Sending mail through the SMTP server named by RECERT_SMTP_URL."""

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import date
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import partial
from urllib.parse import parse_qs, unquote, urlsplit

from sqlmodel import Session
from werkzeug.routing import Map

from tracker.reminders import messages, services

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
TIMEOUT_SECONDS = 30


class BadSmtpUrl(ValueError):
    """RECERT_SMTP_URL cannot be used; the message says why."""


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool  # smtps://
    starttls: bool  # smtp://...?starttls=1
    username: str | None = None
    password: str | None = None

    def __str__(self) -> str:  # for messages: never the password
        return f"{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpServer:
    """smtp://[user:password@]host:port, smtps://... for TLS, ?starttls=1 for STARTTLS."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS:
        raise BadSmtpUrl("RECERT_SMTP_URL must start with smtp:// or smtps://.")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError as error:
        raise BadSmtpUrl("RECERT_SMTP_URL has a port that is not a number.") from error
    if not parts.hostname:
        raise BadSmtpUrl("RECERT_SMTP_URL has no host name.")
    starttls = parse_qs(parts.query).get("starttls", ["0"])[-1].lower() in ("1", "true", "yes")
    return SmtpServer(
        host=parts.hostname,
        port=port,
        implicit_tls=parts.scheme == "smtps",
        starttls=starttls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def connect(server: SmtpServer) -> smtplib.SMTP:
    """An open, logged-in connection; raises OSError or smtplib.SMTPException."""
    if server.implicit_tls:
        connection = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_SECONDS,
                                      context=ssl.create_default_context())
    else:
        connection = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
    try:
        if server.starttls:
            connection.starttls(context=ssl.create_default_context())
        if server.username:
            connection.login(server.username, server.password or "")
    except BaseException:
        connection.close()
        raise
    return connection


def message(sender: str, to_name: str, to_email: str, subject: str, body: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = Address(display_name=to_name, addr_spec=to_email)
    email["Subject"] = subject
    email["Date"] = formatdate(usegmt=True)
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    email.set_content(body)
    return email


def page_link(url_map: Map, base_url: str, endpoint: str, **values) -> str:
    """The full address of a page, built from RECERT_BASE_URL (there is no request here)."""
    base = urlsplit(base_url)
    adapter = url_map.bind(base.netloc, script_name=base.path or "/",
                           url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


class SendFailed(Exception):
    """The server could not be reached or stopped answering; `report` says what was sent."""

    def __init__(self, server: SmtpServer, error: Exception, report: "SendReport") -> None:
        super().__init__(f"Could not send email through {server}: {error}")
        self.report = report


@dataclass
class SendReport:
    emails: int = 0
    reminders: int = 0
    refused: list[str] = field(default_factory=list)  # addresses the server would not take


def send_due_reminders(session: Session, server: SmtpServer, sender: str, today: date,
                       base_url: str | None, url_map: Map) -> SendReport:
    """Email each person their new reminders, one email each, over one connection.

    Connects only when something is due. A refused address skips that person (the next run
    tries again); any other failure stops the run with what was sent so far recorded.
    """
    report = SendReport()
    due = services.reminders_to_email(session, today)
    if not due:
        return report
    try:
        with connect(server) as connection:
            _send_each(session, connection, due, sender, base_url, url_map, report)
    except (OSError, smtplib.SMTPException) as error:
        raise SendFailed(server, error, report) from error
    return report


def _send_each(session: Session, connection: smtplib.SMTP, due: list[services.UserReminders],
               sender: str, base_url: str | None, url_map: Map, report: SendReport) -> None:
    for item in due:
        email = _email_for(item, sender, base_url, url_map)
        try:
            sent = services.send_once(session, item, partial(connection.send_message, email))
        except smtplib.SMTPRecipientsRefused:
            report.refused.append(item.user.email)
            continue
        if sent:
            report.emails += 1
            report.reminders += item.count


def _email_for(item: services.UserReminders, sender: str, base_url: str | None,
               url_map: Map) -> EmailMessage:
    links = {}
    if base_url:
        links = {c.credential.id: page_link(url_map, base_url, "credentials.show",
                                            credential_id=c.credential.id)
                 for c in item.credentials}
    return message(sender, item.user.display_name, item.user.email,
                   messages.subject(item), messages.body(item, links))
