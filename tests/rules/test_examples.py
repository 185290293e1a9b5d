"""docs/rules.md worked examples A to D, every number, through the engine directly."""

from datetime import date
from decimal import Decimal

import pytest

from tracker.rules import (
    ActivityInput,
    Cycle,
    Status,
    UnmetKind,
    check_activity,
    cycle_for,
    evaluate,
    load_catalog,
    round_points,
)

CPT = load_catalog().get("mssc-cpt")
ALL_FOUR = frozenset({"safety", "quality", "production", "maintenance"})


def cpt_cycle(certified_on: date) -> Cycle:
    starts_on, ends_on = cycle_for(CPT, certified_on)
    return Cycle(starts_on, ends_on, ALL_FOUR)


def quantity(id_, category, day, amount, order):
    return ActivityInput(id_, category, day, Decimal(amount), has_evidence=True, order=order)


def employment(id_, started, ended, fraction, order):
    return ActivityInput(
        id_,
        "E",
        ended,
        started_on=started,
        fraction=Decimal(fraction),
        has_evidence=True,
        order=order,
    )


def two_places(value):
    return str(round_points(value))


def test_example_a():
    cycle = cpt_cycle(date(2022, 3, 15))
    activities = [
        quantity("old", "CE-TRAINING", date(2021, 12, 1), "8", 0),
        quantity("training", "CE-TRAINING", date(2022, 6, 1), "10", 1),
        quantity("credit", "CE-CREDIT", date(2023, 5, 20), "3", 2),
        quantity("cert", "IC", date(2024, 9, 10), "1", 3),
        quantity("volunteer", "X", date(2025, 4, 2), "30", 4),
        employment("job", date(2022, 3, 15), date(2026, 3, 14), "1.0", 5),
    ]
    progress = evaluate(CPT, cycle, activities, date(2026, 11, 24))

    assert (progress.starts_on, progress.ends_on) == (date(2022, 3, 15), date(2027, 3, 15))
    assert progress.window_opens_on == date(2026, 12, 15)
    expected = {
        "old": ("8", "0", ("outside_cycle",)),
        "training": ("10", "10", ()),
        "credit": ("30", "30", ()),
        "cert": ("20", "20", ()),
        "volunteer": ("30", "20", ("over_cap",)),
        "job": ("48", "48", ()),
    }
    for id_, (earned, counted, flags) in expected.items():
        result = progress.activity(id_)
        assert (result.earned, result.counted, result.flags) == (
            Decimal(earned),
            Decimal(counted),
            flags,
        ), id_
    assert progress.activity("job").months == 48
    assert progress.counted == 128
    assert progress.required == 100
    assert progress.remaining == 0
    assert progress.status is Status.COMPLETE
    assert progress.days_left == 111
    # Spec version 2: the job's months accrue one by one, so on 2025-03-14 (its 36th month)
    # the total is 10 + 30 + 20 + 36 = 96, and the volunteering on 2025-04-02 takes it to 116.
    # (Under version 1 the job's 48 points all came on its end date, 2026-03-14.)
    assert progress.requirement_reached_on == date(2025, 4, 2)
    assert progress.projected_completion == date(2025, 4, 2)
    assert progress.completes_before_end is True
    assert progress.points_per_month_needed is None
    assert progress.unmet == ()
    assert progress.category("X").counted == 20
    assert progress.category("X").earned == 30
    assert progress.category("X").cap == 20


