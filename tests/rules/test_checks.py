"""Plain-English checks of one activity, a certification date, and the modules held."""

from datetime import date
from decimal import Decimal

import pytest

from tracker.rules import (
    ActivityInput,
    Problem,
    check_activity,
    check_certified_on,
    load_catalog,
    requires_recertification,
)

CPT = load_catalog().get("mssc-cpt")
TODAY = date(2025, 1, 10)


def hours(category, amount, day=date(2024, 1, 1)):
    quantity = None if amount is None else Decimal(amount)
    return ActivityInput("a", category, day, quantity)


def job(started, ended, fraction="1.0"):
    value = None if fraction is None else Decimal(fraction)
    return ActivityInput("e", "E", ended, started_on=started, fraction=value)


def test_a_good_activity_has_no_problems():
    assert check_activity(CPT, hours("CE-TRAINING", "2.25"), TODAY) == []
    assert check_activity(CPT, hours("CE-CREDIT", "1.5"), TODAY) == []
    assert check_activity(CPT, job(date(2020, 1, 1), None, "0.5"), TODAY) == []
    assert check_activity(CPT, job(date(2020, 1, 1), TODAY), TODAY) == []


def test_a_future_quantity_activity_is_allowed_it_just_counts_later():
    assert check_activity(CPT, hours("IC", "1", date(2026, 7, 15)), TODAY) == []


def test_unknown_category():
    [problem] = check_activity(CPT, hours("WELDING", "1"), TODAY)
    assert problem.field == "category"
    assert problem.message.startswith("“WELDING” is not a CPT category. Choose one of: CE-CREDIT")


@pytest.mark.parametrize(
    ("category", "amount", "message"),
    [
        ("X", "2.3", "2.3 is not a multiple of 0.25. Enter hours in steps of 0.25."),
        (
            "CE-CREDIT",
            "1.25",
            "1.25 is not a multiple of 0.5. Enter semester credit hours in steps of 0.5.",
        ),
        ("IC", "1.5", "1.5 is not a multiple of 1. Enter certifications in steps of 1."),
        ("X", "0", "The number of hours must be more than 0."),
        ("X", "-2", "The number of hours must be more than 0."),
        ("CE-TRAINING", None, "Enter the number of contact hours."),
    ],
)
def test_quantity_problems(category, amount, message):
    assert check_activity(CPT, hours(category, amount), TODAY) == [Problem("quantity", message)]


def test_a_huge_quantity_is_checked_like_any_other():
    # 1E+30 % 0.25 needs more digits than Python's default 28: the check must not fail.
    assert check_activity(CPT, hours("CE-TRAINING", "1E+30"), TODAY) == []
    [problem] = check_activity(CPT, hours("CE-TRAINING", "1" + "0" * 30 + ".1"), TODAY)
    assert problem.message.startswith("1" + "0" * 30 + ".1 is not a multiple of 0.25.")


def test_missing_completion_date():
    assert check_activity(CPT, hours("X", "1", day=None), TODAY) == [
        Problem("completed_on", "Enter the date you finished this activity.")
    ]


def test_employment_end_before_start():
    assert check_activity(CPT, job(date(2024, 5, 1), date(2024, 4, 30)), TODAY) == [
        Problem("completed_on", "The end date is before the start date.")
    ]


def test_employment_end_after_today_says_use_still_employed():
    assert check_activity(CPT, job(date(2023, 1, 10), date(2027, 1, 9)), TODAY) == [
        Problem(
            "completed_on",
            "The end date (Jan 9, 2027) is after today. If you still work there, "
            "choose “still employed” instead of an end date.",
        )
    ]


def test_employment_fraction_must_be_one_of_the_listed():
    assert check_activity(CPT, job(date(2023, 1, 10), None, "0.75"), TODAY) == [
        Problem(
            "fraction",
            "0.75 of full time is not allowed. Choose full time or half time.",
        )
    ]
    assert check_activity(CPT, job(date(2023, 1, 10), None, None), TODAY) == [
        Problem("fraction", "Choose how much you worked: full time or half time.")
    ]


def test_employment_missing_or_future_start():
    assert check_activity(CPT, job(None, None), TODAY) == [
        Problem("started_on", "Enter the date this job started.")
    ]
    assert check_activity(CPT, job(date(2025, 2, 1), None), TODAY) == [
        Problem("started_on", "The start date is after today. Only add work you have started.")
    ]


def test_certification_date_checks():
    assert check_certified_on(CPT, date(2006, 1, 1), TODAY) == []
    assert check_certified_on(CPT, date(2005, 12, 31), TODAY) == [
        Problem(
            "certified_on",
            "The certification date cannot be before Jan 1, 2006, the earliest date "
            "accepted for CPT.",
        )
    ]
    assert check_certified_on(CPT, date(2025, 1, 11), TODAY) == [
        Problem("certified_on", "The certification date cannot be in the future.")
    ]


def test_only_the_full_cpt_needs_recertification():
    assert requires_recertification(CPT, ["safety", "quality", "production", "maintenance"])
    assert requires_recertification(
        CPT, ["safety", "quality", "production", "maintenance", "green"]
    )
    assert not requires_recertification(CPT, ["safety", "quality", "production", "green"])
    assert not requires_recertification(CPT, [])
    assert requires_recertification(load_catalog().get("pmi-pmp"), [])
