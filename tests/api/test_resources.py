"""The API's resources: rule sets, credentials, activities (filters, cursor pages, trash),
evidence, reports, and the same checks and messages as the web forms."""

import html
import io
import re
from datetime import date

import pytest

from tests.api.helpers import CPT, V2, count_of, course, problem_of
from tests.helpers import EXE_BYTES, image_bytes, log_activity, pdf_bytes, submit
from tracker.reports.export import FORMAT_VERSION
from tracker.rules import load_catalog


def test_rule_sets_list_and_one(api):
    items = api.get("/rulesets").json["items"]
    assert {r["code"] for r in items} >= {"mssc-cpt", "pmi-pmp", "isc2-cissp"}
    cpt = api.get("/rulesets/mssc-cpt").json
    assert (cpt["points_required"], cpt["cycle_years"], cpt["version"]) == ("100", 5, "2026.1")
    by_code = {c["code"]: c for c in cpt["categories"]}
    assert (by_code["X"]["cap"], by_code["X"]["points_per_unit"], by_code["X"]["step"]) == \
        ("20", "1", "0.25")
    assert by_code["E"]["fractions"] == ["1", "0.5"] and by_code["E"]["kind"] == "period"
    assert by_code["CE-TRAINING"]["kinds"] == [{"kind": "training", "per_unit": "1"},
                                               {"kind": "conference", "per_unit": "1"}]
    assert api.get("/rulesets/mssc-cpt?version=2026.1").status_code == 200
    problem_of(api.get("/rulesets/nope"), 404)
    problem_of(api.get("/rulesets/mssc-cpt?version=1999.1"), 404)


def test_credentials_read_change_and_delete(api, credential_id):
    [held] = api.get("/credentials").json["items"]
    assert held["id"] == credential_id and held["cycles"][0]["ends_on"] == "2027-03-15"
    changed = api.patch(f"/credentials/{credential_id}",
                        json={"certified_on": "2022-04-01", "certificate_number": "CPT-1",
                              "version": held["version"]})
    assert changed.status_code == 200, changed.text
    assert changed.json["cycles"][0]["starts_on"] == "2022-04-01"
    assert changed.json["modules"] == held["modules"]  # not sent: kept
    stale = api.patch(f"/credentials/{credential_id}",
                      json={"certificate_number": "CPT-2", "version": held["version"]})
    assert "changed meanwhile" in problem_of(stale, 409)["detail"]
    again = api.post("/credentials", json=CPT)
    assert "already hold" in problem_of(again, 409)["detail"]
    assert api.delete(f"/credentials/{credential_id}").status_code == 204
    assert api.get("/credentials").json["items"] == []
    problem_of(api.get(f"/credentials/{credential_id}"), 404)


def test_activities_filter_and_page_with_a_cursor(api, credential_id):
    for n in range(7):
        course(api, credential_id, title=f"Course {n}", completed_on=f"2024-0{n + 1}-10",
               tags=["safety"] if n % 2 else [], description="forklift" if n == 3 else "")
    seen, cursor = [], None
    while True:
        page = api.get(f"/credentials/{credential_id}/activities?limit=3"
                       + (f"&cursor={cursor}" if cursor else "")).json
        assert page["total"] == 7 and page["counted"] == "14.00"
        seen += [a["title"] for a in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"Course {n}" for n in reversed(range(7))]  # newest first, none twice
    oldest = api.get(f"/credentials/{credential_id}/activities?sort=oldest&limit=2").json
    assert [a["title"] for a in oldest["items"]] == ["Course 0", "Course 1"]
    tagged = api.get(f"/credentials/{credential_id}/activities?tag=safety").json
    assert tagged["total"] == 3
    found = api.get(f"/credentials/{credential_id}/activities?q=FORKLIFT").json
    assert [a["title"] for a in found["items"]] == ["Course 3"]
    assert api.get(f"/credentials/{credential_id}/activities?category=IC").json["total"] == 0
    bad = api.get(f"/credentials/{credential_id}/activities?cursor=nonsense")
    assert "cursor" in problem_of(bad, 422)["errors"]
    assert "flag" in problem_of(
        api.get(f"/credentials/{credential_id}/activities?flag=odd"), 422)["errors"]


