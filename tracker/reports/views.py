"""The report as a page, a PDF and a CSV, and the audit packet."""

from flask import Blueprint, Response, stream_with_context
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


def _report(credential_id: int) -> documents.Report:
    credential = own_credential_or_404(credential_id)
    return documents.build_report(get_session(), current_user, credential, today())


def _download(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def file_stem(report: documents.Report) -> str:
    return (f"recert-{report.ruleset.code}-{report.cycle.starts_on.isoformat()}"
            f"-to-{report.cycle.ends_on.isoformat()}")


@bp.get("/report")
def page(credential_id: int):
    return documents.render_html(_report(credential_id))


@bp.get("/report.pdf")
def pdf(credential_id: int):
    report = _report(credential_id)
    return _download(documents.render_pdf(report), "application/pdf",
                     f"{file_stem(report)}.pdf")


@bp.get("/activities.csv")
def csv(credential_id: int):
    report = _report(credential_id)
    return _download(documents.activities_csv(report), "text/csv; charset=utf-8",
                     f"{file_stem(report)}.csv")



@bp.get("/packet.zip")
def packet(credential_id: int):
    report = _report(credential_id)
    chunks = packet_chunks(get_session(), report)
    return _download(stream_with_context(chunks), "application/zip",
                     f"{file_stem(report)}-packet.zip")
