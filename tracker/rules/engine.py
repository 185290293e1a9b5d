"""The renewal rules engine: `evaluate(ruleset, cycle, activities, today) -> Progress`.

Pure: plain values in, frozen dataclasses out; `today` is always an argument. Every figure a
user sees comes from here. Points are `Decimal` and every sum is exact; `round_points`
(half-up, 2 places) is for display and export only.

How activities count (RULES.md):
- Activities are taken in date order (ties by `order`, the creation order, then by id), so the
  input order never matters. Per-category caps and group maximums are applied in that order:
  the activity that crosses a cap is partly counted, later ones count 0 (`over_cap`,
  `over_group_max`).
- An activity counts only when its date lies inside the cycle (both end days included) and is
  not after `today`; otherwise it is flagged `outside_cycle` (checked first) or `future`.
- Employment (a period category) counts the whole months of the part of the period inside the
  cycle, times its full-time fraction. Its date is its end date; an open period ("still
  employed") ends on `today`. We clip the period to the cycle at both ends: a period that
  started before the cycle or ended after it counts its months inside the cycle, and its date
  for ordering becomes the clipped end. Only a period that does not overlap the cycle at all
  is `outside_cycle` (its `earned` is then the worth of the whole period).
- A category that expects evidence flags a counting activity without a file
  `missing_evidence`; it still counts (the agency audits, it does not pre-check).
- Category and group `earned` add up activities inside the cycle and not in the future.

Status, first match wins: not_required, renewed, complete, lapsed, at_risk, on_track, behind.
Our choice for rule sets with minimums (PMP, CISSP): `complete` needs the total AND every
category, group and yearly minimum met; until then the other rules apply, and `unmet` says
what is missing. Missing evidence never blocks `complete`. CPT has no minimums.

Figures: days_left = end - today; elapsed_days = today - start, clamped to 0..total_days so
figures stay meaningful before a cycle starts or after it ends; pace target = required x
elapsed / total; points per month = remaining / (days left / 30.4375); projected completion =
today + ceil(remaining / (counted / elapsed)) days, or, when nothing remains, the date of the
activity (in date order) that brought the total to the requirement.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from tracker.rules.catalog import Category, RuleSet
from tracker.rules.cycles import cycle_years, whole_months, window_opens_on

ZERO = Decimal(0)
ONE = Decimal(1)
CENT = Decimal("0.01")
DAYS_PER_MONTH = Decimal("30.4375")  # 365.25 / 12

OUTSIDE_CYCLE = "outside_cycle"
FUTURE = "future"
OVER_CAP = "over_cap"
OVER_GROUP_MAX = "over_group_max"
MISSING_EVIDENCE = "missing_evidence"
UNKNOWN_CATEGORY = "unknown_category"


class Status(StrEnum):
    NOT_REQUIRED = "not_required"
    RENEWED = "renewed"
    COMPLETE = "complete"
    LAPSED = "lapsed"
    AT_RISK = "at_risk"
    ON_TRACK = "on_track"
    BEHIND = "behind"


class UnmetKind(StrEnum):
    POINTS_REMAINING = "points_remaining"
    CATEGORY_MINIMUM = "category_minimum"
    GROUP_MINIMUM = "group_minimum"
    YEARLY_MINIMUM = "yearly_minimum"
    MISSING_EVIDENCE = "missing_evidence"


def round_points(value: Decimal) -> Decimal:
    """Half-up to 2 places, for display and export only (sums stay exact)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Cycle:
    starts_on: date
    ends_on: date
    modules: frozenset[str] = frozenset()  # module codes held
    closed_by_renewal: bool = False
    # Carry-over of excess points (a later issue) would add the points brought in here.


@dataclass(frozen=True)
class ActivityInput:
    id: str | int
    category: str
    completed_on: date | None  # employment: the end date; None = still employed
    quantity: Decimal | None = None  # None for period categories
    started_on: date | None = None  # period categories only
    fraction: Decimal | None = None  # period categories: full-time fraction; None = 1
    has_evidence: bool = False
    order: int = 0  # creation order, the tie-breaker between activities on the same date


@dataclass(frozen=True, slots=True)  # one per activity: slots keep thousands of them cheap
class ActivityResult:
    id: str | int
    category: str
    date: date | None  # the date it counts at (employment: clipped end, open: today)
    earned: Decimal
    counted: Decimal
    flags: tuple[str, ...]
    months: int | None = None  # period categories: whole months counted


@dataclass(frozen=True)
class CategoryResult:
    code: str
    name: str
    earned: Decimal
    counted: Decimal
    cap: Decimal | None
    minimum: Decimal | None


