"""The proof inbox: many certificates at once, each a draft until it is saved or discarded."""

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("inbox", __name__)


@bp.before_request
@login_required
def require_login():
    """Drafts are always the logged-in person's own."""