def test_an_activity_changes_goes_to_the_trash_and_comes_back(api, credential_id):
    made = course(api, credential_id)
    url = f"{V2}/activities/{made['id']}"
    changed = api.patch(url, json={"quantity": 3.5, "version": made["version"]})
    assert changed.status_code == 200, changed.text
    assert (changed.json["quantity"], count_of(changed.json, credential_id)["counted"]) == \
        ("3.5", "3.50")
    stale = api.patch(url, json={"title": "Late", "version": made["version"]})
    problem_of(stale, 409)
    assert api.get(url).json["title"] == "Course"
    assert api.delete(url).status_code == 204
    problem_of(api.get(url), 404)
    assert api.get(f"/credentials/{credential_id}/activities").json["total"] == 0
    assert api.get(f"{V2}/activities").json["total"] == 0
    restored = api.post(f"{url}/restore")
    assert restored.status_code == 200
    assert count_of(restored.json, credential_id)["counted"] == "3.50"
    problem_of(api.post(f"{url}/restore"), 404)  # no longer in the trash


def test_a_job_still_going_on(api, credential_id):
    job = api.post(f"{V2}/activities", json={
        "kind": "job", "title": "Operator", "started_on": "2024-11-24", "fraction": "0.5"})
    assert job.status_code == 201, job.text
    assert job.json["completed_on"] is None
    counted = count_of(job.json, credential_id)
    assert (counted["category"], counted["months"], counted["counted"]) == ("E", 24, "12.00")


MISSING = object()  # a field left out of the API's body (an empty box on the web form)
CHOICE = object()  # stands for the credential's id, as a key of `counting`
BAD_ACTIVITIES = [
    {"title": "  "},
    {"title": MISSING},
    {"title": None},
    {"kind": MISSING},
    {"kind": ""},
    {"kind": "NOPE"},
    {"quantity": "10.3"},
    {"quantity": "1.234"},
    {"quantity": "-2"},
    {"quantity": MISSING},
    {"tags": ["no-such-skill"]},
    {"completed_on": None},
    {"completed_on": "2024-02-30"},
    {"title": "x" * 201},
    {"kind": "job", "started_on": "2025-01-01", "completed_on": "2027-01-01",
     "fraction": "0.7"},
    {"kind": "job", "started_on": MISSING, "fraction": "0.123"},
    {"counting": {CHOICE: "IC"}},
    {"counting": {CHOICE: "NOPE"}},
    {"kind": "reading", "counting": {CHOICE: "CE-TRAINING"}},
]


def web_errors(page: str) -> dict[str, str]:
    """The web form's message under each field (by the field's id; the skills' fieldset
    has the only one without)."""
    return {name or "tags": html.unescape(text) for name, text in re.findall(
        r'<small (?:id="([\w-]+)-help" )?class="field-error">([^<]*)</small>', page)}


@pytest.mark.parametrize("change", BAD_ACTIVITIES)
def test_activity_input_gets_the_web_forms_messages(api, user_client, credential_id, change):
    entry = {"kind": "training", "title": "Course", "completed_on": "2024-05-01",
             "quantity": "2", **change}
    counting = {str(credential_id): choice for choice in entry.pop("counting", {}).values()}
    sent = {name: value for name, value in entry.items() if value is not MISSING}
    errors = problem_of(api.post(f"{V2}/activities", json={**sent, "counting": counting}),
                        422)["errors"]
    # The web form says the same, word for word, about the same input.
    web = {name: "" if value in (None, MISSING) else value for name, value in entry.items()}
    if web["kind"] == "job":
        web["ended_on"] = web.pop("completed_on")
    web.setdefault("started_on", "")
    web.setdefault("fraction", "")
    web.update({f"count_{key}": choice for key, choice in counting.items()})
    said = web_errors(log_activity(user_client, credential_id, **web).text)
    names = {"completed_on": "ended_on"} if web["kind"] == "job" else {}
    names[f"counting.{credential_id}"] = f"count_{credential_id}"
    if not web["kind"]:  # the form shows its kinds as cards; the API names their codes
        assert said.pop("kind") == "Choose what you did."
        assert " ".join(errors.pop("kind")).startswith(
            "Choose what kind of activity this is: training (Training course or workshop);")
    assert {names.get(name, name): " ".join(messages) for name, messages in errors.items()} \
        == said
    assert api.get(f"{V2}/activities").json["total"] == 0


