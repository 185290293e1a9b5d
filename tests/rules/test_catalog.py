"""Loading and checking rule-set files; versions side by side."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tracker.rules import RuleSetError, UnknownRuleSetError, load_catalog, load_ruleset
from tracker.rules.catalog import DEFAULT_DIRECTORY

VALID = """
code = "demo"
version = "{version}"
name = "Demo Credential"
short_name = "DEMO"
cycle_years = 2
points_required = 10
points_name = {{ singular = "point", plural = "points" }}
window_days = 30
provenance = "estimate"

[agency]
name = "Demo Agency"
address = "1 Main St"

[[categories]]
code = "HOURS"
name = "Training hours"
kind = "quantity"
unit = {{ singular = "hour", plural = "hours" }}
step = 0.5
points_per_unit = {points}
kinds = ["training"]
cap = 8
provenance = {{ points_per_unit = "estimate", step = "estimate", cap = "estimate" }}

[[groups]]
code = "ALL"
name = "Everything"
categories = ["HOURS"]

[[modules]]
code = "core"
name = "Core"
required = true
key_activities = [
  {{ code = "core.a", name = "Do A", weight = 60 }},
  {{ code = "core.b", name = "Do B", weight = 40 }},
]
"""


def write(folder: Path, text: str, version: str = "2026.1", points: str = "1") -> Path:
    path = folder / "demo" / f"{version}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.format(version=version, points=points))
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(path)
    assert caught.value.path == path
    return caught.value.problems


def test_valid_file_loads_into_dataclasses(tmp_path):
    ruleset = load_ruleset(write(tmp_path, VALID))
    assert (ruleset.code, ruleset.version, ruleset.cycle_years) == ("demo", "2026.1", 2)
    hours = ruleset.category("HOURS")
    assert (hours.step, hours.cap, hours.groups) == (Decimal("0.5"), 8, ("ALL",))
    assert ruleset.required_modules == ("core",)
    assert ruleset.at_risk_days == 180


def test_unknown_key_names_the_file_and_the_key(tmp_path):
    path = write(tmp_path, VALID.replace('kind = "quantity"', 'kind = "quantity"\ncolour = 1'))
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}: categories[HOURS].colour: unknown key")


def test_negative_cap_names_the_file_and_the_key(tmp_path):
    path = write(tmp_path, VALID.replace("cap = 8", "cap = -5"))
    assert problems_of(path) == [
        f"{path}: categories[HOURS].cap: a cap cannot be below zero (found -5)"
    ]


def test_weights_not_summing_to_100_name_the_file_and_the_module(tmp_path):
    path = write(tmp_path, VALID.replace("weight = 40", "weight = 39.5"))
    assert problems_of(path) == [
        f"{path}: modules[core].key_activities: the weights add up to 99.5, not 100"
    ]


def test_category_referenced_but_not_defined(tmp_path):
    path = write(
        tmp_path, VALID.replace('categories = ["HOURS"]', 'categories = ["HOURS", "GHOST"]')
    )
    assert problems_of(path) == [
        f"{path}: groups[ALL].categories: category 'GHOST' is referenced but not defined "
        "in [[categories]]"
    ]


def test_every_problem_is_collected_at_once(tmp_path):
    text = (
        VALID.replace("cap = 8", "cap = -1")
        .replace("weight = 40", "weight = 1")
        .replace("window_days = 30", "window_days = 30\nwindow = 3")
        .replace('short_name = "DEMO"\n', "")
    )
    problems = problems_of(write(tmp_path, text))
    assert [p.split(": ")[1] for p in problems] == [
        "short_name",
        "categories[HOURS].cap",
        "modules[core].key_activities",
        "window",
    ]


def test_wrong_types_and_values_are_reported(tmp_path):
    text = VALID.replace("cycle_years = 2", 'cycle_years = "two"').replace(
        'kind = "quantity"', 'kind = "lump"'
    )
    problems = problems_of(write(tmp_path, text, version="latest", points="0"))
    assert len(problems) == 4
    assert any("cycle_years: must be a whole number, not text" in p for p in problems)
    assert any(
        "categories[HOURS].kind: 'lump' is not one of: quantity, period" in p for p in problems
    )
    assert any("version: 'latest' is not a valid value" in p for p in problems)
    assert any("categories[HOURS].points_per_unit: must be more than zero" in p for p in problems)


def test_invalid_toml_is_one_clear_problem(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("code = \n")
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}: is not valid TOML")


def test_old_version_stays_loadable_next_to_a_new_one(tmp_path):
    write(tmp_path, VALID, version="2025.1", points="1")
    write(tmp_path, VALID, version="2026.1", points="2")
    write(tmp_path, VALID, version="2026.10", points="3")  # numeric order: 10 > 1
    catalog = load_catalog(tmp_path)
    assert catalog.versions("demo") == ["2025.1", "2026.1", "2026.10"]
    assert catalog.get("demo").version == "2026.10"
    assert catalog.get("demo", "2025.1").category("HOURS").points_per_unit == 1
    assert catalog.get("demo", "2026.1").category("HOURS").points_per_unit == 2
    assert [r.version for r in catalog.all_current()] == ["2026.10"]
    with pytest.raises(UnknownRuleSetError):
        catalog.get("demo", "2024.1")
    with pytest.raises(UnknownRuleSetError):
        catalog.get("other")


def test_file_must_sit_in_its_code_folder_under_its_version_name(tmp_path):
    path = write(tmp_path, VALID)
    path.rename(path.with_name("2027.1.toml"))
    with pytest.raises(RuleSetError) as caught:
        load_catalog(tmp_path)
    assert caught.value.problems == [
        f"{path.with_name('2027.1.toml')}: version: '2026.1' must match its file name"
    ]


def test_the_default_catalog_is_cached_and_ships_its_rule_sets():
    assert load_catalog() is load_catalog()
    assert load_catalog().codes() == [
        "ascm-cltd", "ascm-cpim", "ascm-cscp", "asq-cct", "isc2-cissp", "mssc-clt", "mssc-cpt",
        "nate", "nicet", "pmi-pmp", "sme-cmfgt", "smrp-cmrp", "smrp-cmrt"]
    assert load_catalog(DEFAULT_DIRECTORY) is not load_catalog()  # other folders: not cached


def test_cpt_rule_set_matches_rules_md():
    cpt = load_catalog().get("mssc-cpt")
    assert (cpt.version, cpt.cycle_years, cpt.points_required, cpt.window_days) == (
        "2026.1",
        5,
        100,
        90,
    )
    assert cpt.earliest_certified_on == date(2006, 1, 1)
    assert cpt.agency.address == "901 N Washington St., Suite 600, Alexandria, VA 22314"
    table = {c.code: (c.points_per_unit, c.cap, c.step, c.evidence, c.kind) for c in cpt.categories}
    assert table == {
        "CE-CREDIT": (10, None, Decimal("0.5"), "transcript", "quantity"),
        "CE-NONCREDIT": (1, None, Decimal("0.25"), "certificate of completion", "quantity"),
        "CE-TRAINING": (1, None, Decimal("0.25"), "certificate of completion", "quantity"),
        "IC": (20, 40, 1, "certificate", "quantity"),
        "E": (1, 50, None, "employment verification form", "period"),
        "X": (1, 20, Decimal("0.25"), "volunteer verification form", "quantity"),
    }
    assert cpt.category("E").fractions == (Decimal("1.0"), Decimal("0.5"))
    assert [(f.label.split(": ")[-1], f.amount) for f in cpt.fees] == [
        ("CPT", 75),
        ("CLT", 75),
        ("CPT and CLT expiring within 90 days of each other", 100),
    ]
    assert cpt.required_modules == ("safety", "quality", "production", "maintenance")
    assert cpt.module("green").key_activities == ()
    for module in cpt.required_modules:
        assert sum(a.weight for a in cpt.module(module).key_activities) == 100
    assert len(cpt.module("safety").key_activities) == 10
    assert cpt.module("maintenance").key_activities[-1].weight == 35


def test_holders_is_one_optional_plain_line(tmp_path):
    for ruleset in load_catalog().all_current():
        assert ruleset.holders and "\n" not in ruleset.holders and len(ruleset.holders) <= 120
    text = (DEFAULT_DIRECTORY / "pmi-pmp" / "2026.1.toml").read_text()
    without = tmp_path / "without.toml"
    without.write_text("\n".join(x for x in text.splitlines() if not x.startswith("holders")))
    assert load_ruleset(without).holders is None
    long = tmp_path / "long.toml"
    long.write_text(text.replace('holders = "', 'holders = "' + "x" * 120, 1))
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(long)
    assert caught.value.problems == [
        f"{long}: holders: must be one line of at most 120 characters"]


def test_examples_and_what_does_not_count_are_optional_plain_lines(tmp_path):
    cpt = load_catalog().get("mssc-cpt")
    assert cpt.does_not_count == ("Work, classes or volunteering not related to manufacturing.",)
    assert "Volunteering at a STEM fair" in cpt.category("X").examples[0]
    assert all(category.examples for category in cpt.categories)
    assert load_catalog().get("pmi-pmp").does_not_count == ()
    # A list of lines, each on one line; not a figure, so it needs no provenance mark.
    path = write(tmp_path, VALID.replace(
        'kinds = ["training"]',
        'kinds = ["training"]\nexamples = ["A forklift class", "Two\\nlines", ""]').replace(
        'window_days = 30', 'window_days = 30\ndoes_not_count = "Golf"'))
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(path)
    assert caught.value.problems == [
        f"{path}: does_not_count: must be a list, not text",
        f"{path}: categories[HOURS].examples: line 2 must be one line of 1 to 160 characters",
        f"{path}: categories[HOURS].examples: line 3 must be one line of 1 to 160 characters",
    ]
    fine = write(tmp_path, VALID.replace('kinds = ["training"]',
                                         'kinds = ["training"]\nexamples = [" A forklift class "]'))
    assert load_ruleset(fine).category("HOURS").examples == ("A forklift class",)
