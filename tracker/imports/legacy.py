"""Activities written before activities had kinds: in a category of one credential's rule set,
their amount in that category's unit (CSV files with a Category column, full exports of format
version 1, what closed cycles kept).

They become kinds as migration 0011 turned the database's activities into kinds: the first
kind that lands in the category and holds the amount exactly, in whole steps of its own (the
agency's own points first, then kinds counted in the category's unit, then the others), the
amount divided by that landing's `per_unit`, and a choice of the category for that credential
where the kind lands elsewhere by default. Such an activity is checked against its category,
as it was when it was written: a spreadsheet of CEUs is told about CEUs, not hours.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tracker.activities import validation
from tracker.fields import MAX_AMOUNT
from tracker.rules.catalog import RuleSet
from tracker.rules.checks import Problem, check_activity, check_amount, say_number
from tracker.rules.definitions import Landing
from tracker.rules.engine import ActivityInput
from tracker.rules.kinds import kind_of

ONE = Decimal(1)
CENT = Decimal("0.01")  # what a quantity column keeps
# The kind that holds the points an agency gave an activity, as they came.
AGENCY_POINTS = "agency-points"


def candidates(ruleset: RuleSet, category: str) -> list[Landing]:
    """The kinds that land in `category`, in the order migration 0011 tries them: the
    agency's own points, then kinds counted in the category's unit, then the others."""
    landings = [landing for landing in ruleset.landings if landing.category == category]
    return sorted(landings, key=lambda landing: (landing.kind != AGENCY_POINTS,
                                                 landing.per_unit != ONE))


def landing_of(ruleset: RuleSet, category: str, quantity: Decimal | None
               ) -> tuple[Landing, Decimal | None] | None:
    """The kind an activity of `category` is now, with its amount in the kind's unit: the
    first that holds it exactly in whole steps (any for a job, or an amount not given). None
    when none does (an amount off the category's steps, or too big to keep)."""
    for landing in candidates(ruleset, category):
        if quantity is None or not quantity.is_finite():
            return landing, quantity
        amount = quantity / landing.per_unit
        if abs(amount) > MAX_AMOUNT:
            continue
        step = kind_of(landing.kind).step
        if amount == amount.quantize(CENT) and (step is None or amount % step == 0):
            return landing, amount.quantize(CENT)
    return None


def is_default(ruleset: RuleSet, landing: Landing) -> bool:
    """Whether the kind lands in that category without a choice."""
    default = ruleset.landing(landing.kind)
    return default is not None and default.category == landing.category


@dataclass(frozen=True)
class Converted:
    """An activity of a category as an activity of a kind."""

    values: dict  # the values `validation` reads, with `kind` and the amount in its unit
    landing: Landing
    choice: str  # for the credential it was logged for: validation.DEFAULT or the category


def converted(ruleset: RuleSet, values: dict) -> Converted | None:
    """`values` (with `category`, the amount in its unit) as a kind; None when the category is
    not one of the rule set's, or no kind that lands there holds the amount."""
    found = landing_of(ruleset, values.get("category") or "", values.get("quantity"))
    if found is None:
        return None
    landing, quantity = found
    kind_values = {name: value for name, value in values.items() if name != "category"}
    kind_values["kind"] = landing.kind
    kind_values["quantity"] = quantity
    choice = validation.DEFAULT if is_default(ruleset, landing) else landing.category
    return Converted(kind_values, landing, choice)


def problems(ruleset: RuleSet, values: dict, today: date,
             held: Sequence[tuple[int, RuleSet]] = ()) -> list[Problem]:
    """The one activity check (tracker.activities.validation) of an activity of a category:
    its dates and amount measured in the category (field "category" when it has none or one
    the rule set does not have), everything else as every door checks it."""
    return checked(ruleset, values, today, held)[1]


def checked(ruleset: RuleSet, values: dict, today: date,
            held: Sequence[tuple[int, RuleSet]] = ()) -> tuple[Converted | None, list[Problem]]:
    """The activity as a kind (None when it cannot be one), and `problems`."""
    category = ruleset.category(values.get("category") or "")
    if category is None:
        return None, check_activity(ruleset, _input(values, None), today)[:1]
    in_category = [Problem(name, validation.TOO_BIG) for name in ("quantity", "fraction")
                   if isinstance(values.get(name), Decimal) and values[name].is_finite()
                   and abs(values[name]) > MAX_AMOUNT]
    in_category += check_amount(category, _input(values, category), today)
    found = converted(ruleset, values)
    if found is None:
        return None, in_category or [Problem("quantity", _held_by_no_kind(category, values))]
    kind = kind_of(found.landing.kind)
    # What the kind's measure says of the converted amount is said in the category's instead.
    in_kind = check_amount(kind, _input(found.values, kind), today)
    found_problems = [problem for problem in validation.problems(found.values, today, held)
                      if problem not in in_kind]
    judged = {problem.field for problem in found_problems}
    for problem in in_category:
        if problem.field not in judged:
            judged.add(problem.field)
            found_problems.append(problem)
    return found, found_problems


def _held_by_no_kind(category, values: dict) -> str:
    amount = say_number(values["quantity"])
    return (f"{amount} {category.unit.of(values['quantity'])} is not an amount Recert can keep "
            f"as “{category.name}”. Check the number.")


def _input(values: dict, measure) -> ActivityInput:
    """The values as the checks of a measure (a kind or a category) read them: a job still
    going on has no end, whatever the end date says (as validation.model_values keeps it)."""
    period = measure is not None and measure.is_period
    return ActivityInput(
        id="checked", category=values.get("category") or "",
        completed_on=None if period and values.get("still_employed")
        else values.get("completed_on"),
        quantity=None if period else values.get("quantity"),
        started_on=values.get("started_on") if period else None,
        fraction=values.get("fraction") if period else None)
