"""A fourth credential needs a data file and its tests, no code: proven with a made-up one."""

from datetime import date
from decimal import Decimal

from tracker.rules import (
    ActivityInput,
    Cycle,
    Status,
    UnmetKind,
    check_activity,
    cycle_for,
    evaluate,
    load_catalog,
    next_cycle_after,
    parse_case,
    progress_to_json,
)

CRANE = """
# A made-up credential: every feature of the format, none from the shipped rule sets.
code = "demo-crane"
version = "2030.2"
name = "Demo Crane Operator"
short_name = "Crane"
cycle_years = 2
points_required = 30
points_name = { singular = "credit", plural = "credits" }
window_days = 60
at_risk_days = 60
earliest_certified_on = 2020-01-01
yearly_minimum = 10
provenance = "estimate"

[agency]
name = "Demo Lifting Board"
address = "2 Hook Lane, Liftville"

[sources]
note = "Invented for a test."

[[fees]]
label = "Renewal"
amount = 49.5
currency = "EUR"
provenance = "estimate"

[[categories]]
code = "SEAT"
name = "Hours operating a crane"
kind = "period"
unit = { singular = "month", plural = "months" }
fractions = [1, 0.75, 0.5]
points_per_unit = 0.5
kinds = ["job"]
cap = 6
evidence = "logbook"
provenance = "estimate"

[[categories]]
code = "SAFETY"
name = "Safety refresher"
kind = "quantity"
unit = { singular = "course", plural = "courses" }
step = 1
points_per_unit = 4
kinds = ["training"]
minimum = 8
provenance = "estimate"

[[categories]]
code = "TALK"
name = "Toolbox talk given"
kind = "quantity"
unit = { singular = "talk", plural = "talks" }
step = 1
points_per_unit = 3
kinds = ["instructing"]
provenance = "estimate"

[[groups]]
code = "SHARING"
name = "Sharing with others"
categories = ["TALK"]
maximum = 9
provenance = "estimate"

[[modules]]
code = "tower"
name = "Tower cranes"
required = true

[[modules]]
code = "mobile"
name = "Mobile cranes"
required = false
"""


def crane_catalog(tmp_path):
    folder = tmp_path / "rulesets" / "demo-crane"
    folder.mkdir(parents=True)
    (folder / "2030.2.toml").write_text(CRANE)
    return load_catalog(tmp_path / "rulesets")


def test_fourth_rule_set_loads_and_evaluates_from_data_alone(tmp_path):
    crane = crane_catalog(tmp_path).get("demo-crane")
    assert cycle_for(crane, date(2030, 3, 1)) == (date(2030, 3, 1), date(2032, 3, 1))
    assert next_cycle_after(crane, date(2032, 3, 1)) == (date(2032, 3, 2), date(2034, 3, 1))
    cycle = Cycle(date(2030, 3, 1), date(2032, 3, 1), frozenset({"tower"}))
    activities = [
        ActivityInput("seat", "SEAT", None, started_on=date(2029, 1, 1), fraction=Decimal("0.75")),
        ActivityInput("s1", "SAFETY", date(2030, 5, 1), Decimal(1), order=1),
        ActivityInput("t1", "TALK", date(2030, 6, 1), Decimal(2), order=2),
        ActivityInput("t2", "TALK", date(2031, 4, 1), Decimal(2), order=3),
    ]
    progress = evaluate(crane, cycle, activities, date(2031, 6, 1))
    seat = progress.activity("seat")
    # 2030-03-01 .. 2031-06-01 is 15 months x 0.75 x 0.5 = 5.625, under the cap of 6.
    assert (seat.months, seat.earned, seat.counted) == (15, Decimal("5.625"), Decimal("5.625"))
    assert seat.flags == ("missing_evidence",)
    assert progress.activity("t2").counted == 3  # the group maximum of 9 leaves 3 of 6
    assert progress.activity("t2").flags == ("over_group_max",)
    assert progress.counted == Decimal("5.625") + 4 + 6 + 3
    # Spec version 2: the seat time's months fall in the year each is complete: 12 x 0.375
    # in year 1 (with s1 and t1: 4.5 + 4 + 6) and 3 x 0.375 in year 2 (with t2's 3).
    assert [y.counted for y in progress.years] == [Decimal("14.5"), Decimal("4.125")]
    assert [(u.kind, u.scope) for u in progress.unmet] == [
        (UnmetKind.POINTS_REMAINING, "total"),
        (UnmetKind.CATEGORY_MINIMUM, "SAFETY"),
        (UnmetKind.YEARLY_MINIMUM, 2),
        (UnmetKind.MISSING_EVIDENCE, "seat"),
    ]
    # 457 of 731 days gone: the pace target is 30 x 457 / 731 = 18.76 > 18.625 counted.
    assert (progress.elapsed_days, progress.total_days) == (457, 731)
    assert str(progress.pace_target.quantize(Decimal("0.01"))) == "18.76"
    assert progress.status is Status.BEHIND


def test_fourth_rule_set_status_not_required_without_its_module(tmp_path):
    crane = crane_catalog(tmp_path).get("demo-crane")
    cycle = Cycle(date(2030, 3, 1), date(2032, 3, 1), frozenset({"mobile"}))
    assert evaluate(crane, cycle, [], date(2031, 1, 1)).status is Status.NOT_REQUIRED


def test_fourth_rule_set_checks_and_cases(tmp_path):
    catalog = crane_catalog(tmp_path)
    crane = catalog.get("demo-crane")
    bad = ActivityInput("x", "SEAT", None, started_on=date(2030, 1, 1), fraction=Decimal("0.6"))
    [problem] = check_activity(crane, bad, date(2031, 1, 1))
    assert problem.message == (
        "0.6 of full time is not allowed. Choose full time or 75% of full time or half time."
    )
    case = {
        "ruleset": "demo-crane",
        "certified_on": "2030-03-01",
        "modules": ["tower"],
        "today": "2032-03-01",
        "activities": [
            {"id": 1, "category": "SAFETY", "completed_on": "2030-04-01", "quantity": "8"}
        ],
    }
    output = progress_to_json(evaluate(*parse_case(case, catalog)))
    assert output["ruleset_version"] == "2030.2"
    assert output["counted"] == "32.00"  # 8 courses x 4 >= 30, but year 2 has nothing
    assert output["status"] == "at_risk"
    assert output["unmet"] == [
        {"kind": "yearly_minimum", "scope": 2, "required": "10.00", "counted": "0.00"}
    ]
