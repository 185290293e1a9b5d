"""Kinds of activity (one list, tracker/rules/kinds.toml) and where each rule set lands them."""

from decimal import Decimal
from pathlib import Path

import pytest

from tracker.rules import RuleSetError, load_catalog, load_ruleset
from tracker.rules.definitions import Landing
from tracker.rules.kinds import KINDS, KINDS_FILE, kind_of, load_kinds

CATALOG = load_catalog()
CODES = [kind.code for kind in KINDS]

# Two quantity categories sharing "training" (HOURS first, so its default) and a period one.
DEMO = """
code = "demo"
version = "2026.1"
name = "Demo Credential"
short_name = "DEMO"
cycle_years = 2
points_required = 10
points_name = { singular = "point", plural = "points" }
window_days = 30
provenance = "estimate"

[agency]
name = "Demo Agency"
address = "1 Main St"

[[categories]]
code = "HOURS"
name = "Training hours"
kind = "quantity"
unit = { singular = "hour", plural = "hours" }
step = 0.5
points_per_unit = 1
kinds = ["training", "conference"]
provenance = "estimate"

[[categories]]
code = "CEU"
name = "Training in CEUs"
kind = "quantity"
unit = { singular = "CEU", plural = "CEUs" }
step = 0.1
points_per_unit = 10
kinds = ["training", "college-credit"]
per_unit = { training = 0.1, college-credit = 1.5 }
provenance = { points_per_unit = "estimate", step = "estimate", per_unit = "estimate" }

[[categories]]
code = "WORK"
name = "Work"
kind = "period"
unit = { singular = "month", plural = "months" }
fractions = [1.0]
points_per_unit = 1
kinds = ["job"]
provenance = "estimate"
"""


