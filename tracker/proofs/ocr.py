"""Reading the words of a picture with Tesseract (Debian's `tesseract-ocr`), offline.

Pictures are turned upright (EXIF), gray, stretched in contrast and brought to about the
resolution Tesseract reads best (a page near 300 dpi) before reading. Tesseract runs with a
timeout so one request stays bounded.
"""

from __future__ import annotations

import os
import shutil
from functools import cache
from itertools import pairwise

import pypdfium2
import pypdfium2.raw
import pytesseract
from PIL import Image, ImageDraw, ImageOps

# One thread per Tesseract: on a busy server its extra threads wait on each other and a page
# takes three times as long.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

# Seconds Tesseract may take for one page (the whole reading must answer within 5 s).
TIMEOUT_SECONDS = 4
# A scanned page is rendered at the resolution of its picture (resampling a picture blurs
# its letters), within these bounds; at PDF_DPI when it has none.
PDF_DPI = 300
MIN_PDF_DPI = 150
# A page is never rendered to more pixels than this (a letter page at 300 dpi is 8.4 million),
# however large it says it is.
MAX_RENDER_PIXELS = 12_000_000
# A larger photo is scaled down to this long side (a letter page near 250 dpi): more pixels
# only take Tesseract longer, and scaling a small one up reads worse.
LONG_SIDE = 2600
# Photos taken by hand are turned back by up to this many degrees, in steps of STEP.
MAX_SKEW = 5.0
SKEW_STEP = 0.5
# Skew is measured on a copy this wide.
SKEW_WIDTH = 600
# A row or column of pixels darker on average than this (0 black, 255 white) is a ruled line
# of a table (a line of text is far lighter), and is painted white: Tesseract reads the cells
# of a ruled table poorly or not at all.
RULE_DARKNESS = 96
# How far on each side of a ruled line's darkest pixels its soft edge reaches.
RULE_EDGE = 2
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
    image.draft("L", (LONG_SIDE, LONG_SIDE))  # a large JPEG is decoded smaller, and faster
    return _words(_prepared(ImageOps.exif_transpose(image)))


def read_pdf_page(page: pypdfium2.PdfPage) -> str:
    """The words of a PDF page that has no text layer, rendered as a picture."""
    width, height = page.get_size()  # in points, 72 to the inch
    scale = min(_scan_dpi(page) / 72, (MAX_RENDER_PIXELS / (width * height)) ** 0.5)
    return _words(_prepared(page.render(scale=scale, grayscale=True).to_pil()))


def _scan_dpi(page: pypdfium2.PdfPage) -> float:
    pictures = page.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE], max_depth=1)
    dpis = [picture.get_metadata().horizontal_dpi for picture in pictures]
    return min(PDF_DPI, max(MIN_PDF_DPI, *dpis)) if dpis else PDF_DPI


def _prepared(image: Image.Image) -> Image.Image:
    """Gray, full contrast, no larger than LONG_SIDE, and level."""
    image = ImageOps.autocontrast(ImageOps.grayscale(image), cutoff=(0.1, 1))
    if max(image.size) > LONG_SIDE:
        image.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
    angle = skew_angle(image)
    if angle:
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True,
                             fillcolor=255)
    return without_rules(image)


def without_rules(image: Image.Image) -> Image.Image:
    """The picture with the ruled lines of its tables painted white: the rows of pixels dark
    across most of the page, then, between them, the columns dark across the whole band."""
    rows = image.resize((1, image.height), Image.Resampling.BOX).tobytes()
    ruled = [y for y, darkness in enumerate(rows) if darkness < RULE_DARKNESS]
    if not ruled:
        return image
    image = image.copy()
    draw = ImageDraw.Draw(image)
    for y in ruled:
        draw.rectangle((0, y - RULE_EDGE, image.width, y + RULE_EDGE), fill=255)
    edges = [0, *ruled, image.height]
    for top, bottom in pairwise(edges):
        if bottom - top <= 2 * RULE_EDGE + 1:
            continue
        band = image.crop((0, top, image.width, bottom))
        columns = band.resize((image.width, 1), Image.Resampling.BOX).tobytes()
        for x, darkness in enumerate(columns):
            if darkness < RULE_DARKNESS:
                draw.rectangle((x - RULE_EDGE, top, x + RULE_EDGE, bottom), fill=255)
    return image


def skew_angle(image: Image.Image) -> float:
    """The turn that makes the lines of text level: the one whose rows of pixels change most
    from one to the next (level lines of text make sharp dark and light bands)."""
    # Scaled by the longer side, so a picture of any shape (a thin strip too) gives a small one.
    scale = SKEW_WIDTH / max(image.size)
    small = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                         Image.Resampling.BILINEAR)
    steps = round(MAX_SKEW / SKEW_STEP)
    angles = [step * SKEW_STEP for step in range(-steps, steps + 1)]
    return max(angles, key=lambda angle: (_banding(small.rotate(angle, fillcolor=255)),
                                          -abs(angle)))


def _banding(image: Image.Image) -> int:
    rows = image.resize((1, image.height), Image.Resampling.BOX).tobytes()
    return sum((above - below) ** 2 for above, below in pairwise(rows))


def _words(image: Image.Image) -> str:
    try:
        return pytesseract.image_to_string(image, lang="eng", config=CONFIG,
                                           timeout=TIMEOUT_SECONDS)
    except RuntimeError as error:  # pytesseract's way of saying the timeout passed
        raise TooSlow from error
