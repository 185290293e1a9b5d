"""Spec version 2, item 1: employment accrues month by month in time.

Month k of the part of a period inside the cycle, starting on s, is complete on s + k months -
1 day; by then the period has brought min(k x fraction x points per unit, counted). The points
curve, the day the requirement was reached (and so `projected_completion` when nothing
remains) and the points of each cycle year all come from `accrual.contributions`.
"""

import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from tests.rules.worked import run_case
from tracker.rules import ActivityInput, Cycle, cycle_for, evaluate, load_catalog
from tracker.rules.accrual import contributions, running_totals
from tracker.rules.cycles import month_completed_on
from tracker.rules.insights import month_totals, points_curve

CPT = load_catalog().get("mssc-cpt")
FOUR = ["safety", "quality", "production", "maintenance"]
EXAMPLE_A = [
    ("old", "CE-TRAINING", "2021-12-01", "8"),
    ("training", "CE-TRAINING", "2022-06-01", "10"),
    ("credit", "CE-CREDIT", "2023-05-20", "3"),
    ("cert", "IC", "2024-09-10", "1"),
    ("volunteer", "X", "2025-04-02", "30"),
    ("job", "E", "2022-03-15", "2026-03-14", "1.0"),
]
EXAMPLE_C = [
    ("training", "CE-TRAINING", "2022-02-01", "24"),
    ("job", "E", "2021-09-01", "2025-06-30", "1.0"),
    ("ic", "IC", "2026-07-15", "1"),
]


def job_arrivals(progress, job_id="job"):
    return contributions([progress.activity(job_id)])


def total_on(progress, day: date) -> Decimal:
    return sum((points for when, points in contributions(progress.activities) if when <= day),
               Decimal(0))


def test_example_c_job_adds_a_point_at_the_end_of_each_of_its_46_months():
    progress = run_case("mssc-cpt", "2021-09-01", "2026-06-01", EXAMPLE_C, FOUR)
    arrivals = job_arrivals(progress)
    assert len(arrivals) == 46
    assert arrivals[0] == (date(2021, 9, 30), Decimal(1))  # month 1
    assert arrivals[1] == (date(2021, 10, 31), Decimal(1))
    assert arrivals[5] == (date(2022, 2, 28), Decimal(1))
    assert arrivals[-1] == (date(2025, 6, 30), Decimal(1))  # month 46
    assert all(points == 1 for _, points in arrivals)
    # Per activity nothing changes: 46 earned, 46 counted, dated on its end day.
    job = progress.activity("job")
    assert (job.earned, job.counted, job.date, job.starts_on) == (
        46, 46, date(2025, 6, 30), date(2021, 9, 1))
    # The curve climbs a point a month, with the course on 2022-02-01 on top of 5 months.
    curve = dict(points_curve(progress))
    assert curve[date(2021, 9, 30)] == 1
    assert curve[date(2022, 1, 31)] == 5
    assert curve[date(2022, 2, 1)] == 29
    assert curve[date(2025, 6, 30)] == 70 == progress.counted
    assert [str(y.counted) for y in progress.years] == ["36.0", "12.0", "12.0", "10.0", "0"]


def test_example_a_is_reached_on_the_volunteering_day():
    progress = run_case("mssc-cpt", "2022-03-15", "2026-11-24", EXAMPLE_A, FOUR)
    assert total_on(progress, date(2025, 3, 14)) == 96  # 10 + 30 + 20 + 36 months
    assert total_on(progress, date(2025, 4, 1)) == 96
    assert total_on(progress, date(2025, 4, 2)) == 116
    assert progress.requirement_reached_on == date(2025, 4, 2)
    assert progress.projected_completion == date(2025, 4, 2)
    assert progress.completes_before_end is True


def test_the_reached_day_can_be_the_end_of_a_jobs_month():
    """60 points of courses, then a job: the 40th month brings the total to 100."""
    activities = [("course", "CE-TRAINING", "2022-04-01", "60"),
                  ("job", "E", "2022-03-15", None, "1.0")]
    progress = run_case("mssc-cpt", "2022-03-15", "2026-11-24", activities, FOUR)
    assert progress.activity("job").counted == 50  # the cap; 56 whole months earned
    assert progress.requirement_reached_on == month_completed_on(date(2022, 3, 15), 40)
    assert progress.requirement_reached_on == date(2025, 7, 14)


