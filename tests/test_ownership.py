"""No one reaches another person's objects: every route with an object id answers 404.

The routes come from the app's URL map, so a new route with an id is checked without
anyone remembering to add it here.
"""

import re

import pytest

from tests.helpers import AuthActions, add_cpt, csrf_token, log_activity, png_bytes, submit
from tracker import create_app

OWN_ID_ARGUMENTS = {"credential_id", "activity_id", "evidence_id", "cycle_id"}


def routes_with_ids() -> list[tuple[str, str]]:
    """(URL rule, method) pairs: one endpoint may have several rules (a report of the current
    cycle and of a given cycle), and each is checked."""
    app = create_app({"DATABASE_URL": "sqlite://"})
    found = []
    for rule in app.url_map.iter_rules():
        # The API answers tokens, not logins: tests/api/test_api_ownership.py checks it.
        if rule.arguments & OWN_ID_ARGUMENTS and not rule.rule.startswith("/api/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((rule.rule, method))
    return found


ROUTES = routes_with_ids()


def test_the_matrix_covers_every_kind_of_object():
    rules = {rule for rule, _method in ROUTES}
    assert {"/credentials/<int:credential_id>", "/activities/<int:activity_id>",
            "/evidence/<int:evidence_id>",
            "/credentials/<int:credential_id>/cycles/<int:cycle_id>/report.pdf"} <= rules


def assert_sound_page(html: str, url: str) -> None:
    """A page has one plain-text title and one main heading."""
    title = re.search(r"<title>(.*?)</title>", html, flags=re.S).group(1)
    assert "<" not in title and len(title) < 120, f"{url} has a broken title: {title!r}"
    assert html.count("<h1") == 1, f"{url} should have one main heading"


@pytest.fixture
def victims_objects(app, client):
    """Another person's credential, a live activity with a file, and a trashed activity."""
    AuthActions(client).register(email="victim@example.com", name="Victim")
    credential_id = add_cpt(client)
    live = log_activity(client, credential_id, files=[("proof.png", png_bytes())])
    trashed = log_activity(client, credential_id, title="Trashed")
    trashed_location = trashed.headers["Location"]
    submit(client, f"{trashed_location}/delete", {}, form_page=trashed_location)
    from sqlmodel import select

    from tracker.db import get_session
    from tracker.models import Cycle, Evidence

    with app.app_context():
        evidence_id = get_session().exec(select(Evidence.id)).first()
        cycle_id = get_session().exec(select(Cycle.id)).first()
    return {
        "credential_id": credential_id,
        "activity_id": int(live.headers["Location"].rsplit("/", 1)[-1]),
        "trashed_activity_id": int(trashed_location.rsplit("/", 1)[-1]),
        "evidence_id": evidence_id,
        "cycle_id": cycle_id,
        "code": "days-180",
    }


@pytest.mark.parametrize(("pattern", "method"), ROUTES)
def test_another_persons_object_is_not_found(app, client, victims_objects, pattern, method):
    intruder = app.test_client()
    AuthActions(intruder).register(email="intruder@example.com", name="Intruder")
    arguments = dict(victims_objects)
    rule = next(r for r in app.url_map.iter_rules() if r.rule == pattern)
    if rule.endpoint.startswith("trash."):
        arguments["activity_id"] = arguments["trashed_activity_id"]
    _domain, url = rule.build({name: arguments[name] for name in rule.arguments})
    if method == "GET":
        # The owner reaches it, so the 404 below is about who asks, not a broken URL.
        own = client.get(url)
        assert own.status_code == 200, f"the owner cannot open {url}"
        if own.mimetype == "text/html":
            assert_sound_page(own.text, url)
        # A streamed download keeps its request context until it is closed, as servers do.
        own.close()
        response = intruder.get(url)
    else:
        token = csrf_token(intruder.get("/credentials/new").text)
        response = intruder.post(url, data={"csrf_token": token, "title": "Hacked",
                                            "category": "CE-TRAINING", "quantity": "1",
                                            "completed_on": "2024-01-01",
                                            "certified_on": "2020-01-01"})
    assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
