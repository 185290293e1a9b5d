"""Two-factor settings on the account page (issue 14, being built)."""

from flask import Blueprint

bp = Blueprint("two_factor", __name__, url_prefix="/account/two-factor")
