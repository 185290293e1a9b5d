"""Checking uploaded evidence files by their content, never by their name."""

import hashlib
import io
import unicodedata
from dataclasses import dataclass

import puremagic
from pypdf import PdfReader
from pypdf.errors import PyPdfError

# What a file's content must be, and how people know each type.
ACCEPTED_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/webp": "WebP",
}
MAX_FILES_PER_ACTIVITY = 5
MAX_NAME_LENGTH = 200


class UploadProblem(ValueError):
    """Why a file cannot be accepted, in words for the person who chose it."""


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def clean_filename(name: str | None) -> str:
    """The name without folders or control characters, as people will see it again."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    printable = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    printable = printable.strip().lstrip(".")
    return printable[-MAX_NAME_LENGTH:] or "file"


def detect_type(data: bytes) -> str | None:
    try:
        detected = puremagic.from_string(data, mime=True)
    except puremagic.PureError:
        return None
    return detected if detected in ACCEPTED_TYPES else None


def _is_readable_pdf(data: bytes) -> bool:
    try:
        return len(PdfReader(io.BytesIO(data)).pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        return False


def check_upload(stream, name: str | None, max_bytes: int) -> CheckedFile:
    """Read one uploaded file and accept it, or raise UploadProblem saying why not."""
    filename = clean_filename(name)
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadProblem(
            f"{filename} is larger than {max_bytes // (1024 * 1024)} MB. "
            "Pick a smaller file, or scan it at a lower resolution."
        )
    if not data:
        raise UploadProblem(f"{filename} is empty.")
    content_type = detect_type(data)
    if content_type is None:
        *others, last = ACCEPTED_TYPES.values()
        raise UploadProblem(
            f"{filename} is not a {', '.join(others)} or {last} file. Only those can be attached."
        )
    if content_type == "application/pdf" and not _is_readable_pdf(data):
        raise UploadProblem(f"{filename} looks like a PDF but cannot be opened. It may be damaged.")
    return CheckedFile(filename, content_type, data)
