"""A person keeps at most 5,000 live activities, whatever the door: the form, the trash, the
API, the CSV import and the full import each refuse more in the same words. The limit is the
person's, not each credential's: an activity counts toward all of them."""

import io
import json

import pytest
from sqlalchemy import update

from tests.api.helpers import ApiClient, make_token, problem_of
from tests.helpers import AuthActions, export_of, insert_activities, log_activity, stored, submit
from tests.imports.helpers import HEADER, preview
from tracker.activities.validation import MAX_ACTIVITIES
from tracker.db import get_session
from tracker.models import Activity, utcnow

FULL = "You can keep at most 5,000 activities, and this would make 5,001."


@pytest.fixture
def full_cpt(app, cpt) -> int:
    """The CPT of a person with as many live activities as they may keep."""
    insert_activities(app, cpt, MAX_ACTIVITIES, with_files_every=MAX_ACTIVITIES)
    return cpt


def live_count(app) -> int:
    return sum(1 for a in stored(app, Activity) if a.deleted_at is None)


def test_the_form_refuses_one_more_and_says_how_to_make_room(app, user_client, full_cpt):
    response = log_activity(user_client, full_cpt)
    assert response.status_code == 200
    assert FULL in response.text and "Move ones you no longer need to the trash" in response.text
    assert live_count(app) == MAX_ACTIVITIES


def test_a_second_credential_gives_no_more_room(app, user_client, full_cpt):
    clt = submit(user_client, "/credentials/new/mssc-clt", {
        "certified_on": "2022-06-01", "module_cla": "y", "module_clt": "y"})
    assert clt.status_code == 302, clt.text
    clt_id = int(clt.headers["Location"].rsplit("/", 1)[-1])
    response = log_activity(user_client, clt_id)
    assert response.status_code == 200
    assert FULL in response.text
    assert live_count(app) == MAX_ACTIVITIES


def test_an_activity_in_the_trash_makes_room(app, user_client, full_cpt):
    first = stored(app, Activity)[0]
    assert submit(user_client, f"/activities/{first.id}/delete", {},
                  form_page=f"/activities/{first.id}").status_code == 302
    assert log_activity(user_client, full_cpt).status_code == 302
    assert live_count(app) == MAX_ACTIVITIES


def test_restoring_from_the_trash_is_refused_when_full(app, user_client, cpt):
    insert_activities(app, cpt, MAX_ACTIVITIES + 1, with_files_every=MAX_ACTIVITIES)
    first = stored(app, Activity)[0].id
    with app.app_context():
        session = get_session()
        session.execute(update(Activity).where(Activity.id == first).values(deleted_at=utcnow()))
        session.commit()
    response = submit(user_client, f"/trash/{first}/restore", {}, form_page="/trash/",
                      follow_redirects=True)
    assert FULL in response.text
    assert live_count(app) == MAX_ACTIVITIES


def test_the_api_refuses_one_more(app, user_client, full_cpt):
    api = ApiClient(app, make_token(user_client))
    body = problem_of(api.post("/api/v2/activities", json={
        "kind": "training", "title": "One more", "completed_on": "2024-05-01",
        "quantity": "2"}), 422)
    assert body["detail"] == FULL + " Move ones you no longer need to the trash to make room."
    assert live_count(app) == MAX_ACTIVITIES


def test_the_csv_import_refuses_a_file_that_would_overfill(app, user_client, full_cpt):
    response = preview(user_client, full_cpt, HEADER + "2024-05-01,training,One more,Acme,2\r\n")
    assert FULL in response.text
    assert 'name="upload"' not in response.text  # nothing to confirm
    assert live_count(app) == MAX_ACTIVITIES


def test_the_full_import_refuses_a_credential_over_the_limit(app, full_cpt):
    document = export_of(app)
    activities = document["activities"]
    activities.append({**activities[-1], "id": max(a["id"] for a in activities) + 1})
    newcomer = app.test_client()
    AuthActions(newcomer).register(email="sam@example.com", name="Sam")
    response = submit(newcomer, "/account/import", {
        "file": (io.BytesIO(json.dumps(document).encode()), "export.json")},
        content_type="multipart/form-data")
    assert FULL in response.text
    assert live_count(app) == MAX_ACTIVITIES
