"""What the blueprints share on the way in and out: logging a browser in, the person's own
credential, the button that confirms an action, and how every file the app sends (web and API
alike) is named and kept out of caches."""

import unicodedata
from functools import partial, wraps
from urllib.parse import quote

from flask import (
    Response,
    abort,
    after_this_request,
    flash,
    make_response,
    redirect,
    request,
    session,
)
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from werkzeug.http import quote_header_value
from werkzeug.routing import IntegerConverter

from tracker.auth.devices import describe_device
from tracker.auth.lockout import remember_device
from tracker.auth.services import start_login_session
from tracker.credentials.services import credential_of
from tracker.db import get_session
from tracker.fields import SUBMISSION_ID
from tracker.idempotency import answered_once, fingerprint
from tracker.models import HeldCredential, SavedRequest

# Every file sent is someone's own (reports, exports, proof files, the calendar feed): no
# cache, the browser's included, may keep a copy.
FILE_CACHE_CONTROL = "private, no-store"
# RFC 5987's attr-char: what filename* may hold without percent-encoding.
ATTR_CHARS = "!#$&+-.^_`|~"


# The largest id a row can have: PostgreSQL's INTEGER (SQLite's is larger).
MAX_ID = 2**31 - 1


class DatabaseId(IntegerConverter):
    """Every <int:...> of a route: an id beyond what the database holds is a 404 like any
    unknown id, not a database error (SQLite cannot even take one past 2**63)."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def log_in(user, remember: bool) -> None:
    # A fresh session at login, so nothing from before (a planted session) carries over.
    session.clear()
    # A login_sessions row per browser: Flask-Login's id (cookie) names it.
    start_login_session(get_session(), user, describe_device(request.user_agent.string))
    login_user(user, remember=remember)
    # This browser is now a known device of the account (tracker.auth.lockout).
    after_this_request(partial(remember_device, user=user))


def own_credential_or_404(credential_id: int) -> HeldCredential:
    credential = credential_of(get_session(), current_user, credential_id)
    if credential is None:
        abort(404)
    return credential


def saves_once(view):
    """For a form view that makes something, then redirects: the same form sent again (a
    double click, a retry after an error) with its one-time submission id
    (fields.submission_id_field) and the same content is not saved again; it goes where the
    first one went. The same page sent with other content (changed after going back) is
    another submission, and saved. (Edit forms need none of this: their version refuses a
    second save, and one that changes nothing is simply saved.)"""

    @wraps(view)
    def once_per_submission(*args, **kwargs):
        submission = request.form.get(SUBMISSION_ID, "") if request.method == "POST" else ""
        if not (0 < len(submission) <= 64 and current_user.is_authenticated):
            return view(*args, **kwargs)
        sent = fingerprint()
        outcome = answered_once(current_user.id, f"form {submission} {sent}", sent,
                                lambda: make_response(view(*args, **kwargs)),
                                keeps=lambda answer: answer.status_code in (302, 303))
        if isinstance(outcome, SavedRequest):
            flash("This was already saved. We did not save it again.", "info")
            return redirect(outcome.headers["Location"], outcome.status)
        return outcome

    return once_per_submission


class ConfirmForm(FlaskForm):
    """No fields but the CSRF token: the button that confirms an action."""


def download(body, mimetype: str, filename: str, *, inline: bool = False) -> Response:
    """A file to save as `filename` (or, `inline`, to show in the page)."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = _disposition(
        "inline" if inline else "attachment", filename)
    response.headers["Cache-Control"] = FILE_CACHE_CONTROL
    return response


def _disposition(kind: str, filename: str) -> str:
    """Content-Disposition (RFC 6266): `filename` in ASCII for every client and, when the name
    has other characters, as UTF-8 in filename* (which clients that read it prefer)."""
    ascii_name = "".join(
        char if char.isascii() else "_"
        for char in unicodedata.normalize("NFKD", filename) if not unicodedata.combining(char)
    )
    # Quoted even when a bare token would do, as the app has always sent it.
    value = f"{kind}; filename={quote_header_value(ascii_name, allow_token=False)}"
    if ascii_name != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe=ATTR_CHARS)}"
    return value
