"""A real SMTP server for tests (aiosmtpd on a free local port) that keeps what it receives,
and reading the emails the app sent, wherever they went.

Some emails leave after the page's answer (tracker.mail.send_soon): everything here that reads
email first waits for those to be sent (tracker.mail.wait_for_outbox).
"""

import asyncio
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

from tracker import mail


class _Receiver:
    """The aiosmtpd handler: keeps every message it receives in `received`; while `held` is
    set it answers none (aiosmtpd looks at a handler's attributes: it has nothing else)."""

    def __init__(self):
        self.received = []
        self.held = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        while self.held.is_set():
            await asyncio.sleep(0.01)
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


class Mailbox:
    """What the test server received."""

    def __init__(self):
        self.handler = _Receiver()

    @contextmanager
    def stalled(self) -> Iterator[None]:
        """A mail server that takes no message until the block ends: whatever a request sent
        inside it while it waited, it did not send before answering."""
        self.handler.held.set()
        try:
            yield
        finally:
            self.handler.held.clear()

    @property
    def received_so_far(self) -> int:
        """How many messages arrived, without waiting for the app's pending ones."""
        return len(self.handler.received)

    @property
    def messages(self) -> list[EmailMessage]:
        """What it received, once the app's pending emails have been sent."""
        mail.wait_for_outbox()
        return self.handler.received


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def mail_server(app, box: Mailbox | None = None) -> Iterator[Mailbox]:
    """Run the server (with `box`, or a new Mailbox) and have `app` send through it
    (sent_emails reads it)."""
    box = box or Mailbox()
    controller = Controller(box.handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_MODE="smtp", SMTP_URL=f"smtp://127.0.0.1:{controller.port}")
    app.extensions["test_mailbox"] = box
    try:
        yield box
    finally:
        mail.wait_for_outbox()  # nothing left to go to a server that is gone
        controller.stop()


def sent_emails(app) -> list[EmailMessage]:
    """Every email the app sent, oldest first: those the test mail server received when the
    app sends through it (tests.mail_server), else the files written to instance/mail/."""
    mailbox = app.extensions.get("test_mailbox")
    if app.config["MAIL_MODE"] == "smtp" and mailbox is not None:
        return list(mailbox.messages)
    return emails_in(Path(app.instance_path) / "mail")


def emails_in(folder: Path) -> list[EmailMessage]:
    """The .eml files the app wrote to `folder` (development without a mail server), oldest
    first."""
    mail.wait_for_outbox()
    return [message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(folder.glob("*.eml"))]


def recipient(message: EmailMessage) -> str:
    return message["To"].addresses[0].addr_spec.lower()


def emails_to(app, address: str) -> list[EmailMessage]:
    return [message for message in sent_emails(app) if recipient(message) == address.lower()]


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def words_of(message: EmailMessage) -> str:
    """An email's text with its lines joined, to look for a sentence in it."""
    return " ".join(text_of(message).split())


def links_in(message: EmailMessage) -> list[str]:
    return re.findall(r"https?://\S+", text_of(message))


def emailed_link(app, address: str, path_part: str) -> str:
    """The link with `path_part` in the newest email to `address`."""
    return next(link for link in links_in(emails_to(app, address)[-1]) if path_part in link)
