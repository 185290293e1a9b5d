"""The renewal rules engine: `evaluate(ruleset, cycle, activities, today) -> Progress`.

Pure: plain values in, frozen dataclasses out; `today` is always an argument. Every figure a
user sees comes from here. Points are `Decimal` and every sum is exact; `round_points`
(half-up, 2 places) is for display and export only.

How activities count (docs/rules.md):
- Activities are taken in date order (ties by `order`, the creation order, then by id), so the
  input order never matters. Per-category caps and group maximums are applied in that order:
  the activity that crosses a cap is partly counted, later ones count 0 (`over_cap`,
  `over_group_max`). A category's cap per year (`cap_per_year`) comes first, per year of the
  cycle (year 1 = its first 12 months, as for yearly minimums; see `cycles.cycle_years`): a
  quantity activity uses its date's year, a period each of its months' year (a month belongs
  to the year in which it is complete); what goes over is flagged `over_cap` too.
- `minimum_categories`: counted points must come from that many categories at least (a
  category is used when it counts more than 0); until then an `Unmet` of kind
  `categories_used` (scope "total"; required and counted are numbers of categories) keeps the
  status from `complete`, like any minimum.
- An activity counts only when its date lies inside the cycle (both end days included) and is
  not after `today`; otherwise it is flagged `outside_cycle` (checked first) or `future`.
- Employment (a period category) counts the whole months of the part of the period inside the
  cycle, times its full-time fraction (`periods`). Its date is its end date; an open period
  ("still employed") ends on `today`. We clip the period to the cycle at both ends: a period
  that started before the cycle or ended after it counts its months inside the cycle, and its
  date for ordering becomes the clipped end. Only a period that does not overlap the cycle at
  all is `outside_cycle` (its `earned` is then the worth of the whole period).
- A category that expects evidence flags a counting activity without a file
  `missing_evidence`; it still counts (the agency audits, it does not pre-check).
- Category and group `earned` add up activities inside the cycle and not in the future.

Carry-over (rule sets with a [carry_over] table; not CPT): points the previous cycle passed on
(`Cycle.carried_in`) start the counted total; they belong to no category. `carry_over_out` is
what would move on from this cycle: once every requirement is met, the points above the
requirement, at most the rule set's maximum, never more than this cycle's own counted points,
and with `last_days` only points counted in the cycle's last days.

Status, first match wins: not_required, renewed, complete, lapsed, at_risk, on_track, behind.
Our choice for rule sets with minimums (PMP, CISSP): `complete` needs the total AND every
category, group and yearly minimum met; until then the other rules apply, and `unmet` says
what is missing. Missing evidence never blocks `complete`. CPT has no minimums.

Figures: days_left = end - today; elapsed_days = today - start, clamped to 0..total_days so
figures stay meaningful before a cycle starts or after it ends; pace target = required x
elapsed / total; points per month = remaining / (days left / 30.4375); projected completion =
today + ceil(remaining / (counted / elapsed)) days, or, when nothing remains, the day the
requirement was reached.

In time (spec version 2, `accrual`): counted points arrive on their activity's date, a
period's month by month. The day the requirement was reached is the first day on which they
add up to it; each cycle year's points, and those of the last days that may carry over, are
the points that arrive in it. Caps still apply at the period's (clipped) end date; the months
a cap per cycle year left out bring nothing (`ActivityResult.month_runs`), so no year shows
more than its cap, and a later cap or group maximum cuts a period's last months.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from tracker.rules import accrual
from tracker.rules.catalog import RuleSet
from tracker.rules.cycles import cycle_years, window_opens_on
from tracker.rules.periods import period_part, year_capped
from tracker.rules.results import (
    CENT,
    DAYS_PER_MONTH,
    FUTURE,
    MISSING_EVIDENCE,
    ONE,
    OUTSIDE_CYCLE,
    OVER_CAP,
    OVER_GROUP_MAX,
    UNKNOWN_CATEGORY,
    ZERO,
    ActivityInput,
    ActivityResult,
    CategoryResult,
    Cycle,
    GroupResult,
    Progress,
    Status,
    Unmet,
    UnmetKind,
    YearResult,
    round_points,
)

# The types live in `results`; callers import them from here with `evaluate`.
__all__ = [
    "CENT",
    "DAYS_PER_MONTH",
    "FUTURE",
    "MISSING_EVIDENCE",
    "ONE",
    "OUTSIDE_CYCLE",
    "OVER_CAP",
    "OVER_GROUP_MAX",
    "UNKNOWN_CATEGORY",
    "ZERO",
    "ActivityInput",
    "ActivityResult",
    "CategoryResult",
    "Cycle",
    "GroupResult",
    "Progress",
    "Status",
    "Unmet",
    "UnmetKind",
    "YearResult",
    "evaluate",
    "requires_recertification",
    "round_points",
]


def requires_recertification(ruleset: RuleSet, modules: Iterable[str]) -> bool:
    """Whether holding these modules means the credential must be renewed (CPT: all four)."""
    return set(ruleset.required_modules) <= set(modules)


def evaluate(
    ruleset: RuleSet, cycle: Cycle, activities: Sequence[ActivityInput], today: date
) -> Progress:
    start, end = cycle.starts_on, cycle.ends_on
    by_code = ruleset.categories_by_code
    results: list[ActivityResult | None] = [None] * len(activities)
    eligible = []
    for index, activity in enumerate(activities):
        category = by_code.get(activity.category)
        if category is None:
            results[index] = ActivityResult(
                activity.id,
                activity.category,
                activity.completed_on,
                ZERO,
                ZERO,
                (UNKNOWN_CATEGORY,),
            )
            continue
        part = None
        if category.is_period:
            part = period_part(activity, category, start, end, today)
            day, earned, inside, future = part.day, part.earned, part.inside, part.future
        else:
            day = activity.completed_on
            quantity = activity.quantity
            earned = quantity * category.points_per_unit if quantity is not None else ZERO
            inside = day is not None and start <= day <= end
            future = inside and day > today
        if not inside or future:
            flag = FUTURE if inside else OUTSIDE_CYCLE
            results[index] = ActivityResult(
                activity.id, activity.category, day, earned, ZERO, (flag,),
                *(() if part is None else (part.months, part.first)),
            )
        else:
            # The tuple sorts by date, creation order, id; the index only breaks exact ties.
            eligible.append((day, activity.order, str(activity.id), index, earned, part))
    eligible.sort()

    years = cycle_years(start, end)
    year_starts = [first for _, first, _ in years]
    year_category_counted: dict[tuple[str, int], Decimal] = {}  # for caps per year
    category_earned = dict.fromkeys(by_code, ZERO)
    category_counted = dict.fromkeys(by_code, ZERO)
    # For each category, the (group, maximum) pairs that limit it.
    limits = {
        code: [
            (g.code, g.maximum)
            for g in ruleset.groups
            if code in g.categories and g.maximum is not None
        ]
        for code in by_code
    }
    limited_group_counted = {group.code: ZERO for group in ruleset.groups}
    required = ruleset.points_required
    carried_in = _carried_in(ruleset, cycle)
    total = carried_in
    missing: list[Unmet] = []
    for day, _, _, index, earned, part in eligible:
        activity = activities[index]
        category = by_code[activity.category]
        code = category.code
        counted = earned
        flags: list[str] = []
        month_runs = None  # a period's months that its years' caps left out bring nothing
        if category.cap_per_year is not None:
            in_years, month_runs = year_capped(category, part, day, earned, year_starts,
                                               year_category_counted)
            if in_years < counted:
                counted = in_years
                flags.append(OVER_CAP)
        if category.cap is not None and counted > (room := category.cap - category_counted[code]):
            counted = room
            if OVER_CAP not in flags:  # already there when its year's cap cut it first
                flags.append(OVER_CAP)
        for group_code, maximum in limits[code]:
            room = maximum - limited_group_counted[group_code]
            if counted > room:
                counted = room
                if OVER_GROUP_MAX not in flags:
                    flags.append(OVER_GROUP_MAX)
        for group_code, _ in limits[code]:
            limited_group_counted[group_code] += counted
        if counted and category.evidence and not activity.has_evidence:
            flags.append(MISSING_EVIDENCE)
            missing.append(Unmet(UnmetKind.MISSING_EVIDENCE, activity.id, None, counted))
        category_earned[code] += earned
        category_counted[code] += counted
        total += counted
        results[index] = ActivityResult(
            activity.id, code, day, earned, counted, tuple(flags),
            *(() if part is None else (part.months, part.first, month_runs)),
        )
    activity_results = tuple(results)  # every slot was filled by one of the two loops

    # Where the counted points fall in time (employment month by month): spec version 2.
    arrivals = accrual.contributions(activity_results)  # type: ignore[arg-type]
    reached_on = accrual.reached_on(arrivals, required, carried_in, start)
    year_counted = [ZERO] * len(years)
    late_from = _carry_over_from(ruleset, end)
    late_counted = ZERO  # counted on or after late_from: what may carry over
    for day, points in arrivals:
        year_counted[bisect_right(year_starts, day) - 1] += points
        if late_from is not None and day >= late_from:
            late_counted += points

    category_results = tuple(
        CategoryResult(
            c.code, c.name, category_earned[c.code], category_counted[c.code], c.cap, c.minimum
        )
        for c in ruleset.categories
    )
    group_results = tuple(
        GroupResult(
            g.code,
            g.name,
            sum((category_earned[code] for code in g.categories), ZERO),
            sum((category_counted[code] for code in g.categories), ZERO),
            g.minimum,
            g.maximum,
        )
        for g in ruleset.groups
    )
    year_results = tuple(
        YearResult(number, first, last, year_counted[number - 1], ruleset.yearly_minimum)
        for number, first, last in years
    )
    unmet = _unmet(required, total, category_results, group_results, year_results,
                   ruleset.minimum_categories) + missing
    remaining = max(required - total, ZERO)
    total_days = (end - start).days
    elapsed = min(max((today - start).days, 0), total_days)
    days_left = (end - today).days
    pace_target = required * elapsed / total_days if total_days else required
    all_met = all(item.kind is UnmetKind.MISSING_EVIDENCE for item in unmet)
    status = _status(ruleset, cycle, today, all_met, total >= pace_target)
    per_month = None
    if remaining > 0 and days_left > 0:
        per_month = remaining * DAYS_PER_MONTH / days_left
    projected = reached_on if remaining == 0 else _projection(remaining, total, elapsed, today)

    return Progress(
        ruleset_code=ruleset.code,
        ruleset_version=ruleset.version,
        starts_on=start,
        ends_on=end,
        window_opens_on=window_opens_on(ruleset, end),
        today=today,
        status=status,
        required=required,
        earned=sum(category_earned.values(), ZERO),
        counted=total,
        remaining=remaining,
        days_left=days_left,
        elapsed_days=elapsed,
        total_days=total_days,
        pace_target=pace_target,
        points_per_month_needed=per_month,
        projected_completion=projected,
        completes_before_end=None if projected is None else projected <= end,
        requirement_reached_on=reached_on,
        carried_in=carried_in,
        carry_over_out=(_carry_over_out(ruleset, carried_in, total, late_counted) if all_met
                        else ZERO),
        activities=activity_results,  # type: ignore[arg-type]
        categories=category_results,
        groups=group_results,
        years=year_results,
        unmet=tuple(unmet),
    )


def _carry_over_from(ruleset: RuleSet, end: date) -> date | None:
    """The first day whose points may carry over, when only the last days' points may."""
    carry_over = ruleset.carry_over
    if carry_over is None or carry_over.last_days is None:
        return None
    return end - timedelta(days=carry_over.last_days - 1)


