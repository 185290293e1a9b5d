"""The whole structure of a full export, checked before anything of it is written.

The JSON schema says what each field looks like; this says whether the document as a whole is
one Recert could have written, so no crafted file can leave an account whose pages fail:

- every rule set and rule-set version is one this Recert serves, one credential per rule set;
- every credential has exactly one open cycle, its latest, after closed cycles that are in
  order and do not overlap, each as long as its rule set's cycle, closed on a day that fits
  how it closed, asking the points its rule set asks and carrying in no more than it allows;
- every day and timestamp lies within the bounds below (a cycle's steps marked done too);
- every activity a closed cycle kept goes through the one activity check as an activity of
  its category (tracker.imports.legacy), under the cycle's rule set;
- the activities themselves are checked in tracker.imports.full_activities.

Every problem is a sentence naming the credential, cycle or activity; all of them (up to
MAX_PROBLEMS) are given at once, and the file is refused whole.
"""

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from tracker.activities.validation import EARLIEST_DAY, latest_day
from tracker.imports import legacy
from tracker.models import CycleStatus
from tracker.rules.catalog import RuleSet, UnknownRuleSetError
from tracker.rules.checks import check_certified_on
from tracker.rules.cycles import ONE_DAY, add_years
from tracker.served_rulesets import catalog

# Bounds of every day in an export: the days Recert keeps (tracker.activities.validation).
# Timestamps are written by the server's clock: one a day ahead of this server's clock (time
# zones, another server's clock) is believed, one further ahead is not.
CLOCK_MARGIN = timedelta(days=1)
MAX_PROBLEMS = 20
# The days a cycle keeps of the steps to renew the person marked done, in words.
STEP_DAYS = {"report_downloaded_on": "its report was downloaded",
             "estimates_checked_on": "its estimates were checked"}
DAMAGED = "The export file is damaged, and nothing was imported."


class ExportRefused(ValueError):
    """The document cannot be imported; nothing was written."""


@dataclass
class Structure:
    """A document's credentials as checked, each by its place in the document: the rule set
    it is kept under now (its open cycle's; None when unknown) and its cycles with their rule
    sets (none when they cannot be read). Activities are checked as on `checked_on`."""

    checked_on: date
    current: list[RuleSet | None] = dataclasses.field(default_factory=list)
    cycles: list[list[tuple[dict, RuleSet]]] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)

    @property
    def held(self) -> list[tuple[int, RuleSet]]:
        """The credentials an activity may count toward (place, rule set), as
        tracker.activities.services.held_of gives them."""
        return [(place, ruleset) for place, ruleset in enumerate(self.current) if ruleset]


def refuse(found: list[str]) -> None:
    """Refuse the document (ExportRefused) with every problem found, if any."""
    if found:
        shown = found[:MAX_PROBLEMS]
        if len(found) > MAX_PROBLEMS:
            shown.append(f"And {len(found) - MAX_PROBLEMS} more problems.")
        raise ExportRefused(" ".join([DAMAGED, *shown]))


def check_structure(document: dict, today: date, now: datetime) -> Structure:
    """The problems of a schema-valid document Recert would not have written, but for its
    activities."""
    found: list[str] = []
    exported_on = date.fromisoformat(document["exported_on"])
    if not EARLIEST_DAY <= exported_on <= today + ONE_DAY:
        found.append(f"It says it was exported on {exported_on}, which is not a day it can "
                     "have been made.")
    found += timestamp_problems("The account", document["account"], ("created_at",), now)
    if len(document["account"]["display_name"]) > 80:
        found.append("The account's name is longer than 80 characters.")
    checked = Structure(min(exported_on, today), problems=found)
    seen: set[str] = set()
    for number, credential in enumerate(document["credentials"], start=1):
        if credential["ruleset"] in seen:
            found.append(f"Credential {number}: a second credential of the rule set "
                         f"“{credential['ruleset']}”; an account holds each credential once.")
        seen.add(credential["ruleset"])
        problems, current, cycles = _credential(number, credential, today, now,
                                                checked.checked_on)
        found += problems
        checked.current.append(current)
        checked.cycles.append(cycles)
    ids = [credential["id"] for credential in document["credentials"]]
    if len(set(ids)) != len(ids):
        found.append("Two credentials have the same id.")
    return checked


