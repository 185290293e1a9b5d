"""Finding the day a certificate was completed, or an employment letter's period."""

from datetime import date
from decimal import Decimal

import pytest

from tracker.proofs.dates import completion_date, find_dates, find_period, full_time_months


def completed_on(text: str) -> date | None:
    return completion_date(text, find_dates(text))


@pytest.mark.parametrize("written", [
    "August 10, 2025", "Aug. 10, 2025", "Aug 10 2025", "10 Aug 2025", "10th August, 2025",
    "10 AUG 2025", "08/10/2025", "8/10/2025", "08-10-2025", "2025-08-10", "20250810",
    "August 8-10, 2025",
])
def test_each_date_form_is_read(written):
    assert completed_on(f"Forklift Safety\nCompleted {written}") == date(2025, 8, 10)


def test_a_slashed_date_is_month_first_as_in_the_us():
    assert completed_on("Date: 03/04/2025") == date(2025, 3, 4)


@pytest.mark.parametrize("written", ["13/31/2025", "February 30, 2025", "2025-14-01"])
def test_an_impossible_date_is_not_read(written):
    assert completed_on(f"Date: {written}") is None


def test_the_date_after_a_completion_word_wins_over_others():
    text = ("Midwest Safety Council\nPrinted 01/02/2026\nForklift Safety\n"
            "Completed on March 3, 2025\nIssued April 1, 2025")
    assert completed_on(text) == date(2025, 3, 3)


def test_a_date_under_its_label_belongs_to_the_label():
    assert completed_on("Date issued\nJune 9, 2023\nPrinted\nJuly 1, 2023") == date(2023, 6, 9)


def test_an_expiry_date_is_never_the_completion():
    assert completed_on("Adult CPR\nExpires: 2027-03-18\n2025-03-18") == date(2025, 3, 18)


def test_without_a_completion_word_the_latest_date_wins():
    assert completed_on("Safety Day\nMay 2, 2024\nApril 27, 2024") == date(2024, 5, 2)


@pytest.mark.parametrize(("written", "period"), [
    ("from March 1, 2021 to June 30, 2024", (date(2021, 3, 1), date(2024, 6, 30))),
    ("03/01/2021 through 06/30/2024", (date(2021, 3, 1), date(2024, 6, 30))),
    ("March 2021 - June 2024", (date(2021, 3, 1), date(2024, 6, 30))),
    ("January 2019 \u2013 December\n2022", (date(2019, 1, 1), date(2022, 12, 31))),
])
def test_a_period_is_read_from_its_two_ends(written, period):
    assert find_period(f"Machine Operator, {written}, full time.") == period


def test_two_dates_not_joined_are_no_period():
    assert find_period("Hired March 1, 2021. Letter written June 30, 2024.") is None


@pytest.mark.parametrize(("start", "end", "months"), [
    (date(2021, 3, 1), date(2024, 6, 30), 40), (date(2021, 3, 15), date(2021, 4, 14), 1),
    (date(2021, 3, 15), date(2021, 4, 13), 0), (date(2024, 1, 1), date(2024, 1, 31), 1),
])
def test_full_time_months_count_whole_months(start, end, months):
    assert full_time_months(start, end) == Decimal(months)
