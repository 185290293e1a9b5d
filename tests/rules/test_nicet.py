"""NICET: its rule set and its worked example.

90 CPD points every 3 years from at least 2 of 5 categories; Active Practitioner at most 72,
and at most 24 in each year of the cycle; Additional Education 45, Advance Profession 45,
Certification Activity 45, Special Exam 60.
"""

from datetime import date
from decimal import Decimal

from tests.rules.worked import rows, run_case, two_places
from tracker.dashboard.sentences import unmet_sentence
from tracker.display import flag_sentences, limits_text
from tracker.rules import Status, load_catalog
from tracker.rules.engine import Unmet, UnmetKind

NICET = load_catalog().get("nicet")


def test_nicet_published_figures():
    assert (NICET.cycle_years, NICET.points_required, NICET.minimum_categories) == (3, 90, 2)
    assert [(c.code, c.cap) for c in NICET.categories] == [
        ("ACTIVE", 72), ("EDUCATION", 45), ("ADVANCE", 45), ("CERTIFICATION", 45),
        ("SPECIAL-EXAM", 60)]
    assert NICET.category("ACTIVE").cap_per_year == 24
    assert NICET.provenance_of("minimum_categories").source.key == "nicet-track-cpd"
    assert NICET.provenance_of("cap_per_year", category="ACTIVE").published
    assert NICET.provenance_of("points_per_unit", category="ACTIVE").estimate  # 2 a month
    assert NICET.holders
    assert str(NICET.provenance_summary) == "11 of 29 figures published, 18 estimates"


# Worked example. Dana, a fire alarm technician, certified 2024-03-01; today 2026-12-06.
# Cycle 2024-03-01 to 2027-03-01: 1,095 days; elapsed 730 + 280 = 1,010; 85 days left.
# Cycle years: 1 = 2024-03-01 to 2025-02-28, 2 = 2025-03-01 to 2026-02-28, 3 = 2026-03-01 to
# 2027-03-01.
#
# | id   | date                        | category  | amount           | earned | counted |
# | old  | 2024-01-20                  | EDUCATION | 6 h              | 6      | 0 outside_cycle |
# | side | 2025-03-01 -> 2025-08-31 0.5| ACTIVE    | 6 mo. x 0.5 x 2  | 6      | 6       |
# | main | 2021-04-01 -> open, 1.0     | ACTIVE    | 33 mo. x 2       | 66     | 60 over_cap |
# main is clipped to 2024-03-01 .. today: 2024-03-01 + 33 months = 2026-12-01 <= 2026-12-07
# (34 would be 2027-01-01): 33 months. Month k is complete on 2024-03-01 + k months - 1 day:
# months 1-12 fall in year 1 (24), 13-24 in year 2 (24), 25-33 in year 3 (9 x 2 = 18).
# In date order the side job (ending 2025-08-31) comes first and uses 6 of year 2's 24, so
# main counts 24 + 18 + 18 = 60 of its 66 (over_cap); Active Practitioner 66 <= 72.
# Counted 66 of 90, all from one category: 24 more points and 1 more category needed.
# Pace target 90 x 1,010 / 1,095 = 83.01; 85 days left <= 180: at_risk.
MAIN = [
    ("old", "EDUCATION", "2024-01-20", "6"),
    ("side", "ACTIVE", "2025-03-01", "2025-08-31", "0.5"),
    ("main", "ACTIVE", "2021-04-01", None, "1.0"),
]


def test_nicet_worked_example():
    progress = run_case("nicet", "2024-03-01", "2026-12-06", MAIN)
    assert (progress.starts_on, progress.ends_on) == (date(2024, 3, 1), date(2027, 3, 1))
    assert rows(progress) == [
        ("old", "6.00", "0.00", ("outside_cycle",)),
        ("side", "6.00", "6.00", ()),
        ("main", "66.00", "60.00", ("over_cap",)),
    ]
    assert progress.activity("main").months == 33
    assert progress.category("ACTIVE").counted == 66
    assert (progress.elapsed_days, progress.total_days, progress.days_left) == (1010, 1095, 85)
    assert two_places(progress.pace_target) == "83.01"
    assert progress.status is Status.AT_RISK
    assert progress.unmet == (
        Unmet(UnmetKind.POINTS_REMAINING, "total", Decimal(90), Decimal(66)),
        Unmet(UnmetKind.CATEGORIES_USED, "total", Decimal(2), Decimal(1)),
    )
    assert unmet_sentence(NICET, progress, progress.unmet[1]) == (
        "Your CPD points must come from at least 2 of the categories below; they come from 1 "
        "so far: log activities in 1 more category.")


def test_nicet_a_second_category_and_then_the_points():
    # An 8-hour first aid and CPR course on 2026-10-15: EDUCATION 8; counted 74, 2 categories.
    # Remaining 16; a month 16 / (85 / 30.4375) = 5.729 (5.73); projected today +
    # ceil(16 / (74 / 1,010)) = ceil(218.38) = 219 days = 2027-07-13, after the end.
    with_course = [*MAIN, ("cpr", "EDUCATION", "2026-10-15", "8")]
    progress = run_case("nicet", "2024-03-01", "2026-12-06", with_course)
    assert progress.counted == 74
    assert progress.unmet == (Unmet(UnmetKind.POINTS_REMAINING, "total", Decimal(90),
                                    Decimal(74)),)
    assert two_places(progress.points_per_month_needed) == "5.73"
    assert progress.projected_completion == date(2027, 7, 13)
    # A 16-hour code course on 2026-11-20: 74 + 16 = 90, from 2 categories: complete.
    done = run_case("nicet", "2024-03-01", "2026-12-06",
                    [*with_course, ("nfpa", "EDUCATION", "2026-11-20", "16")])
    assert (done.counted, done.status, done.unmet) == (90, Status.COMPLETE, ())


def test_the_yearly_cap_is_told_as_it_is():
    """What the year's cap cut is explained by that cap, not by the cycle's 72, and the
    category table names both."""
    progress = run_case("nicet", "2024-03-01", "2026-12-06", MAIN)
    [sentence] = flag_sentences(NICET, progress, progress.activity("main"))
    assert sentence == ("60 of 66 CPD points count: Active Practitioner: work in your "
                        "certification area counts at most 24 CPD points in each year of your "
                        "cycle and 72 CPD points per cycle. More of it will not help; log "
                        "other kinds.")
    active = NICET.category("ACTIVE")
    assert limits_text(active.cap, None, active.cap_per_year) == "at most 72; at most 24 a year"
