"""The report as a page, a PDF and a CSV, and the audit packet."""

from flask import Blueprint, Response, abort, has_request_context, request, stream_with_context
from flask_login import current_user, login_required

from tracker.clock import today
from tracker.credentials.views import own_credential_or_404
from tracker.db import get_session
from tracker.reports import documents
from tracker.reports.packet import packet_chunks

bp = Blueprint("reports", __name__, url_prefix="/credentials/<int:credential_id>")


@bp.before_request
@login_required
def require_login():
    """Reports are only ever of the logged-in person's own credentials."""


@bp.url_defaults
def stay_on_cycle(endpoint: str, values: dict) -> None:
    """A past cycle's report links to that cycle's PDF, CSV and packet."""
    if not has_request_context() or request.blueprint != bp.name:
        return
    cycle_id = (request.view_args or {}).get("cycle_id")
    if cycle_id is not None:
        values.setdefault("cycle_id", cycle_id)


def _report(credential_id: int, cycle_id: int | None) -> documents.Report:
    """The current cycle's report, or a given cycle's (as on the day it closed)."""
    credential = own_credential_or_404(credential_id)
    cycle = credential.current_cycle
    if cycle_id is not None:
        cycle = next((c for c in credential.cycles if c.id == cycle_id), None)
        if cycle is None:
            abort(404)
    return documents.build_report(get_session(), current_user, credential,
                                  today(), cycle)


def _download(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/cycles/<int:cycle_id>/report")
@bp.get("/report")
def page(credential_id: int, cycle_id: int | None = None):
    return documents.render_html(_report(credential_id, cycle_id))


@bp.get("/cycles/<int:cycle_id>/report.pdf")
@bp.get("/report.pdf")
def pdf(credential_id: int, cycle_id: int | None = None):
    report = _report(credential_id, cycle_id)
    return _download(documents.render_pdf(report), "application/pdf",
                     f"{documents.file_stem(report)}.pdf")


@bp.get("/cycles/<int:cycle_id>/activities.csv")
@bp.get("/activities.csv")
def csv(credential_id: int, cycle_id: int | None = None):
    report = _report(credential_id, cycle_id)
    # Werkzeug adds "; charset=utf-8" to a text type itself.
    return _download(documents.activities_csv(report), "text/csv",
                     f"{documents.file_stem(report)}.csv")


@bp.get("/cycles/<int:cycle_id>/packet.zip")
@bp.get("/packet.zip")
def packet(credential_id: int, cycle_id: int | None = None):
    report = _report(credential_id, cycle_id)
    chunks = packet_chunks(get_session(), report)
    return _download(stream_with_context(chunks), "application/zip",
                     f"{documents.file_stem(report)}-packet.zip")
