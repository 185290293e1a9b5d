"""Calendar arithmetic for cycles: anniversaries, whole months, cycle years.

All functions take and return `datetime.date`; none reads the clock.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from tracker.rules.catalog import RuleSet

ONE_DAY = timedelta(days=1)


def add_years(day: date, years: int) -> date:
    """The same month and day `years` later; 29 February becomes 28 February in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, or that month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months(start: date, end: date) -> int:
    """Whole months from `start` to `end`, both days included.

    docs/rules.md: the largest m with start + m months <= end + 1 day, so a period from
    2022-03-15 to 2026-03-14 is exactly 48 months.
    """
    if end < start:
        return 0
    limit = end + ONE_DAY
    months = (limit.year - start.year) * 12 + limit.month - start.month
    # The candidate lands in limit's month; it overshoots only when its day is later.
    if add_months(start, months) > limit:
        months -= 1
    return max(months, 0)


def month_completed_on(first: date, k: int) -> date:
    """The day the `k`-th whole month of a period starting on `first` is complete: `first` + k
    months - 1 day (so a job from 2021-09-01 completes its first month on 2021-09-30)."""
    return add_months(first, k) - ONE_DAY


def cycle_for(ruleset: RuleSet, certified_on: date) -> tuple[date, date]:
    """The first cycle: from the certification date to the same day `cycle_years` later."""
    return certified_on, add_years(certified_on, ruleset.cycle_years)


def next_cycle_after(ruleset: RuleSet, ends_on: date) -> tuple[date, date]:
    """The cycle after a renewal: from the day after the old end to the old end + N years."""
    return ends_on + ONE_DAY, add_years(ends_on, ruleset.cycle_years)


def window_opens_on(ruleset: RuleSet, ends_on: date) -> date:
    """The first day the renewal application can be sent."""
    return ends_on - timedelta(days=ruleset.window_days)


def cycle_years(starts_on: date, ends_on: date) -> list[tuple[int, date, date]]:
    """(number, first day, last day) of each year of the cycle, counted from its start.

    Year n starts on the (n-1)th anniversary of the start; the last year runs to the cycle's
    end, so a cycle of N years plus its closing day still has exactly N years.
    """
    years = []
    number = 1
    while True:
        first = add_years(starts_on, number - 1)
        if add_years(starts_on, number + 1) - ONE_DAY > ends_on:  # no full year after this one
            years.append((number, first, ends_on))
            return years
        years.append((number, first, add_years(starts_on, number) - ONE_DAY))
        number += 1
