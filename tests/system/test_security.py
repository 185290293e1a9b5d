"""Headers, CSRF, cookies, configuration and error pages."""

import pytest
from sqlmodel import select

from tests.helpers import PASSWORD, csrf_token
from tracker import create_app
from tracker.config import ConfigError
from tracker.db import get_session
from tracker.models import User


@pytest.mark.parametrize("url", ["/", "/auth/login", "/no-such-page"])
def test_security_headers_on_every_response(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_post_without_csrf_token_is_refused_and_changes_nothing(app, client):
    response = client.post("/auth/register", data={
        "email": "pat@example.com", "display_name": "Pat", "password": PASSWORD,
        "confirm": PASSWORD,
    })
    assert response.status_code == 400
    assert "This form has expired or did not come from this site." in response.text
    with app.app_context():
        assert get_session().exec(select(User)).all() == []


def test_a_post_with_another_sessions_csrf_token_is_refused(app, client, auth):
    auth.register()
    stranger = app.test_client()
    token = csrf_token(stranger.get("/auth/login").text)
    response = client.post("/account/delete", data={"csrf_token": token,
                                                    "current_password": PASSWORD})
    assert response.status_code == 400
    assert "Hello, Pat Doe" in client.get("/").text


def test_session_cookie_is_http_only_and_same_site(client, auth):
    response = auth.register()
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development runs on plain http


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setenv("RECERT_ENV", "production")
    monkeypatch.delenv("RECERT_SECRET_KEY")
    with pytest.raises(ConfigError, match="RECERT_SECRET_KEY must be set"):
        create_app()


def test_production_cookies_are_secure(monkeypatch, database_url):
    monkeypatch.setenv("RECERT_ENV", "production")
    app = create_app({"DATABASE_URL": database_url})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    response = app.test_client().get("/auth/login")
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))
    assert "Secure" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


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


def test_not_found_page_is_in_the_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "<title>Page not found · Recert</title>" in response.text
    assert "Go to the home page" in response.text


def test_too_large_request_gets_a_plain_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/auth/login", data={"email": "x" * 4096})
    assert response.status_code == 413
    assert "File too large" in response.text


def test_unexpected_error_shows_no_stack_trace(app):
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text


def test_database_down_answers_503_in_the_layout(monkeypatch, tmp_path):
    # A database file in a folder that does not exist cannot be opened.
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/missing/recert.db"})
    client = app.test_client()
    token = csrf_token(client.get("/auth/login").text)
    response = client.post("/auth/login", data={"csrf_token": token, "email": "a@example.com",
                                                "password": PASSWORD})
    assert response.status_code == 503
    assert "Recert is not available right now" in response.text
    assert "Traceback" not in response.text


def test_behind_a_proxy_the_login_limit_counts_each_visitors_own_address(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "PROXY_HOPS": 1,
                      "RATELIMIT_KEY_PREFIX": f"proxy-test-{id(object())}"})
    client = app.test_client()

    def attempt(address: str, email: str):
        headers = {"X-Forwarded-For": address}
        page = client.get("/auth/login", headers=headers)
        return client.post("/auth/login", headers=headers, data={
            "csrf_token": csrf_token(page.text), "email": email, "password": "wrong password"})

    for number in range(5):
        attempt("203.0.113.7", f"person{number}@example.com")
    assert attempt("203.0.113.7", "someone@example.com").status_code == 429
    # Another visitor behind the same proxy is not locked out with them.
    assert attempt("198.51.100.9", "another@example.com").status_code == 200
