"""Who calls the API: the personal access token in the `Authorization: Bearer` header.

The API uses no cookies: requests under /api/ get an empty session that is never saved, and
Flask-Login never looks at the session or remember cookies there, so a browser's login does not
open the API and an API answer never sets a cookie. Tokens in the address (?token=..., or any
value that starts like a token) are refused: addresses end up in logs and browser histories.
"""

from flask import Flask, g, request
from flask.sessions import SessionInterface
from flask_limiter.util import get_remote_address

from tracker.account import tokens
from tracker.api.problems import ApiProblem
from tracker.clock import today
from tracker.db import get_session
from tracker.extensions import login_manager
from tracker.models import ApiToken, User

API_PATHS = "/api/"
QUERY_NAMES = ("token", "access_token")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class NoSessionForApi(SessionInterface):
    """The app's session interface, except that requests under /api/ get a null session (which
    Flask never saves, so no Set-Cookie)."""

    def __init__(self, inner: SessionInterface) -> None:
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def open_session(self, app, request):
        if request.path.startswith(API_PATHS):
            return self.make_null_session(app)
        return self.inner.open_session(app, request)

    def save_session(self, app, session, response) -> None:
        self.inner.save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.session_interface = NoSessionForApi(app.session_interface)


def _bearer() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return (secret.strip() or None) if scheme.lower() == "bearer" else None


def _found() -> tuple[ApiToken, User] | None:
    """The presented token and its owner (looked up once per request), expired or not."""
    if "api_found" not in g:
        secret = _bearer()
        g.api_found = tokens.find_token(get_session(), secret) if secret else None
    return g.api_found


def _refusal(token: ApiToken) -> ApiProblem | None:
    """Why this existing token may not make this request, or None when it may."""
    if tokens.is_expired(token, today()):
        return ApiProblem(401, f"This token expired on {token.expires_on.isoformat()}. "
                               "Make a new one on your account page.",
                          headers={"WWW-Authenticate": 'Bearer realm="recert", '
                                                       'error="invalid_token"'})
    if request.method in WRITE_METHODS and not tokens.can_write(token):
        return ApiProblem(403, "This token can only read. To change data, make a token that "
                               "may “read and change” on your account page.")
    return None


def identify(_endpoint=None, _values=None) -> None:
    """Before anything else asks (the limits of tracker.ratelimits are checked before
    `authenticate` runs): no browser user (from a session or remember cookie), and on
    `g.api_person` the owner of the presented token when it may make this request, else None."""
    g._login_user = login_manager.anonymous_user()
    found = _found()
    g.api_person = found[1] if found is not None and _refusal(found[0]) is None else None


def rate_limit_key() -> str:
    """Requests count per person: all of a person's tokens share one budget, so making more
    tokens does not buy more requests. Without a usable token (none, wrong, revoked, expired, or
    read-only asked to write), per address: guessing is slowed down too, and a leaked old token
    cannot spend its owner's budget."""
    person = g.get("api_person")
    return f"api-person:{person.id}" if person else f"api-address:{get_remote_address()}"


def api_user() -> User:
    """The person the request is for (after `authenticate` let it through)."""
    return g.api_person


def _token_in_address() -> bool:
    """?token=..., ?access_token=..., or anything in the query string that looks like one of
    our tokens (?api_key=recert_...)."""
    return any(name in QUERY_NAMES or name.startswith(tokens.PREFIX)
               or value.startswith(tokens.PREFIX)
               for name, value in request.args.items(multi=True))


def authenticate() -> None:
    """Every API request: a token from the header, valid, allowed to do what is asked."""
    if _token_in_address():
        raise ApiProblem(401, "Never put a token in the address, where logs keep it. Send it "
                              "in the Authorization header: “Authorization: Bearer <token>”. "
                              "Revoke this token and make a new one on your account page.")
    if _bearer() is None:
        raise ApiProblem(401)
    found = _found()
    if found is None:
        raise ApiProblem(401, "This token does not work: it is wrong or was revoked. "
                              "Make a new one on your account page.",
                         headers={"WWW-Authenticate": 'Bearer realm="recert", '
                                                      'error="invalid_token"'})
    token = found[0]
    refusal = _refusal(token)
    if refusal is not None:
        raise refusal
    tokens.note_use(get_session(), token)
