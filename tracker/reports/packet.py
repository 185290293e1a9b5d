"""The audit packet: a ZIP of the report, the CSV and every proof file, built as it streams.

Files are read from the database one at a time and the archive is handed out in pieces, so
a packet with hundreds of megabytes of evidence never needs that much memory.
"""

import hashlib
import json
import re
import time
import zipfile
from collections.abc import Iterator

from sqlmodel import Session, select

from tracker.models import Activity, Evidence
from tracker.reports.documents import Report, activities_csv, render_pdf

EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg",
              "image/webp": "webp"}


class _Pieces:
    """A write-only file for zipfile that hands out what was written since the last take."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._position = 0

    def write(self, data: bytes) -> int:
        self._buffer += data
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        """Nothing to flush: `take` hands the bytes out."""

    def take(self) -> bytes:
        data, self._buffer = bytes(self._buffer), bytearray()
        return data


def safe_part(text: str, limit: int = 40) -> str:
    """Letters, digits and dashes only, so the name is safe on every computer."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:limit].strip("-").lower() or "file"


def evidence_name(activity, number: int, content_type: str) -> str:
    day = (activity.completed_on or activity.started_on).isoformat()
    return f"evidence/{day}-{safe_part(activity.title)}-{number}.{EXTENSIONS[content_type]}"


CHUNK = 1024 * 1024


def packet_chunks(session: Session, report: Report) -> Iterator[bytes]:
    pieces = _Pieces()
    manifest = {}
    with zipfile.ZipFile(pieces, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, data: bytes, compress: int) -> Iterator[bytes]:
            """Write one member a megabyte at a time, handing the archive out as it grows."""
            info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
            info.compress_type = compress
            view = memoryview(data)
            with archive.open(info, "w", force_zip64=len(data) > 2**31) as member:
                for start in range(0, len(view), CHUNK):
                    member.write(view[start:start + CHUNK])
                    yield pieces.take()
            manifest[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            yield pieces.take()

        yield from add("report.pdf", render_pdf(report), zipfile.ZIP_DEFLATED)
        yield from add("activities.csv", activities_csv(report).encode(), zipfile.ZIP_DEFLATED)
        for activity, _result, files in report.rows:
            for number, facts in enumerate(files, start=1):
                name = evidence_name(activity, number, facts.content_type)
                # The very file the report names: a closed cycle's snapshot may name a file
                # deleted since, whose id the database can give to someone else's new file.
                data = session.exec(
                    select(Evidence.data).join(Activity).where(
                        Evidence.id == facts.id, Evidence.activity_id == facts.activity_id,
                        Evidence.sha256 == facts.sha256, Activity.user_id == report.user.id)
                ).first()
                if data is None:  # a closed cycle's file, deleted from Recert since
                    manifest[name] = {"missing": f"{facts.filename} was deleted after the "
                                                 "report's cycle closed."}
                    continue
                # Scans and photos are compressed already: storing them saves time, not space.
                yield from add(name, data, zipfile.ZIP_STORED)
        archive.writestr("manifest.json", json.dumps(
            {"report": report.title, "generated_on": report.generated_on.isoformat(),
             "files": manifest}, indent=2))
    yield pieces.take()
