"""PMP and CISSP cases derived from their published rules (see each rule-set file's header).

PMP: 60 PDUs per 3 years; Education >= 35 with >= 8 in each of Ways of Working, Power Skills,
Business Acumen; Giving Back <= 25, of which Work as a Practitioner <= 8.
CISSP: 120 CPE credits per 3 years, >= 40 in each year; Group A >= 90; Group B <= 30.
"""

from datetime import date
from decimal import Decimal

import pytest

from tracker.rules import CaseError, Status, UnmetKind, evaluate, load_catalog, parse_case


def evaluate_case(ruleset: str, certified_on: str, today: str, *activities: tuple):
    case = {
        "ruleset": ruleset,
        "certified_on": certified_on,
        "today": today,
        "activities": [
            {
                "id": f"a{n}",
                "category": category,
                "completed_on": day,
                "quantity": amount,
                "has_evidence": True,
            }
            for n, (category, day, amount) in enumerate(activities, start=1)
        ],
    }
    return evaluate(*parse_case(case, load_catalog()))


def unmet(progress):
    return [(u.kind, u.scope, u.required, u.counted) for u in progress.unmet]


# PMP: cycle 2024-01-15 to 2027-01-15.


def test_pmp_total_reached_but_a_talent_triangle_minimum_unmet():
    progress = evaluate_case(
        "pmi-pmp",
        "2024-01-15",
        "2026-06-01",
        ("EDU-WOW", "2024-03-01", "20"),
        ("EDU-PS", "2024-09-01", "20"),
        ("EDU-BA", "2025-01-10", "4"),
        ("GB-VOLUNTEER", "2025-06-01", "20"),
    )
    assert progress.ends_on == date(2027, 1, 15)
    assert progress.counted == 64
    assert progress.remaining == 0
    assert unmet(progress) == [(UnmetKind.CATEGORY_MINIMUM, "EDU-BA", 8, 4)]
    assert progress.status is Status.ON_TRACK  # not complete: Business Acumen is short
    assert progress.days_left == 228
    assert progress.requirement_reached_on == date(2025, 6, 1)
    education = next(g for g in progress.groups if g.code == "EDUCATION")
    assert (education.counted, education.minimum) == (44, 35)


def test_pmp_giving_back_is_capped_and_education_minimum_unmet():
    progress = evaluate_case(
        "pmi-pmp",
        "2024-01-15",
        "2026-06-01",
        ("EDU-WOW", "2024-02-01", "8"),
        ("EDU-PS", "2024-03-01", "8"),
        ("EDU-BA", "2024-04-01", "8"),
        ("GB-PRACTITIONER", "2024-05-01", "10"),
        ("GB-VOLUNTEER", "2024-06-01", "20"),
    )
    practitioner, volunteer = progress.activity("a4"), progress.activity("a5")
    assert (practitioner.earned, practitioner.counted, practitioner.flags) == (10, 8, ("over_cap",))
    assert (volunteer.earned, volunteer.counted, volunteer.flags) == (20, 17, ("over_group_max",))
    giving_back = next(g for g in progress.groups if g.code == "GIVING-BACK")
    assert (giving_back.earned, giving_back.counted, giving_back.maximum) == (30, 25, 25)
    assert progress.counted == 49
    assert progress.remaining == 11
    assert unmet(progress) == [
        (UnmetKind.POINTS_REMAINING, "total", 60, 49),
        (UnmetKind.GROUP_MINIMUM, "EDUCATION", 35, 24),
    ]
    assert progress.elapsed_days == 868
    assert progress.total_days == 1096
    assert str(progress.pace_target.quantize(Decimal("0.01"))) == "47.52"
    assert progress.status is Status.ON_TRACK


def test_pmp_all_rules_met_is_complete():
    progress = evaluate_case(
        "pmi-pmp",
        "2024-01-15",
        "2026-06-01",
        ("EDU-WOW", "2024-02-01", "10"),
        ("EDU-PS", "2024-06-01", "10"),
        ("EDU-BA", "2025-01-01", "15"),
        ("GB-SHARING", "2025-03-01", "5"),
        ("GB-PRESENTATION", "2025-09-01", "20"),
    )
    assert progress.counted == 60
    assert progress.unmet == ()
    assert progress.status is Status.COMPLETE
    assert progress.projected_completion == date(2025, 9, 1)


