"""Every state-changing route refuses a request without a valid CSRF token, and changes nothing.

The routes come from the app's URL map (as in test_ownership.py), so a new POST, PUT, PATCH
or DELETE route is checked without anyone remembering to add it here. The URLs are filled
with the person's own real objects, so the 400 is the token's doing, not a missing object's.
The JSON API (/api/) is the one exception: it takes no cookies at all, only a bearer token,
so a browser's login cannot be borrowed there; it answers 401 to the same request instead.
"""

import pytest
from flask import url_for
from sqlmodel import select

from tests.helpers import (
    PASSWORD,
    AuthActions,
    add_cpt,
    csrf_token,
    image_bytes,
    link_token,
    log_activity,
    snapshot,
    submit,
)
from tests.proofs.drafts import make_draft
from tracker import create_app
from tracker.account import tokens
from tracker.db import get_session
from tracker.models import Cycle, Evidence, LoginSession, Passkey, User

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
API_BLUEPRINT = "api"  # CSRF-exempt: bearer tokens only (tracker/api/auth.py)
EXPIRED = "This form has expired or did not come from this site."
# URL arguments that are not object ids, per endpoint.
CODES = {"credentials.new": {"code": "mssc-cpt"},
         "dashboard.dismiss_reminder": {"code": "days-180"}}
# What a form might ask for: enough that, with a good token, most routes would change things.
FORM = {"title": "Changed", "kind": "training", "quantity": "1",
        "completed_on": "2024-01-01", "certified_on": "2020-01-01", "email": "new@example.com",
        "display_name": "Someone", "current_password": PASSWORD, "password": "a new sentence here",
        "confirm": "a new sentence here"}


def state_changing_routes() -> list[tuple[str, str]]:
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "routes"})
    return sorted(
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods & STATE_CHANGING
    )


ROUTES = state_changing_routes()


def test_the_matrix_covers_the_known_state_changing_routes():
    endpoints = {endpoint for endpoint, _method in ROUTES}
    assert {
        "auth.login", "registration.register", "auth.logout", "account.change_password",
        "account.change_email", "account.delete", "credentials.new", "credentials.edit",
        "credentials.delete", "activities.new", "activities.edit", "activities.delete",
        "trash.restore", "trash.empty", "renewal.record", "renewal.undo", "imports.preview",
        "imports.confirm", "imports.account_import", "dashboard.dismiss_reminder",
        "reminders.new_calendar_address", "imports.match", "proofs.from_certificate",
        "inbox.add", "inbox.read", "inbox.save", "inbox.discard",
    } <= endpoints
    assert len(endpoints) >= 21
    assert all(method in STATE_CHANGING for _endpoint, method in ROUTES)


def test_csrf_protection_is_on_in_the_tests_app(app):
    assert app.config.get("WTF_CSRF_ENABLED", True) is True
    assert app.config.get("WTF_CSRF_CHECK_DEFAULT", True) is True


@pytest.fixture
def own_objects(app, client):
    """A logged-in person with a credential, a cycle, an activity with a file and one in trash."""
    AuthActions(client).register()
    credential_id = add_cpt(client)
    live = log_activity(client, credential_id, files=[("proof.png", image_bytes())])
    trashed = log_activity(client, credential_id, title="Trashed").headers["Location"]
    submit(client, f"{trashed}/delete", {}, form_page=trashed)
    with app.app_context():
        evidence_id = get_session().exec(select(Evidence.id)).one()
        cycle_id = get_session().exec(select(Cycle.id)).one()
    return {
        "credential_id": credential_id,
        "activity_id": int(live.headers["Location"].rsplit("/", 1)[-1]),
        "trashed_activity_id": int(trashed.rsplit("/", 1)[-1]),
        "evidence_id": evidence_id,
        "cycle_id": cycle_id,
    }


def own_api_token_id(app) -> int:
    with app.app_context():
        session = get_session()
        user = session.exec(select(User)).one()
        return tokens.create_token(session, user, "Matrix", tokens.READ_WRITE, None).token.id


def own_other_login_id(app) -> int:
    """A login of the person in another browser (this browser's own is not ended there)."""
    with app.app_context():
        session = get_session()
        login = LoginSession(user_id=session.exec(select(User.id)).one(), device="Other")
        session.add(login)
        session.commit()
        return login.id


def own_passkey_id(app) -> int:
    with app.app_context():
        session = get_session()
        passkey = Passkey(user_id=session.exec(select(User.id)).one(), name="Matrix",
                          credential_id=b"matrix", public_key=b"key")
        session.add(passkey)
        session.commit()
        return passkey.id


def own_draft_id(app) -> int:
    with app.app_context():
        session = get_session()
        return make_draft(session, session.exec(select(User)).one()).id


def url_of(app, endpoint: str, objects: dict) -> str:
    arguments = {**objects, **CODES.get(endpoint, {})}
    if endpoint.startswith("trash.") or endpoint.endswith("restore_activity"):
        arguments["activity_id"] = arguments["trashed_activity_id"]
    with app.test_request_context():
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    if "token_id" in rule.arguments:
        arguments["token_id"] = own_api_token_id(app)
    if "login_id" in rule.arguments:
        arguments["login_id"] = own_other_login_id(app)
    if "token" in rule.arguments:  # an emailed link's
        arguments["token"] = link_token(app, endpoint)
    if "passkey_id" in rule.arguments:
        arguments["passkey_id"] = own_passkey_id(app)
    if "draft_id" in rule.arguments:
        arguments["draft_id"] = own_draft_id(app)
    unknown = rule.arguments - arguments.keys()
    assert not unknown, f"{endpoint}: give the matrix a real value for {sorted(unknown)}"
    with app.test_request_context():
        return url_for(endpoint, **{name: arguments[name] for name in rule.arguments})


@pytest.mark.parametrize(("endpoint", "method"), ROUTES)
def test_a_request_without_a_valid_token_is_refused_and_changes_nothing(
    app, client, own_objects, endpoint, method
):
    url = url_of(app, endpoint, own_objects)
    if endpoint.startswith((f"{API_BLUEPRINT}.", f"{API_BLUEPRINT}_v2.")):  # /api/v1, /api/v2
        before = snapshot(app)
        response = client.open(url, method=method, data=FORM)  # the login cookie, no token
        assert response.status_code == 401, f"{method} {url}: {response.status}"
        assert snapshot(app) == before
        return
    stranger = app.test_client()
    other_sessions_token = csrf_token(stranger.get("/auth/login").text)
    before = snapshot(app)
    for token in (None, "not-a-token", other_sessions_token):
        data = dict(FORM) if token is None else {**FORM, "csrf_token": token}
        response = client.open(url, method=method, data=data)
        assert response.status_code == 400, f"{method} {url} with {token!r}: {response.status}"
        assert EXPIRED in response.text
        assert "<title>Something was wrong with that request · Recert</title>" in response.text
        assert "Traceback" not in response.text
    assert snapshot(app) == before, f"{method} {url} changed something without a token"
    assert client.get("/account/").status_code == 200  # still logged in

    # The same request with the page's own token gets past the check (some forms may still
    # answer 400 for their own fields): the refusal above was the token's doing.
    token = csrf_token(client.get("/credentials/new").text)
    response = client.open(url, method=method, data={**FORM, "csrf_token": token})
    assert response.status_code != 404, f"{method} {url}: {response.status}"
    assert EXPIRED not in response.text, f"{method} {url} refuses even a good token"
