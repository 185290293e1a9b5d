"""Which column of a person's spreadsheet holds which of Recert's fields: guessed from the
header names and the values, changed by the person on the matching step, and remembered for
their next file with the same headers (ColumnMatching).

A matching names each field by the index of its column in the file, plus what applies to the
whole file: a kind for rows that name none, and whether the amounts are CEUs.
"""

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from tracker.imports import parsing
from tracker.imports.models import ColumnMatching
from tracker.imports.parsing import NUMBER, RawRow
from tracker.models import utcnow
from tracker.rules.kinds import KINDS

SAMPLE_ROWS = 50  # the rows whose values a guess looks at
SHOWN_SAMPLES = 3
HOURS_PER_CEU = Decimal(10)


@dataclass(frozen=True)
class Field:
    column: str  # the name parsing.READ_COLUMNS and tracker.imports.rows read it by
    question: str
    names: tuple[str, ...]  # header names that mean it, in lower case, words only
    main: bool = True  # asked first; the others are for jobs and extras

    @property
    def key(self) -> str:
        """Its name in a form."""
        return "field_" + re.sub(r"\W+", "_", self.column.casefold())


FIELDS = (
    Field("Date completed", "Which column has the date you finished?",
          ("date completed", "completed", "completion date", "date of completion", "completed on",
           "date", "finished", "date finished", "end date", "end", "completion")),
    Field("Title", "Which column has the name of the course or activity?",
          ("title", "course", "training", "course name", "course title", "class", "activity",
           "name", "subject", "training name", "program")),
    Field("Quantity", "Which column has how much: the hours (or CEUs, credits)?",
          ("quantity", "hours", "contact hours", "ceus", "ceu", "credits", "credit hours",
           "amount", "points", "pdus", "duration", "clock hours", "training hours")),
    Field("Provider", "Which column has who gave it: the school or company?",
          ("provider", "school", "organization", "organisation", "company", "vendor",
           "trainer", "issuer", "issued by", "sponsor", "institution", "college")),
    Field("Kind", "Which column says what kind of activity it was?",
          ("kind", "type", "activity type", "kind of activity")),
    Field("Category", "Which column has the category?", ("category",)),
    Field("Start date", "For a job: which column has the date you started?",
          ("start date", "start", "started", "date started", "from", "began"), main=False),
    Field("Still employed", "For a job: which column says you still work there?",
          ("still employed", "current", "current job"), main=False),
    Field("Full-time fraction", "For a job: which column has the full-time fraction?",
          ("full time fraction", "fte", "full time"), main=False),
    Field("Notes", "Which column has notes?",
          ("notes", "note", "comments", "comment", "remarks", "description"), main=False),
    Field("Skills", "Which column has skills?", ("skills", "skill", "tags"), main=False),
)
NEEDED = ("Date completed", "Title", "Quantity")  # parsing.REQUIRED_COLUMNS, by another door
DATE_FIELDS = ("Date completed", "Start date")
NUMBER_FIELDS = ("Quantity", "Full-time fraction")
KIND_WORDS = {text.casefold() for kind in KINDS for text in (kind.code, kind.name)}


@dataclass(frozen=True)
class Column:
    """One column of the file: its header and the first values under it."""

    index: int
    header: str
    values: tuple[str, ...]  # the non-empty ones of the first SAMPLE_ROWS rows

    @property
    def samples(self) -> list[str]:
        """A few different values, to show."""
        return list(dict.fromkeys(self.values))[:SHOWN_SAMPLES]

    @property
    def name(self) -> str:
        return self.header or f"Column {self.index + 1} (no name)"


@dataclass(frozen=True)
class Matching:
    columns: dict[str, int]  # Recert's column name -> the index of the file's column
    default_kind: str = ""  # the kind of the rows that name none ("": each names its own)
    in_ceus: bool = False  # the amounts are CEUs, turned into hours
    names: dict[str, str] = field(default_factory=dict, compare=False)  # the file's headers

    def to_dict(self) -> dict:
        return {"columns": self.columns, "default_kind": self.default_kind,
                "in_ceus": self.in_ceus}

    @classmethod
    def from_dict(cls, data: dict, headers: list[str]) -> "Matching":
        """A matching carried in a signed token (so its shape is ours), for these headers."""
        columns = {name: index for name, index in data["columns"].items()
                   if name in parsing.READ_COLUMNS and 0 <= index < len(headers)}
        return cls(columns, data["default_kind"], data["in_ceus"],
                   {name: headers[index] or name for name, index in columns.items()})

    def missing(self) -> list[str]:
        """Recert's fields the file must give and this matching does not."""
        missing = [name for name in NEEDED if name not in self.columns]
        if not self.default_kind and not {"Kind", "Category"} & self.columns.keys():
            missing.append("Kind")
        return missing

    def prepare(self, raw: RawRow) -> None:
        """What applies to every row: CEUs into hours, the file's kind where a row has none."""
        amount = raw.cells.get("Quantity", "")
        if self.in_ceus and NUMBER.match(amount):
            raw.cells["Quantity"] = format((Decimal(amount) * HOURS_PER_CEU).normalize(), "f")
        if self.default_kind and not raw.cells.get("Kind") and not raw.cells.get("Category"):
            raw.cells["Kind"] = self.default_kind


