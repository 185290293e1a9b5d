"""The worked examples as JSON cases (tests/rules/cases/), through parse_case/progress_to_json.

Each `example_X.json` is a case exactly as `flask rules evaluate` reads it; its
`example_X.expected.json` holds the figures docs/rules.md gives (example D's pace and
projection figures follow from docs/rules.md's formulas). The CLI tests can reuse both files.
"""

import json
from pathlib import Path

import pytest

from tracker.rules import CaseError, evaluate, load_catalog, parse_case, progress_to_json

CASES = Path(__file__).parent / "cases"
EXAMPLES = ["example_a", "example_b", "example_c", "example_d"]


def run(case: dict) -> dict:
    ruleset, cycle, activities, today = parse_case(case, load_catalog())
    output = progress_to_json(evaluate(ruleset, cycle, activities, today))
    json.dumps(output)  # the output must be plain JSON
    return output


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_case_reproduces_rules_md(name):
    case = json.loads((CASES / f"{name}.json").read_text())
    expected = json.loads((CASES / f"{name}.expected.json").read_text())
    output = run(case)
    for key, value in expected.items():
        if key == "activities":
            trimmed = [{k: a[k] for k in ("id", "earned", "counted", "flags")} for a in output[key]]
            assert trimmed == value
        else:
            assert output[key] == value, key


def test_output_has_the_documented_keys():
    output = run(json.loads((CASES / "example_b.json").read_text()))
    assert {
        "ruleset",
        "ruleset_version",
        "cycle",
        "required",
        "counted",
        "remaining",
        "status",
        "days_left",
        "elapsed_days",
        "total_days",
        "pace_target",
        "points_per_month_needed",
        "projected_completion",
        "completes_before_end",
        "categories",
        "activities",
        "unmet",
    } <= set(output)
    x = next(c for c in output["categories"] if c["code"] == "X")
    assert x == {
        "code": "X",
        "name": "Volunteering, teaching or association work",
        "earned": "25.00",
        "counted": "20.00",
        "cap": "20.00",
        "minimum": None,
    }
    assert next(c for c in output["categories"] if c["code"] == "CE-CREDIT")["cap"] is None


def test_activities_keep_their_given_order_as_creation_order():
    case = json.loads((CASES / "example_d.json").read_text())
    # Three certifications on one day: only the first two entered count (cap 40).
    case["activities"] = [
        {"id": i, "category": "IC", "completed_on": "2023-05-01", "quantity": "1"}
        for i in (3, 1, 2)
    ]
    output = run(case)
    assert [(a["id"], a["counted"]) for a in output["activities"]] == [
        (3, "20.00"),
        (1, "20.00"),
        (2, "0.00"),
    ]


def test_has_evidence_defaults_to_false():
    case = json.loads((CASES / "example_b.json").read_text())
    for activity in case["activities"]:
        del activity["has_evidence"]
    output = run(case)
    assert all("missing_evidence" in a["flags"] for a in output["activities"])
    assert [u["scope"] for u in output["unmet"] if u["kind"] == "missing_evidence"] == [
        "b1",
        "b2",
        "b3",
    ]


def test_version_defaults_to_the_current_one():
    case = json.loads((CASES / "example_b.json").read_text())
    assert "ruleset_version" not in case
    assert run(case)["ruleset_version"] == load_catalog().get("mssc-cpt").version


def problems_of(case: dict) -> list[str]:
    with pytest.raises(CaseError) as caught:
        parse_case(case, load_catalog())
    return caught.value.problems


def base_case(*activities: dict) -> dict:
    return {
        "ruleset": "mssc-cpt",
        "certified_on": "2023-01-10",
        "modules": ["safety", "quality", "production", "maintenance"],
        "today": "2025-01-10",
        "activities": list(activities),
    }


def test_bad_case_names_activity_and_field_for_every_problem():
    problems = problems_of(
        base_case(
            {"id": "a1", "category": "CE-MAGIC", "completed_on": "2024-01-01", "quantity": "1"},
            {"id": "a2", "category": "X", "completed_on": "2024-01-01", "quantity": "2.3"},
            {"id": "a3", "category": "X", "completed_on": "2024-02-30", "quantity": "1"},
            {
                "id": "e1",
                "category": "E",
                "started_on": "2023-01-10",
                "completed_on": "2027-01-09",
                "fraction": "1.0",
            },
        )
    )
    assert len(problems) == 4
    assert problems[0].startswith("activity a1: category: “CE-MAGIC” is not a CPT category")
    assert problems[1] == (
        "activity a2: quantity: 2.3 is not a multiple of 0.25. Enter hours in steps of 0.25."
    )
    assert problems[2] == "activity a3: completed_on: '2024-02-30' is not a date (use YYYY-MM-DD)"
    assert problems[3].startswith("activity e1: completed_on: The end date (Jan 9, 2027)")
    assert "still employed" in problems[3]


def test_bad_case_top_level_problems():
    case = base_case()
    case.update(certified_on="15/03/2022", today=None, modules=["safety", "welding"], colour=1)
    problems = problems_of(case)
    assert problems == [
        "colour: unknown key",
        "certified_on: '15/03/2022' is not a date (use YYYY-MM-DD)",
        "today: is missing (use YYYY-MM-DD)",
        "modules: 'welding' is not a module of CPT",
    ]


def test_unknown_ruleset_and_version():
    assert problems_of({**base_case(), "ruleset": "nope"})[0].startswith("ruleset: no rule set")
    problem = problems_of({**base_case(), "ruleset_version": "1999.1"})[0]
    assert problem.startswith("ruleset: 'mssc-cpt' has no version '1999.1'")


def test_modules_required_for_cpt_but_optional_without_modules():
    case = base_case()
    del case["modules"]
    assert problems_of(case)[0].startswith("modules: list the modules held")
    pmp = {"ruleset": "pmi-pmp", "certified_on": "2024-01-01", "today": "2025-01-01"}
    assert run({**pmp, "activities": []})["status"] == "behind"


def test_certification_before_the_earliest_date_is_refused():
    problems = problems_of({**base_case(), "certified_on": "2005-12-31"})
    assert problems == [
        "certified_on: The certification date cannot be before Jan 1, 2006, "
        "the earliest date accepted for CPT."
    ]


def test_numbers_may_be_json_numbers_and_ids_integers():
    output = run(
        base_case({"id": 7, "category": "X", "completed_on": "2024-01-01", "quantity": 2.5})
    )
    assert output["activities"][0]["id"] == 7
    assert output["activities"][0]["earned"] == "2.50"


def test_duplicate_ids_and_missing_fields():
    problems = problems_of(
        base_case(
            {"id": "a", "category": "X", "completed_on": "2024-01-01", "quantity": "1"},
            {"id": "a", "category": "X", "quantity": "one", "color": "red"},
        )
    )
    assert problems == [
        "activity a: id: used by more than one activity",
        "activity a: color: unknown key",
        "activity a: quantity: 'one' is not a number",
    ]
