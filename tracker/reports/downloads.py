"""The files the web and the API send alike: a report's PDF, CSV and audit packet, and the
export of the whole account, under the same names through either door.

The PDF, the packet and the export take seconds to make for a large cycle, and a request
holds one of its worker's threads (RECERT_THREADS) all that time. So that they never take
every thread, and the other pages always find one free, a process makes at most
HEAVY_AT_ONCE of them at once; one more is answered 503 at once ("try again in a minute",
with Retry-After) rather than queued. Each person also has a budget of them
(DOWNLOAD_RATE_LIMIT, the views' tracker.extensions.heavy_download)."""

import json
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from flask import Response, request
from sqlmodel import Session
from werkzeug.exceptions import ServiceUnavailable
from werkzeug.wsgi import wrap_file

from tracker.models import User
from tracker.reports import documents, pdf
from tracker.reports.export import full_export
from tracker.reports.packet import packet_chunks
from tracker.web import download

HEAVY_AT_ONCE = pdf.PROCESSES  # so a PDF never waits for a renderer
_heavy_slots = threading.BoundedSemaphore(HEAVY_AT_ONCE)
RETRY_AFTER_SECONDS = 60


class Busy(ServiceUnavailable):
    detail = ("Recert is making other large files right now. Try again in a minute. Nothing "
              "was changed.")


@contextmanager
def _heavy_slot() -> Iterator[None]:
    """One of the process's HEAVY_AT_ONCE places, taken at once or not at all (Busy)."""
    if not _heavy_slots.acquire(blocking=False):
        raise Busy(retry_after=RETRY_AFTER_SECONDS)
    try:
        yield
    finally:
        _heavy_slots.release()


def pdf(report: documents.Report) -> Response:
    with _heavy_slot():
        data = documents.render_pdf(report)
    return download(data, "application/pdf", f"{documents.file_stem(report)}.pdf")


def csv(report: documents.Report) -> Response:
    # Werkzeug adds "; charset=utf-8" to a text type itself.
    return download(documents.activities_csv(report), "text/csv",
                    f"{documents.file_stem(report)}.csv")


def packet(session: Session, report: documents.Report) -> Response:
    """Made into a temporary file on disk (the files are read from the database one at a time,
    so memory stays small however large they are), then sent from it at the client's own
    pace: a slow connection does not hold a place while it downloads."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the answer, once sent)
    try:
        with _heavy_slot():
            for chunk in packet_chunks(session, report):
                spool.write(chunk)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    response = download(wrap_file(request.environ, spool), "application/zip",
                        f"{documents.file_stem(report)}-packet.zip")
    response.content_length = os.fstat(spool.fileno()).st_size
    return response


def export(session: Session, user: User, today: date) -> Response:
    """Everything of the account as one JSON file (see tracker/reports/export.schema.json)."""
    with _heavy_slot():
        document = json.dumps(full_export(session, user, today), indent=2, ensure_ascii=False)
    return download(document, "application/json", "recert-export.json")
