"""tracker.mail: every email leaves one of three ways (a mail server, files in development, or
not at all), as plain text with an HTML copy, and a failing server never breaks a page."""

import logging
import os

import pytest

from tests.mail_server import emails_to, free_port, mail_server, sent_emails, text_of
from tracker import mail


def send_verify(app, link="https://recert.example.org/auth/verify/abc"):
    with app.test_request_context():
        return mail.send("Pat Doe", "pat@example.com", "Confirm your email for Recert", "verify",
                         link=link, hours=48)


def test_through_a_mail_server(app):
    app.config["BASE_URL"] = "https://recert.example.org"
    with mail_server(app) as mailbox:
        assert send_verify(app)
    [message] = mailbox.messages
    assert str(message["To"]) == "Pat Doe <pat@example.com>"
    assert message["From"] == "Recert <recert@localhost>"
    assert "https://recert.example.org/auth/verify/abc" in text_of(message)
    html = message.get_body(("html",)).get_content()
    assert ('<a href="https://recert.example.org/auth/verify/abc">'
            "https://recert.example.org/auth/verify/abc</a>") in html


def test_in_development_each_email_is_a_file_and_its_links_are_printed(app, capsys):
    assert app.config["MAIL_MODE"] == "files"
    assert send_verify(app)
    [message] = emails_to(app, "pat@example.com")
    assert message["Subject"] == "Confirm your email for Recert"
    printed = capsys.readouterr().err
    assert "Email to Pat Doe <pat@example.com>: Confirm your email for Recert" in printed
    assert "\n  https://recert.example.org/auth/verify/abc" in printed


def test_off_sends_nothing(app):
    app.config["MAIL_MODE"] = "off"
    assert send_verify(app)
    assert sent_emails(app) == []


def test_a_server_that_fails_is_logged_not_raised(app, caplog):
    app.config.update(MAIL_MODE="smtp", SMTP_URL=f"smtp://127.0.0.1:{free_port()}")
    with caplog.at_level(logging.ERROR):
        assert send_verify(app) is False
    assert "Could not send the email 'Confirm your email for Recert'" in caplog.text


def test_html_copy_escapes_the_text():
    html = mail.as_html("Hi <b>Pat</b> & co,\n\nSee https://x.example/a?b=1&c=2 now",
                        site="https://x.example/")
    assert "Hi &lt;b&gt;Pat&lt;/b&gt; &amp; co," in html
    assert '<a href="https://x.example/a?b=1&amp;c=2">' in html


def test_only_the_sites_own_addresses_become_links():
    """A name a stranger typed ("http://evil.example") must not be a link from us."""
    text = ("Hello http://evil.example,\n\nhttps://recert.example.org.evil.example/a\n\n"
            "https://recert.example.org/auth/verify/abc")
    html = mail.as_html(text, site="https://recert.example.org/")
    assert html.count("<a href=") == 1
    assert '<a href="https://recert.example.org/auth/verify/abc">' in html
    assert "Hello http://evil.example," in html
    assert "<a href=" not in mail.as_html(text)  # no site: no links at all


def test_a_message_sent_soon_does_not_wait_for_the_server(app):
    with mail_server(app) as mailbox:
        with mailbox.stalled(), app.test_request_context():
            mail.send_soon("", "pat@example.com", "Confirm your email for Recert", "verify",
                           link="http://localhost/auth/verify/abc", hours=48)
            assert mailbox.received_so_far == 0  # back while the server holds it
        [message] = mailbox.messages  # waits for it
    assert str(message["To"]) == "pat@example.com"
    assert "http://localhost/auth/verify/abc" in text_of(message)


def test_a_forked_process_sends_with_its_own_thread(app):
    """As a gunicorn worker does: the parent's thread is not in the child."""
    def send_soon_to(address):
        with app.test_request_context():
            mail.send_soon("", address, "Confirm your email for Recert", "verify",
                           link="http://localhost/auth/verify/abc", hours=48)

    send_soon_to("parent@example.com")
    assert emails_to(app, "parent@example.com")
    child = os.fork()
    if child == 0:  # pragma: no cover (the child process)
        code = 2
        try:
            send_soon_to("child@example.com")
            code = 0 if emails_to(app, "child@example.com") else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert len(emails_to(app, "child@example.com")) == 1


def test_links_use_the_site_address(app):
    app.config["BASE_URL"] = "https://recert.example.org/sub"
    with app.test_request_context(base_url="http://evil.example"):
        assert mail.link("auth.login") == "https://recert.example.org/sub/auth/login"
    app.config["BASE_URL"] = None  # development: the request's own address
    with app.test_request_context(base_url="http://127.0.0.1:5000"):
        assert mail.link("auth.login") == "http://127.0.0.1:5000/auth/login"


def test_one_address_gets_five_link_emails_an_hour(app):
    with app.test_request_context():
        assert [mail.within_budget("Pat@example.com") for _ in range(6)] == [True] * 5 + [False]
        assert mail.within_budget("sam@example.com")


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://mail.example.org", ("mail.example.org", 25, False, False, None, None)),
    ("smtps://ann:p%40ss@mail.example.org", ("mail.example.org", 465, True, False, "ann", "p@ss")),
    ("smtp://ann:secret@mail.example.org:587?starttls=1",
     ("mail.example.org", 587, False, True, "ann", "secret")),
])
def test_smtp_url_forms(url, expected):
    server = mail.parse_smtp_url(url)
    assert (server.host, server.port, server.implicit_tls, server.starttls, server.username,
            server.password) == expected
    assert "secret" not in str(server) and "p@ss" not in str(server)
