"""Closing a cycle: recording a renewal or a regained credential, undoing it, past cycles.

docs/rules.md: after a renewal the next cycle starts the day after the old end and ends
N years after it; a lapsed credential is regained by passing the assessment again, and the
new cycle starts on the pass date. Nothing is copied between cycles: the open cycle's view
evaluates the credential's activities against that cycle, and a closed cycle keeps its own
snapshot of the day it closed (tracker.credentials.snapshots).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import delete
from sqlmodel import Session, select

from tracker import history
from tracker.concurrency import Conflict, changed_meanwhile, check_version, refusing_stale
from tracker.credentials import snapshots
from tracker.display import count_of
from tracker.ledger import Ledger, ledger_of
from tracker.models import Cycle, CycleSnapshot, CycleStatus, HeldCredential
from tracker.rules.catalog import RuleSet
from tracker.rules.checks import say_date
from tracker.rules.cycles import cycle_for, next_cycle_after
from tracker.rules.engine import Progress, Status
from tracker.served_rulesets import catalog, ruleset_of

CHANGED_MEANWHILE = changed_meanwhile("credential") + " Look at it again before you go on."
RENEW = "renew"
REGAIN = "regain"


class Refused(ValueError):
    """The change cannot be made; the message says why in plain words."""


class DateRefused(Refused):
    """The date given cannot be used; the message is for the date field."""


@dataclass(frozen=True)
class Offer:
    """What the person can record now: RENEW, REGAIN or nothing (action None), and why."""

    action: str | None
    message: str
    window_opens_on: date | None = None  # RENEW: the first day a renewal date may be


def offer_of(cycle: Cycle | None, progress: Progress, today: date) -> Offer:
    """Spec version 2: a renewal is offered from the first day of the application window,
    whatever the points (the agency decides), and a lapsed cycle offers passing again."""
    if cycle is None or cycle.status != CycleStatus.OPEN:
        return Offer(None, "This cycle is already closed.")
    if progress.status == Status.NOT_REQUIRED:
        return Offer(None, "You do not need to renew: you do not hold every module of the "
                           "full credential.")
    if progress.status == Status.LAPSED:
        return Offer(REGAIN, f"This cycle ended on {say_date(cycle.ends_on)} without "
                             "enough points. If you passed the assessment again, record it "
                             "here to start a new cycle.")
    opens_on = progress.window_opens_on
    if today >= opens_on:
        return Offer(RENEW, "Once your renewal is approved, record it here.", opens_on)
    return Offer(None, f"You can record your renewal from {say_date(opens_on)}, the day "
                       "the application opens.")


def current_offer(session: Session, credential: HeldCredential, today: date) -> Offer:
    cycle = credential.open_cycle
    if cycle is None:
        return Offer(None, "This credential has no open cycle.")
    ledger = ledger_of(session, credential, today, cycle)
    return offer_of(cycle, ledger.progress, today)


def renewal_date_problem(window_opens_on: date, renewed_on: date, today: date) -> str | None:
    """A renewal date lies from the window's first day to today, both included."""
    if renewed_on > today:
        return "The date cannot be in the future."
    if renewed_on < window_opens_on:
        return (f"The date cannot be before {say_date(window_opens_on)}, the day the "
                "application opened.")
    return None


def regain_date_problem(cycle: Cycle, passed_on: date, today: date) -> str | None:
    if passed_on > today:
        return "The date cannot be in the future."
    if passed_on <= cycle.ends_on:
        return f"The date must be after your cycle ended on {say_date(cycle.ends_on)}."
    return None


def _closing_ledger(session: Session, credential: HeldCredential, closed_on: date) -> Ledger:
    """The open cycle as seen on the day it closes: what its history keeps.

    The credential's row is locked first (on PostgreSQL; SQLite has one writer anyway), so
    an activity saved from now on waits for the renewal's commit; one saved since this
    request read the credential has raised its revision, and the renewal is refused."""
    revision = session.exec(select(HeldCredential.activities_revision).where(
        HeldCredential.id == credential.id).with_for_update()).one()
    if revision != credential.activities_revision:
        raise Refused(CHANGED_MEANWHILE)
    return ledger_of(session, credential, closed_on, credential.open_cycle)


