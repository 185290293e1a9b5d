"""What looks wrong in an activity, yet may be right: the web form shows these before saving,
with "Save anyway".

Not the check (tracker.activities.validation): nothing here refuses anything. Only the form
asks, where a person can answer; the API and the imports save without them.
"""

import re
from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, select

from tracker.activities import validation
from tracker.display import points
from tracker.models import Activity, User
from tracker.rules.catalog import RuleSet
from tracker.rules.checks import say_date
from tracker.rules.kinds import kind_of

DAY_HOURS = 24
# More credit hours than a college course gives: 3 is usual, 6 is a big one.
MOST_CREDITS = 6
COURSE_WORDS = re.compile(r"\b(course|training|class)(e?s)?\b", re.IGNORECASE)
# Learning counted in hours: more than a day holds on one date is likely a typo (a week's
# course logged on its last day is not, hence a warning). Volunteering or a project at work
# is often logged as one total.
TRAINING_KINDS = frozenset(("training", "college-noncredit", "conference", "self-study"))


def warnings(values: dict, held: Sequence[tuple[int, RuleSet]],
             certified_on: Mapping[int, date], logged: Sequence[Activity]) -> list[str]:
    """Each thing that is probably wrong with the activity `values` (as the one check reads
    them, with `counting`), in one sentence. `held` are the person's credentials and
    `certified_on` their certification dates by id; `logged` are the person's other live
    activities dated the same day (see `logged_near`)."""
    activity = validation.model_values(values)
    kind = kind_of(activity["kind"])
    if kind is None:
        return []
    found = [_too_many_hours(activity, logged), _too_many_credits(activity),
             _course_as_certification(activity), _logged_before(activity, logged)]
    found += _before_certification(activity, values.get("counting") or {}, held, certified_on)
    return [warning for warning in found if warning]


def _day(activity) -> date | None:
    """The date an activity is known by: a job's first day, anything else's."""
    if isinstance(activity, dict):
        return activity["started_on"] or activity["completed_on"]
    return activity.started_on or activity.completed_on


def _too_many_hours(activity: dict, logged: Sequence[Activity]) -> str | None:
    if activity["kind"] not in TRAINING_KINDS or activity["quantity"] is None:
        return None
    day = activity["completed_on"]
    hours = activity["quantity"] + sum(
        other.quantity or 0 for other in logged
        if other.kind in TRAINING_KINDS and other.started_on is None and other.completed_on == day)
    if hours <= DAY_HOURS:
        return None
    return (f"That makes {points(hours)} hours on {say_date(day)}, more than a day holds: "
            "check the hours, or save anyway if it took several days.")


def _too_many_credits(activity: dict) -> str | None:
    credits = activity["quantity"]
    if activity["kind"] != "college-credit" or credits is None or credits <= MOST_CREDITS:
        return None
    return (f"Few college courses give more than {MOST_CREDITS} credit hours: if "
            f"{points(credits)} is the hours you spent in class, choose "
            f"“{kind_of('college-noncredit').name}” or “{kind_of('training').name}”.")


def _course_as_certification(activity: dict) -> str | None:
    if activity["kind"] != "certification" or not COURSE_WORDS.search(activity["title"]):
        return None
    return (f"“{activity['title']}” sounds like a course, not a certification: log a course "
            f"as “{kind_of('training').name}”, by its hours.")


def _logged_before(activity: dict, logged: Sequence[Activity]) -> str | None:
    title, day = activity["title"].casefold(), _day(activity)
    if not any(other.title.strip().casefold() == title and _day(other) == day
               for other in logged):
        return None
    return (f"You already logged “{activity['title']}” on {say_date(day)}: check that this "
            "is not the same thing twice.")


def _before_certification(activity: dict, counting: Mapping[int, str],
                          held: Sequence[tuple[int, RuleSet]],
                          certified_on: Mapping[int, date]) -> list[str]:
    """A date before a credential's certification, for each credential it would count
    toward (a job still going on ends today: never before)."""
    day = activity["completed_on"]
    if day is None:
        return []
    return [f"This is dated before your {ruleset.short_name} certification "
            f"({say_date(certified_on[credential_id])}), so it does not count toward "
            f"{ruleset.short_name}: check the date."
            for credential_id, ruleset in held
            if counting.get(credential_id, validation.DEFAULT) != validation.EXCLUDE
            and ruleset.landing(activity["kind"]) is not None
            and credential_id in certified_on and day < certified_on[credential_id]]


def logged_near(session: Session, user: User, values: dict,
                activity_id: int | None = None) -> list[Activity]:
    """The person's live activities, other than `activity_id`, dated the day of `values`:
    the ones `warnings` compares it with."""
    activity = validation.model_values(values)
    days = {activity["completed_on"], activity["started_on"]} - {None}
    if not days:
        return []
    query = select(Activity).where(
        Activity.user_id == user.id, Activity.deleted_at.is_(None),
        or_(Activity.completed_on.in_(days), Activity.started_on.in_(days)))
    if activity_id is not None:
        query = query.where(Activity.id != activity_id)
    return list(session.exec(query))
