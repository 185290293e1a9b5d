"""Reading the words of a picture with Tesseract (Debian's `tesseract-ocr`), offline.

Pictures are turned upright (EXIF), gray, stretched in contrast and brought to about the
resolution Tesseract reads best (a page near 300 dpi) before reading. Tesseract runs with a
timeout so one request stays bounded.
"""

from __future__ import annotations

import shutil
from functools import cache

import pypdfium2
import pytesseract
from PIL import Image, ImageOps

# Seconds Tesseract may take for one page (the whole reading must answer within 5 s).
TIMEOUT_SECONDS = 4
# A page rendered at 300 dpi is what Tesseract is trained on.
PDF_DPI = 300
# The long side, in pixels, a photo is scaled to: a letter page near 250 dpi.
LONG_SIDE = 2600
# --psm 3: find the blocks of text on the page itself; --oem 1: the LSTM engine.
CONFIG = "--psm 3 --oem 1"


class TooSlow(Exception):
    """Tesseract did not finish within TIMEOUT_SECONDS."""


@cache
def available() -> bool:
    """Whether the tesseract program is installed."""
    return shutil.which(pytesseract.pytesseract.tesseract_cmd) is not None


def read_image(image: Image.Image) -> str:
    """The words of a photo or scan."""
    image = ImageOps.exif_transpose(image)
    return _words(_prepared(image))


def read_pdf_page(page: pypdfium2.PdfPage) -> str:
    """The words of a PDF page that has no text layer, rendered as a picture."""
    image = page.render(scale=PDF_DPI / 72, grayscale=True).to_pil()
    return _words(ImageOps.grayscale(image))


def _prepared(image: Image.Image) -> Image.Image:
    image = ImageOps.autocontrast(ImageOps.grayscale(image), cutoff=1)
    scale = LONG_SIDE / max(image.size)
    if abs(scale - 1) > 0.15:
        size = (round(image.width * scale), round(image.height * scale))
        image = image.resize(size, Image.Resampling.LANCZOS)
    return image


def _words(image: Image.Image) -> str:
    try:
        return pytesseract.image_to_string(image, lang="eng", config=CONFIG,
                                           timeout=TIMEOUT_SECONDS)
    except RuntimeError as error:  # pytesseract's way of saying the timeout passed
        raise TooSlow from error
