"""Two-factor settings on the account page (/account/two-factor/): codes from an app, recovery
codes and passkeys. Each change asks for the current password again (counted under the login
lockout, tracker.account.reauth) and sends the person an email.

Turning on codes from an app takes two pages: the password, then the QR code and the first
code. Between them the new secret travels in the form itself, signed with the app's key, bound
to the account and to its state (two_factor.setup_state) and good for 15 minutes (it is on that
page for the person to read anyway), so nothing is kept on the server until the app has shown
it has the secret. Turning the app on changes that state, so the page works once.

The first passkey also turns two-factor sign-in on: when the person has no recovery codes then,
ten are made and shown once, on the page the script goes to next (kept for that one view in the
session cookie, which the login cookie's protections cover).
"""

import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from flask import session as cookie
from flask_login import current_user, login_required
from itsdangerous import BadSignature, URLSafeTimedSerializer

from tracker import mail
from tracker.account.reauth import password_ok
from tracker.account.two_factor_forms import ConfirmAppForm, PasskeyForm, PasswordForm
from tracker.auth import passkeys, two_factor
from tracker.db import get_session

bp = Blueprint("two_factor", __name__, url_prefix="/account/two-factor")

SETUP_SECONDS = 15 * 60
# Recovery codes made with a first passkey wait this long in the session for their one view.
FRESH_CODES = "fresh_recovery_codes"
FRESH_SECONDS = 10 * 60
# Pages that show a secret or recovery codes must not be kept by the browser or a proxy.
NO_STORE = {"Cache-Control": "no-store"}


@bp.before_request
@login_required
def require_login():
    """Only the logged-in person's own settings."""


def _user():
    return current_user._get_current_object()


def _tell(subject: str, change: str) -> None:
    user = _user()
    mail.send(user.display_name, user.email, subject, "two_factor_changed", change=change,
              settings_link=mail.link("two_factor.index"),
              reset_link=mail.link("password_reset.forgot"))


@bp.get("/")
def index():
    session = get_session()
    user = _user()
    return render_template(
        "account/two_factor.html", is_on=two_factor.is_on(session, user),
        app_on=user.totp_secret is not None,
        codes_left=two_factor.recovery_codes_left(session, user),
        passkeys=passkeys.passkeys_of(session, user), passkey_form=PasskeyForm())


def _password_page(form: PasswordForm, title: str, text: str, button: str, style=None):
    return render_template("account/two_factor_password.html", form=form, title=title,
                           text=text, button=button, style=style)


# Codes from an app.

def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="two-factor-app-setup")


def _setup_page(form: ConfirmAppForm, secret: str):
    address = two_factor.app_link(_user(), secret)
    page = render_template("account/two_factor_app.html", form=form,
                           qr_code=two_factor.qr_code_svg(address),
                           secret=two_factor.grouped(secret))
    return page, 200, NO_STORE


@bp.route("/app", methods=["GET", "POST"])
def app_on():
    if _user().totp_secret is not None:
        flash("Codes from an app are already on.", "info")
        return redirect(url_for("two_factor.index"))
    form = PasswordForm()
    if form.validate_on_submit() and password_ok(form):
        secret = two_factor.new_secret()
        setup = _signer().dumps({"user": _user().id, "secret": secret,
                                 "state": two_factor.setup_state(_user())})
        return _setup_page(ConfirmAppForm(formdata=None, setup=setup), secret)
    return _password_page(form, "Use a code app on your phone",
                          "First, type your password. Then you will connect your app.",
                          "Continue")


@bp.post("/app/confirm")
def app_confirm():
    if _user().totp_secret is not None:  # the same page sent twice
        return redirect(url_for("two_factor.index"))
    form = ConfirmAppForm()
    try:
        kept = _signer().loads(form.setup.data or "", max_age=SETUP_SECONDS)
    except BadSignature:
        kept = None
    if not isinstance(kept, dict) or kept.get("user") != _user().id:
        flash("That took too long. Please start again.", "error")
        return redirect(url_for("two_factor.app_on"))
    if kept.get("state") != two_factor.setup_state(_user()):
        return _setup_ended()
    secret = kept["secret"]
    if not form.validate_on_submit():
        return _setup_page(form, secret)
    try:
        codes = two_factor.turn_on_app(get_session(), _user(), secret, form.code.data,
                                       kept["state"])
    except two_factor.SetupEnded:
        return _setup_ended()
    if codes is None:
        form.code.errors.append("That code is not right. Type the code the app shows now.")
        return _setup_page(form, secret)
    _tell("Two-factor sign-in is on",
          "You turned on two-factor sign-in with a code app on your phone. From now on, "
          "Recert asks for a code from the app when you log in.")
    return _codes_page(codes, "Codes from your app are on. Save your recovery codes.")


