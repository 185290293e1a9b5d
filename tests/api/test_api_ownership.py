"""No token reaches another person's objects: every API route with an object id answers 404.

The routes come from the app's URL map, so a new API route with an id is checked without
anyone remembering to add it here.
"""

import io

import pytest

from tests.api.helpers import ApiClient, make_token
from tests.helpers import AuthActions, pdf_bytes
from tracker import create_app

ID_ARGUMENTS = {"credential_id", "activity_id", "evidence_id"}
CPT = {"ruleset": "mssc-cpt", "certified_on": "2022-03-15",
       "modules": [{"code": c} for c in ("safety", "quality", "production", "maintenance")]}


def api_routes_with_ids() -> list[tuple[str, str]]:
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "routes"})
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and rule.arguments & ID_ARGUMENTS:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((rule.rule, method))
    return found


ROUTES = api_routes_with_ids()


def test_the_matrix_covers_every_kind_of_object():
    assert {rule for rule, _method in ROUTES} >= {
        "/api/v1/credentials/<int(max=2147483647):credential_id>",
        "/api/v1/activities/<int(max=2147483647):activity_id>",
        "/api/v1/activities/<int(max=2147483647):activity_id>/restore",
        "/api/v1/evidence/<int(max=2147483647):evidence_id>",
        "/api/v1/credentials/<int(max=2147483647):credential_id>/report.pdf",
    }
    assert {method for _rule, method in ROUTES} == {"GET", "POST", "PATCH", "DELETE"}


@pytest.fixture
def victim(app):
    """Another person's credential, a live activity with a file, and a trashed activity."""
    browser = app.test_client()
    AuthActions(browser).register(email="victim@example.com", name="Victim")
    api = ApiClient(app, make_token(browser))
    credential_id = api.post("/credentials", json=CPT).json["id"]
    activity = {"category": "CE-TRAINING", "title": "Mine", "completed_on": "2024-05-01",
                "quantity": "8"}
    activity_id = api.post(f"/credentials/{credential_id}/activities", json=activity).json["id"]
    trashed_id = api.post(f"/credentials/{credential_id}/activities", json=activity).json["id"]
    assert api.delete(f"/activities/{trashed_id}").status_code == 204
    evidence_id = api.post(f"/activities/{activity_id}/evidence",
                           data={"file": (io.BytesIO(pdf_bytes()), "proof.pdf")}).json["id"]
    return api, {"credential_id": credential_id, "activity_id": activity_id,
                 "trashed_activity_id": trashed_id, "evidence_id": evidence_id}


@pytest.mark.parametrize(("pattern", "method"), ROUTES)
def test_another_persons_object_is_not_found(app, api, victim, pattern, method):
    owner, ids = victim
    rule = next(r for r in app.url_map.iter_rules() if r.rule == pattern and method in r.methods)
    arguments = dict(ids)
    if rule.endpoint == "api.restore_activity":
        arguments["activity_id"] = ids["trashed_activity_id"]
    _domain, url = rule.build({name: arguments[name] for name in rule.arguments})
    if method == "GET":
        # The owner reaches it, so the 404 below is about who asks, not a broken URL.
        mine = owner.get(url)
        assert mine.status_code == 200, f"the owner cannot open {url}"
        mine.close()
    # Bodies that would be accepted on one's own objects: the 404 is about whose it is.
    kwargs = {
        "api.update_credential": {"json": {"certificate_number": "HACKED-1"}},
        "api.create_activity": {"json": {"category": "X", "title": "Hacked", "quantity": "1",
                                         "completed_on": "2024-01-01"}},
        "api.update_activity": {"json": {"title": "Hacked"}},
        "api.upload_evidence": {"data": {"file": (io.BytesIO(pdf_bytes()), "x.pdf")}},
    }.get(rule.endpoint, {}) if method in ("POST", "PATCH") else {}
    response = api.request(method, url, **kwargs)  # pat@example.com's read-write token
    assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
    assert response.mimetype == "application/problem+json"
    if method == "GET":
        assert owner.get(url).status_code == 200  # and nothing of it changed hands


def test_a_report_of_another_persons_cycle_is_not_found(app, api, victim):
    owner, ids = victim
    theirs = owner.get(f"/credentials/{ids['credential_id']}").json["cycles"][0]["id"]
    mine = api.post("/credentials", json=CPT).json["id"]
    for name in ("report.pdf", "activities.csv", "packet.zip"):
        response = api.get(f"/credentials/{mine}/{name}?cycle_id={theirs}")
        assert response.status_code == 404, name
