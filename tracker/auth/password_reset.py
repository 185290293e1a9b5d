"""Forgot password: a link emailed to the address, then a new password.

The page answers the same whether or not the address has an account. The link's token is
signed, salted for this purpose, good for an hour, and bound to the account's email and
password hash: once the password changes (by this link or any other way) it no longer works, so
it works once. A reset logs out every browser, logs this one in (through the second step when
two-factor sign-in is on), confirms the email (the link proved it) and sends a "password
changed" email.
"""

import hashlib

from flask import Blueprint, flash, render_template
from flask_wtf import FlaskForm
from sqlmodel import Session

from tracker import mail
from tracker.account.tokens import is_expired, tokens_of
from tracker.auth import login_flow, services, verification
from tracker.auth.forms import email_field, new_password_fields
from tracker.auth.registration import link_problem
from tracker.clock import today
from tracker.db import get_session
from tracker.extensions import limiter
from tracker.models import User

bp = Blueprint("password_reset", __name__, url_prefix="/auth")

RESET = "reset-password"
RESET_HOURS = 1


class ForgotForm(FlaskForm):
    email = email_field()


class ResetForm(FlaskForm):
    password, confirm = new_password_fields()


def _fingerprint(user: User) -> str:
    """Changes when the password or the email does. (A token is signed, not secret: it carries
    no part of the hash itself.)"""
    return hashlib.sha256(f"{user.email}\n{user.password_hash}".encode()).hexdigest()[:32]


def reset_token(user: User, signed_at: float | None = None) -> str:
    return verification.sign(RESET, {"user": user.id, "fp": _fingerprint(user)}, signed_at)


def account_to_reset(session: Session, token: str) -> User:
    data = verification.read(RESET, token, RESET_HOURS)
    user_id = data.get("user")
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or data.get("fp") != _fingerprint(user):
        raise verification.USED
    return user


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(get_session(), form.email.data)
        if user is not None and mail.within_budget(user.email):
            mail.send(user.display_name, user.email, "Set a new Recert password", "reset",
                      link=mail.link("password_reset.reset", token=reset_token(user)))
        return render_template("auth/forgot_sent.html")
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    session = get_session()
    try:
        user = account_to_reset(session, token)
    except verification.LinkProblem as problem:
        return link_problem(problem, reset=True)
    form = ResetForm()
    form.person = user  # the password rules refuse one made of the person's email or name
    if form.validate_on_submit():
        services.set_password(session, user, form.password.data)
        verification.mark_verified(session, user)
        session.commit()
        tell_password_changed(user)
        response = login_flow.after_password(user, remember=False, target=None)
        # After: logging in starts a fresh session, which would drop an earlier message.
        flash("Your password is changed. Every device that was logged in is logged out.",
              "success")
        return response
    return render_template("auth/reset.html", form=form, email=user.email)


def tell_password_changed(user: User) -> None:
    """The "password changed" email: what happened, and what to do if it was not you."""
    active = [t for t in tokens_of(get_session(), user) if not is_expired(t, today())]
    mail.send(user.display_name, user.email, "Your Recert password was changed",
              "password_changed", tokens=len(active),
              tokens_link=mail.link("api_tokens.index"),
              reset_link=mail.link("password_reset.forgot"))