def write(tmp_path: Path, text: str, name: str = "2026.1.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def problems_of(path: Path, loader=load_ruleset) -> list[str]:
    with pytest.raises(RuleSetError) as caught:
        loader(path)
    assert caught.value.path == path
    return caught.value.problems


# The kinds file.


def test_the_kinds_file_loads_in_its_order():
    assert CODES == [
        "training", "college-credit", "college-noncredit", "conference", "meeting",
        "self-study", "certification", "job", "work-project", "instructing", "volunteering",
        "association", "publication", "reading", "mentoring", "membership", "agency-points",
    ]
    assert load_kinds() == KINDS and load_kinds(KINDS_FILE) == KINDS
    training, job = kind_of("training"), kind_of("job")
    assert (training.name, training.shape, training.unit.plural, training.step) == (
        "Training course or workshop", "quantity", "hours", Decimal("0.25"))
    assert not training.is_period and training.fractions == ()
    assert job.is_period and job.step is None and job.fractions == (1, Decimal("0.5"))
    assert kind_of("college-credit").unit.singular == "semester credit hour"
    assert kind_of("nope") is None and kind_of("training") is training
    assert [k.code for k in KINDS if k.is_period] == ["job"]


def test_every_kind_says_what_it_is_with_an_example():
    """The activity form shows each kind as a choice with one plain line and an example."""
    for kind in KINDS:
        assert kind.line.endswith(".") and kind.example.endswith("."), kind.code
        assert len(kind.line) <= 100, kind.code  # one line
    assert kind_of("training").example.startswith("An 8-hour forklift safety class")


def test_a_kind_without_its_line_or_example_is_refused(tmp_path):
    text = KINDS_FILE.read_text()
    start = text.index('line = "A meeting')
    text = text[:start] + text[text.index("\n", start) + 1:]
    path = write(tmp_path, text, "kinds.toml")
    assert [problem.removeprefix(f"{path}: ") for problem in problems_of(path, load_kinds)] == [
        "kinds[meeting].line: is missing"]


def test_a_bad_kinds_file_lists_every_problem(tmp_path):
    text = KINDS_FILE.read_text()
    text = text.replace('code = "meeting"', 'code = "training"')  # twice "training"
    text = text.replace('shape = "period"', 'shape = "period"\nstep = 1')
    text = text.replace('code = "reading"', 'code = "Reading Books"')
    text = text.replace('name = "Mentoring"', 'name = "Mentoring"\ncolour = "red"')
    text = text.replace('shape = "quantity"\nunit = { singular = "year"',
                        'shape = "lump"\nunit = { singular = "year"')
    path = write(tmp_path, text, "kinds.toml")
    problems = problems_of(path, load_kinds)
    for expected in (
        "kinds[training].code: 'training' is defined more than once",
        "kinds[job].step: not allowed here: period kinds count whole months",
        "kinds[13].code: 'Reading Books' is not a valid value",
        "kinds[mentoring].colour: unknown key",
        "kinds[membership].shape: 'lump' is not one of: quantity, period",
    ):
        assert any(problem.startswith(f"{path}: {expected}") for problem in problems), expected
    assert len(problems) == 5


# The rule-set format: `kinds` and `per_unit` in [[categories]].


def test_a_rule_set_maps_kinds_to_its_categories(tmp_path):
    ruleset = load_ruleset(write(tmp_path, DEMO))
    hours, ceu = ruleset.category("HOURS"), ruleset.category("CEU")
    assert (hours.kinds, hours.per_unit) == (("training", "conference"), None)
    assert ceu.kinds == ("training", "college-credit")
    assert dict(ceu.per_unit) == {"training": Decimal("0.1"), "college-credit": Decimal("1.5")}
    assert ruleset.landings == (
        Landing("training", "HOURS"),
        Landing("conference", "HOURS"),
        Landing("training", "CEU", Decimal("0.1")),
        Landing("college-credit", "CEU", Decimal("1.5")),
        Landing("job", "WORK"),
    )
    assert ruleset.counted_kinds == ("training", "college-credit", "conference", "job")
    assert ruleset.provenance_of("per_unit", category="CEU").estimate
    assert ruleset.provenance_of("per_unit", category="HOURS") is None


def test_landings_default_choice_and_none(tmp_path):
    ruleset = load_ruleset(write(tmp_path, DEMO))
    default, choice = Landing("training", "HOURS"), Landing("training", "CEU", Decimal("0.1"))
    assert ruleset.landings_of("training") == (default, choice)
    assert ruleset.landing("training") == default
    assert ruleset.landing("training", None) == default
    assert ruleset.landing("training", "CEU") == choice
    # A category that does not take the kind (or does not exist) gives the default.
    assert ruleset.landing("training", "WORK") == default
    assert ruleset.landing("training", "NOPE") == default
    assert ruleset.landing("college-credit") == Landing("college-credit", "CEU", Decimal("1.5"))
    # A kind the rule set does not list does not count for it; nor does an unknown code.
    assert ruleset.landings_of("reading") == ()
    assert ruleset.landing("reading") is None and ruleset.landing("reading", "HOURS") is None
    assert ruleset.landing("nope") is None


def test_every_refusal_is_collected_naming_the_file_and_the_key(tmp_path):
    text = (
        DEMO.replace('kinds = ["training", "conference"]',
                     'kinds = ["training", "juggling", "job", "training"]')
        .replace("per_unit = { training = 0.1, college-credit = 1.5 }",
                 "per_unit = { training = 0, college-credit = 1.5, reading = 2 }")
        .replace('kinds = ["job"]', 'kinds = ["job", "training"]\nper_unit = { job = 2 }')
    )
    path = write(tmp_path, text)
    problems = problems_of(path)
    for expected in (
        "categories[HOURS].kinds: 'juggling' is not a kind (the kinds, in kinds.toml, are: "
        "training, college-credit,",
        "categories[HOURS].kinds: 'job' is a period kind; it cannot land in a quantity category",
        "categories[HOURS].kinds: 'training' is listed more than once",
        "categories[CEU].per_unit.training: must be more than zero",
        "categories[CEU].per_unit.reading: 'reading' is not one of this category's kinds "
        "(it lists: training, college-credit)",
        "categories[WORK].kinds: 'training' is a quantity kind; it cannot land in a period",
        "categories[WORK].per_unit: not allowed here: a period category counts a job's months",
    ):
        assert any(problem.startswith(f"{path}: {expected}") for problem in problems), expected
    assert len(problems) == 7


def test_a_category_no_kind_lands_in_is_refused(tmp_path):
    path = write(tmp_path, DEMO.replace('kinds = ["job"]', "kinds = []"))
    assert problems_of(path) == [
        f"{path}: categories[WORK].kinds: must list at least one kind: a category no kind "
        "lands in could never be logged for"
    ]
    path = write(tmp_path, DEMO.replace('kinds = ["job"]\n', ""))
    assert problems_of(path) == [f"{path}: categories[WORK].kinds: is missing"]
    path = write(tmp_path, DEMO.replace('kinds = ["job"]', 'kinds = "job"'))
    assert problems_of(path) == [f"{path}: categories[WORK].kinds: must be a list, not text"]


def test_per_unit_is_a_figure_that_needs_a_provenance_mark(tmp_path):
    path = write(tmp_path, DEMO.replace(', per_unit = "estimate" }', " }"))
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}: categories[CEU].per_unit: has no provenance")
    # A table's single mark ("estimate" here) covers it; an empty table is refused.
    text = DEMO.replace('kinds = ["training", "conference"]',
                        'kinds = ["training", "conference"]\nper_unit = {}')
    path = write(tmp_path, text)
    assert problems_of(path) == [
        f"{path}: categories[HOURS].per_unit: must convert at least one kind, or be left out"
    ]


