"""Settings, read once from RECERT_* environment variables with safe local defaults."""

import os
import secrets
from pathlib import Path

from limits import parse_many

from tracker.mail import BadSmtpUrl, parse_smtp_url

DEFAULT_MAX_UPLOAD_MB = 10
# Proof files one activity may have (the form and the API refuse more); one request may carry
# them all, so it sizes MAX_CONTENT_LENGTH.
MAX_FILES_PER_ACTIVITY = 5
# The largest account Recert is sized for. Nothing caps an account's activities (the CSV
# import takes 10,000 rows at a time, the API 300 writes an hour), so this is a chosen bound:
# 25,000 activities, two and a half times the account an audit found it could not import back
# (issue 15, finding 11), and a daily entry for 68 years. Its own export must always import:
# measured, an activity takes about 1 kB of a downloaded export, and 1.8 kB with the change
# history of its creation; 2 kB with a margin for longer notes gives the account import's own
# limit (RECERT_MAX_IMPORT_MB, 50 MB). Importing takes about ten times the file in memory.
LARGEST_ACCOUNT_ACTIVITIES = 25_000
EXPORT_BYTES_PER_ACTIVITY = 2_000
DEFAULT_MAX_IMPORT_MB = LARGEST_ACCOUNT_ACTIVITIES * EXPORT_BYTES_PER_ACTIVITY // 1_000_000
DEFAULT_MAIL_FROM = "Recert <recert@localhost>"
# Memory each server process may give evaluated ledgers (tracker.ledger): a 5,000-activity
# ledger takes about 8 MB, so 128 MB keeps fifteen such accounts warm.
DEFAULT_LEDGER_CACHE_MB = 128
# Requests that change something (POST, PUT, PATCH, DELETE), and files uploaded.
DEFAULT_WRITE_RATE_LIMIT = "60 per minute; 300 per hour"
# The proof inbox takes up to 50 files at once.
DEFAULT_UPLOAD_RATE_LIMIT = "60 per minute; 300 per hour"
# The files that take seconds to make (report PDF, audit packet, full export), per person,
# web and API together (tracker.extensions.heavy_download).
DEFAULT_DOWNLOAD_RATE_LIMIT = "10 per minute; 60 per hour"
# Requests to the JSON API, per person: all their tokens share it (tracker.api.blueprint).
DEFAULT_API_RATE_LIMIT = "120 per minute"


class ConfigError(RuntimeError):
    """The environment asks for something the app cannot run with."""


def _megabytes(name: str, default: int) -> int:
    """A size setting: a whole number of megabytes, at least 1."""
    value = os.environ.get(name, str(default))
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"{name} must be a whole number of megabytes, not {value!r}.")
    return int(value)


def ensure_secret_key(config: dict, instance_path: Path) -> None:
    """Keep the configured key; in development, make one up once and store it in `instance/`."""
    if config.get("SECRET_KEY"):
        return
    if config["ENV_NAME"] == "production":
        raise ConfigError(
            "RECERT_SECRET_KEY must be set when RECERT_ENV=production "
            "(use a long random value, the same on every server)."
        )
    # Development: one key generated on first start and kept, so logins survive restarts.
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_hex(32))
    config["SECRET_KEY"] = key_file.read_text().strip()


def _mail_mode(production: bool, smtp_url: str | None, base_url: str | None) -> str:
    """How email leaves (see tracker.mail). A production site without a mail server would
    leave people unable to reset a password, so it must say RECERT_MAIL=off on purpose."""
    setting = os.environ.get("RECERT_MAIL", "").strip().lower()
    if setting not in ("", "on", "off"):
        raise ConfigError(f"RECERT_MAIL must be on or off, not {setting!r}.")
    if setting == "off":
        return "off"
    if smtp_url:
        try:
            parse_smtp_url(smtp_url)
        except BadSmtpUrl as error:
            raise ConfigError(str(error)) from None
        if production and not base_url:
            raise ConfigError("RECERT_BASE_URL must be set when RECERT_ENV=production and "
                              "email is on: it is the site's address in every link emailed "
                              "(for example https://recert.example.org).")
        return "smtp"
    if production:
        raise ConfigError("RECERT_SMTP_URL must be set when RECERT_ENV=production, so people "
                          "can verify their email and reset a forgotten password. To run "
                          "without email on purpose, set RECERT_MAIL=off.")
    return "files"


