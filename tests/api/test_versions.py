"""A change says which version it starts from: the ETag of one activity or credential goes
back in If-Match (or `version` in the body); without either, 428; from a stale one, 409."""

import pytest

from tests.api.helpers import course, problem_of


@pytest.fixture(params=["activity", "credential"])
def thing(request, api, credential_id) -> tuple[str, dict]:
    """The address of an activity or a credential, and a change to make to it."""
    if request.param == "activity":
        return f"/activities/{course(api, credential_id)['id']}", {"title": "Renamed"}
    return f"/credentials/{credential_id}", {"certificate_number": "CPT-9"}


def test_one_object_is_answered_with_its_version_as_etag(api, thing):
    url, _change = thing
    read = api.get(url)
    assert read.headers["ETag"] == f'"{read.json["version"]}"'


def test_a_change_that_says_no_version_is_refused_with_428(api, thing):
    url, change = thing
    before = api.get(url).json
    refused = problem_of(api.patch(url, json=change), 428)
    assert "If-Match" in refused["detail"] and "version" in refused["detail"]
    assert api.get(url).json == before  # nothing saved


def test_if_match_with_the_etag_changes_it_and_gives_the_next_etag(api, thing):
    url, change = thing
    tag = api.get(url).headers["ETag"]
    changed = api.patch(url, json=change, headers={"If-Match": tag})
    assert changed.status_code == 200, changed.text
    assert changed.headers["ETag"] == f'"{changed.json["version"]}"' != tag
    assert changed.json.items() >= change.items()
    stale = api.patch(url, json=change, headers={"If-Match": tag})
    assert "changed meanwhile" in problem_of(stale, 409)["detail"]
    # The version in the body counts too: a stale one is refused beside a fresh If-Match.
    both = api.patch(url, json={**change, "version": 1},
                     headers={"If-Match": changed.headers["ETag"]})
    problem_of(both, 409)
    assert api.patch(url, json={**change, "version": changed.json["version"]}
                     ).status_code == 200


def test_if_match_star_changes_any_version_on_purpose(api, thing):
    url, change = thing
    assert api.patch(url, json=change, headers={"If-Match": "*"}).status_code == 200


@pytest.mark.parametrize("tag", ['"yesterday"', '"\u00b2"', '"' + "9" * 5000 + '"'])
def test_an_if_match_that_is_no_etag_of_ours(api, thing, tag):
    url, change = thing
    odd = api.patch(url, json=change, headers={"If-Match": tag})
    assert problem_of(odd, 422)["errors"] == {
        "If-Match": ['Send the ETag you read, like "3", or * to change any version.']}


def test_made_and_restored_objects_carry_their_etag(api, credential_id):
    made = api.post(f"/credentials/{credential_id}/activities", json={
        "category": "CE-TRAINING", "title": "Course", "completed_on": "2024-05-01",
        "quantity": "2"})
    assert made.headers["ETag"] == f'"{made.json["version"]}"'
    url = f"/activities/{made.json['id']}"
    assert api.delete(url).status_code == 204
    restored = api.post(f"{url}/restore")
    assert restored.headers["ETag"] == f'"{restored.json["version"]}"'


def test_the_document_says_so(app):
    paths = app.test_client().get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/activities/{activity_id}", "/api/v1/credentials/{credential_id}"):
        patch = paths[path]["patch"]
        assert "428" in patch["responses"] and "409" in patch["responses"]
        assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])
        for operation in (patch, paths[path]["get"]):
            assert "ETag" in operation["responses"]["200"]["headers"]
