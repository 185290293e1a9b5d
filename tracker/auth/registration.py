"""Making an account, and confirming its email by the link sent to it.

Registering answers the same whether or not the address already has an account: "check your
email", and the email leaves after the answer (tracker.mail.send_soon), so neither the page nor
its timing tells. A new account gets a link that confirms the address and logs in; so does an
account whose address nobody has proven yet, which starts over with the new password and name
(whoever registered it first may not own the address: they must not know its password). An
address with a verified account, or with one made before addresses were verified, gets a note
saying someone tried. On a site without email (RECERT_MAIL=off) nothing can be confirmed, so a
new account logs in at once, as before.
"""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired

from tracker import mail
from tracker.auth import login_flow, services, verification
from tracker.auth.forms import RegisterForm
from tracker.auth.lockout import Attempt, checked_password
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
        if current_app.config["MAIL_MODE"] == mail.OFF:
            return _register_without_email(form)
        session = get_session()
        try:
            user = services.register_user(session, form.email.data, form.display_name.data,
                                          form.password.data, start_over_unverified=True)
        except services.EmailTaken:
            owner = services.find_user_by_email(session, form.email.data)
            if owner is not None:
                verification.tell_owner(owner)
        else:
            verification.send_link(user)
        return redirect(url_for(".check_email"))
    return render_template("auth/register.html", form=form)


def _register_without_email(form: RegisterForm):
    try:
        user = services.register_user(get_session(), form.email.data, form.display_name.data,
                                      form.password.data, may_log_in_unverified=True)
    except services.EmailTaken:
        form.email.errors.append(
            "An account with this email already exists. Log in, or use another email.")
        return render_template("auth/register.html", form=form)
    return login_flow.finish_login(
        user, remember=False, target=None,
        message=f"Welcome, {user.display_name}. Your account is ready.")


@bp.get("/register/check-email")
def check_email():
    return render_template("auth/check_email.html")


class ConfirmEmailForm(FlaskForm):
    password = PasswordField(
        "Your password",
        validators=[DataRequired("Type the password you chose for this account.")],
        description="The one you chose when you made your account.",
        render_kw={"autocomplete": "current-password"},
    )


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify(token: str):
    """The link in the email: the account's password confirms it (a mail scanner that opens
    links changes nothing; and whoever follows the newest link must know the password it was
    made for, so nobody can hand someone a link to an account whose password they chose),
    then the person logs in (through the second step when two-factor sign-in is on)."""
    session = get_session()
    try:
        user = verification.account_to_verify(session, token)
    except verification.LinkProblem as problem:
        return link_problem(problem, login=True)
    form = ConfirmEmailForm()
    if form.validate_on_submit() and checked_password(
            Attempt.start(user, user.email), user.password_hash, form.password,
            "That is not the password of this account."):
        try:
            verification.confirm(session, user)
        except verification.LinkProblem as problem:
            return link_problem(problem, login=True)
        response = login_flow.after_password(user, remember=False, target=None)
        # After: logging in starts a fresh session, which would drop an earlier message.
        flash("Your email is confirmed.", "success")
        return response
    return render_template("auth/confirm_email.html", form=form, email=user.email)


@bp.post("/verify/send")
@login_required
def send_again():
    """The banner's button: a fresh link for an account made before email was verified."""
    if current_user.email_verified_at is None:
        verification.send_link(current_user)
        flash(f"We sent a link to {current_user.email}. Open the email and follow the link.",
              "info")
    return redirect(url_for("dashboard.home"))


def link_problem(problem: verification.LinkProblem, *, login: bool = False,
                 reset: bool = False):
    """The page for a link that cannot be used: why, in plain words, and what to do."""
    return render_template("auth/link_problem.html", problem=str(problem), login=login,
                           reset=reset), 400
