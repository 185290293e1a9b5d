"""The second step of logging in: a code, a recovery code or a passkey (issue 14, being
built)."""

from flask import Blueprint

bp = Blueprint("second_step", __name__, url_prefix="/auth")


@bp.route("/second-step", methods=["GET", "POST"])
def page():
    return "", 404
