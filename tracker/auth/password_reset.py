"""Forgot password: the emailed link and the new password (issue 14, being built)."""

from flask import Blueprint

bp = Blueprint("password_reset", __name__, url_prefix="/auth")


@bp.route("/forgot", methods=["GET", "POST"])
def forgot():
    return "", 404
