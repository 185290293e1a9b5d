"""Security headers on every response, CSRF tokens, cookies, and the client address behind a
proxy."""

import pytest
from sqlmodel import select

from tests.helpers import PASSWORD, csrf_token
from tracker import create_app
from tracker.auth.lockout import ADDRESS_LIMIT
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


def test_production_cookies_are_secure(monkeypatch, database_url):
    monkeypatch.setenv("RECERT_ENV", "production")
    monkeypatch.setenv("RECERT_MAIL", "off")
    app = create_app({"DATABASE_URL": database_url})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    response = app.test_client().get("/auth/login")
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))
    assert "Secure" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_behind_a_proxy_the_login_limit_counts_each_visitors_own_address(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "PROXY_HOPS": 1,
                      "RATELIMIT_KEY_PREFIX": f"proxy-test-{id(object())}"})
    client = app.test_client()

    def attempt(address: str, email: str):
        headers = {"X-Forwarded-For": address}
        page = client.get("/auth/login", headers=headers)
        return client.post("/auth/login", headers=headers, data={
            "csrf_token": csrf_token(page.text), "email": email, "password": "wrong password"})

    for number in range(ADDRESS_LIMIT):
        attempt("203.0.113.7", f"person{number}@example.com")
    assert attempt("203.0.113.7", "someone@example.com").status_code == 429
    # Another visitor behind the same proxy is not locked out with them.
    assert attempt("198.51.100.9", "another@example.com").status_code == 200
