"""What the engine takes and gives: its inputs, results, flags and statuses (see `engine`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import NamedTuple

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
    CATEGORIES_USED = "categories_used"  # points from too few categories (scope "total")
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
    carried_in: Decimal = Decimal(0)  # points the previous cycle carried over into this one


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


MonthRuns = tuple[tuple[int, Decimal], ...]


class ActivityResult(NamedTuple):
    """One per activity, and thousands are kept with cached ledgers: a tuple of immutable
    atoms, which CPython's garbage collector stops tracking, where a dataclass instance stays
    tracked and is walked on every full collection (tracker/ledger.py)."""

    id: str | int
    category: str
    date: date | None  # the date it counts at (employment: clipped end, open: today)
    earned: Decimal
    counted: Decimal
    flags: tuple[str, ...]
    months: int | None = None  # period categories: whole months counted
    starts_on: date | None = None  # period categories: the first day counted (clipped start)
    # Period categories whose cap per cycle year left months out: the points each month
    # brought, in month order, as runs of (months, points a month). None: every month
    # brought earned / months (`accrual` places them).
    month_runs: MonthRuns | None = None


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


class Unmet(NamedTuple):  # one per activity missing its evidence: see ActivityResult
    kind: UnmetKind
    # "total", a category or group code, a year number, an activity id. For categories_used
    # (scope "total"), `required` and `counted` are numbers of categories, not points.
    scope: str | int
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
    carried_in: Decimal  # counted in the total, from the previous cycle
    carry_over_out: Decimal  # what may move into the next cycle, as things stand
    activities: tuple[ActivityResult, ...]  # in input order
    categories: tuple[CategoryResult, ...]
    groups: tuple[GroupResult, ...]
    years: tuple[YearResult, ...]
    unmet: tuple[Unmet, ...]

    def activity(self, activity_id: str | int) -> ActivityResult:
        return next(result for result in self.activities if result.id == activity_id)

    def category(self, code: str) -> CategoryResult:
        return next(result for result in self.categories if result.code == code)
