"""Carry-over of excess points into the next cycle, on the test suite's own rule set.

test-carry: 20 points per 2-year cycle; up to 10 points above the requirement carry over,
and only points counted in the cycle's last 180 days may.
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tracker.rules import (
    ActivityInput,
    Cycle,
    RuleSetError,
    Status,
    evaluate,
    load_catalog,
    load_ruleset,
    parse_case,
    progress_to_json,
)
from tracker.rules.catalog import CarryOver

RULESETS = Path(__file__).parent / "rulesets"
CATALOG = load_catalog(RULESETS)
CARRY = CATALOG.get("test-carry")
CYCLE = Cycle(date(2024, 1, 1), date(2025, 12, 31))  # the last 180 days start 2025-07-05
TODAY = date(2025, 12, 31)


def training(day: date, hours: str, number: int = 0) -> ActivityInput:
    return ActivityInput(f"t{number}", "TRAINING", day, Decimal(hours), order=number)


def test_the_rule_set_file_reads_its_carry_over_table():
    assert CARRY.carry_over == CarryOver(maximum=Decimal(10), last_days=180)
    assert load_catalog().get("mssc-cpt").carry_over is None  # CPT has none (docs/rules.md)


def test_late_points_above_the_requirement_carry_over_up_to_the_maximum():
    activities = [training(date(2024, 3, 1), "18", 1), training(date(2025, 9, 1), "6", 2)]
    progress = evaluate(CARRY, CYCLE, activities, TODAY)
    assert progress.counted == Decimal(24)
    assert progress.carry_over_out == Decimal(4)

    more = [*activities, training(date(2025, 10, 1), "20", 3)]
    assert evaluate(CARRY, CYCLE, more, TODAY).carry_over_out == Decimal(10)  # the maximum


def test_early_points_do_not_carry_over():
    activities = [training(date(2024, 3, 1), "30", 1), training(date(2025, 8, 1), "3", 2)]
    progress = evaluate(CARRY, CYCLE, activities, TODAY)
    assert progress.counted - progress.required == Decimal(13)
    assert progress.carry_over_out == Decimal(3)  # only the late 3 points may go
    # The first day that counts as late is 180 days before the end, that day included.
    edge = evaluate(CARRY, CYCLE, [training(date(2024, 3, 1), "20", 1),
                                    training(date(2025, 7, 5), "2", 2),
                                    training(date(2025, 7, 4), "2", 3)], TODAY)
    assert edge.carry_over_out == Decimal(2)


def test_nothing_carries_over_before_the_requirement_is_met():
    progress = evaluate(CARRY, CYCLE, [training(date(2025, 9, 1), "19.5", 1)], TODAY)
    assert progress.status != Status.COMPLETE
    assert progress.carry_over_out == 0


def test_carried_points_count_in_the_new_cycle_but_never_carry_again():
    new_cycle = replace(CYCLE, starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31),
                        carried_in=Decimal(10))
    end = date(2027, 12, 31)
    progress = evaluate(CARRY, new_cycle, [training(date(2027, 11, 1), "15", 1)], end)
    assert progress.carried_in == Decimal(10)
    assert progress.counted == Decimal(25)
    assert progress.category("TRAINING").counted == Decimal(15)
    assert progress.status == Status.COMPLETE
    assert progress.carry_over_out == Decimal(5)  # 5 above 20, all from this cycle

    generous = replace(CARRY, carry_over=CarryOver(maximum=Decimal(20)))
    only_carried = replace(new_cycle, carried_in=Decimal(20))
    progress = evaluate(generous, only_carried, [], end)
    assert progress.counted == Decimal(20)
    assert progress.requirement_reached_on == date(2026, 1, 1)
    assert progress.carry_over_out == 0


def test_a_rule_set_without_carry_over_carries_nothing():
    no_carry = replace(CARRY, carry_over=None)
    progress = evaluate(no_carry, CYCLE, [training(date(2025, 9, 1), "40", 1)], TODAY)
    assert progress.carry_over_out == 0
    # Nor does it count points a stored cycle says were brought in.
    brought = replace(CYCLE, carried_in=Decimal(45))
    assert evaluate(no_carry, brought, [], TODAY).counted == 0


def test_carried_points_never_count_above_the_maximum_or_below_zero():
    assert evaluate(CARRY, replace(CYCLE, carried_in=Decimal(45)), [], TODAY).counted == 10
    assert evaluate(CARRY, replace(CYCLE, carried_in=Decimal(-30)), [], TODAY).counted == 0


def test_cases_take_carried_points_in_and_give_both_figures_out():
    case = {"ruleset": "test-carry", "certified_on": "2024-01-01", "today": "2025-12-31",
            "carried_in": "5",
            "activities": [{"id": "a", "category": "TRAINING", "completed_on": "2025-09-01",
                            "quantity": "20"}]}
    ruleset, cycle, activities, today = parse_case(case, CATALOG)
    figures = progress_to_json(evaluate(ruleset, cycle, activities, today))
    assert (figures["carried_in"], figures["counted"], figures["carry_over_out"]) == (
        "5.00", "25.00", "5.00")
    with pytest.raises(ValueError, match="carried_in: must be a number of points"):
        parse_case({**case, "carried_in": "-1"}, CATALOG)


def test_a_wrong_carry_over_table_is_refused_naming_each_key(tmp_path):
    text = (RULESETS / "test-carry" / "2026.1.toml").read_text()
    text = text.replace("maximum = 10\nlast_days = 180", "maximum = -3\nlast_days = 0\nfrom = 1")
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(path)
    problems = "\n".join(caught.value.problems)
    assert "carry_over.maximum" in problems
    assert "carry_over.last_days" in problems
    assert "carry_over.from" in problems
