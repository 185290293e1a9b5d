"""Hostile addresses and bodies on every route: never a 5xx.

The routes come from the app's URL map (web and API), so a new route is fuzzed without being
listed here. Each path argument gets values no person types: ids past what the database holds
(2**31, 2**63, 2**64), NUL, CR/LF, invalid UTF-8, "../" and 5,000 characters; each address is
also sent with query strings holding the same in every query parameter the app reads. GET goes
to every rule, and every other method of a rule with a valid CSRF token (web) or a read-write
token (API), as a logged-in person and anonymously.

`make test` sends a sample (every rule and method at least once, RECERT_FUZZ_EXAMPLES requests
in all, 300 by default) to stay within a few seconds. The whole matrix:

    RECERT_FUZZ_EXAMPLES=all .venv/bin/python -m pytest tests/system/test_fuzz.py

RECERT_FUZZ_SEED picks another sample (the default one is the same on every run).
"""

import io
import itertools
import os
import random
import re
from collections import defaultdict

import pytest
from werkzeug.routing import IntegerConverter, PathConverter

from tests.api.helpers import ApiClient, make_token
from tests.helpers import PASSWORD, csrf_token, log_activity, stored, submit
from tracker.extensions import limiter
from tracker.models import Activity, Cycle

HUGE_IDS = [str(2**31), str(2**63), str(2**64)]
# Already percent-encoded: they go into the address as they are.
HOSTILE_TEXT = ["a%00b", "a%0D%0Ab", "abc%00def", "%FF%FE", "..%2F..%2Fetc", "../x",
                "x" * 5000]
# Every query parameter the web pages and the API read, and `x`, which none reads.
QUERY_NAMES = ["next", "remember", "page", "sort", "flag", "category", "tag", "q", "version",
               "cursor", "limit", "cycle_id", "x"]
QUERY_STRINGS = [
    "",
    "?next=/%0D%0Ax&page=99999999999999999999&x=%00",
    *("?" + "&".join(f"{name}={value}" for name in QUERY_NAMES)
      for value in ["%00", "a%0D%0Ab", "99999999999999999999", "-1", "%FF", "y" * 5000]),
]
ARGUMENT = re.compile(r"<(?:[^:>]+:)?([^>]+)>")
# Requests that would end the logged-in session the rest of the run needs.
ENDS_SESSION = {("auth.logout", "POST")}


def _examples() -> int | None:
    value = os.environ.get("RECERT_FUZZ_EXAMPLES", "300").strip().lower()
    return None if value == "all" else int(value)


def _path_values(rule, real_ids: dict[str, int]) -> list[dict[str, str]]:
    """Every combination of hostile values of the rule's arguments (a real id of the person's
    first, so that query strings reach pages that exist)."""
    choices = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            choices[name] = [str(real_ids.get(name, 1)), *HUGE_IDS]
        elif isinstance(converter, PathConverter):
            choices[name] = [*HOSTILE_TEXT, "../../../etc/passwd", "a/%00/b"]
        else:
            choices[name] = HOSTILE_TEXT
    names = sorted(choices)
    return [dict(zip(names, values, strict=True))
            for values in itertools.product(*(choices[name] for name in names))]


def _cases(url_map, real_ids: dict[str, int]) -> dict[tuple, list[tuple[str, str, str]]]:
    """(who, method, address) of each request, grouped by (rule, method)."""
    groups = defaultdict(list)
    for rule in url_map.iter_rules():
        api = rule.rule.startswith("/api/")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for values in _path_values(rule, real_ids):
                path = ARGUMENT.sub(lambda found, values=values: values[found.group(1)],
                                    rule.rule)
                for query in QUERY_STRINGS:
                    for who in ("anonymous", "api" if api else "person"):
                        if who == "person" and (rule.endpoint, method) in ENDS_SESSION:
                            continue
                        groups[(rule.rule, method)].append((who, method, path + query))
    return groups


def _sample(groups: dict, examples: int | None, seed: str) -> list[tuple[str, str, str]]:
    """Round robin over the groups (each rule and method first once, then again...), each
    group in a random order, until `examples` requests."""
    randomness = random.Random(seed)
    queues = []
    for key in sorted(groups):
        cases = list(groups[key])
        randomness.shuffle(cases)
        queues.append(cases)
    chosen = []
    for round_ in itertools.zip_longest(*queues):
        chosen.extend(case for case in round_ if case is not None)
    return chosen if examples is None else chosen[:max(examples, len(queues))]


