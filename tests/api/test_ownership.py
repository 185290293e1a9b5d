"""No token reaches another person's objects: every API route with an object id answers 404.

The routes come from the app's URL map, so a new API route with an id is checked without
anyone remembering to add it here: every argument of every rule needs one of the victim's real
objects (or the rule a reason to be left out), or the test fails.
"""

import io

import pytest

from tests.api.helpers import V2, ApiClient, make_token, problem_of
from tests.helpers import AuthActions, pdf_bytes, snapshot
from tests.system.routes import routes_with_arguments, url_with

# Rules whose arguments name nothing anyone owns, and why.
GONE = "a version 1 address: 410 Gone for any id, whoever's, so it tells nothing"
NOT_OWNED = {"api.get_ruleset": "a rule set's code, the same for everyone",
             **dict.fromkeys(("api.create_activity_v1", "api.get_activity_v1",
                              "api.update_activity_v1", "api.trash_activity_v1",
                              "api.restore_activity_v1"), GONE)}
CPT = {"ruleset": "mssc-cpt", "certified_on": "2022-03-15",
       "modules": [{"code": c} for c in ("safety", "quality", "production", "maintenance")]}
ROUTES = routes_with_arguments(api=True, not_owned=NOT_OWNED)


def test_the_matrix_covers_every_kind_of_object():
    assert {rule for rule, _method in ROUTES} >= {
        "/api/v1/credentials/<int(max=2147483647):credential_id>",
        "/api/v2/activities/<int(max=2147483647):activity_id>",
        "/api/v2/activities/<int(max=2147483647):activity_id>/restore",
        "/api/v1/activities/<int(max=2147483647):activity_id>/evidence",
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
    activity = {"kind": "training", "title": "Mine", "completed_on": "2024-05-01",
                "quantity": "8"}
    activity_id = api.post(f"{V2}/activities", json=activity).json["id"]
    trashed_id = api.post(f"{V2}/activities", json=activity).json["id"]
    assert api.delete(f"{V2}/activities/{trashed_id}").status_code == 204
    evidence_id = api.post(f"/activities/{activity_id}/evidence",
                           data={"file": (io.BytesIO(pdf_bytes()), "proof.pdf")}).json["id"]
    return api, {"credential_id": credential_id, "activity_id": activity_id,
                 "trashed_activity_id": trashed_id, "evidence_id": evidence_id}


@pytest.mark.parametrize(("pattern", "method"), ROUTES)
def test_another_persons_object_is_not_found(app, api, victim, pattern, method):
    owner, ids = victim
    rule = next(r for r in app.url_map.iter_rules() if r.rule == pattern and method in r.methods)
    arguments = dict(ids)
    if rule.endpoint == "api_v2.restore_activity":
        arguments["activity_id"] = ids["trashed_activity_id"]
    url = url_with(rule, arguments)
    if method == "GET":
        # The owner reaches it, so the 404 below is about who asks, not a broken URL.
        mine = owner.get(url)
        assert mine.status_code == 200, f"the owner cannot open {url}"
        mine.close()
    # Bodies that would be accepted on one's own objects: the 404 is about whose it is.
    kwargs = {
        "api.update_credential": {"json": {"certificate_number": "HACKED-1"}},
        "api_v2.update_activity": {"json": {"title": "Hacked"}},
        "api.upload_evidence": {"data": {"file": (io.BytesIO(pdf_bytes()), "x.pdf")}},
    }.get(rule.endpoint, {}) if method in ("POST", "PATCH") else {}
    api.get("/credentials")  # the token's last use is noted now, not by the request below
    before = snapshot(app)
    response = api.request(method, url, **kwargs)  # pat@example.com's read-write token
    assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
    assert response.mimetype == "application/problem+json"
    assert snapshot(app) == before, f"{method} {url} changed something"


def test_a_report_of_another_persons_cycle_is_not_found(app, api, victim):
    owner, ids = victim
    theirs = owner.get(f"/credentials/{ids['credential_id']}").json["cycles"][0]["id"]
    mine = api.post("/credentials", json=CPT).json["id"]
    for name in ("report.pdf", "activities.csv", "packet.zip"):
        response = api.get(f"/credentials/{mine}/{name}?cycle_id={theirs}")
        assert response.status_code == 404, name


def test_the_version_1_addresses_are_gone_alike_for_anyones_id(app, api, victim):
    """410 for another person's activity as for one that does not exist: the answer tells
    nothing of whose it is, and changes nothing."""
    _owner, ids = victim
    api.get("/credentials")  # the token's last use is noted now, not by the requests below
    before = snapshot(app)
    for activity_id in (ids["activity_id"], 2_000_000):
        for method, url in (("GET", f"/activities/{activity_id}"),
                            ("PATCH", f"/activities/{activity_id}"),
                            ("DELETE", f"/activities/{activity_id}"),
                            ("POST", f"/activities/{activity_id}/restore")):
            gone = problem_of(api.request(method, url, json={"title": "Hacked"}), 410)
            assert f"/api/v2/activities/{activity_id}" in gone["detail"]
    problem_of(api.post(f"/credentials/{ids['credential_id']}/activities",
                        json={"title": "Hacked"}), 410)
    assert snapshot(app) == before


def test_no_one_counts_an_activity_toward_anothers_credential(app, api, victim):
    _owner, ids = victim
    mine = api.post("/credentials", json=CPT).json["id"]
    theirs = str(ids["credential_id"])
    before = snapshot(app)
    refused = problem_of(api.post(f"{V2}/activities", json={
        "kind": "training", "title": "Hacked", "completed_on": "2024-05-01", "quantity": "1",
        "counting": {theirs: "exclude"}}), 422)
    assert refused["errors"] == {f"counting.{theirs}": ["That is not one of your credentials."]}
    assert snapshot(app) == before
    listed = api.get(f"{V2}/activities?credential_id={theirs}")
    assert "no credential with this id" in problem_of(listed, 404)["detail"]
    assert api.get(f"{V2}/activities?credential_id={mine}").json["total"] == 0
    assert api.get(f"{V2}/activities").json["items"] == []  # the victim's are not listed
