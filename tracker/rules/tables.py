"""How each table of a rule-set file is read: fees, categories, groups, modules and the carry-over
table, each checked and marked with its figures' provenance (`tracker.rules.catalog` reads the
file and puts them together)."""

from __future__ import annotations

import re
from decimal import Decimal

from tracker.rules.definitions import CarryOver, Category, Fee, Group, KeyActivity, Module
from tracker.rules.kinds import read_kinds
from tracker.rules.provenance import (
    CARRY_OVER_FIGURES,
    CATEGORY_FIGURES,
    FEE_FIGURES,
    GROUP_FIGURES,
    Marker,
)
from tracker.rules.reader import ZERO, Reader, Unit, read_cap_per_year, read_measure, read_unit

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
HUNDRED = Decimal(100)


def read_lines(reader: Reader, key: str, longest: int = 160) -> tuple[str, ...]:
    """An optional list of plain lines of text shown as a list (examples, what does not count)."""
    lines = reader.string_list(key, required=False) or []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or "\n" in line or len(line) > longest:
            reader.problem(key, f"line {number} must be one line of 1 to {longest} characters")
    return tuple(line.strip() for line in lines)


def read_fee(reader: Reader, marker: Marker) -> Fee:
    marker.mark(reader, FEE_FIGURES)
    fee = Fee(
        label=reader.string("label") or "",
        amount=reader.decimal("amount") or ZERO,
        currency=reader.string("currency", pattern=_CURRENCY, hint='like "USD"') or "",
    )
    reader.finish()
    return fee


def read_category(reader: Reader, marker: Marker) -> Category:
    code = reader.string("code", pattern=CODE)
    reader.name_as(code)
    marker.mark(reader, CATEGORY_FIGURES)
    kind = reader.choice("kind", ("quantity", "period"))
    step, fractions = read_measure(reader, kind, "categories")
    cap = reader.decimal("cap", required=False, message="a cap cannot be below zero")
    cap_per_year = read_cap_per_year(reader, cap)
    minimum = reader.decimal("minimum", required=False)
    if cap is not None and minimum is not None and minimum > cap:
        reader.problem("minimum", f"{minimum} is more than the cap {cap}")
    kinds, per_unit = read_kinds(reader, kind)
    category = Category(
        code=code or "",
        name=reader.string("name") or "",
        kind=kind or "quantity",
        unit=read_unit(reader, "unit") or Unit("", ""),
        points_per_unit=reader.decimal("points_per_unit", positive=True) or ZERO,
        step=step,
        fractions=fractions,
        cap=cap,
        cap_per_year=cap_per_year,
        minimum=minimum,
        evidence=reader.string("evidence", required=False),
        help=reader.string("help", required=False),
        examples=read_lines(reader, "examples"),
        kinds=kinds,
        per_unit=per_unit,
    )
    reader.finish()
    return category


def read_group(reader: Reader, marker: Marker) -> Group:
    code = reader.string("code", pattern=CODE)
    reader.name_as(code)
    marker.mark(reader, GROUP_FIGURES)
    minimum = reader.decimal("minimum", required=False)
    maximum = reader.decimal("maximum", required=False, message="a maximum cannot be below zero")
    if minimum is not None and maximum is not None and minimum > maximum:
        reader.problem("minimum", f"{minimum} is more than the maximum {maximum}")
    group = Group(
        code=code or "",
        name=reader.string("name") or "",
        categories=tuple(reader.string_list("categories", nonempty=True) or ()),
        minimum=minimum,
        maximum=maximum,
    )
    reader.finish()
    return group


def read_module(reader: Reader) -> Module:
    code = reader.string("code", pattern=CODE)
    reader.name_as(code)
    activities = []
    for item in reader.tables("key_activities", required=False):
        item_code = item.string("code", pattern=CODE)
        item.name_as(item_code)
        activities.append(
            KeyActivity(
                code=item_code or "",
                name=item.string("name") or "",
                weight=item.decimal("weight", positive=True) or ZERO,
            )
        )
        item.finish()
    total = sum((activity.weight for activity in activities), ZERO)
    if activities and total != HUNDRED:
        reader.problem("key_activities", f"the weights add up to {total}, not 100")
    reader.unique("key_activities", [activity.code for activity in activities])
    module = Module(
        code=code or "",
        name=reader.string("name") or "",
        required=bool(reader.boolean("required", required=False)),
        key_activities=tuple(activities),
    )
    reader.finish()
    return module


def read_carry_over(reader: Reader, marker: Marker) -> CarryOver:
    marker.mark(reader, CARRY_OVER_FIGURES)
    carry_over = CarryOver(
        maximum=reader.decimal("maximum", positive=True) or ZERO,
        last_days=reader.integer("last_days", minimum=1, required=False),
    )
    reader.finish()
    return carry_over
