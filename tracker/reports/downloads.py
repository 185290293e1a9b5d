"""The files the web and the API send alike: a report's PDF, CSV and audit packet, and the
export of the whole account, under the same names through either door."""

import json
from datetime import date

from flask import Response, stream_with_context
from sqlmodel import Session

from tracker.models import User
from tracker.reports import documents
from tracker.reports.export import full_export
from tracker.reports.packet import packet_chunks
from tracker.web import download


def pdf(report: documents.Report) -> Response:
    return download(documents.render_pdf(report), "application/pdf",
                    f"{documents.file_stem(report)}.pdf")


def csv(report: documents.Report) -> Response:
    # Werkzeug adds "; charset=utf-8" to a text type itself.
    return download(documents.activities_csv(report), "text/csv",
                    f"{documents.file_stem(report)}.csv")


def packet(session: Session, report: documents.Report) -> Response:
    # Streamed: the files are read from the database while the answer is sent.
    return download(stream_with_context(packet_chunks(session, report)), "application/zip",
                    f"{documents.file_stem(report)}-packet.zip")


def export(session: Session, user: User, today: date) -> Response:
    """Everything of the account as one JSON file (see tracker/reports/export.schema.json)."""
    document = full_export(session, user, today)
    return download(json.dumps(document, indent=2, ensure_ascii=False), "application/json",
                    "recert-export.json")