def test_a_capped_job_stops_adding_once_its_counted_points_are_placed():
    activities = [("first", "E", "2022-03-15", "2026-03-14", "1.0"),  # 48 months, 48 counted
                  ("second", "E", "2022-06-01", "2023-05-31", "1.0")]  # 12 months, 2 counted
    progress = run_case("mssc-cpt", "2022-03-15", "2026-11-24", activities, FOUR)
    # Caps go in date order of the end dates: the second job ends first and counts 12; the
    # first, 38 of its 48.
    assert (progress.activity("second").counted, progress.activity("first").counted) == (12, 38)
    first = job_arrivals(progress, "first")
    assert len(first) == 38
    assert first[-1] == (date(2025, 5, 14), Decimal(1))
    assert sum(points for _, points in first) == 38


def test_half_time_adds_half_a_point_a_month_from_the_cycle_start():
    """Example D: 2018-01-01 to 2024-12-31 at half time, clipped to the cycle from 2023-01-10."""
    activities = [("half", "E", "2018-01-01", "2024-12-31", "0.5")]
    progress = run_case("mssc-cpt", "2023-01-10", "2025-01-10", activities, FOUR)
    arrivals = job_arrivals(progress, "half")
    assert len(arrivals) == 23
    assert arrivals[0] == (date(2023, 2, 9), Decimal("0.5"))
    assert arrivals[-1] == (date(2024, 12, 9), Decimal("0.5"))
    assert sum(points for _, points in arrivals) == Decimal("11.5")


def test_a_job_still_held_accrues_up_to_today():
    activities = [("job", "E", "2021-09-01", None, "1.0")]
    progress = run_case("mssc-cpt", "2021-09-01", "2024-06-15", activities, FOUR)
    arrivals = job_arrivals(progress)
    assert len(arrivals) == 33  # Sep 2021 to May 2024
    assert arrivals[-1] == (date(2024, 5, 31), Decimal(1))
    assert all(day <= date(2024, 6, 15) for day, _ in arrivals)


def test_months_that_start_late_in_the_month_end_on_the_clamped_day():
    assert month_completed_on(date(2024, 1, 31), 1) == date(2024, 2, 28)
    assert month_completed_on(date(2024, 1, 31), 2) == date(2024, 3, 30)
    assert month_completed_on(date(2021, 9, 1), 46) == date(2025, 6, 30)


def test_running_totals_keep_one_entry_a_day():
    arrivals = [(date(2024, 1, 1), Decimal(2)), (date(2024, 1, 1), Decimal(3)),
                (date(2024, 2, 1), Decimal(1))]
    assert running_totals(arrivals, Decimal(10)) == [
        (date(2024, 1, 1), Decimal(15)), (date(2024, 2, 1), Decimal(16))]


def test_month_totals_give_each_month_that_added_points():
    progress = run_case("mssc-cpt", "2021-09-01", "2026-06-01", EXAMPLE_C, FOUR)
    months = dict(month_totals(points_curve(progress)))
    assert len(months) == 46  # the job's months; the course falls in one of them
    assert months[date(2021, 9, 1)] == 1
    assert months[date(2022, 2, 1)] == 30  # 6 months of the job and the course
    assert months[date(2025, 6, 1)] == 70


def test_five_thousand_activities_place_their_points_without_walking_days():
    """The engine runs on 5,000 activities a page view: a job adds one entry a month that
    brings points, and nothing past its counted points."""
    starts_on, ends_on = cycle_for(CPT, date(2022, 3, 15))
    today = date(2027, 1, 1)
    activities = [
        ActivityInput(i, "CE-TRAINING", starts_on + timedelta(days=i % 1700), Decimal(1), order=i)
        for i in range(4800)
    ] + [
        ActivityInput(5000 + i, "E", None, started_on=starts_on, fraction=Decimal(1),
                      order=5000 + i)
        for i in range(200)  # 200 jobs held all cycle: the cap of 50 stops all but the first
    ]
    began = time.perf_counter()
    progress = evaluate(CPT, Cycle(starts_on, ends_on, frozenset(FOUR)), activities, today)
    curve = points_curve(progress)
    elapsed = time.perf_counter() - began
    assert len(contributions(progress.activities)) == 4800 + 50
    assert curve[-1][1] == progress.counted == 4850
    assert elapsed < 2  # about 0.1 s; the bound only catches a walk over every day


