"""Settings read from RECERT_* environment variables: production needs its secret key, a
development key is made once and kept, and a bad value is refused in plain words."""

import pytest

from tracker import create_app
from tracker.config import ConfigError


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setenv("RECERT_ENV", "production")
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
