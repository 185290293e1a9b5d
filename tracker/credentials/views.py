"""The credentials a person holds."""

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("credentials", __name__, url_prefix="/credentials")


@bp.before_request
@login_required
def require_login():
    """Credentials are always the logged-in person's own."""


@bp.get("/new")
def new():
    return render_template("credentials/coming_soon.html")
