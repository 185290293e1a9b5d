"""Two engine features as data, on the test suite's own rule set `test-spread`:
`minimum_categories` (points from at least N categories) and a category's `cap_per_year`.

test-spread: 30 points per 3-year cycle from at least 2 categories; WORK (a period, 1 point a
month) at most 10 a cycle year and 24 in all; COURSE (1 point an hour) at most 6 a year and 15
in all; EXAM 20 points each, no cap. Cycle 2024-01-01 to 2027-01-01: year 1 is 2024, year 2
is 2025, year 3 runs 2026-01-01 to 2027-01-01.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tests.rules.worked import rows
from tracker.dashboard.sentences import unmet_sentence
from tracker.rules import (
    ActivityInput,
    Cycle,
    RuleSetError,
    Status,
    evaluate,
    load_catalog,
    load_ruleset,
    progress_to_json,
)
from tracker.rules.engine import Unmet, UnmetKind

RULESETS = Path(__file__).parent / "rulesets"
SPREAD = load_catalog(RULESETS).get("test-spread")
CYCLE = Cycle(date(2024, 1, 1), date(2027, 1, 1))


def course(id_: str, day: str, hours: str, order: int = 0) -> ActivityInput:
    return ActivityInput(id_, "COURSE", date.fromisoformat(day), Decimal(hours), order=order,
                         has_evidence=True)


def exam(id_: str, day: str, count: str = "1") -> ActivityInput:
    return ActivityInput(id_, "EXAM", date.fromisoformat(day), Decimal(count), has_evidence=True)


def work(id_: str, first: str, last: str, fraction: str = "1") -> ActivityInput:
    return ActivityInput(id_, "WORK", date.fromisoformat(last), started_on=date.fromisoformat(
        first), fraction=Decimal(fraction), has_evidence=True)


def test_the_file_reads_the_new_keys_with_their_provenance():
    assert SPREAD.minimum_categories == 2
    assert SPREAD.category("WORK").cap_per_year == 10
    assert SPREAD.category("EXAM").cap_per_year is None
    assert SPREAD.provenance_of("minimum_categories").estimate
    assert SPREAD.provenance_of("cap_per_year", category="COURSE").estimate
    shipped = load_catalog().get("mssc-cpt")
    assert shipped.minimum_categories is None
    assert all(c.cap_per_year is None for c in shipped.categories)


def test_points_from_one_category_are_not_enough():
    # Two exams: 40 points of 30, all from EXAM. Counted >= required, but only 1 category is
    # used: one unmet item (2 needed, 1 used), and the status is not complete.
    today = date(2025, 1, 1)
    progress = evaluate(SPREAD, CYCLE, [exam("e", "2024-05-01", "2")], today)
    assert (progress.counted, progress.remaining) == (Decimal(40), 0)
    assert progress.unmet == (Unmet(UnmetKind.CATEGORIES_USED, "total", Decimal(2), Decimal(1)),)
    # 366 of 1,096 days elapsed: pace target 10.02, 40 >= it, 731 days left: on_track.
    assert progress.status is Status.ON_TRACK
    assert progress_to_json(progress)["unmet"] == [
        {"kind": "categories_used", "scope": "total", "required": "2.00", "counted": "1.00"}]
    assert unmet_sentence(SPREAD, progress, progress.unmet[0]) == (
        "Your points must come from at least 2 of the categories below; they come from 1 so "
        "far: log activities in 1 more category.")

    # A course in the future, or one outside the cycle, counts 0 and uses no category.
    later = [exam("e", "2024-05-01", "2"), course("f", "2025-06-01", "2"),
             course("o", "2023-06-01", "2")]
    assert evaluate(SPREAD, CYCLE, later, today).unmet[0].counted == 1
    # Counted in a second category: both requirements met, complete.
    done = evaluate(SPREAD, CYCLE, later, date(2025, 6, 1))
    assert (done.status, done.unmet) == (Status.COMPLETE, ())


def test_no_category_used_says_how_many_are_needed():
    progress = evaluate(SPREAD, CYCLE, [], date(2024, 6, 1))
    assert [u.kind for u in progress.unmet] == [UnmetKind.POINTS_REMAINING,
                                                UnmetKind.CATEGORIES_USED]
    assert unmet_sentence(SPREAD, progress, progress.unmet[1]).endswith(
        "they come from 0 so far: log activities in 2 more categories.")


def test_a_cap_per_year_applies_in_date_order_before_the_category_cap():
    # Year 1: 4 h (4) then 4 h (2 of 4: the year's 6 are used). Year 2: 8 h (6). Year 3: 5 h
    # fits the year (6) but only 3 are left of the category's 15: counts 3.
    activities = [
        course("c3", "2025-03-01", "8"),
        course("c2", "2024-06-01", "4"),
        course("c1", "2024-02-01", "4"),
        course("c4", "2026-02-01", "5"),
    ]
    progress = evaluate(SPREAD, CYCLE, activities, date(2026, 12, 1))
    assert rows(progress) == [
        ("c3", "8.00", "6.00", ("over_cap",)),
        ("c2", "4.00", "2.00", ("over_cap",)),
        ("c1", "4.00", "4.00", ()),
        ("c4", "5.00", "3.00", ("over_cap",)),  # one flag for both caps
    ]
    assert progress.category("COURSE").counted == 15
    # Same date, the creation order decides which one the year's cap cuts.
    same_day = [course("b", "2024-03-01", "5", order=2), course("a", "2024-03-01", "5", order=1)]
    assert rows(evaluate(SPREAD, CYCLE, same_day, date(2024, 6, 1))) == [
        ("b", "5.00", "1.00", ("over_cap",)), ("a", "5.00", "5.00", ())]


def test_a_period_spreads_its_months_over_the_cycle_years():
    # 2024-01-01 to 2026-06-30 full time: 30 months. Month k is complete on 2024-01-01 + k
    # months - 1 day: months 1-12 end in 2024 (year 1), 13-24 in 2025, 25-30 in 2026 (year 3).
    # Capped per year: 10 + 10 + 6 = 26; then the category cap: 24.
    progress = evaluate(SPREAD, CYCLE, [work("w", "2024-01-01", "2026-06-30")],
                        date(2026, 12, 1))
    assert rows(progress) == [("w", "30.00", "24.00", ("over_cap",))]
    # Two jobs: 2024-01-01 to 2024-08-31 (8 months, year 1: 8), then 2024-09-01 to
    # 2025-02-28 at 0.5 (6 months x 0.5 = 3: 4 months in 2024 = 2, of which 2 fit year 1's
    # remaining 2; 2 months in 2025 = 1). Nothing is cut.
    two = [work("a", "2024-01-01", "2024-08-31"), work("b", "2024-09-01", "2025-02-28", "0.5")]
    assert rows(evaluate(SPREAD, CYCLE, two, date(2025, 6, 1))) == [
        ("a", "8.00", "8.00", ()), ("b", "3.00", "3.00", ())]
    # A third, full time, 2024-11-01 to 2024-12-31 (2 months in year 1) ends before job b, so
    # it counts first: year 1 is then full (8 + 2 = 10), b's four 2024 months find no room and
    # b counts only its two 2025 months: 1.
    three = [*two, work("c", "2024-11-01", "2024-12-31")]
    assert rows(evaluate(SPREAD, CYCLE, three, date(2025, 6, 1))) == [
        ("a", "8.00", "8.00", ()), ("b", "3.00", "1.00", ("over_cap",)),
        ("c", "2.00", "2.00", ())]


def test_loading_checks_the_new_keys(tmp_path):
    text = (RULESETS / "test-spread" / "2026.1.toml").read_text()
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("minimum_categories = 2", "minimum_categories = 4")
                   .replace("cap_per_year = 6", "cap_per_year = 16"))
    with pytest.raises(RuleSetError) as error:
        load_ruleset(bad)
    assert any("minimum_categories: 4 is more than the 3 categories" in p
               for p in error.value.problems)
    assert any("categories[COURSE].cap_per_year: 16 is more than the cap 15" in p
               for p in error.value.problems)
    unmarked = tmp_path / "unmarked.toml"
    unmarked.write_text(text.replace('provenance = "estimate"  # invented',
                                     'provenance = { cycle_years = "estimate", points_required '
                                     '= "estimate", window_days = "estimate" }  # invented'))
    with pytest.raises(RuleSetError) as error:
        load_ruleset(unmarked)
    assert any("minimum_categories: has no provenance" in p for p in error.value.problems)