def test_example_b():
    cycle = cpt_cycle(date(2024, 2, 29))
    activities = [
        quantity("t", "CE-TRAINING", date(2024, 6, 1), "12", 0),
        quantity("n", "CE-NONCREDIT", date(2025, 1, 15), "6", 1),
        quantity("x", "X", date(2025, 8, 1), "25", 2),
    ]
    progress = evaluate(CPT, cycle, activities, date(2026, 11, 24))

    assert (progress.starts_on, progress.ends_on) == (date(2024, 2, 29), date(2029, 2, 28))
    assert progress.total_days == 1826
    assert progress.window_opens_on == date(2028, 11, 30)
    assert [(a.earned, a.counted, a.flags) for a in progress.activities] == [
        (12, 12, ()),
        (6, 6, ()),
        (25, 20, ("over_cap",)),
    ]
    assert progress.counted == 38
    assert progress.elapsed_days == 999
    assert two_places(progress.pace_target) == "54.71"
    assert progress.status is Status.BEHIND
    assert progress.days_left == 827
    assert progress.remaining == 62
    assert two_places(progress.points_per_month_needed) == "2.28"
    assert progress.projected_completion == date(2031, 5, 12)
    assert progress.completes_before_end is False
    assert progress.requirement_reached_on is None
    assert [(u.kind, u.scope, u.required, u.counted) for u in progress.unmet] == [
        (UnmetKind.POINTS_REMAINING, "total", 100, 38)
    ]


def test_example_c():
    cycle = cpt_cycle(date(2021, 9, 1))
    activities = [
        quantity("t", "CE-TRAINING", date(2022, 2, 1), "24", 0),
        employment("e", date(2021, 9, 1), date(2025, 6, 30), "1.0", 1),
        quantity("ic", "IC", date(2026, 7, 15), "1", 2),
    ]
    progress = evaluate(CPT, cycle, activities, date(2026, 6, 1))

    assert (progress.starts_on, progress.ends_on) == (date(2021, 9, 1), date(2026, 9, 1))
    assert progress.window_opens_on == date(2026, 6, 3)
    assert [(a.earned, a.counted, a.flags) for a in progress.activities] == [
        (24, 24, ()),
        (46, 46, ()),
        (20, 0, ("future",)),
    ]
    assert progress.activity("e").months == 46
    assert progress.counted == 70
    assert progress.status is Status.AT_RISK
    assert progress.days_left == 92
    assert progress.remaining == 30
    assert two_places(progress.points_per_month_needed) == "9.93"
    assert progress.projected_completion == date(2028, 6, 14)
    assert progress.completes_before_end is False


def test_example_d_caps_in_date_order():
    cycle = cpt_cycle(date(2023, 1, 10))
    activities = [
        quantity("ic3", "IC", date(2024, 2, 1), "1", 0),  # entered first, dated last
        quantity("ic1", "IC", date(2023, 5, 1), "1", 1),
        quantity("ic2", "IC", date(2023, 9, 1), "1", 2),
    ]
    progress = evaluate(CPT, cycle, activities, date(2025, 1, 10))
    assert [progress.activity(i).earned for i in ("ic1", "ic2", "ic3")] == [20, 20, 20]
    assert [progress.activity(i).counted for i in ("ic1", "ic2", "ic3")] == [20, 20, 0]
    assert progress.activity("ic3").flags == ("over_cap",)
    assert progress.category("IC").counted == 40


def test_example_d_employment_ending_after_today_cannot_be_entered():
    today = date(2025, 1, 10)
    bad = employment("e", date(2023, 1, 10), date(2027, 1, 9), "1.0", 0)
    problems = check_activity(CPT, bad, today)
    assert [p.field for p in problems] == ["completed_on"]
    assert "still employed" in problems[0].message


def test_example_d_employment_periods():
    cycle = cpt_cycle(date(2023, 1, 10))
    activities = [
        employment("open", date(2023, 1, 10), None, "1.0", 0),
        employment("half", date(2018, 1, 1), date(2024, 12, 31), "0.5", 1),
    ]
    progress = evaluate(CPT, cycle, activities, date(2025, 1, 10))
    still = progress.activity("open")
    assert (still.months, still.earned, still.counted, still.date) == (
        24,
        24,
        24,
        date(2025, 1, 10),
    )
    half = progress.activity("half")
    assert (half.months, half.earned, half.counted) == (23, Decimal("11.5"), Decimal("11.5"))
    assert progress.category("E").counted == Decimal("35.5")


@pytest.mark.parametrize(
    ("value", "shown"),
    [("2.345", "2.35"), ("2.344", "2.34"), ("0.005", "0.01"), ("54.709748", "54.71")],
)
def test_round_points_is_half_up(value, shown):
    assert str(round_points(Decimal(value))) == shown