@pytest.fixture
def clients(app, user_client, cpt, monkeypatch):
    """Who sends the requests: nobody, the logged-in person (with a CSRF token of their
    session), their API token; and the ids of what the person has."""
    monkeypatch.setattr(limiter, "enabled", False)  # every request reaches its view
    app.config["PROPAGATE_EXCEPTIONS"] = False  # an error is the 500 a person would get
    assert log_activity(user_client, cpt).status_code == 302
    token = make_token(user_client)
    ids = {"credential_id": cpt, "cycle_id": stored(app, Cycle)[0].id,
           "activity_id": stored(app, Activity)[0].id}
    return {
        "anonymous": app.test_client(),
        "person": user_client,
        "api": ApiClient(app, token).client,
        "csrf": csrf_token(user_client.get("/account/").text),
        "token": token,
        "ids": ids,
    }


def _send(clients, who: str, method: str, address: str):
    client = clients[who]
    if who == "api":
        headers = {"Authorization": f"Bearer {clients['token']}"}
        body = {"json": {"title": "a\x00b\r\n"}} if method in ("POST", "PATCH") else {}
        return client.open(address, method=method, headers=headers, **body)
    if method == "GET":
        return client.get(address)
    data = {"csrf_token": clients["csrf"] if who == "person" else "", "x": "a\x00b\r\n"}
    return client.open(address, method=method, data=data)


def test_no_route_answers_5xx_to_hostile_addresses(app, clients):
    groups = _cases(app.url_map, clients["ids"])
    cases = _sample(groups, _examples(), os.environ.get("RECERT_FUZZ_SEED", "recert"))
    failures = []
    for who, method, address in cases:
        response = _send(clients, who, method, address)
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {who} {method} {address[:200]}")
    assert not failures, f"{len(failures)} of {len(cases)} requests:\n" + "\n".join(failures)


DEEP = "[" * 100_000 + "]" * 100_000
# Just under what Python's JSON reader takes: read, then handed to what checks it.
NEAR_THE_LIMIT = "[" * 900 + "]" * 900


def _json_operations(api: ApiClient, ids: dict[str, int]) -> list[tuple[str, str]]:
    """(method, address) of every API operation whose body is JSON (by the API's own
    description), with the person's ids in the address."""
    document = api.get("/openapi.json").json
    return [(method.upper(), re.sub(r"\{(\w+)\}", lambda found: str(ids[found.group(1)]),
                                    path))
            for path, operations in document["paths"].items()
            for method, operation in operations.items()
            if "application/json" in operation.get("requestBody", {}).get("content", {})]


@pytest.mark.parametrize("nested", [DEEP, NEAR_THE_LIMIT])
def test_json_nested_deep_to_the_api_is_a_plain_problem(app, clients, nested):
    api = ApiClient(app, clients["token"])
    writes = _json_operations(api, clients["ids"])
    assert len(writes) >= 4, "the API description lists no JSON bodies"
    for body in (nested, '{"title": ' + nested + "}"):
        for method, address in writes:
            response = api.request(method, address, data=body,
                                   headers={"Content-Type": "application/json"})
            assert response.status_code in (400, 415, 422), f"{method} {address}: {response.text}"
            assert response.mimetype == "application/problem+json"
            assert response.json["detail"]


@pytest.mark.parametrize("nested", [DEEP, NEAR_THE_LIMIT])
def test_json_nested_deep_to_the_account_import_is_refused_plainly(app, auth, nested):
    auth.register(email="sam@example.com", name="Sam Roe")
    for document in (nested, '{"format_version": 1, "credentials": ' + nested + "}"):
        response = submit(auth.client, "/account/import",
                          {"file": (io.BytesIO(document.encode()), "export.json")},
                          content_type="multipart/form-data")
        assert response.status_code in (200, 400), response.text
        assert ("nested too deeply" in response.text
                or "not a Recert export" in response.text
                or "damaged" in response.text), response.text


@pytest.mark.parametrize("target", ["/%0D%0Ax", "/a%0Db", "/%00", "/a%09/evil.example",
                                    "/%7F", "/%C2%85", "/%E2%80%AE"])
def test_logging_in_with_a_next_that_is_no_header_value_goes_home(client, auth, target):
    auth.register()
    auth.logout()
    page = client.get(f"/auth/login?next={target}")
    response = client.post(f"/auth/login?next={target}", data={
        "csrf_token": csrf_token(page.text), "email": "pat@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
