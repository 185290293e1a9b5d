"""Cases as plain JSON-like data, for `flask rules evaluate` and tests.

A case names a rule set, a certification date, the modules held, `today` and the activities::

    {"ruleset": "mssc-cpt", "ruleset_version": "2026.1",       (version optional: current)
     "certified_on": "2022-03-15", "today": "2026-11-24",
     "modules": ["safety", "quality", "production", "maintenance"],  (optional without modules)
     "renewed": false,                                           (optional)
     "carried_in": "5",              (optional: points carried over from the previous cycle)
     "activities": [
        {"id": "a1", "category": "CE-TRAINING", "completed_on": "2022-06-01", "quantity": "10",
         "has_evidence": true},                                  (has_evidence optional: false)
        {"id": "e1", "category": "E", "started_on": "2022-03-15", "completed_on": null,
         "fraction": "1.0"}]}                                    (null end: still employed)

The cycle is the first one from `certified_on`. Activities keep their given order as creation
order. `parse_case` raises `CaseError` listing every problem, each naming the activity and the
field. `progress_to_json` writes dates as ISO text and figures as text rounded half-up to 2
places (null when absent).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tracker.rules.catalog import Catalog, RuleSet, UnknownRuleSetError
from tracker.rules.checks import check_activity, check_certified_on
from tracker.rules.cycles import cycle_for
from tracker.rules.engine import ActivityInput, Cycle, Progress, round_points
from tracker.rules.reader import to_decimal

CASE_KEYS = frozenset(
    ("ruleset", "ruleset_version", "certified_on", "today", "modules", "renewed", "carried_in",
     "activities")
)
ACTIVITY_KEYS = frozenset(
    ("id", "category", "completed_on", "started_on", "quantity", "fraction", "has_evidence")
)


class CaseError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def parse_case(
    data: dict[str, Any], catalog: Catalog
) -> tuple[RuleSet, Cycle, tuple[ActivityInput, ...], date]:
    if not isinstance(data, dict):
        raise CaseError(["the case must be a JSON object"])
    problems = [f"{key}: unknown key" for key in sorted(set(data) - CASE_KEYS)]
    code, version = data.get("ruleset"), data.get("ruleset_version")
    if not isinstance(code, str) or (version is not None and not isinstance(version, str)):
        raise CaseError([*problems, 'ruleset: give the rule-set code as text, e.g. "mssc-cpt"'])
    try:
        ruleset = catalog.get(code, version)
    except UnknownRuleSetError as error:
        raise CaseError([*problems, f"ruleset: {error}"]) from error

    certified_on = _date(data.get("certified_on"), "certified_on", problems, required=True)
    today = _date(data.get("today"), "today", problems, required=True)
    if certified_on and today:
        problems += [
            f"{p.field}: {p.message}" for p in check_certified_on(ruleset, certified_on, today)
        ]
    modules = _modules(data.get("modules"), ruleset, problems)
    renewed = data.get("renewed", False)
    if not isinstance(renewed, bool):
        problems.append("renewed: must be true or false")
    carried_in = to_decimal(data.get("carried_in", 0))
    if carried_in is None or carried_in < 0:
        problems.append("carried_in: must be a number of points, 0 or more")
    raw_activities = data.get("activities")
    if not isinstance(raw_activities, list):
        problems.append("activities: must be a list (it may be empty)")
        raw_activities = []
    activities = []
    seen: set[str | int] = set()
    for order, raw in enumerate(raw_activities):
        activity = _activity(raw, order, ruleset, today, seen, problems)
        if activity is not None:
            activities.append(activity)
    if problems:
        raise CaseError(problems)
    assert certified_on is not None and today is not None
    starts_on, ends_on = cycle_for(ruleset, certified_on)
    cycle = Cycle(starts_on, ends_on, frozenset(modules), closed_by_renewal=renewed,
                  carried_in=carried_in or Decimal(0))
    return ruleset, cycle, tuple(activities), today


def _date(value: Any, label: str, problems: list[str], required: bool = False) -> date | None:
    if value is None:
        if required:
            problems.append(f"{label}: is missing (use YYYY-MM-DD)")
        return None
    # Python 3.11 also reads "20260314"; a case file must use the written-out YYYY-MM-DD.
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(f"{label}: {value!r} is not a date (use YYYY-MM-DD)")
    return None


def _modules(value: Any, ruleset: RuleSet, problems: list[str]) -> list[str]:
    if value is None:
        if ruleset.required_modules:
            known = ", ".join(module.code for module in ruleset.modules)
            problems.append(f"modules: list the modules held (any of: {known})")
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.append("modules: must be a list of module codes")
        return []
    for code in value:
        if ruleset.module(code) is None:
            problems.append(f"modules: {code!r} is not a module of {ruleset.short_name}")
    return value


def _activity(
    raw: Any,
    order: int,
    ruleset: RuleSet,
    today: date | None,
    seen: set[str | int],
    problems: list[str],
) -> ActivityInput | None:
    if not isinstance(raw, dict):
        problems.append(f"activity #{order + 1}: must be an object")
        return None
    activity_id = raw.get("id")
    if isinstance(activity_id, bool) or not isinstance(activity_id, str | int):
        label = f"activity #{order + 1}"
        problems.append(f"{label}: id: give each activity an id (text or a whole number)")
        activity_id = f"#{order + 1}"
    else:
        label = f"activity {activity_id}"
        if activity_id in seen:
            problems.append(f"{label}: id: used by more than one activity")
        seen.add(activity_id)
    before = len(problems)
    problems += [f"{label}: {key}: unknown key" for key in sorted(set(raw) - ACTIVITY_KEYS)]
    category = raw.get("category")
    if not isinstance(category, str):
        problems.append(f"{label}: category: is missing")
        category = ""
    numbers: dict[str, Decimal | None] = {}
    for key in ("quantity", "fraction"):
        value = raw.get(key)
        numbers[key] = None if value is None else to_decimal(value)
        if value is not None and numbers[key] is None:
            problems.append(f"{label}: {key}: {value!r} is not a number")
    has_evidence = raw.get("has_evidence", False)
    if not isinstance(has_evidence, bool):
        problems.append(f"{label}: has_evidence: must be true or false")
    activity = ActivityInput(
        id=activity_id,
        category=category,
        completed_on=_date(raw.get("completed_on"), f"{label}: completed_on", problems),
        quantity=numbers["quantity"],
        started_on=_date(raw.get("started_on"), f"{label}: started_on", problems),
        fraction=numbers["fraction"],
        has_evidence=has_evidence is True,
        order=order,
    )
    if len(problems) == before and today is not None:
        for problem in check_activity(ruleset, activity, today):
            problems.append(f"{label}: {problem.field}: {problem.message}")
    return activity


def _figure(value: Decimal | None) -> str | None:
    return None if value is None else str(round_points(value))


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def progress_to_json(progress: Progress) -> dict[str, Any]:
    return {
        "ruleset": progress.ruleset_code,
        "ruleset_version": progress.ruleset_version,
        "today": _day(progress.today),
        "cycle": {
            "starts_on": _day(progress.starts_on),
            "ends_on": _day(progress.ends_on),
            "window_opens_on": _day(progress.window_opens_on),
        },
        "status": str(progress.status),
        "required": _figure(progress.required),
        "earned": _figure(progress.earned),
        "counted": _figure(progress.counted),
        "remaining": _figure(progress.remaining),
        "days_left": progress.days_left,
        "elapsed_days": progress.elapsed_days,
        "total_days": progress.total_days,
        "pace_target": _figure(progress.pace_target),
        "points_per_month_needed": _figure(progress.points_per_month_needed),
        "projected_completion": _day(progress.projected_completion),
        "completes_before_end": progress.completes_before_end,
        "requirement_reached_on": _day(progress.requirement_reached_on),
        "carried_in": _figure(progress.carried_in),
        "carry_over_out": _figure(progress.carry_over_out),
        "categories": [
            {
                "code": c.code,
                "name": c.name,
                "earned": _figure(c.earned),
                "counted": _figure(c.counted),
                "cap": _figure(c.cap),
                "minimum": _figure(c.minimum),
            }
            for c in progress.categories
        ],
        "groups": [
            {
                "code": g.code,
                "name": g.name,
                "earned": _figure(g.earned),
                "counted": _figure(g.counted),
                "minimum": _figure(g.minimum),
                "maximum": _figure(g.maximum),
            }
            for g in progress.groups
        ],
        "years": [
            {
                "number": y.number,
                "starts_on": _day(y.starts_on),
                "ends_on": _day(y.ends_on),
                "counted": _figure(y.counted),
                "minimum": _figure(y.minimum),
            }
            for y in progress.years
        ],
        "activities": [
            {
                "id": a.id,
                "category": a.category,
                "date": _day(a.date),
                "earned": _figure(a.earned),
                "counted": _figure(a.counted),
                "flags": list(a.flags),
                "months": a.months,
            }
            for a in progress.activities
        ],
        "unmet": [
            {
                "kind": str(u.kind),
                "scope": u.scope,
                "required": _figure(u.required),
                "counted": _figure(u.counted),
            }
            for u in progress.unmet
        ],
    }
