"""Reading a certificate file (a PDF or a photo) into an activity's fields.

The PDF's own text is read first; a PDF without one, or an image, is read by OCR (see
tracker.proofs.ocr) when this server has Tesseract. The work is bounded: a PDF of more than
`MAX_PAGES` pages or an image of more than `MAX_PIXELS` is not read, and OCR has a deadline.
Nothing here raises for a damaged or strange file: the Reading's note says what happened.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

import pypdfium2
import pytesseract
from PIL import Image

from tracker.proofs import ocr
from tracker.proofs.fields import read_text
from tracker.rules.kinds import kind_of

log = logging.getLogger(__name__)

MAX_PAGES = 2
MAX_PIXELS = 40_000_000
# Fewer letters than this in a PDF's text layer means a scan: read its picture instead.
MIN_LETTERS = 20
IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp")

FILL_IN = "fill in the boxes yourself."
NO_OCR = f"This server cannot read pictures, so {FILL_IN}"
TOO_MANY_PAGES = f"This file has more than {MAX_PAGES} pages, so it was not read: {FILL_IN}"
TOO_LARGE = f"This picture is too large to read, so {FILL_IN}"
DAMAGED = f"This file could not be opened to read it, so {FILL_IN}"
TOO_SLOW = f"Reading this file took too long, so {FILL_IN}"
NO_WORDS = f"No words could be read from this file, so {FILL_IN}"
NOTHING_FOUND = f"Nothing on this file looked like a course, date or hours, so {FILL_IN}"
NOT_A_CERTIFICATE = f"This kind of file cannot be read, so {FILL_IN}"


@dataclass(frozen=True)
class Reading:
    """What was read from a file: each field None when it could not be read."""

    title: str | None = None
    provider: str | None = None
    completed_on: date | None = None
    started_on: date | None = None  # a period (an employment letter: "from ... to ...")
    # In the unit of `kind`: hours; semester credit hours for "college-credit"; full-time
    # months for "job".
    quantity: Decimal | None = None
    kind: str | None = None  # a code of tracker/rules/kinds.toml
    source: str = "none"  # "pdf-text", "ocr" or "none"
    note: str | None = None  # why nothing could be read, in one plain sentence

    @property
    def unit(self) -> str | None:
        """The unit of the quantity in plural words ("hours"), from the suggested kind."""
        kind = kind_of(self.kind) if self.kind else None
        return kind.unit.plural if kind else None

    def read_fields(self) -> list[str]:
        """The names of the fields that were read."""
        return [name for name in READ_FIELDS if getattr(self, name) is not None]


READ_FIELDS = tuple(field.name for field in fields(Reading)
                    if field.name not in ("source", "note"))


def can_read_images() -> bool:
    """Whether this server has Tesseract to read pictures."""
    return ocr.available()


def read_proof(data: bytes, content_type: str) -> Reading:
    """Read a checked upload (a PDF, PNG, JPEG or WebP). Never raises for its content."""
    try:
        if content_type == "application/pdf":
            return _read_pdf(data)
        if content_type in IMAGE_TYPES:
            return _read_image(data)
        return Reading(note=NOT_A_CERTIFICATE)
    except ocr.TooSlow:
        return Reading(note=TOO_SLOW)
    except pytesseract.TesseractNotFoundError:
        return Reading(note=NO_OCR)
    except Image.DecompressionBombError:  # far more pixels than its header let us check
        return Reading(note=TOO_LARGE)
    except Exception:  # a damaged file can fail any parser in its own way
        log.info("A proof could not be read", exc_info=True)
        return Reading(note=DAMAGED)


def _read_pdf(data: bytes) -> Reading:
    pdf = pypdfium2.PdfDocument(data)
    try:
        if len(pdf) > MAX_PAGES:
            return Reading(note=TOO_MANY_PAGES)
        if len(pdf) == 0:
            return Reading(note=DAMAGED)
        text = _pdf_text(pdf)
        if _letters(text) >= MIN_LETTERS:
            return _reading_of(text, "pdf-text")
        if not can_read_images():
            return Reading(note=NO_OCR)
        return _reading_of(ocr.read_pdf_page(pdf[0]), "ocr")
    finally:
        pdf.close()


def _pdf_text(pdf: pypdfium2.PdfDocument) -> str:
    """The text layer of the pages, line by line in reading order. (pypdf reads the set of
    test certificates as well; pdfium also renders the scans, so it does both.)"""
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def _read_image(data: bytes) -> Reading:
    if not can_read_images():
        return Reading(note=NO_OCR)
    with Image.open(io.BytesIO(data)) as image:
        if image.width * image.height > MAX_PIXELS:
            return Reading(note=TOO_LARGE)
        return _reading_of(ocr.read_image(image), "ocr")


def _letters(text: str) -> int:
    return len(re.findall(r"[A-Za-z]", text))


def _reading_of(text: str, source: str) -> Reading:
    if _letters(text) < MIN_LETTERS:
        return Reading(source=source, note=NO_WORDS)
    found = read_text(text)
    reading = Reading(title=found.title, provider=found.provider,
                      completed_on=found.completed_on, started_on=found.started_on,
                      quantity=found.quantity, kind=found.kind, source=source)
    if not (reading.title or reading.completed_on or reading.quantity):
        return Reading(source=source, note=NOTHING_FOUND)
    return reading
