"""Settings read from RECERT_* environment variables: production needs its secret key and a
mail server (or RECERT_MAIL=off on purpose), a development key is made once and kept, and a bad
value is refused in plain words."""

import pytest

from tracker import create_app
from tracker.config import ConfigError


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setenv("RECERT_ENV", "production")
    monkeypatch.setenv("RECERT_MAIL", "off")
    monkeypatch.delenv("RECERT_SECRET_KEY")
    with pytest.raises(ConfigError, match="RECERT_SECRET_KEY must be set"):
        create_app()


def test_development_secret_key_is_made_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("RECERT_SECRET_KEY")
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert len(first) == 64
    assert first == second
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.read_text() == first
    assert key_file.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("RECERT_ENV", "prod", "RECERT_ENV must be development or production"),
        ("RECERT_MAX_UPLOAD_MB", "ten", "RECERT_MAX_UPLOAD_MB must be a whole number"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        create_app()


def test_development_without_a_mail_server_writes_emails_as_files():
    assert create_app().config["MAIL_MODE"] == "files"


def test_production_refuses_to_start_without_a_mail_server(monkeypatch):
    monkeypatch.setenv("RECERT_ENV", "production")
    with pytest.raises(ConfigError, match=r"RECERT_SMTP_URL must be set when RECERT_ENV="
                                          r"production.*set RECERT_MAIL=off"):
        create_app()


def test_production_without_email_on_purpose_starts(monkeypatch):
    monkeypatch.setenv("RECERT_ENV", "production")
    monkeypatch.setenv("RECERT_MAIL", "off")
    assert create_app().config["MAIL_MODE"] == "off"


def test_production_with_a_mail_server_needs_the_site_address(monkeypatch):
    monkeypatch.setenv("RECERT_ENV", "production")
    monkeypatch.setenv("RECERT_SMTP_URL", "smtp://mail.example.org:587?starttls=1")
    with pytest.raises(ConfigError, match="RECERT_BASE_URL must be set"):
        create_app()
    monkeypatch.setenv("RECERT_BASE_URL", "https://recert.example.org")
    assert create_app().config["MAIL_MODE"] == "smtp"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("RECERT_MAIL", "maybe", "RECERT_MAIL must be on or off, not 'maybe'"),
        ("RECERT_SMTP_URL", "http://mail.example.org",
         "RECERT_SMTP_URL must start with smtp:// or smtps://"),
    ],
)
def test_bad_mail_settings_are_refused(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        create_app()
