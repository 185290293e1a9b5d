"""The activities of a full export, checked and turned into what the import adds.

Format version 2 (tracker/reports/export.schema.json) lists the person's activities, each with
its kind and its choices of where it counts by credential id: each goes through the one
activity check, tracker.activities.validation.problems, with the document's credentials as
the person's (their rule sets now), as the form checks one.

Format version 1 (tracker/imports/export-v1.schema.json) listed each credential's activities,
in one of its categories, in that category's unit: each is checked as an activity of its
category under the rule set of the cycle its day falls in (the open cycle's when it falls in
none), then becomes a kind as migration 0011 turned the database's (tracker.imports.legacy):
counted where it counted, and left out of the person's other credentials, toward which it did
not count before. Nothing exported before is lost, and no figure changes.

Every problem is a sentence naming the activity (and its credential, in version 1).
"""

from dataclasses import dataclass
from datetime import datetime

from tracker.activities import validation
from tracker.imports import legacy
from tracker.imports.full_checks import (
    Structure,
    activity_name,
    entered,
    ruleset_on,
    same_ids,
    timestamp_problems,
)
from tracker.rules.catalog import RuleSet

TIMESTAMPS = ("created_at", "updated_at", "deleted_at")


@dataclass(frozen=True)
class Planned:
    """An activity to add: the Activity's fields, the person's choices of where it counts
    (by the credential's place in the document), and what the export says of it."""

    values: dict
    counting: dict[int, str]
    item: dict  # the exported activity: its timestamps, its files' facts


def check_activities(document: dict, structure: Structure,
                     now: datetime) -> tuple[list[Planned], list[str]]:
    """The activities to add, and the problems found with them."""
    if document["format_version"] == 1:
        planned, found = _version_1(document, structure)
        items = [item for credential in document["credentials"]
                 for item in credential["activities"]]
    else:
        items = document["activities"]
        planned, found = _version_2(items, document, structure)
        found += same_ids("The export", items)
    for item in items:
        found += timestamp_problems(activity_name(item), item, TIMESTAMPS, now)
    full = validation.too_many_activities(sum(1 for item in items if not item["deleted_at"]))
    if full:
        found.append(full)
    return planned, found


def _version_2(items: list[dict], document: dict,
               structure: Structure) -> tuple[list[Planned], list[str]]:
    place_of = {item["id"]: place for place, item in enumerate(document["credentials"])}
    held = structure.held
    planned, found = [], []
    for item in items:
        name = activity_name(item)
        counting, problems = _counting(name, item["counting"], place_of)
        values = {**entered(item), "counting": counting}
        problems += [_said(name, problem, structure.current) for problem in
                     validation.problems(values, structure.checked_on, held)]
        found += problems
        if not problems:
            planned.append(Planned(validation.model_values(values), counting, item))
    return planned, found


def _counting(name: str, choices: list[dict], place_of: dict[int, int]
              ) -> tuple[dict[int, str], list[str]]:
    """The choices of where an activity counts, by the credential's place in the document."""
    counting, found = {}, []
    for choice in choices:
        place = place_of.get(choice["credential_id"])
        if place is None:
            found.append(f"{name}: it says where it counts toward credential "
                         f"{choice['credential_id']}, which is not in the export.")
        elif place in counting:
            found.append(f"{name}: it says twice where it counts toward credential "
                         f"{place + 1}.")
        elif choice["excluded"] and choice["category"] is not None:
            found.append(f"{name}: it is both left out of credential {place + 1} and counted "
                         f"there as “{choice['category']}”.")
        else:
            counting[place] = (validation.EXCLUDE if choice["excluded"]
                               else choice["category"] or validation.DEFAULT)
    return counting, found


def _said(name: str, problem, current: list[RuleSet | None]) -> str:
    """A problem of the one check in the import's words (a choice's names its credential)."""
    if problem.field.startswith("count_"):
        place = int(problem.field.removeprefix("count_"))
        ruleset = current[place] if 0 <= place < len(current) else None
        which = f"credential {place + 1}" + (f" ({ruleset.short_name})" if ruleset else "")
        return f"{name}: where it counts toward {which}: {problem.message}"
    return f"{name}: {problem.field}: {problem.message}"


def _version_1(document: dict, structure: Structure) -> tuple[list[Planned], list[str]]:
    held = structure.held
    planned, found = [], []
    for place, credential in enumerate(document["credentials"]):
        current = structure.current[place]
        if current is None:  # a rule set this Recert does not know: said already
            continue
        where = f"Credential {place + 1} ({current.short_name})"
        for item in credential["activities"]:
            cycles = structure.cycles[place]
            ruleset = ruleset_on(cycles, item) if cycles else current
            values = entered(item)
            problems = [f"{activity_name(item)} ({where}): {problem.field}: {problem.message}"
                        for problem in legacy.problems(ruleset, values, structure.checked_on,
                                                       held)]
            found += problems
            if not problems:
                planned.append(_as_kind(place, ruleset, current, values, item, held))
        found += same_ids(where, credential["activities"])
    return planned, found


def _as_kind(place: int, ruleset: RuleSet, current: RuleSet, values: dict, item: dict,
             held: list[tuple[int, RuleSet]]) -> Planned:
    """A version 1 activity of the credential at `place` as the person's: counted there as
    before (in its category, by a choice where its kind lands elsewhere by default, under the
    cycle's rule set or the current one), and left out of every other credential."""
    found = legacy.converted(ruleset, values)
    counting = {other: validation.EXCLUDE for other, _ruleset in held if other != place}
    landing = found.landing
    if not (legacy.is_default(ruleset, landing) and legacy.is_default(current, landing)):
        counting[place] = landing.category
    return Planned(validation.model_values(found.values), counting, item)

