"""The kinds of activity: one list, shared by every rule set, read from `kinds.toml`.

An activity is recorded once, as one kind with its amount in the kind's unit. Each rule set
says in its `[[categories]]` tables which kinds land in which category and how a kind's unit
converts to the category's (see `read_kinds`, and `RuleSet.landing`); a kind a rule set
does not list does not count for it.

File format (every key is checked; an unknown key is an error)::

    [[kinds]] code, name, shape ("quantity" or "period"), unit = {singular, plural},
        step (quantity only: amounts are multiples of it), fractions (period only: allowed
        full-time fractions), line (what it is, in one plain line), example (one
        example of it), help (optional)

The kinds keep the file's order: forms list them in it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from tracker.rules.definitions import Kind
from tracker.rules.reader import (
    Reader,
    RuleSetError,
    Unit,
    load_toml,
    read_measure,
    read_unit,
)

__all__ = ["KINDS", "KINDS_FILE", "Kind", "kind_of", "load_kinds", "read_kinds"]

KINDS_FILE = Path(__file__).parent / "kinds.toml"
SHAPES = ("quantity", "period")
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def load_kinds(path: Path | str = KINDS_FILE) -> tuple[Kind, ...]:
    """Read and check a kinds file; raise RuleSetError listing every problem."""
    path = Path(path)
    problems: list[str] = []
    top = Reader(load_toml(path), path, "", problems)
    kinds = tuple(_kind(reader) for reader in top.tables("kinds"))
    top.finish()
    top.unique("kinds", [kind.code for kind in kinds])
    if problems:
        raise RuleSetError(path, problems)
    return kinds


def _kind(reader: Reader) -> Kind:
    code = reader.string("code", pattern=_CODE, hint="(lower-case letters, digits and -)")
    reader.name_as(code)
    shape = reader.choice("shape", SHAPES)
    step, fractions = read_measure(reader, shape, "kinds")
    kind = Kind(
        code=code or "",
        name=reader.string("name") or "",
        shape=shape or "quantity",
        unit=read_unit(reader, "unit") or Unit("", ""),
        step=step,
        fractions=fractions,
        help=reader.string("help", required=False),
        line=reader.string("line") or "",
        example=reader.string("example") or "",
    )
    reader.finish()
    return kind


KINDS: tuple[Kind, ...] = load_kinds()
_BY_CODE = {kind.code: kind for kind in KINDS}


def kind_of(code: str) -> Kind | None:
    """The kind with this code; None for a code the kinds file does not define."""
    return _BY_CODE.get(code)


def read_kinds(
    reader: Reader, shape: str | None
) -> tuple[tuple[str, ...], Mapping[str, Decimal] | None]:
    """A category's `kinds` (the kinds that land in it: required, not empty, each of the
    category's `shape`) and optional `per_unit` (`{kind = how many of the category's units one
    unit of the kind is}`, each kind one of `kinds`; not in period categories)."""
    codes = reader.string_list("kinds")
    if codes is not None and not codes:
        reader.problem("kinds", "must list at least one kind: a category no kind lands in "
                       "could never be logged for")
    codes = codes or []
    seen: set[str] = set()
    for code in codes:
        found = kind_of(code)
        if code in seen:
            reader.problem("kinds", f"{code!r} is listed more than once")
        elif found is None:
            reader.problem("kinds", f"{code!r} is not a kind (the kinds, in "
                           f"{KINDS_FILE.name}, are: {', '.join(_BY_CODE)})")
        elif shape is not None and found.shape != shape:
            reader.problem("kinds", f"{code!r} is a {found.shape} kind; it cannot land "
                           f"in a {shape} category")
        seen.add(code)
    return tuple(dict.fromkeys(codes)), _per_unit(reader, codes, shape)


def _per_unit(
    reader: Reader, codes: list[str], shape: str | None
) -> Mapping[str, Decimal] | None:
    if shape == "period":
        reader.forbid("per_unit", "a period category counts a job's months as they are")
        return None
    table = reader.table("per_unit", required=False)
    if table is None:
        return None
    rates: dict[str, Decimal] = {}
    for code in table.data:
        rate = table.decimal(code, positive=True)
        if code not in codes:
            table.problem(code, f"{code!r} is not one of this category's kinds "
                          f"(it lists: {', '.join(codes) or 'none'})")
        elif rate is not None:
            rates[code] = rate
    if not table.data:
        reader.problem("per_unit", "must convert at least one kind, or be left out")
    return MappingProxyType(rates)
