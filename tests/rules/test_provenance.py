"""Provenance: every figure of a rule set is published (with its source) or an estimate."""

import re
from pathlib import Path

import pytest

from tracker import create_app
from tracker.rules import RuleSetError, load_catalog, load_ruleset
from tracker.rules.provenance import CATEGORY_FIGURES, FIGURES, GROUP_FIGURES

CATALOG = load_catalog()
SHIPPED = [
    "mssc-cpt", "pmi-pmp", "isc2-cissp", "mssc-clt", "asq-cct", "sme-cmfgt", "ascm-cpim",
    "ascm-cscp", "ascm-cltd", "nate", "nicet", "smrp-cmrp", "smrp-cmrt",
]


def figures_set_by(ruleset):
    """Every (table, figure) the rule set sets, found from its dataclasses."""
    found = {("", f) for f in FIGURES if getattr(ruleset, f) is not None}
    for category in ruleset.categories:
        for figure in CATEGORY_FIGURES:
            if getattr(category, figure) not in (None, ()):
                found.add((f"categories[{category.code}]", figure))
    for group in ruleset.groups:
        found |= {(f"groups[{group.code}]", f) for f in GROUP_FIGURES if getattr(group, f)}
    found |= {(f"fees[{index}]", "amount") for index in range(len(ruleset.fees))}
    return found


@pytest.mark.parametrize("code", SHIPPED)
def test_each_shipped_rule_set_has_complete_provenance(code):
    ruleset = CATALOG.get(code)
    marked = {(mark.table, mark.figure) for mark in ruleset.provenance}
    assert marked == figures_set_by(ruleset)
    for mark in ruleset.provenance:
        assert mark.published != mark.estimate
        for source in mark.sources:
            assert source.title and source.checked.startswith("2026-")
    summary = ruleset.provenance_summary
    assert summary.total == len(marked) and 0 < summary.published < summary.total


def test_shares_of_the_shipped_rule_sets():
    assert {code: str(CATALOG.get(code).provenance_summary) for code in SHIPPED} == {
        "mssc-cpt": "6 of 28 figures published, 22 estimates",
        "pmi-pmp": "26 of 40 figures published, 14 estimates",
        "isc2-cissp": "11 of 27 figures published, 16 estimates",
        "mssc-clt": "6 of 28 figures published, 22 estimates",
        "asq-cct": "17 of 29 figures published, 12 estimates",
        "sme-cmfgt": "5 of 23 figures published, 18 estimates",
        "ascm-cpim": "10 of 24 figures published, 14 estimates",
        "ascm-cscp": "10 of 24 figures published, 14 estimates",
        "ascm-cltd": "10 of 24 figures published, 14 estimates",
        "nate": "8 of 13 figures published, 5 estimates",
        "nicet": "11 of 29 figures published, 18 estimates",
        "smrp-cmrp": "7 of 25 figures published, 18 estimates",
        "smrp-cmrt": "7 of 25 figures published, 18 estimates",
    }


def test_cpt_split_matches_rules_md_spec_version_2_item_3():
    cpt = CATALOG.get("mssc-cpt")
    recertification = cpt.provenance_of("points_required").source
    assert (recertification.title.split(" (")[0], recertification.url, recertification.checked) == (
        'MSSC, "Recertification"', "https://msscusa.org/recertification/", "2026-12-06")
    assert [s.key for s in cpt.provenance_of("cycle_years").sources] == [
        "mssc-recertification", "army-cool-cpt-ae"]
    window = cpt.provenance_of("window_days").source
    assert window.title == 'MSSC, "Recertification Process Overview" (c. 2015)'
    assert window.checked == "2026-12-06"
    for index in range(3):
        assert cpt.provenance_of("amount", fee=index).source is recertification
    assert cpt.provenance_of("earliest_certified_on").estimate
    for category in cpt.categories:
        for figure in ("points_per_unit", "step", "fractions", "cap", "evidence"):
            mark = cpt.provenance_of(figure, category=category.code)
            assert (mark is None) == (getattr(category, figure) in (None, ()))
            assert mark is None or mark.estimate, mark
    assert cpt.provenance_of("points_per_unit", category="CE-TRAINING").estimate
    assert cpt.provenance_of("cap", category="CE-TRAINING") is None  # CE-TRAINING has no cap
    assert {s.key for s in cpt.sources} == {
        "mssc-recertification", "mssc-process-overview", "army-cool-cpt-ae"}


