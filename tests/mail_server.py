"""A real SMTP server for tests (aiosmtpd on a free local port) that keeps what it receives."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class Mailbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def mail_server(app) -> Iterator[Mailbox]:
    """Run the server and have `app` send through it (tests.helpers.sent_emails reads it)."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_MODE="smtp", SMTP_URL=f"smtp://127.0.0.1:{controller.port}")
    app.extensions["test_mailbox"] = box
    try:
        yield box
    finally:
        controller.stop()