def _close_and_open(session: Session, credential: HeldCredential, ruleset: RuleSet,
                    status: CycleStatus, closing: Ledger, closed_on: date,
                    dates: tuple[date, date], carried: Decimal = Decimal(0)) -> Cycle:
    """Close the open cycle, keeping `closing` (its ledger on `closed_on`) as its snapshot,
    and open one under `ruleset` (the rule set's current version), starting with `carried`
    points from the old one."""
    old = credential.open_cycle
    before = _cycle_facts(old)
    old.status, old.closed_on = status, closed_on
    credential.version += 1  # a second renewal from the same page (another tab) is refused
    new = Cycle(starts_on=dates[0], ends_on=dates[1], points_required=ruleset.points_required,
                ruleset_version=ruleset.version, carried_in=carried)
    credential.cycles.append(new)
    session.add(credential)
    with _refusing_a_change_meanwhile(session):
        session.flush()  # the new cycle's id, for the record; a second renewal stops here
    session.add(snapshots.take(old, credential, closing))
    what = (f"Renewed {ruleset.name}" if status == CycleStatus.RENEWED
            else f"Passed the {ruleset.name} assessment again")
    brought = f", starting with {carried.normalize():f} points carried over" if carried else ""
    _record_and_commit(session, credential, history.RENEWED, old, before,
                       f"{what} on {say_date(closed_on)}: new cycle {say_date(dates[0])} to "
                       f"{say_date(dates[1])}{brought}")
    return new


def _record_and_commit(session: Session, credential: HeldCredential, action: str, cycle: Cycle,
                       before: dict, summary: str) -> None:
    """Keep the change of `cycle` (from its facts `before`) in the history, and commit."""
    history.record(session, credential.user_id, action, "cycle", cycle.id, summary,
                   history.diff(before, _cycle_facts(cycle)))
    with _refusing_a_change_meanwhile(session):
        session.commit()


def _cycle_facts(cycle: Cycle) -> dict:
    """The cycle's fields for its history, its status in a word ("Renewed", not "renewed")."""
    return history.snapshot(cycle, history.CYCLE_FIELDS, {"status": lambda s: s.capitalize()})


@contextmanager
def _refusing_a_change_meanwhile(session: Session) -> Iterator[None]:
    try:
        with refusing_stale(session):
            yield
    except Conflict as error:
        raise Refused(CHANGED_MEANWHILE) from error


def record_renewal(session: Session, credential: HeldCredential, renewed_on: date,
                   today: date) -> Cycle:
    """Close the open cycle as renewed on `renewed_on` and open the next one."""
    offer = current_offer(session, credential, today)
    if offer.action != RENEW or offer.window_opens_on is None:
        raise Refused(offer.message if offer.action is None
                      else "You cannot record a renewal for this cycle.")
    old = credential.open_cycle
    problem = renewal_date_problem(offer.window_opens_on, renewed_on, today)
    if problem:
        raise DateRefused(problem)
    closing = _closing_ledger(session, credential, renewed_on)
    ruleset = catalog().get(credential.ruleset_code)
    return _close_and_open(session, credential, ruleset, CycleStatus.RENEWED, closing,
                           renewed_on, next_cycle_after(ruleset, old.ends_on),
                           closing.progress.carry_over_out)


def record_regain(session: Session, credential: HeldCredential, passed_on: date,
                  today: date) -> Cycle:
    """Close the lapsed cycle on `passed_on` and start a new cycle on that date."""
    if current_offer(session, credential, today).action != REGAIN:
        raise Refused("This cycle has not lapsed, so there is nothing to regain.")
    problem = regain_date_problem(credential.open_cycle, passed_on, today)
    if problem:
        raise DateRefused(problem)
    ruleset = catalog().get(credential.ruleset_code)
    return _close_and_open(session, credential, ruleset, CycleStatus.LAPSED,
                           _closing_ledger(session, credential, passed_on), passed_on,
                           cycle_for(ruleset, passed_on))


