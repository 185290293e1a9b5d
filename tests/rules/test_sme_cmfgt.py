"""SME Certified Manufacturing Technologist (CMfgT): its rule set and its worked example.

36 credits every 3 years; SME's emails come 90, 60 and 30 days before the end.
"""

from datetime import date
from decimal import Decimal

from tests.rules.worked import rows, run_case, two_places
from tracker.rules import Status, load_catalog

CMFGT = load_catalog().get("sme-cmfgt")


def test_cmfgt_published_figures():
    assert (CMFGT.cycle_years, CMFGT.points_required, CMFGT.window_days) == (3, 36, 90)
    assert CMFGT.reminder_days == (90, 60, 30)
    assert [fee.amount for fee in CMFGT.fees] == [95, 190]
    assert CMFGT.provenance_of("points_required").source.url == (
        "https://www.sme.org/training/technical-certification/recertification-requirements/")
    assert all(m.estimate for m in CMFGT.provenance if m.table.startswith("categories"))
    assert str(CMFGT.provenance_summary) == "5 of 23 figures published, 18 estimates"


# Worked example. Priya, a manufacturing technician, certified 2025-02-10; today 2026-12-06.
# Cycle 2025-02-10 to 2028-02-10: 1,095 days; elapsed 365 + 299 = 664; 431 days left.
#
# | id      | date       | category    | amount | earned | counted | flags  |
# | lean    | 2025-04-08 | EDUCATION   | 8 h    | 8      | 8       |        |
# | fabtech | 2025-09-17 | ATTENDANCE  | 6 h    | 6      | 6       |        |
# | gdt     | 2026-03-12 | EDUCATION   | 4.5 h  | 4.5    | 4.5     |        |
# | kaizen  | 2026-10-01 | INVOLVEMENT | 3 h    | 3      | 3       |        |
# | expo    | 2027-01-15 | ATTENDANCE  | 8 h    | 8      | 0       | future |
# Counted 8 + 6 + 4.5 + 3 = 21.5 of 36; remaining 14.5.
# Pace target 36 x 664 / 1,095 = 21.83; 21.5 is below it, 431 > 180 days left: behind.
# Credits a month needed 14.5 / (431 / 30.4375) = 1.024 (1.02).
# Projected: today + ceil(14.5 / (21.5 / 664)) = ceil(447.81) = 448 days = 2028-02-27, after
# the end.

ACTIVITIES = [
    ("lean", "EDUCATION", "2025-04-08", "8"),
    ("fabtech", "ATTENDANCE", "2025-09-17", "6"),
    ("gdt", "EDUCATION", "2026-03-12", "4.5"),
    ("kaizen", "INVOLVEMENT", "2026-10-01", "3"),
    ("expo", "ATTENDANCE", "2027-01-15", "8"),
]


def test_cmfgt_worked_example():
    progress = run_case("sme-cmfgt", "2025-02-10", "2026-12-06", ACTIVITIES)
    assert (progress.starts_on, progress.ends_on) == (date(2025, 2, 10), date(2028, 2, 10))
    assert rows(progress) == [
        ("lean", "8.00", "8.00", ()),
        ("fabtech", "6.00", "6.00", ()),
        ("gdt", "4.50", "4.50", ()),
        ("kaizen", "3.00", "3.00", ()),
        ("expo", "8.00", "0.00", ("future",)),
    ]
    assert (progress.counted, progress.remaining) == (Decimal("21.5"), Decimal("14.5"))
    assert (progress.elapsed_days, progress.total_days, progress.days_left) == (664, 1095, 431)
    assert two_places(progress.pace_target) == "21.83"
    assert progress.status is Status.BEHIND
    assert two_places(progress.points_per_month_needed) == "1.02"
    assert progress.projected_completion == date(2028, 2, 27)
