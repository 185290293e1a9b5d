"""API version 2: an activity is the person's, logged once, and counts toward every credential
they hold whose rules take its kind; per credential they may leave it out or choose another
category. Version 1's addresses of one activity answer 410 Gone with a link to version 2."""

import io
from datetime import date

import pytest

from tests.api.helpers import V2, count_of, course, problem_of
from tests.helpers import pdf_bytes

CLT = {"ruleset": "mssc-clt", "certified_on": "2022-03-15"}
LEAN = {"kind": "training", "title": "Lean basics", "completed_on": "2024-05-01",
        "quantity": "8"}


@pytest.fixture
def cpt_and_clt(api, credential_id) -> tuple[int, int]:
    """Pat's CPT (from `credential_id`) and a CLT, added through the API."""
    made = api.post("/credentials", json=CLT)
    assert made.status_code == 201, made.text
    return credential_id, made.json["id"]


def counted(api, *credentials: int) -> list[str]:
    """Each credential's counted points, as its progress says."""
    return [api.get(f"/credentials/{c}/progress").json["counted"] for c in credentials]


def where(activity: dict) -> list[tuple]:
    return [(c["credential_id"], c["ruleset"], c["category"], c["excluded"], c["counted"])
            for c in activity["counts"]]


def test_one_course_logged_once_counts_toward_cpt_and_clt(api, cpt_and_clt):
    cpt, clt = cpt_and_clt
    assert counted(api, cpt, clt) == ["0.00", "0.00"]
    made = api.post(f"{V2}/activities", json=LEAN)
    assert made.status_code == 201, made.text
    assert where(made.json) == [(cpt, "mssc-cpt", "CE-TRAINING", False, "8.00"),
                                (clt, "mssc-clt", "CE-TRAINING", False, "8.00")]
    assert made.json["counting"] == {str(cpt): "", str(clt): ""}
    assert counted(api, cpt, clt) == ["8.00", "8.00"]
    # One record: one activity in the person's list, a row in each credential's list.
    assert [a["id"] for a in api.get(f"{V2}/activities").json["items"]] == [made.json["id"]]
    for credential in (cpt, clt):
        [row] = api.get(f"/credentials/{credential}/activities").json["items"]
        assert (row["id"], row["credential_id"], row["kind"], row["category"]) == (
            made.json["id"], credential, "training", "CE-TRAINING")


def test_leaving_it_out_of_clt_changes_only_clts_figures(api, cpt_and_clt):
    cpt, clt = cpt_and_clt
    made = api.post(f"{V2}/activities", json=LEAN)
    url = f"{V2}/activities/{made.json['id']}"
    left_out = api.patch(url, json={"counting": {str(clt): "exclude"}},
                         headers={"If-Match": made.headers["ETag"]})
    assert left_out.status_code == 200, left_out.text
    assert where(left_out.json) == [(cpt, "mssc-cpt", "CE-TRAINING", False, "8.00"),
                                    (clt, "mssc-clt", None, True, "0.00")]
    assert left_out.json["counting"] == {str(cpt): "", str(clt): "exclude"}
    assert counted(api, cpt, clt) == ["8.00", "0.00"]
    assert [api.get(f"/credentials/{c}/activities").json["total"] for c in (cpt, clt)] == [1, 0]
    assert [api.get(f"{V2}/activities?credential_id={c}").json["total"]
            for c in (cpt, clt)] == [1, 0]
    # A change of another field keeps the choice; "" counts it where it fits again.
    renamed = api.patch(url, json={"title": "Lean basics 1", "version": 2})
    assert renamed.json["counting"][str(clt)] == "exclude"
    back = api.patch(url, json={"counting": {str(clt): ""}, "version": 3})
    assert back.status_code == 200, back.text
    assert counted(api, cpt, clt) == ["8.00", "8.00"]


def test_left_out_when_logged(api, cpt_and_clt):
    cpt, clt = cpt_and_clt
    made = api.post(f"{V2}/activities", json={**LEAN, "counting": {str(clt): "exclude"}})
    assert made.status_code == 201, made.text
    assert [c["counted"] for c in made.json["counts"]] == ["8.00", "0.00"]
    assert counted(api, cpt, clt) == ["8.00", "0.00"]


def test_a_credential_added_later_counts_what_was_logged_at_once(api, credential_id):
    made = course(api, quantity="6")
    assert [c["credential_id"] for c in made["counts"]] == [credential_id]
    clt = api.post("/credentials", json=CLT).json["id"]
    assert count_of(api.get(f"{V2}/activities/{made['id']}").json, clt)["counted"] == "6.00"
    assert counted(api, clt) == ["6.00"]