def _credential(number: int, item: dict, today: date, now: datetime, checked_on: date
                ) -> tuple[list[str], RuleSet | None, list[tuple[dict, RuleSet]]]:
    """The problems of one credential; its current rule set, and its cycles with theirs."""
    try:
        current = catalog().get(item["ruleset"])
    except UnknownRuleSetError:
        return ([f"Credential {number}: this Recert does not know the rule set "
                 f"“{item['ruleset']}”."], None, [])
    name = f"Credential {number} ({current.short_name})"
    latest = latest_day(today)
    found = _day_problems(name, item, ("certified_on",), latest)
    if not found:
        found += [f"{name}: {problem.message}" for problem in
                  check_certified_on(current, date.fromisoformat(item["certified_on"]), today)]
    if len(item["certificate_number"]) > 40:
        found.append(f"{name}: the certificate number is longer than 40 characters.")
    found += timestamp_problems(name, item, ("created_at",), now)
    found += _module_problems(name, current, item["modules"], latest)
    cycles, cycle_problems = _cycles(name, item, today, checked_on)
    found += cycle_problems
    return found, cycles[-1][1] if cycles else current, cycles


def _cycles(name: str, item: dict, today: date,
            checked_on: date) -> tuple[list[tuple[dict, RuleSet]], list[str]]:
    """The cycles with their rule sets (none when one cannot be read), and their problems."""
    cycles = item["cycles"]
    if not cycles:
        return [], [f"{name} has no cycle. Every credential has one open cycle, its latest."]
    found, read = [], []
    for number, cycle in enumerate(cycles, start=1):
        try:
            read.append((cycle, catalog().get(item["ruleset"], cycle["ruleset_version"])))
        except UnknownRuleSetError:
            found.append(f"{name}: cycle {number} is under version “{cycle['ruleset_version']}” "
                         "of its rule set, which this Recert does not know.")
    if found:
        return [], found
    open_ones = [cycle for cycle in cycles if cycle["status"] == CycleStatus.OPEN]
    if len(open_ones) != 1 or cycles[-1]["status"] != CycleStatus.OPEN:
        found.append(f"{name} has {len(open_ones)} open cycles, and its latest cycle is "
                     f"{cycles[-1]['status']}. A credential has exactly one open cycle, its "
                     "latest.")
    previous = None
    for number, (cycle, ruleset) in enumerate(read, start=1):
        problems = _cycle_problems(cycle, ruleset, previous, number == 1, today)
        found += [f"{name}: cycle {number} (from {cycle['starts_on']} to {cycle['ends_on']}) "
                  f"{problem}" for problem in problems]
        for kept in (cycle.get("closing_snapshot") or {}).get("activities", []):
            found += _kept_problems(f"{name}, cycle {number}", ruleset, kept, checked_on)
        found += _snapshot_problems(f"{name}: cycle {number}", ruleset, cycle)
        previous = cycle
    return ([] if found else read), found


def _cycle_problems(cycle: dict, ruleset: RuleSet, previous: dict | None, first: bool,
                    today: date) -> list[str]:
    starts, ends = date.fromisoformat(cycle["starts_on"]), date.fromisoformat(cycle["ends_on"])
    closed = cycle["closed_on"] and date.fromisoformat(cycle["closed_on"])
    years = ruleset.cycle_years
    found = []
    if starts < EARLIEST_DAY:
        found.append(f"starts before {EARLIEST_DAY}.")
    elif starts >= ends:
        found.append("starts after it ends.")
    elif ends not in (add_years(starts, years), add_years(starts - ONE_DAY, years)):
        found.append(f"does not last {years} years, as a {ruleset.short_name} cycle does.")
    if previous is not None and starts <= date.fromisoformat(previous["ends_on"]):
        found.append("starts before the cycle before it ends.")
    if cycle["status"] == CycleStatus.OPEN:
        if closed:
            found.append("is open but has a closing day.")
        if starts > add_years(today, years) + ONE_DAY:
            found.append(f"starts more than {years} years from today.")
    elif not closed:
        found.append("is closed but has no closing day.")
    elif not starts <= closed <= today:
        found.append(f"was closed on {closed}, which is not between its first day and today.")
    elif cycle["status"] == CycleStatus.LAPSED and closed <= ends:
        found.append(f"lapsed, but was closed on {closed}, before its end.")
    required = Decimal(cycle["points_required"])
    if required != ruleset.points_required:
        found.append(f"asks {required:f} points; {ruleset.short_name} asks "
                     f"{ruleset.points_required:f}.")
    for field, what in STEP_DAYS.items():
        day = _day(cycle.get(field))  # optional: exports before them have none
        if day is not None and not EARLIEST_DAY <= day <= today:
            found.append(f"says {what} on {day}, which is not between {EARLIEST_DAY} and today.")
    carried = Decimal(cycle.get("carried_in", "0"))
    most = Decimal(0) if first or ruleset.carry_over is None else ruleset.carry_over.maximum
    if not 0 <= carried <= most:
        found.append(f"carries in {carried:f} points; it can carry in 0 to {most:f}.")
    return found


