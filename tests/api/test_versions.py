"""A change says which version it starts from: the ETag of one activity or credential goes
back in If-Match (or `version` in the body); without either, 428; a stale If-Match is a
failed precondition (412), a stale `version` a conflict (409). A read answers 304 to an
If-None-Match that holds its ETag."""

import hashlib

import pytest

from tests.api.helpers import V2, count_of, course, problem_of
from tracker.api import activity_v2_views


@pytest.fixture(params=["activity", "credential"])
def thing(request, api, credential_id) -> tuple[str, dict]:
    """The address of an activity or a credential, and a change to make to it."""
    if request.param == "activity":
        return f"{V2}/activities/{course(api, credential_id)['id']}", {"title": "Renamed"}
    return f"/credentials/{credential_id}", {"certificate_number": "CPT-9"}


def etag_of(answer) -> str:
    """The ETag an answer should carry: its version, then a digest of its body."""
    return f'"{answer.json["version"]}.{hashlib.sha256(answer.data).hexdigest()[:12]}"'


def test_one_object_is_answered_with_its_version_and_digest_as_etag(api, thing):
    url, change = thing
    read = api.get(url)
    assert read.headers["ETag"] == etag_of(read)
    # If-Match reads only the version: the version alone, as in `version`, is enough.
    assert api.patch(url, json=change, headers={"If-Match": f'"{read.json["version"]}"'}
                     ).status_code == 200


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
    assert changed.headers["ETag"] == etag_of(changed) != tag
    assert changed.json.items() >= change.items()
    stale = problem_of(api.patch(url, json=change, headers={"If-Match": tag}), 412)
    # The problem shows both versions: the stored one and the one sent.
    assert "changed meanwhile" in stale["detail"]
    assert f'version {changed.json["version"]} now' in stale["detail"] and tag in stale["detail"]
    # The version in the body counts too: a stale one is refused beside a fresh If-Match.
    both = api.patch(url, json={**change, "version": 1},
                     headers={"If-Match": changed.headers["ETag"]})
    assert "you sent version 1" in problem_of(both, 409)["detail"]
    assert api.patch(url, json={**change, "version": changed.json["version"]}
                     ).status_code == 200


def test_if_match_star_changes_any_version_on_purpose(api, thing):
    url, change = thing
    assert api.patch(url, json=change, headers={"If-Match": "*"}).status_code == 200


def test_if_match_compares_strongly_and_if_none_match_weakly(api, thing):
    url, change = thing
    read = api.get(url)
    weak = "W/" + read.headers["ETag"]
    assert api.get(url, headers={"If-None-Match": weak}).status_code == 304
    # RFC 9110: a weak tag never matches for If-Match, even beside the right version's.
    problem_of(api.patch(url, json=change, headers={"If-Match": weak}), 412)
    assert api.patch(url, json=change, headers={"If-Match": f'{weak}, {read.headers["ETag"]}'}
                     ).status_code == 200
    assert api.get(url).json["version"] == read.json["version"] + 1


@pytest.mark.parametrize("tag", ['"yesterday"', '"\u00b2"', '"' + "9" * 5000 + '"'])
def test_an_if_match_that_is_no_etag_of_ours_fails_the_precondition(api, thing, tag):
    url, change = thing
    before = api.get(url).json
    odd = problem_of(api.patch(url, json=change, headers={"If-Match": tag}), 412)
    assert f'version {before["version"]} now' in odd["detail"] and len(odd["detail"]) < 400
    assert api.get(url).json == before  # nothing saved


def test_a_read_answers_304_while_if_none_match_holds_its_etag(api, thing):
    url, change = thing
    tag = api.get(url).headers["ETag"]
    for held in (tag, f'"0", {tag}', "*"):
        same = api.get(url, headers={"If-None-Match": held})
        assert (same.status_code, same.data, same.headers["ETag"]) == (304, b"", tag)
    assert api.patch(url, json=change, headers={"If-Match": tag}).status_code == 200
    changed = api.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag


def test_made_and_restored_objects_carry_their_etag(api, credential_id):
    made = api.post(f"{V2}/activities", json={
        "kind": "training", "title": "Course", "completed_on": "2024-05-01", "quantity": "2"})
    assert made.headers["ETag"] == etag_of(made)
    url = f"{V2}/activities/{made.json['id']}"
    assert api.delete(url).status_code == 204
    restored = api.post(f"{url}/restore")
    assert restored.headers["ETag"] == etag_of(restored)


def test_a_read_is_not_304_when_its_figures_changed_but_its_version_did_not(api, credential_id):
    """Volunteering counts at most 20 points, in date order: an earlier one logged later
    takes points from this one, whose own fields (and version) stay as they were."""
    later = course(api, credential_id, category="X", title="Food bank", quantity="15",
                   completed_on="2025-06-01")
    url = f"{V2}/activities/{later['id']}"
    read = api.get(url)
    assert count_of(read.json, credential_id)["counted"] == "15.00"
    course(api, credential_id, category="X", title="Park clean-up", quantity="10",
           completed_on="2024-06-01")
    again = api.get(url, headers={"If-None-Match": read.headers["ETag"]})
    assert again.status_code == 200, "a 304 would hide the new figures"
    assert again.json["version"] == read.json["version"]
    assert count_of(again.json, credential_id)["counted"] == "10.00"


def test_the_document_says_so(app):
    paths = app.test_client().get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v2/activities/{activity_id}", "/api/v1/credentials/{credential_id}"):
        patch = paths[path]["patch"]
        assert {"409", "412", "428"} <= patch["responses"].keys()
        assert "304" in paths[path]["get"]["responses"]
        assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])
        for operation in (patch, paths[path]["get"]):
            assert "ETag" in operation["responses"]["200"]["headers"]


def test_a_change_that_loses_a_race_after_its_if_match_held_is_412(api, credential_id,
                                                                    monkeypatch):
    url = f"{V2}/activities/{course(api, credential_id)['id']}"
    check = activity_v2_views.activity_values

    def someone_saves_meanwhile(*args):
        # Another client saves after this change's If-Match was checked, before it saves.
        monkeypatch.setattr(activity_v2_views, "activity_values", check)
        assert api.patch(url, json={"title": "Theirs"}, headers={"If-Match": '"1"'}
                         ).status_code == 200
        return check(*args)

    monkeypatch.setattr(activity_v2_views, "activity_values", someone_saves_meanwhile)
    lost = problem_of(api.patch(url, json={"title": "Mine"}, headers={"If-Match": '"1"'}), 412)
    assert "changed meanwhile" in lost["detail"]
    assert api.get(url).json["title"] == "Theirs"
