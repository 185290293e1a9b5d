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
from tracker.rules.results import ONE, ZERO, ActivityInput, MonthRuns


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
                ) -> tuple[Decimal, MonthRuns | None]:
    """What of `earned` fits under the category's cap per cycle year, recording what it uses,
    and, for a period the caps cut, what each of its months brought (`ActivityResult.
    month_runs`), so that its points arrive in the months that counted them.

    A quantity activity (`part` None) belongs to the year of its date. A period's months
    belong to the year in which each month is complete (as the points curve places them,
    tracker.rules.accrual), each worth fraction x points per unit; a year's room goes to its
    earliest months.
    """
    if part is None or not part.months or not earned:
        return _take(category, bisect_right(year_starts, day) - 1, earned, counted_so_far), None
    worth = earned / part.months  # exact: earned is months x fraction x points per unit
    in_year: list[list[int]] = []  # [year, months complete in it], in month order
    for k in range(1, part.months + 1):
        year = bisect_right(year_starts, month_completed_on(part.first, k)) - 1
        if in_year and in_year[-1][0] == year:
            in_year[-1][1] += 1
        else:
            in_year.append([year, 1])
    counted, runs = ZERO, []
    for year, months in in_year:
        taken = _take(category, year, months * worth, counted_so_far)
        counted += taken
        full, rest = divmod(taken, worth)
        left = months - int(full) - (1 if rest else 0)
        for run in ((int(full), worth), (1 if rest else 0, rest), (left, ZERO)):
            if not run[0]:
                continue
            if runs and runs[-1][1] == run[1]:  # one run for equal neighbours
                runs[-1] = (runs[-1][0] + run[0], run[1])
            else:
                runs.append(run)
    return counted, (None if counted == earned else tuple(runs))


def _take(category: Category, year: int, amount: Decimal,
          counted_so_far: dict[tuple[str, int], Decimal]) -> Decimal:
    """What of `amount` fits in the category's room in cycle year `year`, recording it."""
    assert category.cap_per_year is not None
    key = (category.code, year)
    room = max(category.cap_per_year - counted_so_far.get(key, ZERO), ZERO)
    taken = min(amount, room)
    counted_so_far[key] = counted_so_far.get(key, ZERO) + taken
    return taken
