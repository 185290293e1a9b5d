"""Downloading evidence files, and viewing images inline."""

import io

from flask import Blueprint, abort, send_file
from flask_login import current_user, login_required

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
    response = send_file(
        io.BytesIO(evidence.data),
        mimetype=evidence.content_type,
        as_attachment=not inline,
        download_name=evidence.filename,
        etag=evidence.sha256,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Should a browser ever render a file itself, it may run nothing and load nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/<int:evidence_id>")
def download(evidence_id: int):
    return _send(evidence_id, inline=False)


@bp.get("/<int:evidence_id>/view")
def view(evidence_id: int):
    """An image shown inside the activity page."""
    return _send(evidence_id, inline=True)