@dataclass(frozen=True)
class GroupResult:
    code: str
    name: str
    earned: Decimal
    counted: Decimal
    minimum: Decimal | None
    maximum: Decimal | None


@dataclass(frozen=True)
class YearResult:
    number: int
    starts_on: date
    ends_on: date
    counted: Decimal
    minimum: Decimal | None


@dataclass(frozen=True)
class Unmet:
    kind: UnmetKind
    scope: str | int  # "total", a category or group code, a year number, an activity id
    required: Decimal | None
    counted: Decimal


@dataclass(frozen=True)
class Progress:
    ruleset_code: str
    ruleset_version: str
    starts_on: date
    ends_on: date
    window_opens_on: date
    today: date
    status: Status
    required: Decimal
    earned: Decimal
    counted: Decimal
    remaining: Decimal
    days_left: int
    elapsed_days: int
    total_days: int
    pace_target: Decimal
    points_per_month_needed: Decimal | None
    projected_completion: date | None
    completes_before_end: bool | None
    requirement_reached_on: date | None
    activities: tuple[ActivityResult, ...]  # in input order
    categories: tuple[CategoryResult, ...]
    groups: tuple[GroupResult, ...]
    years: tuple[YearResult, ...]
    unmet: tuple[Unmet, ...]

    def activity(self, activity_id: str | int) -> ActivityResult:
        return next(result for result in self.activities if result.id == activity_id)

    def category(self, code: str) -> CategoryResult:
        return next(result for result in self.categories if result.code == code)


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
        if category.is_period:
            day, earned, months, inside, future = _period(activity, category, start, end, today)
        else:
            day, months = activity.completed_on, None
            quantity = activity.quantity
            earned = quantity * category.points_per_unit if quantity is not None else ZERO
            inside = day is not None and start <= day <= end
            future = inside and day > today
        if not inside or future:
            flag = FUTURE if inside else OUTSIDE_CYCLE
            results[index] = ActivityResult(
                activity.id, activity.category, day, earned, ZERO, (flag,), months
            )
        else:
            # The tuple sorts by date, creation order, id; the index only breaks exact ties.
            eligible.append((day, activity.order, str(activity.id), index, earned, months))
    eligible.sort()

    years = cycle_years(start, end)
    year_starts = [first for _, first, _ in years]
    year_counted = [ZERO] * len(years)
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
    total = ZERO
    reached_on: date | None = None
    required = ruleset.points_required
    missing: list[Unmet] = []
    for day, _, _, index, earned, months in eligible:
        activity = activities[index]
        category = by_code[activity.category]
        code = category.code
        counted = earned
        flags: list[str] = []
        if category.cap is not None and counted > (room := category.cap - category_counted[code]):
            counted = room
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
        year_counted[bisect_right(year_starts, day) - 1] += counted
        total += counted
        if reached_on is None and total >= required:
            reached_on = day
        results[index] = ActivityResult(
            activity.id, code, day, earned, counted, tuple(flags), months
        )

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
    unmet = _unmet(required, total, category_results, group_results, year_results) + missing
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
        activities=tuple(results),  # every slot was filled by one of the two loops
        categories=category_results,
        groups=group_results,
        years=year_results,
        unmet=tuple(unmet),
    )


def _status(ruleset: RuleSet, cycle: Cycle, today: date, all_met: bool, on_pace: bool) -> Status:
    """RULES.md's status rules; the first that matches wins."""
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


def _period(
    activity: ActivityInput, category: Category, start: date, end: date, today: date
) -> tuple[date, Decimal, int, bool, bool]:
    """(date, earned, months, inside the cycle, in the future) of an employment period."""
    last = activity.completed_on or today  # an open period counts up to today
    first = activity.started_on or last  # no start date: nothing to count
    future = last > today or first > today
    if first > last:  # ends before it starts, or still employed in a job not started yet
        return first, ZERO, 0, start <= first <= end, future
    fraction = ONE if activity.fraction is None else activity.fraction
    clipped_first, clipped_last = max(first, start), min(last, end)
    inside = clipped_first <= clipped_last
    if inside:
        months = whole_months(clipped_first, clipped_last)
        day = clipped_last
    else:
        months = whole_months(first, last)
        day = last
    earned = months * fraction * category.points_per_unit
    return day, earned, months, inside, future


def _unmet(
    required: Decimal,
    total: Decimal,
    categories: tuple[CategoryResult, ...],
    groups: tuple[GroupResult, ...],
    years: tuple[YearResult, ...],
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
    return unmet
