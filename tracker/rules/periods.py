"""Employment periods in a cycle: the part inside it, its whole months, and its cycle years.

Pure helpers of `engine.evaluate` (docs/rules.md): a period is clipped to the cycle at both
ends and counts the whole months of that part times its full-time fraction; its date, for
ordering and flags, is the clipped end (an open period ends on `today`).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from tracker.rules.catalog import Category
from tracker.rules.cycles import month_completed_on, whole_months
from tracker.rules.results import ONE, ZERO, ActivityInput


class Part(NamedTuple):
    """What of an employment period counts in a cycle."""

    day: date  # its date: the clipped end, or the end itself when outside the cycle
    first: date  # the first day counted: the start, clipped to the cycle
    earned: Decimal
    months: int
    inside: bool  # overlaps the cycle
    future: bool


def period_part(activity: ActivityInput, category: Category, start: date, end: date,
                today: date) -> Part:
    """The part of an employment period inside the cycle `start`..`end`."""
    last = activity.completed_on or today  # an open period counts up to today
    first = activity.started_on or last  # no start date: nothing to count
    future = last > today or first > today
    if first > last:  # ends before it starts, or still employed in a job not started yet
        return Part(first, first, ZERO, 0, start <= first <= end, future)
    fraction = ONE if activity.fraction is None else activity.fraction
    clipped_first, clipped_last = max(first, start), min(last, end)
    inside = clipped_first <= clipped_last
    if inside:
        first, last = clipped_first, clipped_last
    months = whole_months(first, last)
    return Part(last, first, months * fraction * category.points_per_unit, months, inside,
                future)


def year_capped(category: Category, part: Part | None, day: date, earned: Decimal,
                year_starts: list[date], counted_so_far: dict[tuple[str, int], Decimal],
                ) -> Decimal:
    """What of `earned` fits under the category's cap per cycle year, recording what it uses.

    A quantity activity (`part` None) belongs to the year of its date. A period's months
    belong to the year in which each month is complete (as the points curve places them,
    tracker.rules.accrual), each worth fraction x points per unit.
    """
    assert category.cap_per_year is not None
    amounts: dict[int, Decimal] = {}
    if part is not None and part.months:
        worth = earned / part.months
        for k in range(1, part.months + 1):
            year = bisect_right(year_starts, month_completed_on(part.first, k)) - 1
            amounts[year] = amounts.get(year, ZERO) + worth
    else:
        amounts[bisect_right(year_starts, day) - 1] = earned
    counted = ZERO
    for year, amount in amounts.items():
        key = (category.code, year)
        room = max(category.cap_per_year - counted_so_far.get(key, ZERO), ZERO)
        take = min(amount, room)
        counted_so_far[key] = counted_so_far.get(key, ZERO) + take
        counted += take
    return counted
