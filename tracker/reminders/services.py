"""The calendar address, and which reminders are due by email and not sent yet."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from tracker.credentials.services import WITH_MODULES_AND_CYCLES
from tracker.ledger import ledger_of
from tracker.models import HeldCredential, ReminderNotice, User, new_login_token
from tracker.rules.catalog import RuleSet
from tracker.rules.engine import Progress
from tracker.rules.reminders import Reminder, due_reminders

EMAILED = "emailed"


def calendar_owner(session: Session, token: str) -> User | None:
    return session.exec(select(User).where(User.calendar_token == token)).first()


def new_calendar_address(session: Session, user: User) -> None:
    """A new secret for the feed's URL: the old URL stops working at once."""
    user.calendar_token = new_login_token()
    session.add(user)
    session.commit()


@dataclass(frozen=True)
class CredentialReminders:
    """The reminders of one credential's current cycle that are due and not emailed yet."""

    credential: HeldCredential
    ruleset: RuleSet
    progress: Progress
    reminders: list[Reminder]

    @property
    def cycle_id(self) -> int:
        return self.credential.current_cycle.id


@dataclass
class UserReminders:
    user: User
    credentials: list[CredentialReminders] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(item.reminders) for item in self.credentials)


def reminders_to_email(session: Session, today: date) -> list[UserReminders]:
    """Per user, the reminders due on `today` that no earlier run has emailed. Only people who
    confirmed their email get any: an address nobody confirmed may be someone else's."""
    credentials = list(session.exec(
        select(HeldCredential).options(*WITH_MODULES_AND_CYCLES)
        .join(User, User.id == HeldCredential.user_id)
        .where(User.email_verified_at.is_not(None))
        .order_by(HeldCredential.user_id, HeldCredential.created_at)
    ).unique())
    if not credentials:
        return []
    cycle_ids = [credential.current_cycle.id for credential in credentials]
    emailed = set(session.exec(
        select(ReminderNotice.cycle_id, ReminderNotice.code)
        .where(ReminderNotice.kind == EMAILED, ReminderNotice.cycle_id.in_(cycle_ids))
    ))
    users = {user.id: user for user in session.exec(
        select(User).where(User.id.in_({credential.user_id for credential in credentials}))
    )}
    by_user: dict[int, UserReminders] = {}
    for credential in credentials:
        cycle = credential.current_cycle
        ledger = ledger_of(session, credential, today, cycle)
        new = [reminder for reminder in due_reminders(ledger.ruleset, ledger.progress)
               if (cycle.id, reminder.code) not in emailed]
        if new:
            user = users[credential.user_id]
            by_user.setdefault(user.id, UserReminders(user)).credentials.append(
                CredentialReminders(credential, ledger.ruleset, ledger.progress, new)
            )
    return list(by_user.values())


def send_once(session: Session, due: UserReminders, send: Callable[[], None]) -> bool:
    """Record the reminders as emailed, send, and keep the record only if the send worked.

    The record is written first so that a second run at the same time stops at the
    unique constraint instead of sending the same email again. Returns False when
    another run got there first.
    """
    for item in due.credentials:
        for reminder in item.reminders:
            session.add(ReminderNotice(cycle_id=item.cycle_id, code=reminder.code, kind=EMAILED))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    try:
        send()
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return True
