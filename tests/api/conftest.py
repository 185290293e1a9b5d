"""Fixtures of the API tests: a person with a read-write token, an API client, a credential."""

from datetime import date

import pytest

from tests.api.helpers import CPT, ApiClient, make_token


@pytest.fixture
def token(user_client) -> str:
    """A read-write token of pat@example.com, made on the account page."""
    return make_token(user_client)


@pytest.fixture
def api(app, token) -> ApiClient:
    return ApiClient(app, token)


@pytest.fixture
def credential_id(app, api) -> int:
    """The token owner's CPT, made through the API, seen on 2026-11-24."""
    app.config["TODAY"] = date(2026, 11, 24)
    response = api.post("/credentials", json=CPT)
    assert response.status_code == 201, response.text
    assert response.headers["Location"] == f"/api/v1/credentials/{response.json['id']}"
    return response.json["id"]