def _carried_in(ruleset: RuleSet, cycle: Cycle) -> Decimal:
    """The points brought in that count: none where the rule set has no carry-over, and never
    more than its maximum (a stored figure is data, not a rule)."""
    if ruleset.carry_over is None or not cycle.carried_in or cycle.carried_in < 0:
        return ZERO  # also keeps a stored 0.00 from showing as "0.00"
    return min(cycle.carried_in, ruleset.carry_over.maximum)


def _carry_over_out(ruleset: RuleSet, carried_in: Decimal, total: Decimal,
                    late: Decimal) -> Decimal:
    """Points above the requirement, up to the rule set's maximum.

    Points carried into this cycle never carry on again, and with `last_days` only the
    points counted in the cycle's last days may go.
    """
    carry_over = ruleset.carry_over
    if carry_over is None:
        return ZERO
    excess = min(total - ruleset.points_required, total - carried_in)
    if carry_over.last_days is not None:
        excess = min(excess, late)
    return max(min(excess, carry_over.maximum), ZERO)


def _status(ruleset: RuleSet, cycle: Cycle, today: date, all_met: bool, on_pace: bool) -> Status:
    """docs/rules.md's status rules; the first that matches wins."""
    if not requires_recertification(ruleset, cycle.modules):
        return Status.NOT_REQUIRED
    if cycle.closed_by_renewal:
        return Status.RENEWED
    if all_met:  # the total and, where the rule set has them, every minimum
        return Status.COMPLETE
    if today > cycle.ends_on:
        return Status.LAPSED
    if (cycle.ends_on - today).days <= ruleset.at_risk_days:
        return Status.AT_RISK
    return Status.ON_TRACK if on_pace else Status.BEHIND


