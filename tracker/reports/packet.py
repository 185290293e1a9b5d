"""The audit packet: a ZIP of the report, the CSV and every proof file, built as it streams.

Files are read from the database one at a time and the archive is handed out in pieces, so
a packet with hundreds of megabytes of evidence never needs that much memory.
"""

import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterator

from sqlmodel import Session, select

from tracker.models import Activity, Evidence
from tracker.reports.documents import Report, activities_csv, proof_file_paths, render_pdf


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


CHUNK = 1024 * 1024


def _facts(data: bytes) -> dict:
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def packet_chunks(session: Session, report: Report) -> Iterator[bytes]:
    pieces = _Pieces()
    manifest = {}
    # Every entry is deflated. Written to an output that cannot seek back, an entry's sizes
    # and CRC can only follow its data; a deflated entry's data shows where it ends, a stored
    # one's does not, and streaming readers (Java's ZipInputStream, stream-unzip) refuse it.
    # Proof files use level 0, which frames the bytes without compressing them: scans and
    # photos are compressed already, and compressing them again takes ten times as long.
    with zipfile.ZipFile(pieces, "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=0) as archive:
        for name, data in (("report.pdf", render_pdf(report)),
                           ("activities.csv", activities_csv(report).encode())):
            archive.writestr(name, data, compresslevel=zlib.Z_DEFAULT_COMPRESSION)
            manifest[name] = _facts(data)
            yield pieces.take()
        paths = proof_file_paths(report)
        for _activity, _result, files in report.rows:
            for facts in files:
                name = paths[facts.id]
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
                # A megabyte at a time, handing the archive out as it grows.
                view = memoryview(data)
                with archive.open(name, "w", force_zip64=len(data) > 2**31) as member:
                    for start in range(0, len(view), CHUNK):
                        member.write(view[start:start + CHUNK])
                        yield pieces.take()
                # The name as uploaded: the path spells it in Latin letters and digits only.
                manifest[name] = {"name": facts.filename, **_facts(data)}
                yield pieces.take()
        archive.writestr("manifest.json", json.dumps(
            {"report": report.title, "generated_on": report.generated_on.isoformat(),
             "files": manifest}, indent=2, ensure_ascii=False),
            compresslevel=zlib.Z_DEFAULT_COMPRESSION)
    yield pieces.take()
