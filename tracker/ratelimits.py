"""Limits on how fast anyone can change things, so a script cannot flood the site.

Two budgets are shared by every state-changing route (POST, PUT, PATCH, DELETE):
- writes: every such request counts 1;
- uploads: every file sent counts 1 (an activity with five files counts 5).
A logged-in person is counted by user id (so colleagues behind one office address do not share
a budget, and a person cannot escape it by changing address); anyone else by address. Reading
pages is not limited here; logging in and registering also have their own stricter limits
(tracker.auth.views). The JSON API also counts all its requests on a budget of its own per
person, shared by all their tokens (API_RATE_LIMIT, tracker.api.blueprint); a change or a file
sent through it spends the same write and upload budgets as one sent from the web (a script
cannot add a second write budget to the web's): the token's owner is the person counted, whom
the API leaves on `g.api_person` before the limits are checked. The limits are read from the
app's config at each request: WRITE_RATE_LIMIT and UPLOAD_RATE_LIMIT (see tracker.config); an
empty value turns one off.

This module imports nothing of the app: tracker.extensions builds the limiter with these limits
(Flask-Limiter takes such limits, each with its own key, scope and cost, only when the limiter is
made; `init_app` reads just one limit from the config).
"""

from flask import current_app, g, request
from flask_limiter import ApplicationLimit
from flask_limiter.util import get_remote_address
from flask_login import current_user

STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")


def person_or_address() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    # The API has no login: its person is the owner of a usable bearer token (tracker.api.auth);
    # None for a refused token, which spends nobody's budget.
    api_person = g.get("api_person")
    if api_person is not None:
        return f"user:{api_person.id}"
    return f"address:{get_remote_address()}"


def files_sent() -> int:
    return sum(1 for _name, upload in request.files.items(multi=True) if upload.filename)


def _not_an_upload() -> bool:
    # Only a request that can carry files is read for them.
    return request.method not in STATE_CHANGING or files_sent() == 0


def _changes_per_person(setting: str, scope: str, **options) -> ApplicationLimit:
    """A limit (the setting `setting`) on the requests that change something, counted per
    person, or per address before login."""
    return ApplicationLimit(lambda: current_app.config.get(setting, ""),
                            key_function=person_or_address, scope=scope,
                            methods=STATE_CHANGING, **options)


APPLICATION_LIMITS = [
    _changes_per_person("WRITE_RATE_LIMIT", "writes"),
    _changes_per_person("UPLOAD_RATE_LIMIT", "uploads", exempt_when=_not_an_upload,
                        cost=files_sent),
]
