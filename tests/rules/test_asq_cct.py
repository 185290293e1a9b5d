"""ASQ Certified Calibration Technician (CCT): its rule set and its worked example.

18 RUs every 3 years; employment 0.3 RU a month full time, 0.15 part time, at most 10.8;
courses 0.1 RU an hour or 1 RU a CEU; 2 RUs per ASQ certification, 1 per other one.
"""

from datetime import date
from decimal import Decimal

from tests.rules.worked import rows, run_case, two_places
from tracker.rules import Status, load_catalog

CCT = load_catalog().get("asq-cct")


def test_cct_published_figures():
    assert (CCT.cycle_years, CCT.points_required, CCT.points_name.plural) == (3, 18, "RUs")
    job = CCT.category("E")
    assert (job.points_per_unit, job.fractions, job.cap) == (
        Decimal("0.3"), (1, Decimal("0.5")), Decimal("10.8"))
    assert [CCT.category(c).points_per_unit for c in (
        "COURSE-HOURS", "COURSE-CEU", "CERT-ASQ", "CERT-OTHER")] == [Decimal("0.1"), 1, 2, 1]
    assert CCT.provenance_of("points_per_unit", category="E").source.key == "asq-earn-rus"
    assert CCT.provenance_of("cap", category="E").source.key == "asq-community"
    assert CCT.provenance_of("window_days").estimate
    assert str(CCT.provenance_summary) == "17 of 29 figures published, 12 estimates"


# Worked example. Luis, a calibration technician, certified 2024-07-01; today 2026-12-06.
# Cycle 2024-07-01 to 2027-07-01: 1,095 days; elapsed 730 + 158 = 888; 207 days left.
#
# | id    | date                    | category     | amount        | earned | counted | flags   |
# | old   | 2024-05-01              | COURSE-HOURS | 8 h           | 0.8    | 0       | outside |
# | fluke | 2024-10-15              | COURSE-HOURS | 16 h x 0.1    | 1.6    | 1.6     |         |
# | metro | 2025-03-20              | COURSE-CEU   | 2.4 CEU x 1   | 2.4    | 2.4     |         |
# | osha  | 2025-06-10              | CERT-OTHER   | 1 x 1         | 1      | 1       |         |
# | asq   | 2025-09-18              | MEETING      | 3 x 0.3       | 0.9    | 0.9     |         |
# | job   | 2019-03-01 -> open, 1.0 | E            | 29 mo. x 0.3  | 8.7    | 8.7     |         |
# The job started before the cycle: only its months inside count, 2024-07-01 to today:
# 2024-07-01 + 29 months = 2026-12-01 <= 2026-12-07 (30 months would be 2027-01-01): 29 months,
# 8.7 RUs, under the employment maximum of 10.8.
# Counted 1.6 + 2.4 + 1 + 0.9 + 8.7 = 14.6 of 18; remaining 3.4.
# Pace target 18 x 888 / 1,095 = 14.597 (14.60); 14.6 >= 14.597, 207 > 180 days left: on_track.
# RUs a month needed 3.4 / (207 / 30.4375) = 0.49994 (0.50).
# Projected: today + ceil(3.4 / (14.6 / 888)) = ceil(206.79) = 207 days = 2027-07-01, the end.

ACTIVITIES = [
    ("old", "COURSE-HOURS", "2024-05-01", "8"),
    ("fluke", "COURSE-HOURS", "2024-10-15", "16"),
    ("metro", "COURSE-CEU", "2025-03-20", "2.4"),
    ("osha", "CERT-OTHER", "2025-06-10", "1"),
    ("asq", "MEETING", "2025-09-18", "3"),
    ("job", "E", "2019-03-01", None, "1.0"),
]


def test_cct_worked_example():
    progress = run_case("asq-cct", "2024-07-01", "2026-12-06", ACTIVITIES)
    assert (progress.starts_on, progress.ends_on) == (date(2024, 7, 1), date(2027, 7, 1))
    assert rows(progress) == [
        ("old", "0.80", "0.00", ("outside_cycle",)),
        ("fluke", "1.60", "1.60", ()),
        ("metro", "2.40", "2.40", ()),
        ("osha", "1.00", "1.00", ()),
        ("asq", "0.90", "0.90", ()),
        ("job", "8.70", "8.70", ()),
    ]
    assert progress.activity("job").months == 29
    assert (progress.counted, progress.remaining) == (Decimal("14.6"), Decimal("3.4"))
    assert (progress.elapsed_days, progress.total_days, progress.days_left) == (888, 1095, 207)
    assert two_places(progress.pace_target) == "14.60"
    assert progress.status is Status.ON_TRACK
    assert two_places(progress.points_per_month_needed) == "0.50"
    assert progress.projected_completion == date(2027, 7, 1)


def test_cct_employment_stops_at_its_maximum():
    # Cycle 2022-01-10 to 2025-01-10. A full-time job over the whole cycle: 36 months x 0.3 =
    # 10.8, the maximum. A part-time job from 2024-06-01, still held, is clipped to the cycle's
    # end (7 months x 0.5 x 0.3 = 1.05) and comes later, so it counts nothing (over_cap).
    progress = run_case("asq-cct", "2022-01-10", "2025-02-01", [
        ("main", "E", "2021-06-01", "2025-01-09", "1.0"),
        ("side", "E", "2024-06-01", None, "0.5"),
    ])
    assert rows(progress) == [
        ("main", "10.80", "10.80", ()),
        ("side", "1.05", "0.00", ("over_cap",)),
    ]
    assert progress.counted == Decimal("10.8")