def _projection(remaining: Decimal, total: Decimal, elapsed: int, today: date) -> date | None:
    """Today + the days still needed at the rate so far; None without a rate."""
    if total <= 0 or elapsed <= 0:
        return None
    # Exact arithmetic: the ceiling of a rounded quotient could be a day off.
    days = math.ceil(Fraction(remaining) * elapsed / Fraction(total))
    return today + timedelta(days=days)


def _unmet(
    required: Decimal,
    total: Decimal,
    categories: tuple[CategoryResult, ...],
    groups: tuple[GroupResult, ...],
    years: tuple[YearResult, ...],
    minimum_categories: int | None,
) -> list[Unmet]:
    unmet = []
    if total < required:
        unmet.append(Unmet(UnmetKind.POINTS_REMAINING, "total", required, total))
    for category in categories:
        if category.minimum is not None and category.counted < category.minimum:
            unmet.append(
                Unmet(UnmetKind.CATEGORY_MINIMUM, category.code, category.minimum, category.counted)
            )
    for group in groups:
        if group.minimum is not None and group.counted < group.minimum:
            unmet.append(Unmet(UnmetKind.GROUP_MINIMUM, group.code, group.minimum, group.counted))
    for year in years:
        if year.minimum is not None and year.counted < year.minimum:
            unmet.append(Unmet(UnmetKind.YEARLY_MINIMUM, year.number, year.minimum, year.counted))
    used = sum(1 for category in categories if category.counted > 0)
    if minimum_categories is not None and used < minimum_categories:
        unmet.append(Unmet(UnmetKind.CATEGORIES_USED, "total", Decimal(minimum_categories),
                           Decimal(used)))
    return unmet
