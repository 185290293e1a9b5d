"""The "How points work" page of each rule set: general help anyone may read, without logging in.

Everything on it comes from the rule-set file, so the page never says what the rules do not:
what a point is and how many are needed, each category with examples, its unit, its worth, its
limits and the proof the agency may ask for, what does not count, and beside every figure where
it comes from (a source the file names) or the word "estimate" (Recert's own figure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, render_template

from tracker.display import money, points
from tracker.rules.catalog import Category, Group, RuleSet, UnknownRuleSetError
from tracker.rules.checks import say_date, say_fraction
from tracker.rules.estimates import rate_text
from tracker.rules.kinds import KINDS, kind_of
from tracker.rules.provenance import Provenance
from tracker.served_rulesets import catalog

bp = Blueprint("how_points", __name__, url_prefix="/how-points-work")


@dataclass(frozen=True)
class Line:
    """One plain sentence of the page and, when it states a figure, that figure's mark."""

    text: str
    mark: Provenance | None = None


@bp.get("/<code>")
def page(code: str):
    try:
        ruleset = catalog().get(code)
    except UnknownRuleSetError:
        abort(404)
    return render_template(
        "how_points/page.html",
        ruleset=ruleset,
        title=f"How {ruleset.points_name.plural} work for {ruleset.short_name}",
        rules=rule_lines(ruleset),
        categories=[(category, category_lines(ruleset, category))
                    for category in ruleset.categories],
        groups=[(group, group_lines(ruleset, group)) for group in ruleset.groups
                if group.minimum is not None or group.maximum is not None],
        not_counted=not_counted(ruleset),
        kinds_left_out=kinds_left_out(ruleset),
        fees=fee_lines(ruleset),
        say_checked=say_checked,
        source_numbers={item.key: number for number, item in enumerate(ruleset.sources, 1)},
    )


def rule_lines(ruleset: RuleSet) -> list[Line]:
    """How many points, over how long, and the other figures of the rule set itself."""
    unit, years = ruleset.points_name, ruleset.cycle_years
    mark = ruleset.provenance_of
    lines = [
        Line(f"Each cycle lasts {years} {'year' if years == 1 else 'years'}. Your first cycle "
             "starts on the day you were certified.", mark("cycle_years")),
        Line(f"You need {points(ruleset.points_required)} "
             f"{unit.of(ruleset.points_required)} in each cycle.", mark("points_required")),
    ]
    if ruleset.yearly_minimum is not None:
        lines.append(Line(f"You also need at least {points(ruleset.yearly_minimum)} "
                          f"{unit.of(ruleset.yearly_minimum)} in each year of the cycle.",
                          mark("yearly_minimum")))
    if ruleset.minimum_categories is not None:
        lines.append(Line(f"Your {unit.plural} must come from at least "
                          f"{ruleset.minimum_categories} of the kinds listed below.",
                          mark("minimum_categories")))
    lines.append(Line(f"You can apply to renew from {ruleset.window_days} days before your "
                      "cycle ends.", mark("window_days")))
    if ruleset.carry_over is not None:
        lines.extend(carry_over_lines(ruleset))
    if ruleset.earliest_certified_on is not None:
        lines.append(Line("Recert takes certification dates from "
                          f"{say_date(ruleset.earliest_certified_on)} on.",
                          mark("earliest_certified_on")))
    return lines


def carry_over_lines(ruleset: RuleSet) -> list[Line]:
    carry, unit = ruleset.carry_over, ruleset.points_name
    lines = [Line(f"Up to {points(carry.maximum)} {unit.of(carry.maximum)} over what you need "
                  "move on to your next cycle.",
                  ruleset.provenance_of("maximum", carry_over=True))]
    if carry.last_days is not None:
        lines.append(Line(f"Only {unit.plural} from the last {carry.last_days} days of a cycle "
                          "can move on.", ruleset.provenance_of("last_days", carry_over=True)))
    return lines


