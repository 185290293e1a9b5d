"""The way from first login to renewal, worked out from a credential's figures: whether the
person has yet to log anything, and the steps to renew with the agency once the points are in or
the application window is open.

Pure: plain values in, plain values out; the pages say each step in words (with its links) in
templates/credentials/_renewal_steps.html.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from tracker.rules.catalog import Fee, RuleSet
from tracker.rules.engine import Progress, Status

# A cycle still running: the person can log, apply, and be behind or on track.
RUNNING = (Status.AT_RISK, Status.ON_TRACK, Status.BEHIND)

DONE, TO_DO, LATER = "done", "to_do", "later"


@dataclass(frozen=True)
class AgencyForms:
    """What an agency publishes about the forms that back up a renewal."""

    covers: str  # what the forms are for, in words
    site: str  # where to find them, as people type it
    url: str


# Published (RULES.md, spec version 2, item 3, from MSSC's "Recertification" page): MSSC has
# verification forms for education, employment and volunteer activities. Keyed by the agency's
# short name; an agency not listed gets no forms step.
FORMS = {
    "MSSC": AgencyForms("education, employment and volunteering", "msscusa.org",
                        "https://msscusa.org/recertification/"),
}


@dataclass(frozen=True)
class Step:
    """One step of renewing: which (the page says it in words), its state and its date."""

    code: str  # points, estimates, number, report, forms, apply, renewed
    state: str  # DONE, TO_DO, or LATER (possible from `on`)
    on: date | None = None  # done: the day, if known; to do: a deadline, if any; later: first day
    fees: tuple[Fee, ...] = ()  # apply: what it costs this person


def is_starting(progress: Progress) -> bool:
    """Nothing logged toward the credential yet, with time to spare: the person has to log
    what they did since the cycle started, which is no reason to call them behind. (At risk,
    little time is left: that they must hear.)"""
    return progress.status in (Status.ON_TRACK, Status.BEHIND) and not progress.activities


def steps_due(progress: Progress) -> bool:
    """The steps to renew show once the cycle is complete, or once the application window is
    open while the cycle still runs."""
    return progress.status == Status.COMPLETE or (
        progress.status in RUNNING and progress.today >= progress.window_opens_on)


def renewal_steps(ruleset: RuleSet, progress: Progress, *, certificate_number: str,
                  renewal_offered: bool, held: Iterable[str],
                  known: Iterable[str]) -> list[Step]:
    """The steps to renew, in order, or none before they are due (see `steps_due`).

    `renewal_offered`: whether "I have renewed" can be recorded now; `held`: the short names
    of every credential the person holds; `known`: every credential's short name, to tell
    which credentials a fee's label names."""
    if not steps_due(progress):
        return []
    deadline = progress.ends_on
    window_open = progress.today >= progress.window_opens_on
    # Only the points and the application carry the deadline: the rest is done before applying.
    steps = [
        Step("points", DONE, progress.requirement_reached_on)
        if progress.status == Status.COMPLETE else Step("points", TO_DO, deadline),
        Step("estimates", TO_DO),
        Step("number", DONE if certificate_number.strip() else TO_DO),
        Step("report", TO_DO),
    ]
    if agency_forms(ruleset) is not None:
        steps.append(Step("forms", TO_DO))
    fees = fees_for(ruleset, held, known)
    steps.append(Step("apply", TO_DO, deadline, fees) if window_open
                 else Step("apply", LATER, progress.window_opens_on, fees))
    steps.append(Step("renewed", TO_DO) if renewal_offered
                 else Step("renewed", LATER, progress.window_opens_on))
    return steps


def with_marks(steps: list[Step], marked: Mapping[str, date | None]) -> list[Step]:
    """The steps, with those the person marked done (by code: the day, or None while not
    done) shown done on that day. Recert cannot see them done on its own: checking the
    estimates with the agency, downloading the report."""
    return [replace(step, state=DONE, on=marked[step.code]) if marked.get(step.code) else step
            for step in steps]


def agency_forms(ruleset: RuleSet) -> AgencyForms | None:
    return FORMS.get(ruleset.agency.short_name)


def fees_for(ruleset: RuleSet, held: Iterable[str], known: Iterable[str]) -> tuple[Fee, ...]:
    """The rule set's fees that apply to this person: a fee whose label names credentials
    (CPT's file lists "CPT", "CLT", and "CPT and CLT" together) applies when it names this
    one and the person holds every one it names; a fee that names none (members, non-members)
    always applies."""
    held = {*held, ruleset.short_name}
    known = {*known, ruleset.short_name}
    chosen = []
    for fee in ruleset.fees:
        named = set(re.findall(r"[\w()]+", fee.label)) & known
        if not named or (ruleset.short_name in named and named <= held):
            chosen.append(fee)
    return tuple(chosen)
