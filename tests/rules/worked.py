"""A helper for the worked examples of the rule sets: a case as `rules evaluate` reads it."""

from decimal import Decimal

from tracker.rules import evaluate, load_catalog, parse_case, round_points


def run_case(ruleset, certified_on, today, activities, modules=None):
    """Evaluate a case through parse_case and the engine, the path of `rules evaluate`.

    `activities` are (id, category, completed_on, quantity) for quantity categories and
    (id, category, started_on, completed_on or None, fraction) for period categories."""
    case = {"ruleset": ruleset, "certified_on": certified_on, "today": today, "activities": []}
    if modules is not None:
        case["modules"] = modules
    for item in activities:
        if len(item) == 4:
            id_, category, day, amount = item
            entry = {"category": category, "completed_on": day, "quantity": amount}
        else:
            id_, category, started, ended, fraction = item
            entry = {"category": category, "started_on": started, "completed_on": ended,
                     "fraction": fraction}
        case["activities"].append({"id": id_, "has_evidence": True, **entry})
    return evaluate(*parse_case(case, load_catalog()))


def rows(progress):
    """(id, earned, counted, flags) per activity, numbers as text with two places."""
    return [
        (a.id, str(round_points(a.earned)), str(round_points(a.counted)), a.flags)
        for a in progress.activities
    ]


def two_places(value: Decimal) -> str:
    return str(round_points(value))
