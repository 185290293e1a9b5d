"""The report as a page, a PDF and a CSV, and the audit packet."""

from flask import Blueprint, abort, has_request_context, request
from flask_login import current_user, login_required

from tracker.clock import today
from tracker.dashboard import step_marks
from tracker.db import get_session
from tracker.extensions import heavy_download
from tracker.reports import documents, downloads
from tracker.web import own_credential_or_404

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
    report = documents.report_of(get_session(), current_user,
                                 own_credential_or_404(credential_id), today(), cycle_id)
    if report is None:
        abort(404)
    return report


# The report's page and files (endpoint: address, what makes it from the report, whether it
# spends the person's budget of heavy downloads), each at /<address> for the current cycle and
# at /cycles/<id>/<address> for any other.
REPORT_VIEWS = {
    "page": ("report", documents.render_html, False),
    "pdf": ("report.pdf", downloads.pdf, True),
    "csv": ("activities.csv", downloads.csv, False),
    "packet": ("packet.zip", lambda report: downloads.packet(get_session(), report), True),
}
# The files that go to the agency: downloading one marks the step to renew "download the
# report" done on the open cycle (the API's downloads do not: a read-only token writes nothing).
MARK_REPORT_STEP = {"pdf", "packet"}


def _add_report_view(endpoint: str, address: str, make, heavy: bool) -> None:
    def view(credential_id: int, cycle_id: int | None = None):
        report = _report(credential_id, cycle_id)
        answer = make(report)  # made whole before anything is kept: a failure marks nothing
        if endpoint in MARK_REPORT_STEP and request.method == "GET":  # not HEAD
            step_marks.mark_done(get_session(), report.cycle, step_marks.REPORT, today())
        return answer

    view.__qualname__ = f"report_{endpoint}"  # Flask-Limiter tells decorated views apart by it
    if heavy:
        view = heavy_download(view)
    bp.add_url_rule(f"/{address}", endpoint, view)
    bp.add_url_rule(f"/cycles/<int:cycle_id>/{address}", endpoint, view)


for endpoint, (address, make, heavy) in REPORT_VIEWS.items():
    _add_report_view(endpoint, address, make, heavy)