def columns_of(data: bytes) -> list[Column]:
    """The file's columns with their first values; FileProblem when it has no data rows."""
    records = parsing.records(data)
    header = parsing.header_of(data)
    if not any(header):
        raise parsing.FileProblem("The first row must name the columns, like Date, Course, "
                                  "Hours. Add a row of names at the top and try again.")
    next(records, None)
    rows = []
    for record in records:
        if any(record):
            rows.append(record)
        if len(rows) == SAMPLE_ROWS:
            break
    if not rows:
        raise parsing.FileProblem("The file has no activities under its first row.")
    width = max(_width(header), *(_width(row) for row in rows))
    if width > parsing.MAX_COLUMNS:
        raise parsing.FileProblem(
            f"The file has more than {parsing.MAX_COLUMNS} columns. Keep only the columns of "
            "your activities and try again.")
    header = (header + [""] * width)[:width]
    return [Column(index, name, tuple(row[index] for row in rows
                                      if index < len(row) and row[index]))
            for index, name in enumerate(header)]


def _width(record: list[str]) -> int:
    """The columns up to the last one with something in it."""
    return next((index + 1 for index in range(len(record) - 1, -1, -1) if record[index]), 0)


def _words(header: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", header.casefold()))


def headers_key(headers: list[str]) -> str:
    """The same for two files whose first rows differ only in case, spaces, punctuation and
    empty cells at the end."""
    words = [_words(header) for header in headers]
    while words and not words[-1]:
        words.pop()
    return hashlib.sha256("\x1f".join(words).encode()).hexdigest()


def _name_score(field_: Field, header: str) -> tuple[int, int, int]:
    """How well a header names the field: the name exactly, a name as its last words (the
    "provider" of "Training provider"), a name among its words; 0 when none."""
    words = _words(header)
    best = (0, 0, 0)
    for name in field_.names:
        if words == name:
            best = max(best, (3, len(name), 0))
        elif words.endswith(" " + name):
            best = max(best, (2, len(name), 0))
        elif f" {name} " in f" {words} ":
            best = max(best, (1, len(name), 0))
    return best


def _all(values: tuple[str, ...], test) -> bool:
    return bool(values) and all(test(value) for value in values)


def _is_date(value: str, day_first: bool) -> bool:
    try:
        parsing.parse_date(value, day_first)
    except ValueError:
        return False
    return True


def _fits(field_: Field, column: Column, day_first: bool) -> bool:
    """Whether the column's values can be the field's (an empty column can be anything)."""
    if not column.values:
        return True
    if field_.column in DATE_FIELDS:
        return _all(column.values, lambda value: _is_date(value, day_first))
    if field_.column in NUMBER_FIELDS:
        return _all(column.values, NUMBER.match)
    if field_.column == "Kind":
        return any(value.casefold() in KIND_WORDS for value in column.values)
    return True


def guess(columns: list[Column], day_first: bool) -> Matching:
    """Each field's column from the headers (the best-named pairs first), then the needed
    fields still unmatched from the values: dates, numbers, then text for the title."""
    pairs = sorted(
        ((_name_score(field_, column.header), -column.index, field_, column)
         for field_ in FIELDS for column in columns
         if _fits(field_, column, day_first)),
        key=lambda pair: pair[:2], reverse=True)
    chosen: dict[str, int] = {}
    for score, _order, field_, column in pairs:
        if score[0] and field_.column not in chosen and column.index not in chosen.values():
            chosen[field_.column] = column.index
    free = [column for column in columns
            if column.index not in chosen.values() and column.values]
    by_values = {
        "Date completed": lambda c: _all(c.values, lambda v: _is_date(v, day_first)),
        "Quantity": lambda c: _all(c.values, NUMBER.match),
        "Title": lambda c: not any(NUMBER.match(v) or _is_date(v, day_first) for v in c.values),
    }
    for name, test in by_values.items():
        if name not in chosen and (found := next((c for c in free if test(c)), None)):
            chosen[name] = found.index
            free.remove(found)
    in_ceus = "Quantity" in chosen and "ceu" in _words(columns[chosen["Quantity"]].header)
    return Matching(chosen, in_ceus=in_ceus)


def remembered(session: Session, user_id: int, headers: list[str]) -> Matching | None:
    """The matching the person chose for their last file with these headers."""
    saved = session.exec(select(ColumnMatching).where(
        ColumnMatching.user_id == user_id,
        ColumnMatching.headers_key == headers_key(headers))).first()
    if saved is None:
        return None
    wanted = saved.matching
    by_header = {}
    for index, header in enumerate(headers):
        by_header.setdefault(_words(header), index)
    columns = {name: by_header[_words(header)] for name, header
               in wanted.get("columns", {}).items()
               if name in parsing.READ_COLUMNS and isinstance(header, str)
               and _words(header) in by_header}
    return Matching(columns, str(wanted.get("default_kind") or ""),
                    bool(wanted.get("in_ceus")))


def remember(session: Session, user_id: int, headers: list[str], matching: Matching) -> None:
    """Keep the matching for the person's next file with these headers (by header name)."""
    key = headers_key(headers)
    stored = {"columns": {name: headers[index] for name, index in matching.columns.items()},
              "default_kind": matching.default_kind, "in_ceus": matching.in_ceus}
    saved = session.exec(select(ColumnMatching).where(
        ColumnMatching.user_id == user_id, ColumnMatching.headers_key == key)).first()
    if saved is None:
        saved = ColumnMatching(user_id=user_id, headers_key=key)
    saved.matching = stored
    saved.updated_at = utcnow()
    session.add(saved)
    try:
        session.commit()
    except IntegrityError:  # the same headers saved at once in another tab: theirs stays
        session.rollback()
