"""Status order, evidence, and the engine's purity."""

import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

import tracker.rules
from tracker.rules import ActivityInput, Cycle, Status, UnmetKind, cycle_for, evaluate, load_catalog

CPT = load_catalog().get("mssc-cpt")
ALL_FOUR = frozenset(CPT.required_modules)
STARTS_ON, ENDS_ON = cycle_for(CPT, date(2022, 3, 15))
ENOUGH = [ActivityInput("t", "CE-TRAINING", date(2023, 1, 1), Decimal(100), has_evidence=True)]


def status(modules=ALL_FOUR, renewed=False, activities=(), today=date(2024, 1, 1)):
    cycle = Cycle(STARTS_ON, ENDS_ON, frozenset(modules), closed_by_renewal=renewed)
    return evaluate(CPT, cycle, list(activities), today).status


def test_fewer_than_the_four_required_modules_is_not_required():
    assert status(modules={"safety", "quality", "production", "green"}) is Status.NOT_REQUIRED
    assert status(modules={"safety"}, renewed=True, activities=ENOUGH) is Status.NOT_REQUIRED


def test_renewed_comes_before_complete_and_lapsed():
    assert status(renewed=True) is Status.RENEWED
    assert status(renewed=True, today=date(2030, 1, 1)) is Status.RENEWED


def test_complete_comes_before_lapsed():
    assert status(activities=ENOUGH, today=date(2030, 1, 1)) is Status.COMPLETE
    assert status(today=date(2030, 1, 1)) is Status.LAPSED


def test_on_track_when_counted_reaches_the_pace_target():
    # 2024-01-01 is 657 of 1826 days in: the pace target is 100 x 657 / 1826 = 35.98.
    exactly = [ActivityInput("t", "CE-TRAINING", date(2023, 1, 1), Decimal("36"))]
    short = [ActivityInput("t", "CE-TRAINING", date(2023, 1, 1), Decimal("35.75"))]
    assert status(activities=exactly) is Status.ON_TRACK
    assert status(activities=short) is Status.BEHIND


def test_missing_evidence_is_flagged_listed_and_still_counts():
    activities = [
        ActivityInput("no-file", "X", date(2023, 1, 1), Decimal(30)),
        ActivityInput("with-file", "CE-TRAINING", date(2023, 2, 1), Decimal(80), has_evidence=True),
        ActivityInput("capped", "X", date(2023, 3, 1), Decimal(5)),  # counts 0: no evidence needed
    ]
    progress = evaluate(CPT, Cycle(STARTS_ON, ENDS_ON, ALL_FOUR), activities, date(2024, 1, 1))
    assert progress.activity("no-file").flags == ("over_cap", "missing_evidence")
    assert progress.activity("no-file").counted == 20
    assert progress.activity("capped").flags == ("over_cap",)
    assert [(u.kind, u.scope, u.counted) for u in progress.unmet] == [
        (UnmetKind.MISSING_EVIDENCE, "no-file", 20)
    ]
    assert progress.status is Status.COMPLETE  # the agency audits; evidence never blocks


def test_unknown_category_counts_nothing():
    activities = [ActivityInput("odd", "WELDING", date(2023, 1, 1), Decimal(5))]
    progress = evaluate(CPT, Cycle(STARTS_ON, ENDS_ON, ALL_FOUR), activities, date(2024, 1, 1))
    assert progress.activity("odd").flags == ("unknown_category",)
    assert progress.counted == 0


def test_the_rules_package_imports_no_framework_and_never_reads_the_clock():
    package = Path(tracker.rules.__file__).parent
    for source in package.glob("*.py"):
        tree = ast.parse(source.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                names.append(getattr(node, "module", None) or "")
                for name in names:
                    root = name.split(".")[0]
                    assert root not in {"flask", "sqlalchemy", "sqlmodel"}, source.name
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                # date.today(), datetime.now(), time.time() ...: today is always an argument
                assert node.func.attr not in {"today", "now", "utcnow", "time"}, source.name
