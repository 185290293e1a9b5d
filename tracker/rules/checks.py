"""Checks of user input against a rule set, with messages a 10th-grade reader understands.

Each check returns a list of `Problem(field, message)`; an empty list means the input is fine.
The field names are those of `ActivityInput`, so a form can show each message by its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from tracker.rules.catalog import Category, RuleSet
from tracker.rules.engine import ActivityInput
from tracker.rules.kinds import Kind


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def say_date(day: date) -> str:
    """A date the way people write it, the month short: "Mar 14, 2026"."""
    return f"{day:%b} {day.day}, {day.year}"


def say_number(number: Decimal) -> str:
    """A Decimal as plain text, never in exponent form ("10", not "1E+1")."""
    return format(number, "f")


def say_fraction(fraction: Decimal) -> str:
    names = {Decimal(1): "full time", Decimal("0.5"): "half time"}
    name = names.get(fraction)
    return name or f"{say_number((fraction * 100).normalize())}% of full time"


def check_certified_on(ruleset: RuleSet, certified_on: date, today: date) -> list[Problem]:
    problems = []
    if certified_on > today:
        problems.append(Problem("certified_on", "The certification date cannot be in the future."))
    earliest = ruleset.earliest_certified_on
    if earliest is not None and certified_on < earliest:
        problems.append(
            Problem(
                "certified_on",
                f"The certification date cannot be before {say_date(earliest)}, the earliest "
                f"date accepted for {ruleset.short_name}.",
            )
        )
    return problems


def check_activity(ruleset: RuleSet, activity: ActivityInput, today: date) -> list[Problem]:
    category = ruleset.category(activity.category)
    if category is None:
        choices = "; ".join(f"{c.code} ({c.name})" for c in ruleset.categories)
        if not activity.category:
            return [Problem("category", f"Choose a category: {choices}.")]
        return [Problem("category", f"“{activity.category}” is not a {ruleset.short_name} "
                                    f"category. Choose one of: {choices}.")]
    return check_amount(category, activity, today)


def check_amount(measure: Category | Kind, activity: ActivityInput, today: date
                 ) -> list[Problem]:
    """The dates and amount of an activity against what it is measured in: a rule set's
    category (`check_activity`), or a kind of activity (what a person records)."""
    if measure.is_period:
        return _check_period(measure, activity, today)
    return _check_quantity(measure, activity)


def _check_quantity(category: Category | Kind, activity: ActivityInput) -> list[Problem]:
    problems = []
    if activity.completed_on is None:
        problems.append(Problem("completed_on", "Enter the date you finished this activity."))
    quantity, unit = activity.quantity, category.unit
    if quantity is None or not quantity.is_finite():
        problems.append(Problem("quantity", f"Enter the number of {unit.plural}."))
    elif quantity <= 0:
        problems.append(Problem("quantity", f"The number of {unit.plural} must be more than 0."))
    elif category.step is not None and not _is_multiple(quantity, category.step):
        step = say_number(category.step)
        problems.append(
            Problem(
                "quantity",
                f"{say_number(quantity)} is not a multiple of {step}. "
                f"Enter {unit.plural} in steps of {step}.",
            )
        )
    return problems


def _is_multiple(quantity: Decimal, step: Decimal) -> bool:
    # Enough digits for the whole quotient: 1E+30 % 0.25 is beyond the default 28.
    with localcontext() as context:
        context.prec = max(context.prec, quantity.adjusted() - step.adjusted() + 10)
        return quantity % step == 0


def _check_period(category: Category | Kind, activity: ActivityInput, today: date) -> list[Problem]:
    problems = []
    start, end = activity.started_on, activity.completed_on
    if start is None:
        problems.append(Problem("started_on", "Enter the date this job started."))
    elif start > today:
        problems.append(
            Problem("started_on", "The start date is after today. Only add work you have started.")
        )
    if end is not None and end > today:
        problems.append(
            Problem(
                "completed_on",
                f"The end date ({say_date(end)}) is after today. If you still work there, "
                "choose “still employed” instead of an end date.",
            )
        )
    if start is not None and end is not None and end < start:
        problems.append(Problem("completed_on", "The end date is before the start date."))
    choices = " or ".join(say_fraction(f) for f in category.fractions)
    if activity.fraction is None:
        problems.append(Problem("fraction", f"Choose how much you worked: {choices}."))
    elif activity.fraction not in category.fractions:
        problems.append(
            Problem(
                "fraction",
                f"{say_number(activity.fraction)} of full time is not allowed. Choose {choices}.",
            )
        )
    return problems
