"""Where you are logged in (issue 14, being built)."""

from flask import Blueprint

bp = Blueprint("devices", __name__, url_prefix="/account/devices")
