"""The personal calendar feed (no login: calendar apps poll it) and its new address."""

import re

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user, login_required

from tracker.credentials.services import credentials_of
from tracker.db import get_session
from tracker.reminders import services
from tracker.reminders.calendar import feed
from tracker.web import ConfirmForm, download

bp = Blueprint("reminders", __name__)

# What a calendar secret can look like (tracker.models.new_login_token: URL-safe base64, at
# most the column's 64 characters). Anything else is no one's address: a 404 without asking
# the database, which cannot even take some of it (PostgreSQL refuses text with NUL).
CALENDAR_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    if not CALENDAR_TOKEN.fullmatch(token):
        abort(404)
    session = get_session()
    user = services.calendar_owner(session, token)
    if user is None:
        abort(404)
    # Named, so that a browser saves it under a name that is not the secret address.
    return download(feed(user.calendar_token, credentials_of(session, user)), "text/calendar",
                    "recert-deadlines.ics")


@bp.post("/account/calendar/new-address")
@login_required
def new_calendar_address():
    if ConfirmForm().validate_on_submit():
        services.new_calendar_address(get_session(), current_user)
        flash("Your calendar has a new address. The old address no longer works: "
              "add the new one to your calendar.", "success")
    return redirect(url_for("account.overview"))
