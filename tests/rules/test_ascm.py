"""ASCM CPIM, CSCP and CLTD: their rule sets and their worked example. ASCM maintains the
three certifications under one program: 75 points every 5 years, earned the same ways."""

from datetime import date

import pytest

from tests.rules.worked import rows, run_case, two_places
from tracker.rules import Status, load_catalog

ASCM = ("ascm-cpim", "ascm-cscp", "ascm-cltd")


@pytest.mark.parametrize("code", ASCM)
def test_ascm_published_figures(code):
    ruleset = load_catalog().get(code)
    assert (ruleset.cycle_years, ruleset.points_required) == (5, 75)
    assert [ruleset.category(c).points_per_unit for c in (
        "SEMINAR", "TEACHING", "MEMBERSHIP", "EXAM", "BOOK", "MENTOR")] == [1, 2, 6, 20, 5, 2]
    assert [fee.amount for fee in ruleset.fees] == [75, 150]
    assert ruleset.provenance_of("window_days").estimate
    assert str(ruleset.provenance_summary) == "10 of 24 figures published, 14 estimates"


# Worked example. Marcus, a materials planner, certified 2022-09-01; today 2026-12-06.
# Cycle 2022-09-01 to 2027-09-01: 1,826 days (2024-02-29 inside); elapsed 1,461 + 96 = 1,557;
# 269 days left.
#
# | id       | date       | category   | amount       | earned | counted | flags         |
# | prep     | 2022-08-15 | SEMINAR    | 6 h          | 6      | 0       | outside_cycle |
# | sop      | 2023-10-12 | SEMINAR    | 8 h x 1      | 8      | 8       |               |
# | cscp     | 2024-05-20 | EXAM       | 1 x 20       | 20     | 20      |               |
# | books    | 2025-02-03 | BOOK       | 2 x 5        | 10     | 10      |               |
# | taught   | 2025-11-04 | TEACHING   | 3 h x 2      | 6      | 6       |               |
# | member   | 2026-09-01 | MEMBERSHIP | 4 years x 6  | 24     | 24      |               |
# Counted 8 + 20 + 10 + 6 + 24 = 68 of 75; remaining 7.
# Pace target 75 x 1,557 / 1,826 = 63.95; 68 >= 63.95, 269 > 180 days left: on_track.
# Points a month needed 7 / (269 / 30.4375) = 0.79.
# Projected: today + ceil(7 / (68 / 1,557)) = ceil(160.28) = 161 days = 2027-05-16.

ACTIVITIES = [
    ("prep", "SEMINAR", "2022-08-15", "6"),
    ("sop", "SEMINAR", "2023-10-12", "8"),
    ("cscp", "EXAM", "2024-05-20", "1"),
    ("books", "BOOK", "2025-02-03", "2"),
    ("taught", "TEACHING", "2025-11-04", "3"),
    ("member", "MEMBERSHIP", "2026-09-01", "4"),
]


@pytest.mark.parametrize("code", ASCM)
def test_ascm_worked_example(code):
    progress = run_case(code, "2022-09-01", "2026-12-06", ACTIVITIES)
    assert (progress.starts_on, progress.ends_on) == (date(2022, 9, 1), date(2027, 9, 1))
    assert rows(progress) == [
        ("prep", "6.00", "0.00", ("outside_cycle",)),
        ("sop", "8.00", "8.00", ()),
        ("cscp", "20.00", "20.00", ()),
        ("books", "10.00", "10.00", ()),
        ("taught", "6.00", "6.00", ()),
        ("member", "24.00", "24.00", ()),
    ]
    assert (progress.counted, progress.remaining) == (68, 7)
    assert (progress.elapsed_days, progress.total_days, progress.days_left) == (1557, 1826, 269)
    assert two_places(progress.pace_target) == "63.95"
    assert progress.status is Status.ON_TRACK
    assert two_places(progress.points_per_month_needed) == "0.79"
    assert progress.projected_completion == date(2027, 5, 16)
