"""The `flask rules` commands: the contract rule-set authors and support staff rely on."""

import json
from pathlib import Path

import pytest

from tracker import create_app
from tracker.rules.catalog import load_catalog

CASES = Path(__file__).parent / "cases"


@pytest.fixture
def cli():
    return create_app({"DATABASE_URL": "sqlite://"}).test_cli_runner()


@pytest.mark.parametrize("code", load_catalog().codes())
def test_rules_check_accepts_each_shipped_rule_set(cli, code):
    ruleset = load_catalog().get(code)
    result = cli.invoke(args=["rules", "check", str(ruleset.path)])
    assert result.exit_code == 0, result.stderr
    [line, provenance, kinds] = result.stdout.splitlines()
    assert f"OK: {code} 2026.1" in line
    assert "provenance: " in provenance and " figures published, " in provenance
    counted = ruleset.counted_kinds
    assert kinds == (f"{ruleset.path}: kinds: counts {len(counted)} of 17 kinds of activity "
                     f"({', '.join(counted)})")


def test_rules_check_says_which_kinds_a_rule_set_counts(cli):
    path = load_catalog().get("nate").path
    result = cli.invoke(args=["rules", "check", str(path)])
    assert result.stdout.splitlines()[2] == (
        f"{path}: kinds: counts 4 of 17 kinds of activity "
        "(training, college-credit, college-noncredit, conference)")


def test_rules_check_lists_every_problem_and_exits_2(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    text = load_catalog().get("mssc-cpt").path.read_text()
    text = text.replace("cap = 40", "cap = -40").replace('code = "X"', 'code = "X"\ncolour = 1')
    bad.write_text(text)
    result = cli.invoke(args=["rules", "check", str(bad)])
    assert result.exit_code == 2
    assert "2 problem(s)" in result.stderr
    assert "cap" in result.stderr
    assert "colour" in result.stderr


@pytest.mark.parametrize("name", ["example_a", "example_b", "example_c", "example_d"])
def test_rules_evaluate_reproduces_the_worked_examples(cli, name):
    result = cli.invoke(args=["rules", "evaluate", str(CASES / f"{name}.json")])
    assert result.exit_code == 0, result.stderr
    output = json.loads(result.stdout)
    expected = json.loads((CASES / f"{name}.expected.json").read_text())
    assert_contains(output, expected)


def assert_contains(actual, expected, path="$"):
    """Every key and value of `expected` is in `actual` (extra keys in `actual` are fine)."""
    if isinstance(expected, dict):
        for key, value in expected.items():
            assert key in actual, f"{path}.{key} is missing"
            assert_contains(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert len(actual) == len(expected), path
        for index, (got, want) in enumerate(zip(actual, expected, strict=True)):
            assert_contains(got, want, f"{path}[{index}]")
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


def test_rules_evaluate_reads_standard_input(cli):
    case = (CASES / "example_a.json").read_text()
    result = cli.invoke(args=["rules", "evaluate", "-"], input=case)
    assert result.exit_code == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["counted"] == "128.00"
    assert output["status"] == "complete"
    assert output["days_left"] == 111


def test_rules_evaluate_names_the_activity_and_field_of_a_bad_case(cli):
    case = {
        "ruleset": "mssc-cpt", "certified_on": "2022-03-15", "today": "2026-11-24",
        "modules": ["safety", "quality", "production", "maintenance"],
        "activities": [
            {"id": "a1", "category": "CE-TRAINING", "completed_on": "2022-06-01",
             "quantity": "2.3"},
            {"id": "a2", "category": "NOPE", "completed_on": "2022-06-01", "quantity": "1"},
            {"id": "a3", "category": "CE-TRAINING", "completed_on": "June 1", "quantity": "1"},
            {"id": "e1", "category": "E", "started_on": "2023-01-10",
             "completed_on": "2027-01-09", "fraction": "1.0"},
        ],
    }
    result = cli.invoke(args=["rules", "evaluate", "-"], input=json.dumps(case))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "a1: quantity: 2.3 is not a multiple of 0.25" in result.stderr
    assert "a2: category" in result.stderr
    assert "a3: completed_on" in result.stderr
    assert "e1: completed_on" in result.stderr


def test_rules_evaluate_refuses_text_that_is_not_json(cli):
    result = cli.invoke(args=["rules", "evaluate", "-"], input="{not json")
    assert result.exit_code == 2
    assert "not valid JSON" in result.stderr
