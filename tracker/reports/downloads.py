"""The files the web and the API send alike: a report's PDF, CSV and audit packet, and the
export of the whole account, under the same names through either door.

The PDF, the packet and the export take seconds to make for a large cycle, and a request
holds one of its worker's threads (RECERT_THREADS) all that time. So that they never take
every thread, and the other pages always find one free, a process makes at most
HEAVY_AT_ONCE of them at once; one more is answered 503 at once ("try again in a minute")
rather than queued. Each person also has a budget of them (DOWNLOAD_RATE_LIMIT, the views'
tracker.extensions.heavy_download)."""

import json
import threading
from collections.abc import Callable, Iterator
from datetime import date

from flask import Response, stream_with_context
from sqlmodel import Session
from werkzeug.exceptions import ServiceUnavailable

from tracker.models import User
from tracker.reports import documents
from tracker.reports.export import full_export
from tracker.reports.packet import packet_chunks
from tracker.web import download

HEAVY_AT_ONCE = 2
_heavy_slots = threading.BoundedSemaphore(HEAVY_AT_ONCE)


class Busy(ServiceUnavailable):
    detail = ("Recert is making other large files right now. Try again in a minute. Nothing "
              "was changed.")


class _Slot:
    """One of the process's HEAVY_AT_ONCE places for a heavy download, taken at once or not
    at all (Busy); given back once, whichever of its ends comes first."""

    def __init__(self) -> None:
        if not _heavy_slots.acquire(blocking=False):
            raise Busy()
        self._held = True
        self._lock = threading.Lock()

    def give_back(self) -> None:
        with self._lock:
            if self._held:
                self._held = False
                _heavy_slots.release()


def _made_in_a_slot(make: Callable[[], bytes | str]) -> bytes | str:
    slot = _Slot()
    try:
        return make()
    finally:
        slot.give_back()


def _streamed_in_a_slot(chunks: Iterator[bytes], slot: _Slot) -> Iterator[bytes]:
    try:
        yield from chunks
    finally:
        slot.give_back()


def pdf(report: documents.Report) -> Response:
    return download(_made_in_a_slot(lambda: documents.render_pdf(report)), "application/pdf",
                    f"{documents.file_stem(report)}.pdf")


def csv(report: documents.Report) -> Response:
    # Werkzeug adds "; charset=utf-8" to a text type itself.
    return download(documents.activities_csv(report), "text/csv",
                    f"{documents.file_stem(report)}.csv")


def packet(session: Session, report: documents.Report) -> Response:
    # Streamed: the files are read from the database while the answer is sent. The slot is
    # given back when the stream ends, or when the server closes an answer never sent.
    slot = _Slot()
    chunks = _streamed_in_a_slot(packet_chunks(session, report), slot)
    response = download(stream_with_context(chunks), "application/zip",
                        f"{documents.file_stem(report)}-packet.zip")
    response.call_on_close(slot.give_back)
    return response


def export(session: Session, user: User, today: date) -> Response:
    """Everything of the account as one JSON file (see tracker/reports/export.schema.json)."""
    document = _made_in_a_slot(lambda: json.dumps(full_export(session, user, today), indent=2,
                                                  ensure_ascii=False))
    return download(document, "application/json", "recert-export.json")
