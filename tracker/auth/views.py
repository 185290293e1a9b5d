"""Register, log in, log out."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, logout_user

from tracker.auth import services
from tracker.auth.forms import LoginForm, RegisterForm
from tracker.db import get_session
from tracker.extensions import limiter, login_manager
from tracker.web import log_in

bp = Blueprint("auth", __name__, url_prefix="/auth")

LOGIN_LIMIT = "5 per 15 minutes"

login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see that page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(login_id: str):
    return services.load_user(get_session(), login_id)


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None (no open redirects)."""
    if not target or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _login_failed(response) -> bool:
    # A failed login re-renders the form (200); a success redirects.
    return response.status_code == 200


def _ip_key() -> str:
    return f"login-ip:{get_remote_address()}"


def _email_key() -> str:
    return f"login-email:{services.normalize_email(request.form.get('email', ''))}"


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                get_session(), form.email.data, form.display_name.data, form.password.data
            )
        except services.EmailTaken:
            form.email.errors.append(
                "An account with this email already exists. Log in, or use another email."
            )
        else:
            log_in(user, remember=False)
            flash(f"Welcome, {user.display_name}. Your account is ready.", "success")
            return redirect(url_for("dashboard.home"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, key_func=_ip_key, methods=["POST"], deduct_when=_login_failed)
@limiter.limit(LOGIN_LIMIT, key_func=_email_key, methods=["POST"], deduct_when=_login_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(get_session(), form.email.data, form.password.data)
        if user is not None:
            target = safe_next(request.args.get("next"))
            log_in(user, remember=form.remember.data)
            flash(f"Welcome back, {user.display_name}.", "success")
            return redirect(target or url_for("dashboard.home"))
        form.form_errors.append("The email or the password is not right. Please try again.")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.end_login_session(get_session(), current_user)
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