def test_another_category_is_chosen_per_credential(app, api):
    """PMP lets a person say which skill area a course served."""
    app.config["TODAY"] = date(2026, 11, 24)
    pmp = api.post("/credentials", json={"ruleset": "pmi-pmp", "certified_on": "2024-06-01"}
                   ).json["id"]
    default = course(api, completed_on="2025-05-01")
    chosen = course(api, completed_on="2025-05-01", counting={str(pmp): "EDU-PS"})
    assert count_of(default, pmp)["category"] == "EDU-WOW"
    assert count_of(chosen, pmp)["category"] == "EDU-PS"
    assert chosen["counting"] == {str(pmp): "EDU-PS"}
    progress = api.get(f"/credentials/{pmp}/progress").json
    by_code = {c["code"]: c["counted"] for c in progress["categories"]}
    assert (by_code["EDU-WOW"], by_code["EDU-PS"]) == ("2.00", "2.00")
    refused = problem_of(api.post(f"{V2}/activities", json={
        **LEAN, "counting": {str(pmp): "GB-PRESENTATION"}}), 422)
    [said] = refused["errors"][f"counting.{pmp}"]
    assert said.startswith("PMP does not count “Training course or workshop” as")


def test_version_1_addresses_of_an_activity_answer_410_with_a_link(api, credential_id):
    made = course(api, credential_id)
    number = made["id"]
    for method, url, successor in (
            ("POST", f"/credentials/{credential_id}/activities", "/api/v2/activities"),
            ("GET", f"/activities/{number}", f"/api/v2/activities/{number}"),
            ("PATCH", f"/activities/{number}", f"/api/v2/activities/{number}"),
            ("DELETE", f"/activities/{number}", f"/api/v2/activities/{number}"),
            ("POST", f"/activities/{number}/restore", f"/api/v2/activities/{number}/restore")):
        response = api.request(method, url, json={"category": "CE-TRAINING", "title": "Old"})
        gone = problem_of(response, 410)
        assert response.headers["Link"] == f'<{successor}>; rel="successor-version"', url
        assert gone["title"] == "Gone" and f"Use {successor} instead." in gone["detail"]
    # Nothing was logged, changed or trashed; a credential's list and proof files still answer.
    assert api.get(f"{V2}/activities/{number}").json == made
    assert api.get(f"/credentials/{credential_id}/activities").json["total"] == 1
    proof = api.post(f"/activities/{number}/evidence",
                     data={"file": (io.BytesIO(pdf_bytes()), "proof.pdf")})
    assert proof.status_code == 201, proof.text
    assert api.get(f"{V2}/activities/{number}").json["files"] == [proof.json]


def test_the_persons_list_filters(api, cpt_and_clt):
    cpt, clt = cpt_and_clt
    course(api, title="Forklift", tags=["safety"])
    course(api, title="Reading", kind="reading", quantity="1")  # neither counts a book
    job = api.post(f"{V2}/activities", json={"kind": "job", "title": "Operator", "started_on":
                                             "2023-01-09", "fraction": "1"}).json
    proved = course(api, title="Proved", description="with a certificate")
    api.post(f"/activities/{proved['id']}/evidence",
             data={"file": (io.BytesIO(pdf_bytes()), "proof.pdf")})

    def titles(query: str) -> list[str]:
        return sorted(a["title"] for a in api.get(f"{V2}/activities?{query}").json["items"])

    assert titles("") == ["Forklift", "Operator", "Proved", "Reading"]
    assert titles("kind=training") == ["Forklift", "Proved"]
    assert titles("tag=safety") == ["Forklift"]
    assert titles("q=CERTIFICATE") == ["Proved"]
    assert titles(f"credential_id={cpt}") == ["Forklift", "Operator", "Proved"]
    assert titles("flag=missing_evidence") == ["Forklift", "Operator"]
    assert [c["category"] for c in job["counts"]] == ["E", "E"]
    reading = api.get(f"{V2}/activities?kind=reading").json["items"][0]
    assert where(reading) == [(cpt, "mssc-cpt", None, False, "0.00"),
                              (clt, "mssc-clt", None, False, "0.00")]


def test_the_kinds(api):
    by_code = {k["code"]: k for k in api.get(f"{V2}/kinds").json["items"]}
    assert (by_code["training"]["unit"]["plural"], by_code["training"]["step"]) == (
        "hours", "0.25")
    assert (by_code["job"]["shape"], by_code["job"]["fractions"]) == ("period", ["1", "0.5"])


def test_the_document_describes_both_versions(app):
    browser = app.test_client()
    document = browser.get("/api/v2/openapi.json").json
    assert document == browser.get("/api/v1/openapi.json").json
    assert browser.get("/api/v2/docs").status_code == 200
    paths = document["paths"]
    assert {"get", "post"} <= paths["/api/v2/activities"].keys()
    assert {"get", "patch", "delete"} <= paths["/api/v2/activities/{activity_id}"].keys()
    for path, method in (("/api/v1/credentials/{credential_id}/activities", "post"),
                         ("/api/v1/activities/{activity_id}", "get"),
                         ("/api/v1/activities/{activity_id}", "patch"),
                         ("/api/v1/activities/{activity_id}", "delete"),
                         ("/api/v1/activities/{activity_id}/restore", "post")):
        operation = paths[path][method]
        assert operation["deprecated"] is True and "200" not in operation["responses"]
        assert operation["responses"]["410"]["headers"]["Link"]["required"] is True
    kept = paths["/api/v1/credentials/{credential_id}/activities"]["get"]
    assert "deprecated" not in kept and "200" in kept["responses"]
