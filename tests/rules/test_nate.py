"""NATE: its rule set and its worked example. 16 CEHs in the specialty every 2 years."""

from datetime import date
from decimal import Decimal

import pytest

from tests.rules.worked import rows, run_case, two_places
from tracker.rules import CaseError, Status, load_catalog

NATE = load_catalog().get("nate")


def test_nate_published_figures():
    assert (NATE.cycle_years, NATE.points_required, NATE.points_name.plural) == (2, 16, "CEHs")
    assert [c.points_per_unit for c in NATE.categories] == [1, 1]
    assert [fee.amount for fee in NATE.fees] == [25, 5]
    assert NATE.provenance_of("evidence", category="SPECIALTY").published
    assert NATE.provenance_of("step", category="SPECIALTY").estimate
    assert str(NATE.provenance_summary) == "8 of 13 figures published, 5 estimates"


# Worked example. Tyrone, an HVAC service technician, certified 2025-03-01; today 2026-12-06.
# Cycle 2025-03-01 to 2027-03-01: 730 days; elapsed 365 + 280 = 645; 85 days left.
#
# | id       | date       | category  | amount | earned | counted |
# | furnace  | 2025-05-14 | SPECIALTY | 4 h    | 4      | 4       |
# | safety   | 2025-10-02 | GENERAL   | 2.5 h  | 2.5    | 2.5     |
# | heatpump | 2026-04-22 | SPECIALTY | 6 h    | 6      | 6       |
# Counted 4 + 2.5 + 6 = 12.5 of 16; remaining 3.5; 85 days left <= 120: at_risk.
# CEHs a month needed 3.5 / (85 / 30.4375) = 1.2533 (1.25).
# Projected: today + ceil(3.5 / (12.5 / 645)) = ceil(180.6) = 181 days = 2027-06-05, after
# the end.

ACTIVITIES = [
    ("furnace", "SPECIALTY", "2025-05-14", "4"),
    ("safety", "GENERAL", "2025-10-02", "2.5"),
    ("heatpump", "SPECIALTY", "2026-04-22", "6"),
]


def test_nate_worked_example():
    progress = run_case("nate", "2025-03-01", "2026-12-06", ACTIVITIES)
    assert (progress.starts_on, progress.ends_on) == (date(2025, 3, 1), date(2027, 3, 1))
    assert rows(progress) == [
        ("furnace", "4.00", "4.00", ()),
        ("safety", "2.50", "2.50", ()),
        ("heatpump", "6.00", "6.00", ()),
    ]
    assert (progress.counted, progress.remaining) == (Decimal("12.5"), Decimal("3.5"))
    assert (progress.elapsed_days, progress.total_days, progress.days_left) == (645, 730, 85)
    assert progress.status is Status.AT_RISK
    assert two_places(progress.points_per_month_needed) == "1.25"
    assert progress.projected_completion == date(2027, 6, 5)


def test_nate_hours_are_entered_in_half_hours():
    with pytest.raises(CaseError) as caught:
        run_case("nate", "2025-03-01", "2026-12-06", [("x", "GENERAL", "2025-10-02", "2.25")])
    assert caught.value.problems == [
        "activity x: quantity: 2.25 is not a multiple of 0.5. Enter hours in steps of 0.5."]
