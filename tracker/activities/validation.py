"""The one check of an activity, whatever door it comes through.

The web form, the CSV import, the full JSON import and the API each read their input into the
same plain values (the Activity's fields, plus `still_employed` where the door can say so),
then call `problems`. They only translate its problems into their own shape (field errors,
row/column errors, a refused file, problem+json), so every door refuses the same things in the
same words. Pure: no Flask, no database.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import cache

from tracker.fields import MAX_AMOUNT, UNSTORABLE_TEXT, is_storable
from tracker.models import NOTES_MAX_LENGTH, PROVIDER_MAX_LENGTH, TITLE_MAX_LENGTH
from tracker.rules.catalog import RuleSet, load_catalog
from tracker.rules.checks import Problem, check_amount
from tracker.rules.cycles import add_years
from tracker.rules.engine import ActivityInput
from tracker.rules.kinds import KINDS, kind_of

# The fields of an Activity that a person gives; `problems` names them in its Problems.
FIELDS = ("kind", "title", "provider", "completed_on", "started_on", "quantity",
          "fraction", "description", "tags")
TEXT_LIMITS = {"title": TITLE_MAX_LENGTH, "provider": PROVIDER_MAX_LENGTH,
               "description": NOTES_MAX_LENGTH}
NO_TITLE = "Give the activity a title."
# What a person may choose for an activity under one of their credentials (`counting`, by
# credential id): where its kind lands by default (DEFAULT), another of the rule set's
# categories that takes the kind (its code), or to leave it out (EXCLUDE).
DEFAULT, EXCLUDE = "", "exclude"
# The days Recert keeps. No certificate the shipped rule sets know is older than 1994, so 1950
# leaves room for any rule set added later while keeping every page's date arithmetic (a cycle's
# years, a date plus 30 days, reminders) far from date.min. At the other end: a renewal opens
# the next cycle at most one cycle length after today, so a cycle ends at most two cycle
# lengths after today; a year more is a margin for a day typed ahead, far from date.max.
EARLIEST_DAY = date(1950, 1, 1)
MARGIN_YEARS = 1


@cache
def _longest_cycle_years() -> int:
    return max(ruleset.cycle_years for ruleset in load_catalog().all_current())


def latest_day(today: date) -> date:
    """The last day Recert keeps for anything (see EARLIEST_DAY)."""
    return add_years(today, 2 * _longest_cycle_years() + MARGIN_YEARS)


# The most live activities a person keeps: more than one a day for a five-year cycle, and
# a bound on the work of every page, report and export (a credential's pages read them all).
MAX_ACTIVITIES = 5_000


def too_many_activities(count: int) -> str | None:
    """Why a person cannot keep `count` live activities; None when they can."""
    if count <= MAX_ACTIVITIES:
        return None
    return (f"You can keep at most {MAX_ACTIVITIES:,} activities, and this would make "
            f"{count:,}. Move ones you no longer need to the trash to make room.")


NO_END = "Enter the end date, or say you still work there (“Still employed”)."
TOO_BIG = "Enter a number smaller than 100,000,000."


def model_values(values: dict) -> dict:
    """The Activity's fields from a door's values: text trimmed, and the fields that do not fit
    the kind cleared (a job has no quantity, a course no start date or fraction)."""
    kind = kind_of(values.get("kind") or "")
    period = kind is not None and kind.is_period
    return {
        "kind": values.get("kind") or "",
        "title": (values.get("title") or "").strip(),
        "provider": (values.get("provider") or "").strip(),
        "description": (values.get("description") or "").strip(),
        "tags": sorted(set(values.get("tags") or [])),
        "completed_on": None if period and values.get("still_employed")
        else values.get("completed_on"),
        "started_on": values.get("started_on") if period else None,
        "quantity": None if period else values.get("quantity"),
        "fraction": values.get("fraction") if period else None,
    }


def problems(values: dict, today: date, held: Sequence[tuple[int, RuleSet]] = ()
             ) -> list[Problem]:
    """Everything wrong with an activity, each problem under the field it belongs to.

    `values` holds the fields of FIELDS (missing ones are empty) and, for a job, may hold
    `still_employed`: without it, a job with no end date is one still going on. `held` are the
    person's credentials (id, rule set): tags must be skills of one of them, and `counting`
    in `values` (by credential id, see DEFAULT) must name categories that take the kind; a
    problem of a choice is under the field `count_<credential id>`."""
    activity = model_values(values)
    found = _text_problems(activity) + _amount_problems(activity)
    found += _day_problems(activity, latest_day(today))
    found += _tag_problems(held, activity["tags"])
    kind = kind_of(activity["kind"])
    if kind is None:
        return [*found, _no_kind(activity["kind"])]
    if kind.is_period and activity["completed_on"] is None and (
            values.get("still_employed") is False):
        found.append(Problem("completed_on", NO_END))
    judged = {problem.field for problem in found}
    found += [problem for problem in check_amount(kind, _engine_input(activity), today)
              if problem.field not in judged]
    return found + counting_problems(kind.code, values.get("counting") or {}, held)


def _no_kind(code: str) -> Problem:
    choices = "; ".join(f"{kind.code} ({kind.name})" for kind in KINDS)
    if not code:
        return Problem("kind", f"Choose what kind of activity this is: {choices}.")
    return Problem("kind", f"“{code}” is not a kind of activity Recert knows. "
                           f"Choose one of: {choices}.")


def counting_problems(kind: str, counting: Mapping, held: Sequence[tuple[int, RuleSet]]
                      ) -> list[Problem]:
    """What is wrong with the choices of where an activity of `kind` counts."""
    rulesets = dict(held)
    found = []
    for credential_id, choice in counting.items():
        ruleset = rulesets.get(credential_id)
        field = f"count_{credential_id}"
        if ruleset is None:
            found.append(Problem(field, "That is not one of your credentials."))
        elif choice not in (DEFAULT, EXCLUDE) and not any(
                landing.category == choice for landing in ruleset.landings_of(kind)):
            found.append(Problem(field, _wrong_category(ruleset, kind, choice)))
    return found


def _wrong_category(ruleset: RuleSet, kind: str, choice: str) -> str:
    category = ruleset.category(choice)
    takes = [ruleset.category(landing.category).name for landing in ruleset.landings_of(kind)]
    what = f"“{kind_of(kind).name}”"
    named = f"“{category.name}”" if category else f"“{choice}”"
    if not takes:
        return (f"{ruleset.short_name} does not count this kind of activity ({what}): leave "
                "it out.")
    return (f"{ruleset.short_name} does not count {what} as {named}. "
            f"Choose {' or '.join(f'“{name}”' for name in takes)}.")


def _text_problems(activity: dict) -> list[Problem]:
    found = []
    if not activity["title"]:
        found.append(Problem("title", NO_TITLE))
    for name, limit in TEXT_LIMITS.items():
        text = activity[name]
        if len(text) > limit:
            found.append(Problem(name, f"Use at most {limit:,} characters "
                                       f"(this has {len(text):,})."))
        elif not is_storable(text):
            found.append(Problem(name, UNSTORABLE_TEXT))
    return found


def _amount_problems(activity: dict) -> list[Problem]:
    return [Problem(name, TOO_BIG) for name in ("quantity", "fraction")
            if isinstance(activity[name], Decimal) and activity[name].is_finite()
            and abs(activity[name]) > MAX_AMOUNT]


def _day_problems(activity: dict, latest: date) -> list[Problem]:
    return [Problem(name, f"Enter a date from {EARLIEST_DAY.year} to {latest.year}.")
            for name in ("completed_on", "started_on")
            if isinstance(activity[name], date) and not EARLIEST_DAY <= activity[name] <= latest]


def _tag_problems(held: Sequence[tuple[int, RuleSet]], tags: list[str]) -> list[Problem]:
    skills = {code for _id, ruleset in held for code in ruleset.skills}
    unknown = [tag for tag in tags if tag not in skills]
    if not unknown:
        return []
    names = ", ".join(f"“{tag}”" for tag in unknown)
    return [Problem("tags", f"{names}: not a skill of your credentials. "
                            "Pick skills from the list.")]


def _engine_input(activity: dict) -> ActivityInput:
    return ActivityInput(id="new", category=activity["kind"],
                         completed_on=activity["completed_on"], quantity=activity["quantity"],
                         started_on=activity["started_on"], fraction=activity["fraction"])
