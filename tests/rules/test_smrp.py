"""SMRP CMRP and CMRT: their rule sets (the same rules) and their worked example.

At least 50 contact hours every 3 years, from at least 2 categories.
"""

from datetime import date
from decimal import Decimal

import pytest

from tests.rules.worked import rows, run_case, two_places
from tracker.dashboard.sentences import next_action, unmet_sentence
from tracker.rules import Status, load_catalog
from tracker.rules.engine import Unmet, UnmetKind

CATALOG = load_catalog()
CODES = ["smrp-cmrp", "smrp-cmrt"]


@pytest.mark.parametrize("code", CODES)
def test_smrp_published_figures(code):
    smrp = CATALOG.get(code)
    assert (smrp.cycle_years, smrp.points_required, smrp.minimum_categories) == (3, 50, 2)
    assert smrp.points_name.plural == "contact hours"
    assert [fee.amount for fee in smrp.fees] == [150, 100, 320]
    assert smrp.provenance_of("minimum_categories").source.key == "smrp-recert"
    assert smrp.provenance_of("points_per_unit", category="TRAINING").source.key == (
        "smrp-provider")
    assert smrp.provenance_of("points_per_unit", category="COLLEGE").estimate
    assert smrp.holders
    assert str(smrp.provenance_summary) == "7 of 25 figures published, 18 estimates"


def test_cmrp_and_cmrt_differ_only_in_their_names():
    cmrp, cmrt = (CATALOG.get(code) for code in CODES)
    assert (cmrp.short_name, cmrt.short_name) == ("CMRP", "CMRT")
    assert cmrp.categories == cmrt.categories and cmrp.fees == cmrt.fees
    assert [(m.table, m.figure, m.sources) for m in cmrp.provenance] == [
        (m.table, m.figure, m.sources) for m in cmrt.provenance]


# Worked example. Ana, a maintenance planner, certified 2024-06-15; today 2026-12-06.
# Cycle 2024-06-15 to 2027-06-15: 1,095 days; elapsed 730 + 174 = 904; 191 days left.
#
# | id  | date       | category | amount | earned | counted | flags         |
# | old | 2024-05-10 | TRAINING | 8 h    | 8      | 0       | outside_cycle |
# | pm  | 2024-09-10 | TRAINING | 16 h   | 16     | 16      |               |
# | rcm | 2025-04-22 | TRAINING | 24 h   | 24     | 24      |               |
# | vib | 2026-03-03 | TRAINING | 12 h   | 12     | 12      |               |
# Counted 16 + 24 + 12 = 52 of 50 (reached with vib on 2026-03-03), but all from one kind of
# activity: not met, 1 more kind needed. Pace target 50 x 904 / 1,095 = 41.28; 52 >= it and
# 191 > 180 days left: on_track, not complete.
# Then 6.5 hours at a reliability conference on 2026-10-06: 58.5, from 2 kinds: complete.
ACTIVITIES = [
    ("old", "TRAINING", "2024-05-10", "8"),
    ("pm", "TRAINING", "2024-09-10", "16"),
    ("rcm", "TRAINING", "2025-04-22", "24"),
    ("vib", "TRAINING", "2026-03-03", "12"),
]


@pytest.mark.parametrize("code", CODES)
def test_smrp_worked_example(code):
    progress = run_case(code, "2024-06-15", "2026-12-06", ACTIVITIES)
    assert (progress.starts_on, progress.ends_on) == (date(2024, 6, 15), date(2027, 6, 15))
    assert rows(progress) == [
        ("old", "8.00", "0.00", ("outside_cycle",)),
        ("pm", "16.00", "16.00", ()),
        ("rcm", "24.00", "24.00", ()),
        ("vib", "12.00", "12.00", ()),
    ]
    assert (progress.counted, progress.remaining) == (52, 0)
    assert progress.requirement_reached_on == date(2026, 3, 3)
    assert (progress.elapsed_days, progress.total_days, progress.days_left) == (904, 1095, 191)
    assert two_places(progress.pace_target) == "41.28"
    assert progress.status is Status.ON_TRACK
    assert progress.unmet == (Unmet(UnmetKind.CATEGORIES_USED, "total", Decimal(2), Decimal(1)),)
    ruleset = CATALOG.get(code)
    assert unmet_sentence(ruleset, progress, progress.unmet[0]) == (
        "Your contact hours must come from at least 2 of the categories below; they come from "
        "1 so far: log activities in 1 more category.")
    assert next_action(ruleset, progress) == (
        "You have the points, but some minimums are not met yet: see what is missing.")

    done = run_case(code, "2024-06-15", "2026-12-06",
                    [*ACTIVITIES, ("imc", "CONFERENCE", "2026-10-06", "6.5")])
    assert (done.counted, done.status, done.unmet) == (Decimal("58.5"), Status.COMPLETE, ())