def _setup_ended():
    """A setup page sent again: after it turned the app on (perhaps by another request at the
    same time), or after the app was turned on or off again since it was made."""
    if _user().totp_secret is not None:
        return redirect(url_for("two_factor.index"))
    flash("That page was used already, or is out of date. Please start again.", "error")
    return redirect(url_for("two_factor.app_on"))


# Turning it off, and new recovery codes.

@bp.route("/app/off", methods=["GET", "POST"])
def app_off():
    if _user().totp_secret is None:
        return redirect(url_for("two_factor.index"))
    form = PasswordForm()
    if form.validate_on_submit() and password_ok(form):
        two_factor.turn_off_app(get_session(), _user())
        _tell("Two-factor sign-in with an app is off",
              "You turned off two-factor sign-in with a code app on your phone. Recert no "
              "longer asks for a code from the app when you log in.")
        flash("Codes from an app are off.", "info")
        return redirect(url_for("two_factor.index"))
    return _password_page(form, "Turn off codes from an app",
                          "Recert will no longer ask for a code from your app when you log in. "
                          "Type your password to turn it off.",
                          "Turn off", style="contrast")


def _codes_page(codes: list[str], message: str):
    page = render_template("account/two_factor_codes.html", codes=codes, message=message)
    return page, 200, NO_STORE


@bp.route("/recovery-codes", methods=["GET", "POST"])
def recovery_codes():
    session = get_session()
    if not two_factor.is_on(session, _user()):
        return redirect(url_for("two_factor.index"))
    form = PasswordForm()
    if form.validate_on_submit() and password_ok(form):
        codes = two_factor.new_recovery_codes(session, _user())
        _tell("You have new recovery codes",
              "You made new recovery codes for Recert. Your old recovery codes no longer work.")
        return _codes_page(codes, "Here are your new recovery codes. The old ones no longer "
                                  "work.")
    return _password_page(form, "New recovery codes",
                          "You get ten new codes, and your old codes stop working. "
                          "Type your password to go on.",
                          "Make new codes")


# Passkeys: the script static/passkeys.js sends the form, opens the browser's prompt with the
# options it gets back, then sends what the passkey answered.

@bp.post("/passkeys/options")
def passkey_options():
    form = PasskeyForm()
    if form.validate_on_submit() and password_ok(form):
        options = passkeys.add_options(get_session(), _user(), form.name.data)
        return options, 200, {"Content-Type": "application/json"}
    errors = [error for field in form for error in field.errors]
    return jsonify(error=" ".join(errors) or "Please try again."), 400


@bp.post("/passkeys")
def passkey_add():
    session = get_session()
    user = _user()
    was_on = two_factor.is_on(session, user)
    try:
        passkey = passkeys.add(session, user, passkeys.answer_sent())
    except passkeys.PasskeyError as error:
        return jsonify(error=str(error)), 400
    # A first passkey turns two-factor sign-in on: without recovery codes, losing it would
    # lock the person out.
    codes = None
    if not was_on and two_factor.recovery_codes_left(session, user) == 0:
        codes = two_factor.new_recovery_codes(session, user)
    _tell("A passkey was added",
          f"You added a passkey named “{passkey.name}” to your Recert account. You can use it "
          "to log in." + (" You also got ten recovery codes." if codes else ""))
    added = (f"Your passkey “{passkey.name}” is added. From now on, after your password, "
             "Recert will also ask for this passkey.")
    if codes is None:
        flash(added, "success")
        return jsonify(redirect=url_for("two_factor.index"))
    cookie[FRESH_CODES] = {"user": user.id, "codes": codes, "at": int(time.time()),
                           "message": f"{added} Save your recovery codes."}
    return jsonify(redirect=url_for("two_factor.fresh_codes"))


@bp.get("/recovery-codes/show")
def fresh_codes():
    """The recovery codes made with a first passkey, shown once."""
    kept = cookie.pop(FRESH_CODES, None)
    if (not isinstance(kept, dict) or kept.get("user") != _user().id
            or time.time() - kept.get("at", 0) > FRESH_SECONDS):
        return redirect(url_for("two_factor.index"))
    return _codes_page(kept["codes"], kept["message"])


@bp.route("/passkeys/<int:passkey_id>/remove", methods=["GET", "POST"])
def passkey_remove(passkey_id: int):
    session = get_session()
    passkey = passkeys.passkey_of(session, _user(), passkey_id)
    if passkey is None:
        abort(404)
    form = PasswordForm()
    if form.validate_on_submit() and password_ok(form):
        name = passkey.name
        passkeys.remove(session, _user(), passkey)
        _tell("A passkey was removed",
              f"You removed the passkey named “{name}” from your Recert account. It no longer "
              "works to log in.")
        flash(f"The passkey “{name}” is removed.", "info")
        return redirect(url_for("two_factor.index"))
    return _password_page(form, f"Remove the passkey “{passkey.name}”",
                          "You will no longer be able to log in with this passkey. "
                          "Type your password to remove it.",
                          "Remove passkey", style="contrast")
