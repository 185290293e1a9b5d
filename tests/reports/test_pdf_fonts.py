"""The report PDF prints titles in any script, and carries its creation date and XMP metadata."""

import io
import re
import subprocess
from datetime import datetime, timedelta

import pytest
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from tests.helpers import TODAY, log_activity, needs_pdftotext, pdf_text

CHINESE = "安全操作培训"
# "Fire prevention course". A word with the lam-alef ligature (as in السلامة) comes back from
# pdftotext with its two letters swapped, a poppler quirk (pypdf reads it right), so none is used.
ARABIC = "دورة الوقاية من الحرائق"
# The families that cover these scripts (Debian's fonts-noto-cjk and fonts-noto-core). The CI
# installs them, so the test runs there; it is skipped only on a machine without them.
NOTO_FAMILIES = ("Noto Sans CJK SC", "Noto Sans Arabic")


def installed_families() -> str:
    try:
        return subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True,
                              check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""


needs_noto_fonts = pytest.mark.skipif(
    not all(family in installed_families() for family in NOTO_FAMILIES),
    reason="the Noto fonts are not installed (apt-get install fonts-noto-core fonts-noto-cjk)")


def embedded_flags(data: bytes) -> dict[str, str]:
    """Font name -> the "emb" column of `pdffonts` (yes when the font is in the file)."""
    lines = subprocess.run(["pdffonts", "-"], input=data, capture_output=True,
                           check=True).stdout.decode().splitlines()[2:]
    # The columns end with: emb, sub, uni, object number, generation.
    return {line.split()[0]: line.split()[-5] for line in lines}


def glyph_count(program) -> int:
    """How many glyphs an embedded font program has: a TrueType or OpenType font, or a bare
    CFF one (FontFile3 of subtype CIDFontType0C or Type1C, as CJK fonts are embedded)."""
    data = program.get_data()
    if program.get("/Subtype") in ("/CIDFontType0C", "/Type1C"):
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(data), None)
        return len(cff[cff.fontNames[0]].charset)
    return TTFont(io.BytesIO(data))["maxp"].numGlyphs


def drawn_characters(data: bytes) -> set[str]:
    """The characters the PDF draws with a glyph of an embedded font. A character no font has
    is given a glyph number past the font's last glyph, which prints as an empty box."""
    drawn = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
            glyphs = glyph_count(program.get_object())
            # The font's ToUnicode map: glyph number -> the text it stands for (UTF-16).
            to_unicode = font["/ToUnicode"].get_object().get_data().decode()
            for glyph, text in re.findall(r"<([0-9a-fA-F]{4})> <([0-9a-fA-F]+)>", to_unicode):
                if 0 < int(glyph, 16) < glyphs:
                    drawn.update(bytes.fromhex(text).decode("utf-16-be"))
    return drawn


def midnight_utc(moment: datetime) -> datetime:
    """A PDF date, as UTC without its zone (a date may be written with "Z" or without a zone)."""
    assert moment.utcoffset() in (None, timedelta(0)), moment
    return moment.replace(tzinfo=None)


def report_pdf(client, cpt: int) -> bytes:
    response = client.get(f"/credentials/{cpt}/report.pdf")
    assert response.status_code == 200
    return response.data


@needs_pdftotext
@needs_noto_fonts
def test_chinese_and_arabic_titles_print_in_embedded_fonts(user_client, cpt):
    log_activity(user_client, cpt, title=CHINESE, completed_on="2024-05-01")
    log_activity(user_client, cpt, title=ARABIC, provider="مركز التدريب (Dubai) 2024",
                 completed_on="2024-06-01")
    data = report_pdf(user_client, cpt)

    # pdftotext marks right-to-left runs with embedding controls; a reader does not see them.
    text = re.sub("[\u202a-\u202e]", "", pdf_text(data))
    assert f"May 1, 2024 Training course {CHINESE} 8 contact" in text
    # The Arabic title stays in its own cell, between the category and the amount.
    assert f"Jun 1, 2024 Training course {ARABIC} 8 contact" in text

    flags = embedded_flags(data)
    assert set(flags.values()) == {"yes"}, flags
    # The Simplified Chinese face of Noto Sans CJK, however the PDF spells its name.
    assert any("notosanscjksc" in re.sub("[^a-z]", "", name.lower()) for name in flags), (
        list(flags))
    # Every letter of both titles is drawn from an embedded font, none as an empty box.
    assert set(CHINESE + ARABIC) - {" "} <= drawn_characters(data)


def test_the_pdf_is_dated_the_reports_day_and_carries_xmp(user_client, cpt):
    log_activity(user_client, cpt, title=CHINESE)
    data = report_pdf(user_client, cpt)
    reader = PdfReader(io.BytesIO(data))
    day = datetime(TODAY.year, TODAY.month, TODAY.day)
    assert midnight_utc(reader.metadata.creation_date) == day
    assert midnight_utc(reader.metadata.modification_date) == day
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert midnight_utc(xmp.xmp_create_date) == day
    assert midnight_utc(xmp.xmp_modify_date) == day
    assert xmp.dc_title == {"x-default": reader.metadata.title}
    assert reader.metadata.title.startswith("CPT recertification report, Pat Doe")
    assert xmp.dc_creator == ["Pat Doe"]
    # Dated by the report, not the clock: the same report renders to the same bytes.
    assert report_pdf(user_client, cpt) == data