def test_pmp_pdus_are_entered_in_quarter_hours():
    case = {
        "ruleset": "pmi-pmp",
        "certified_on": "2024-01-15",
        "today": "2026-06-01",
        "activities": [
            {"id": "w", "category": "EDU-WOW", "completed_on": "2024-02-01", "quantity": "1.1"}
        ],
    }
    with pytest.raises(CaseError) as caught:
        parse_case(case, load_catalog())
    assert caught.value.problems == [
        "activity w: quantity: 1.1 is not a multiple of 0.25. Enter PDUs in steps of 0.25."
    ]


# CISSP: cycle 2023-04-01 to 2026-04-01; years from 04-01 to 03-31, the third to 2026-04-01.


def test_cissp_total_reached_but_yearly_minimums_unmet():
    progress = evaluate_case(
        "isc2-cissp",
        "2023-04-01",
        "2025-12-01",
        ("A-EDUCATION", "2023-06-01", "80"),
        ("A-CONTRIBUTION", "2024-06-01", "30"),
        ("A-WORK", "2025-06-01", "10"),
    )
    assert [(y.number, y.starts_on, y.ends_on, y.counted) for y in progress.years] == [
        (1, date(2023, 4, 1), date(2024, 3, 31), 80),
        (2, date(2024, 4, 1), date(2025, 3, 31), 30),
        (3, date(2025, 4, 1), date(2026, 4, 1), 10),
    ]
    assert progress.counted == 120
    assert progress.remaining == 0
    assert unmet(progress) == [
        (UnmetKind.YEARLY_MINIMUM, 2, 40, 30),
        (UnmetKind.YEARLY_MINIMUM, 3, 40, 10),
    ]
    assert progress.days_left == 121
    assert progress.status is Status.AT_RISK
    assert progress.requirement_reached_on == date(2025, 6, 1)


def test_cissp_group_b_capped_group_a_and_year_three_short():
    progress = evaluate_case(
        "isc2-cissp",
        "2023-04-01",
        "2026-03-01",
        ("A-EDUCATION", "2023-05-01", "20"),
        ("B-EDUCATION", "2023-08-01", "20"),
        ("A-WORK", "2024-05-01", "30"),
        ("B-DEVELOPMENT", "2024-08-01", "20"),
        ("A-CONTRIBUTION", "2025-05-01", "35"),
    )
    capped = progress.activity("a4")
    assert (capped.earned, capped.counted, capped.flags) == (20, 10, ("over_group_max",))
    assert progress.counted == 115
    assert [y.counted for y in progress.years] == [40, 40, 35]
    assert unmet(progress) == [
        (UnmetKind.POINTS_REMAINING, "total", 120, 115),
        (UnmetKind.GROUP_MINIMUM, "GROUP-A", 90, 85),
        (UnmetKind.YEARLY_MINIMUM, 3, 40, 35),
    ]
    assert progress.status is Status.AT_RISK
    assert (
        str(progress.points_per_month_needed.quantize(Decimal("0.01"))) == "4.91"
    )  # 5/(31/30.4375)


def test_cissp_all_rules_met_is_complete():
    progress = evaluate_case(
        "isc2-cissp",
        "2023-04-01",
        "2026-03-01",
        ("A-EDUCATION", "2023-06-01", "40"),
        ("A-WORK", "2024-06-01", "30"),
        ("B-EDUCATION", "2024-07-01", "10"),
        ("A-CONTRIBUTION", "2025-06-01", "25"),
        ("B-DEVELOPMENT", "2025-07-01", "15"),
    )
    assert progress.counted == 120
    assert [y.counted for y in progress.years] == [40, 40, 40]
    assert progress.unmet == ()
    assert progress.status is Status.COMPLETE
    assert progress.projected_completion == date(2025, 7, 1)


def test_cissp_and_pmp_need_no_modules():
    for code in ("pmi-pmp", "isc2-cissp"):
        progress = evaluate_case(code, "2024-01-15", "2024-02-01")
        assert progress.status is Status.BEHIND
