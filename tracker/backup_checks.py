"""What `restore` checks in a backup before it writes anything.

A backup is an SQLite file anyone could have edited, and SQLite keeps whatever a column is
given: `version` 'abc', `created_at` 'not a date', `tags` '{not json'. Every row of every table
is read as stored and held against the models: its value read back as the restore reads it,
of the column's type, inside the column's size, of the shape of the model's field; each
reference to a row of the backup; each unique value once. Every proof file goes through the
upload check again (tracker.activities.evidence). Each problem is one line naming the table,
the row and the column.
"""

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Dialect,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
    select,
    type_coerce,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.types import NullType, TypeDecorator
from sqlmodel import SQLModel
from sqlmodel.main import default_registry

from tracker.activities.evidence import UploadProblem, check_kept, too_many_files
from tracker.models import Evidence

ROWS_PER_BATCH = 1000
# Tables with files (evidence) go a few rows at a time, so memory holds only a few files.
FILES_PER_BATCH = 8
# How much of a wrong value a line shows.
SHOWN_LENGTH = 40

EVIDENCE = Evidence.__table__
# The widest whole number each integer type holds on PostgreSQL (SQLite holds 64 bits).
INTEGER_BITS = ((SmallInteger, 16), (BigInteger, 64), (Integer, 32))
# A model field's type in words, for a value of the wrong shape.
TYPE_WORDS = {str: "text", int: "a whole number", bool: "true or false", Decimal: "a number",
              date: "a date", datetime: "a date and time", bytes: "binary data",
              dict: "a JSON object", list: "a JSON list"}
PLURAL_WORDS = {str: "texts", int: "whole numbers", dict: "JSON objects", list: "JSON lists"}


def batch_size(table: Table) -> int:
    """How many rows of `table` to hold at a time."""
    has_files = any(isinstance(column.type, LargeBinary) for column in table.columns)
    return FILES_PER_BATCH if has_files else ROWS_PER_BATCH


def reason(error: Exception) -> str:
    """The database's own words, on one line."""
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0]


def backup_problems(source: Connection) -> Iterator[str]:
    """Every problem of the backup open on `source`, one line each; none for a good backup."""
    tables = SQLModel.metadata.sorted_tables
    referred = {(key.column.table.name, key.column.name)
                for table in tables for key in table.foreign_keys}
    # The values each table holds in the columns other rows refer to (its ids); None for a
    # table that could not be read, so its rows are not also said to be missing.
    keys: dict[tuple[str, str], set | None] = {name: set() for name in referred}
    for table in tables:
        try:
            yield from _table_problems(source, table, keys)
        except SQLAlchemyError as error:
            yield f"{table.name} cannot be read: {reason(error)}"
            keys.update({name: None for name in referred if name[0] == table.name})


def _table_problems(source: Connection, table: Table, keys: dict) -> Iterator[str]:
    readers = [_Reader(column, source.dialect) for column in table.columns]
    unique_sets = _unique_column_sets(table)
    seen: list[dict[tuple, str]] = [{} for _ in unique_sets]
    files = Counter()
    # As stored: the types' own reading is part of what is checked.
    query = select(*(type_coerce(column, NullType()).label(column.name)
                     for column in table.columns)).order_by(*table.primary_key.columns)
    result = source.execute(query.execution_options(yield_per=batch_size(table)))
    for rows in result.partitions():
        for row in rows:
            stored = row._mapping
            where = f"{table.name} row " + ", ".join(
                str(stored[column.name]) for column in table.primary_key.columns)
            values, bad = {}, set()
            for reader in readers:
                problem, values[reader.name] = reader.read(stored[reader.name])
                if problem:
                    bad.add(reader.name)
                    yield f"{where}: {reader.name} {problem}"
            yield from _reference_problems(where, table, values, bad, keys)
            for names, values_seen in zip(unique_sets, seen, strict=True):
                if bad.isdisjoint(names) and None not in (unique := tuple(
                        values[name] for name in names)):
                    if unique in values_seen:
                        yield (f"{where}: {', '.join(names)} {_shown(unique)} is also in "
                               f"{values_seen[unique]}")
                    values_seen[unique] = where
            for name, value in values.items():
                if name not in bad and (table.name, name) in keys:
                    keys[table.name, name].add(value)
            if table is EVIDENCE and not bad:
                files[values["activity_id"]] += 1
                yield from (f"{where}: {problem}" for problem in _file_problems(values))
    for activity_id, count in files.items():
        if refused := too_many_files(0, count):
            yield f"activities row {activity_id} has {count} proof files: {refused}"


def _reference_problems(where: str, table: Table, values: dict, bad: set,
                        keys: dict) -> Iterator[str]:
    for key in table.foreign_keys:
        name, value = key.parent.name, values.get(key.parent.name)
        referred = key.column.table.name
        held = keys[referred, key.column.name]
        if name not in bad and value is not None and held is not None and value not in held:
            yield f"{where}: {name} {value!r} refers to no {referred} row of the backup"


def _unique_column_sets(table: Table) -> list[tuple[str, ...]]:
    """The columns whose values no two rows may share: the primary key, unique constraints and
    unique indexes (only those of plain columns)."""
    sets = [tuple(column.name for column in table.primary_key.columns)]
    sets += [tuple(column.name for column in constraint.columns)
             for constraint in table.constraints if isinstance(constraint, UniqueConstraint)]
    sets += [tuple(column.name for column in index.columns)
             for index in table.indexes if index.unique and len(index.columns) == len(
                 index.expressions)]
    sets += [(column.name,) for column in table.columns if column.unique]
    return list(dict.fromkeys(names for names in sets if names))


