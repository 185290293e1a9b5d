"""The account page that makes, lists and revokes personal access tokens for the API (a
blueprint of its own under /account/tokens/, registered beside the account's)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from tracker.account import tokens
from tracker.account.forms import TokenForm
from tracker.clock import today
from tracker.db import get_session
from tracker.web import ConfirmForm

bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens")


@bp.before_request
@login_required
def require_login():
    """Only the logged-in person's own tokens."""


FULL = (f"You have {tokens.MAX_TOKENS} tokens, the most one account may have. Revoke one you "
        "no longer use to make a new one.")


def _form(**options) -> TokenForm:
    """The form, its expiry date one year from today until the person chooses another."""
    form = TokenForm(expires_on=tokens.default_expiry(today()), **options)
    form.today = today()
    return form


def _page(form: TokenForm, new_token: tokens.NewToken | None = None):
    session = get_session()
    held = tokens.tokens_of(session, current_user)
    page = render_template(
        "account/tokens.html", form=form, new_token=new_token, today=today(), tokens=held,
        full=FULL if len(held) >= tokens.MAX_TOKENS else None, limit=tokens.MAX_TOKENS,
        revoke_form=ConfirmForm(),
    )
    # A page that shows a new token's secret must not be kept by the browser or a proxy.
    return page, 200, {"Cache-Control": "no-store"}


@bp.route("/", methods=["GET", "POST"])
def index():
    form = _form()
    if form.validate_on_submit():
        try:
            made = tokens.create_token(get_session(), current_user, form.name.data,
                                       form.scope.data, form.expires_on.data)
        except tokens.TooManyTokens:
            form.form_errors.append(FULL)
            return _page(form)
        # The secret is shown in this answer only: never flashed (it would sit in the cookie).
        return _page(_form(formdata=None), new_token=made)
    return _page(form)


@bp.post("/<int:token_id>/revoke")
def revoke(token_id: int):
    # CSRFProtect has checked the form's token.
    token = tokens.revoke_token(get_session(), current_user, token_id)
    if token is None:
        abort(404)
    flash(f"The token “{token.name}” is revoked. It no longer works.", "info")
    return redirect(url_for("api_tokens.index"))
