"""A checking reader over one TOML table, used by the catalog loader.

It records which keys were read, so `finish()` can report the unknown ones (a misspelt key
would otherwise be silently ignored), and it appends every problem, prefixed by the file and
the key path, to one shared list: the loader reports all problems of a file at once.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

ZERO = Decimal(0)
_MISSING = object()


class RuleSetError(Exception):
    """A rule-set file (or catalog folder, or the kinds file) with problems; `problems` lists
    every one."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = Path(path)
        self.problems = list(problems)
        super().__init__(f"{path}: {len(self.problems)} problem(s):\n  " + "\n  ".join(problems))


def load_toml(path: Path) -> dict[str, Any]:
    """A TOML file's data; RuleSetError when it cannot be read or is not valid TOML."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise RuleSetError(path, [f"{path}: cannot be read ({error.strerror})"]) from error
    except tomllib.TOMLDecodeError as error:
        raise RuleSetError(path, [f"{path}: is not valid TOML ({error})"]) from error


@dataclass(frozen=True)
class Unit:
    """A display name in singular and plural: "contact hour" / "contact hours"; a short name
    ("RUs") also says what it stands for (`meaning`: "recertification units")."""

    singular: str
    plural: str
    meaning: str | None = None

    @property
    def explained(self) -> str:
        """The plural with its meaning when it is a short name: "RUs (recertification units)"."""
        return f"{self.plural} ({self.meaning})" if self.meaning else self.plural

    def of(self, amount: Decimal | int) -> str:
        return self.singular if amount == 1 else self.plural


def to_decimal(value: Any) -> Decimal | None:
    """A TOML or JSON number (or numeric text) as an exact Decimal; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = repr(value)  # the shortest text that reads back as this float: 0.1 -> "0.1"
    if isinstance(value, int | str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _type_name(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


class Reader:
    def __init__(self, data: dict[str, Any], path: Path, prefix: str, problems: list[str]):
        self.data = data
        self.path = path
        self.prefix = prefix
        self.problems = problems
        self.used: set[str] = set()
        self._list_key: str | None = None  # set for a table inside an array of tables

    def problem(self, key: str, message: str) -> None:
        where = f"{self.prefix}.{key}" if self.prefix else key
        self.problems.append(f"{self.path}: {where}: {message}")

    def name_as(self, code: str | None) -> None:
        """Name an array-of-tables entry by its code ("categories[IC]") rather than its index."""
        if code and self._list_key:
            self.prefix = f"{self._list_key}[{code}]"

    def finish(self) -> None:
        for key in self.data:
            if key not in self.used:
                known = ", ".join(sorted(self.used))
                self.problem(key, f"unknown key (the keys allowed here are: {known})")

    def unique(self, key: str, codes: list[str]) -> None:
        seen: set[str] = set()
        for code in codes:
            if code and code in seen:  # a missing code is reported where it is read
                self.problem(f"{key}[{code}].code", f"{code!r} is defined more than once")
            seen.add(code)

    def forbid(self, key: str, reason: str) -> None:
        self.used.add(key)
        if key in self.data:
            self.problem(key, f"not allowed here: {reason}")

    def _get(self, key: str, required: bool) -> Any:
        self.used.add(key)
        if key in self.data:
            return self.data[key]
        if required:
            self.problem(key, "is missing")
        return _MISSING

    def _typed(self, key: str, required: bool, kind: type, label: str) -> Any:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            self.problem(key, f"must be {label}, not {_type_name(value)}")
            return None
        return value

    def string(
        self,
        key: str,
        required: bool = True,
        pattern: re.Pattern[str] | None = None,
        hint: str = "",
    ) -> str | None:
        value = self._typed(key, required, str, "text")
        if value is None:
            return None
        if not value.strip():
            self.problem(key, "must not be empty")
            return None
        if pattern is not None and not pattern.match(value):
            self.problem(key, f"{value!r} is not a valid value {hint}".rstrip())
            return None
        return value

    def line(self, key: str, longest: int = 120) -> str | None:
        """Optional text on one line, at most `longest` characters (a one-line summary)."""
        value = self.string(key, required=False)
        if value is None:
            return None
        if "\n" in value or len(value) > longest:
            self.problem(key, f"must be one line of at most {longest} characters")
            return None
        return value.strip()

    def integer(self, key: str, minimum: int | None = None, required: bool = True) -> int | None:
        value = self._typed(key, required, int, "a whole number")
        if value is not None and minimum is not None and value < minimum:
            self.problem(key, f"must be at least {minimum} (found {value})")
            return None
        return value

    def boolean(self, key: str, required: bool = True) -> bool | None:
        return self._typed(key, required, bool, "true or false")

    def date(self, key: str, required: bool = True) -> datetime.date | None:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            self.problem(key, f"must be a TOML date like 2006-01-01, not {_type_name(value)}")
            return None
        return value

    def decimal(
        self,
        key: str,
        required: bool = True,
        positive: bool = False,
        message: str = "cannot be below zero",
    ) -> Decimal | None:
        raw = self._get(key, required)
        if raw is _MISSING:
            return None
        value = to_decimal(raw)
        if value is None:
            self.problem(key, f"must be a number, not {raw!r}")
        elif value < 0:
            self.problem(key, f"{message} (found {value})")
        elif positive and value == 0:
            self.problem(key, "must be more than zero")
        else:
            return value
        return None

    def choice(self, key: str, options: tuple[str, ...]) -> str | None:
        value = self.string(key)
        if value is not None and value not in options:
            self.problem(key, f"{value!r} is not one of: {', '.join(options)}")
            return None
        return value

    def string_list(
        self, key: str, required: bool = True, nonempty: bool = False
    ) -> list[str] | None:
        value = self._typed(key, required, list, "a list")
        if value is None:
            return None
        if nonempty and not value:
            self.problem(key, "must not be empty")
        if not all(isinstance(item, str) for item in value):
            self.problem(key, "must be a list of text values")
            return None
        return value

    def decimal_list(self, key: str, lowest: Decimal, highest: Decimal) -> list[Decimal] | None:
        value = self._typed(key, True, list, "a list")
        if value is None:
            return None
        numbers = [to_decimal(item) for item in value]
        if not numbers or any(n is None or not lowest < n <= highest for n in numbers):
            self.problem(
                key, f"must be a non-empty list of numbers above {lowest}, at most {highest}"
            )
            return None
        return [n for n in numbers if n is not None]

    def integer_list(self, key: str, minimum: int, required: bool = True) -> list[int] | None:
        value = self._typed(key, required, list, "a list")
        if value is None:
            return None
        if any(isinstance(n, bool) or not isinstance(n, int) or n < minimum for n in value):
            self.problem(key, f"must be a list of whole numbers of at least {minimum}")
            return None
        return list(value)

    def table(self, key: str, required: bool = True) -> Reader | None:
        value = self._typed(key, required, dict, "a table")
        if value is None:
            return None
        prefix = f"{self.prefix}.{key}" if self.prefix else key
        return Reader(value, self.path, prefix, self.problems)

    def tables(self, key: str, required: bool = True) -> list[Reader]:
        value = self._typed(key, required, list, "a list of tables")
        if value is None:
            return []
        if required and not value:
            self.problem(key, "must have at least one entry")
        readers = []
        list_key = f"{self.prefix}.{key}" if self.prefix else key
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                self.problem(f"{key}[{index}]", f"must be a table, not {_type_name(item)}")
                continue
            reader = Reader(item, self.path, f"{list_key}[{index}]", self.problems)
            reader._list_key = list_key
            readers.append(reader)
        return readers


def read_unit(reader: Reader, key: str) -> Unit | None:
    """A `{singular = ..., plural = ..., meaning = ...}` table (`meaning` optional: what a short
    name stands for)."""
    table = reader.table(key)
    if table is None:
        return None
    singular, plural = table.string("singular"), table.string("plural")
    meaning = table.string("meaning", required=False)
    table.finish()
    if singular is None or plural is None:
        return None
    return Unit(singular, plural, meaning)


def read_cap_per_year(reader: Reader, cap: Decimal | None) -> Decimal | None:
    """A category's optional `cap_per_year`: most points counted in each year of the cycle."""
    value = reader.decimal("cap_per_year", required=False, positive=True)
    if value is not None and cap is not None and value > cap:
        reader.problem("cap_per_year", f"{value} is more than the cap {cap}")
    return value


def check_minimum_categories(top: Reader, minimum: int | None, defined: int) -> None:
    """`minimum_categories` cannot ask for more categories than the rule set defines."""
    if minimum is not None and defined and minimum > defined:
        top.problem("minimum_categories",
                    f"{minimum} is more than the {defined} categories defined")


def read_measure(reader: Reader, shape: str | None, what: str) -> tuple[Decimal | None,
                                                                    tuple[Decimal, ...]]:
    """The step of a quantity `shape`, or the full-time fractions of a period, of a category
    or a kind (`what`, for the messages)."""
    step: Decimal | None = None
    fractions: tuple[Decimal, ...] = ()
    if shape == "quantity":
        step = reader.decimal("step", positive=True)
        reader.forbid("fractions", f"only period {what} list fractions")
    elif shape == "period":
        fractions = tuple(reader.decimal_list("fractions", lowest=ZERO, highest=Decimal(1)) or ())
        reader.forbid("step", f"period {what} count whole months, they have no step")
    else:  # the shape is already reported; do not also call its keys unknown
        reader.used.update(("step", "fractions"))
    return step, fractions