def test_the_document_allows_null_only_where_the_server_takes_it(app, api, credential_id):
    schemas = app.test_client().get("/api/v1/openapi.json").json["components"]["schemas"]
    for model, names in (("ActivityInV2", ("kind", "title")), ("ActivityChangeV2", ("kind",
                         "title")), ("CredentialIn", ("ruleset", "certified_on")),
                         ("CredentialChange", ("certified_on",)), ("ModuleIn", ("code",))):
        for name in names:
            field = schemas[model]["properties"][name]
            assert field["type"] == "string" and "default" not in field, (model, name)
    url = f"{V2}/activities/{course(api, credential_id)['id']}"
    for name, said in (("title", "Give the activity a title."), ("kind", "Choose")):
        refused = problem_of(api.patch(url, json={name: None}, headers={"If-Match": "*"}), 422)
        assert list(refused["errors"]) == [name] and said in refused["errors"][name][0]
    # Null where the document allows it: an empty provider; `counting` null changes nothing.
    cleared = api.patch(url, json={"provider": None, "counting": None},
                        headers={"If-Match": "*"})
    assert cleared.status_code == 200 and cleared.json["provider"] == ""
    assert {"type": "null"} in schemas["ActivityChangeV2"]["properties"]["provider"]["anyOf"]


def test_credential_input_gets_the_web_forms_messages(app, api, user_client):
    app.config["TODAY"] = date(2026, 11, 24)
    bad = {**CPT, "certified_on": "2027-01-01", "certificate_number": "no!",
           "modules": [{"code": "safety", "passed_on": "2027-01-01"}, {"code": "cooking"}]}
    errors = problem_of(api.post("/credentials", json=bad), 422)["errors"]
    assert set(errors) == {"certified_on", "certificate_number", "modules.0.passed_on",
                           "modules.1.code"}
    page = html.unescape(submit(user_client, "/credentials/new/mssc-cpt", {
        "certified_on": "2027-01-01", "certificate_number": "no!", "module_safety": "y",
        "module_safety_on": "2027-01-01"}).text)
    for name in ("certified_on", "certificate_number", "modules.0.passed_on"):
        for message in errors[name]:
            assert message in page, message
    shape = problem_of(api.post("/credentials", json={"ruleset": "mssc-cpt",
                                                      "certified_on": "15/03/2022",
                                                      "extra": 1}), 422)["errors"]
    assert shape == {"certified_on": ["Enter a date like 2024-03-15."],
                     "extra": ["This field is not known. Check its name."]}
    problem_of(api.post("/credentials", data="not json"), 422)


def test_a_credential_without_its_date_or_rule_set_gets_the_forms_words(app, api, user_client):
    app.config["TODAY"] = date(2026, 11, 24)
    errors = problem_of(api.post("/credentials", json={"ruleset": "mssc-cpt",
                                                       "modules": [{}]}), 422)["errors"]
    said = web_errors(submit(user_client, "/credentials/new/mssc-cpt", {}).text)
    assert errors["certified_on"] == [said["certified_on"]] == [
        "Enter the date you were certified."]
    assert errors["modules.0.code"][0].startswith("Give the module's code. Choose from: safety")
    for ruleset, wrong in (({}, "Give the rule set's code."),
                           ({"ruleset": "cpt"}, "“cpt” is not a rule set.")):
        errors = problem_of(api.post("/credentials", json={"certified_on": "2022-03-15",
                                                           **ruleset}), 422)["errors"]
        codes = ", ".join(load_catalog().codes())
        assert codes.split(", ") == sorted(codes.split(", ")) and "mssc-clt, mssc-cpt" in codes
        assert errors == {"ruleset": [f"{wrong} Choose from: {codes}."]}


