"""Date edges: leap days, the first and last day of a cycle, today, periods across the cycle."""

from datetime import date
from decimal import Decimal

import pytest

from tracker.rules import (
    ActivityInput,
    Cycle,
    Status,
    add_years,
    cycle_for,
    evaluate,
    load_catalog,
    next_cycle_after,
    whole_months,
    window_opens_on,
)

CPT = load_catalog().get("mssc-cpt")
ALL_FOUR = frozenset(CPT.required_modules)


def training(day, hours="5", order=0, id_="t"):
    return ActivityInput(id_, "CE-TRAINING", day, Decimal(hours), has_evidence=True, order=order)


def job(started, ended, fraction="1.0", id_="e"):
    return ActivityInput(
        id_, "E", ended, started_on=started, fraction=Decimal(fraction), has_evidence=True
    )


def cpt_cycle(certified_on):
    return Cycle(*cycle_for(CPT, certified_on), modules=ALL_FOUR)


def test_29_february_certification_ends_on_28_february():
    assert cycle_for(CPT, date(2024, 2, 29)) == (date(2024, 2, 29), date(2029, 2, 28))
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)  # leap year to leap year


def test_next_cycle_starts_the_day_after_and_ends_n_years_after_the_old_end():
    assert next_cycle_after(CPT, date(2027, 3, 15)) == (date(2027, 3, 16), date(2032, 3, 15))
    assert next_cycle_after(CPT, date(2029, 2, 28)) == (date(2029, 3, 1), date(2034, 2, 28))
    assert window_opens_on(CPT, date(2032, 3, 15)) == date(2031, 12, 16)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2022, 3, 15), date(2026, 3, 14), 48),
        (date(2022, 3, 15), date(2026, 3, 13), 47),
        (date(2021, 9, 1), date(2025, 6, 30), 46),
        (date(2023, 1, 10), date(2024, 12, 31), 23),
        (date(2023, 1, 10), date(2025, 1, 10), 24),
        # 31 January + 1 month is 28 February (the month is shorter), which is <= end + 1 day.
        (date(2023, 1, 31), date(2023, 2, 26), 0),
        (date(2023, 1, 31), date(2023, 2, 27), 1),
        (date(2024, 1, 1), date(2024, 1, 31), 1),
        (date(2024, 1, 1), date(2024, 1, 30), 0),
        (date(2024, 1, 1), date(2023, 12, 31), 0),
    ],
)
def test_whole_months(start, end, months):
    assert whole_months(start, end) == months


def test_first_and_last_day_of_the_cycle_count_the_day_before_and_after_do_not():
    cycle = cpt_cycle(date(2022, 3, 15))
    activities = [
        training(date(2022, 3, 14), id_="before", order=0),
        training(date(2022, 3, 15), id_="first", order=1),
        training(date(2027, 3, 15), id_="last", order=2),
        training(date(2027, 3, 16), id_="after", order=3),
    ]
    progress = evaluate(CPT, cycle, activities, date(2027, 3, 20))
    assert [(a.id, a.counted, a.flags) for a in progress.activities] == [
        ("before", 0, ("outside_cycle",)),
        ("first", 5, ()),
        ("last", 5, ()),
        ("after", 0, ("outside_cycle",)),
    ]


def test_an_activity_on_today_counts_and_the_day_after_is_future():
    cycle = cpt_cycle(date(2022, 3, 15))
    today = date(2025, 6, 1)
    progress = evaluate(
        CPT,
        cycle,
        [training(today, id_="today"), training(date(2025, 6, 2), id_="tomorrow")],
        today,
    )
    assert progress.activity("today").counted == 5
    assert progress.activity("today").flags == ()
    assert progress.activity("tomorrow").flags == ("future",)
    assert progress.activity("tomorrow").counted == 0


def test_employment_starting_before_and_ending_after_the_cycle_counts_the_months_inside():
    cycle = cpt_cycle(date(2022, 3, 15))  # to 2027-03-15
    progress = evaluate(
        CPT, cycle, [job(date(2019, 1, 1), date(2028, 1, 1), "0.5")], date(2028, 6, 1)
    )
    result = progress.activity("e")
    assert result.months == 60  # 2022-03-15 .. 2027-03-15 is 60 whole months
    assert result.earned == 30
    assert result.counted == 30
    assert result.date == date(2027, 3, 15)  # clipped to the cycle's last day
    assert result.flags == ()


def test_employment_entirely_before_the_cycle_is_outside():
    cycle = cpt_cycle(date(2022, 3, 15))
    progress = evaluate(CPT, cycle, [job(date(2020, 1, 1), date(2022, 3, 14))], date(2024, 1, 1))
    result = progress.activity("e")
    assert (result.counted, result.flags) == (0, ("outside_cycle",))
    assert result.earned == 26  # the whole period's worth, shown for information


def test_open_employment_counts_up_to_today_and_dates_at_today():
    cycle = cpt_cycle(date(2022, 3, 15))
    today = date(2023, 3, 14)
    progress = evaluate(CPT, cycle, [job(date(2022, 1, 1), None)], today)
    result = progress.activity("e")
    assert (result.months, result.counted, result.date) == (12, 12, today)


def test_employment_cap_applies_in_end_date_order():
    cycle = cpt_cycle(date(2022, 3, 15))
    later = job(date(2022, 3, 15), date(2026, 3, 14), id_="later")  # 48 months, ends last
    earlier = job(date(2022, 3, 15), date(2023, 3, 14), id_="earlier")  # 12 months
    progress = evaluate(CPT, cycle, [later, earlier], date(2026, 11, 24))
    assert progress.activity("earlier").counted == 12
    assert progress.activity("later").counted == 38
    assert progress.activity("later").flags == ("over_cap",)


def test_figures_before_the_cycle_starts_and_after_it_ends():
    cycle = cpt_cycle(date(2022, 3, 15))
    before = evaluate(CPT, cycle, [], date(2022, 1, 1))
    assert (before.elapsed_days, before.pace_target, before.projected_completion) == (0, 0, None)
    assert before.status is Status.ON_TRACK
    after = evaluate(CPT, cycle, [training(date(2023, 1, 1))], date(2027, 3, 16))
    assert after.status is Status.LAPSED
    assert after.days_left == -1
    assert after.elapsed_days == after.total_days == 1826
    assert after.points_per_month_needed is None


def test_last_day_is_still_at_risk_and_the_next_day_lapsed():
    cycle = cpt_cycle(date(2022, 3, 15))
    assert evaluate(CPT, cycle, [], date(2027, 3, 15)).status is Status.AT_RISK
    assert evaluate(CPT, cycle, [], date(2027, 3, 16)).status is Status.LAPSED
    assert evaluate(CPT, cycle, [], date(2026, 9, 16)).status is Status.AT_RISK  # 180 days
    assert evaluate(CPT, cycle, [], date(2026, 9, 15)).status is Status.BEHIND  # 181 days


def test_cycle_years_count_from_the_start():
    progress = evaluate(CPT, cpt_cycle(date(2024, 2, 29)), [], date(2025, 1, 1))
    assert [(y.number, y.starts_on, y.ends_on) for y in progress.years] == [
        (1, date(2024, 2, 29), date(2025, 2, 27)),
        (2, date(2025, 2, 28), date(2026, 2, 27)),
        (3, date(2026, 2, 28), date(2027, 2, 27)),
        (4, date(2027, 2, 28), date(2028, 2, 28)),
        (5, date(2028, 2, 29), date(2029, 2, 28)),
    ]
