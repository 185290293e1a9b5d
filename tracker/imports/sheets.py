"""An uploaded spreadsheet as the CSV the import reads: an Excel workbook (.xlsx, or an old
.xls) is known by its content, not its name, and its first sheet is written out as CSV text;
any other file is taken as CSV as it came.

Cells come as Excel keeps them: a date as a date, a number as a float. They are written as the
CSV path expects them: 2024-05-31, 7.5, 8 (not 8.0), yes.
"""

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

from python_calamine import CalamineError, CalamineWorkbook

from tracker.imports.parsing import MAX_COLUMNS, MAX_ROWS, FileProblem

ZIP_START = b"PK\x03\x04"  # .xlsx is a ZIP of XML files
OLE_START = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any workbook saved with a password
# What the sheets of a workbook may hold once unzipped: far more than 10,000 rows of
# activities need, far less than a file built to fill the server's memory.
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
DAMAGED = ("We could not open this spreadsheet. It may be damaged, or locked with a password. "
           "Open it in Excel, save it again without a password (as .xlsx or CSV), and try again.")


def is_workbook(data: bytes) -> bool:
    return data.startswith((ZIP_START, OLE_START))


def as_csv(data: bytes) -> bytes:
    """The file as CSV bytes (UTF-8); FileProblem when a workbook cannot be read."""
    if not is_workbook(data):
        return data
    if data.startswith(ZIP_START):
        _check_unzipped_size(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise FileProblem("The workbook has no sheets.")
        sheet = workbook.get_sheet_by_index(0)
        if sheet.height - 1 > MAX_ROWS:
            raise FileProblem(
                f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files."
            )
        if sheet.width > MAX_COLUMNS:  # (the cells read are at most rows x columns)
            raise FileProblem(f"The first sheet has more than {MAX_COLUMNS} columns. Keep "
                              "only the columns of your activities and try again.")
        rows = sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as error:
        if isinstance(error, FileProblem):
            raise
        raise FileProblem(DAMAGED) from None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell_text(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def _check_unzipped_size(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileProblem(DAMAGED) from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise FileProblem("This workbook is too large once opened. Keep only your activities "
                          "on its first sheet, or save it as CSV, and try again.")


def cell_text(cell) -> str:
    """A cell as the text the CSV path reads."""
    if isinstance(cell, bool):  # before numbers: a bool is an int
        return "yes" if cell else ""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float):
        if cell.is_integer():
            return str(int(cell))
        return format(Decimal(repr(cell)), "f")  # 7.5, never 7.5e-05
    return str(cell).strip()
