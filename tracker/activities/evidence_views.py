"""Downloading evidence files, and viewing images inline."""

from flask import Blueprint, abort
from flask_login import current_user, login_required

from tracker import web
from tracker.activities import services
from tracker.db import get_session

bp = Blueprint("evidence", __name__, url_prefix="/evidence")


@bp.before_request
@login_required
def require_login():
    """Files are only ever their owner's."""


def _send(evidence_id: int, *, inline: bool):
    evidence = services.evidence_of(get_session(), current_user, evidence_id)
    if evidence is None or (inline and not evidence.content_type.startswith("image/")):
        abort(404)
    response = web.download(evidence.data, evidence.content_type, evidence.filename, inline=inline)
    # Should a browser ever render a file itself, it may run nothing and load nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/<int:evidence_id>")
def download(evidence_id: int):
    return _send(evidence_id, inline=False)


@bp.get("/<int:evidence_id>/view")
def view(evidence_id: int):
    """An image shown inside the activity page."""
    return _send(evidence_id, inline=True)
