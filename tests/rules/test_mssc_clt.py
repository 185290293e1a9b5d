"""MSSC Certified Logistics Technician (CLT): its rule set and its worked example.

CLT is renewed under the same published rules as CPT (RULES.md item 4): 5 years, 100 points,
the same four categories, activities related to logistics; its estimates are CPT's.
"""

from datetime import date

from tests.rules.worked import rows, run_case, two_places
from tracker.rules import Status, load_catalog

CATALOG = load_catalog()
CLT, CPT = CATALOG.get("mssc-clt"), CATALOG.get("mssc-cpt")


def test_clt_has_cpt_rules_and_its_own_modules():
    assert (CLT.short_name, CLT.agency, CLT.cycle_years, CLT.points_required) == (
        "CLT", CPT.agency, 5, 100)
    assert CLT.window_days == CPT.window_days == 90
    figures = ("kind", "unit", "points_per_unit", "step", "fractions", "cap", "evidence")
    assert [tuple(getattr(c, f) for f in ("code", *figures)) for c in CLT.categories] == [
        tuple(getattr(c, f) for f in ("code", *figures)) for c in CPT.categories]
    assert CLT.required_modules == ("cla", "clt")
    assert sorted(fee.amount for fee in CLT.fees) == [75, 75, 100]
    assert str(CLT.provenance_summary) == "6 of 28 figures published, 22 estimates"
    assert [s.key for s in CLT.provenance_of("cycle_years").sources] == [
        "mssc-recertification", "army-cool-clt-ae"]
    for category in CLT.categories:
        assert all(m.estimate for m in CLT.provenance if m.table == f"categories[{category.code}]")


# Worked example. Dana, a warehouse lead, holds the CLA and the CLT; CLT certified 2023-06-01,
# today 2026-12-06. Cycle 2023-06-01 to 2028-06-01 (1,827 days: 2024 and 2028 are leap years);
# elapsed 2023-06-01 -> 2026-12-06 = 1,096 (to 2026-06-01) + 188 = 1,284 days; 543 days left.
#
# | id   | date                    | category    | amount    | earned | counted | flags         |
# | prep | 2023-04-15              | CE-TRAINING | 6 h       | 6      | 0       | outside_cycle |
# | fork | 2023-09-12              | CE-TRAINING | 8 h       | 8      | 8       |               |
# | osha | 2024-03-05              | CE-TRAINING | 10 h      | 10     | 10      |               |
# | cdl  | 2024-11-20              | IC          | 1 cert    | 20     | 20      |               |
# | bank | 2025-05-10              | X           | 12 h      | 12     | 12      |               |
# | job  | 2023-06-01 -> open, 1.0 | E           | 42 months | 42     | 42      |               |
# The job is open, so it counts up to today: 2023-06-01 + 42 months = 2026-12-01 <= 2026-12-07,
# + 43 months = 2027-01-01 is not: 42 whole months, under the cap of 50.
# Counted 8 + 10 + 20 + 12 + 42 = 92 of 100; remaining 8.
# Pace target 100 x 1,284 / 1,827 = 70.28; 92 >= 70.28 and 543 > 180 days left: on_track.
# Points a month needed 8 / (543 / 30.4375) = 0.45.
# Projected completion: today + ceil(8 / (92 / 1,284)) = ceil(111.65) = 112 days = 2027-03-28.

ACTIVITIES = [
    ("prep", "CE-TRAINING", "2023-04-15", "6"),
    ("fork", "CE-TRAINING", "2023-09-12", "8"),
    ("osha", "CE-TRAINING", "2024-03-05", "10"),
    ("cdl", "IC", "2024-11-20", "1"),
    ("bank", "X", "2025-05-10", "12"),
    ("job", "E", "2023-06-01", None, "1.0"),
]


def test_clt_worked_example():
    progress = run_case("mssc-clt", "2023-06-01", "2026-12-06", ACTIVITIES, ["cla", "clt"])
    assert (progress.starts_on, progress.ends_on) == (date(2023, 6, 1), date(2028, 6, 1))
    assert rows(progress) == [
        ("prep", "6.00", "0.00", ("outside_cycle",)),
        ("fork", "8.00", "8.00", ()),
        ("osha", "10.00", "10.00", ()),
        ("cdl", "20.00", "20.00", ()),
        ("bank", "12.00", "12.00", ()),
        ("job", "42.00", "42.00", ()),
    ]
    assert progress.activity("job").months == 42
    assert (progress.counted, progress.remaining) == (92, 8)
    assert (progress.elapsed_days, progress.total_days, progress.days_left) == (1284, 1827, 543)
    assert two_places(progress.pace_target) == "70.28"
    assert progress.status is Status.ON_TRACK
    assert two_places(progress.points_per_month_needed) == "0.45"
    assert progress.projected_completion == date(2027, 3, 28)


def test_clt_with_only_the_cla_needs_no_renewal():
    progress = run_case("mssc-clt", "2023-06-01", "2026-12-06", ACTIVITIES, ["cla"])
    assert progress.status is Status.NOT_REQUIRED
