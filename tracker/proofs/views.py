"""Add an activity from its certificate: the file is read and the activity form opens filled."""

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("proofs", __name__)


@bp.before_request
@login_required
def require_login():
    """A person's files are always their own."""
