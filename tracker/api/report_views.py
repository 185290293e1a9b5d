"""API: downloads: a credential's report (PDF), its activities (CSV), its audit packet (ZIP),
and everything of the account (JSON) - the same files as the web's download buttons."""

import json

from tracker.api.auth import api_user
from tracker.api.blueprint import (
    ID,
    NOT_FOUND,
    REPORTS,
    bp,
    file_response,
    labelled_as_asked,
    text_response,
)
from tracker.api.inputs import CredentialPath, ReportQuery
from tracker.api.owned import own_credential
from tracker.api.problems import ApiProblem
from tracker.clock import today
from tracker.db import get_session
from tracker.extensions import heavy_download
from tracker.reports import documents, downloads, export


def _export_schemas() -> dict[str, dict]:
    """The shipped schema of the full export as components of the document: `Export`, and its
    `$defs` as `Export_<name>`, since OpenAPI tools resolve a `#/...` reference from the top
    of the document, not from an embedded schema's `$id`."""
    text = export.SCHEMA_PATH.read_text(encoding="utf-8")
    schema = json.loads(text.replace('"#/$defs/', '"#/components/schemas/Export_'))
    definitions = schema.pop("$defs")
    del schema["$schema"], schema["$id"]  # the document's dialect and place are its own
    return {"Export": schema, **{f"Export_{name}": definition
                                 for name, definition in definitions.items()}}


EXPORT_SCHEMAS = _export_schemas()


def _report(credential_id: int, cycle_id: int | None) -> documents.Report:
    report = documents.report_of(get_session(), api_user(), own_credential(credential_id),
                                 today(), cycle_id)
    if report is None:
        raise ApiProblem(404, "This credential has no cycle with this id.")
    return report


@bp.get(f"/credentials/<{ID}:credential_id>/report.pdf", tags=[REPORTS],
        responses={200: file_response("The recertification report.", "application/pdf"),
                   **NOT_FOUND})
@heavy_download
def report_pdf(path: CredentialPath, query: ReportQuery):
    """The recertification report of the current cycle (or of `cycle_id`), as a PDF."""
    return labelled_as_asked(downloads.pdf(_report(path.credential_id, query.cycle_id)))


@bp.get(f"/credentials/<{ID}:credential_id>/activities.csv", tags=[REPORTS],
        responses={200: text_response("The cycle's activities with their points.", "text/csv"),
                   **NOT_FOUND})
def report_csv(path: CredentialPath, query: ReportQuery):
    """The cycle's activities as CSV (the columns the README lists)."""
    return downloads.csv(_report(path.credential_id, query.cycle_id))


@bp.get(f"/credentials/<{ID}:credential_id>/packet.zip", tags=[REPORTS],
        responses={200: file_response("The report, the CSV, every proof file and a manifest.",
                                      "application/zip"), **NOT_FOUND})
@heavy_download
def report_packet(path: CredentialPath, query: ReportQuery):
    """The audit packet: report.pdf, activities.csv, the proof files and manifest.json."""
    return labelled_as_asked(
        downloads.packet(get_session(), _report(path.credential_id, query.cycle_id)))


@bp.get("/export.json", tags=[REPORTS],
        responses={200: {"description": "Everything you have, as described by "
                                        "tracker/reports/export.schema.json.",
                         "content": {"application/json": {"schema": {
                             "$ref": "#/components/schemas/Export"}}}}})
@heavy_download
def export_json():
    """All your data as one JSON document, as Account → Download all my data gives it."""
    return downloads.export(get_session(), api_user(), today())
