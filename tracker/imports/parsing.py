"""Reading an activities CSV (the columns of the CSV export) into plain values, cell by cell.

Pure: no Flask, no database. Every problem names its spreadsheet row and column, in words a
10th-grade reader understands. Nothing is guessed: a decimal comma or an unreadable date is
an error, never a silent change.
"""

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from itertools import chain

from tracker.reports.documents import CSV_COLUMNS, FORMULA_STARTS

MAX_ROWS = 10_000  # rows under the header, blank ones too
MAX_COLUMNS = 100  # columns with a name or a value, for the matching step to offer
# The longest line read: far longer than an exported row with every cell at its longest.
MAX_LINE = 100_000
# The columns the import reads; the export's other columns (points, unit...) are ignored.
# Kind names what was done (tracker.imports.rows); files made before activities had kinds
# name a Category instead, as the CSV export does.
READ_COLUMNS = (
    "Date completed", "Start date", "Still employed", "Kind", "Category", "Title", "Provider",
    "Quantity", "Full-time fraction", "Notes", "Skills",
)
REQUIRED_COLUMNS = ("Date completed", "Title", "Quantity")
ONE_OF_COLUMNS = ("Kind", "Category")  # at least one of them
assert set(READ_COLUMNS) - {"Kind"} <= set(CSV_COLUMNS)

EXCEL_DAY_ZERO = date(1899, 12, 30)  # Excel's serial 1 is 1900-01-01 (after its leap-day bug)
EXCEL_SERIAL = re.compile(r"^\d{1,7}(\.\d+)?$")
# A number is a date (as Excel stores one) only in these years: "2024" or "12" in a date
# column is a year or a day typed alone, not 1905-07-16 or 1900-01-11. From 1950, not later:
# a job's start date may be decades old.
EXCEL_SERIALS = range((date(1950, 1, 1) - EXCEL_DAY_ZERO).days,
                      (date(2100, 12, 31) - EXCEL_DAY_ZERO).days + 1)
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
SLASH_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})( \d{1,2}:\d{2}(:\d{2})?)?$")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
YES = {"yes", "y", "true", "1", "x"}
NO = {"", "no", "n", "false", "0"}


class FileProblem(ValueError):
    """The file as a whole cannot be read (not CSV, missing columns, too many rows...)."""


@dataclass(frozen=True)
class CellProblem:
    row: int  # the spreadsheet's row number: the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.column}: {self.message}"


@dataclass
class RawRow:
    """One data row: its cells by column name, as text with the export's ' removed."""

    number: int
    cells: dict[str, str]
    problems: list[CellProblem] = field(default_factory=list)

    def text(self, column: str) -> str:
        return self.cells.get(column, "")

    def problem(self, column: str, message: str) -> None:
        self.problems.append(CellProblem(self.number, column, message))


def unneutralise(value: str) -> str:
    """Undo the export's guard against formulas: "'=SUM(A1)" is read back as "=SUM(A1)"."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _lines(data: bytes) -> Iterator[str]:
    """The file's lines as UTF-8 text (with or without a byte-order mark), decoded a piece at
    a time: the whole file is never held as text, nor any line longer than MAX_LINE."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    try:
        while line := stream.readline(MAX_LINE + 1):
            if len(line) > MAX_LINE:
                raise FileProblem(
                    f"The file has a line longer than {MAX_LINE:,} characters, which no "
                    "activity needs. Start from the template, or from a CSV exported by Recert."
                )
            yield line
    except UnicodeDecodeError:
        raise FileProblem(
            "We could not read this file. Save it as “CSV UTF-8” and try again."
        ) from None


def _is_blank(data: bytes) -> bool:
    body = data.removeprefix(codecs.BOM_UTF8)
    return not body or body.isspace()