def _snapshot_problems(name: str, ruleset: RuleSet, cycle: dict) -> list[str]:
    kept = cycle.get("closing_snapshot")
    if not kept:
        return []
    found = []
    unknown = [code for code in kept["modules"] if ruleset.module(code) is None]
    if unknown:
        found.append(f"{name} kept modules {ruleset.short_name} does not have: "
                     f"{', '.join(unknown)}.")
    ids = {activity["id"] for activity in kept["activities"]}
    if any(file["activity_id"] not in ids for file in kept["files"]):
        found.append(f"{name} kept a proof file of an activity it did not keep.")
    return found + same_ids(name, kept["activities"])


def _module_problems(name: str, ruleset: RuleSet, modules: list[dict], latest: date) -> list[str]:
    codes = [module["code"] for module in modules]
    found = [f"{name}: “{code}” is not a module of {ruleset.short_name}."
             for code in codes if ruleset.module(code) is None]
    if len(set(codes)) != len(codes):
        found.append(f"{name}: a module is listed twice.")
    for module in modules:
        found += _day_problems(f"{name}: module “{module['code']}”", module, ("passed_on",),
                               latest)
    return found


def ruleset_on(cycles: list[tuple[dict, RuleSet]], activity: dict) -> RuleSet:
    """The rule set of the cycle the activity's day falls in; else the open cycle's."""
    day = _day(activity["completed_on"] or activity["started_on"])
    for cycle, ruleset in cycles:
        if day and _day(cycle["starts_on"]) <= day <= _day(cycle["ends_on"]):
            return ruleset
    return cycles[-1][1]


def activity_name(activity: dict) -> str:
    title = activity["title"].strip()
    title = title if len(title) <= 60 else title[:59] + "…"
    return f"Activity {activity['id']} “{title}”"


def _kept_problems(where: str, ruleset: RuleSet, kept: dict, today: date) -> list[str]:
    """The one check of an activity a closed cycle kept, in its category (and its kind, where
    it kept one, one that lands there), in the import's words."""
    name = f"{activity_name(kept)} (kept by {where})"
    found = legacy.problems(ruleset, entered(kept), today, [(0, ruleset)])
    said = [f"{name}: {problem.field}: {problem.message}" for problem in found]
    kind = kept.get("kind")
    if kind is not None and not any(landing.kind == kind and landing.category == kept["category"]
                                    for landing in ruleset.landings):
        said.append(f"{name}: kind: “{kind}” does not count as “{kept['category']}” in "
                    f"{ruleset.short_name}.")
    return said


def entered(item: dict) -> dict:
    """An exported activity as tracker.activities.validation reads one (`category` in a
    closed cycle's copy and in format version 1, `kind` since)."""
    values = {
        "title": item["title"], "provider": item["provider"],
        "completed_on": _day(item["completed_on"]), "started_on": _day(item["started_on"]),
        "quantity": _amount(item["quantity"]), "fraction": _amount(item["fraction"]),
        "description": item["description"], "tags": item["tags"],
    }
    if "category" in item:
        values["category"] = item["category"]
    else:
        values["kind"] = item["kind"]
    return values


def same_ids(name: str, activities: list[dict]) -> list[str]:
    ids = [activity["id"] for activity in activities]
    if len(set(ids)) == len(ids):
        return []
    return [f"{name}: two activities have the same id."]


def _day_problems(name: str, item: dict, fields: tuple[str, ...], latest: date) -> list[str]:
    found = []
    for field in fields:
        day = _day(item[field])
        if day is not None and not EARLIEST_DAY <= day <= latest:
            found.append(f"{name}: {field} is {day}; Recert keeps days from {EARLIEST_DAY} "
                         f"to {latest}.")
    return found


def timestamp_problems(name: str, item: dict, fields: tuple[str, ...],
                        now: datetime) -> list[str]:
    found = []
    for field in fields:
        if item[field] is None:
            continue
        try:
            moment = moment_of(item[field])
        except ValueError:
            found.append(f"{name}: {field} “{item[field]}” is not a moment in time.")
            continue
        if moment > now + CLOCK_MARGIN:
            found.append(f"{name}: {field} is {item[field]}, in the future.")
        elif moment < datetime.combine(EARLIEST_DAY, datetime.min.time(), UTC):
            found.append(f"{name}: {field} is {item[field]}, before {EARLIEST_DAY}.")
    return found


def moment_of(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _amount(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)
