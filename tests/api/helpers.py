"""Helpers of the API tests: a token made on the account page, and a client that sends it."""

import re

from tests.helpers import kind_landing_in, submit

PREFIX = "/api/v1"
V2 = "/api/v2"
# A CPT with all four modules, as the API takes it.
CPT = {"ruleset": "mssc-cpt", "certified_on": "2022-03-15",
       "modules": [{"code": c} for c in ("safety", "quality", "production", "maintenance")]}


def make_token(client, name="Script", scope="read write", expires_on="") -> str:
    """Make a token on the account page as a person would; returns the secret shown once."""
    response = submit(client, "/account/tokens/", {"name": name, "scope": scope,
                                                  "expires_on": expires_on})
    assert response.status_code == 200, response.text
    found = re.search(r'id="new-token-secret" type="text" readonly value="([^"]+)"', response.text)
    assert found, "the page does not show the new token"
    return found.group(1)


class ApiClient:
    """Calls the API with a bearer token and no cookies, as a script would: a path under
    /api/v1 unless it names its version (/api/v2/...)."""

    def __init__(self, app, token: str | None):
        self.client = app.test_client(use_cookies=False)
        self.token = token

    def _headers(self, headers: dict | None) -> dict:
        sent = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**sent, **(headers or {})}

    def request(self, method: str, path: str, headers: dict | None = None, **kwargs):
        url = path if path.startswith("/api/") else PREFIX + path
        return self.client.open(url, method=method, headers=self._headers(headers), **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


def course(api: ApiClient, credential_id: int | None = None, **fields) -> dict:
    """Log an activity through /api/v2 (a 2-hour training course on 2024-05-01 unless told
    otherwise). A `category` (a category code of `credential_id`'s rule set) logs the kind
    that lands there, counted there."""
    entry = {"kind": "training", "title": "Course", "completed_on": "2024-05-01",
             "quantity": "2", **fields}
    if "category" in entry:
        category = entry.pop("category")
        entry["kind"] = kind_landing_in(category)
        entry["counting"] = {**entry.get("counting", {}), str(credential_id): category}
    response = api.post(f"{V2}/activities", json=entry)
    assert response.status_code == 201, response.text
    return response.json


def count_of(activity: dict, credential_id: int) -> dict:
    """What a v2 activity counts toward one credential (its item of `counts`)."""
    [count] = [c for c in activity["counts"] if c["credential_id"] == credential_id]
    return count


def problem_of(response, status: int) -> dict:
    """The problem detail of an answer that must be one, with this status."""
    assert response.status_code == status, response.text
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == status and body["type"] == "about:blank" and body["detail"]
    return body