def from_environment(instance_path: Path) -> dict:
    """Flask settings for this process, taken from the environment."""
    env_name = os.environ.get("RECERT_ENV", "development")
    if env_name not in ("development", "production"):
        raise ConfigError(f"RECERT_ENV must be development or production, not {env_name!r}.")
    production = env_name == "production"
    proxy_hops = os.environ.get("RECERT_PROXY_HOPS", "0")
    if not proxy_hops.isdigit():
        raise ConfigError(f"RECERT_PROXY_HOPS must be the number of proxies in front of "
                          f"Recert (0 for none), not {proxy_hops!r}.")
    max_upload_mb = _megabytes("RECERT_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)
    max_import_mb = _megabytes("RECERT_MAX_IMPORT_MB", DEFAULT_MAX_IMPORT_MB)
    ledger_cache_mb = _megabytes("RECERT_LEDGER_CACHE_MB", DEFAULT_LEDGER_CACHE_MB)
    api_rate_limit = os.environ.get("RECERT_API_RATE_LIMIT") or DEFAULT_API_RATE_LIMIT
    try:
        parse_many(api_rate_limit)
    except ValueError:
        raise ConfigError(f"RECERT_API_RATE_LIMIT must be a limit like '120 per minute' or "
                          f"'120/minute; 2000/hour', not {api_rate_limit!r}.") from None
    smtp_url = os.environ.get("RECERT_SMTP_URL") or None
    base_url = os.environ.get("RECERT_BASE_URL") or None
    mail_mode = _mail_mode(production, smtp_url, base_url)
    return {
        "ENV_NAME": env_name,
        "SECRET_KEY": os.environ.get("RECERT_SECRET_KEY"),
        "DATABASE_URL": os.environ.get(
            "RECERT_DATABASE_URL", f"sqlite:///{instance_path / 'recert.db'}"
        ),
        "RATELIMIT_STORAGE_URI": os.environ.get("RECERT_RATELIMIT_STORAGE_URL", "memory://"),
        "RATELIMIT_STRATEGY": "moving-window",
        # Several Recert sites may share one Redis.
        "RATELIMIT_KEY_PREFIX": os.environ.get("RECERT_RATELIMIT_KEY_PREFIX", "recert"),
        "PROXY_HOPS": int(proxy_hops),
        # Off: Flask-Limiter would send Retry-After (and X-RateLimit-*) with every answer that
        # counts. Only a 429 says when to try again (tracker.errors.say_when_to_retry).
        "RATELIMIT_HEADERS_ENABLED": False,
        # Per person (or address when logged out), shared by all routes: see tracker.ratelimits.
        # A person filling in forms stays far below; a script is stopped within a minute.
        "WRITE_RATE_LIMIT": DEFAULT_WRITE_RATE_LIMIT,
        "UPLOAD_RATE_LIMIT": DEFAULT_UPLOAD_RATE_LIMIT,
        "API_RATE_LIMIT": api_rate_limit,
        "DOWNLOAD_RATE_LIMIT": DEFAULT_DOWNLOAD_RATE_LIMIT,
        # Per file; a request may carry an activity's five files and its form.
        "MAX_UPLOAD_BYTES": max_upload_mb * 1024 * 1024,
        "MAX_CONTENT_LENGTH": (MAX_FILES_PER_ACTIVITY * max_upload_mb + 1) * 1024 * 1024,
        # A full export imported on /account/import: its own limit, never below an upload's
        # (tracker.imports.views raises MAX_CONTENT_LENGTH for that page alone).
        "MAX_IMPORT_BYTES": max(max_import_mb, max_upload_mb) * 1024 * 1024,
        # Per process, for evaluated ledgers kept between requests (tracker.ledger).
        "LEDGER_CACHE_BYTES": ledger_cache_mb * 1024 * 1024,
        # A form's CSRF token lives as long as the session, so a long form is not lost.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # How email leaves (tracker.mail): "smtp", "files" (development) or "off".
        "MAIL_MODE": mail_mode,
        "SMTP_URL": smtp_url,
        "MAIL_FROM": os.environ.get("RECERT_MAIL_FROM") or DEFAULT_MAIL_FROM,
        # Where people reach the site, for links in emails (never taken from a request's Host
        # header in production: see tracker.mail.link).
        "BASE_URL": base_url,
        # A folder of rule sets (<code>/<version>.toml) to serve instead of the shipped ones.
        "RULESETS_DIR": os.environ.get("RECERT_RULESETS_DIR") or None,
    }
