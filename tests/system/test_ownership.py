"""No one reaches another person's objects: every route with an object id answers 404.

The routes come from the app's URL map, so a new route with an id is checked without
anyone remembering to add it here: every argument of every rule needs one of the victim's
real objects (or the rule a reason to be left out), or the test fails.
"""


import pytest
from sqlmodel import select

from tests.api.helpers import make_token
from tests.helpers import (
    AuthActions,
    add_cpt,
    assert_sound_page,
    csrf_token,
    image_bytes,
    log_activity,
    snapshot,
    submit,
)
from tests.proofs.drafts import make_draft
from tests.system.routes import routes_with_arguments, url_with
from tracker.db import get_session
from tracker.models import ApiToken, Cycle, Evidence, LoginSession, Passkey, User

# Rules whose arguments name nothing anyone owns, and why (the API's: tests/api/test_ownership.py).
NOT_OWNED = {
    "static": "the app's own stylesheets and scripts",
    "credentials.new": "a rule set's code, the same for everyone",
    "how_points.page": "a rule set's code: how its points work, public",
    "reminders.calendar_feed": "a secret address: whoever has it may read that calendar",
    # Emailed links: the signed token names its account (tests/auth, tests/account).
    "registration.verify": "an emailed link: whoever has it may confirm that address",
    "password_reset.reset": "an emailed link: whoever has it may set that password",
    "account.confirm_email": "an emailed link; it refuses another account's login",
}


# The API answers tokens, not logins: tests/api/test_ownership.py checks it.
ROUTES = routes_with_arguments(api=False, not_owned=NOT_OWNED)


def test_the_matrix_covers_every_kind_of_object():
    rules = {rule for rule, _method in ROUTES}
    assert {"/credentials/<int:credential_id>", "/activities/<int:activity_id>",
            "/evidence/<int:evidence_id>",
            "/credentials/<int:credential_id>/cycles/<int:cycle_id>/report.pdf",
            "/account/tokens/<int:token_id>/revoke", "/inbox/<int:draft_id>/save"} <= rules


@pytest.fixture
def victims_objects(app, client):
    """Another person's credential, cycle, a live activity with a file, a trashed activity, an
    API token, a logged-in browser and a draft of the proof inbox (a photo, with its preview)."""
    AuthActions(client).register(email="victim@example.com", name="Victim")
    credential_id = add_cpt(client)
    live = log_activity(client, credential_id, files=[("proof.png", image_bytes())])
    trashed = log_activity(client, credential_id, title="Trashed")
    trashed_location = trashed.headers["Location"]
    submit(client, f"{trashed_location}/delete", {}, form_page=trashed_location)
    make_token(client)
    with app.app_context():
        session = get_session()
        evidence_id = session.exec(select(Evidence.id)).one()
        cycle_id = session.exec(select(Cycle.id)).one()
        token_id = session.exec(select(ApiToken.id)).one()
        login_id = session.exec(select(LoginSession.id)).one()  # the victim's browser
        passkey = Passkey(user_id=session.exec(select(ApiToken.user_id)).one(), name="Phone",
                          credential_id=b"victim", public_key=b"key")
        session.add(passkey)
        session.commit()
        photo = session.exec(select(Evidence)).one()
        draft = make_draft(session, session.get(User, passkey.user_id), filename=photo.filename,
                           content_type=photo.content_type, size=photo.size,
                           sha256=photo.sha256, data=photo.data, preview=photo.preview)
    return {
        "credential_id": credential_id,
        "activity_id": int(live.headers["Location"].rsplit("/", 1)[-1]),
        "trashed_activity_id": int(trashed_location.rsplit("/", 1)[-1]),
        "evidence_id": evidence_id,
        "cycle_id": cycle_id,
        "token_id": token_id,
        "login_id": login_id,
        "passkey_id": passkey.id,
        "draft_id": draft.id,
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
    url = url_with(rule, arguments)
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
        before = snapshot(app)
        response = intruder.post(url, data={"csrf_token": token, "title": "Hacked",
                                            "kind": "training", "quantity": "1",
                                            "completed_on": "2024-01-01",
                                            "certified_on": "2020-01-01"})
        assert snapshot(app) == before, f"{method} {url} changed something"
    assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
