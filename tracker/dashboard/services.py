"""Where a person stands on each credential, most urgent first, and the reminders to show."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from tracker.credentials.renewal import RENEW, offer_of
from tracker.credentials.services import credentials_of
from tracker.dashboard import step_marks
from tracker.dashboard.renewal_steps import Step, renewal_steps, steps_due
from tracker.db import get_session
from tracker.ledger import Ledger, WithLedger, ledgers_of
from tracker.models import Cycle, HeldCredential, ReminderNotice, User
from tracker.rules.catalog import RuleSet
from tracker.rules.engine import Progress, Status
from tracker.rules.reminders import Reminder, due_reminders
from tracker.served_rulesets import catalog, ruleset_of

URGENCY = [Status.LAPSED, Status.AT_RISK, Status.BEHIND, Status.ON_TRACK, Status.COMPLETE,
           Status.NOT_REQUIRED, Status.RENEWED]
DISMISSED = "dismissed"


@dataclass(frozen=True)
class Standing(WithLedger):
    credential: HeldCredential
    cycle: Cycle
    ledger: Ledger
    held: frozenset[str]  # the short names of every credential the person holds


def standings_of(session: Session, user: User, today: date) -> list[Standing]:
    """Every credential of the user with its evaluated current cycle, most urgent first."""
    credentials = credentials_of(session, user)
    held = frozenset(ruleset_of(credential).short_name for credential in credentials)
    standings = [
        Standing(credential, credential.current_cycle, ledger, held)
        for credential, ledger in zip(
            credentials, ledgers_of(session, credentials, today), strict=True
        )
    ]
    return sorted(standings, key=lambda s: (URGENCY.index(s.progress.status), s.cycle.ends_on))


def reminders_to_show(session: Session, standings: list[Standing]) -> list[tuple[Standing,
                                                                                  Reminder]]:
    """The due reminders the person has not dismissed, one statement for all credentials."""
    cycle_ids = [standing.cycle.id for standing in standings]
    dismissed = set(session.exec(
        select(ReminderNotice.cycle_id, ReminderNotice.code).where(
            ReminderNotice.cycle_id.in_(cycle_ids), ReminderNotice.kind == DISMISSED
        )
    )) if cycle_ids else set()
    return [
        (standing, reminder)
        for standing in standings
        for reminder in due_reminders(standing.ruleset, standing.progress)
        if (standing.cycle.id, reminder.code) not in dismissed
    ]


def steps_to_renew(credential: HeldCredential, cycle: Cycle, ruleset: RuleSet,
                   progress: Progress, held: frozenset[str] | None = None) -> list[Step]:
    """The steps to renew a credential, for its card and its page (none before they are due).
    `held`: the short names of the person's credentials, read here when not given (one small
    statement, only once the steps show)."""
    if not steps_due(progress):
        return []
    if held is None:
        codes = get_session().exec(select(HeldCredential.ruleset_code).where(
            HeldCredential.user_id == credential.user_id)).all()
        # A credential whose rule set this server no longer has holds no fee.
        held = frozenset(catalog().get(code).short_name for code in codes if code in catalog())
    return step_marks.marked_steps(renewal_steps(
        ruleset, progress, certificate_number=credential.certificate_number or "",
        renewal_offered=offer_of(cycle, progress, progress.today).action == RENEW,
        held=held, known={r.short_name for r in catalog().all_current()},
    ), cycle)


def own_cycle(session: Session, user: User, cycle_id: int) -> Cycle | None:
    return session.exec(
        select(Cycle).join(HeldCredential)
        .where(Cycle.id == cycle_id, HeldCredential.user_id == user.id)
    ).first()


def dismiss(session: Session, cycle: Cycle, code: str) -> None:
    """Hide a reminder of this cycle for good (dismissing twice changes nothing)."""
    exists = session.exec(select(ReminderNotice.id).where(
        ReminderNotice.cycle_id == cycle.id, ReminderNotice.code == code,
        ReminderNotice.kind == DISMISSED,
    )).first()
    if exists is None:
        session.add(ReminderNotice(cycle_id=cycle.id, code=code, kind=DISMISSED))
        session.commit()