def test_pmp_and_cissp_mark_their_assumptions_as_estimates():
    pmp, cissp = CATALOG.get("pmi-pmp"), CATALOG.get("isc2-cissp")
    assert pmp.provenance_of("window_days").estimate
    assert pmp.provenance_of("maximum", group="GIVING-BACK").published
    assert pmp.provenance_of("cap", category="GB-PRACTITIONER").source.key == "pravka-ccr"
    assert pmp.provenance_of("evidence", category="EDU-WOW").estimate
    assert cissp.provenance_of("step", category="A-EDUCATION").estimate
    assert cissp.provenance_of("earliest_certified_on").estimate
    assert cissp.provenance_of("yearly_minimum").published
    assert cissp.provenance_of("minimum", group="GROUP-A").published


def cpt_text() -> str:
    return CATALOG.get("mssc-cpt").path.read_text()


def refusal(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(path)
    return [problem.removeprefix(f"{path}: ") for problem in caught.value.problems]


def test_a_figure_without_provenance_is_refused_naming_it(tmp_path):
    text = cpt_text().replace('window_days = "mssc-process-overview"\n', "")
    assert refusal(tmp_path, text) == [
        'window_days: has no provenance: mark it in `provenance` with a key of [sources] '
        '(published) or "estimate"'
    ]
    text = cpt_text().replace("cap = 40\n", "cap = 40\nprovenance = { cap = \"estimate\" }\n")
    # The IC category's own provenance line (the first after its `cap = 40`) goes.
    head, tail = text.split("cap = 40\n", 1)
    text = head + "cap = 40\n" + tail.replace('provenance = "estimate"\n', "", 1)
    problems = refusal(tmp_path, text)
    assert [p.split(":")[0] for p in problems] == [
        "categories[IC].points_per_unit", "categories[IC].step", "categories[IC].evidence"]


def test_an_unknown_source_key_is_refused(tmp_path):
    text = cpt_text().replace('points_required = "mssc-recertification"',
                              'points_required = "mssc-recertifcation"')
    [problem] = refusal(tmp_path, text)
    assert problem.startswith(
        "provenance.points_required: 'mssc-recertifcation' is not a source in [sources] (known: ")


def test_marks_of_figures_a_table_does_not_set_and_bad_sources_are_refused(tmp_path):
    text = cpt_text().replace(
        'earliest_certified_on = "estimate"', 'earliest_certified_on = "estimate"\ncolour = "x"'
    ).replace('checked = 2026-12-06\n\n[sources.army', 'checked = "last week"\n\n[sources.army')
    text = text.replace('provenance = "mssc-recertification"\n',
                        'provenance = ["estimate", "mssc-recertification"]\n', 1)
    problems = refusal(tmp_path, text)
    for start in (
        "sources.mssc-process-overview.checked: must be a date",
        'fees[0].provenance.amount: "estimate" cannot be combined with sources',
        "provenance.colour: 'colour' is not a figure this table sets",
    ):
        assert any(problem.startswith(start) for problem in problems), start


def test_rules_check_prints_the_share_and_fails_on_a_missing_mark(tmp_path):
    cli = create_app({"DATABASE_URL": "sqlite://"}).test_cli_runner()
    path = CATALOG.get("mssc-cpt").path
    result = cli.invoke(args=["rules", "check", str(path)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1] == (
        f"{path}: provenance: 6 of 28 figures published, 22 estimates")
    bad = tmp_path / "bad.toml"
    bad.write_text(re.sub(r'^earliest_certified_on = "estimate".*\n', "", cpt_text(), flags=re.M))
    result = cli.invoke(args=["rules", "check", str(bad)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "1 problem(s)" in result.stderr
    assert "earliest_certified_on: has no provenance" in result.stderr
