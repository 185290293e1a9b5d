"""Downloading evidence files, and viewing images inline."""

from flask import Blueprint, abort
from flask_login import current_user, login_required

from tracker import web
from tracker.activities import images, services
from tracker.activities.evidence import name_for_type
from tracker.db import get_session

bp = Blueprint("evidence", __name__, url_prefix="/evidence")


@bp.before_request
@login_required
def require_login():
    """Files are only ever their owner's."""


def _own_file(evidence_id: int, *, image: bool):
    evidence = services.evidence_of(get_session(), current_user, evidence_id)
    if evidence is None or (image and not evidence.content_type.startswith("image/")):
        abort(404)
    return evidence


def send_proof(body: bytes, content_type: str, filename: str, *, inline: bool = False):
    response = web.download(body, content_type, filename, inline=inline)
    # Should a browser ever render a file itself, it may run nothing and load nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/<int:evidence_id>")
def download(evidence_id: int):
    evidence = _own_file(evidence_id, image=False)
    return send_proof(evidence.data, evidence.content_type, evidence.filename, inline=False)


@bp.get("/<int:evidence_id>/view")
def view(evidence_id: int):
    """An image as it was kept, opened from its preview."""
    evidence = _own_file(evidence_id, image=True)
    return send_proof(evidence.data, evidence.content_type, evidence.filename, inline=True)


@bp.get("/<int:evidence_id>/preview")
def preview(evidence_id: int):
    """The small JPEG of an image, shown in the activity page."""
    evidence = _own_file(evidence_id, image=True)
    if evidence.preview is None:  # kept before previews were made: made once, then kept
        try:
            evidence.preview = images.preview_of(evidence.data, evidence.content_type)
        except (images.PictureDamaged, images.PictureTooLarge):
            abort(404)
        get_session().commit()
    return send_proof(evidence.preview, "image/jpeg",
                      name_for_type(evidence.filename, "image/jpeg"), inline=True)
