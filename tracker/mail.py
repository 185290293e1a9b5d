"""Every email the app sends leaves through here, one of three ways (MAIL_MODE, tracker.config):

- "smtp": through the server named by RECERT_SMTP_URL;
- "files": in development with no mail server, each message is written to instance/mail/ as an
  .eml file and its subject and links are printed on the console, so a newcomer on a laptop can
  follow a verification or reset link;
- "off": RECERT_MAIL=off says on purpose that this site sends no email.

Each message is plain text, with a simple HTML copy made from the same text; only addresses on
the site itself become links in it (a name a stranger typed must never be a link from us).

A message whose very existence must not show in how long a page takes (one that goes only to an
address that has an account) is sent "after the answer" (`send_soon`): rendered in the request,
then handed to one background thread per process, which sends it.
"""

import atexit
import logging
import os
import queue
import re
import secrets
import smtplib
import ssl
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app, has_request_context, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.routing import Map

from tracker.extensions import limiter

SMTP = "smtp"
FILES = "files"
OFF = "off"
DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
TIMEOUT_SECONDS = 30
LINK = re.compile(r"https?://\S+")
# Emails with a link (verify, reset, change of address) one address may get in an hour: enough
# for a person who asks again, too few to fill someone's mailbox.
LINKS_PER_HOUR = 5


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


def site_base() -> str | None:
    """The start of every address on this site, ending in "/": RECERT_BASE_URL, or in
    development the request's own address; None when there is neither."""
    base = current_app.config.get("BASE_URL")
    if base:
        return base.rstrip("/") + "/"
    return request.url_root if has_request_context() else None


def _html_line(line: str, site: str | None) -> str:
    """One line escaped, each address on `site` in it a link (escaped once: the text is raw)."""
    parts, end = [], 0
    for match in LINK.finditer(line):
        if site is None or not match.group().startswith(site):
            continue  # someone else's address stays text (it may be a name a stranger typed)
        parts.append(escape(line[end:match.start()]))
        parts.append(Markup('<a href="{0}">{0}</a>').format(match.group()))
        end = match.end()
    parts.append(escape(line[end:]))
    return "".join(parts)


def as_html(text: str, site: str | None = None) -> str:
    """The plain text as simple HTML: its paragraphs, with each address that starts with
    `site` (the site's own, see site_base) a link; no other address is."""
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = [_html_line(line, site) for line in paragraph.splitlines()]
        paragraphs.append(f"<p>{'<br>'.join(lines)}</p>")
    body = "\n".join(paragraphs)
    return (f'<!doctype html><html><body style="font-family: sans-serif; font-size: 16px; '
            f'line-height: 1.5; max-width: 36em">\n{body}\n</body></html>\n')


