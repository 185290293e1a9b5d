"""Which numbers an estimate of Recert's decides, and the one sentence that says so."""

from datetime import date
from decimal import Decimal

import pytest

from tracker.rules import Status, load_catalog
from tracker.rules.engine import ActivityInput, Cycle, evaluate
from tracker.rules.estimates import complete_by_estimates, estimate_sentence, is_estimated

CATALOG = load_catalog()
CPT = CATALOG.get("mssc-cpt")
CCT = CATALOG.get("asq-cct")
TODAY = date(2026, 12, 6)
# The full CPT: its four required modules (module certificates alone are not renewed).
CPT_CYCLE = Cycle(date(2022, 3, 15), date(2027, 3, 15), modules=frozenset(CPT.required_modules))


@pytest.mark.parametrize(("code", "rate"), [
    ("CE-CREDIT", "10 points per semester credit hour"),
    ("CE-NONCREDIT", "1 point per contact hour"),
    ("CE-TRAINING", "1 point per contact hour"),
    ("IC", "20 points per certification"),
    ("E", "1 point per full-time month"),
    ("X", "1 point per hour"),
])
def test_every_cpt_category_says_its_figure_is_recerts(code, rate):
    assert is_estimated(CPT, code)
    assert estimate_sentence(CPT, code) == (
        f"MSSC has not published how many points this is worth; Recert uses {rate}. "
        "Check with MSSC before you apply.")


def test_the_clt_says_the_same_as_the_cpt():
    clt = CATALOG.get("mssc-clt")
    for category in CPT.categories:
        assert estimate_sentence(clt, category.code) == estimate_sentence(CPT, category.code)


def test_no_sentence_where_the_agency_published_every_deciding_figure():
    # ASQ publishes 1 RU per CEU and 10 hours to the CEU; only the step and proof are Recert's.
    assert estimate_sentence(CCT, "COURSE-CEU") is None
    assert estimate_sentence(CCT, "COURSE-CEU", "training") is None
    assert not is_estimated(CCT, "E")
    assert estimate_sentence(CCT, "NO-SUCH-CATEGORY") is None


def test_a_conversion_is_only_an_estimate_for_the_kind_it_converts():
    # ASCM publishes 1 point an hour; Recert's 15 hours per college credit hour is its own.
    cscp = CATALOG.get("ascm-cscp")
    assert estimate_sentence(cscp, "SEMINAR", "training") is None
    assert estimate_sentence(cscp, "SEMINAR", "college-credit") == (
        "ASCM has not published how many points this is worth; Recert uses 15 points per "
        "semester credit hour. Check with ASCM before you apply.")
    assert "15 points per semester credit hour" in estimate_sentence(cscp, "SEMINAR")


def test_the_sentence_names_each_rate_once_and_never_a_point_per_point():
    nicet = CATALOG.get("nicet")
    assert estimate_sentence(nicet, "ADVANCE") == (
        "NICET has not published how many CPD points this is worth; Recert uses 1 CPD point "
        "per hour, 5 CPD points per article or paper and 2 CPD points per person mentored. "
        "Check with NICET before you apply.")
    # Points NICET itself gave count as they are: no estimate decides them.
    assert estimate_sentence(nicet, "ADVANCE", "agency-points") is None


def training(number: int, hours: str, day: date) -> ActivityInput:
    return ActivityInput(id=number, category="CE-TRAINING", completed_on=day,
                         quantity=Decimal(hours), has_evidence=True, order=number)


def test_a_cpt_cycle_complete_by_training_hours_is_complete_by_estimates():
    courses = [training(1, "60", date(2023, 5, 1)), training(2, "45", date(2025, 9, 9))]
    progress = evaluate(CPT, CPT_CYCLE, courses, TODAY)
    assert progress.status == Status.COMPLETE and progress.counted == 105
    assert complete_by_estimates(CPT, progress)


def test_a_cycle_short_of_the_points_is_not_complete_by_anything():
    progress = evaluate(CPT, CPT_CYCLE, [training(1, "40", date(2023, 5, 1))], TODAY)
    assert progress.status != Status.COMPLETE
    assert not complete_by_estimates(CPT, progress)


def test_a_cycle_complete_by_published_figures_is_plainly_complete():
    # ASQ publishes 0.1 RU per hour of a course: 180 hours are its 18 RUs.
    cycle = Cycle(date(2024, 7, 1), date(2027, 7, 1))
    hours = ActivityInput(id=1, category="COURSE-HOURS", completed_on=date(2025, 3, 3),
                          quantity=Decimal(180), has_evidence=True)
    progress = evaluate(CCT, cycle, [hours], TODAY)
    assert progress.status == Status.COMPLETE and progress.counted == 18
    assert not complete_by_estimates(CCT, progress)