def test_proof_files_upload_list_download_and_remove(app, api, credential_id):
    activity = course(api, credential_id)
    url = f"/activities/{activity['id']}/evidence"
    sent = api.post(url, data={"file": (io.BytesIO(pdf_bytes()), "certificate.pdf")})
    assert sent.status_code == 201, sent.text
    assert (sent.json["filename"], sent.json["content_type"]) == ("certificate.pdf",
                                                                  "application/pdf")
    [listed] = api.get(url).json["items"]
    assert listed == sent.json
    download = api.get(f"/evidence/{listed['id']}")
    assert download.data == pdf_bytes()
    assert download.headers["Content-Disposition"].startswith("attachment")
    read = api.get(f"{V2}/activities/{activity['id']}").json
    assert count_of(read, credential_id)["flags"] == []
    assert read["files"] == [listed]
    wrong = api.post(url, data={"file": (io.BytesIO(EXE_BYTES), "tool.pdf")})
    refusal = problem_of(wrong, 422)["errors"]["file"][0]
    assert "is not a PDF, PNG, JPEG, WebP or HEIC file" in refusal
    assert "file" in problem_of(api.post(url, data={}), 422)["errors"]
    assert api.delete(f"/evidence/{listed['id']}").status_code == 204
    assert api.get(url).json["items"] == []


def test_a_sixth_file_and_a_large_file_are_refused(app, api, credential_id):
    url = f"/activities/{course(api, credential_id)['id']}/evidence"
    for n in range(5):
        assert api.post(url, data={"file": (io.BytesIO(image_bytes()), f"{n}.png")}
                        ).status_code == 201
    sixth = api.post(url, data={"file": (io.BytesIO(image_bytes()), "6.png")})
    assert problem_of(sixth, 422)["errors"]["file"] == [
        "An activity can have at most 5 files; it has 5 already."]
    app.config["MAX_UPLOAD_BYTES"] = 1024
    other = f"/activities/{course(api, credential_id)['id']}/evidence"
    large = api.post(other, data={"file": (io.BytesIO(pdf_bytes() + b"\0" * 2048), "big.pdf")})
    assert "larger than" in problem_of(large, 413)["detail"]
    app.config["MAX_CONTENT_LENGTH"] = 4096
    huge = api.post(other, data={"file": (io.BytesIO(b"%PDF" + b"\0" * 8192), "huge.pdf")})
    problem_of(huge, 413)


def test_reports_download(app, api, credential_id):
    course(api, credential_id)
    checks = {"report.pdf": ("application/pdf", b"%PDF"), "activities.csv": ("text/csv", b"\xef"),
              "packet.zip": ("application/zip", b"PK")}
    for name, (mimetype, starts) in checks.items():
        response = api.get(f"/credentials/{credential_id}/{name}")
        assert response.status_code == 200, name
        assert response.mimetype == mimetype
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.data.startswith(starts), name
    cycle_id = api.get(f"/credentials/{credential_id}").json["cycles"][0]["id"]
    assert api.get(f"/credentials/{credential_id}/activities.csv?cycle_id={cycle_id}"
                   ).status_code == 200
    export = api.get("/export.json")
    assert export.mimetype == "application/json"
    assert export.json["format_version"] == FORMAT_VERSION


def test_the_csv_says_its_charset_once(api, user_client, credential_id):
    course(api, credential_id)
    from_api = api.get(f"/credentials/{credential_id}/activities.csv")
    from_web = user_client.get(f"/credentials/{credential_id}/activities.csv")
    for response in (from_api, from_web):
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert from_api.data == from_web.data


def test_errors_outside_the_routes_are_problems_too(api):
    problem_of(api.get("/no-such-thing"), 404)
    wrong_method = api.request("PUT", "/credentials")
    problem_of(wrong_method, 405)
    assert "GET" in wrong_method.headers["Allow"]
    for method in ("GET", "PATCH", "DELETE", "POST"):  # beyond any id: no such address
        problem_of(api.request(method, "/activities/99999999999"), 404)
    problem_of(api.request("POST", "/activities/1"), 405)  # a real 405 still is one


def test_the_document_and_its_page(app):
    browser = app.test_client()
    document = browser.get("/api/v1/openapi.json")
    assert document.status_code == 200 and document.json["info"]["title"] == "Recert API"
    page = browser.get("/api/v1/docs")
    assert page.status_code == 200
    text = page.text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in text
    assert "<script>" not in text and " on" not in text.split("<body>")[1].split(">")[0]
    for source in ("http://", "https://", "//cdn"):
        assert f'src="{source}' not in text and f'href="{source}' not in text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    for asset in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css",
                  "vendor/swagger-ui/LICENSE", "api-docs.js"):
        response = browser.get(f"/static/{asset}")
        assert response.status_code == 200, asset
        response.close()
