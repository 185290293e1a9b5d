"""API: downloads: a credential's report (PDF), its activities (CSV), its audit packet (ZIP),
and everything of the account (JSON) - the same files as the web's download buttons."""

import json

from flask import stream_with_context

from tracker.api.auth import api_user
from tracker.api.blueprint import ID, NOT_FOUND, REPORTS, attachment, bp, download
from tracker.api.credential_views import own_credential
from tracker.api.inputs import CredentialPath, ReportQuery
from tracker.api.problems import ApiProblem
from tracker.clock import today
from tracker.db import get_session
from tracker.reports import documents
from tracker.reports.export import full_export
from tracker.reports.packet import packet_chunks


def _report(credential_id: int, cycle_id: int | None) -> documents.Report:
    credential = own_credential(credential_id)
    cycle = credential.current_cycle
    if cycle_id is not None:
        cycle = next((c for c in credential.cycles if c.id == cycle_id), None)
        if cycle is None:
            raise ApiProblem(404, "This credential has no cycle with this id.")
    return documents.build_report(get_session(), api_user(), credential,
                                  today(), cycle)


@bp.get(f"/credentials/<{ID}:credential_id>/report.pdf", tags=[REPORTS],
        responses={200: download("The recertification report.", "application/pdf"),
                   **NOT_FOUND})
def report_pdf(path: CredentialPath, query: ReportQuery):
    """The recertification report of the current cycle (or of `cycle_id`), as a PDF."""
    report = _report(path.credential_id, query.cycle_id)
    return attachment(documents.render_pdf(report), "application/pdf",
                      f"{documents.file_stem(report)}.pdf")


@bp.get(f"/credentials/<{ID}:credential_id>/activities.csv", tags=[REPORTS],
        responses={200: download("The cycle's activities with their points.", "text/csv"),
                   **NOT_FOUND})
def report_csv(path: CredentialPath, query: ReportQuery):
    """The cycle's activities as CSV (the columns the README lists)."""
    report = _report(path.credential_id, query.cycle_id)
    # Werkzeug adds "; charset=utf-8" to a text type itself.
    return attachment(documents.activities_csv(report), "text/csv",
                      f"{documents.file_stem(report)}.csv")


@bp.get(f"/credentials/<{ID}:credential_id>/packet.zip", tags=[REPORTS],
        responses={200: download("The report, the CSV, every proof file and a manifest.",
                                 "application/zip"), **NOT_FOUND})
def report_packet(path: CredentialPath, query: ReportQuery):
    """The audit packet: report.pdf, activities.csv, the proof files and manifest.json."""
    report = _report(path.credential_id, query.cycle_id)
    chunks = packet_chunks(get_session(), report)
    return attachment(stream_with_context(chunks), "application/zip",
                      f"{documents.file_stem(report)}-packet.zip")


@bp.get("/export.json", tags=[REPORTS],
        responses={200: {"description": "Everything you have, as described by "
                                        "tracker/reports/export.schema.json.",
                         "content": {"application/json": {"schema": {"type": "object"}}}}})
def export_json():
    """All your data as one JSON document, as Account → Download all my data gives it."""
    document = full_export(get_session(), api_user(), today())
    return attachment(json.dumps(document, indent=2, ensure_ascii=False), "application/json",
                      "recert-export.json")
