"""Personal access tokens on the account page: made (the secret shown once), listed, revoked,
and gone with the account; a revoked token no longer opens the API; a year's life unless another
day is chosen, and at most twenty tokens."""

import hashlib
import re
from datetime import UTC, date

from sqlmodel import select

from tests.api.helpers import ApiClient, make_token
from tests.helpers import AuthActions, csrf_token, submit
from tracker.account import tokens
from tracker.db import get_session
from tracker.models import ApiToken, User
from tracker.rules.checks import say_date


def stored_tokens(app) -> list[ApiToken]:
    with app.app_context():
        return list(get_session().exec(select(ApiToken)))


def test_the_account_page_links_to_the_tokens(user_client):
    overview = user_client.get("/account/")
    assert 'href="/account/tokens/"' in overview.text


def test_a_new_token_is_shown_once_and_stored_hashed(app, user_client):
    secret = make_token(user_client, name="Laptop script")
    assert secret.startswith("recert_") and len(secret) > 40
    [token] = stored_tokens(app)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.name, token.token_hash}
    page = user_client.get("/account/tokens/")
    assert "Laptop script" in page.text and secret not in page.text
    assert "Never" in page.text  # not used yet, and no expiry


def test_the_page_answering_with_a_secret_is_not_cached(user_client):
    response = submit(user_client, "/account/tokens/", {"name": "x", "scope": "read"})
    assert response.headers["Cache-Control"] == "no-store"


def test_the_form_says_what_is_wrong(app, user_client):
    app.config["TODAY"] = date(2026, 11, 24)
    response = submit(user_client, "/account/tokens/",
                      {"name": "", "scope": "everything", "expires_on": "2026-11-23"})
    assert "Give the token a name." in response.text
    assert "The expiry date cannot be in the past." in response.text
    assert "Not a valid choice" in response.text
    assert stored_tokens(app) == []


def test_the_list_shows_use_and_expiry(app, user_client):
    app.config["TODAY"] = date(2026, 11, 24)
    secret = make_token(user_client, name="Nightly", expires_on="2026-12-31")
    assert ApiClient(app, secret).get("/credentials").status_code == 200
    page = user_client.get("/account/tokens/").text
    row = page[page.index("Nightly"):page.index("</article>", page.index("Nightly"))]
    assert "Dec 31, 2026" in row and "Never" not in row  # used now, expires then
    [used] = [t.last_used_at for t in stored_tokens(app)]
    used = used.astimezone(UTC) if used.tzinfo else used
    hour = used.hour % 12 or 12  # the day and the time, in UTC until the browser says its zone
    assert f"{say_date(used.date())}, {hour}:{used:%M} {used:%p} UTC" in row


def test_a_revoked_token_stops_working(app, user_client):
    secret = make_token(user_client)
    api = ApiClient(app, secret)
    assert api.get("/credentials").status_code == 200
    [token] = stored_tokens(app)
    page = user_client.get("/account/tokens/")
    refused = user_client.post(f"/account/tokens/{token.id}/revoke")  # no CSRF token
    assert refused.status_code == 400
    revoked = user_client.post(f"/account/tokens/{token.id}/revoke",
                               data={"csrf_token": csrf_token(page.text)})
    assert revoked.status_code == 302
    assert "is revoked" in user_client.get("/account/tokens/").text
    response = api.get("/credentials")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert "revoked" in response.json["detail"]
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_no_one_revokes_another_persons_token(app, client, user_client):
    make_token(user_client)
    [token] = stored_tokens(app)
    intruder = app.test_client()
    AuthActions(intruder).register(email="intruder@example.com", name="Intruder")
    page = intruder.get("/account/tokens/")
    response = intruder.post(f"/account/tokens/{token.id}/revoke",
                             data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 404
    assert len(stored_tokens(app)) == 1
    assert "Script" not in page.text


def test_deleting_the_account_deletes_its_tokens(app, user_client):
    secret = make_token(user_client)
    submit(user_client, "/account/delete", {"current_password": "correct horse battery"})
    assert stored_tokens(app) == []
    assert ApiClient(app, secret).get("/credentials").status_code == 401


def test_a_new_token_expires_after_a_year_unless_another_day_is_chosen(app, user_client):
    app.config["TODAY"] = date(2026, 11, 24)
    form = user_client.get("/account/tokens/").text
    assert re.search(r'<input[^>]*name="expires_on"[^>]*value="2027-11-24"', form)
    assert "clear the date" in form  # keeping a token until it is revoked is said plainly
    submit(user_client, "/account/tokens/", {"name": "Default", "scope": "read"})
    make_token(user_client, name="Chosen", expires_on="2027-01-31")
    make_token(user_client, name="Cleared", expires_on="")
    expiry = {token.name: token.expires_on for token in stored_tokens(app)}
    assert expiry == {"Default": date(2027, 11, 24), "Chosen": date(2027, 1, 31),
                      "Cleared": None}


def test_an_account_has_at_most_twenty_tokens(app, user_client):
    with app.app_context():
        session = get_session()
        user = session.exec(select(User)).one()
        for number in range(tokens.MAX_TOKENS - 1):
            tokens.create_token(session, user, f"Old {number}", tokens.READ, None)
    make_token(user_client, name="Twentieth")
    page = user_client.get("/account/tokens/").text
    full = "You have 20 tokens, the most one account may have. Revoke one you no longer use"
    assert full in page and "Make token" not in page
    refused = submit(user_client, "/account/tokens/", {"name": "One more", "scope": "read"},
                     form_page="/account/")
    assert full in refused.text and 'id="new-token-secret"' not in refused.text
    assert len(stored_tokens(app)) == 20
    # Revoking one makes room again.
    revoke = re.search(r'action="(/account/tokens/\d+/revoke)"', page).group(1)
    submit(user_client, revoke, {}, form_page="/account/tokens/")
    make_token(user_client, name="In its place")
    assert len(stored_tokens(app)) == 20
