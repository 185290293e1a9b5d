"""Properties of `evaluate` over random activity lists, for all three shipped rule sets."""

import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.rules import ActivityInput, Cycle, cycle_for, evaluate, load_catalog
from tracker.rules.accrual import contributions

CATALOG = load_catalog()
RULESETS = [CATALOG.get(code) for code in CATALOG.codes()]
# NICET, and the test suite's own rule set with a cap per year on a job and on courses.
YEAR_CAPPED = [
    *(r for r in RULESETS if any(c.cap_per_year is not None for c in r.categories)),
    load_catalog(Path(__file__).parent / "rulesets").get("test-spread"),
]
CERTIFIED_ON = date(2022, 3, 15)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2028, 12, 31))


@st.composite
def activity_drafts(draw, ruleset):
    """An activity without id and order (both are given by position later)."""
    category = draw(st.sampled_from(ruleset.categories))
    evidence = draw(st.booleans())
    if category.is_period:
        started = draw(days)
        ended = draw(st.none() | st.dates(min_value=started, max_value=date(2028, 12, 31)))
        fraction = draw(st.sampled_from(category.fractions))
        return {
            "category": category.code,
            "completed_on": ended,
            "started_on": started,
            "fraction": fraction,
            "has_evidence": evidence,
        }
    steps = draw(st.integers(min_value=0, max_value=400))
    return {
        "category": category.code,
        "completed_on": draw(days),
        "quantity": category.step * steps,
        "has_evidence": evidence,
    }


@st.composite
def scenarios(draw, rulesets=RULESETS):
    ruleset = draw(st.sampled_from(rulesets))
    drafts = draw(st.lists(activity_drafts(ruleset), max_size=40))
    today = draw(st.dates(min_value=date(2021, 1, 1), max_value=date(2028, 6, 30)))
    starts_on, ends_on = cycle_for(ruleset, CERTIFIED_ON)
    cycle = Cycle(starts_on, ends_on, frozenset(ruleset.required_modules))
    activities = [ActivityInput(id=i, order=i, **draft) for i, draft in enumerate(drafts)]
    return ruleset, cycle, activities, today


def per_activity(progress):
    return {result.id: result for result in progress.activities}


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_counted_never_exceeds_earned_nor_goes_negative(scenario):
    progress = evaluate(*scenario)
    for result in progress.activities:
        assert Decimal(0) <= result.counted <= result.earned
    assert progress.counted >= 0
    assert progress.counted == sum((r.counted for r in progress.activities), Decimal(0))
    assert progress.remaining >= 0


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_caps_and_group_maximums_hold(scenario):
    ruleset = scenario[0]
    progress = evaluate(*scenario)
    for category in progress.categories:
        if category.cap is not None:
            assert category.counted <= category.cap
        assert category.counted <= category.earned
    for group in progress.groups:
        if group.maximum is not None:
            assert group.counted <= group.maximum
    assert sum((c.counted for c in progress.categories), Decimal(0)) == progress.counted
    assert len(progress.categories) == len(ruleset.categories)


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.randoms(use_true_random=False))
def test_shuffling_the_input_changes_nothing(scenario, rng: random.Random):
    ruleset, cycle, activities, today = scenario
    shuffled = list(activities)
    rng.shuffle(shuffled)
    before = evaluate(ruleset, cycle, activities, today)
    after = evaluate(ruleset, cycle, shuffled, today)
    assert per_activity(before) == per_activity(after)
    assert (before.counted, before.status, before.projected_completion) == (
        after.counted,
        after.status,
        after.projected_completion,
    )
    assert before.categories == after.categories


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.data())
def test_adding_an_activity_never_lowers_the_total(scenario, data):
    ruleset, cycle, activities, today = scenario
    draft = data.draw(activity_drafts(ruleset))
    order = data.draw(st.integers(min_value=-1, max_value=len(activities)))
    extra = ActivityInput(id="extra", order=order, **draft)
    before = evaluate(ruleset, cycle, activities, today).counted
    after = evaluate(ruleset, cycle, [*activities, extra], today).counted
    assert after >= before


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_activities_outside_the_cycle_or_after_today_count_zero(scenario):
    ruleset, cycle, activities, today = scenario
    progress = evaluate(ruleset, cycle, activities, today)
    for activity, result in zip(activities, progress.activities, strict=True):
        category = ruleset.category(activity.category)
        if category.is_period:
            end = activity.completed_on or today
            outside = end < cycle.starts_on or activity.started_on > cycle.ends_on
            late = end > today or activity.started_on > today
        else:
            outside = not cycle.starts_on <= activity.completed_on <= cycle.ends_on
            late = activity.completed_on > today
        if outside or late:
            assert result.counted == 0
            assert result.flags in (("outside_cycle",), ("future",))
        else:
            assert "outside_cycle" not in result.flags and "future" not in result.flags


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_requirement_reached_date_is_when_the_running_total_crossed(scenario):
    progress = evaluate(*scenario)
    if progress.counted < progress.required:
        assert progress.requirement_reached_on is None
        return
    reached = progress.requirement_reached_on
    assert reached is not None
    arrivals = contributions(progress.activities)
    before = sum((points for day, points in arrivals if day < reached), Decimal(0))
    through = sum((points for day, points in arrivals if day <= reached), Decimal(0))
    assert before < progress.required <= through
    assert progress.projected_completion == reached


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_points_arrive_inside_the_cycle_by_today_and_add_up_to_the_total(scenario):
    """Spec version 2: a job's points arrive month by month, by its (clipped) end date."""
    progress = evaluate(*scenario)
    arrivals = contributions(progress.activities)
    assert sum((points for _, points in arrivals), Decimal(0)) == progress.counted
    assert [day for day, _ in arrivals] == sorted(day for day, _ in arrivals)
    for day, points in arrivals:
        assert points > 0
        assert progress.starts_on <= day <= min(progress.ends_on, progress.today)
    years = sum((y.counted for y in progress.years), Decimal(0))
    assert years == progress.counted - progress.carried_in


def test_a_long_list_is_handled(benchmark_size=3000):
    ruleset = CATALOG.get("mssc-cpt")
    starts_on, ends_on = cycle_for(ruleset, CERTIFIED_ON)
    activities = [
        ActivityInput(i, "CE-TRAINING", starts_on + timedelta(days=i % 1800), Decimal(1), order=i)
        for i in range(benchmark_size)
    ]
    progress = evaluate(ruleset, Cycle(starts_on, ends_on), activities, date(2030, 1, 1))
    assert progress.category("CE-TRAINING").counted == benchmark_size


@settings(max_examples=200, deadline=None)
@given(scenarios(YEAR_CAPPED))
def test_under_a_cap_per_year_each_activity_places_its_counted_and_no_year_overflows(scenario):
    """Spec version 2: a job's points arrive in the months its years' caps counted."""
    ruleset = scenario[0]
    progress = evaluate(*scenario)
    in_years: dict[tuple[str, int], Decimal] = {}
    for result in progress.activities:
        arrivals = contributions([result])
        assert sum((points for _, points in arrivals), Decimal(0)) == result.counted
        for day, brought in arrivals:
            year = next(y.number for y in progress.years if y.starts_on <= day <= y.ends_on)
            key = (result.category, year)
            in_years[key] = in_years.get(key, Decimal(0)) + brought
    for (code, _year), points in in_years.items():
        cap = ruleset.category(code).cap_per_year
        assert cap is None or points <= cap