def compose(sender: str, to_name: str, to_email: str, subject: str,
            text: str) -> EmailMessage:
    """One message (in an app context: the site's own addresses become links in its HTML)."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = Address(display_name=to_name, addr_spec=to_email)
    email["Subject"] = subject
    email["Date"] = formatdate(usegmt=True)
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    email.set_content(text)
    email.add_alternative(as_html(text, site_base()), subtype="html")
    return email


def page_link(url_map: Map, base_url: str, endpoint: str, **values) -> str:
    """The full address of a page, built from RECERT_BASE_URL (there is no request here)."""
    base = urlsplit(base_url)
    adapter = url_map.bind(base.netloc, script_name=base.path or "/",
                           url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def link(endpoint: str, **values) -> str:
    """The full address of a page for an email, on RECERT_BASE_URL. Only in development, where
    it may be unset, does the request's own address stand in for it (a production server
    refuses to start without it: a link built from a request's Host header could point a
    reset token at someone else's site)."""
    base_url = current_app.config.get("BASE_URL")
    if base_url:
        return page_link(current_app.url_map, base_url, endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def _write_file(folder: Path, email: EmailMessage) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    # In the order written (to the microsecond), never two with one name.
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    path = folder / f"{stamp}-{secrets.token_hex(3)}.eml"
    path.write_bytes(email.as_bytes())
    text = email.get_body(("plain",)).get_content()
    links = "".join(f"\n  {address}" for address in LINK.findall(text))
    print(f"Email to {email['To']}: {email['Subject']} ({path}){links}", file=sys.stderr)


@dataclass(frozen=True)
class Route:
    """Where email goes (MAIL_MODE, the mail server, the folder), read from the app's settings
    once, so the background sender needs no app."""
    mode: str
    smtp_url: str | None
    folder: Path

    @classmethod
    def of_app(cls) -> "Route":
        config = current_app.config
        return cls(config["MAIL_MODE"], config.get("SMTP_URL"),
                   Path(current_app.instance_path) / "mail")


def destination() -> str:
    """Where email goes, for messages: the mail server (never its password) or the folder."""
    route = Route.of_app()
    if route.mode == SMTP:
        return str(parse_smtp_url(route.smtp_url))
    if route.mode == FILES:
        return str(route.folder)
    return "nowhere (RECERT_MAIL=off)"


@contextmanager
def outbox(route: Route | None = None) -> Iterator[Callable[[EmailMessage], None]]:
    """A function that sends a message the configured way (`route`, by default the app's), open
    for several messages (one SMTP connection for them all). SMTP failures raise OSError or
    smtplib.SMTPException."""
    route = route or Route.of_app()
    if route.mode == SMTP:
        with connect(parse_smtp_url(route.smtp_url)) as connection:
            yield connection.send_message
    elif route.mode == FILES:
        yield lambda email: _write_file(route.folder, email)
    else:
        yield lambda email: None


def _render(to_name: str, to_email: str, subject: str, template: str,
            **context) -> EmailMessage:
    text = render_template(f"email/{template}.txt", to_name=to_name, **context)
    return compose(current_app.config["MAIL_FROM"], to_name, to_email, subject, text)


def _deliver(route: Route, email: EmailMessage, logger: logging.Logger) -> bool:
    try:
        with outbox(route) as deliver:
            deliver(email)
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not send the email %r", str(email["Subject"]))
        return False
    return True


def send(to_name: str, to_email: str, subject: str, template: str, **context) -> bool:
    """Send one email now, its text rendered from templates/email/<template>.txt. True when it
    left; a mail server that fails is logged, not raised: the page the person sees must not
    change (it would tell whether the address has an account)."""
    email = _render(to_name, to_email, subject, template, **context)
    return _deliver(Route.of_app(), email, current_app.logger)


# Sending after the answer: one daemon thread per process and its queue, started on first use.
# Keyed by the process id (and forgotten in a forked child), so each gunicorn worker starts its
# own: a thread does not survive a fork.

_worker_lock = threading.Lock()
_worker: tuple[int, queue.Queue] | None = None


def _forget_worker_after_fork() -> None:
    global _worker_lock, _worker
    _worker_lock = threading.Lock()
    _worker = None


os.register_at_fork(after_in_child=_forget_worker_after_fork)


def _work(jobs: queue.Queue) -> None:
    while True:
        route, email, logger = jobs.get()
        try:
            _deliver(route, email, logger)
        except Exception:  # never let one message stop the thread
            logger.exception("Could not send the email %r", str(email["Subject"]))
        finally:
            jobs.task_done()


def _jobs() -> queue.Queue:
    global _worker
    with _worker_lock:
        if _worker is None or _worker[0] != os.getpid():
            jobs = queue.Queue()
            threading.Thread(target=_work, args=(jobs,), name="recert-mail",
                             daemon=True).start()
            _worker = (os.getpid(), jobs)
        return _worker[1]


def send_soon(to_name: str, to_email: str, subject: str, template: str, **context) -> None:
    """Like `send`, but the message leaves after the answer: it is rendered here (in the
    request), then a background thread sends it, so a slow mail server does not show in how
    long the page took. Failures are logged."""
    email = _render(to_name, to_email, subject, template, **context)
    route = Route.of_app()
    if route.mode != OFF:
        _jobs().put((route, email, current_app.logger))


def wait_for_outbox() -> None:
    """Wait until every message handed to `send_soon` in this process has been sent (or has
    failed): tests read their email after it."""
    worker = _worker
    if worker is not None and worker[0] == os.getpid():
        worker[1].join()


def _send_the_rest(seconds: float = TIMEOUT_SECONDS) -> None:
    """At exit, give the messages still waiting a little time to leave."""
    worker = _worker
    if worker is None or worker[0] != os.getpid():
        return
    deadline = time.monotonic() + seconds
    while worker[1].unfinished_tasks and time.monotonic() < deadline:
        time.sleep(0.05)


atexit.register(_send_the_rest)


def within_budget(address: str) -> bool:
    """Take one email from the hourly budget of links sent to `address` (counted in the shared
    limiter store); False once it is spent. The caller then sends nothing and says nothing
    different, so nobody can flood a mailbox through the site."""
    key = f"{current_app.config['RATELIMIT_KEY_PREFIX']}/mail/{address.strip().lower()}"
    return limiter.storage.incr(key, 3600) <= LINKS_PER_HOUR
