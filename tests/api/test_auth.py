"""Who calls the API: a personal access token in the `Authorization: Bearer` header, checked on
every call (expired, read-only, in the address, missing or wrong), never a browser's cookie, and
one rate limit per person, shared by their tokens."""

import os
import uuid
from datetime import date
from pathlib import Path

import pytest

from tests.api.helpers import V2, ApiClient, course, make_token
from tests.helpers import AuthActions, delete_redis_keys
from tracker import config, create_app
from tracker.config import ConfigError

REDIS_URL = os.environ.get("RECERT_TEST_REDIS_URL")


def test_an_expired_token_stops_working(app, user_client):
    app.config["TODAY"] = date(2026, 11, 24)
    api = ApiClient(app, make_token(user_client, expires_on="2026-11-24"))
    assert api.get("/credentials").status_code == 200  # usable through its last day
    app.config["TODAY"] = date(2026, 11, 25)
    response = api.get("/credentials")
    assert response.status_code == 401
    assert response.json["detail"] == ("This token expired on 2026-11-24. Make a new one on "
                                       "your account page.")


def test_a_read_only_token_reads_but_never_writes(app, user_client):
    api = ApiClient(app, make_token(user_client, scope="read"))
    assert api.get("/credentials").status_code == 200
    response = api.post("/credentials", json={"ruleset": "mssc-cpt",
                                              "certified_on": "2022-03-15"})
    assert response.status_code == 403
    assert response.json["title"] == "Forbidden"
    assert "can only read" in response.json["detail"]
    assert api.get("/credentials").json["items"] == []
    # Version 2 alike.
    assert api.get(f"{V2}/activities").json["items"] == []
    refused = api.post(f"{V2}/activities", json={"kind": "training", "title": "Course",
                                                 "completed_on": "2024-05-01", "quantity": "2"})
    assert refused.status_code == 403 and "can only read" in refused.json["detail"]
    assert ApiClient(app, None).get(f"{V2}/activities").status_code == 401


@pytest.mark.parametrize("query", ["token={}", "access_token={}", "api_key={}", "key={}",
                                   "q=forklift&q={}", "{}"])
def test_a_token_in_the_address_is_refused(app, token, query):
    no_header = ApiClient(app, None)
    response = no_header.get(f"/credentials?{query.format(token)}")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert "Authorization header" in response.json["detail"]
    # Even beside a good header: the token has leaked into logs and should be replaced.
    assert ApiClient(app, token).get(f"/credentials?{query.format(token)}").status_code == 401


def test_a_query_that_only_looks_like_text_is_fine(app, api):
    assert api.get("/credentials?note=recert&q=recert-tokens").status_code == 200


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer recert_nope",
                                           "Basic cGF0OnB3", "Bearer not-even-ours"])
def test_no_token_or_a_wrong_one_is_refused(app, user_client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = app.test_client().get("/api/v1/credentials", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="recert"')
    body = response.json
    assert set(body) == {"type", "title", "status", "detail"}
    assert (body["type"], body["title"], body["status"]) == ("about:blank", "Unauthorized", 401)


def test_a_browser_login_does_not_open_the_api_and_the_api_sets_no_cookie(app, user_client,
                                                                           token):
    # user_client holds a logged-in session cookie: the API does not look at it.
    assert user_client.get("/api/v1/credentials").status_code == 401
    response = user_client.get("/api/v1/credentials",
                               headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    for path in ("/api/v1/openapi.json", "/api/v1/docs", "/api/v1/nothing-here"):
        assert "Set-Cookie" not in user_client.get(path).headers, path


def test_the_api_needs_no_csrf_token(app, api):
    # The app checks CSRF tokens on every web form; the API has no cookies to protect.
    response = api.post("/credentials", json={
        "ruleset": "mssc-cpt", "certified_on": "2022-03-15",
        "modules": [{"code": "safety"}]})
    assert response.status_code == 201, response.text


def test_a_persons_tokens_share_one_rate_limit(app, user_client):
    """Three tokens of one person share one budget (more tokens buy no more requests); another
    person's token has a budget of its own."""
    app.config["API_RATE_LIMIT"] = "3 per minute"
    own = [ApiClient(app, make_token(user_client, name=name)) for name in ("a", "b", "c")]
    other_client = app.test_client()
    AuthActions(other_client).register(email="sam@example.com", name="Sam")
    other = ApiClient(app, make_token(other_client))
    for api in own:
        assert api.get("/credentials").status_code == 200
    for api in own:
        limited = api.get("/rulesets")  # one budget for the whole API
        assert limited.status_code == 429
    # Both versions: one budget.
    assert own[0].get(f"{V2}/activities").status_code == 429
    assert limited.mimetype == "application/problem+json"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert "Try again in" in limited.json["detail"]
    allowed = other.get("/credentials")
    assert allowed.status_code == 200
    assert "Retry-After" not in allowed.headers  # only a 429 says when to try again


def test_changes_through_the_api_spend_the_persons_write_budget(app, user_client, cpt):
    """A change sent through the API counts as one made on the web: a script does not get a
    second write budget beside the person's."""
    app.config["WRITE_RATE_LIMIT"] = "3 per minute"
    api = ApiClient(app, make_token(user_client))  # the token's form: the first change
    course(api, cpt)
    course(api, cpt, title="Second")
    refused = api.post(f"{V2}/activities", json={
        "kind": "training", "title": "Third", "completed_on": "2024-05-01", "quantity": "2"})
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert sorted(a["title"] for a in api.get(f"/credentials/{cpt}/activities").json["items"]
                  ) == ["Course", "Second"]


def test_the_limit_comes_from_the_environment(monkeypatch, database_url, user_client):
    monkeypatch.setenv("RECERT_API_RATE_LIMIT", "2 per minute")
    server = create_app({"TESTING": True, "DATABASE_URL": database_url})
    api = ApiClient(server, make_token(user_client))
    try:
        assert [api.get("/credentials").status_code for _ in range(3)] == [200, 200, 429]
    finally:
        server.extensions["recert_engine"].dispose()
    monkeypatch.setenv("RECERT_API_RATE_LIMIT", "lots")
    with pytest.raises(ConfigError, match="RECERT_API_RATE_LIMIT must be a limit like"):
        create_app({"DATABASE_URL": database_url})
    monkeypatch.delenv("RECERT_API_RATE_LIMIT")
    assert config.from_environment(Path("."))["API_RATE_LIMIT"] == "120 per minute"


@pytest.mark.skipif(not REDIS_URL, reason="set RECERT_TEST_REDIS_URL to test the shared limit")
def test_servers_share_the_rate_limit_through_redis(database_url, user_client, app):
    """Two app instances ("servers") over one database and one Redis count one budget."""
    prefix = f"recert-api-test-{uuid.uuid4().hex[:12]}"
    settings = {"TESTING": True, "DATABASE_URL": database_url, "API_RATE_LIMIT": "3 per minute",
                "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    one, two = create_app(settings), create_app(settings)
    secret = make_token(user_client)
    try:
        assert ApiClient(one, secret).get("/credentials").status_code == 200
        assert ApiClient(two, secret).get("/credentials").status_code == 200
        assert ApiClient(one, secret).get("/credentials").status_code == 200
        assert ApiClient(two, secret).get("/credentials").status_code == 429
    finally:
        delete_redis_keys(REDIS_URL, prefix)
        for server in (one, two):
            server.extensions["recert_engine"].dispose()
