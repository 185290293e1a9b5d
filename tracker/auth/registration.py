"""Making an account (and, issue 14 being built, verifying its email)."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from tracker.auth import login_flow, services
from tracker.auth.forms import RegisterForm
from tracker.db import get_session
from tracker.extensions import limiter

bp = Blueprint("registration", __name__, url_prefix="/auth")


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
            return login_flow.finish_login(
                user, remember=False, target=None,
                message=f"Welcome, {user.display_name}. Your account is ready.")
    return render_template("auth/register.html", form=form)
