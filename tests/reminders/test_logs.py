"""The calendar's secret address never reaches a log: not the app's error log (Flask's
"Exception on /calendar/<secret>.ics"), not gunicorn's, not the development server's."""

import importlib
import logging
import re

import pytest
from gunicorn.config import Config
from sqlalchemy.exc import DataError

from tracker.reminders import views


def secret_of(client) -> str:
    """The secret in the address the account page shows."""
    found = re.search(r"/calendar/([^\"/]+)\.ics", client.get("/account/").text)
    assert found, "the account page shows no calendar address"
    return found.group(1)


@pytest.fixture
def failing_feed(app, user_client, monkeypatch):
    """The feed fails after finding its owner, with an error repeating its query's parameters
    as a database error does; returns the secret."""
    secret = secret_of(user_client)

    def broken(_session, _user):
        raise DataError("SELECT users.id FROM users WHERE users.calendar_token = %(token)s",
                        {"token": secret}, Exception("the database refused it"))

    monkeypatch.setattr(views, "credentials_of", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the 500 a calendar app gets, logged
    return secret


def test_an_error_on_the_feed_logs_no_secret(app, failing_feed, caplog):
    with caplog.at_level(logging.INFO):
        response = app.test_client().get(f"/calendar/{failing_feed}.ics")
    assert response.status_code == 500
    assert "Exception on /calendar/<hidden>.ics [GET]" in caplog.text
    assert "Traceback" in caplog.text and "the database refused it" in caplog.text
    assert failing_feed not in caplog.text
    assert all(failing_feed not in record.getMessage() for record in caplog.records)


def test_the_app_logger_hides_every_calendar_address(app, caplog):
    secret = "a-private-secret-of-32-characters"
    with caplog.at_level(logging.INFO):
        app.logger.warning("Slow answer to %s after %d ms", f"/calendar/{secret}.ics", 900)
        app.logger.info("Asked for %(path)s", {"path": f"GET /calendar/{secret}.ics?x=1"})
        logging.getLogger("werkzeug").info('"%s" %s %s', f"GET /calendar/{secret}.ics HTTP/1.1",
                                           "200", "-")
    assert secret not in caplog.text
    assert caplog.text.count("/calendar/<hidden>.ics") == 3
    assert "after 900 ms" in caplog.text


def test_gunicorns_error_log_hides_calendar_addresses(monkeypatch, capsys):
    # The settings module refuses production without a key; this is no production.
    monkeypatch.setenv("RECERT_ENV", "development")
    settings = importlib.import_module("tracker.gunicorn_conf")
    logger = settings.AccessLogger(Config())  # errorlog "-": standard error
    secret = "a-private-secret-of-32-characters"
    try:
        raise RuntimeError(f"broke on /calendar/{secret}.ics")
    except RuntimeError:
        logger.exception("Error handling request %s", f"/calendar/{secret}.ics")
    written = capsys.readouterr().err
    assert "Error handling request /calendar/<hidden>.ics" in written
    assert "RuntimeError: broke on /calendar/<hidden>.ics" in written
    assert secret not in written
