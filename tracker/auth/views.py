"""Log in and log out (registering: tracker.auth.registration)."""

import unicodedata
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from tracker import time_zones
from tracker.auth import login_flow, services
from tracker.auth.forms import LoginForm
from tracker.auth.lockout import Attempt
from tracker.db import get_session
from tracker.extensions import login_manager

bp = Blueprint("auth", __name__, url_prefix="/auth")

login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see that page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(login_id: str):
    return services.load_user(get_session(), login_id)


def _unprintable(character: str) -> bool:
    """A control or format character (CR, LF, NUL, TAB, DEL, C1 controls, bidi marks...) or a
    line or paragraph separator: nothing a link on this site holds, and CR/LF in a Location
    header is an error (or, elsewhere, a header injection)."""
    return unicodedata.category(character)[0] == "C" or character in "\u2028\u2029"


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None (no open redirects, and nothing that
    is not a safe header value: the Location header repeats it)."""
    if not target or "\\" in target or any(_unprintable(character) for character in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    if form.validate_on_submit():
        session = get_session()
        attempt = Attempt.start(services.find_user_by_email(session, form.email.data),
                                form.email.data)
        if attempt.refused:
            form.form_errors.append(attempt.wait_message)
            page = render_template("auth/login.html", form=form, locked=True)
            return page, 429, {"Retry-After": str(attempt.seconds_to_wait)}
        user = services.authenticate(session, form.email.data, form.password.data)
        if user is not None:
            attempt.succeeded()
            time_zones.offer(form.time_zone.data)
            return login_flow.after_password(user, form.remember.data,
                                             safe_next(request.args.get("next")))
        form.form_errors.append("The email or the password is not right. Please try again.")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.end_login_session(get_session(), current_user)
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
