"""Which of a credential's figures are the agency's and which are Recert's estimates.

Every figure of a rule set carries a provenance mark (`tracker.rules.provenance`). A number a
person sees is only as sure as the figures that decide it: a category's points come from its
points per unit (and, for a kind measured in another unit, its conversion) and its caps. Where
any of those is an estimate, the screens say so in one sentence, and a cycle complete only by
such points is "Complete (by Recert's estimates)".
"""

from __future__ import annotations

from decimal import Decimal

from tracker.rules.catalog import Category, RuleSet
from tracker.rules.results import Progress, Status

# The figures of a category that decide how many points an activity in it earns and counts.
DECIDING_FIGURES = ("points_per_unit", "per_unit", "cap", "cap_per_year")


def estimated_figures(ruleset: RuleSet, category: Category) -> tuple[str, ...]:
    """The deciding figures of `category` that are Recert's estimates, in DECIDING_FIGURES order."""
    marks = (ruleset.provenance_of(figure, category=category.code) for figure in DECIDING_FIGURES)
    return tuple(mark.figure for mark in marks if mark is not None and mark.estimate)


def is_estimated(ruleset: RuleSet, category_code: str) -> bool:
    category = ruleset.category(category_code)
    return category is not None and bool(estimated_figures(ruleset, category))


def _per_unit(ruleset: RuleSet, category: Category) -> str:
    points = format(category.points_per_unit.normalize(), "f")
    unit = category.unit.of(Decimal(1))
    return f"{points} {ruleset.points_name.of(category.points_per_unit)} per {unit}"


def estimate_sentence(ruleset: RuleSet, category_code: str) -> str | None:
    """The one sentence shown beside a number an estimate decides, or None when the agency
    published every figure behind it: "MSSC has not published how many points this is worth;
    Recert uses 1 point per contact hour. Check with MSSC before you apply." """
    category = ruleset.category(category_code)
    if category is None:
        return None
    estimated = estimated_figures(ruleset, category)
    if not estimated:
        return None
    agency, unit = ruleset.agency.short_name, ruleset.points_name.plural
    if "points_per_unit" in estimated or "per_unit" in estimated:
        said = (f"{agency} has not published how many {unit} this is worth; "
                f"Recert uses {_per_unit(ruleset, category)}.")
    else:
        said = (f"{agency} has not published the most {unit} this can count; "
                "Recert's limit is an estimate.")
    return f"{said} Check with {agency} before you apply."


def published_counted(ruleset: RuleSet, progress: Progress) -> Decimal:
    """The points counted in categories whose deciding figures are all published."""
    return sum((category.counted for category in progress.categories
                if not is_estimated(ruleset, category.code)), Decimal(0))


def complete_by_estimates(ruleset: RuleSet, progress: Progress) -> bool:
    """Complete, but only because points an estimate decides are counted: without them the
    cycle would still be short."""
    return (progress.status == Status.COMPLETE
            and published_counted(ruleset, progress) + progress.carried_in < progress.required)
