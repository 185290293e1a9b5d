"""Checking uploaded evidence files by their content, never by their name."""

import hashlib
import io
import unicodedata
import zipfile
from dataclasses import dataclass

import puremagic
from pypdf import PdfReader
from pypdf.errors import PyPdfError

# Set in tracker.config, as it sizes requests.
from tracker.activities import images
from tracker.config import MAX_FILES_PER_ACTIVITY

# What a file's content must be, and how people know each type. A HEIC (an iPhone's photo) is
# kept as a JPEG, which every browser and PDF reader shows.
ACCEPTED_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/webp": "WebP",
    "image/heic": "HEIC",
}
# What a kept file's content is: a HEIC has become a JPEG on arrival.
STORED_TYPES = tuple(t for t in ACCEPTED_TYPES if t != "image/heic")
# The endings a stored name may keep for each type; any other ending gets the right one added.
# A HEIC's ending is the one it arrives with, changed to ".jpg".
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/webp": (".webp",),
    "image/heic": (".heic", ".heif"),
}
MAX_NAME_LENGTH = 200


class UploadProblem(ValueError):
    """Why a file cannot be accepted, in words for the person who chose it."""


def too_many_files(attached: int, adding: int) -> str | None:
    """Why `adding` more files cannot go on an activity that has `attached`, or None."""
    if attached + adding <= MAX_FILES_PER_ACTIVITY:
        return None
    return (f"An activity can have at most {MAX_FILES_PER_ACTIVITY} files"
            + (f"; it has {attached} already." if attached else "."))


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    data: bytes
    preview: bytes | None = None  # a small JPEG of an image, for the pages and the PDF

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def columns(self) -> dict:
        """The file as the tables that keep one hold it (evidence, pending uploads, drafts)."""
        return {"filename": self.filename, "content_type": self.content_type,
                "size": self.size, "sha256": self.sha256, "data": self.data,
                "preview": self.preview}

    @classmethod
    def kept(cls, row) -> "CheckedFile":
        """A file one of those tables keeps, as it was checked when it came."""
        return cls(row.filename, row.content_type, row.data, row.preview)


def _hidden(ch: str) -> bool:
    # Control and format characters (NUL, CR, LF, right-to-left override...), line breaks.
    category = unicodedata.category(ch)
    return category[0] == "C" or category in ("Zl", "Zp")


def clean_filename(name: str | None) -> str:
    """The name without folders or control characters, as people will see it again."""
    printable = "".join(ch for ch in (name or "") if not _hidden(ch))
    base = printable.replace("\\", "/").rsplit("/", 1)[-1]
    base = base.strip().lstrip(".")
    return base[-MAX_NAME_LENGTH:] or "file"


def name_for_type(filename: str, content_type: str) -> str:
    """`filename`, ending as its content does: `notes.html` holding a PDF is `notes.html.pdf`.

    So a saved download never opens as something else (a web page, a program). A name
    without any ending is kept as it is.
    """
    if "." not in filename or filename.lower().endswith(EXTENSIONS[content_type]):
        return filename
    ending = EXTENSIONS[content_type][0]
    return filename[-(MAX_NAME_LENGTH - len(ending)):] + ending


def detect_type(data: bytes) -> str | None:
    if images.is_heif(data):
        return "image/heic"
    try:
        detected = puremagic.from_string(data, mime=True)
    except puremagic.PureError:
        return None
    return detected if detected in ACCEPTED_TYPES else None


def hides_an_archive(data: bytes) -> bool:
    """Whether the file is also a ZIP archive (a "polyglot": a PDF or image with a program,
    a Java archive or an Office file joined to it)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bool(archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False


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
    content_type = _accepted_type(filename, data)
    if content_type.startswith("image/"):
        return _checked_picture(filename, content_type, data)
    return CheckedFile(name_for_type(filename, content_type), content_type, data)


def check_kept(data: bytes, name: str) -> CheckedFile:
    """A file already kept (read from a backup), checked as an upload is but taken as it is:
    kept before pictures were changed on arrival, it may still hold a location."""
    filename = clean_filename(name)
    content_type = _accepted_type(filename, data)
    return CheckedFile(name_for_type(filename, content_type), content_type, data)


def _accepted_type(filename: str, data: bytes) -> str:
    """The type of a file that may be attached, or UploadProblem saying why it may not."""
    if not data:
        raise UploadProblem(f"{filename} is empty.")
    content_type = detect_type(data)
    if content_type is None:
        *others, last = ACCEPTED_TYPES.values()
        raise UploadProblem(
            f"{filename} is not a {', '.join(others)} or {last} file. Only those can be attached."
        )
    if hides_an_archive(data):
        raise UploadProblem(
            f"{filename} has other files hidden inside it, so it cannot be attached. "
            "Open it and print it to PDF, or take a photo of the paper, and attach that."
        )
    if content_type == "application/pdf" and not _is_readable_pdf(data):
        raise UploadProblem(f"{filename} looks like a PDF but cannot be opened. It may be damaged.")
    return content_type


def _checked_picture(filename: str, content_type: str, data: bytes) -> CheckedFile:
    """A picture as it is kept (without location, a HEIC as a JPEG), with its preview."""
    try:
        picture = images.prepare(data, content_type)
    except images.PictureTooLarge as problem:
        raise UploadProblem(
            f"{filename} is too large a picture to open. "
            "Take the photo or scan again at a lower resolution."
        ) from problem
    except images.PictureDamaged as problem:
        label = ACCEPTED_TYPES[content_type]
        raise UploadProblem(
            f"{filename} looks like a {label} picture but cannot be opened. It may be damaged."
        ) from problem
    if content_type == "image/heic":
        filename = _jpeg_name(filename)
    return CheckedFile(name_for_type(filename, picture.content_type), picture.content_type,
                       picture.data, picture.preview)


def _jpeg_name(heic_name: str) -> str:
    """The name of a HEIC kept as a JPEG: "IMG_0042.HEIC" is "IMG_0042.jpg"."""
    stem, dot, ending = heic_name.rpartition(".")
    if dot and stem and f".{ending.lower()}" in EXTENSIONS["image/heic"]:
        return f"{stem}.jpg"
    return heic_name
