"""The second step of logging in, after a right password: a code from the person's app, one
of their recovery codes, or a passkey. Also logging in with a passkey alone, from the login
page (no password).

Every code typed here takes a try from the login lockout (tracker.auth.lockout) before it is
checked, so codes cannot be guessed one after another. The passkey routes answer the small
script static/passkeys.js in JSON: the options for the browser's prompt, then where to go; a
body that is not a small JSON object gets a 400 in plain words (passkeys.answer_sent).

Someone who lost every second step and has no recovery code left is told what can help: a new
password does not, the people who run the site can (`flask users turn-off-two-factor`).
"""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from tracker.auth import login_flow, passkeys, two_factor, verification
from tracker.auth.forms import code_field
from tracker.auth.views import safe_next
from tracker.db import get_session
from tracker.models import User

bp = Blueprint("second_step", __name__, url_prefix="/auth")

TOO_LATE = "Your login took too long or has ended. Please log in again."


class CodeForm(FlaskForm):
    code = code_field("Code", autofocus=True)


def _page(form: CodeForm, user, status: int = 200, headers=None):
    session = get_session()
    page = render_template(
        "auth/second_step.html", form=form, app_on=user.totp_secret is not None,
        has_passkeys=two_factor.has_passkeys(session, user),
        codes_left=two_factor.recovery_codes_left(session, user))
    return page, status, headers or {}


@bp.route("/second-step", methods=["GET", "POST"])
def page():
    pending = login_flow.pending_user()
    if pending is None:
        flash(TOO_LATE, "info")
        return redirect(url_for("auth.login"))
    user, remember, target = pending
    form = CodeForm()
    if not form.validate_on_submit():
        return _page(form, user)
    session = get_session()
    try:
        used = two_factor.use_code_under_lockout(session, user, form.code.data)
    except two_factor.CodeRefused as refused:
        form.code.errors.append(str(refused))
        if refused.seconds_to_wait:
            return _page(form, user, 429, {"Retry-After": str(refused.seconds_to_wait)})
        return _page(form, user)
    message = None
    if used == "recovery":
        left = two_factor.recovery_codes_left(session, user)
        message = (f"You used a recovery code. You have {left} left. You can make new ones "
                   "on your account page, under Two-factor sign-in.")
    return login_flow.finish_login(user, remember, target, message)


def _json_error(error: passkeys.PasskeyError, status: int = 400):
    return jsonify(error=str(error)), status


def _answer_with(response):
    """A redirect that logs in, as JSON for the script: where to go, with the same cookies."""
    answer = jsonify(redirect=response.location)
    for cookie in response.headers.getlist("Set-Cookie"):
        answer.headers.add("Set-Cookie", cookie)
    return answer


@bp.post("/second-step/passkey/options")
def second_step_options():
    pending = login_flow.pending_user()
    if pending is None:
        return _json_error(passkeys.PasskeyError(TOO_LATE))
    return passkeys.login_options(get_session(), pending[0]), 200, {
        "Content-Type": "application/json"}


@bp.post("/second-step/passkey")
def second_step_passkey():
    pending = login_flow.pending_user()
    if pending is None:
        return _json_error(passkeys.PasskeyError(TOO_LATE))
    user, remember, target = pending
    try:
        passkeys.log_in(get_session(), user, passkeys.answer_sent())
    except passkeys.PasskeyError as error:
        return _json_error(error)
    return _answer_with(login_flow.finish_login(user, remember, target))


@bp.post("/passkey/options")
def passkey_login_options():
    return passkeys.login_options(get_session(), None), 200, {
        "Content-Type": "application/json"}


@bp.post("/passkey")
def passkey_login():
    session = get_session()
    try:
        passkey = passkeys.log_in(session, None, passkeys.answer_sent())
    except passkeys.PasskeyError as error:
        return _json_error(error)
    user = session.get(User, passkey.user_id)
    if not verification.may_log_in(user):
        verification.send_link(user)
        return _json_error(passkeys.PasskeyError(
            "Please confirm your email first: we sent you a new link. Follow it, then log in."))
    remember = request.args.get("remember") == "1"
    return _answer_with(login_flow.finish_login(user, remember,
                                                safe_next(request.args.get("next"))))