# A cap per cycle year (NICET: Active Practitioner, 2 points a full-time month, at most 24 in
# each cycle year). The months a year's cap leaves out bring nothing: a job's points arrive in
# the months that counted them, so no cycle year shows more than its cap.
NICET_TWO_JOBS = [
    ("a", "ACTIVE", "2020-01-01", "2020-12-31", "1.0"),  # fills year 1 (2020): 24
    ("b", "ACTIVE", "2020-01-01", "2021-12-31", "1.0"),  # 48 earned; only 2021 has room: 24
    ("course", "EDUCATION", "2020-06-01", "42"),
]


def test_a_year_full_under_its_cap_gets_nothing_from_a_later_job():
    progress = run_case("nicet", "2020-01-01", "2022-06-01", NICET_TWO_JOBS)
    b = progress.activity("b")
    assert (b.earned, b.counted, b.flags) == (48, 24, ("over_cap",))
    arrivals = job_arrivals(progress, "b")
    # b's 12 months of 2020 found year 1 full; its 12 months of 2021 bring 2 points each.
    assert arrivals == [(month_completed_on(date(2020, 1, 1), k), Decimal(2))
                        for k in range(13, 25)]
    assert [y.counted for y in progress.years] == [24 + 42, 24, 0]
    # 24 + 42 by the end of 2020, then b's points month by month: 90 on 2021-12-31.
    assert total_on(progress, date(2021, 11, 30)) == 88
    assert progress.requirement_reached_on == date(2021, 12, 31)
    curve = dict(points_curve(progress))
    assert curve[date(2020, 12, 31)] == 66
    assert curve[date(2021, 1, 31)] == 68
    assert curve[date(2021, 12, 31)] == 90 == progress.counted


def test_nicet_worked_example_places_each_year_within_its_cap():
    """tests/rules/test_nicet.py: main counts 24 + 18 + 18; the side job has 6 of year 2."""
    main = [("side", "ACTIVE", "2025-03-01", "2025-08-31", "0.5"),
            ("main", "ACTIVE", "2021-04-01", None, "1.0")]
    progress = run_case("nicet", "2024-03-01", "2026-12-06", main)
    assert [y.counted for y in progress.years] == [24, 24, 18]
    arrivals = dict(job_arrivals(progress, "main"))
    assert sum(arrivals.values()) == 60 == progress.activity("main").counted
    # Year 2's room of 18 goes to main's first 9 months of that year; its months 22 to 24
    # (Dec 2025 to Feb 2026) bring nothing; year 3 starts again at 2 a month.
    assert arrivals[date(2025, 11, 30)] == 2  # month 21
    assert date(2025, 12, 31) not in arrivals and date(2026, 2, 28) not in arrivals
    assert arrivals[date(2026, 3, 31)] == 2  # month 25
    assert len(arrivals) == 30


def test_a_category_cap_after_the_years_caps_cuts_the_last_months():
    """test-spread: WORK 1 a month, at most 10 a cycle year and 24 in all. 30 months from
    2024-01-01: the years take 10 + 10 + 6 = 26, the cap leaves 24, so year 3 keeps 4."""
    spread = load_catalog(Path(__file__).parent / "rulesets").get("test-spread")
    work = ActivityInput("w", "WORK", date(2026, 6, 30), started_on=date(2024, 1, 1),
                         fraction=Decimal(1), has_evidence=True)
    progress = evaluate(spread, Cycle(date(2024, 1, 1), date(2027, 1, 1)), [work],
                        date(2026, 12, 1))
    assert progress.activity("w").counted == 24
    assert [y.counted for y in progress.years] == [10, 10, 4]
    arrivals = job_arrivals(progress, "w")
    assert arrivals[9] == (date(2024, 10, 31), Decimal(1))  # month 10 fills 2024
    assert arrivals[10] == (date(2025, 1, 31), Decimal(1))  # then nothing until 2025
    assert arrivals[-1] == (date(2026, 4, 30), Decimal(1))  # month 28: the 24th point