def last_closed(credential: HeldCredential) -> Cycle | None:
    """The cycle closed just before the open one: what an undo would reopen."""
    cycles = credential.cycles
    if len(cycles) < 2 or cycles[-1].status != CycleStatus.OPEN:
        return None
    return cycles[-2]


def undo_problem(session: Session, credential: HeldCredential, today: date) -> str | None:
    """Why the last renewal cannot be undone, or None when it can."""
    activities = ledger_of(session, credential, today, credential.cycles[-1]).activities
    return _undo_problem(credential, activities, today)


def _undo_problem(credential: HeldCredential, activities, today: date) -> str | None:
    """Why the last renewal cannot be undone, given the credential's live activities."""
    if last_closed(credential) is None:
        return "There is no renewal to undo."
    new = credential.cycles[-1]
    # Dated on or after the new start; employment by its end date, or today while it runs.
    own = sum(1 for a in activities if (a.completed_on or today) >= new.starts_on)
    if own:
        return (f"You cannot undo it: {count_of(own, 'activity is', 'activities are')} "
                f"dated in the new cycle (from {say_date(new.starts_on)}). Undoing would "
                "move them back into the old cycle. If the renewal really was a mistake, "
                f"leave them out of {ruleset_of(credential, new).short_name} (on each "
                "activity's Change page) or change their dates first.")
    return None


def undo(session: Session, credential: HeldCredential, today: date,
         started: int | None = None) -> Cycle:
    """Delete the new cycle and reopen the one before it; `started` is the credential's
    version the undo page showed (a second click, or another tab, undoes nothing more)."""
    with _refusing_a_change_meanwhile(session):
        check_version(credential, started)
    problem = undo_problem(session, credential, today)
    if problem:
        raise Refused(problem)
    old, new = credential.cycles[-2], credential.cycles[-1]
    before = _cycle_facts(old)
    credential.cycles.remove(new)
    old.status, old.closed_on, old.counted_at_close = CycleStatus.OPEN, None, None
    session.exec(delete(CycleSnapshot).where(CycleSnapshot.cycle_id == old.id))
    credential.version += 1  # undoing twice from two tabs is refused
    session.add(credential)
    _record_and_commit(session, credential, history.CHANGED, old, before,
                       f"Renewal of {ruleset_of(credential, old).name} undone: the cycle "
                       f"{say_date(new.starts_on)} to {say_date(new.ends_on)} was removed")
    return old


@dataclass(frozen=True)
class PastCycle:
    cycle: Cycle
    counted: Decimal


def past_cycles(session: Session, credential: HeldCredential) -> list[PastCycle]:
    """Every closed cycle, newest first, with its counted points on the day it closed."""
    return [
        PastCycle(cycle, cycle.counted_at_close if cycle.counted_at_close is not None
                  else snapshots.cycle_ledger(session, credential, cycle, cycle.ends_on)
                  .progress.counted)
        for cycle in reversed(credential.cycles) if cycle.status != CycleStatus.OPEN
    ]


@dataclass(frozen=True)
class Panel:
    """The dashboard's renewal and history sections."""

    offer: Offer
    undoable: Cycle | None  # the closed cycle an undo would open again, when it can be undone
    past: list[PastCycle]


def panel(session: Session, credential: HeldCredential, cycle: Cycle, ledger: Ledger,
          today: date) -> Panel:
    """From the current cycle's ledger: no statement beyond a legacy past cycle's."""
    can_undo = _undo_problem(credential, ledger.activities, today) is None
    return Panel(offer_of(cycle, ledger.progress, today),
                 last_closed(credential) if can_undo else None, past_cycles(session, credential))