# The shipped rule sets.


@pytest.mark.parametrize("code", CATALOG.codes())
def test_every_shipped_category_is_reachable_and_every_kind_counted_is_real(code):
    ruleset = CATALOG.get(code)
    assert ruleset.counted_kinds, code
    assert list(ruleset.counted_kinds) == [c for c in CODES if c in ruleset.counted_kinds]
    for category in ruleset.categories:
        assert category.kinds, f"{code}: nothing lands in {category.code}"
        for landing in category.landings:
            assert kind_of(landing.kind).shape == category.kind
            assert landing.per_unit > 0
        if category.per_unit is not None:
            assert ruleset.provenance_of("per_unit", category=category.code) is not None
    for kind_code in ruleset.counted_kinds:
        [default, *choices] = ruleset.landings_of(kind_code)
        assert ruleset.landing(kind_code) == default
        for choice in choices:
            assert ruleset.landing(kind_code, choice.category) == choice


def test_the_agreed_defaults_and_choices():
    def categories(code, kind_code):
        return [landing.category for landing in CATALOG.get(code).landings_of(kind_code)]

    assert categories("pmi-pmp", "training") == ["EDU-WOW", "EDU-PS", "EDU-BA"]
    assert categories("isc2-cissp", "training") == ["A-EDUCATION", "B-EDUCATION"]
    assert categories("nicet", "certification") == ["CERTIFICATION", "SPECIAL-EXAM"]
    assert categories("asq-cct", "certification") == ["CERT-OTHER", "CERT-ASQ"]
    assert categories("asq-cct", "training") == ["COURSE-HOURS", "COURSE-CEU"]
    for code in ("mssc-cpt", "mssc-clt"):
        assert {k: categories(code, k) for k in CATALOG.get(code).counted_kinds} == {
            "training": ["CE-TRAINING"], "conference": ["CE-TRAINING"],
            "college-credit": ["CE-CREDIT"], "college-noncredit": ["CE-NONCREDIT"],
            "certification": ["IC"], "job": ["E"], "instructing": ["X"],
            "volunteering": ["X"], "association": ["X"],
        }
    assert CATALOG.get("mssc-cpt").landing("self-study") is None
    assert CATALOG.get("nate").landing("job") is None


def test_asq_one_ceu_is_ten_hours_of_training():
    cct = CATALOG.get("asq-cct")
    ceu = cct.landing("training", "COURSE-CEU")
    assert ceu == Landing("training", "COURSE-CEU", Decimal("0.1"))
    hours = cct.landing("training")
    assert hours == Landing("training", "COURSE-HOURS", Decimal(1))
    # 10 hours of training earn 1 RU either way: 1 CEU x 1 RU, or 10 hours x 0.1 RU.
    points = {
        landing.category: 10 * landing.per_unit * cct.category(landing.category).points_per_unit
        for landing in (ceu, hours)
    }
    assert points == {"COURSE-CEU": 1, "COURSE-HOURS": 1}
    mark = cct.provenance_of("per_unit", category="COURSE-CEU")
    assert mark.published and mark.source.key == "asq-earn-rus"


def test_unit_conversions_are_marked_estimates_where_no_source_gives_them():
    cissp = CATALOG.get("isc2-cissp")
    assert cissp.landing("college-credit").per_unit == 15
    assert cissp.landing("reading", "B-DEVELOPMENT") == Landing(
        "reading", "B-DEVELOPMENT", Decimal(5))
    assert cissp.provenance_of("per_unit", category="A-EDUCATION").estimate
    nicet = CATALOG.get("nicet")
    assert nicet.landing("certification", "SPECIAL-EXAM").per_unit == 60
    assert nicet.provenance_of("per_unit", category="ADVANCE").estimate
    assert CATALOG.get("sme-cmfgt").landing("meeting").per_unit == 1
