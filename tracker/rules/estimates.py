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
from tracker.rules.kinds import kind_of
from tracker.rules.results import Progress, Status

# The figures of a category that decide how many points an activity in it earns and counts.
DECIDING_FIGURES = ("points_per_unit", "per_unit", "cap", "cap_per_year")
RATE_FIGURES = ("points_per_unit", "per_unit")


def estimated_figures(ruleset: RuleSet, category: Category,
                      kind: str | None = None) -> tuple[str, ...]:
    """The deciding figures of `category` that are Recert's estimates, in DECIDING_FIGURES order.
    For an activity of `kind`, a conversion only decides its points when the file sets one for
    that kind, and no rate does when one of the agency's own points counts as one point."""
    marks = (ruleset.provenance_of(figure, category=category.code) for figure in DECIDING_FIGURES)
    estimated = tuple(mark.figure for mark in marks if mark is not None and mark.estimate)
    if kind is not None and kind not in (category.per_unit or {}):
        estimated = tuple(figure for figure in estimated if figure != "per_unit")
    if kind is not None and rate_text(ruleset, category, kind) == one_for_one(ruleset):
        estimated = tuple(figure for figure in estimated if figure not in RATE_FIGURES)
    return estimated


def is_estimated(ruleset: RuleSet, category_code: str, kind: str | None = None) -> bool:
    category = ruleset.category(category_code)
    return category is not None and bool(estimated_figures(ruleset, category, kind))


def one_for_one(ruleset: RuleSet) -> str:
    """"1 point per point": a rate that says nothing (the agency's own points, as it gave them)."""
    return f"1 {ruleset.points_name.singular} per {ruleset.points_name.singular}"


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def rate_text(ruleset: RuleSet, category: Category, kind: str | None = None) -> str:
    """What one unit of `kind` earns in `category`, in words: "1 point per contact hour",
    "5 CPD points per article or paper" (a conversion the file sets names the kind's unit)."""
    rates = category.per_unit or {}
    known = kind_of(kind) if kind in rates else None
    rate = category.points_per_unit * (rates[kind] if known else Decimal(1))
    unit = known.unit if known else category.unit
    return f"{_number(rate)} {ruleset.points_name.of(rate)} per {unit.singular}"


def _estimated_rates(ruleset: RuleSet, category: Category, estimated: tuple[str, ...],
                     kind: str | None) -> list[str]:
    """The rates an estimate decides, each once: every kind's when the points per unit are an
    estimate, else those of the kinds an estimated conversion converts."""
    if kind is not None:
        kinds = [kind]
    elif "points_per_unit" in estimated:
        kinds = list(category.kinds)
    else:
        kinds = [code for code in category.kinds if code in (category.per_unit or {})]
    rates = []
    for code in kinds:
        rate = rate_text(ruleset, category, code)
        if rate not in rates and rate != one_for_one(ruleset):
            rates.append(rate)
    return rates


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def estimate_sentence(ruleset: RuleSet, category_code: str,
                      kind: str | None = None) -> str | None:
    """The one sentence shown beside a number an estimate decides, or None when the agency
    published every figure behind it: "MSSC has not published how many points this is worth;
    Recert uses 1 point per contact hour. Check with MSSC before you apply." With `kind`, the
    sentence is about an activity of that kind (its conversion, when the file sets one)."""
    category = ruleset.category(category_code)
    if category is None:
        return None
    estimated = estimated_figures(ruleset, category, kind)
    if not estimated:
        return None
    agency, unit = ruleset.agency.short_name, ruleset.points_name.plural
    rates = (_estimated_rates(ruleset, category, estimated, kind)
             if set(RATE_FIGURES) & set(estimated) else [])
    if rates:
        said = (f"{agency} has not published how many {unit} this is worth; "
                f"Recert uses {_joined(rates)}.")
    elif set(RATE_FIGURES) & set(estimated):
        said = (f"{agency} has not published how many {unit} this is worth; "
                "Recert's figure is an estimate.")
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
