"""A POST sent again with the same Idempotency-Key saves once and gets the first answer."""

import io
import threading
from datetime import timedelta

from sqlalchemy import update

from tests.api.helpers import CPT, V2, ApiClient, make_token, problem_of
from tests.helpers import AuthActions, image_bytes, stored
from tests.system.test_faults import UNCONFIRMED, commit_killed
from tracker.db import get_session
from tracker.models import Activity, Evidence, SavedRequest, utcnow

COURSE = {"kind": "training", "title": "Lean basics", "completed_on": "2024-05-01",
          "quantity": "2"}
KEY = {"Idempotency-Key": "5f0c8a8e-7c1e-4c5e-9a36-1d2b0e6f4a11"}


def activities(app) -> list[Activity]:
    return stored(app, Activity)


def log(api, credential_id, headers=KEY, **changes):
    """Log the course through /api/v2 (for a person who holds `credential_id`)."""
    return api.post(f"{V2}/activities", json={**COURSE, **changes}, headers=headers)


def test_the_same_key_saves_once_and_answers_as_the_first_time(app, api, credential_id):
    first = log(api, credential_id)
    again = log(api, credential_id)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert [a.title for a in activities(app)] == ["Lean basics"]


def test_the_same_body_built_again_in_another_order_is_the_same_request(
        app, api, credential_id):
    first = api.post(f"{V2}/activities", headers=KEY,
                     data='{"title": "Lean basics", "kind": "training", '
                          '"quantity": "2", "completed_on": "2024-05-01"}',
                     content_type="application/json")
    again = log(api, credential_id)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(activities(app)) == 1


def test_without_a_key_or_with_a_new_key_each_request_saves(app, api, credential_id):
    log(api, credential_id, headers={})
    log(api, credential_id, headers={})
    log(api, credential_id, headers={"Idempotency-Key": "one"})
    log(api, credential_id, headers={"Idempotency-Key": "two"})
    assert len(activities(app)) == 4


def test_the_same_key_with_another_request_is_refused_and_saves_nothing(
        app, api, credential_id):
    log(api, credential_id)
    body = problem_of(log(api, credential_id, title="Six Sigma"), 422)
    assert "another request" in body["detail"]
    assert [a.title for a in activities(app)] == ["Lean basics"]


def test_a_key_is_kept_for_24_hours(app, api, credential_id):
    log(api, credential_id)
    with app.app_context():
        session = get_session()
        session.execute(update(SavedRequest).values(
            created_at=utcnow() - timedelta(hours=24, minutes=1)))
        session.commit()
    assert "Idempotent-Replayed" not in log(api, credential_id, title="Six Sigma").headers
    assert [a.title for a in activities(app)] == ["Lean basics", "Six Sigma"]
    assert len(stored(app, SavedRequest)) == 1  # the expired key went when it was used again


def test_keys_are_each_persons_own(app, api, credential_id):
    other_client = app.test_client()
    AuthActions(other_client).register(email="sam@example.com", name="Sam")
    other = ApiClient(app, make_token(other_client))
    other_cpt = other.post("/credentials", json=CPT).json["id"]
    log(api, credential_id)
    answer = log(other, other_cpt)
    assert answer.status_code == 201 and "Idempotent-Replayed" not in answer.headers
    assert len(activities(app)) == 2


def test_a_refused_request_keeps_no_key(app, api, credential_id):
    """Nothing was saved, so the same key may carry the corrected request."""
    problem_of(log(api, credential_id, quantity="-3"), 422)
    assert log(api, credential_id).status_code == 201
    assert len(activities(app)) == 1


def test_a_key_too_long_is_refused(api, credential_id):
    body = problem_of(log(api, credential_id, headers={"Idempotency-Key": "k" * 256}), 422)
    assert "Idempotency-Key" in str(body["errors"])


def test_every_post_takes_the_key(app, api, credential_id):
    """Credentials, restores and proof files too; a file sent again with a new multipart
    boundary is the same request."""
    other_rules = api.post("/credentials", json={"ruleset": "pmi-pmp", "certified_on":
                                                 "2024-01-10"}, headers=KEY)
    assert api.post("/credentials", json={"ruleset": "pmi-pmp", "certified_on": "2024-01-10"},
                    headers=KEY).json == other_rules.json
    activity = log(api, credential_id, headers={}).json["id"]
    png = image_bytes("png")
    for _ in range(2):
        upload = api.post(f"/activities/{activity}/evidence", headers={"Idempotency-Key": "f"},
                          data={"file": (io.BytesIO(png), "card.png")},
                          content_type="multipart/form-data")
        assert upload.status_code == 201
    assert len(stored(app, Evidence)) == 1
    assert api.delete(f"{V2}/activities/{activity}").status_code == 204
    restores = [api.post(f"{V2}/activities/{activity}/restore",
                         headers={"Idempotency-Key": "r"}) for _ in range(2)]
    assert [r.status_code for r in restores] == [200, 200]
    assert restores[1].json == restores[0].json


def test_two_requests_with_the_same_key_at_once_save_once(app, api, credential_id):
    answers = []

    def send():
        answers.append(log(ApiClient(app, api.token), credential_id))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201] * 4
    assert len({a.json["id"] for a in answers}) == 1
    assert len(activities(app)) == 1


def test_a_retry_after_an_unconfirmed_save_saves_once(app, api, credential_id, database_url):
    """The audit's finding: the answer to a save was lost with the connection; the client
    sends it again with the same key and gets exactly one activity."""
    with commit_killed(app, database_url):
        lost = log(api, credential_id)
    assert lost.status_code == 503 and UNCONFIRMED in lost.json["detail"]
    retried = [log(api, credential_id) for _ in range(2)]
    assert [r.status_code for r in retried] == [201, 201]
    assert len(activities(app)) == 1