def records(data: bytes) -> Iterator[list[str]]:
    """The file's rows as lists of cells (stripped, the export's ' removed), the header first.

    Read as a stream, one row at a time: every row after the first counts against MAX_ROWS,
    blank or not, so a file of empty lines costs no more than a full one."""
    lines = _lines(data)
    first_line = next(lines, "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(chain([first_line], lines), delimiter=delimiter)
    try:
        for number, record in enumerate(reader, start=1):
            if number - 2 >= MAX_ROWS:
                raise FileProblem(
                    f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files."
                )
            yield [unneutralise(cell).strip() for cell in record]
    except csv.Error as error:
        raise FileProblem(f"This is not a CSV file we can read ({error}).") from None


def header_of(data: bytes) -> list[str]:
    """The names in the file's first row; FileProblem when the file is empty."""
    header = next(records(data), [])
    if not any(header) and _is_blank(data):
        raise FileProblem("The file is empty.")
    return header


def read_rows(data: bytes, columns: dict[str, int] | None = None) -> list[RawRow]:
    """The file's data rows; raises FileProblem when the file as a whole is not usable.

    `columns` gives the index of each column read, by its name in READ_COLUMNS (the matching
    a person chose); without it, the first row must name them as the template does."""
    positions = _positions(header_of(data)) if columns is None else columns
    rows = []
    reader = records(data)
    next(reader, None)  # the header
    for number, record in enumerate(reader, start=2):
        if not any(record):
            continue  # blank lines at the end of a sheet
        cells = {name: record[index] if index < len(record) else ""
                 for name, index in positions.items()}
        rows.append(RawRow(number, cells))
    if not rows:
        raise FileProblem("The file has no activities under its first row.")
    return rows


def has_recert_columns(header: list[str]) -> bool:
    """Whether the first row names the columns as the template and the CSV export do."""
    try:
        _positions(header)
    except FileProblem:
        return False
    return True


def _positions(header: list[str]) -> dict[str, int]:
    """The index of each column read, by its name; FileProblem when one required is missing."""
    by_name = {name.casefold(): index for index, name in enumerate(header)}
    missing = [name for name in REQUIRED_COLUMNS if name.casefold() not in by_name]
    if not any(name.casefold() in by_name for name in ONE_OF_COLUMNS):
        missing.insert(0, ONE_OF_COLUMNS[0])
    if missing:
        raise FileProblem(
            "The first row must name the columns. Missing: " + ", ".join(missing)
            + ". Start from the template, or from a CSV exported by Recert."
        )
    return {name: by_name[name.casefold()] for name in READ_COLUMNS
            if name.casefold() in by_name}


def read_date(row: RawRow, column: str, day_first: bool) -> date | None:
    """A date in ISO form, month/day/year (or day/month/year), or an Excel serial number."""
    value = row.text(column)
    if not value:
        return None
    try:
        return parse_date(value, day_first)
    except ValueError as error:
        row.problem(column, str(error))
        return None


def parse_date(value: str, day_first: bool) -> date:
    if match := ISO_DATE.match(value):
        year, month, day = (int(part) for part in match.groups()[:3])
        return _make_date(value, year, month, day)
    if match := SLASH_DATE.match(value):
        first, second, year = (int(part) for part in match.groups()[:3])
        month, day = (second, first) if day_first else (first, second)
        return _make_date(value, year, month, day, day_first=day_first)
    if EXCEL_SERIAL.match(value) and (serial := int(Decimal(value))) in EXCEL_SERIALS:
        return EXCEL_DAY_ZERO + timedelta(days=serial)
    example = "31/5/2024" if day_first else "5/31/2024"
    raise ValueError(f"“{value}” is not a date we can read. "
                     f"Write dates like 2024-05-31 or {example}.")


def _make_date(text: str, year: int, month: int, day: int,
               day_first: bool | None = None) -> date:
    """The date, or a ValueError that says when the other day/month order would work."""
    try:
        return date(year, month, day)
    except ValueError:
        pass
    hint = ""
    if day_first is not None and _is_date(year, day, month):
        other = "month/day/year" if day_first else "day/month/year"
        hint = f" Your dates may be {other}: choose that option and try again."
    raise ValueError(f"“{text}” is not a real date.{hint}")


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def read_number(row: RawRow, column: str) -> Decimal | None:
    value = row.text(column)
    if not value:
        return None
    if "," in value:
        fixed = value.replace(".", "").replace(",", ".")
        row.problem(column, f"“{value}” uses a comma. Write numbers with a dot, like {fixed}, "
                            "and no thousands separator.")
        return None
    if not NUMBER.match(value):
        row.problem(column, f"“{value}” is not a number. Write a number like 7.5.")
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        row.problem(column, f"“{value}” is not a number. Write a number like 7.5.")
        return None
    return number


def read_yes_no(row: RawRow, column: str) -> bool:
    value = row.text(column).casefold()
    if value in YES:
        return True
    if value not in NO:
        row.problem(column, f"Write “yes” or leave it empty, not “{row.text(column)}”.")
    return False


def read_list(row: RawRow, column: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,]", row.text(column)) if part.strip()]
