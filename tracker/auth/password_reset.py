"""Forgot password: a link emailed to the address, then a new password.

The page answers the same whether or not the address has an account. The link's token is
signed, salted for this purpose, good for an hour, and bound to the account's email and
password hash: once the password changes (by this link or any other way) it no longer works, so
it works once. The email leaves after the answer (tracker.mail.send_soon), so the time the
page takes does not tell either.

When two-factor sign-in is on, the mailbox alone is not enough: the form also asks for a code
from the app or a recovery code (each wrong one counts under the login lockout), and the
password changes only when it is right. (Someone with passkeys only and no recovery codes has
nothing to type here: for them the link alone still sets the password, and the login after it
asks for the passkey.)

A reset logs out every browser, logs this one in, confirms the email (the link proved it) and
sends a "password changed" email.
"""

from flask import Blueprint, flash, render_template
from flask_wtf import FlaskForm
from sqlmodel import Session

from tracker import mail
from tracker.account.tokens import is_expired, tokens_of
from tracker.auth import login_flow, services, two_factor, verification
from tracker.auth.forms import code_field, email_field, new_password_fields
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
    # Only when two-factor sign-in is on (removed from the form otherwise).
    code = code_field("Code from your code app, or a recovery code")


def reset_token(user: User, signed_at: float | None = None) -> str:
    return verification.sign(RESET, {"user": user.id, "fp": verification.fingerprint(user)},
                             signed_at)


def account_to_reset(session: Session, token: str) -> User:
    data = verification.read(RESET, token, RESET_HOURS)
    user_id = data.get("user")
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or data.get("fp") != verification.fingerprint(user):
        raise verification.USED
    return user


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(get_session(), form.email.data)
        if user is not None and mail.within_budget(user.email):
            mail.send_soon(verification.name_for_email(user), user.email,
                           "Set a new Recert password", "reset",
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
    asks = second_factor_asked(session, user)
    if asks is None:
        del form.code
    else:
        form.code.label.text = asks
    if form.validate_on_submit():
        if asks is not None:
            try:
                two_factor.use_code_under_lockout(session, user, form.code.data)
            except two_factor.CodeRefused as refused:
                form.code.errors.append(str(refused))
                return _page(form, user, asks, 429 if refused.seconds_to_wait else 200)
        services.set_password(session, user, form.password.data)
        verification.mark_verified(session, user)
        session.commit()
        tell_password_changed(user)
        if asks is not None:  # the second step is done: it was on this form
            response = login_flow.finish_login(user, remember=False, target=None)
        else:
            response = login_flow.after_password(user, remember=False, target=None)
        # After: logging in starts a fresh session, which would drop an earlier message.
        flash("Your password is changed. Every device that was logged in is logged out.",
              "success")
        return response
    return _page(form, user, asks)


def _page(form: ResetForm, user: User, asks: str | None, status: int = 200):
    return render_template("auth/reset.html", form=form, email=user.email,
                           asks_code=asks is not None), status


def second_factor_asked(session: Session, user: User) -> str | None:
    """What the reset form asks for besides the new password (the code field's label): a code
    from the app or a recovery code when two-factor sign-in is on; None when nothing (it is
    off, or only passkeys are on and no recovery code is left)."""
    if not two_factor.is_on(session, user):
        return None
    if user.totp_secret is not None:
        return "Code from your code app, or a recovery code"
    if two_factor.recovery_codes_left(session, user):
        return "One of your recovery codes"
    return None


def tell_password_changed(user: User) -> None:
    """The "password changed" email: what happened, and what to do if it was not you."""
    active = [t for t in tokens_of(get_session(), user) if not is_expired(t, today())]
    mail.send(verification.name_for_email(user), user.email,
              "Your Recert password was changed",
              "password_changed", tokens=len(active),
              tokens_link=mail.link("api_tokens.index"),
              reset_link=mail.link("password_reset.forgot"))
