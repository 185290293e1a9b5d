"""The points curve and skill coverage regroup the engine's results without changing them."""

from datetime import date
from decimal import Decimal

from tracker.rules.catalog import load_catalog
from tracker.rules.engine import ActivityInput, Cycle, evaluate
from tracker.rules.insights import competency_coverage, points_curve, projected_total_at_end

CPT = load_catalog().get("mssc-cpt")
FOUR = frozenset({"safety", "quality", "production", "maintenance"})
CYCLE = Cycle(date(2022, 3, 15), date(2027, 3, 15), FOUR)
TODAY = date(2026, 11, 24)


def training(activity_id, day, hours, order):
    return ActivityInput(activity_id, "CE-TRAINING", day, Decimal(hours), order=order)


def test_curve_adds_counted_points_per_day_from_zero_at_the_start():
    activities = [
        training("late", date(2023, 1, 1), "5", 2),
        training("early", date(2022, 6, 1), "10", 1),
        training("same-day", date(2023, 1, 1), "2.5", 3),
        training("outside", date(2021, 1, 1), "8", 4),
        training("future", date(2027, 1, 1), "8", 5),
    ]
    progress = evaluate(CPT, CYCLE, activities, TODAY)
    assert points_curve(progress) == [
        (date(2022, 3, 15), Decimal(0)),
        (date(2022, 6, 1), Decimal(10)),
        (date(2023, 1, 1), Decimal("17.5")),
    ]
    assert points_curve(progress)[-1][1] == progress.counted


def test_projection_at_end_follows_the_rate_so_far():
    progress = evaluate(CPT, CYCLE, [training("a", date(2022, 6, 1), "40", 1)], TODAY)
    rate = Decimal(40) / progress.elapsed_days
    assert projected_total_at_end(progress) == 40 + rate * progress.days_left
    empty = evaluate(CPT, CYCLE, [], TODAY)
    assert projected_total_at_end(empty) is None


def test_coverage_weighs_the_tagged_key_activities():
    activities = [
        training("a", date(2023, 1, 1), "8", 1),
        training("b", date(2024, 1, 1), "4", 2),
        training("old", date(2021, 1, 1), "4", 3),
    ]
    tags = [
        ("a", ["maintenance.preventive", "maintenance.housekeeping"]),
        ("b", ["maintenance.monitor-indicators", "safety"]),
        ("old", ["maintenance.recognize-issues"]),  # outside the cycle: does not cover
    ]
    progress = evaluate(CPT, CYCLE, activities, TODAY)
    coverage = {module.code: module for module in competency_coverage(CPT, tags, progress)}
    maintenance = coverage["maintenance"]
    assert maintenance.points == Decimal(12)
    assert maintenance.activity_ids == ("a", "b")
    assert maintenance.percent_covered == Decimal(65)  # 26 + 23 + 16
    assert [k.code for k in maintenance.missing] == ["maintenance.recognize-issues"]
    assert coverage["safety"].points == Decimal(4)
    assert coverage["safety"].percent_covered == 0  # tagged as a module, no key activity
    assert coverage["green"].has_blueprint is False
    assert coverage["quality"].activity_ids == ()