def _file_problems(values: dict) -> Iterator[str]:
    """A proof file must pass the upload check today, and its row must say what it holds.

    At any size: the instance's upload limit may have been lowered since it was uploaded."""
    data, filename = values["data"], values["filename"]
    try:
        checked = check_kept(data, filename)
    except UploadProblem as problem:
        yield f"data fails the upload check: {problem}"
        return
    if checked.filename != filename:
        yield (f"filename {_shown(filename)} is not the name an upload of it gets "
               f"({_shown(checked.filename)})")
    if checked.content_type != values["content_type"]:
        yield (f"content_type {_shown(values['content_type'])} is not the type of its data "
               f"({checked.content_type})")
    if checked.size != values["size"]:
        yield f"size {values['size']!r} is not the size of its data ({checked.size} bytes)"
    if checked.sha256 != values["sha256"]:
        yield f"sha256 {_shown(values['sha256'])} is not the SHA-256 of its data"


class _Reader:
    """One column: reads a stored value as the restore will, and says what is wrong with it."""

    def __init__(self, column: Column, dialect: Dialect) -> None:
        self.name = column.name
        self.column = column
        self.processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
        self.base = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
        self.field = _field_type(column)

    def read(self, stored: Any) -> tuple[str | None, Any]:
        """(what is wrong or None, the value as restored)."""
        if stored is None:
            return (None if self.column.nullable else "is missing"), None
        if isinstance(self.base, Boolean) and stored not in (0, 1):
            return f"{_shown(stored)} is not true or false (1 or 0)", None
        try:
            value = self.processor(stored) if self.processor else stored
        except (ValueError, TypeError, ArithmeticError, RecursionError):
            return f"{_shown(stored)} is not {self._words()}", None
        problem = self._type_problem(value) or self._shape_problem(value)
        return (f"{_shown(stored)} {problem}" if problem else None), value

    def _type_problem(self, value: Any) -> str | None:
        base = self.base
        if isinstance(base, Integer):
            if type(value) is not int:
                return "is not a whole number"
            bits = next(bits for kind, bits in INTEGER_BITS if isinstance(base, kind))
            if not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
                return f"is out of range (a {bits}-bit whole number)"
        elif isinstance(base, Numeric):
            if not isinstance(value, Decimal | int) or not Decimal(value).is_finite():
                return "is not a number"
            if base.precision is not None and base.scale is not None and \
                    abs(value) >= 10 ** (base.precision - base.scale):
                return (f"is too large (at most {base.precision - base.scale} digits before "
                        f"the decimal point)")
        elif isinstance(base, String):
            if not isinstance(value, str):
                return "is not text"
            if base.length is not None and len(value) > base.length:
                return f"is longer than {base.length} characters"
            if "\x00" in value:
                return "holds a NUL character"
        elif isinstance(base, LargeBinary) and not isinstance(value, bytes):
            return "is not binary data"
        elif isinstance(base, DateTime | Date) and not isinstance(value, date):
            return f"is not {self._words()}"
        return None

    def _shape_problem(self, value: Any) -> str | None:
        if self.field is None:
            return None
        try:
            _adapter(self.field).validate_python(value)
        except ValidationError:
            return f"is not {_words_for(self.field)}"
        return None

    def _words(self) -> str:
        if isinstance(self.base, JSON):
            return "valid JSON"
        if isinstance(self.base, Numeric):
            return "a number"
        if isinstance(self.base, DateTime):
            return "a date and time (YYYY-MM-DD HH:MM:SS)"
        if isinstance(self.base, Date):
            return "a date (YYYY-MM-DD)"
        return "of its type"


@cache
def _models() -> dict[str, type]:
    return {mapper.class_.__tablename__: mapper.class_ for mapper in default_registry.mappers
            if hasattr(mapper.class_, "__tablename__")}


def _field_type(column: Column) -> Any:
    """The type the model declares for the column's field, or None."""
    model = _models().get(column.table.name)
    field = model.model_fields.get(column.name) if model else None
    return field.annotation if field else None


@cache
def _adapter(annotation: Any) -> TypeAdapter:
    return TypeAdapter(annotation)


def _words_for(annotation: Any) -> str:
    """`list[str]`: "a list of texts"; a StrEnum: "one of open, renewed, lapsed"."""
    if get_origin(annotation) in (Union, UnionType):
        [annotation] = [arg for arg in get_args(annotation) if arg is not NoneType]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "one of " + ", ".join(str(member.value) for member in annotation)
    if get_origin(annotation) is list:
        [item] = get_args(annotation) or [Any]
        item = get_origin(item) or item
        return f"a list of {PLURAL_WORDS.get(item, 'values')}"
    return TYPE_WORDS.get(get_origin(annotation) or annotation, "of its type")


def _shown(value: Any) -> str:
    """A wrong value as a line shows it: quoted if text, cut short if long, never raw bytes."""
    if isinstance(value, bytes):
        return f"({len(value)} bytes)"
    if isinstance(value, tuple):
        return ", ".join(_shown(part) for part in value)
    if isinstance(value, str) and len(value) > SHOWN_LENGTH:
        return repr(value[:SHOWN_LENGTH]) + "..."
    return repr(value)
