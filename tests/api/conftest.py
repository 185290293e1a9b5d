"""Fixtures of the API tests: a person with a read-write token, and an API client."""

import pytest

from tests.api.helpers import ApiClient, make_token


@pytest.fixture
def token(user_client) -> str:
    """A read-write token of pat@example.com, made on the account page."""
    return make_token(user_client)


@pytest.fixture
def api(app, token) -> ApiClient:
    return ApiClient(app, token)