def category_lines(ruleset: RuleSet, category: Category) -> list[Line]:
    """A category's figures in words, each with its mark, in the order a person asks: what it is
    worth, how to log it, how much of it counts, and what proof to keep."""
    unit = ruleset.points_name

    def mark(figure: str) -> Provenance | None:
        return ruleset.provenance_of(figure, category=category.code)

    if category.unit.singular == unit.singular and category.points_per_unit == 1:
        worth = f"You log it in {unit.plural}, as {ruleset.agency.short_name} counts them."
    else:
        worth = f"It is worth {rate_text(ruleset, category)}."
    lines = [Line(worth, mark("points_per_unit"))]
    for kind_code, rate in (category.per_unit or {}).items():
        if (kind := kind_of(kind_code)) is not None:
            lines.append(Line(f"For “{kind.name}”, one {kind.unit.singular} counts as "
                              f"{points(rate)} {category.unit.of(rate)}.", mark("per_unit")))
    if category.step == 1:
        lines.append(Line(f"You log it in whole {category.unit.plural}.", mark("step")))
    elif category.step is not None:
        lines.append(Line(f"You log it in steps of {points(category.step)} "
                          f"{category.unit.of(category.step)}.", mark("step")))
    if category.fractions:
        said = " or ".join(say_fraction(fraction.normalize()) for fraction in category.fractions)
        lines.append(Line(f"A job can count as {said}.", mark("fractions")))
    if category.cap is not None:
        lines.append(Line(f"At most {points(category.cap)} {unit.of(category.cap)} of it count "
                          "in a cycle.", mark("cap")))
    if category.cap_per_year is not None:
        lines.append(Line(f"At most {points(category.cap_per_year)} "
                          f"{unit.of(category.cap_per_year)} of it count in each year of the "
                          "cycle.", mark("cap_per_year")))
    if category.minimum is not None:
        lines.append(Line(f"You need at least {points(category.minimum)} "
                          f"{unit.of(category.minimum)} of it.", mark("minimum")))
    if category.evidence:
        lines.append(Line(f"Proof {ruleset.agency.short_name} may ask for: {category.evidence}.",
                          mark("evidence")))
    return lines


def group_lines(ruleset: RuleSet, group: Group) -> list[Line]:
    unit = ruleset.points_name
    lines = []
    if group.minimum is not None:
        lines.append(Line(f"You need at least {points(group.minimum)} {unit.of(group.minimum)} "
                          "from these together.",
                          ruleset.provenance_of("minimum", group=group.code)))
    if group.maximum is not None:
        lines.append(Line(f"At most {points(group.maximum)} {unit.of(group.maximum)} from these "
                          "together count in a cycle.",
                          ruleset.provenance_of("maximum", group=group.code)))
    return lines


def not_counted(ruleset: RuleSet) -> list[str]:
    """What does not count: the same for every rule set, then the file's own lines."""
    unit = ruleset.points_name.plural
    lines = ["Anything you did before your cycle started or after it ends.",
             "Anything with a date after today. It counts once that day comes."]
    if any(category.cap is not None or category.cap_per_year is not None
           for category in ruleset.categories) or any(g.maximum for g in ruleset.groups):
        lines.append(f"{unit[:1].upper()}{unit[1:]} over a limit. They show as earned, but "
                     "they do not count.")
    lines.extend(ruleset.does_not_count)
    return lines


def kinds_left_out(ruleset: RuleSet) -> list[str]:
    """The names of the kinds of activity none of the rule set's categories takes."""
    return [kind.name for kind in KINDS if kind.code not in ruleset.counted_kinds]


def fee_lines(ruleset: RuleSet) -> list[Line]:
    """The agency's fees, for information: Recert neither charges nor collects them."""
    return [Line(f"{fee.label}: {money(fee.amount, fee.currency)}.",
                 ruleset.provenance_of("amount", fee=index))
            for index, fee in enumerate(ruleset.fees)]


def say_checked(checked: str) -> str:
    """When a source was last read: "Dec 6, 2026", or "Nov 2026" when only the month is known."""
    if len(checked) == len("2026-11"):
        return date.fromisoformat(f"{checked}-01").strftime("%b %Y")
    return say_date(date.fromisoformat(checked))
