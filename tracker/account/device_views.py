"""Where you are logged in: the person's browsers, each with its device in words, first and
last seen; log out one of the others, or all of them. The API tokens are listed too (they are
revoked on their own page)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from tracker.account import devices, tokens
from tracker.clock import today
from tracker.db import get_session
from tracker.display import count_of
from tracker.web import ConfirmForm

bp = Blueprint("devices", __name__, url_prefix="/account/devices")


@bp.before_request
@login_required
def require_login():
    """Only the logged-in person's own browsers."""


@bp.get("/")
def index():
    session = get_session()
    return render_template(
        "account/devices.html", logins=devices.logins_of(session, current_user),
        this_token=current_user.login_session_token, tokens=tokens.tokens_of(session, current_user),
        today=today(), form=ConfirmForm(),
    )


@bp.post("/<int:login_id>/log-out")
def log_out(login_id: int):
    # CSRFProtect has checked the form's token.
    device = devices.end_other_login(get_session(), current_user, login_id)
    if device is None:
        abort(404)
    flash(f"{device or 'That browser'} is logged out.", "info")
    return redirect(url_for("devices.index"))


@bp.post("/log-out-others")
def log_out_others():
    ended = devices.end_other_logins(get_session(), current_user)
    if ended:
        flash(f"Logged out {count_of(ended, 'other browser', 'other browsers')}. "
              "This one stays logged in.", "info")
    else:
        flash("You were not logged in anywhere else.", "info")
    return redirect(url_for("devices.index"))
