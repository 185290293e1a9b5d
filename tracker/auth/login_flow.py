"""What happens once a password (or an emailed link) has shown who someone is: a first
confirmation of their email, a second step when they turned on two-factor sign-in, then the
login itself, with the device cookie that makes this browser a known one (tracker.auth.lockout)."""

import time

from flask import Response, flash, redirect, render_template, session, url_for

from tracker import time_zones
from tracker.auth import two_factor, verification
from tracker.db import get_session
from tracker.models import User
from tracker.web import log_in

# The person who gave a right password and still owes the second step: kept in the signed
# session cookie (never a secret), for a few minutes.
PENDING = "pending_login"
PENDING_SECONDS = 10 * 60


def after_password(user: User, remember: bool, target: str | None) -> Response:
    """The answer to a right password: ask to verify the email first, ask for the second step,
    or log in."""
    if not verification.may_log_in(user):
        verification.send_link(user)
        return render_template("auth/verify_first.html", email=user.email)
    if two_factor.is_on(get_session(), user):
        session[PENDING] = {"user_id": user.id, "remember": remember, "target": target,
                            "at": int(time.time())}
        return redirect(url_for("second_step.page"))
    return finish_login(user, remember, target)


def pending_user() -> tuple[User, bool, str | None] | None:
    """Who is between the password and the second step (user, remember, target), or None
    when nobody is or it is too late."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = get_session().get(User, pending.get("user_id"))
    if user is None:
        return None
    return user, bool(pending.get("remember")), pending.get("target")


def finish_login(user: User, remember: bool, target: str | None,
                 message: str | None = None) -> Response:
    """Log this browser in (a fresh session, so the pending step goes too; tracker.web.log_in
    also marks it as a device that has logged in to this account)."""
    time_zones.take_offered(user)  # saved with the login session
    log_in(user, remember=remember)
    flash(message or f"Welcome back, {user.display_name}.", "success")
    return redirect(target or url_for("dashboard.home"))
